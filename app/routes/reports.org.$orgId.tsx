/**
 * An organisation's own report (school or employer admins): the same measures for their own
 * learners, unrounded and computed live. The organisation id is checked against the viewer's
 * memberships and is in the SQL scope of every measure; anything else is a 404.
 */
import { Link, useLoaderData } from "react-router";
import type { Route } from "./+types/reports.org.$orgId";
import { requirePermission } from "~/auth/auth.server.ts";
import { ReportView } from "~/components/report-view.tsx";
import { periodContaining } from "~/domain/report-period.ts";
import { organisationReport, periodOrNotFound } from "~/models/reports.server.ts";
import { todayInEngland } from "~/domain/dates.ts";

export const meta: Route.MetaFunction = ({ loaderData }) => [
  {
    title: `${loaderData?.figures.scopeLabel ?? "Your organisation"}: ${loaderData?.figures.period.label ?? "report"} – Staffordshire Digital Skills`,
  },
];

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "report:own-org");
  const url = new URL(request.url);
  const type = url.searchParams.get("type");
  const key = url.searchParams.get("key");
  const period = type && key ? periodOrNotFound(type, key) : periodContaining("academic-year", todayInEngland());
  const figures = await organisationReport(viewer, params.orgId, period);
  return { figures };
}

export default function OrganisationReport() {
  const { figures } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <p className="no-print">
        <Link to="/reports">All reports</Link>
      </p>
      <h1>
        {figures.scopeLabel}: {figures.period.label}
      </h1>
      <p>
        Dates {figures.period.from} to {figures.period.to}. Figures are for learners through your organisation only.
      </p>
      <ReportView figures={figures} />
    </div>
  );
}
