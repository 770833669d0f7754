import { data, Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/admin.people.merge";
import { requirePermission } from "~/auth/auth.server.ts";
import { ErrorSummary, Field, Notice } from "~/components/form.tsx";
import { MergeError, mergePeople, previewMerge, searchPeople, type MergeCounts } from "~/models/people-merge.server.ts";
import { listIdentityFlags } from "~/models/identity-flags.server.ts";
import { parseForm, readForm } from "~/utils/forms.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

export const meta: Route.MetaFunction = () => [{ title: "Merge duplicate people – Staffordshire Digital Skills" }];

const Query = z.object({
  q: z.string().trim().max(200).optional().default(""),
  keep: z
    .union([z.literal(""), z.string().uuid()])
    .optional()
    .default(""),
  duplicate: z
    .union([z.literal(""), z.string().uuid()])
    .optional()
    .default(""),
});
const ConfirmForm = z.object({
  survivorId: z.string().uuid(),
  duplicateId: z.string().uuid(),
  confirm: z.literal("yes", { message: "Tick the box to confirm the merge." }),
});

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "people:merge");
  const url = new URL(request.url);
  const parsed = Query.safeParse({
    q: url.searchParams.get("q") ?? "",
    keep: url.searchParams.get("keep") ?? "",
    duplicate: url.searchParams.get("duplicate") ?? "",
  });
  const flags = await listIdentityFlags(viewer);
  if (!parsed.success)
    return { q: "", results: [], preview: null, flags, problem: "Those search details are not valid. Search again." };
  const { q, keep, duplicate } = parsed.data;
  const results = q ? await searchPeople(viewer, q) : [];
  let preview = null;
  let problem: string | null = null;
  if (keep && duplicate) {
    try {
      preview = await previewMerge(viewer, { survivorId: keep, duplicateId: duplicate });
    } catch (error) {
      if (error instanceof MergeError) problem = error.message;
      else throw error;
    }
  } else if (keep || duplicate) {
    problem = "Choose both the record to keep and the duplicate.";
  }
  return { q, results, preview, flags, problem };
}

export async function action({ request }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "people:merge");
  const form = parseForm(await readForm(request), ConfirmForm);
  if (!form.ok) return data({ errors: form.errors, merged: null }, { status: 400 });
  try {
    const result = await mergePeople(viewer, { survivorId: form.data.survivorId, duplicateId: form.data.duplicateId });
    return { errors: null, merged: result };
  } catch (error) {
    if (error instanceof MergeError)
      return data({ errors: { form: error.message } as Record<string, string>, merged: null }, { status: 400 });
    throw error;
  }
}

const COUNT_LABELS: Record<keyof MergeCounts, string> = {
  memberships: "Roles in organisations",
  cohortMembers: "Class memberships",
  classesTaught: "Classes they teach",
  enrolments: "Pathway enrolments",
  enrolmentCollisions: "… of which the survivor also has (kept: the one with more progress; entries re-pointed)",
  progressEntries: "Learning records (progress entries)",
  progressEntriesRecorded: "Others' learning records they logged, verified or confirmed",
  credentials: "Credentials",
  apprenticeships: "Apprenticeships",
  apprenticeshipsAsTutor: "Apprenticeships they tutor",
  apprenticeshipsAsSupervisor: "Apprenticeships they supervise",
  placements: "Work-experience placements",
  placementsSupervised: "Placements they supervise",
  encounterAttendance: "Employer encounters attended",
  tokens: "One-time links and codes (unused ones are cancelled)",
  sessionsDeleted: "Signed-in sessions (ended)",
  notifications: "Emails sent",
  auditEntriesKept: "Audit entries (stay on the duplicate, which points at the survivor)",
};

type Person = {
  id: string;
  name: string;
  email: string | null;
  username: string | null;
  upn: string | null;
  yearGroup: number | null;
  roles: string[];
  disabled: boolean;
  createdAt: string;
};

function describe(p: Person) {
  return [
    p.email,
    p.username ? `username ${p.username}` : null,
    p.upn ? `UPN ${p.upn}` : null,
    p.yearGroup ? `year ${p.yearGroup}` : null,
  ]
    .filter(Boolean)
    .join(", ");
}

export default function MergePeople() {
  const { q, results, preview, flags, problem } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (actionData?.merged) {
    const total =
      actionData.merged.counts.progressEntries +
      actionData.merged.counts.placements +
      actionData.merged.counts.apprenticeships;
    return (
      <div className="stack">
        <h1>Records merged</h1>
        <Notice tone="success">
          The duplicate now points at the record kept, and is disabled. {total} learning records, placements and
          apprenticeships moved. The merge is in the audit log.
        </Notice>
        <p>
          <Link to={`/people/${actionData.merged.survivorId}`}>View the record kept</Link>
        </p>
        <p>
          <Link to="/admin/people/merge">Merge two other records</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="stack">
      <h1>Merge duplicate people</h1>
      <p>
        One person, one record for life. Find the two records, choose which to keep, check what moves, then confirm.
        Nothing is lost: every learning record, placement and credential moves to the record kept.
      </p>
      {flags.length ? (
        <section aria-labelledby="flags-title">
          <h2 id="flags-title">Identifiers an organisation gave that another record holds</h2>
          <p>
            A school (for one of its pupils) or an employer (for an apprentice) gave a UPN or email address that already
            belongs to someone else. Their person was kept without it, and they were not told. If the two records are
            the same person, merge them; the flag closes when they are merged.
          </p>
          <ScrollTable
            caption={
              <>
                {flags.length} open flag{flags.length === 1 ? "" : "s"}
              </>
            }
          >
            <thead>
              <tr>
                <th scope="col">Identifier</th>
                <th scope="col">Given by</th>
                <th scope="col">Their pupil</th>
                <th scope="col">Record that holds it</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {flags.map((f) => (
                <tr key={f.id}>
                  <th scope="row">
                    {f.kind === "UPN" ? "UPN" : "Email"} {f.value}
                  </th>
                  <td>
                    {f.organisation}, {f.flaggedAt.slice(0, 10)}
                  </td>
                  <td>
                    <Link to={`/people/${f.claimant.id}`}>{f.claimant.name}</Link>
                  </td>
                  <td>
                    <Link to={`/people/${f.holder.id}`}>{f.holder.name}</Link> (
                    {f.holder.roles.join("; ") || "no roles"})
                  </td>
                  <td>
                    <Link to={`/admin/people/merge?keep=${f.holder.id}&duplicate=${f.claimant.id}`}>
                      Compare
                      <span className="visually-hidden">
                        {" "}
                        {f.claimant.name} with {f.holder.name}
                      </span>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </ScrollTable>
        </section>
      ) : null}
      <Form method="get" className="narrow-form">
        <Field name="q" label="Search by name, email, username or UPN" type="search" defaultValue={q} />
        <button type="submit">Search</button>
      </Form>
      {problem ? <Notice tone="warning">{problem}</Notice> : null}
      {q && results.length === 0 ? <p>No records match “{q}”.</p> : null}
      {results.length ? (
        <Form method="get">
          <input type="hidden" name="q" value={q} />
          <ScrollTable
            caption={
              <>
                {results.length} matching record{results.length === 1 ? "" : "s"}
              </>
            }
          >
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Identifiers</th>
                <th scope="col">Roles</th>
                <th scope="col">Keep</th>
                <th scope="col">Duplicate</th>
              </tr>
            </thead>
            <tbody>
              {results.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    {p.name}
                    {p.disabled ? " (disabled)" : ""}
                  </th>
                  <td>{describe(p) || "None"}</td>
                  <td>{p.roles.join("; ") || "None"}</td>
                  <td>
                    <input
                      type="radio"
                      name="keep"
                      value={p.id}
                      id={`keep-${p.id}`}
                      aria-label={`Keep ${p.name} (${describe(p)})`}
                    />
                  </td>
                  <td>
                    <input
                      type="radio"
                      name="duplicate"
                      value={p.id}
                      id={`dup-${p.id}`}
                      aria-label={`${p.name} (${describe(p)}) is the duplicate`}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </ScrollTable>
          <button type="submit">Preview the merge</button>
        </Form>
      ) : null}
      {preview ? (
        <section aria-labelledby="preview-title">
          <h2 id="preview-title">What the merge will do</h2>
          <p>
            Keep <strong>{preview.survivor.name}</strong> ({describe(preview.survivor) || "no identifiers"}). Merge in
            and disable <strong>{preview.duplicate.name}</strong> ({describe(preview.duplicate) || "no identifiers"}).
          </p>
          {preview.identifiersMoving.length || preview.passwordMoving ? (
            <p>
              The record kept also takes:{" "}
              {[
                ...preview.identifiersMoving.map(
                  (k) =>
                    ({
                      email: "email address",
                      username: "username",
                      upn: "UPN",
                      dateOfBirth: "date of birth",
                      yearGroup: "year group",
                    })[k],
                ),
                ...(preview.passwordMoving ? ["password"] : []),
              ].join(", ")}
              .
            </p>
          ) : null}
          <ScrollTable caption="Moving from the duplicate to the record kept">
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">How many</th>
              </tr>
            </thead>
            <tbody>
              {(Object.keys(COUNT_LABELS) as (keyof MergeCounts)[]).map((k) => (
                <tr key={k}>
                  <th scope="row">{COUNT_LABELS[k]}</th>
                  <td>{preview.counts[k]}</td>
                </tr>
              ))}
            </tbody>
          </ScrollTable>
          <ErrorSummary errors={actionData?.errors} />
          <Form method="post" noValidate>
            <input type="hidden" name="survivorId" value={preview.survivor.id} />
            <input type="hidden" name="duplicateId" value={preview.duplicate.id} />
            <div className={`field checkbox${actionData?.errors?.confirm ? " field--error" : ""}`}>
              {actionData?.errors?.confirm ? (
                <p className="error-message" id="field-confirm-error">
                  {actionData.errors.confirm}
                </p>
              ) : null}
              <input
                type="checkbox"
                id="field-confirm"
                name="confirm"
                value="yes"
                aria-describedby={actionData?.errors?.confirm ? "field-confirm-error" : undefined}
              />
              <label htmlFor="field-confirm">These two records are the same person. Merge them.</label>
            </div>
            <button type="submit" className="danger">
              Merge records
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
