/**
 * Security headers on pages and on /healthz in production mode, and /healthz itself when
 * Postgres and Redis are both up (tests/integration/http-healthz-redis-down.test.ts covers the
 * other case).
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { createOrganisation, createUser } from "../support/factories.ts";
import { SESSION_COOKIE, useTestServer, type TestResponse } from "../support/http.ts";

// Real argon2 sign-ins over HTTP: give each test room on a busy shared machine.
vi.setConfig({ testTimeout: 60_000 });

const server = useTestServer();

function csp(response: TestResponse): Map<string, string[]> {
  const header = response.headers.get("content-security-policy");
  expect(header, "Content-Security-Policy header").toBeTruthy();
  return new Map(
    header!
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
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
  expect(response.headers.get("referrer-policy")).toMatch(
    /^(no-referrer|strict-origin|strict-origin-when-cross-origin|same-origin)$/,
  );
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(response.headers.get("x-powered-by")).toBeNull();
}

describe("security headers", () => {
  it("are on a page, with a CSP that lets only our nonce-carrying scripts run", async () => {
    const response = await server.client().get("/login");
    expect(response.status).toBe(200);
    expectSecurityHeaders(response);

    const nonces = csp(response)
      .get("script-src")!
      .filter((s) => s.startsWith("'nonce-"));
    expect(nonces).toHaveLength(1);
    const nonce = nonces[0].slice("'nonce-".length, -1);
    const scripts = [...response.text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag, "every script carries the nonce").toContain(`nonce="${nonce}"`);
  });

  it("use a fresh nonce for every response", async () => {
    const first = csp(await server.client().get("/login"))
      .get("script-src")!
      .join(" ");
    const second = csp(await server.client().get("/login"))
      .get("script-src")!
      .join(" ");
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

// Not a sample of pages but every route of the production build's manifest (params
// filled with an id that exists nowhere), signed out and as a partnership admin, page and .data.
describe("security headers on every route", () => {
  it("are on every answer of every route in the manifest, whatever its status", async () => {
    type ManifestRoute = {
      id: string;
      parentId?: string;
      path?: string;
      index?: boolean;
      module: { default?: unknown };
    };
    const build = (await import(pathToFileURL(path.resolve("build/server/index.js")).href)) as {
      routes: Record<string, ManifestRoute>;
    };
    const full = (r: ManifestRoute): string => {
      const parts: string[] = [];
      for (let at: ManifestRoute | undefined = r; at; at = at.parentId ? build.routes[at.parentId] : undefined)
        if (at.path) parts.unshift(at.path);
      return "/" + parts.join("/").replace(/^\/+/, "");
    };
    const urls = Object.values(build.routes)
      .filter((r) => r.id !== "root" && (r.path || r.index))
      .flatMap((r) => {
        const p = full(r).replace(/:\w+\??/g, () => randomUUID());
        return typeof r.module.default === "function" ? [p, p === "/" ? "/_.data" : `${p}.data`] : [p];
      });
    urls.push("/admin/queues");
    expect(urls.length).toBeGreaterThan(50);

    const provider = await createOrganisation({ kind: "PROVIDER" });
    const admin = await createUser({ roles: [{ org: provider, role: "PARTNERSHIP_ADMIN" }], password: null });
    const { createSession, sessionPolicy } = await import("../../app/auth/session.server.ts");
    const signedIn = server.client();
    signedIn.setCookie(SESSION_COOKIE, (await createSession(admin.id, sessionPolicy(false))).token);

    const statuses = new Set<number>();
    for (const client of [server.client(), signedIn]) {
      for (const url of urls) {
        const response = await client.get(url);
        statuses.add(response.status);
        try {
          expectSecurityHeaders(response);
        } catch (error) {
          throw new Error(`GET ${url} (${response.status}): ${(error as Error).message}`, { cause: error });
        }
      }
    }
    // The loop saw pages, redirects and not-found answers alike.
    expect([...statuses]).toEqual(expect.arrayContaining([200, 404]));
    expect([...statuses].some((s) => s >= 300 && s < 400)).toBe(true);
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
