/**
 * The web server: Express 5 in front of React Router. Compression, security headers with a
 * per-request CSP nonce, request logging without personal data, a cross-origin check on every
 * state-changing request, then the app. Development runs Vite in middleware mode (hot reload);
 * production serves the build. Workers never run here (npm run worker).
 */
import compression from "compression";
import express, { type RequestHandler } from "express";
import cluster from "node:cluster";
import { readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createRequestHandler } from "@react-router/express";
import { pinoHttp } from "pino-http";
import type { ServerBuild } from "react-router";
import { env } from "./app/utils/env.server.ts";
import { logger, redactPath } from "./app/utils/logger.server.ts";
import { securityHeaders } from "./app/http/security-headers.server.ts";
import { originCheck } from "./app/http/origin-check.server.ts";
import { mountQueueDashboard } from "./app/http/queue-dashboard.server.ts";
import { runWebProcesses } from "./app/http/web-processes.server.ts";
import { connectRedis } from "./app/utils/redis.server.ts";

export async function createServer() {
  const config = env();
  const production = config.NODE_ENV === "production";
  const app = express();
  app.disable("x-powered-by");
  if (config.TRUST_PROXY) app.set("trust proxy", /^\d+$/.test(config.TRUST_PROXY) ? Number(config.TRUST_PROXY) : config.TRUST_PROXY);

  app.use(compression());
  app.use(securityHeaders(production));
  app.use(
    pinoHttp({
      logger,
      autoLogging: { ignore: (req) => req.url === "/healthz" || (req.url ?? "").startsWith("/assets/") },
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: redactPath(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(originCheck());

  await mountQueueDashboard(app);

  let build: ServerBuild | (() => Promise<ServerBuild>);
  if (production) {
    app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
    app.use(publicFiles("build/client", { maxAge: "1h" }));
    build = (await import(new URL("./build/server/index.js", import.meta.url).href)) as ServerBuild;
  } else {
    const vite = await import("vite").then((v) => v.createServer({ server: { middlewareMode: true } }));
    app.use(vite.middlewares);
    build = () => vite.ssrLoadModule("virtual:react-router/server-build") as Promise<ServerBuild>;
  }

  app.all(
    "/{*path}",
    createRequestHandler({
      build,
      mode: production ? "production" : "development",
      getLoadContext: (req, res) => ({ nonce: res.locals.nonce as string, clientIp: req.ip ?? "unknown" }),
    }),
  );
  return app;
}

/**
 * The few top-level public files (favicon), served without asking the file system on every
 * request: express.static stats every path it is given, which showed up in the class grid's
 * profile for requests that are all pages.
 */
function publicFiles(root: string, options: Parameters<typeof express.static>[1]): RequestHandler {
  const files = new Set(readdirSync(root, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => `/${e.name}`));
  const serve = express.static(root, options);
  return (req, res, next) => (files.has(req.path) ? serve(req, res, next) : next());
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = env();
  // Rendering is CPU-bound: in production one process per core but one, which is left to
  // argon2, Postgres and the rest of the host (docs/decisions/017-per-request-cost.md).
  const processes = config.WEB_CONCURRENCY ?? (config.NODE_ENV === "production" ? Math.max(1, availableParallelism() - 1) : 1);
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
