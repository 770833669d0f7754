/** Helpers the benches share: their own database, a free port, the production build and server. */
import { spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const ADMIN_URL = process.env.TEST_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";

/** The URL of another database on the same server as ADMIN_URL. */
export function dbUrl(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs one statement (CREATE/DROP DATABASE, a catalogue look-up) on the admin connection. */
export async function admin(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/**
 * Extra node flags for the server a bench starts, from BENCH_SERVER_NODE_ARGS (space-separated),
 * e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the server under load. Node refuses
 * --cpu-prof in NODE_OPTIONS, hence a variable of our own.
 */
export function serverNodeArgs(): string[] {
  return (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
}

export const ROOT = fileURLToPath(new URL("../", import.meta.url));

// Random per bench run, so no key that a production process would accept sits in the repository.
const benchUnsubscribeSecret = randomBytes(32).toString("hex");

/**
 * What a production process needs besides its database and Redis prefix: env.server.ts refuses
 * to start without a public address, a mail server and a sender. Benches send no mail.
 */
export function productionEnv(appUrl = "http://127.0.0.1"): NodeJS.ProcessEnv {
  return {
    NODE_ENV: "production",
    APP_URL: appUrl,
    SMTP_URL: "smtp://127.0.0.1:1025",
    MAIL_FROM: "Bench <bench@bench.example>",
    UNSUBSCRIBE_SECRET: process.env.UNSUBSCRIBE_SECRET ?? benchUnsubscribeSecret,
  };
}

/** Builds the production bundle when there is none (the server benches run `build/`). */
export function ensureProductionBuild() {
  if (existsSync(`${ROOT}build/server/server.js`)) return;
  console.log("No production build: running react-router build …");
  const built = spawnSync(`${ROOT}node_modules/.bin/react-router`, ["build"], { cwd: ROOT, stdio: "inherit" });
  if (built.status !== 0) throw new Error("react-router build failed");
}

/** Drops and re-creates the bench's own database; returns its URL. */
export async function freshDatabase(name: string): Promise<string> {
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  return dbUrl(name);
}

/** Waits up to 60 s for the server to answer /healthz with 200; fails at once if it exited. */
export async function waitForHealthy(baseUrl: string, server?: ChildProcess) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server && server.exitCode !== null) throw new Error(`the server exited (${server.exitCode})`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("the server did not answer /healthz within 60 s");
}
