/**
 * Request duration and count for every request that reaches React Router, labelled by route
 * (app/http/route-label.server.ts), method (a fixed set) and status class: every label has a
 * bounded set of values, so no client can grow the number of series. Timed from this
 * middleware to the end of the response; the label is worked out after the response is sent.
 */
import type { RequestHandler } from "express";
import { Counter, Histogram } from "prom-client";
import type { ServerBuild } from "react-router";
import { routeLabel } from "~/http/route-label.server.ts";
import { processRegistry } from "~/http/process-metrics.server.ts";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

const duration = new Histogram({
  name: "http_request_duration_seconds",
  help: "Time from the app receiving a request to the end of its response, by route id",
  labelNames: ["route", "method"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [processRegistry],
});

const requests = new Counter({
  name: "http_requests_total",
  help: 'Requests answered, by route id and status class ("aborted": the client left before the end)',
  labelNames: ["route", "method", "status_class"] as const,
  registers: [processRegistry],
});

export function requestMetrics(build: ServerBuild | (() => Promise<ServerBuild>)): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const pathname = req.path;
    res.once("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const method = METHODS.has(req.method) ? req.method : "other";
      const statusClass = res.writableFinished ? `${Math.floor(res.statusCode / 100)}xx` : "aborted";
      const record = (manifest: ServerBuild["routes"]) => {
        const route = routeLabel(manifest, pathname);
        duration.observe({ route, method }, seconds);
        requests.inc({ route, method, status_class: statusClass });
      };
      if (typeof build === "function")
        void build().then(
          (b) => record(b.routes),
          () => undefined,
        );
      else record(build.routes);
    });
    next();
  };
}
