/**
 * The web server: Express 5 in front of React Router. Compression, security headers with a
 * per-request CSP nonce, request logging without personal data, a cross-origin check on every
 * state-changing request, then the app. Development runs Vite in middleware mode (hot reload);
 * production serves the build. Workers never run here (npm run worker).
 */
import compression from "compression";
import express from "express";
import { createRequestHandler } from "@react-router/express";
import { pinoHttp } from "pino-http";
import type { ServerBuild } from "react-router";
import { env } from "./app/utils/env.server.ts";
import { logger, redactPath } from "./app/utils/logger.server.ts";
import { securityHeaders } from "./app/http/security-headers.server.ts";
import { originCheck } from "./app/http/origin-check.server.ts";
import { mountQueueDashboard } from "./app/http/queue-dashboard.server.ts";

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
    app.use(express.static("build/client", { maxAge: "1h" }));
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

if (import.meta.url === `file://${process.argv[1]}`) {
  const app = await createServer();
  const port = env().PORT;
  const server = app.listen(port, () => logger.info(`Web app listening on http://localhost:${port}`));
  const shutdown = () => server.close(() => process.exit(0));
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}
