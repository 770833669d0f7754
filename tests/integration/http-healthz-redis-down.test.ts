/**
 * /readyz (and its alias /healthz) when Redis is unreachable: the server is started with
 * REDIS_URL pointing at a closed port, so the load balancer sees 503 and which service is down,
 * while /livez still answers. Signing in keeps working (the throttles count in memory meanwhile:
 * decision 036).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closedPort } from "../support/closed-port.ts";
import { createSchoolWithAdmin } from "../support/factories.ts";
import { startTestServer, type TestServer } from "../support/http.ts";

// Real argon2 sign-ins over HTTP: give each test room on a busy shared machine.
vi.setConfig({ testTimeout: 60_000 });

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` } });
}, 180_000);
afterAll(async () => {
  await server?.close();
});

describe("/healthz with Redis down", () => {
  it("answers 503 and names Redis as down, within a few seconds", async () => {
    // Warm the database path first: the first query of a fresh process (pool connect, Prisma's
    // query compiler) can outlast the health check's 1.5 s bound on a busy machine.
    await createSchoolWithAdmin();
    await server.client().post("/login", { identifier: "warm-up@example.org", password: "warm-up-password-1" });
    const started = Date.now();
    const response = await server.client().get("/healthz");
    expect(response.status).toBe(503);
    expect(response.text).toContain('"redis":"down"');
    expect(JSON.parse(response.text)).toEqual({ ok: false, postgres: "ok", redis: "down" });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("/readyz answers the same 503, and /livez still 200", async () => {
    const readyz = await server.client().get("/readyz");
    expect(readyz.status).toBe(503);
    expect(JSON.parse(readyz.text)).toEqual({ ok: false, postgres: "ok", redis: "down" });
    const livez = await server.client().get("/livez");
    expect(livez.status).toBe(200);
  });
});

describe("signing in with Redis down", () => {
  it("still works, and a wrong password is still refused", async () => {
    const { admin } = await createSchoolWithAdmin();
    expect(
      (await server.client().post("/login", { identifier: admin.email!, password: "not-the-password-1" })).status,
    ).toBe(400);
    expect((await server.client().post("/login", { identifier: admin.email!, password: admin.password })).status).toBe(
      302,
    );
  });
});
