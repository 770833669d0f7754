/**
 * Every change to an apprentice's off-the-job hours (/apprenticeships/:id/otj-history), for an
 * auditor: each version of each OTJ entry with who, when and why, and each verification decision.
 * The same rows download as CSV (./otj-history.csv). 404 outside the viewer's reach.
 */
import { Link, useLoaderData } from "react-router";
import type { Route } from "./+types/apprenticeships.$id_.otj-history";
import { requireViewer } from "~/auth/auth.server.ts";
import { formatLongDate } from "~/domain/dates.ts";
import { activityTypeLabel, formatHours, formatMinutes } from "~/domain/progress-log.ts";
import { otjAuditReport } from "~/models/otj-audit-report.server.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

export const meta: Route.MetaFunction = () => [
  { title: "Off-the-job hours: history of changes – Staffordshire Digital Skills" },
];

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requireViewer(request);
  return otjAuditReport(viewer, params.id);
}

export default function OtjHistory() {
  const { apprenticeship, rows, verifiedMinutes } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Off-the-job hours: every change</h1>
      <p>
        {apprenticeship.apprenticeName}, {apprenticeship.standard}. Verified hours now:{" "}
        <strong>{formatHours(verifiedMinutes)}</strong>.
      </p>
      <p className="actions">
        <a className="button secondary" href={`/apprenticeships/${apprenticeship.id}/otj-history.csv`} download>
          Download as CSV
        </a>
        <Link to={`/apprenticeships/${apprenticeship.id}`}>Back to the apprenticeship</Link>
      </p>
      {rows.length === 0 ? (
        <p>No off-the-job training has been logged yet.</p>
      ) : (
        <ScrollTable caption={<>{rows.length} changes, oldest first</>}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What happened</th>
              <th scope="col">By</th>
              <th scope="col">Entry (version)</th>
              <th scope="col">Activity date</th>
              <th scope="col">Time</th>
              <th scope="col">Activity</th>
              <th scope="col">Reason or comment</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={`${r.entryId}-${i}`}>
                <td>{new Date(r.at).toLocaleString("en-GB", { timeZone: "Europe/London" })}</td>
                <td>{r.event}</td>
                <td>{r.by}</td>
                <td>
                  <Link to={`/learning/entries/${r.entryId}`}>{r.entryId.slice(0, 8)}</Link> (v{r.version})
                </td>
                <td>{formatLongDate(r.occurredOn)}</td>
                <td>{formatMinutes(r.minutes)}</td>
                <td>
                  {activityTypeLabel(r.activityType)}
                  {r.atWork ? ", at work" : ""}
                  {r.ksbCodes.length ? ` (${r.ksbCodes.join(" ")})` : ""}
                </td>
                <td>{r.note}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </div>
  );
}
