/**
 * The printable view: the same protected figures laid out for A4 paper (print styles in
 * app.css hide the site header, navigation and footer; tables do not split across pages).
 */
import { Link, useLoaderData } from "react-router";
import type { Route } from "./+types/reports.$snapshotId_.print";
import { requirePermission } from "~/auth/auth.server.ts";
import { ReportView } from "~/components/report-view.tsx";
import { getSnapshot } from "~/models/reports.server.ts";

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: `${loaderData?.label ?? "Outcome report"} (print) – Staffordshire Digital Skills` },
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
  };
}

export default function PrintableReport() {
  const data = useLoaderData<typeof loader>();
  return (
    <div className="stack report-print">
      <p className="no-print">
        <Link to={`/reports/${data.id}`}>Back to the report</Link>. Use your browser's print command; the page is laid
        out for A4.
      </p>
      <h1>Staffordshire Digital Skills Partnership: outcome report, {data.label}</h1>
      <p>
        {data.figures.scopeLabel}. Version {data.version}, built{" "}
        {new Date(data.builtAt).toLocaleDateString("en-GB", { timeZone: "Europe/London", dateStyle: "long" })}; data
        version {data.dataVersion}.
      </p>
      <ReportView figures={data.figures} />
    </div>
  );
}
