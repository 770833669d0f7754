/**
 * Security headers on pages and on /healthz in production mode, and /healthz itself when
 * Postgres and Redis are both up (tests/integration/http-healthz-redis-down.test.ts covers the
 * other case).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestServer, type TestResponse, type TestServer } from "../support/http.ts";

// Real argon2 sign-ins over HTTP: give each test room on a busy shared machine.
vi.setConfig({ testTimeout: 60_000 });

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
}, 180_000);
afterAll(async () => {
  await server?.close();
});

function csp(response: TestResponse): Map<string, string[]> {
  const header = response.headers.get("content-security-policy");
  expect(header, "Content-Security-Policy header").toBeTruthy();
  return new Map(header!.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
}

function expectSecurityHeaders(response: TestResponse) {
  const policy = csp(response);
  const scriptSrc = policy.get("script-src") ?? policy.get("default-src")!;
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  expect(scriptSrc.some((s) => s === "*" || s.startsWith("http:") || s.startsWith("https:"))).toBe(false);
  expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
  expect(policy.get("object-src")).toEqual(["'none'"]);
  expect(policy.get("base-uri")).toEqual(["'self'"]);
  expect(policy.get("form-action")).toEqual(["'self'"]);

  const hsts = response.headers.get("strict-transport-security");
  expect(hsts, "HSTS in production").toBeTruthy();
  expect(Number(/max-age=(\d+)/.exec(hsts!)?.[1])).toBeGreaterThanOrEqual(31_536_000);
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toMatch(/^(no-referrer|strict-origin|strict-origin-when-cross-origin|same-origin)$/);
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(response.headers.get("x-powered-by")).toBeNull();
}

describe("security headers", () => {
  it("are on a page, with a CSP that lets only our nonce-carrying scripts run", async () => {
    const response = await server.client().get("/login");
    expect(response.status).toBe(200);
    expectSecurityHeaders(response);

    const nonces = csp(response).get("script-src")!.filter((s) => s.startsWith("'nonce-"));
    expect(nonces).toHaveLength(1);
    const nonce = nonces[0].slice("'nonce-".length, -1);
    const scripts = [...response.text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag, "every script carries the nonce").toContain(`nonce="${nonce}"`);
  });

  it("use a fresh nonce for every response", async () => {
    const first = csp(await server.client().get("/login")).get("script-src")!.join(" ");
    const second = csp(await server.client().get("/login")).get("script-src")!.join(" ");
    expect(first).not.toBe(second);
  });

  it("are on /healthz", async () => {
    expectSecurityHeaders(await server.client().get("/healthz"));
  });

  it("are on a page that is not found", async () => {
    const response = await server.client().get("/no-such-page");
    expect(response.status).toBe(404);
    expectSecurityHeaders(response);
  });
});

describe("/healthz with Postgres and Redis up", () => {
  it("answers 200 with both services ok, and is never cached", async () => {
    const response = await server.client().get("/healthz");
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ ok: true, postgres: "ok", redis: "ok" });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});
