/**
 * The audit log, searchable by partnership admins: who read or changed what about a person
 * (sign-ins, exports, verifications, signatures, role changes, erasures, purges). Filters by
 * action, actor (id, email or username), subject id and date range; 50 a page. Plain GET form.
 */
import { Form, Link, useLoaderData } from "react-router";
import type { Route } from "./+types/admin.audit";
import { requirePermission } from "~/auth/auth.server.ts";
import { ErrorSummary, Field, SelectField } from "~/components/form.tsx";
import { AUDIT_PAGE_SIZE, searchAuditLog, type AuditFilter } from "~/models/data-rights.server.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";
import { fullName } from "~/domain/names.ts";

export const meta: Route.MetaFunction = () => [{ title: "Audit log – Staffordshire Digital Skills" }];

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseFilter(params: URLSearchParams): { filter: AuditFilter; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const get = (k: string) => params.get(k)?.trim().slice(0, 200) || undefined;
  const filter: AuditFilter = {
    action: get("action"),
    actor: get("actor"),
    subject: get("subject"),
    from: get("from"),
    to: get("to"),
  };
  if (filter.from && !DATE.test(filter.from)) {
    errors.from = "Enter the start date as a date, like 2026-09-01.";
    filter.from = undefined;
  }
  if (filter.to && !DATE.test(filter.to)) {
    errors.to = "Enter the end date as a date, like 2026-09-30.";
    filter.to = undefined;
  }
  const page = Number(params.get("page") ?? "1");
  filter.page = Number.isInteger(page) && page > 0 && page < 100_000 ? page : 1;
  return { filter, errors };
}

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "audit:read");
  const { filter, errors } = parseFilter(new URL(request.url).searchParams);
  const result = await searchAuditLog(viewer, filter);
  return {
    ...result,
    filter,
    errors,
    pageSize: AUDIT_PAGE_SIZE,
    rows: result.rows.map((r) => ({
      ...r,
      createdAt: r.createdAt.toISOString(),
      actorName: r.actor ? fullName(r.actor) : "System",
    })),
  };
}

export default function AuditLog() {
  const { rows, total, page, pages, actions, filter, errors, pageSize } = useLoaderData<typeof loader>();
  const link = (p: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (k !== "page" && v) params.set(k, String(v));
    if (p > 1) params.set("page", String(p));
    return `?${params.toString()}`;
  };
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  return (
    <div className="stack">
      <h1>Audit log</h1>
      <ErrorSummary errors={Object.keys(errors).length ? errors : undefined} />
      <Form method="get" className="filters">
        <SelectField
          name="action"
          label="Action"
          defaultValue={filter.action ?? ""}
          options={[{ value: "", label: "Any action" }, ...actions.map((a) => ({ value: a, label: a }))]}
        />
        <Field name="actor" label="Who (id, email or username)" defaultValue={filter.actor ?? ""} autoComplete="off" />
        <Field name="subject" label="About (record id)" defaultValue={filter.subject ?? ""} autoComplete="off" />
        <Field name="from" label="From" type="date" defaultValue={filter.from ?? ""} error={errors.from} />
        <Field name="to" label="To" type="date" defaultValue={filter.to ?? ""} error={errors.to} />
        <div className="actions">
          <button type="submit">Search</button>
          <Link to="/admin/audit">Clear filters</Link>
        </div>
      </Form>
      <p role="status">
        {total} event{total === 1 ? "" : "s"} match.
        {total > 0 ? ` Showing ${first} to ${Math.min(total, page * pageSize)}.` : ""}
      </p>
      {rows.length ? (
        <ScrollTable
          caption={
            <>
              Audit events, newest first, page {page} of {pages}
            </>
          }
        >
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Who</th>
              <th scope="col">About</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{new Date(r.createdAt).toLocaleString("en-GB", { timeZone: "Europe/London" })}</td>
                <th scope="row">{r.action}</th>
                <td>{r.actor ? <Link to={`/admin/audit?actor=${r.actor.id}`}>{r.actorName}</Link> : r.actorName}</td>
                <td>
                  {r.subjectId ? (
                    <Link to={`/admin/audit?subject=${encodeURIComponent(r.subjectId)}`}>
                      {r.subjectType ?? "record"} {r.subjectId}
                    </Link>
                  ) : (
                    (r.subjectType ?? "–")
                  )}
                </td>
                <td>
                  <code>{JSON.stringify(r.metadata)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      ) : null}
      {pages > 1 ? (
        <nav aria-label="Pages of the audit log" className="actions">
          {page > 1 ? <Link to={link(page - 1)}>Previous page</Link> : null}
          <span>
            Page {page} of {pages}
          </span>
          {page < pages ? <Link to={link(page + 1)}>Next page</Link> : null}
        </nav>
      ) : null}
    </div>
  );
}
