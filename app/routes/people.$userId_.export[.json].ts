/**
 * Subject access, as a file: /people/:userId/export.json. Partnership admins (anyone) and school
 * admins (their pupils); 404 otherwise. Audit-logged ("export.subject-access").
 */
import type { Route } from "./+types/people.$userId_.export[.json]";
import { requireViewer } from "~/auth/auth.server.ts";
import { exportSubjectAccess } from "~/models/data-rights.server.ts";

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requireViewer(request);
  const record = await exportSubjectAccess(viewer, params.userId, "json");
  return new Response(JSON.stringify(record, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="subject-access-${params.userId}.json"`,
      "Cache-Control": "no-store",
    },
  });
}
