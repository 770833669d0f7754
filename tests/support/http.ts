/**
 * The real web app, in-process, for HTTP-level tests: `startTestServer()` runs `createServer()`
 * from the compiled server (build/server/server.js, what `npm start` runs) on port 0 in PRODUCTION
 * mode (`__Host-` cookie, HSTS), against this test file's own database and Redis prefix
 * (tests/setup/per-file-database.ts).
 *
 * The production build is made on demand: when build/server/server.js is missing or older than a
 * source file under app/ or workers/ (or server.ts), the first test file to notice runs `react-router build` while holding a
 * lock, so files running in parallel never build twice and never import a half-written build.
 *
 * `TestClient` behaves like a browser tab as far as the server can tell: it keeps cookies from
 * Set-Cookie, sends `Origin` and `Sec-Fetch-Site: same-origin` on POSTs (both overridable), and
 * never follows redirects, so tests can assert the Location and the Set-Cookie of each answer.
 * It is deliberately simple: one host, no cookie paths or domains (the app sets neither).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BUILD_ENTRY = path.join(ROOT, "build/server/server.js");
const LOCK_DIR = path.join(
  tmpdir(),
  `dst-test-build-${createHash("sha256").update(ROOT).digest("hex").slice(0, 12)}.lock`,
);
const LOCK_STALE_MS = 180_000;
const FAILURE_FILE = `${LOCK_DIR}.failed.json`;

/** The session cookie's name in production (see app/auth/session.server.ts). */
export const SESSION_COOKIE = "__Host-dst_session";

// ───────────────────────────── the production build ─────────────────────────────

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full));
    else if (!/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function sourcesMtime(): number {
  const files = ["server.ts", "scripts/migrate.ts", "vite.config.ts", "react-router.config.ts"];
  return Math.max(
    newestSourceMtime(path.join(ROOT, "app")),
    newestSourceMtime(path.join(ROOT, "workers")),
    ...files.map((f) => statSync(path.join(ROOT, f)).mtimeMs),
  );
}

function buildIsFresh(): boolean {
  if (!existsSync(BUILD_ENTRY)) return false;
  if (process.env.TEST_REUSE_BUILD === "1") return true;
  return statSync(BUILD_ENTRY).mtimeMs >= sourcesMtime();
}

/** A build that failed for these very sources fails every other file at once, not again. */
function throwIfAlreadyFailed() {
  if (!existsSync(FAILURE_FILE)) return;
  const { sources, message } = JSON.parse(readFileSync(FAILURE_FILE, "utf8")) as { sources: number; message: string };
  if (sources === sourcesMtime()) throw new Error(message);
}

function tryLock(): boolean {
  try {
    mkdirSync(LOCK_DIR); // atomic: exactly one process succeeds
    return true;
  } catch {
    // A crashed builder leaves its lock behind; take it over once it is clearly abandoned.
    try {
      if (Date.now() - statSync(LOCK_DIR).mtimeMs > LOCK_STALE_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch {
      // Released between our two calls: fine, we try again.
    }
    return false;
  }
}

/** Makes sure build/ holds a production build of the current sources (builds at most once). */
export async function ensureProductionBuild(): Promise<void> {
  while (!buildIsFresh()) {
    throwIfAlreadyFailed();
    if (!tryLock()) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      if (buildIsFresh()) return; // another file built it while we waited for the lock
      throwIfAlreadyFailed();
      const sources = sourcesMtime();
      // The child must not look like Vitest: vite.config.ts leaves the React Router plugin out then.
      const childEnv = Object.fromEntries(
        Object.entries(process.env).filter(
          ([key]) => !key.startsWith("VITEST") && key !== "NODE_ENV" && key !== "TEST",
        ),
      );
      const result = spawnSync(path.join(ROOT, "node_modules/.bin/react-router"), ["build"], {
        cwd: ROOT,
        env: childEnv,
        encoding: "utf8",
        timeout: 170_000,
      });
      if (result.status !== 0) {
        const problem = /Error: [^\n]+(\n\n[\s\S]{0,600})?/.exec(result.stderr)?.[0] ?? result.stderr.slice(-2000);
        const message = `The production build of app/ failed, so no HTTP test can run (fix the build, or set TEST_REUSE_BUILD=1 to use an existing build/):\n${problem}`;
        writeFileSync(FAILURE_FILE, JSON.stringify({ sources, message }));
        throw new Error(message);
      }
      rmSync(FAILURE_FILE, { force: true });
    } finally {
      rmSync(LOCK_DIR, { recursive: true, force: true });
    }
  }
}

// ───────────────────────────── the server ─────────────────────────────

export type TestServer = { baseUrl: string; client: () => TestClient; close: () => Promise<void> };

/**
 * Starts the app for this test file. `env` is applied to process.env before the app reads its
 * environment (e.g. `{ REDIS_URL: "redis://127.0.0.1:1" }`); call once per file, because the
 * build's modules keep what they read for the life of the worker.
 */
export async function startTestServer(options: { env?: Record<string, string> } = {}): Promise<TestServer> {
  await ensureProductionBuild();
  process.env.NODE_ENV = "production";
  process.env.LOG_LEVEL ??= "silent";
  // Production refuses to start without these; the development values keep links as tests expect.
  process.env.APP_URL ??= "http://localhost:3000";
  process.env.SMTP_URL ??= "smtp://127.0.0.1:1025";
  process.env.MAIL_FROM ??= "Staffordshire Digital Skills <no-reply@digitalskills.staffordshire.example>";
  for (const [key, value] of Object.entries(options.env ?? {})) process.env[key] = value;
  const { resetEnvForTests } = await import("../../app/utils/env.server.ts");
  resetEnvForTests();
  // The build's own modules read the environment when the server is created, after the above.
  const { createServer } = (await import(pathToFileURL(BUILD_ENTRY).href)) as typeof import("../../server.ts");
  const app = await createServer();
  const server = await new Promise<import("node:http").Server>((resolve, reject) => {
    const listening = app.listen(0, "127.0.0.1", (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    client: () => new TestClient(baseUrl),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The app for this test file: started before its first test and stopped after its last (the
 * hooks are registered here), usable from inside tests and later hooks.
 */
export function useTestServer(options: { env?: Record<string, string> } = {}): Omit<TestServer, "close"> {
  let started: TestServer | undefined;
  beforeAll(async () => {
    started = await startTestServer(options);
  }, 240_000);
  afterAll(async () => {
    await started?.close();
  });
  const current = () => {
    if (!started) throw new Error("The test server starts in beforeAll: use it inside a test or a later hook.");
    return started;
  };
  return {
    get baseUrl() {
      return current().baseUrl;
    },
    client: () => current().client(),
  };
}

/**
 * A page body with what legitimately differs between two requests taken out: the per-request
 * CSP nonce and the values the form echoes back (an identifier, a username). Two answers that should not let anyone
 * tell them apart must be equal after this.
 */
export function comparablePage(html: string, ...echoed: string[]): string {
  let text = html;
  // The nonce appears on script tags and in the root loader's data (pages and .data answers).
  const nonces = [
    ...html.matchAll(/nonce="([^"]+)"/g),
    ...html.matchAll(/"nonce",\s*"([^"]+)"/g),
    ...html.matchAll(/\\"nonce\\",\\"([^"\\]+)\\"/g),
  ].map((m) => m[1]);
  for (const nonce of new Set(nonces)) text = text.replaceAll(nonce, "«nonce»");
  for (const value of echoed) if (value) text = text.replaceAll(value, "«echoed»");
  return text;
}

/** The page as a reader sees its text: React's `<!-- -->` separators between text parts removed. */
export function visibleText(html: string): string {
  return html.replaceAll("<!-- -->", "");
}

// ───────────────────────────── the client ─────────────────────────────

export type ParsedCookie = { name: string; value: string; attributes: Record<string, string | true> };

/** Parses one Set-Cookie header; attribute names are lower-cased. */
export function parseSetCookie(header: string): ParsedCookie {
  const [pair, ...attrs] = header.split(";").map((s) => s.trim());
  const eq = pair.indexOf("=");
  const attributes: Record<string, string | true> = {};
  for (const attr of attrs) {
    const i = attr.indexOf("=");
    if (i === -1) attributes[attr.toLowerCase()] = true;
    else attributes[attr.slice(0, i).toLowerCase()] = attr.slice(i + 1);
  }
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
}

export type TestResponse = {
  status: number;
  headers: Headers;
  text: string;
  /** The Location header, for redirects. */
  location: string | null;
  /** Every Set-Cookie of this response, parsed. */
  setCookies: ParsedCookie[];
};

export type PostOptions = {
  /** The Origin header; `null` sends none. Default: the server's own origin, like a browser. */
  origin?: string | null;
  /** The Sec-Fetch-Site header; `null` sends none. Default: "same-origin". */
  secFetchSite?: string | null;
  headers?: Record<string, string>;
};

export class TestClient {
  /** The cookies this "browser" holds, by name. */
  readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  /** The session token this client currently holds, if any. */
  get sessionToken(): string | undefined {
    return this.cookies.get(SESSION_COOKIE);
  }

  /** Plants a cookie, as an attacker (or a stale tab) would. */
  setCookie(name: string, value: string) {
    this.cookies.set(name, value);
  }

  /** A second browser holding exactly the same cookies (a stolen or copied cookie). */
  clone(): TestClient {
    const copy = new TestClient(this.baseUrl);
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }

  get(pathname: string, options: { headers?: Record<string, string> } = {}): Promise<TestResponse> {
    return this.request("GET", pathname, undefined, { headers: { "Sec-Fetch-Site": "none", ...options.headers } });
  }

  post(
    pathname: string,
    form: Record<string, string> | URLSearchParams = {},
    options: PostOptions = {},
  ): Promise<TestResponse> {
    const headers: Record<string, string> = {};
    const origin = options.origin === undefined ? this.baseUrl : options.origin;
    const secFetchSite = options.secFetchSite === undefined ? "same-origin" : options.secFetchSite;
    if (origin !== null) headers.Origin = origin;
    if (secFetchSite !== null) headers["Sec-Fetch-Site"] = secFetchSite;
    return this.request("POST", pathname, new URLSearchParams(form), { headers: { ...headers, ...options.headers } });
  }

  /** Signs in through the real form; throws unless the app answers with a redirect. */
  async signIn(identifier: string, password: string, redirectTo = "/"): Promise<TestResponse> {
    const response = await this.post("/login", { identifier, password, redirectTo });
    if (response.status !== 302 && response.status !== 303)
      throw new Error(`sign-in as ${identifier} answered ${response.status}, expected a redirect`);
    return response;
  }

  private async request(
    method: string,
    pathname: string,
    body: URLSearchParams | undefined,
    options: { headers: Record<string, string> },
  ): Promise<TestResponse> {
    const headers = new Headers({
      "User-Agent": "Mozilla/5.0 (test client)",
      Accept: "text/html,*/*",
      ...options.headers,
    });
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    if (cookie) headers.set("Cookie", cookie);
    const response = await fetch(new URL(pathname, this.baseUrl), { method, headers, body, redirect: "manual" });
    const setCookies = response.headers.getSetCookie().map(parseSetCookie);
    for (const c of setCookies) {
      const expired =
        c.attributes["max-age"] === "0" ||
        (typeof c.attributes.expires === "string" && Date.parse(c.attributes.expires) <= Date.now());
      if (expired || c.value === "") this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return {
      status: response.status,
      headers: response.headers,
      text: await response.text(),
      location: response.headers.get("location"),
      setCookies,
    };
  }
}
