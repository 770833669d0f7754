/** The DfE tidy CSV of a stored (protected) snapshot. Every download is audit-logged. */
import type { Route } from "./+types/reports.$snapshotId[.csv]";
import { requirePermission } from "~/auth/auth.server.ts";
import { exportSnapshotCsv } from "~/models/reports.server.ts";

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "report:protected");
  const { csv, filename } = await exportSnapshotCsv(viewer, params.snapshotId);
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
