/**
 * The OTJ audit report as CSV (/apprenticeships/:id/otj-history.csv): one row per change, text
 * cells quoted and neutralised against spreadsheet formulas. The download is audit-logged.
 */
import type { Route } from "./+types/apprenticeships.$id_.otj-history[.csv]";
import { requireViewer } from "~/auth/auth.server.ts";
import { csvField, neutraliseFormula } from "~/domain/tidy-csv.ts";
import { auditOtjReportDownload, otjAuditReport } from "~/models/otj-audit-report.server.ts";

const COLUMNS = [
  "changed_at",
  "event",
  "by",
  "entry_id",
  "version",
  "supersedes_id",
  "activity_date",
  "minutes",
  "activity_type",
  "ksb_codes",
  "at_work",
  "reason_or_comment",
];

const cell = (value: string | number | boolean | null) =>
  csvField(neutraliseFormula(value === null ? "" : String(value)));

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requireViewer(request);
  const report = await otjAuditReport(viewer, params.id);
  const lines = [COLUMNS.join(",")];
  for (const r of report.rows) {
    lines.push(
      [
        r.at.toISOString(),
        r.event,
        r.by,
        r.entryId,
        r.version,
        r.supersedesId,
        r.occurredOn,
        r.minutes,
        r.activityType,
        r.ksbCodes.join(" "),
        r.atWork ? "yes" : "no",
        r.note,
      ]
        .map(cell)
        .join(","),
    );
  }
  await auditOtjReportDownload(viewer, report.apprenticeship.id, report.rows.length);
  return new Response(lines.join("\r\n") + "\r\n", {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="otj-history-${report.apprenticeship.id}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
