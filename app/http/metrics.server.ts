/**
 * GET /metrics in Prometheus' text format: this process's figures (summed over the cluster, when
 * there are several web processes) followed by the deployment's (queues, outbox, schedules,
 * emails, workers). Who may read it: app/http/metrics-access.server.ts. Anyone else gets the
 * app's ordinary 404 page, as for a path that does not exist.
 */
import type { Request, RequestHandler } from "express";
import { deploymentMetrics } from "~/http/deployment-metrics.server.ts";
import { mayReadMetrics } from "~/http/metrics-access.server.ts";
import { processMetrics } from "~/http/metrics-cluster.server.ts";
import { processRegistry } from "~/http/process-metrics.server.ts";
import { env } from "~/utils/env.server.ts";

export const METRICS_PATH = "/metrics";

function allowed(req: Request): boolean {
  const config = env();
  return mayReadMetrics({
    token: config.METRICS_TOKEN,
    authorization: req.get("authorization"),
    peer: req.socket.remoteAddress,
    trustProxy: config.TRUST_PROXY,
    forwarded: Boolean(req.get("forwarded") ?? req.get("x-forwarded-for") ?? req.get("x-real-ip")),
  });
}

export function metricsEndpoint(): RequestHandler {
  return (req, res, next) => {
    if (req.path !== METRICS_PATH || (req.method !== "GET" && req.method !== "HEAD") || !allowed(req)) return next();
    Promise.all([processMetrics(), deploymentMetrics()]).then(
      (texts) => void res.set("Cache-Control", "no-store").type(processRegistry.contentType).send(texts.join("\n")),
      next,
    );
  };
}
