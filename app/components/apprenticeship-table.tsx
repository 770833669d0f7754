/** A table of apprenticeships (employer list, tutor caseload, an apprentice's own). */
import { Link } from "react-router";
import { ScrollTable } from "~/components/table-scroll.tsx";
import { formatShortDate } from "~/domain/dates.ts";

export type ApprenticeshipRow = {
  id: string;
  apprenticeName: string;
  employerName: string;
  standard: string;
  status: string;
  statusLabel: string;
  startDate: string;
  plannedEndDate: string;
  tutorName: string | null;
  supervisorName: string | null;
  plan: { signed: number; label: string };
};

const STATUS_TONE: Record<string, string> = {
  ACTIVE: "tag--green",
  BREAK: "tag--amber",
  GATEWAY: "tag--amber",
  COMPLETED: "",
  WITHDRAWN: "tag--red",
};

export function ApprenticeshipTable({
  caption,
  rows,
  show,
}: {
  caption: string;
  rows: ApprenticeshipRow[];
  show: { employer: boolean; tutor: boolean; supervisor: boolean };
}) {
  if (rows.length === 0) return <p>No apprentices to show.</p>;
  return (
    <ScrollTable caption={caption}>
      <thead>
        <tr>
          <th scope="col">Apprentice</th>
          {show.employer ? <th scope="col">Employer</th> : null}
          <th scope="col">Standard</th>
          <th scope="col">Dates</th>
          <th scope="col">Status</th>
          <th scope="col">Training plan</th>
          {show.tutor ? <th scope="col">Tutor</th> : null}
          {show.supervisor ? <th scope="col">Supervisor</th> : null}
        </tr>
      </thead>
      <tbody>
        {rows.map((a) => (
          <tr key={a.id}>
            <th scope="row">
              <Link to={`/apprenticeships/${a.id}`}>{a.apprenticeName}</Link>
            </th>
            {show.employer ? <td>{a.employerName}</td> : null}
            <td>{a.standard}</td>
            <td>
              {formatShortDate(a.startDate)} to {formatShortDate(a.plannedEndDate)}
            </td>
            <td>
              <span className={`tag ${STATUS_TONE[a.status] ?? ""}`}>{a.statusLabel}</span>
            </td>
            <td>
              <span className={`tag ${a.plan.signed === 3 ? "tag--green" : "tag--amber"}`}>{a.plan.label}</span>
            </td>
            {show.tutor ? <td>{a.tutorName ?? "None yet"}</td> : null}
            {show.supervisor ? <td>{a.supervisorName ?? "None yet"}</td> : null}
          </tr>
        ))}
      </tbody>
    </ScrollTable>
  );
}
