/**
 * Malformed bodies to every action of the app, generated from the production build's manifest
 * (a new route is fuzzed the day it ships), as every role that can open the route, on its own
 * records (the access matrix's world). No answer may be a 5xx, a body over the limit answers
 * 413, and an answer of 4xx must leave the database exactly as it was (a checksum of every table
 * but sessions and the audit log): no half-writes.
 *
 * Bodies: JSON, plain text, none, a broken multipart, multipart without a boundary, urlencoded
 * garbage, one over the body limit; then each form of the page, filled with hostile values
 * (huge, negative, NaN, "0x10", 1e309, far-future and impossible dates, NUL, markup…), with its
 * hidden ids kept (so the action gets past its lookups) or turned to garbage, with every field
 * twice, with an intent nobody offers, and with a field the form does not have.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ACTORS,
  buildWorld,
  EXPECTATIONS,
  expectedAnswer,
  ROLES,
  type ActorName,
  type ParamKind,
  type World,
} from "../support/access-matrix.ts";
import { appRoutes, type AppRoute } from "../support/app-routes.ts";
import { SESSION_COOKIE, startTestServer, type TestServer } from "../support/http.ts";
import { tableSums } from "../support/table-sums.ts";

vi.setConfig({ testTimeout: 300_000 });

let server: TestServer;
let world: World;
let routes: AppRoute[];

beforeAll(async () => {
  server = await startTestServer();
  routes = (await appRoutes()).filter((r) => r.hasAction);
  world = await buildWorld();
}, 300_000);

afterAll(async () => {
  await server?.close();
});

// ───────────────────────────── the bodies ─────────────────────────────

type Body = { label: string; body: BodyInit | null; type: string | null; status?: number };

const BOUNDARY = "----fuzzBoundary";
/** The server's default BODY_LIMIT_BYTES (2 MB); the upload pages take more, so they get more. */
const OVER_LIMIT = 6 * 1024 * 1024;

const NOT_FORMS: Body[] = [
  { label: "JSON", body: JSON.stringify({ intent: "save", id: "x", minutes: 16 }), type: "application/json" },
  { label: "plain text", body: "intent=save&id=x", type: "text/plain" },
  { label: "no body", body: null, type: null },
  {
    label: "broken multipart",
    body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="intent"\r\n\r\nsa`,
    type: `multipart/form-data; boundary=${BOUNDARY}`,
  },
  { label: "multipart without boundary", body: "intent=save", type: "multipart/form-data" },
  { label: "urlencoded garbage", body: "%%%&&==&=%E0%A4%A&intent=%ZZ", type: "application/x-www-form-urlencoded" },
  {
    label: "over the body limit",
    body: `intent=save&text=${"x".repeat(OVER_LIMIT)}`,
    type: "application/x-www-form-urlencoded",
    status: 413,
  },
];

const HOSTILE: [string, string][] = [
  ["empty", ""],
  ["huge", "x".repeat(200_000)],
  ["negative", "-1"],
  ["NaN", "NaN"],
  ["hex", "0x10"],
  ["1e309", "1e309"],
  ["far-future date", "9999-12-31"],
  ["impossible date", "2026-02-30"],
  ["year zero", "0000-01-01"],
  ["NUL", "a\u0000b"],
  ["markup", "<script>alert(1)</script>"],
  ["huge integer", "99999999999999999999999"],
];

type Field = { name: string; value: string; hidden: boolean };
type PageForm = { fields: Field[]; intents: [string, string][] };

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}="([^"]*)"`, "i").exec(tag);
  return m ? m[1].replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&#x27;", "'") : null;
}

/** The POST forms of a page: each field with its value as served, and its submit buttons. */
function pageForms(html: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    if ((attr(`<form${m[1]}>`, "method") ?? "get").toLowerCase() !== "post" || attr(`<form${m[1]}>`, "action"))
      continue;
    const fields: Field[] = [];
    const intents: [string, string][] = [];
    for (const input of m[2].matchAll(/<(input|select|textarea|button)\b[^>]*>/gi)) {
      const tag = input[0];
      const name = attr(tag, "name");
      if (!name) continue;
      const type = (attr(tag, "type") ?? (input[1] === "button" ? "submit" : "text")).toLowerCase();
      if (type === "submit") intents.push([name, attr(tag, "value") ?? ""]);
      else if (type !== "file") fields.push({ name, value: attr(tag, "value") ?? "", hidden: type === "hidden" });
    }
    forms.push({ fields, intents });
  }
  return forms;
}

function urlencoded(label: string, pairs: [string, string][]): Body {
  return { label, body: new URLSearchParams(pairs).toString(), type: "application/x-www-form-urlencoded" };
}

/** The hostile variants of a page's forms (cycling through forms and intents). */
function formBodies(forms: PageForm[]): Body[] {
  type Shape = { fields: Field[]; intent: [string, string] | null };
  const shapes = forms.flatMap((f): Shape[] =>
    f.intents.length ? f.intents.map((intent) => ({ fields: f.fields, intent })) : [{ fields: f.fields, intent: null }],
  );
  if (shapes.length === 0) shapes.push({ fields: [{ name: "intent", value: "", hidden: false }], intent: null });
  const bodies: Body[] = [];
  HOSTILE.forEach(([label, value], i) => {
    const { fields, intent } = shapes[i % shapes.length];
    const pairs: [string, string][] = fields.map((f) => [f.name, f.hidden ? f.value : value]);
    bodies.push(urlencoded(`${label}${intent ? ` [${intent[1]}]` : ""}`, intent ? [...pairs, intent] : pairs));
  });
  const { fields, intent } = shapes[0];
  const withIntent = (pairs: [string, string][]) => (intent ? [...pairs, intent] : pairs);
  bodies.push(urlencoded("garbage ids", withIntent(fields.map((f) => [f.name, f.hidden ? "../../x'\"" : "2"]))));
  bodies.push(
    urlencoded(
      "every field twice",
      withIntent(
        fields.flatMap((f): [string, string][] => [
          [f.name, f.value || "1"],
          [f.name, "-5"],
        ]),
      ),
    ),
  );
  bodies.push(
    urlencoded("unknown intent", [
      ...fields.map((f): [string, string] => [f.name, f.value]),
      ["intent", "drop-everything"],
    ]),
  );
  bodies.push(
    urlencoded(
      "unknown field",
      withIntent([...fields.map((f): [string, string] => [f.name, f.value]), ["isAdmin", "true"]]),
    ),
  );
  return bodies;
}

// ───────────────────────────── the test ─────────────────────────────

/** Who fuzzes a route: every role that can open it on its own records, or a signed-out visitor. */
function actorsFor(route: AppRoute): ActorName[] {
  const spec = EXPECTATIONS[route.id];
  if (!spec) throw new Error(`no access-matrix entry for ${route.id} (tests/support/access-expectations.ts)`);
  const open = ACTORS.filter((a) => expectedAnswer(spec, a, "own") === "page");
  return open.length ? open : ["SIGNED_OUT"];
}

function ownPath(route: AppRoute, actor: ActorName): string {
  const spec = EXPECTATIONS[route.id];
  return (
    route.path.replace(/:(\w+)/g, (_, name: string) =>
      encodeURIComponent(world.param(spec.params![name] as ParamKind, actor, 0)),
    ) + (route.index ? "?index" : "")
  );
}

describe("malformed bodies to every action", () => {
  it("never answer 5xx, answer 413 over the limit, and change nothing when they answer 4xx", async () => {
    const started = Date.now();
    const { createSession, sessionPolicy } = await import("../../app/auth/session.server.ts");
    const failures: string[] = [];
    let sent = 0;
    let pairs = 0;
    let before = await tableSums();

    for (const route of routes) {
      // Every body goes to every route; the roles that can open it take turns sending them.
      const actors = actorsFor(route);
      const senders = [];
      for (const actor of actors) {
        pairs++;
        // A fresh session for each route, so a body that signs its sender out spoils nothing after it.
        const client = server.client();
        if (actor !== "SIGNED_OUT") {
          const role = actor as (typeof ROLES)[number];
          client.setCookie(
            SESSION_COOKIE,
            (await createSession(world.actorUserId(role), sessionPolicy(role === "PUPIL"))).token,
          );
        }
        const url = ownPath(route, actor);
        const page = await client.get(url);
        senders.push({ actor, client, url, forms: page.status === 200 ? pageForms(page.text) : [] });
      }
      // Each sender's form bodies come from the page it was served (its own ids in hidden fields).
      const bodiesOf = senders.map((s) => [...NOT_FORMS, ...formBodies(s.forms)]);
      for (let i = 0; i < bodiesOf[0].length; i++) {
        const { actor, client, url } = senders[i % senders.length];
        const { label, body, type, status } = bodiesOf[i % senders.length][i];
        sent++;
        const headers = new Headers({
          Origin: server.baseUrl,
          "Sec-Fetch-Site": "same-origin",
          Accept: "text/html",
          Cookie: [...client.cookies].map(([n, v]) => `${n}=${v}`).join("; "),
        });
        if (type) headers.set("Content-Type", type);
        const where = `${route.id} as ${actor}, ${label}: POST ${url}`;
        let answer: number;
        try {
          const response = await fetch(new URL(url, server.baseUrl), {
            method: "POST",
            headers,
            body,
            redirect: "manual",
          });
          await response.arrayBuffer();
          answer = response.status;
        } catch (error) {
          failures.push(`${where}: no answer (${(error as Error).message})`);
          continue;
        }
        if (answer >= 500) failures.push(`${where}: answered ${answer}`);
        if (status && answer !== status) failures.push(`${where}: answered ${answer}, expected ${status}`);
        const after = await tableSums();
        if (answer >= 400 && answer < 500) {
          const changed = [...after].filter(([t, sum]) => before.get(t) !== sum).map(([t]) => t);
          if (changed.length) failures.push(`${where}: answered ${answer} but changed ${changed.join(", ")}`);
        }
        before = after;
      }
    }
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    console.info(`fuzzed ${routes.length} actions as ${pairs} route × role pairs with ${sent} bodies in ${seconds} s`);
    expect(failures, `${failures.length} of ${sent} malformed bodies misbehaved`).toEqual([]);
    expect(routes.length).toBeGreaterThan(25);
  });
});
