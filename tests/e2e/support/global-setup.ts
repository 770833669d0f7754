/**
 * Playwright global setup: everything the browser journeys run against, made fresh per run.
 *
 * - a database `e2e_<runid>` on the server at TEST_DATABASE_URL (default
 *   postgresql://postgres@127.0.0.1:5432/postgres), migrated with the project's runner and seeded
 *   with the demo data;
 * - the mail catcher on an ephemeral port, and a tiny HTTP endpoint (E2E_MAIL_API) through which
 *   tests in the worker processes read what it caught (tests/e2e/support/mail.ts);
 * - the production server (NODE_ENV=production, build/server/server.js as `npm start` runs it,
 *   TRUST_PROXY unset) on E2E_PORT and the worker process (build/server/worker.js), both with SMTP_URL at the catcher and a REDIS_PREFIX of the run's own.
 *
 * The returned teardown stops both processes, the catcher, drops the database and deletes the
 * run's Redis keys. Values for the tests travel as environment variables (the Playwright workers
 * are started after this and inherit them).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { FullConfig } from "@playwright/test";
import { Redis } from "ioredis";
import pg from "pg";
import { startMailCatcher } from "../../../scripts/mail-catcher.ts";
import {
  dropDatabase,
  ensureDatabase,
  pingRedis,
  pipePrefixed,
  quoteIdent,
  ROOT,
  stopChild,
  waitForHttp,
  withDatabase,
} from "../../../scripts/services.ts";

const DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

const started = Date.now();
const log = (line: string) => console.log(`[e2e] ${line} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

export default async function globalSetup(_config: FullConfig) {
  const adminUrl = process.env.TEST_DATABASE_URL || DEFAULT_ADMIN_URL;
  const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  const database = `e2e_${runId}`;
  const databaseUrl = withDatabase(adminUrl, database);
  const redisPrefix = `e2e:${runId}:`;
  const port = Number(process.env.E2E_PORT);
  if (!port) throw new Error("E2E_PORT is not set: run the browser tests through playwright.config.ts");
  const appUrl = `http://localhost:${port}`;

  if (!(await pingRedis(redisUrl)))
    throw new Error(`No Redis answers at ${redisUrl}: start one (see README) or set REDIS_URL.`);
  if (!existsSync(path.join(ROOT, "build", "server", "server.js"))) {
    console.log("[e2e] No production build yet: running `react-router build`");
    const build = spawnSync("npx", ["react-router", "build"], { cwd: ROOT, stdio: "inherit" });
    if (build.status !== 0) throw new Error("react-router build failed");
  }

  const cleanups: (() => Promise<unknown>)[] = [];
  const teardown = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`[e2e] teardown: ${(error as Error).message}`);
      }
    }
  };

  // If the runner is killed rather than allowed to tear down, take the servers with it.
  const children: ChildProcess[] = [];
  const killChildren = () => children.forEach((child) => child.exitCode === null && child.kill("SIGKILL"));
  process.once("exit", killChildren);
  process.once("SIGTERM", () => {
    void teardown().finally(() => process.exit(143));
  });
  cleanups.push(async () => void process.off("exit", killChildren));

  try {
    await dropStaleRunDatabases(adminUrl);
    await ensureDatabase(adminUrl, database);
    cleanups.push(() => dropDatabase(adminUrl, database));
    cleanups.push(() => deleteRedisKeys(redisUrl, redisPrefix));
    // Migrate with the compiled runner (`npm run db:migrate`), seed in a child through tsx: much
    // faster than Playwright's own transform of the generated Prisma client.
    await runScript(["build/server/migrate.js"], { ...process.env, DATABASE_URL: databaseUrl });
    await runScript(["--import", "tsx", "prisma/seed.ts"], { ...process.env, DATABASE_URL: databaseUrl });
    log(`database ${database} migrated and seeded`);

    const catcher = await startMailCatcher({ port: 0 });
    cleanups.push(() => catcher.close());
    const mailApi = http.createServer((req, res) => {
      if (req.method === "GET" && req.url?.startsWith("/messages")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(catcher.messages()));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => mailApi.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => mailApi.close(resolve)));

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      APP_URL: appUrl,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      SMTP_URL: catcher.url,
      MAIL_FROM: "Staffordshire Digital Skills <no-reply@digitalskills.staffordshire.example>",
      // Signs unsubscribe links in the emails the journeys read (required in production mode);
      // random per run, so no key that production would accept sits in the repository.
      UNSUBSCRIBE_SECRET: process.env.UNSUBSCRIBE_SECRET ?? randomBytes(32).toString("hex"),
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? "warn",
      // One web process: the browser, the worker and Postgres share the 2 cores with it.
      WEB_CONCURRENCY: "1",
    };
    delete env.TRUST_PROXY;
    delete env.AUTH_THROTTLE;

    const web = startProcess("web", ["build/server/server.js"], env);
    children.push(web);
    cleanups.push(() => stopChild(web));
    const worker = startProcess("worker", ["build/server/worker.js"], env);
    children.push(worker);
    cleanups.push(() => stopChild(worker));

    await waitForHttp(`${appUrl}/healthz`, { timeoutMs: 120_000, isAlive: () => web.exitCode === null });
    if (worker.exitCode !== null) throw new Error(`the worker process exited (code ${worker.exitCode})`);
    log(`production server and worker ready at ${appUrl}`);

    process.env.E2E_RUN_ID = runId;
    process.env.E2E_DATABASE_URL = databaseUrl;
    process.env.E2E_MAIL_API = `http://127.0.0.1:${(mailApi.address() as AddressInfo).port}`;
    // The journeys sign unsubscribe links as the emails do (tests/e2e/notification-preferences.spec.ts).
    process.env.E2E_UNSUBSCRIBE_SECRET = env.UNSUBSCRIBE_SECRET;
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

function startProcess(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  pipePrefixed(child, name, (line) => process.stderr.write(`${line}\n`));
  child.on("exit", (code, signal) => {
    if (code !== 0 && signal !== "SIGTERM")
      process.stderr.write(`[e2e] ${name} exited (${signal ?? `code ${code}`})\n`);
  });
  return child;
}

/** Drops `e2e_<base36 time>…` databases of runs that started over six hours ago (crashed runs). */
async function dropStaleRunDatabases(adminUrl: string) {
  const client = new pg.Client({ connectionString: adminUrl, application_name: "e2e-setup" });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname ~ '^e2e_[0-9a-z]{14}$'",
    );
    for (const { datname } of rows) {
      const startedAt = parseInt(datname.slice(4, 12), 36);
      if (Date.now() - startedAt > 6 * 3_600_000)
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

function runScript(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
    child.stdout?.resume();
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(" ")} exited with code ${code}`)),
    );
  });
}

async function deleteRedisKeys(redisUrl: string, prefix: string) {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await client.connect();
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length) await client.del(...keys);
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
}
