/**
 * Probe endpoints for an orchestrator or a load balancer, answered before logging, sessions and
 * React Router (docs/operations.md, "Health checks and monitoring"):
 * - GET /livez: the process answers. No I/O, so a Postgres or Redis outage never gets a healthy
 *   process restarted.
 * - GET /readyz: Postgres and Redis both answer, probed in parallel with a bounded wait; 503
 *   with the one that did not. The body names services and "ok"/"down", never an address.
 * /healthz (app/routes/healthz.ts) stays as an alias of /readyz: same check, same answer.
 */
import type { RequestHandler } from "express";
import { checkHealth } from "~/utils/health.server.ts";

export function healthEndpoints(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    if (req.path === "/livez") {
      res.set("Cache-Control", "no-store").json({ ok: true });
      return;
    }
    if (req.path !== "/readyz") return next();
    checkHealth().then(
      (health) =>
        void res
          .status(health.ok ? 200 : 503)
          .set("Cache-Control", "no-store")
          .json(health),
      next,
    );
  };
}
