import { Form, Link, useLoaderData } from "react-router";
import type { Route } from "./+types/placements.hosts";
import { requirePermission } from "~/auth/auth.server.ts";
import { SelectField } from "~/components/form.tsx";
import { hostPool } from "~/models/host-pool.server.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

export const meta: Route.MetaFunction = () => [{ title: "Host employer pool – Staffordshire Digital Skills" }];

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "placement:manage");
  const url = new URL(request.url);
  const district = url.searchParams.get("district") ?? "";
  const sector = url.searchParams.get("sector") ?? "";
  const pool = await hostPool(viewer, { districtCode: district || undefined, sector: sector || undefined });
  return { ...pool, district, sector };
}

export default function Hosts() {
  const { hosts, districts, sectors, district, sector } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <p>
        <Link to="/placements">All placements</Link>
      </p>
      <h1>Host employer pool</h1>
      <p>Employers who said after a placement that they would host again. Shared by every school in the partnership.</p>
      <Form method="get" className="filters" role="search" aria-label="Filter host employers">
        <SelectField
          name="district"
          label="District"
          defaultValue={district}
          options={[{ value: "", label: "All districts" }, ...districts.map((d) => ({ value: d.code, label: d.name }))]}
        />
        <SelectField
          name="sector"
          label="Sector"
          defaultValue={sector}
          options={[{ value: "", label: "All sectors" }, ...sectors.map((s) => ({ value: s, label: s }))]}
        />
        <div className="actions">
          <button type="submit" className="secondary">
            Filter
          </button>
        </div>
      </Form>
      {hosts.length === 0 ? (
        <p>No host employers match.</p>
      ) : (
        <ScrollTable
          caption={
            <>
              {hosts.length} host employer{hosts.length === 1 ? "" : "s"}
            </>
          }
        >
          <thead>
            <tr>
              <th scope="col">Employer</th>
              <th scope="col">District</th>
              <th scope="col">Sector</th>
            </tr>
          </thead>
          <tbody>
            {hosts.map((h) => (
              <tr key={h.id}>
                <td>{h.name}</td>
                <td>{h.district}</td>
                <td>{h.sector}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </div>
  );
}
