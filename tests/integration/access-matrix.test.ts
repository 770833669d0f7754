/**
 * The access matrix, generated: every route of the production build's manifest × every role
 * (plus signed-out) × own and foreign records, as a page request, a `.data` request (React
 * Router single fetch) and, for routes with an action, POST probes. Expectations live in
 * tests/support/access-matrix.ts; a route without an entry fails here, naming it.
 *
 * What is asserted
 * - the answer (page / redirect to sign-in / 404 / other redirect) matches the table;
 * - no answer to a set-0 actor holds a set-1 person's name, email or username (markers), unless
 *   the table grants that route partnership-wide reach; a council officer and a signed-out
 *   visitor never see any person at all;
 * - POST probes (extra fields `role`, `organisationId`, `userId`; the actor's own forms replayed
 *   with every own id swapped for its foreign counterpart; foreign path params) change nothing
 *   in the database (a checksum of every table except sessions and the audit log) and answer
 *   400/404/405/422 or a redirect, never a success.
 *
 * One server, one world, sessions written straight to the database, a small concurrency.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ACTORS,
  buildWorld,
  EXPECTATIONS,
  EXTRA_ROUTES,
  expectedAnswer,
  ROLES,
  type ActorName,
  type Answer,
  type ParamKind,
  type RouteExpectation,
  type World,
} from "../support/access-matrix.ts";
import {
  SESSION_COOKIE,
  startTestServer,
  type TestClient,
  type TestResponse,
  type TestServer,
} from "../support/http.ts";
import { tableSums } from "../support/table-sums.ts";

vi.setConfig({ testTimeout: 600_000 });

type ManifestRoute = { id: string; parentId?: string; path?: string; index?: boolean; module: Record<string, unknown> };
type AppRoute = { id: string; path: string; index: boolean; resource: boolean; hasAction: boolean; params: string[] };

let server: TestServer;
let world: World;
let routes: AppRoute[];
const clients = new Map<ActorName, TestClient>();

function routePath(all: Record<string, ManifestRoute>, route: ManifestRoute): string {
  const parts: string[] = [];
  for (let r: ManifestRoute | undefined = route; r; r = r.parentId ? all[r.parentId] : undefined)
    if (r.path) parts.unshift(r.path);
  return "/" + parts.join("/").replace(/^\/+/, "");
}

beforeAll(async () => {
  server = await startTestServer();
  const build = (await import(pathToFileURL(path.resolve("build/server/index.js")).href)) as {
    routes: Record<string, ManifestRoute>;
  };
  const all = build.routes;
  // Every route with a URL of its own: pathless layouts have none (a parent with a path, like
  // /reports/:snapshotId, is requestable itself).
  routes = Object.values(all)
    .filter((r) => r.id !== "root" && (r.path || r.index))
    .map((r) => {
      const p = routePath(all, r);
      return {
        id: r.id,
        path: p,
        index: Boolean(r.index),
        resource: typeof r.module.default !== "function",
        hasAction: typeof r.module.action === "function",
        params: [...p.matchAll(/:(\w+)/g)].map((m) => m[1]),
      };
    });

  world = await buildWorld();
  const { createSession, sessionPolicy } = await import("../../app/auth/session.server.ts");
  for (const role of ROLES) {
    const { token } = await createSession(world.actorUserId(role), sessionPolicy(role === "PUPIL"));
    const client = server.client();
    client.setCookie(SESSION_COOKIE, token);
    clients.set(role, client);
  }
  clients.set("SIGNED_OUT", server.client());
}, 300_000);

afterAll(async () => {
  await server?.close();
});

// ───────────────────────────── helpers ─────────────────────────────

type Fill = { name: string; kind: "own" | "foreign"; sides: Record<string, 0 | 1> };

/** own, all foreign, and (with two or more params) each param foreign on its own. */
function fillsFor(route: { params: string[] }, spec: RouteExpectation): Fill[] {
  if (route.params.length === 0) return [{ name: "own", kind: "own", sides: {} }];
  const own = Object.fromEntries(route.params.map((p) => [p, 0 as const]));
  const fills: Fill[] = [{ name: "own", kind: "own", sides: own }];
  const kinds = route.params.map((p) => spec.params?.[p]);
  if (kinds.every((k) => k === "token" || k === "snapshot")) return fills;
  fills.push({ name: "foreign", kind: "foreign", sides: Object.fromEntries(route.params.map((p) => [p, 1 as const])) });
  if (route.params.length > 1)
    for (const p of route.params) fills.push({ name: `foreign ${p}`, kind: "foreign", sides: { ...own, [p]: 1 } });
  return fills;
}

function fillPath(
  route: { path: string; params: string[] },
  spec: RouteExpectation,
  actor: ActorName,
  fill: Fill,
): string {
  return route.path.replace(/:(\w+)/g, (_, name: string) => {
    const kind: ParamKind | undefined = spec.params?.[name];
    if (!kind) throw new Error(`${route.path}: the matrix entry does not say how to fill :${name}`);
    return encodeURIComponent(world.param(kind, actor, fill.sides[name] ?? 0));
  });
}

function dataUrl(pathname: string, index: boolean): string {
  const [p, q] = pathname.split("?");
  const base = p === "/" ? "/_.data" : `${p.replace(/\/$/, "")}.data`; // React Router 8: the root is /_.data
  const search = new URLSearchParams(q ?? "");
  if (index) search.set("index", "");
  const s = search.toString().replace(/index=(&|$)/, "index$1");
  return s ? `${base}?${s}` : base;
}

function classify(response: TestResponse, data: boolean): Answer | `status ${number}` {
  const { status } = response;
  if (data && status === 202)
    return /"\/login\b|\\"\/login/.test(response.text) || response.text.includes('"/login') ? "login" : "redirect";
  if (status === 200) return "page";
  if (status === 404) return "404";
  if (status >= 300 && status < 400) return (response.location ?? "").startsWith("/login") ? "login" : "redirect";
  return `status ${status}`;
}

function leaks(actor: ActorName, spec: RouteExpectation, text: string): string | null {
  const body = text.toLowerCase();
  const foreign = world.marker.foreign.toLowerCase();
  const own = world.marker.own.toLowerCase();
  if (actor === "COUNCIL_OFFICER" || actor === "SIGNED_OUT") {
    if (body.includes(foreign) || body.includes(own)) return "a person's details";
    return null;
  }
  if (spec.mayShowForeignPeople?.includes(actor)) return null;
  if (body.includes(foreign)) return "another organisation's person";
  return null;
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

function specFor(id: string): RouteExpectation {
  const spec = EXPECTATIONS[id];
  if (!spec) throw new Error(`no matrix entry for ${id}`);
  return spec;
}

// ───────────────────────────── forms on a page ─────────────────────────────

type HarvestedForm = { action: string | null; fields: [string, string][]; buttons: [string, string][] };

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}="([^"]*)"`, "i").exec(tag);
  return m ? m[1].replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&#x27;", "'") : null;
}

/** POST forms of a page, with plausible values for every field (as a person filling it in would). */
function harvestForms(html: string): HarvestedForm[] {
  const forms: HarvestedForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const open = `<form${m[1]}>`;
    if ((attr(open, "method") ?? "get").toLowerCase() !== "post") continue;
    const inner = m[2];
    const fields: [string, string][] = [];
    const buttons: [string, string][] = [];
    const radios = new Set<string>();
    for (const input of inner.matchAll(/<input\b[^>]*>/gi)) {
      const tag = input[0];
      const name = attr(tag, "name");
      if (!name) continue;
      const type = (attr(tag, "type") ?? "text").toLowerCase();
      const value = attr(tag, "value");
      if (type === "file") continue;
      if (type === "submit") {
        buttons.push([name, value ?? ""]);
        continue;
      }
      if (type === "radio") {
        if (radios.has(name)) continue;
        radios.add(name);
        fields.push([name, value ?? "on"]);
        continue;
      }
      if (type === "checkbox") {
        fields.push([name, value ?? "on"]);
        continue;
      }
      if (value) {
        fields.push([name, value]);
        continue;
      }
      const filler: Record<string, string> = {
        date: "2026-01-15",
        number: "2",
        email: "matrix.probe@example.org",
        password: "amber-kettle-orbit-42",
        url: "https://example.org/",
      };
      fields.push([name, filler[type] ?? "Matrix probe text"]);
    }
    for (const select of inner.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
      const name = attr(`<select${select[1]}>`, "name");
      if (!name) continue;
      const option = [...select[2].matchAll(/<option\b[^>]*>/gi)].map((o) => attr(o[0], "value")).find((v) => v);
      if (option) fields.push([name, option]);
    }
    for (const area of inner.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi)) {
      const name = attr(`<textarea${area[1]}>`, "name");
      if (name) fields.push([name, area[2] || "Matrix probe text"]);
    }
    for (const button of inner.matchAll(/<button\b[^>]*>/gi)) {
      const name = attr(button[0], "name");
      if (name && (attr(button[0], "type") ?? "submit") === "submit")
        buttons.push([name, attr(button[0], "value") ?? ""]);
    }
    forms.push({ action: attr(open, "action"), fields, buttons });
  }
  return forms;
}

// ───────────────────────────── the tests ─────────────────────────────

describe("the access matrix", () => {
  it("has an entry for every route of the app, and none for routes that no longer exist", () => {
    const missing = routes.map((r) => r.id).filter((id) => !EXPECTATIONS[id]);
    expect(
      missing,
      `add these routes to EXPECTATIONS in tests/support/access-expectations.ts (who may open them?): ${missing.join(", ")}`,
    ).toEqual([]);
    const stale = Object.keys(EXPECTATIONS).filter((id) => !routes.some((r) => r.id === id));
    expect(stale, "entries for routes that are gone").toEqual([]);
    for (const route of routes) {
      const spec = EXPECTATIONS[route.id];
      for (const p of route.params) expect(spec.params?.[p], `${route.id}: how is :${p} filled?`).toBeTruthy();
    }
  });

  it("answers every role as the table says, on own and foreign records, pages and .data alike, without leaking another organisation's people", async () => {
    const failures: string[] = [];
    const jobs: (() => Promise<void>)[] = [];
    const all = [
      ...routes.filter((r) => EXPECTATIONS[r.id]).map((r) => ({ ...r, spec: specFor(r.id) })),
      ...Object.entries(EXTRA_ROUTES).map(([id, s]) => ({
        id,
        path: s.path,
        index: false,
        resource: true,
        hasAction: false,
        params: [] as string[],
        spec: s as RouteExpectation,
      })),
    ];
    for (const route of all) {
      for (const actor of ACTORS) {
        for (const fill of fillsFor(route, route.spec)) {
          const expected = expectedAnswer(route.spec, actor, fill.kind);
          const pathname = fillPath(route, route.spec, actor, fill);
          const variants: [string, boolean][] = [[pathname, false]];
          if (!route.resource) variants.push([dataUrl(pathname, route.index), true]);
          for (const [url, isData] of variants) {
            jobs.push(async () => {
              const response = await clients.get(actor)!.get(url);
              const got = classify(response, isData);
              const where = `${route.id} ${actor} ${fill.name} GET ${url}`;
              if (got !== expected) failures.push(`${where}: expected ${expected}, got ${got}`);
              const leak = leaks(actor, route.spec, response.text);
              if (leak) failures.push(`${where}: shows ${leak}`);
            });
          }
        }
      }
    }
    await pool(jobs, 4, (job) => job());
    expect(failures.sort(), `${failures.length} of ${jobs.length} requests answered wrongly`).toEqual([]);
    expect(jobs.length).toBeGreaterThan(500);
  });

  it("lets no form post with extra fields, foreign ids or foreign paths change anything", async () => {
    const failures: string[] = [];
    let probes = 0;
    const extras: Record<string, string> = {
      role: "PARTNERSHIP_ADMIN",
      organisationId: world.sides[1].school.id,
      userId: world.sides[1].pupil.id,
    };
    const swap = (value: string) => {
      let out = value;
      for (const [own, foreign] of world.counterpart) out = out.replaceAll(own, foreign);
      return out;
    };

    // Probes run one at a time, so the state after one probe is the state before the next.
    let before = await tableSums();
    async function probe(actor: ActorName, route: AppRoute, url: string, body: URLSearchParams, label: string) {
      probes++;
      const response = await clients.get(actor)!.post(url, body);
      const after = await tableSums();
      const where = `${route.id} ${actor} ${label} POST ${url}`;
      const changed = [...after].filter(([t, sum]) => before.get(t) !== sum).map(([t]) => t);
      if (changed.length) failures.push(`${where}: changed ${changed.join(", ")} (answered ${response.status})`);
      before = after;
      const spec = specFor(route.id);
      const ok =
        [400, 404, 405, 422].includes(response.status) ||
        (response.status >= 300 && response.status < 400) ||
        (response.status === 202 && url.includes(".data"));
      if (!ok) failures.push(`${where}: answered ${response.status}`);
      const leak = leaks(actor, spec, response.text);
      if (leak) failures.push(`${where}: shows ${leak}`);
    }

    for (const route of routes.filter((r) => r.hasAction)) {
      const spec = specFor(route.id);
      if (spec.skipActions) continue;
      for (const actor of ACTORS) {
        const fills = fillsFor(route, spec);
        for (const fill of fills) {
          const url = fillPath(route, spec, actor, fill) + (route.index ? "?index" : "");
          // 1. Extra fields the form never has: rejected, whatever the route and whoever asks.
          await probe(actor, route, url, new URLSearchParams(extras), `${fill.name} + extra fields`);
          if (fill.kind === "foreign")
            await probe(
              actor,
              route,
              dataUrl(url, route.index),
              new URLSearchParams(extras),
              `${fill.name} .data + extra fields`,
            );
        }
        // 2. The actor's own forms, every own id swapped for the foreign one (body and path).
        // Partnership-wide reach makes "foreign" meaningless for that actor on this route.
        if (
          expectedAnswer(spec, actor, "own") !== "page" ||
          spec.foreignReach?.includes(actor) ||
          route.params.some((p) => spec.params?.[p] === "token")
        )
          continue;
        const ownFill = fills[0];
        const ownUrl = fillPath(route, spec, actor, ownFill);
        const page = await clients.get(actor)!.get(ownUrl + (route.index ? "?index" : ""));
        if (page.status !== 200) continue;
        for (const form of harvestForms(page.text)) {
          const target = form.action ? new URL(form.action, server.baseUrl).pathname : ownUrl;
          if (target !== ownUrl) continue; // forms of other routes (sign out, …) are probed there
          const variants = form.buttons.length ? form.buttons : [null];
          for (const button of variants) {
            const fields = [...form.fields, ...(button ? [button] : [])];
            const swapped = fields.map(([k, v]) => [k, swap(v)] as [string, string]);
            const changedBody = swapped.some(([, v], i) => v !== fields[i][1]);
            const foreignUrl = swap(ownUrl) + (route.index ? "?index" : "");
            const pathChanged = foreignUrl.split("?")[0] !== ownUrl;
            if (!changedBody && !pathChanged) continue; // nothing foreign to try
            const label = `own form${button ? ` [${button[0]}=${button[1]}]` : ""} with foreign ids`;
            await probe(actor, route, foreignUrl, new URLSearchParams(swapped), label);
          }
        }
      }
    }
    expect(failures, `${failures.length} of ${probes} POST probes misbehaved`).toEqual([]);
    expect(probes).toBeGreaterThan(100);
  });
});
