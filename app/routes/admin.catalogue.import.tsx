import { data, Form, Link, redirect, useActionData, useLoaderData } from "react-router";
import type { Route } from "./+types/admin.catalogue.import";
import { requirePermission } from "~/auth/auth.server.ts";
import { ErrorSummary, Notice } from "~/components/form.tsx";
import { MAX_CATALOGUE_BYTES } from "~/domain/learn-catalogue.ts";
import {
  applyCatalogueImport,
  CatalogueError,
  getCatalogueImport,
  previewCatalogueImport,
} from "~/models/catalogue.server.ts";
import { readUpload } from "~/utils/upload.server.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";
import { readForm } from "~/utils/forms.ts";

export const meta: Route.MetaFunction = () => [{ title: "Import catalogue modules – Staffordshire Digital Skills" }];

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "catalogue:manage");
  const importId = new URL(request.url).searchParams.get("import");
  return { job: importId ? await getCatalogueImport(viewer, importId) : null };
}

export async function action({ request }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "catalogue:manage");
  if ((request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    const upload = await readUpload(request, "file", MAX_CATALOGUE_BYTES);
    if (!upload.ok) return data({ problems: [upload.problem] }, { status: 400 });
    const outcome = await previewCatalogueImport(viewer, upload.bytes);
    if (!outcome.ok) return data({ problems: outcome.problems }, { status: 400 });
    return redirect(`/admin/catalogue/import?import=${outcome.importId}`);
  }
  const form = await readForm(request);
  const importId = form.get("importId");
  if (
    form.get("intent") !== "apply" ||
    typeof importId !== "string" ||
    [...form.keys()].some((k) => k !== "intent" && k !== "importId")
  ) {
    throw new Response("Bad request", { status: 400 });
  }
  try {
    await applyCatalogueImport(viewer, importId);
  } catch (error) {
    if (error instanceof CatalogueError) return data({ problems: [error.message] }, { status: 409 });
    throw error;
  }
  return redirect(`/admin/catalogue/import?import=${importId}`);
}

const FIELD_LABELS: Record<string, string> = {
  title: "Title",
  durationMinutes: "Minutes",
  levels: "Levels",
  roles: "Roles",
  products: "Products",
  url: "Link",
};

export default function CatalogueImport() {
  const { job } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.problems?.length ? { file: actionData.problems.join(" ") } : undefined;
  const preview = job?.preview;

  return (
    <div className="stack">
      <h1>Import catalogue modules</h1>
      {job?.status === "done" && job.result ? (
        <Notice tone="success">
          <p>
            Import applied: {job.result.created} new, {job.result.updated} updated, {job.result.unchanged} unchanged
            {job.result.invalid ? `, ${job.result.invalid} invalid rows left out` : ""}.
          </p>
          <p>
            <Link to="/admin/catalogue">Back to the catalogue</Link>
          </p>
        </Notice>
      ) : null}

      {job?.status === "preview" && preview ? (
        <section aria-labelledby="preview-title" className="stack">
          <h2 id="preview-title">Preview: nothing has changed yet</h2>
          <ErrorSummary errors={actionData?.problems?.length ? { form: actionData.problems.join(" ") } : undefined} />
          <ScrollTable caption="What applying this file will do" className="summary-table">
            <tbody>
              <tr>
                <th scope="row">New modules</th>
                <td>{preview.new.length}</td>
              </tr>
              <tr>
                <th scope="row">Updated modules</th>
                <td>{preview.updated.length}</td>
              </tr>
              <tr>
                <th scope="row">Unchanged modules</th>
                <td>{preview.unchanged}</td>
              </tr>
              <tr>
                <th scope="row">Invalid rows (left out)</th>
                <td>{preview.invalid.length}</td>
              </tr>
            </tbody>
          </ScrollTable>
          {preview.new.length > 0 ? (
            <ScrollTable caption="New modules">
              <thead>
                <tr>
                  <th scope="col">Module</th>
                  <th scope="col">uid</th>
                  <th scope="col">Minutes</th>
                </tr>
              </thead>
              <tbody>
                {preview.new.map((m) => (
                  <tr key={m.uid}>
                    <th scope="row">{m.title}</th>
                    <td>
                      <code>{m.uid}</code>
                    </td>
                    <td>{m.durationMinutes}</td>
                  </tr>
                ))}
              </tbody>
            </ScrollTable>
          ) : null}
          {preview.updated.length > 0 ? (
            <ScrollTable caption="Updated modules and what changes">
              <thead>
                <tr>
                  <th scope="col">Module</th>
                  <th scope="col">Field</th>
                  <th scope="col">Now</th>
                  <th scope="col">After import</th>
                </tr>
              </thead>
              <tbody>
                {preview.updated.flatMap((u) =>
                  u.changes.map((c, i) => (
                    <tr key={`${u.uid}-${c.field}`}>
                      {i === 0 ? (
                        <th scope="row" rowSpan={u.changes.length}>
                          {u.title}
                          <br />
                          <code>{u.uid}</code>
                        </th>
                      ) : null}
                      <td>{FIELD_LABELS[c.field] ?? c.field}</td>
                      <td>{c.before}</td>
                      <td>{c.after}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </ScrollTable>
          ) : null}
          {preview.invalid.length > 0 ? (
            <ScrollTable caption="Invalid rows, left out">
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">uid</th>
                  <th scope="col">Reasons</th>
                </tr>
              </thead>
              <tbody>
                {preview.invalid.map((r) => (
                  <tr key={r.row}>
                    <th scope="row">{r.row}</th>
                    <td>{r.uid ? <code>{r.uid}</code> : "—"}</td>
                    <td>{r.reasons.join("; ")}</td>
                  </tr>
                ))}
              </tbody>
            </ScrollTable>
          ) : null}
          <Form method="post">
            <input type="hidden" name="intent" value="apply" />
            <input type="hidden" name="importId" value={job.id} />
            <div className="actions">
              <button type="submit">Apply this import</button>
              <Link to="/admin/catalogue/import">Upload a different file</Link>
            </div>
          </Form>
        </section>
      ) : null}

      {!preview || job?.status !== "preview" ? (
        <section aria-labelledby="upload-title">
          <h2 id="upload-title">Upload a file</h2>
          <p>
            A JSON file from the Microsoft Learn catalogue API (<code>{'{ "modules": [...] }'}</code>) or a CSV with the
            columns uid, title, duration_in_minutes, levels, roles, products, url. Modules are matched by uid: importing
            the same file twice changes nothing.
          </p>
          <ErrorSummary errors={errors} />
          <Form method="post" encType="multipart/form-data" noValidate>
            <div className={`field${errors ? " field--error" : ""}`}>
              <label htmlFor="field-file">Catalogue file (JSON or CSV)</label>
              {errors ? (
                <p className="error-message" id="field-file-error">
                  <span className="visually-hidden">Error: </span>
                  {errors.file}
                </p>
              ) : null}
              <input
                id="field-file"
                name="file"
                type="file"
                accept=".json,.csv,application/json,text/csv"
                aria-describedby={errors ? "field-file-error" : undefined}
                aria-invalid={errors ? true : undefined}
                required
              />
            </div>
            <button type="submit">Preview the import</button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
