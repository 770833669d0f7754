/**
 * /admin/queues: the Bull Board dashboard, partnership admins only ("queues:view").
 *
 * server.ts imports this module directly (outside the React Router build), so the guard
 * builds a WHATWG Request from the Express request and asks the same getViewer/can the
 * routes use: signed out → /login?redirectTo=/admin/queues; signed in without the
 * permission → 404 (nothing confirms the page exists).
 *
 * Queue handles and their Redis connection are created on the first authorised request, so a
 * web server that nobody opens the dashboard on never connects to Redis for it. The connection
 * fails fast (`enableOfflineQueue: false`): with Redis down the dashboard errors, pages don't hang.
 *
 * CSP: Bull Board's page loads its scripts from its own static files (allowed by
 * `script-src 'self'`; its `<script type="application/json">` config block is data, which CSP
 * does not block), so script-src stays nonce-strict. It does inject styles at run time (a
 * `<style>` in the loading placeholder, CodeMirror's style modules in the job-data editor),
 * which production's `style-src 'self'` blocks; for /admin/queues only we add
 * `'unsafe-inline'` to style-src, as development already has. Its Google Fonts stylesheet stays
 * blocked on purpose (no third parties): the UI falls back to system fonts.
 */
import type { Express, NextFunction, Request as ExpressRequest, Response as ExpressResponse, Router } from "express";
import { getViewer } from "~/auth/auth.server.ts";
import { can } from "~/auth/permissions.ts";
import { QUEUES } from "~/jobs/definitions.ts";
import { queuePrefix } from "~/jobs/queues.server.ts";
import { contentSecurityPolicy } from "~/http/security-headers.server.ts";
import { env } from "~/utils/env.server.ts";
import { logger } from "~/utils/logger.server.ts";
import { createRedis } from "~/utils/redis-options.server.ts";

export const QUEUE_DASHBOARD_PATH = "/admin/queues";

function toWebRequest(req: ExpressRequest): Request {
  const host = req.get("host") ?? "localhost";
  return new Request(new URL(req.originalUrl, `${req.protocol}://${host}`), {
    method: req.method,
    headers: { cookie: req.get("cookie") ?? "" },
  });
}

/** The guard on its own, so it can be tested without Redis. */
export async function queueDashboardAccess(req: ExpressRequest): Promise<"allowed" | "sign-in" | "not-found"> {
  const viewer = await getViewer(toWebRequest(req));
  if (!viewer) return "sign-in";
  return can(viewer, "queues:view") ? "allowed" : "not-found";
}

let board: Promise<Router> | undefined;
let openResources: { close: () => Promise<void> } | undefined;

/** Closes the dashboard's queue handles and Redis connection (server shutdown, tests). */
export async function closeQueueDashboard(): Promise<void> {
  const resources = openResources;
  board = undefined;
  openResources = undefined;
  await resources?.close();
}

async function createBoardRouter(): Promise<Router> {
  const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }, { Queue }] = await Promise.all([
    import("@bull-board/api"),
    import("@bull-board/api/bullMQAdapter"),
    import("@bull-board/express"),
    import("bullmq"),
  ]);
  const connection = createRedis("web:queue-dashboard", "fail-fast");
  connection.on("error", (error: Error) => logger.debug({ err: error.message }, "queue dashboard: redis unavailable"));
  const prefix = queuePrefix();
  const handles = QUEUES.map((name) => {
    const queue = new Queue(name, { connection, prefix });
    queue.on("error", () => undefined);
    return queue;
  });
  openResources = {
    close: async () => {
      await Promise.allSettled(handles.map((queue) => queue.close()));
      connection.disconnect();
    },
  };
  const queues = handles.map((queue) => new BullMQAdapter(queue));
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues,
    serverAdapter,
    options: { uiConfig: { boardTitle: "Staffordshire Digital Skills queues" } },
  });
  const router = serverAdapter.getRouter() as Router & { disable?: (setting: string) => void };
  // Bull Board's own Express router turns X-Powered-By back on; the app never sends it.
  router.disable?.("x-powered-by");
  return router;
}

export async function mountQueueDashboard(app: Express): Promise<void> {
  const production = env().NODE_ENV === "production";
  app.use(QUEUE_DASHBOARD_PATH, async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    try {
      const access = await queueDashboardAccess(req);
      if (access === "sign-in") {
        res.redirect(302, `/login?redirectTo=${encodeURIComponent(QUEUE_DASHBOARD_PATH)}`);
        return;
      }
      if (access === "not-found") {
        res.status(404).type("text/plain").send("Not found");
        return;
      }
      res.setHeader("Cache-Control", "no-store");
      const nonce = String(res.locals.nonce ?? "");
      res.setHeader(
        "Content-Security-Policy",
        contentSecurityPolicy(nonce, production).replace(
          /style-src 'self'(?: 'unsafe-inline')?;/,
          "style-src 'self' 'unsafe-inline';",
        ),
      );
      board ??= createBoardRouter().catch((error: unknown) => {
        board = undefined;
        throw error;
      });
      (await board)(req, res, next);
    } catch (error) {
      next(error);
    }
  });
}
