/**
 * Employers' view of off-the-job training (/employer/otj): their apprentices (all of the
 * employer's for an admin, those they supervise for a supervisor) with the OTJ status in words,
 * and how many at-work activities wait for their confirmation.
 */
import { Link, useLoaderData } from "react-router";
import type { Route } from "./+types/employer.otj";
import { requirePermission } from "~/auth/auth.server.ts";
import { RagTag } from "~/components/otj-chart.tsx";
import { otjStatuses } from "~/models/otj-status.server.ts";
import { pendingCount } from "~/models/verification.server.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

export const meta: Route.MetaFunction = () => [{ title: "Off-the-job training – Staffordshire Digital Skills" }];

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "otj:confirm");
  const [rows, toConfirm] = await Promise.all([otjStatuses(viewer, { activeOnly: true }), pendingCount(viewer)]);
  return { rows: rows.filter((r) => r.apprenticeName), toConfirm };
}

const fmt = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });

export default function EmployerOtj() {
  const { rows, toConfirm } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Off-the-job training</h1>
      <p>
        {toConfirm > 0 ? (
          <>
            <strong>{toConfirm}</strong> at-work {toConfirm === 1 ? "activity waits" : "activities wait"} for your
            confirmation. <Link to="/verify">Confirm off-the-job training</Link>
          </>
        ) : (
          "Nothing waits for your confirmation."
        )}
      </p>
      {rows.length === 0 ? (
        <p>No active apprentices.</p>
      ) : (
        <ScrollTable caption="Apprentices and their off-the-job hours (verified)">
          <thead>
            <tr>
              <th scope="col">Apprentice</th>
              <th scope="col">Standard</th>
              <th scope="col">Status</th>
              <th scope="col">Verified / expected by now / planned</th>
              <th scope="col">To confirm</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.apprenticeshipId}>
                <th scope="row">
                  <Link to={`/apprenticeships/${r.apprenticeshipId}`}>{r.apprenticeName}</Link>
                </th>
                <td>{r.standard}</td>
                <td>
                  <RagTag rag={r.status.rag} /> {r.status.reason}
                </td>
                <td>
                  {fmt.format(r.status.actual)} /{" "}
                  {r.status.requiredToDate === null ? "–" : fmt.format(r.status.requiredToDate)} /{" "}
                  {r.status.plannedTotal ?? "–"} hours
                </td>
                <td>{r.awaitingConfirmation}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </div>
  );
}
