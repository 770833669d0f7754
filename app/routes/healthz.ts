import type { Route } from "./+types/healthz";
import { checkHealth } from "~/utils/health.server.ts";

// For load balancers and the operator: 200 when Postgres and Redis answer, 503 otherwise.
export async function loader(_: Route.LoaderArgs) {
  const health = await checkHealth();
  return Response.json(health, { status: health.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
