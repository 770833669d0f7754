import { useEffect } from "react";
import { data, Form, Link, redirect, useActionData, useLoaderData, useRevalidator } from "react-router";
import type { Route } from "./+types/classes.$classId.import.$importId";
import { requirePermission } from "~/auth/auth.server.ts";
import { ErrorSummary, Notice } from "~/components/form.tsx";
import {
  BACKGROUND_THRESHOLD,
  confirmClassImport,
  getClassImport,
  ImportError,
  type SameAs,
} from "~/models/class-import.server.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";
import { readForm } from "~/utils/forms.ts";

export const meta: Route.MetaFunction = () => [{ title: "Class list import – Staffordshire Digital Skills" }];

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "class:manage");
  const { cohort, job } = await getClassImport(viewer, params.classId, params.importId);
  return {
    cohort: { id: cohort.id, name: cohort.name },
    job: {
      id: job.id,
      status: job.status,
      totalRows: job.totalRows,
      processedRows: job.processedRows,
      error: job.error,
      preview: job.preview,
      result: job.result,
    },
    background: job.totalRows > BACKGROUND_THRESHOLD,
  };
}

export async function action({ request, params }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "class:manage");
  const form = await readForm(request);
  const keys = new Set([...form.keys()]);
  if (form.get("intent") !== "confirm" || [...keys].some((k) => k !== "intent" && k !== "same"))
    throw new Response("Bad request", { status: 400 });
  const sameAs: SameAs = {};
  for (const value of form.getAll("same")) {
    const m = typeof value === "string" ? /^(\d{1,5}):([0-9a-f-]{36})$/i.exec(value) : null;
    if (!m) throw new Response("Bad request", { status: 400 });
    sameAs[m[1]] = m[2];
  }
  try {
    await confirmClassImport(viewer, params.classId, params.importId, sameAs);
  } catch (error) {
    if (error instanceof ImportError) return data({ error: error.message }, { status: 409 });
    throw error;
  }
  return redirect(`/classes/${params.classId}/import/${params.importId}`);
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;

export default function ClassImport() {
  const { cohort, job, background } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const revalidator = useRevalidator();
  const inProgress = job.status === "queued" || job.status === "running";
  useEffect(() => {
    if (!inProgress) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") void revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [inProgress, revalidator]);
  const preview = job.preview;

  if (job.status === "done" && job.result) {
    const r = job.result;
    return (
      <div className="stack">
        <h1>Class list imported</h1>
        <Notice tone="success">
          <p>
            {cohort.name}: {plural(r.created, "new pupil", "new pupils")} added,{" "}
            {plural(r.matched, "existing pupil", "existing pupils")} added or updated,{" "}
            {plural(r.unchanged, "pupil", "pupils")} already in the class and unchanged
            {r.moved > 0 ? `, ${plural(r.moved, "pupil", "pupils")} moved from another class` : ""}.
          </p>
          {r.enrolmentsCreated > 0 ? (
            <p>{plural(r.enrolmentsCreated, "enrolment", "enrolments")} created in the class's pathways.</p>
          ) : null}
          {r.invalid > 0 ? (
            <p>{plural(r.invalid, "row was", "rows were")} left out because of problems shown in the preview.</p>
          ) : null}
        </Notice>
        <p className="actions">
          <Link className="button" to={`/classes/${cohort.id}`}>
            See the class
          </Link>
          <Link className="button secondary" to={`/classes/${cohort.id}/setup-codes`}>
            Print setup codes
          </Link>
        </p>
      </div>
    );
  }

  if (inProgress) {
    return (
      <div className="stack">
        <h1>Importing the class list</h1>
        <p>
          Large class lists are imported in the background. You can leave this page and come back; nothing is saved
          until every row is written.
        </p>
        <div className="progress-block" aria-live="polite">
          <label htmlFor="import-progress">{job.status === "queued" ? "Waiting to start" : "Writing pupils"}</label>
          <progress id="import-progress" max={job.totalRows} value={job.processedRows} />
          <p>
            {job.processedRows.toLocaleString("en-GB")} of {job.totalRows.toLocaleString("en-GB")} rows processed.
          </p>
        </div>
        <p>
          <Link to={`/classes/${cohort.id}/import/${job.id}`}>Check progress</Link>
        </p>
      </div>
    );
  }

  if (job.status === "failed") {
    return (
      <div className="stack">
        <h1>The import did not complete</h1>
        <Notice tone="warning">
          <p>{job.error ?? "Something went wrong."} Nothing from this file was saved.</p>
        </Notice>
        <p>
          <Link className="button" to={`/classes/${cohort.id}/import`}>
            Upload the file again
          </Link>
        </p>
      </div>
    );
  }

  if (job.status !== "preview" || !preview) {
    return (
      <div className="stack">
        <h1>This upload was replaced</h1>
        <p>A newer file was uploaded for this class, so this preview can no longer be confirmed.</p>
        <p>
          <Link className="button" to={`/classes/${cohort.id}/import`}>
            Upload a class list
          </Link>
        </p>
      </div>
    );
  }

  return (
    <div className="stack">
      <h1>Check the class list for {cohort.name}</h1>
      <p>Nothing has been saved yet. Read the summary, then confirm to import.</p>
      <ErrorSummary errors={actionData?.error ? { form: actionData.error } : undefined} />
      <ScrollTable
        caption={<>What confirming will do with the {plural(preview.fileRows, "row", "rows")} in the file</>}
        className="summary-table"
      >
        <tbody>
          <tr>
            <th scope="row">New pupils</th>
            <td>{preview.newPupils}</td>
            <td>
              Accounts are created with a username; pupils without an email address get a setup code you can print.
            </td>
          </tr>
          <tr>
            <th scope="row">Matched to existing pupils</th>
            <td>{preview.matched}</td>
            <td>
              Found by UPN or email address among your school's pupils; added to this class and their year group
              updated.
              {preview.moving > 0
                ? ` ${plural(preview.moving, "of them moves", "of them move")} here from another class this year; their history stays.`
                : ""}
            </td>
          </tr>
          <tr>
            <th scope="row">Already in this class, unchanged</th>
            <td>{preview.unchanged}</td>
            <td>Nothing changes for these pupils.</td>
          </tr>
          <tr>
            <th scope="row">Possible duplicates</th>
            <td>{preview.possibleDuplicates.length}</td>
            <td>
              Same name and year group as a pupil already at your school. Created as new pupils unless you tick that
              they are the same pupil below.
            </td>
          </tr>
          <tr>
            <th scope="row">Rows with problems</th>
            <td>{preview.invalid.length}</td>
            <td>Left out. Fix them in your school's system and upload again to add them.</td>
          </tr>
        </tbody>
      </ScrollTable>

      {preview.invalid.length > 0 ? (
        <section aria-labelledby="invalid-title">
          <h2 id="invalid-title">Rows with problems</h2>
          <ScrollTable caption={<>{plural(preview.invalid.length, "row", "rows")} will be left out</>}>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">What to fix</th>
              </tr>
            </thead>
            <tbody>
              {preview.invalid.map((row) => (
                <tr key={row.line}>
                  <th scope="row">{row.line}</th>
                  <td>
                    {row.reasons.length === 1 ? (
                      row.reasons[0]
                    ) : (
                      <ul>
                        {row.reasons.map((r) => (
                          <li key={r}>{r}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </ScrollTable>
        </section>
      ) : null}

      <Form method="post">
        <input type="hidden" name="intent" value="confirm" />
        {preview.possibleDuplicates.length > 0 ? (
          <section aria-labelledby="duplicates-title">
            <h2 id="duplicates-title">Possible duplicates</h2>
            <p>
              These rows have no UPN or email match, but a pupil with the same name and year group is already at your
              school. Tick a box only if the row is that same pupil; otherwise a new pupil is created.
            </p>
            {preview.possibleDuplicates.map((d) => (
              <fieldset key={d.line} className="duplicate">
                <legend>
                  Row {d.line}: {d.firstName} {d.lastName}, Year {d.yearGroup}
                </legend>
                {d.candidates.map((c) => (
                  <div className="checkbox" key={c.userId}>
                    <input
                      type="checkbox"
                      id={`same-${d.line}-${c.userId}`}
                      name="same"
                      value={`${d.line}:${c.userId}`}
                    />
                    <label htmlFor={`same-${d.line}-${c.userId}`}>
                      This is the same pupil as {c.firstName} {c.lastName}, Year {c.yearGroup ?? "?"}
                      {c.username ? ` (username ${c.username})` : ""}
                      {c.hasUpn ? ", who has a UPN" : ""}
                    </label>
                  </div>
                ))}
              </fieldset>
            ))}
          </section>
        ) : null}
        <p>
          {background
            ? "This is a large file: it will be imported in the background and you can watch its progress."
            : null}
        </p>
        <div className="actions">
          <button type="submit">Confirm and import {plural(preview.validRows, "pupil", "pupils")}</button>
          <Link to={`/classes/${cohort.id}/import`}>Upload a different file</Link>
        </div>
      </Form>
    </div>
  );
}
