import { Form, Link, useLoaderData } from "react-router";
import type { Route } from "./+types/admin.enrolments";
import { requirePermission } from "~/auth/auth.server.ts";
import { ErrorSummary, SelectField } from "~/components/form.tsx";
import { LEARNER_TYPES, PAGE_SIZE } from "~/models/enrolment-filters.ts";
import { listEnrolments, parseEnrolmentFilters } from "~/models/enrolment-list.server.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

export const meta: Route.MetaFunction = () => [{ title: "Enrolments – Staffordshire Digital Skills" }];

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "enrolments:read-all");
  const { filters, errors } = parseEnrolmentFilters(new URL(request.url).searchParams);
  const result = await listEnrolments(viewer, filters);
  return { ...result, filters, errors };
}

const STATUS_LABEL = { ACTIVE: "Active", COMPLETED: "Completed", WITHDRAWN: "Withdrawn" } as const;

export default function Enrolments() {
  const { rows, total, pages, page, counts, options, filters, errors } = useLoaderData<typeof loader>();
  const link = (p: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (k !== "page" && v) params.set(k, String(v));
    if (p > 1) params.set("page", String(p));
    const q = params.toString();
    return q ? `?${q}` : "?";
  };
  const first = total === 0 ? 0 : (page - 1) * PAGE_SIZE + 1;
  const last = Math.min(total, page * PAGE_SIZE);
  return (
    <div className="stack">
      <h1>Enrolments</h1>
      <ErrorSummary errors={Object.keys(errors).length ? errors : undefined} />
      <Form method="get" className="filters">
        <SelectField
          name="pathway"
          label="Pathway"
          defaultValue={filters.pathway}
          error={errors.pathway}
          options={[
            { value: "", label: "All pathways" },
            ...options.pathways.map((p) => ({ value: p.id, label: p.title })),
          ]}
        />
        <SelectField
          name="organisation"
          label="Organisation"
          defaultValue={filters.organisation}
          error={errors.organisation}
          options={[
            { value: "", label: "All organisations" },
            ...options.organisations.map((o) => ({ value: o.id, label: o.name })),
          ]}
        />
        <SelectField
          name="district"
          label="Area"
          defaultValue={filters.district}
          error={errors.district}
          options={[
            { value: "", label: "All areas" },
            ...options.districts.map((d) => ({ value: d.code, label: d.name })),
          ]}
        />
        <SelectField
          name="status"
          label="Status"
          defaultValue={filters.status}
          error={errors.status}
          options={[
            { value: "", label: "Any status" },
            ...Object.entries(STATUS_LABEL).map(([value, label]) => ({ value, label })),
          ]}
        />
        <SelectField
          name="learner"
          label="Learner type"
          defaultValue={filters.learner}
          error={errors.learner}
          options={[
            { value: "", label: "All learners" },
            ...Object.entries(LEARNER_TYPES).map(([value, t]) => ({ value, label: t.label })),
          ]}
        />
        <div className="actions">
          <button type="submit">Apply filters</button>
          <Link to="/admin/enrolments">Clear filters</Link>
        </div>
      </Form>
      <p role="status">
        {total} enrolment{total === 1 ? "" : "s"} match: {counts.ACTIVE} active, {counts.COMPLETED} completed,{" "}
        {counts.WITHDRAWN} withdrawn.
        {total > 0 ? ` Showing ${first} to ${last}.` : ""}
      </p>
      {rows.length ? (
        <ScrollTable
          caption={
            <>
              Enrolments, page {page} of {pages}
            </>
          }
        >
          <thead>
            <tr>
              <th scope="col">Learner</th>
              <th scope="col">Type</th>
              <th scope="col">Pathway</th>
              <th scope="col">Organisation</th>
              <th scope="col">Area</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">Learning records</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  <Link to={`/people/${r.learnerId}`}>{r.learner}</Link>
                </th>
                <td>{r.learnerType}</td>
                <td>{r.pathway}</td>
                <td>
                  {r.organisation}
                  {r.className ? ` (${r.className})` : ""}
                </td>
                <td>{r.district}</td>
                <td>{STATUS_LABEL[r.status]}</td>
                <td>{r.startedOn}</td>
                <td>{r.entries}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      ) : (
        <p>No enrolments match these filters.</p>
      )}
      {pages > 1 ? (
        <nav aria-label="Pages" className="pagination">
          {page > 1 ? (
            <Link to={link(page - 1)} rel="prev">
              Previous page
            </Link>
          ) : null}
          <span>
            Page {page} of {pages}
          </span>
          {page < pages ? (
            <Link to={link(page + 1)} rel="next">
              Next page
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
