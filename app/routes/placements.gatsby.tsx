import { Form, Link, useLoaderData } from "react-router";
import type { Route } from "./+types/placements.gatsby";
import { requirePermission } from "~/auth/auth.server.ts";
import { SelectField } from "~/components/form.tsx";
import { percent, WORK_EXPERIENCE_ENTITLEMENT_HOURS } from "~/domain/gatsby.ts";
import { schoolGatsby } from "~/models/gatsby-status.server.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

export const meta: Route.MetaFunction = () => [{ title: "Gatsby benchmarks – Staffordshire Digital Skills" }];

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "placement:manage");
  const schoolId = new URL(request.url).searchParams.get("schoolId") ?? undefined;
  return schoolGatsby(viewer, schoolId);
}

const pct = (part: number, whole: number) => {
  const p = percent(part, whole);
  return p === null ? "–" : `${p}% (${part})`;
};

export default function Gatsby() {
  const { school, academicYear, rows, schools } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <p>
        <Link to="/placements">All placements</Link>
      </p>
      <h1>Gatsby benchmarks: {school.name}</h1>
      {schools.length > 1 ? (
        <Form method="get" className="inline-form">
          <SelectField
            name="schoolId"
            label="School"
            defaultValue={school.id}
            options={schools.map((s) => ({ value: s.id, label: s.name }))}
          />
          <button type="submit" className="secondary">
            Show
          </button>
        </Form>
      ) : null}
      <p>
        Academic year {academicYear}/{String(academicYear + 1).slice(2)}. Benchmark 5: a meaningful employer encounter
        this year. Benchmark 6: an experience of a workplace by 16 (year 11) and another by 18 (year 13). Work
        experience: {WORK_EXPERIENCE_ENTITLEMENT_HOURS} hours across key stages 3 and 4.
      </p>
      {rows.length === 0 ? (
        <p>No pupils yet.</p>
      ) : (
        <ScrollTable caption="Pupils meeting each measure, by year group">
          <thead>
            <tr>
              <th scope="col">Year group</th>
              <th scope="col">Pupils</th>
              <th scope="col">Benchmark 5 this year</th>
              <th scope="col">Benchmark 6 by 16</th>
              <th scope="col">Benchmark 6 by 18</th>
              <th scope="col">{WORK_EXPERIENCE_ENTITLEMENT_HOURS} hours met</th>
              <th scope="col">Average hours</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.yearGroup}>
                <th scope="row">Year {r.yearGroup}</th>
                <td>{r.pupils}</td>
                <td>{pct(r.benchmark5Met, r.pupils)}</td>
                <td>{pct(r.benchmark6By16Met, r.pupils)}</td>
                <td>{pct(r.benchmark6By18Met, r.pupils)}</td>
                <td>{pct(r.entitlementMet, r.pupils)}</td>
                <td>{r.pupils ? (r.totalHours / r.pupils).toFixed(1) : "–"}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </div>
  );
}
