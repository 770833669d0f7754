/**
 * `npm start` and `npm run worker` run the compiled build with plain `node`, and each process is
 * one module graph: every module of the app comes from build/server, none from the sources
 * beside it. (The server used to load app/ from source next to the built routes, so one web
 * process held two Prisma clients, two Redis connections and two loggers.) Each process is
 * started as the npm scripts start it, with a preload that records every module it loads.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findFreePort, ROOT, stopChild, waitForHttp } from "../../scripts/services.ts";
import { ensureProductionBuild } from "../support/http.ts";

vi.setConfig({ testTimeout: 60_000 });

const BUILD = pathToFileURL(path.join(ROOT, "build/server/")).href;
const NODE_MODULES = pathToFileURL(path.join(ROOT, "node_modules/")).href;
const children: ChildProcess[] = [];
const logFiles: string[] = [];

function start(entry: string, env: NodeJS.ProcessEnv) {
  const moduleLog = path.join(tmpdir(), `modules-${process.pid}-${path.basename(entry)}.txt`);
  rmSync(moduleLog, { force: true });
  logFiles.push(moduleLog);
  const child = spawn(process.execPath, ["--import", "./tests/support/record-modules.mjs", entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      LOG_LEVEL: "info",
      APP_URL: "http://localhost:3000",
      SMTP_URL: "smtp://127.0.0.1:1",
      MAIL_FROM: "Tests <tests@example.org>",
      MODULE_LOG: moduleLog,
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on(
    "line",
    (line) => line.startsWith("{") && lines.push(JSON.parse(line) as Record<string, unknown>),
  );
  const modules = () =>
    readFileSync(moduleLog, "utf8")
      .split("\n")
      .filter((url) => url.startsWith("file:"));
  return { child, lines, modules };
}

/** Modules loaded from anywhere but the build and node_modules: the app's sources, loaded twice. */
const fromSource = (modules: string[]) =>
  modules.filter((url) => !url.startsWith(BUILD) && !url.startsWith(NODE_MODULES));

beforeAll(async () => {
  await ensureProductionBuild();
}, 240_000);

afterAll(async () => {
  await Promise.all(children.map((child) => stopChild(child)));
  for (const file of logFiles) rmSync(file, { force: true });
});

describe("the compiled web server (npm start)", () => {
  it("serves pages and answers its health check with the app loaded once, from the build", async () => {
    const port = await findFreePort();
    const web = start("build/server/server.js", { PORT: String(port), WEB_CONCURRENCY: "1" });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, {
      timeoutMs: 60_000,
      isAlive: () => web.child.exitCode === null,
    });
    const page = await fetch(`http://127.0.0.1:${port}/login`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Sign in");

    const modules = web.modules();
    expect(modules).toContain(`${BUILD}server.js`);
    expect(modules).toContain(`${BUILD}index.js`); // the routes, imported by server.js
    expect(fromSource(modules)).toEqual([]);
  });
});

describe("the compiled worker (npm run worker)", () => {
  it("starts from the build alone and labels its logs as the worker's", async () => {
    const worker = start("build/server/worker.js", {});
    await vi.waitFor(
      () => expect(worker.lines.some((l) => l.msg?.toString().startsWith("worker started"))).toBe(true),
      { timeout: 60_000, interval: 100 },
    );
    // SERVICE_NAME is set before the bundle's logger exists (workers/main.ts).
    expect(worker.lines.find((l) => l.msg?.toString().startsWith("worker started"))?.service).toBe("worker");
    const modules = worker.modules();
    expect(modules).toContain(`${BUILD}worker.js`);
    expect(modules).not.toContain(`${BUILD}index.js`); // no routes in a worker
    expect(fromSource(modules)).toEqual([]);
  });
});
