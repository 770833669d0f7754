import { Link, useLoaderData } from "react-router";
import type { Route } from "./+types/reports.$snapshotId";
import { requirePermission } from "~/auth/auth.server.ts";
import { ReportView } from "~/components/report-view.tsx";
import { getSnapshot } from "~/models/reports.server.ts";

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: `${loaderData?.label ?? "Outcome report"} – Staffordshire Digital Skills` },
];

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "report:protected");
  const snapshot = await getSnapshot(viewer, params.snapshotId);
  return {
    id: snapshot.id,
    label: snapshot.figures.period.label,
    version: snapshot.version,
    builtAt: snapshot.builtAt.toISOString(),
    dataVersion: snapshot.dataVersion,
    figures: snapshot.figures,
    versions: snapshot.versions.map((v) => ({ id: v.id, version: v.version, builtAt: v.builtAt.toISOString() })),
  };
}

const when = (iso: string) =>
  new Date(iso).toLocaleString("en-GB", { timeZone: "Europe/London", dateStyle: "long", timeStyle: "short" });

export default function ReportPage() {
  const data = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <p className="no-print">
        <Link to="/reports">All reports</Link>
      </p>
      <h1>Outcome report: {data.label}</h1>
      <p>
        {data.figures.scopeLabel}. Version {data.version}, built {when(data.builtAt)} from data version{" "}
        <code>{data.dataVersion}</code>. Dates {data.figures.period.from} to {data.figures.period.to}.
      </p>
      <div className="actions no-print">
        <a className="button" href={`/reports/${data.id}.csv`} download>
          Download CSV<span className="visually-hidden"> of the {data.label} report</span>
        </a>
        <Link className="button secondary" to={`/reports/${data.id}/print`}>
          Printable view
        </Link>
      </div>
      {data.versions.length > 1 ? (
        <details className="no-print">
          <summary>Other versions of this report ({data.versions.length})</summary>
          <ul>
            {data.versions.map((v) => (
              <li key={v.id}>
                {v.id === data.id ? (
                  <>Version {v.version} (this one)</>
                ) : (
                  <Link to={`/reports/${v.id}`}>Version {v.version}</Link>
                )}
                , built {when(v.builtAt)}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <ReportView figures={data.figures} />
    </div>
  );
}
