/**
 * /admin/queues (Bull Board) behind the session check, over real HTTP: signed out → sign in,
 * signed in without "queues:view" → 404, a partnership admin → the dashboard, whose page and
 * API work under the app's CSP (scripts stay nonce-strict; only style-src is relaxed here).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Queue } from "bullmq";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, sessionCookieName, sessionPolicy } from "../../app/auth/session.server.ts";
import { disconnectDb } from "../../app/db/client.server.ts";
import { QUEUES } from "../../app/jobs/definitions.ts";
import { queuePrefix } from "../../app/jobs/queues.server.ts";
import { closeQueueDashboard, mountQueueDashboard } from "../../app/http/queue-dashboard.server.ts";
import { securityHeaders } from "../../app/http/security-headers.server.ts";
import { closeConnection, producerConnection } from "../../workers/connection.ts";
import { createOrganisation, createUser } from "../support/factories.ts";

let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(securityHeaders(true));
  await mountQueueDashboard(app);
  app.use((_req, res) => void res.status(418).send("fell through"));
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await closeQueueDashboard();
  const connection = producerConnection("test-dashboard-cleanup");
  if (connection.status !== "ready") await new Promise((resolve) => connection.once("ready", resolve));
  for (const name of QUEUES) {
    const queue = new Queue(name, { connection, prefix: queuePrefix() });
    await queue.obliterate({ force: true });
    await queue.close();
  }
  await closeConnection(connection);
  await disconnectDb();
});

async function cookieFor(userId: string) {
  const { token } = await createSession(userId, sessionPolicy(false));
  return `${sessionCookieName()}=${token}`;
}

const get = (path: string, cookie?: string) =>
  fetch(base + path, { redirect: "manual", headers: cookie ? { cookie } : {} });

describe("/admin/queues", () => {
  it("sends a signed-out visitor to sign in", async () => {
    const response = await get("/admin/queues");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login?redirectTo=%2Fadmin%2Fqueues");
    expect((await get("/admin/queues/api/queues")).status).toBe(302);
  });

  it("answers 404 to someone signed in who is not a partnership admin", async () => {
    const school = await createOrganisation({ kind: "SCHOOL" });
    const teacher = await createUser({ roles: [{ org: school, role: "SCHOOL_ADMIN" }] });
    const cookie = await cookieFor(teacher.id);
    expect((await get("/admin/queues", cookie)).status).toBe(404);
    expect((await get("/admin/queues/api/queues", cookie)).status).toBe(404);
  });

  it("shows a partnership admin every queue under this deployment's prefix", async () => {
    const provider = await createOrganisation({ kind: "PROVIDER" });
    const admin = await createUser({ roles: [{ org: provider, role: "PARTNERSHIP_ADMIN" }] });
    const cookie = await cookieFor(admin.id);

    const page = await get("/admin/queues", cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    const csp = page.headers.get("content-security-policy") ?? "";
    // Scripts: still only our own origin and the nonce; Bull Board's scripts are external files.
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/json")[^>]*>/g)];
    expect(inlineScripts, "no executable inline script that the CSP would block").toHaveLength(0);
    for (const [, src] of html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)) {
      const asset = await get(new URL(src!, `${base}/admin/queues/`).pathname, cookie);
      expect(asset.status, src).toBe(200);
    }

    const api = await get("/admin/queues/api/queues?activeQueue=email&status=latest&page=1", cookie);
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: Array<{ name: string }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual([...QUEUES].sort());
  });
});
