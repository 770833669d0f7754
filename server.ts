/**
 * The web server: Express 5 in front of React Router. Compression, security headers with a
 * per-request CSP nonce, request logging without personal data (each request gets an id, sent
 * back as X-Request-Id; 5xx answers log at error level), a cross-origin check on every
 * state-changing request, the request body limit, then the app. Development runs this file
 * through tsx with Vite in middleware mode (hot reload); production runs it compiled together with
 * the routes, `node build/server/server.js` (`npm start`, docs/decisions/035-compiled-production-build.md).
 * Workers never run here (npm run worker).
 */
import compression from "compression";
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import { randomUUID } from "node:crypto";
import cluster from "node:cluster";
import { readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createRequestHandler } from "@react-router/express";
import { pinoHttp } from "pino-http";
import { RouterContextProvider, type ServerBuild } from "react-router";
import { env } from "./app/utils/env.server.ts";
import { logger, redactPath } from "./app/utils/logger.server.ts";
import { securityHeaders } from "./app/http/security-headers.server.ts";
import { originCheck } from "./app/http/origin-check.server.ts";
import { bodyLimit } from "./app/http/body-limit.server.ts";
import { mountQueueDashboard } from "./app/http/queue-dashboard.server.ts";
import { runWebProcesses } from "./app/http/web-processes.server.ts";
import { connectRedis } from "./app/utils/redis.server.ts";
import { healthEndpoints } from "./app/http/health.server.ts";
import { metricsEndpoint } from "./app/http/metrics.server.ts";
import { requestMetrics } from "./app/http/request-metrics.server.ts";
import { unsupportedNode } from "./app/utils/supported-node.ts";
import { requestContext } from "./app/load-context.ts";

export async function createServer() {
  const config = env();
  const production = config.NODE_ENV === "production";
  const app = express();
  app.disable("x-powered-by");
  if (config.TRUST_PROXY)
    app.set("trust proxy", /^\d+$/.test(config.TRUST_PROXY) ? Number(config.TRUST_PROXY) : config.TRUST_PROXY);

  app.use(compression());
  app.use(securityHeaders(production));
  // /livez, /readyz and /metrics: answered before logging and React Router (decision 038).
  app.use(healthEndpoints(), metricsEndpoint());
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => {
        const id = randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      // Every line about a request carries its id as `reqId` (handleError logs it too).
      quietReqLogger: true,
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : "info"),
      autoLogging: { ignore: (req) => req.url === "/healthz" || (req.url ?? "").startsWith("/assets/") },
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: redactPath(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(originCheck());
  app.use(bodyLimit(config.BODY_LIMIT_BYTES));

  await mountQueueDashboard(app);

  let build: ServerBuild | (() => Promise<ServerBuild>);
  // The router context's key must be the routes' own object: bundled with them in production,
  // taken from Vite's module graph in development.
  let contextKey = async () => requestContext;
  if (production) {
    app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
    app.use(publicFiles("build/client", { maxAge: "1h" }));
    // Bundled with this file by `npm run build` (vite.config.ts): the routes share this process's
    // one module graph, so one Prisma client, one Redis connection and one logger.
    build = await import("virtual:react-router/server-build");
  } else {
    const vite = await import("vite").then((v) => v.createServer({ server: { middlewareMode: true } }));
    app.use(vite.middlewares);
    build = () => vite.ssrLoadModule("virtual:react-router/server-build") as Promise<ServerBuild>;
    contextKey = async () =>
      ((await vite.ssrLoadModule("/app/load-context.ts")) as typeof import("./app/load-context.ts")).requestContext;
  }

  app.use(requestMetrics(build));
  app.all(
    "/{*path}",
    createRequestHandler({
      build,
      mode: production ? "production" : "development",
      getLoadContext: async (req, res) =>
        new RouterContextProvider(
          new Map([
            [
              await contextKey(),
              { nonce: res.locals.nonce as string, clientIp: req.ip ?? "unknown", requestId: String(req.id) },
            ],
          ]),
        ),
    }),
  );
  app.use(lastResort);
  return app;
}

/**
 * An error that escaped React Router (or a middleware): logged with the request id, and a plain
 * 500 without details, instead of Express's default handler, which prints to stderr.
 */
const lastResort: ErrorRequestHandler = (error, req, res, next) => {
  req.log.error({ err: error }, "request failed");
  if (res.headersSent) return next(error);
  res
    .status(500)
    .type("text/plain")
    .send(`Sorry, there is a problem with the service. Quote this reference if you contact us: ${String(req.id)}`);
};

/**
 * The few top-level public files (favicon), served without asking the file system on every
 * request: express.static stats every path it is given, which showed up in the class grid's
 * profile for requests that are all pages.
 */
function publicFiles(root: string, options: Parameters<typeof express.static>[1]): RequestHandler {
  const files = new Set(
    readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => `/${e.name}`),
  );
  const serve = express.static(root, options);
  return (req, res, next) => (files.has(req.path) ? serve(req, res, next) : next());
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tooOld = unsupportedNode();
  if (tooOld) {
    console.error(tooOld);
    process.exit(1);
  }
  const config = env();
  // Rendering is CPU-bound: in production one process per core but one, which is left to
  // argon2, Postgres and the rest of the host (docs/decisions/017-per-request-cost.md).
  const processes =
    config.WEB_CONCURRENCY ?? (config.NODE_ENV === "production" ? Math.max(1, availableParallelism() - 1) : 1);
  if (processes > 1 && cluster.isPrimary) {
    runWebProcesses(processes, config.PORT);
  } else {
    const app = await createServer();
    await connectRedis();
    const server = app.listen(config.PORT, () => {
      if (cluster.isPrimary) logger.info(`Web app listening on http://localhost:${config.PORT}`);
    });
    const shutdown = () => server.close(() => process.exit(0));
    process.on("SIGTERM", shutdown);
    process.on("SIGINT", shutdown);
  }
}
