import { data, Form, Link, redirect, useActionData, useLoaderData } from "react-router";
import type { Route } from "./+types/classes.$classId.import._index";
import { requirePermission } from "~/auth/auth.server.ts";
import { ErrorSummary } from "~/components/form.tsx";
import { MAX_BYTES, MAX_ROWS } from "~/domain/class-list.ts";
import { previewClassImport } from "~/models/class-import.server.ts";
import { getClass } from "~/models/classes.server.ts";
import { readUpload } from "~/utils/upload.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Upload a class list – Staffordshire Digital Skills" }];

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "class:manage");
  const cohort = await getClass(viewer, params.classId);
  return { cohort: { id: cohort.id, name: cohort.name }, maxRows: MAX_ROWS, maxMb: MAX_BYTES / (1024 * 1024) };
}

export async function action({ request, params }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "class:manage");
  const cohort = await getClass(viewer, params.classId);
  const upload = await readUpload(request, "file", MAX_BYTES);
  if (!upload.ok) return data({ problems: [upload.problem] }, { status: 400 });
  const outcome = await previewClassImport(viewer, cohort.id, upload.bytes);
  if (!outcome.ok) return data({ problems: outcome.problems }, { status: 400 });
  return redirect(`/classes/${cohort.id}/import/${outcome.importId}`);
}

export default function UploadClassList() {
  const { cohort, maxRows, maxMb } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.problems?.length ? { file: actionData.problems.join(" ") } : undefined;
  return (
    <div className="stack">
      <h1>Upload a class list for {cohort.name}</h1>
      <p>
        Export the class from your school's system (SIMS, Arbor or Bromcom) as a CSV file, or save a spreadsheet as CSV.
        We read these columns: UPN, first name (legal and preferred), surname, year group, registration group and, if
        you have one, the pupil's email address. Everything else in the file is ignored.
      </p>
      <p>You will see a preview first. Nothing is saved until you confirm it.</p>
      <ErrorSummary errors={errors} />
      <Form method="post" encType="multipart/form-data" noValidate>
        <div className={`field${errors ? " field--error" : ""}`}>
          <label htmlFor="field-file">Class list file (CSV)</label>
          <p className="hint" id="field-file-hint">
            Up to {maxRows.toLocaleString("en-GB")} pupils and {maxMb} MB. Comma or semicolon separated; UTF-8 or
            Excel's Windows encoding.
          </p>
          {errors ? (
            <div className="error-message" id="field-file-error">
              <span className="visually-hidden">Error: </span>
              {actionData!.problems.map((p) => (
                <p key={p}>{p}</p>
              ))}
            </div>
          ) : null}
          <input
            id="field-file"
            name="file"
            type="file"
            accept=".csv,.txt,text/csv"
            aria-describedby={`field-file-hint${errors ? " field-file-error" : ""}`}
            aria-invalid={errors ? true : undefined}
            required
          />
        </div>
        <div className="actions">
          <button type="submit">Check the file</button>
          <Link to={`/classes/${cohort.id}`}>Back to the class</Link>
        </div>
      </Form>
    </div>
  );
}
