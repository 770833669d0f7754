/**
 * Resilience of the worker process, through real Postgres, Redis and SMTP servers:
 * - the worker process killed with SIGKILL mid-batch, then restarted: every email once;
 * - a (private) Redis killed and restarted under load: workers resume in the same process;
 * - Redis down while people use the app: outbox rows wait, then everything is delivered once;
 * - a mail server failing 30% of sends, and one recipient always: retries with backoff, the
 *   hopeless one ends in the failed set with its reason, nothing is delivered twice.
 *
 * The shared Redis on 6379 is never restarted: the Redis tests start their own redis-server on a
 * free port. It runs with an append-only file (`--appendonly yes`), as production Redis should:
 * with `--appendonly no` a restarted Redis is empty; outbox jobs then come back only after their
 * lease (workers-redis-loss.test.ts covers that case).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { createInvitation, requestPasswordReset } from "../../app/auth/account.server.ts";
import type { Actor } from "../../app/auth/permissions.ts";
import { disconnectDb } from "../../app/db/client.server.ts";
import { todayInEngland } from "../../app/domain/dates.ts";
import { londonInstant, reminderJobId, isoWeek } from "../../app/domain/reminders.ts";
import { QUEUES } from "../../app/jobs/definitions.ts";
import { queuePrefix } from "../../app/jobs/queues.server.ts";
import { createMailTransport } from "../../app/mail/transport.server.ts";
import { startMailCatcher, type CaughtMail, type MailCatcher } from "../../scripts/mail-catcher.ts";
import { closeConnection, producerConnection, workerConnection } from "../../workers/connection.ts";
import { startEmailWorker } from "../../workers/email-worker.ts";
import { createRelay } from "../../workers/relay.ts";
import { runSweep } from "../../workers/reminder-sweep.ts";
import { createRemindersWorker, startRemindersWorker } from "../../workers/reminders-worker.ts";
import { superviseWorker } from "../../workers/watchdog.ts";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser } from "../support/factories.ts";
import { apprenticeDue, withdrawAll } from "../support/reminder-fixtures.ts";

const prisma = testPrisma();
const APP_URL = "http://localhost:3000";
const FROM = "Staffordshire Digital Skills <no-reply@digitalskills.staffordshire.example>";
const NOW = londonInstant(todayInEngland(), 10);
const TODAY = todayInEngland(NOW);
const PERIOD = isoWeek(TODAY);
const ROOT = path.resolve(import.meta.dirname, "../..");

const cleanups: Array<() => Promise<unknown>> = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const countTo = (catcher: MailCatcher, email: string) =>
  catcher.messages().filter((m: CaughtMail) => m.to.includes(email)).length;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A private redis-server (never the shared one on 6379) that the test can kill and restart. */
async function privateRedis() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "dst-redis-"));
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const api = {
    url,
    async start() {
      child = spawn(
        "redis-server",
        [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "yes",
          "--appendfsync",
          "always",
          "--dir",
          dir,
          "--maxmemory-policy",
          "noeviction",
        ],
        { stdio: "ignore" },
      );
      const probe = producerConnection("probe", url);
      await vi.waitFor(async () => expect(await probe.ping()).toBe("PONG"), { timeout: 10_000, interval: 50 });
      await closeConnection(probe);
    },
    async kill() {
      const dying = child;
      child = undefined;
      if (!dying || dying.exitCode !== null) return;
      await new Promise((resolve) => {
        dying.once("exit", resolve);
        dying.kill("SIGKILL");
      });
    },
  };
  cleanups.push(async () => {
    await api.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  await api.start();
  return api;
}

async function partnershipAdmin(): Promise<Actor> {
  const provider = await createOrganisation({ kind: "PROVIDER" });
  const admin = await createUser({ roles: [{ org: provider, role: "PARTNERSHIP_ADMIN" }] });
  return {
    userId: admin.id,
    displayName: "Admin",
    memberships: [
      {
        organisationId: provider.id,
        organisationName: provider.name,
        organisationKind: "PROVIDER",
        role: "PARTNERSHIP_ADMIN",
      },
    ],
  };
}

afterEach(async () => {
  await withdrawAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

afterAll(async () => {
  const connection = workerConnection("test-cleanup");
  for (const prefix of [queuePrefix(), queuePrefix(`${process.env.REDIS_PREFIX}kill:`), `${queuePrefix()}-smtp`]) {
    for (const name of QUEUES) {
      const queue = new Queue(name, { connection, prefix });
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
  }
  await closeConnection(connection);
  await disconnectDb();
});

describe("the worker process killed with SIGKILL in the middle of a batch", () => {
  it("delivers every due email exactly once after a restart", { timeout: 150_000 }, async () => {
    // A slow mail server: each message waits 100 ms before its sender is accepted.
    const catcher = await startMailCatcher({ port: 0, delayMs: 100 });
    cleanups.push(() => catcher.close());
    const users = await Promise.all(
      Array.from({ length: 24 }, (_, i) => createUser({ email: `killed${i}@batch.example.org` })),
    );
    for (const [i, user] of users.entries()) await requestPasswordReset(user.email!, `192.0.2.${i + 1}`);

    const env = {
      ...process.env,
      SMTP_URL: catcher.url,
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}kill:`,
      LOG_LEVEL: "warn",
      NODE_ENV: "test",
    };
    const children: ChildProcess[] = [];
    const startWorkerProcess = () => {
      const child = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
        cwd: ROOT,
        env,
        stdio: ["ignore", "ignore", "inherit"],
      });
      children.push(child);
      return child;
    };
    cleanups.push(async () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });

    const first = startWorkerProcess();
    await vi.waitFor(() => expect(catcher.messages().length).toBeGreaterThanOrEqual(6), {
      timeout: 60_000,
      interval: 20,
    });
    // Mid-batch: the mail server stops replying, so the sends in flight hang before their "250
    // OK"; a moment later (sends already accepted have committed) the process is killed.
    catcher.pause();
    await vi.waitFor(() => expect(catcher.held()).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
    await sleep(1_500);
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const beforeRestart = catcher.messages().length;
    expect(beforeRestart).toBeLessThan(users.length);
    await sleep(500); // let the mail server see the killed process's connections close
    catcher.resume(); // the killed process's held messages are dropped: their client is gone

    const second = startWorkerProcess();
    // Jobs the killed process held come back once their lock expires (BullMQ stalled-job check).
    await vi.waitFor(
      () =>
        expect(catcher.messages().filter((m) => m.to[0]?.endsWith("@batch.example.org")).length).toBeGreaterThanOrEqual(
          users.length,
        ),
      { timeout: 120_000, interval: 200 },
    );
    await sleep(1_000);
    for (const user of users) expect(countTo(catcher, user.email!), user.email!).toBe(1);
    second.kill("SIGTERM");
    await new Promise((resolve) => second.once("exit", resolve));
    expect(second.exitCode).toBe(0);
  });
});

describe("Redis restarted under load", () => {
  it(
    "the reminders worker resumes in the same process and no reminder is lost or sent twice",
    { timeout: 90_000 },
    async () => {
      const redis = await privateRedis();
      const catcher = await startMailCatcher({ port: 0, delayMs: 40 });
      const transport = createMailTransport(catcher.url);
      cleanups.push(async () => {
        transport.close();
        await catcher.close();
      });
      const people = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          apprenticeDue({ today: TODAY, email: `restart${i}@apprentices.example.org` }),
        ),
      );

      const prefix = queuePrefix();
      const supervisor = superviseWorker({
        name: "reminders",
        prefix,
        intervalMs: 1_000,
        stuckAfterMs: 3_000,
        start: () =>
          startRemindersWorker({
            prefix,
            redisUrl: redis.url,
            transport,
            appUrl: APP_URL,
            from: FROM,
            now: () => NOW,
            concurrency: 4,
          }),
      });
      const connection = workerConnection("test-queue", redis.url);
      const queue = new Queue("reminders", { connection, prefix });
      queue.on("error", () => undefined);
      cleanups.push(async () => {
        await supervisor.stop();
        await queue.close();
        await closeConnection(connection);
      });

      expect((await runSweep("daily", { queue, now: NOW })).enqueued).toBe(40);
      await vi.waitFor(() => expect(catcher.messages().length).toBeGreaterThanOrEqual(10), {
        timeout: 20_000,
        interval: 10,
      });
      await redis.kill();
      const duringOutage = catcher.messages().length;
      await sleep(1_500);
      await redis.start();

      await vi.waitFor(() => expect(catcher.messages().length).toBeGreaterThanOrEqual(40), {
        timeout: 60_000,
        interval: 100,
      });
      await sleep(800);
      expect(duringOutage).toBeLessThan(40);
      for (const p of people) expect(countTo(catcher, p.apprentice.email!), p.apprentice.email!).toBe(1);
      expect(
        await prisma.notificationLog.count({
          where: { userId: { in: people.map((p) => p.apprentice.id) }, status: "sent" },
        }),
      ).toBe(40);
      await vi.waitFor(async () => expect(await queue.getCompletedCount()).toBe(40), { timeout: 10_000 });
    },
  );
});

describe("Redis stopped while people use the app", () => {
  it("keeps the outbox rows, then delivers every email once when Redis is back", { timeout: 60_000 }, async () => {
    const redis = await privateRedis();
    const catcher = await startMailCatcher({ port: 0 });
    const transport = createMailTransport(catcher.url);
    cleanups.push(async () => {
      transport.close();
      await catcher.close();
    });
    await redis.kill();

    // People act while Redis is down: the app's own functions still succeed.
    const users = await Promise.all(
      Array.from({ length: 5 }, (_, i) => createUser({ email: `outage${i}@people.example.org` })),
    );
    for (const [i, user] of users.entries()) await requestPasswordReset(user.email!, `198.51.100.${i + 1}`);
    const admin = await partnershipAdmin();
    const school = await createOrganisation({ kind: "SCHOOL" });
    await createInvitation(admin, {
      organisationId: school.id,
      email: "invited.during@outage.example.org",
      role: "TEACHER",
    });
    const waiting = await prisma.outboxMessage.count({ where: { dispatchedAt: null } });
    expect(waiting).toBeGreaterThanOrEqual(6);

    const relayConnection = producerConnection("test-relay", redis.url);
    const relay = createRelay({ connection: relayConnection, intervalMs: 100 });
    const worker = startEmailWorker({ redisUrl: redis.url, transport, appUrl: APP_URL, from: FROM });
    cleanups.push(async () => {
      await relay.stop();
      await worker.worker.close();
      await closeConnection(worker.connection);
      await closeConnection(relayConnection);
    });
    await sleep(300);
    expect(await relay.relayOnce()).toEqual({ dispatched: 0, redisDown: true });
    expect(await prisma.outboxMessage.count({ where: { dispatchedAt: null } })).toBe(waiting);
    relay.start();
    await sleep(500);
    expect(catcher.messages()).toHaveLength(0);

    await redis.start();
    const expected = [...users.map((u) => u.email!), "invited.during@outage.example.org"];
    await vi.waitFor(() => expect(catcher.messages().length).toBeGreaterThanOrEqual(expected.length), {
      timeout: 30_000,
      interval: 100,
    });
    await sleep(800);
    for (const email of expected) expect(countTo(catcher, email), email).toBe(1);
    expect(await prisma.outboxMessage.count({ where: { dispatchedAt: null } })).toBe(0);
  });
});

describe("a mail server failing 30% of sends", () => {
  it(
    "retries with backoff; the hopeless message ends in the failed set with its reason; nothing twice",
    { timeout: 60_000 },
    async () => {
      const hopeless = "always.fails@apprentices.example.org";
      const catcher = await startMailCatcher({ port: 0, failRate: 0.3, failRecipients: [hopeless] });
      const transport = createMailTransport(catcher.url);
      const prefix = `${queuePrefix()}-smtp`;
      const connection: Redis = workerConnection("test-smtp");
      const queue = new Queue("reminders", { connection, prefix });
      const worker = createRemindersWorker({
        connection,
        prefix,
        transport,
        appUrl: APP_URL,
        from: FROM,
        now: () => NOW,
        concurrency: 4,
      });
      cleanups.push(async () => {
        await worker.close();
        await queue.close();
        await closeConnection(connection);
        transport.close();
        await catcher.close();
      });
      const people = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          apprenticeDue({ today: TODAY, email: `flaky${i}@apprentices.example.org` }),
        ),
      );
      const doomed = await apprenticeDue({ today: TODAY, email: hopeless });

      await runSweep("daily", {
        queue,
        now: NOW,
        jobOptions: { attempts: 8, backoff: { type: "exponential", delay: 20 } },
      });
      const doomedId = reminderJobId(doomed.apprentice.id, "otj-reminder", PERIOD);
      await vi.waitFor(async () => expect(await queue.getJobState(doomedId)).toBe("failed"), {
        timeout: 40_000,
        interval: 100,
      });
      await vi.waitFor(() => expect(catcher.messages().length).toBeGreaterThanOrEqual(20), {
        timeout: 20_000,
        interval: 100,
      });
      await sleep(500);

      for (const p of people) expect(countTo(catcher, p.apprentice.email!), p.apprentice.email!).toBe(1);
      expect(countTo(catcher, hopeless)).toBe(0);
      const job = (await queue.getJob(doomedId))!;
      expect(job.attemptsMade).toBe(8);
      expect(job.failedReason).toMatch(/451|Temporary failure/);
      expect(await prisma.notificationLog.count({ where: { userId: doomed.apprentice.id } })).toBe(0);
      // Others needed retries too (30% failing), and still each arrived once.
      const retried = (await queue.getCompleted()).filter((j) => j.attemptsMade > 1);
      expect(retried.length).toBeGreaterThan(0);
    },
  );
});
