/**
 * `npm test`: every check, in order, none skipped silently, then one summary line.
 *
 *   1. types      react-router typegen, then tsc
 *   2. lint       eslint .
 *      format     prettier --check . (decision 039)
 *   3. unit       vitest run (unit and integration tests; real Postgres and Redis)
 *   4. build      react-router build
 *   5. e2e        playwright test against the production build
 *
 * It first prints the Node it runs on and stops if that is older than Node 24 (the project's Node
 * comes from the `node` devDependency, docs/decisions/034-node-24.md).
 * A failing stage does not stop the later ones (except that the browser tests need the build).
 * Postgres and Redis: TEST_DATABASE_URL / REDIS_URL, else the usual local ports; if nothing
 * answers there, an embedded PostgreSQL (.data/postgres-test) and a `redis-server` child are
 * started for the run. The last line is `N passed, N failed`: the vitest and Playwright test
 * counts, plus one failure for each stage that failed without failing a test (types, lint,
 * build, or a runner that crashed).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import {
  canConnectPostgres,
  findFreePort,
  hasCommand,
  pingRedis,
  ROOT,
  startEmbeddedPostgres,
  startRedisServer,
  stopChild,
} from "./services.ts";
import { unsupportedNode } from "../app/utils/supported-node.ts";

process.chdir(ROOT);
const REPORTS = path.join(ROOT, ".data", "test-reports");
const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);
// A guard against a hung runner, not a budget: on an idle 2-core machine the whole run takes minutes.
const STAGE_TIMEOUT_MS = Number(process.env.TEST_STAGE_TIMEOUT_MS ?? 25 * 60_000);

type Result = { stage: string; ok: boolean; seconds: number; passed: number; failed: number; note: string };
const results: Result[] = [];
const cleanups: (() => Promise<void>)[] = [];

const bold = (text: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${text}\x1b[0m` : text);

function say(line: string) {
  console.log(`\n${bold(`▶ ${line}`)}`);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: "inherit" });
    const timer = setTimeout(() => {
      console.error(`\n${path.basename(command)} ran longer than ${STAGE_TIMEOUT_MS / 1000} s: stopping it`);
      // SIGINT first: Playwright and Vitest then run their teardown (servers, databases).
      void stopChild(child, 60_000, "SIGINT");
    }, STAGE_TIMEOUT_MS);
    child.on("error", (error) => {
      console.error(`${command}: ${error.message}`);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function stage(name: string, body: () => Promise<Omit<Result, "stage" | "seconds">>) {
  say(name);
  const started = Date.now();
  let result: Omit<Result, "stage" | "seconds">;
  try {
    result = await body();
  } catch (error) {
    result = { ok: false, passed: 0, failed: 0, note: (error as Error).message };
  }
  // A failed stage always counts at least one failure, so the summary can never read "0 failed".
  if (!result.ok && result.failed === 0) result = { ...result, failed: 1 };
  results.push({ stage: name, seconds: (Date.now() - started) / 1000, ...result });
  return result.ok;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

/** Postgres and Redis for the tests: found, or started for this run. */
async function services(): Promise<NodeJS.ProcessEnv> {
  const env = { ...process.env };
  const adminUrl = process.env.TEST_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
  if (!(await canConnectPostgres(adminUrl))) {
    if (process.env.TEST_DATABASE_URL) throw new Error(`TEST_DATABASE_URL (${adminUrl}) does not answer.`);
    console.log("No PostgreSQL at 127.0.0.1:5432: starting an embedded one for this run (.data/postgres-test)");
    const postgres = await startEmbeddedPostgres({
      dataDir: path.join(ROOT, ".data", "postgres-test"),
      port: 5434,
      log: (line) => console.log(`[postgres] ${line}`),
    });
    cleanups.push(postgres.stop);
    env.TEST_DATABASE_URL = postgres.adminUrl;
  }
  const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
  if (!(await pingRedis(redisUrl))) {
    if (process.env.REDIS_URL) throw new Error(`REDIS_URL (${redisUrl}) does not answer.`);
    if (!hasCommand("redis-server"))
      throw new Error(
        "No Redis at 127.0.0.1:6379 and redis-server is not installed (apt-get install -y redis-server).",
      );
    const port = await findFreePort(6379);
    console.log(`No Redis at 127.0.0.1:6379: starting redis-server on port ${port} for this run`);
    const redis = await startRedisServer({ port, log: (line) => console.log(line) });
    cleanups.push(() => stopChild(redis.child));
    env.REDIS_URL = redis.url;
  }
  return env;
}

async function main() {
  rmSync(REPORTS, { recursive: true, force: true });
  mkdirSync(REPORTS, { recursive: true });
  const started = Date.now();

  let env: NodeJS.ProcessEnv = process.env;
  let servicesError: string | null = null;
  try {
    env = await services();
  } catch (error) {
    servicesError = (error as Error).message;
    console.error(`\n${servicesError}\n`);
  }

  await stage("types (react-router typegen + tsc)", async () => {
    const typegen = await run(bin("react-router"), ["typegen"]);
    if (typegen !== 0) return { ok: false, passed: 0, failed: 0, note: "react-router typegen failed" };
    const tsc = await run(bin("tsc"), ["-p", "tsconfig.json"]);
    return { ok: tsc === 0, passed: 0, failed: 0, note: tsc === 0 ? "" : "type errors" };
  });

  await stage("lint (eslint .)", async () => {
    const code = await run(bin("eslint"), ["."]);
    return { ok: code === 0, passed: 0, failed: 0, note: code === 0 ? "" : "lint errors" };
  });

  await stage("format (prettier --check .)", async () => {
    const code = await run(bin("prettier"), ["--check", "--log-level", "warn", "."]);
    return { ok: code === 0, passed: 0, failed: 0, note: code === 0 ? "" : "unformatted files: npm run format" };
  });

  await stage("unit and integration (vitest run)", async () => {
    if (servicesError) return { ok: false, passed: 0, failed: 0, note: `not run: ${servicesError}` };
    const report = path.join(REPORTS, "vitest.json");
    const code = await run(
      bin("vitest"),
      ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
      env,
    );
    const json = readJson<{
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
    }>(report);
    if (!json) return { ok: false, passed: 0, failed: 0, note: `vitest exited ${code} without a report` };
    const skipped = json.numPendingTests + json.numTodoTests;
    return {
      ok: code === 0,
      passed: json.numPassedTests,
      failed: json.numFailedTests,
      note: skipped ? `${skipped} skipped/todo` : code === 0 ? "" : `vitest exited ${code}`,
    };
  });

  const built = await stage("build (react-router build)", async () => {
    const code = await run(bin("react-router"), ["build"]);
    return { ok: code === 0, passed: 0, failed: 0, note: code === 0 ? "" : "build failed" };
  });

  await stage("browser journeys (playwright test)", async () => {
    if (!built) return { ok: false, passed: 0, failed: 0, note: "not run: the build failed" };
    if (servicesError) return { ok: false, passed: 0, failed: 0, note: `not run: ${servicesError}` };
    const report = path.join(REPORTS, "playwright.json");
    const code = await run(bin("playwright"), ["test"], { ...env, E2E_JSON_REPORT: report });
    const json = readJson<{
      stats: { expected: number; unexpected: number; flaky: number; skipped: number };
      errors?: { message?: string }[];
    }>(report);
    if (!json) return { ok: false, passed: 0, failed: 0, note: `playwright exited ${code} without a report` };
    const { expected, unexpected, flaky, skipped } = json.stats;
    const notes = [
      flaky ? `${flaky} flaky (passed on retry)` : "",
      skipped ? `${skipped} skipped` : "",
      json.errors?.length ? `${json.errors.length} error(s) outside tests` : "",
    ].filter(Boolean);
    return { ok: code === 0, passed: expected + flaky, failed: unexpected, note: notes.join(", ") };
  });

  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});

  const width = Math.max(...results.map((r) => r.stage.length));
  console.log("\nSummary");
  for (const r of results) {
    const counts = r.passed || r.failed ? `  ${r.passed} passed, ${r.failed} failed` : "";
    console.log(
      `  ${r.ok ? "✓" : "✗"} ${r.stage.padEnd(width)}  ${r.seconds.toFixed(1).padStart(6)} s${counts}${r.note ? `  (${r.note})` : ""}`,
    );
  }
  console.log(`  total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}

// Every stage below runs on this Node: the runners are started through node_modules/.bin, whose
// `#!/usr/bin/env node` finds the project's Node 24 first on npm's PATH, and the servers the tests
// start use process.execPath.
console.log(`Node ${process.version} (${process.execPath})`);
const tooOld = unsupportedNode();
if (tooOld) {
  console.error(tooOld);
  console.log("\n0 passed, 1 failed");
  process.exit(1);
}

if (!existsSync(bin("tsc"))) {
  console.error("node_modules is incomplete: run `npm ci` (npm test does this itself when node_modules is missing).");
  process.exit(1);
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error("\nInterrupted: stopping the services this run started");
    void Promise.allSettled(cleanups.map((c) => c())).then(() => process.exit(130));
  });
}

await main();
