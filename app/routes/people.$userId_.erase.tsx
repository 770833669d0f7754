/**
 * Erasure on request (partnership admins): a preview of what will change, then a confirmation.
 * The person's row stays for counts; everything that identifies them goes (see
 * app/models/data-rights.server.ts).
 */
import { data, Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/people.$userId_.erase";
import { requirePermission } from "~/auth/auth.server.ts";
import { ErrorSummary, Notice } from "~/components/form.tsx";
import { ROLE_LABELS } from "~/auth/permissions.ts";
import { erasePerson, erasurePreview, ErasureError } from "~/models/data-rights.server.ts";
import { parseForm, readForm } from "~/utils/forms.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

export const meta: Route.MetaFunction = () => [{ title: "Erase a person's record – Staffordshire Digital Skills" }];

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "person:erase");
  return erasurePreview(viewer, params.userId);
}

const ConfirmForm = z.object({ confirm: z.literal("yes", { message: "Tick the box to confirm the erasure." }) });

export async function action({ request, params }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "person:erase");
  await erasurePreview(viewer, params.userId); // 404 outside reach, before reading the form
  const form = parseForm(await readForm(request), ConfirmForm);
  if (!form.ok) return data({ errors: form.errors, counts: null }, { status: 400 });
  try {
    const counts = await erasePerson(viewer, params.userId);
    return { errors: null, counts };
  } catch (error) {
    if (error instanceof ErasureError) return data({ errors: { form: error.message }, counts: null }, { status: 400 });
    throw error;
  }
}

export default function ErasePerson() {
  const preview = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (result?.counts) {
    return (
      <div className="stack">
        <h1>Record erased</h1>
        <Notice tone="success">
          The person's details have been erased. {result.counts.sessions} session(s) and {result.counts.tokens} link(s)
          were removed; {result.counts.progressEntriesBlanked} learning record(s) and {result.counts.reflectionsBlanked}{" "}
          reflection(s) were blanked. {result.counts.rowsKeptForCounts} row(s) stay, without anything that identifies
          them, so past figures still add up.
        </Notice>
        <p>
          <Link to="/admin/audit?action=person.erase">See it in the audit log</Link>
        </p>
      </div>
    );
  }
  const { person, counts, isSelf } = preview;
  return (
    <div className="stack">
      <h1>Erase {person.name}'s record</h1>
      <ErrorSummary errors={result?.errors} />
      {person.erased ? (
        <Notice>This record has already been erased.</Notice>
      ) : isSelf ? (
        <Notice tone="warning">You cannot erase your own record. Ask another partnership admin.</Notice>
      ) : (
        <>
          <p>
            Erasing replaces this person's name with "Erased person" and removes their email address, username, pupil
            number, date of birth and password. They are signed out everywhere and cannot sign in again. Notes and
            reflections they wrote are blanked.
          </p>
          <p>
            Their records stay without anything that identifies them, so counts in past reports do not change. Report
            snapshots are not touched. This cannot be undone.
          </p>
          <ScrollTable caption="What changes">
            <tbody>
              <tr>
                <th scope="row">Roles</th>
                <td>{person.roles.map((r) => `${ROLE_LABELS[r.role]}, ${r.organisation}`).join("; ") || "None"}</td>
              </tr>
              <tr>
                <th scope="row">Sessions ended</th>
                <td>{counts.sessions}</td>
              </tr>
              <tr>
                <th scope="row">Links and codes removed</th>
                <td>{counts.tokens}</td>
              </tr>
              <tr>
                <th scope="row">Learning records blanked (kept for counts)</th>
                <td>{counts.progressEntries}</td>
              </tr>
              <tr>
                <th scope="row">Placements and encounters: reflections blanked</th>
                <td>{counts.placements + counts.encounters}</td>
              </tr>
              <tr>
                <th scope="row">Review addenda blanked</th>
                <td>{counts.addenda}</td>
              </tr>
              <tr>
                <th scope="row">Enrolments and apprenticeships kept for counts</th>
                <td>{counts.enrolments + counts.apprenticeships}</td>
              </tr>
            </tbody>
          </ScrollTable>
          <Form method="post" className="stack">
            <div className="field checkbox">
              <input type="checkbox" id="field-confirm" name="confirm" value="yes" />
              <label htmlFor="field-confirm">
                I confirm this person (or their parent or school) asked for their record to be erased
              </label>
            </div>
            <div className="actions">
              <button type="submit" className="danger">
                Erase this record
              </button>
              <Link to={`/people/${person.id}/record`}>Cancel</Link>
            </div>
          </Form>
        </>
      )}
    </div>
  );
}
