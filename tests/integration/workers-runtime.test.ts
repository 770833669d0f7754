/**
 * The worker process's housekeeping through real Postgres and Redis: the eviction-policy check,
 * the job schedulers, the purge of expired sessions and old tokens, and the watchdog that
 * restarts a worker that stopped consuming.
 */
import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { hashToken, newLinkSecret } from "../../app/auth/tokens.ts";
import { disconnectDb } from "../../app/db/client.server.ts";
import { QUEUES, SCHEDULES } from "../../app/jobs/definitions.ts";
import { outboxHealth, scheduleHealth } from "../../app/jobs/health.server.ts";
import { queuePrefix } from "../../app/jobs/queues.server.ts";
import {
  assertNoEviction,
  closeConnection,
  EvictionPolicyError,
  judgeEvictionPolicy,
  producerConnection,
  workerConnection,
} from "../../workers/connection.ts";
import { purgeAuthData, startMaintenanceWorker } from "../../workers/maintenance-worker.ts";
import { checkBackgroundHealth } from "../../workers/health-check.ts";
import { startScheduleKeeper, upsertSchedules } from "../../workers/schedules.ts";
import { superviseWorker } from "../../workers/watchdog.ts";
import { testPrisma } from "../setup/db.ts";
import { createUser } from "../support/factories.ts";

const prisma = testPrisma();
const DAY = 24 * 60 * 60 * 1000;
const connections: Redis[] = [];

function connection(kind: "worker" | "producer" = "worker"): Redis {
  const created = kind === "worker" ? workerConnection("test-runtime") : producerConnection("test-runtime");
  connections.push(created);
  return created;
}

afterAll(async () => {
  const cleanup = connection();
  for (const name of QUEUES) {
    const queue = new Queue(name, { connection: cleanup, prefix: queuePrefix() });
    await queue.obliterate({ force: true });
    await queue.close();
  }
  for (const created of connections) await closeConnection(created);
  await disconnectDb();
});

describe("Redis eviction policy check", () => {
  it("accepts noeviction and refuses a policy that can evict jobs", () => {
    expect(judgeEvictionPolicy(["maxmemory-policy", "noeviction"])).toEqual({ verdict: "ok", policy: "noeviction" });
    const refused = judgeEvictionPolicy(["maxmemory-policy", "allkeys-lru"]);
    expect(refused.verdict).toBe("refuse");
    expect(refused.verdict === "refuse" && refused.message).toMatch(/allkeys-lru.*noeviction/);
  });

  it("warns and carries on when CONFIG is disabled (managed Redis)", () => {
    expect(judgeEvictionPolicy(new Error("ERR unknown command 'CONFIG'")).verdict).toBe("warn");
  });

  it("throws at start-up for an allkeys-lru Redis, with a message that says what to change", async () => {
    const fakeRedis = { config: async () => ["maxmemory-policy", "allkeys-lru"] } as unknown as Pick<Redis, "config">;
    await expect(assertNoEviction(fakeRedis)).rejects.toThrow(EvictionPolicyError);
    await expect(assertNoEviction(fakeRedis)).rejects.toThrow(/maxmemory-policy noeviction/);
    const disabled = {
      config: async () => Promise.reject(new Error("ERR unknown command 'CONFIG'")),
    } as unknown as Pick<Redis, "config">;
    await expect(assertNoEviction(disabled)).resolves.toMatchObject({ verdict: "warn" });
  });

  it("reads the shared test Redis' real policy without changing it", async () => {
    const client = connection();
    const before = await client.config("GET", "maxmemory-policy");
    const verdict = judgeEvictionPolicy(before);
    expect(["ok", "refuse"]).toContain(verdict.verdict);
    expect(await client.config("GET", "maxmemory-policy")).toEqual(before);
  });
});

describe("job schedulers", () => {
  it("declare the nightly purges once, however often the worker starts", async () => {
    const client = connection();
    await upsertSchedules({ connection: client });
    await upsertSchedules({ connection: client });
    const queue = new Queue("maintenance", { connection: client, prefix: queuePrefix() });
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(
      SCHEDULES.filter((s) => s.job.startsWith("maintenance."))
        .map((s) => s.id)
        .sort(),
    );
    const byName = Object.fromEntries(schedulers.map((s) => [s.name, s]));
    expect(byName["maintenance.purge-auth"]).toMatchObject({ pattern: "10 3 * * *", tz: "Europe/London" });
    expect(byName["maintenance.retention-purge"]).toMatchObject({ pattern: "40 3 * * *", tz: "Europe/London" });
    expect(await queue.getDelayedCount()).toBe(2);
    await queue.close();
    // Their first declaration is recorded in Postgres, where a missed first run can be seen.
    expect(
      (await prisma.jobScheduleRun.findMany({ select: { schedulerId: true } })).map((r) => r.schedulerId).sort(),
    ).toEqual(SCHEDULES.map((s) => s.id).sort());
  });

  it("come back by themselves when Redis has lost them, with a warning", async () => {
    const client = connection();
    await upsertSchedules({ connection: client });
    const queue = new Queue("reminders", { connection: client, prefix: queuePrefix() });
    await queue.removeJobScheduler("digests-weekly");
    const keeper = startScheduleKeeper({ connection: client, intervalMs: 60_000 });
    try {
      expect(await keeper.check()).toEqual(["digests-weekly"]);
      expect(await queue.getJobScheduler("digests-weekly")).toMatchObject({
        pattern: "30 7 * * 1",
        tz: "Europe/London",
      });
      expect(await keeper.check()).toEqual([]);
    } finally {
      await keeper.stop();
      await queue.close();
    }
  });
});

describe("scheduled runs", () => {
  it("are recorded in Postgres when they complete, so their age survives Redis losing its data", async () => {
    const client = connection();
    const everySecond = {
      id: "purge-auth-daily",
      job: "maintenance.purge-auth",
      pattern: "* * * * * *",
      lateAfterMs: 60_000,
    } as const;
    await prisma.jobScheduleRun.deleteMany({});
    await upsertSchedules({ connection: client, schedules: [everySecond] });
    const { worker, connection: workerConn } = startMaintenanceWorker();
    connections.push(workerConn);
    const queue = new Queue("maintenance", { connection: client, prefix: queuePrefix() });
    try {
      await vi.waitFor(
        async () =>
          expect(
            (await prisma.jobScheduleRun.findUniqueOrThrow({ where: { schedulerId: everySecond.id } })).lastRunAt,
          ).not.toBeNull(),
        { timeout: 10_000, interval: 100 },
      );
      const health = (await scheduleHealth()).find((s) => s.id === everySecond.id)!;
      expect(health.ageMs).toBeLessThan(10_000);
      expect(health.late).toBe(false);
    } finally {
      await queue.removeJobScheduler(everySecond.id);
      await queue.close();
      await worker.close();
    }
  });
});

describe("health figures for alerting", () => {
  it("report the oldest undone outbox row and each schedule's last run, late ones included", async () => {
    const now = new Date();
    await prisma.outboxMessage.deleteMany({});
    expect(await outboxHealth(now)).toMatchObject({ undone: 0, oldestUndoneAt: null, late: false });
    const handedLongAgo = new Date(now.getTime() - 20 * 60 * 1000);
    await prisma.outboxMessage.create({
      data: { topic: "email.invitation", payload: {}, availableAt: handedLongAgo, dispatchedAt: handedLongAgo },
    });
    await prisma.outboxMessage.create({
      data: {
        topic: "email.invitation",
        payload: {},
        availableAt: new Date(now.getTime() - 2 * DAY),
        doneAt: new Date(now.getTime() - DAY),
      },
    });
    const outbox = await outboxHealth(now);
    expect(outbox).toMatchObject({
      undone: 1,
      oldestUndoneAt: handedLongAgo,
      oldestUndoneAgeMs: 20 * 60 * 1000,
      late: true,
    });

    await prisma.jobScheduleRun.deleteMany({});
    await prisma.jobScheduleRun.create({
      data: {
        schedulerId: "purge-auth-daily",
        jobName: "maintenance.purge-auth",
        declaredAt: new Date(now.getTime() - 9 * DAY),
        lastRunAt: new Date(now.getTime() - 3 * DAY),
      },
    });
    await prisma.jobScheduleRun.create({
      data: {
        schedulerId: "monthly-report",
        jobName: "report.build-last-month",
        declaredAt: new Date(now.getTime() - 9 * DAY),
        lastRunAt: null,
      },
    });
    const schedules = Object.fromEntries((await scheduleHealth(now)).map((s) => [s.id, s]));
    expect(schedules["purge-auth-daily"]).toMatchObject({ ageMs: 3 * DAY, late: true });
    expect(schedules["monthly-report"]).toMatchObject({ lastRunAt: null, ageMs: 9 * DAY, late: false });
    expect(schedules["reminders-daily"]).toMatchObject({ declaredAt: null, ageMs: null, late: false });

    const warned = await checkBackgroundHealth(now);
    expect(warned.outbox.late).toBe(true);
    expect(warned.lateSchedules.map((s) => s.id)).toEqual(["purge-auth-daily"]);
    await prisma.outboxMessage.deleteMany({});
  });
});

async function session(userId: string, input: { expiresAt: Date; lastActiveAt: Date }) {
  return prisma.session.create({
    data: { id: randomBytes(12).toString("hex"), secretHash: new Uint8Array(32), userId, ...input },
  });
}

async function token(input: { expiresAt: Date; usedAt?: Date | null }) {
  return prisma.authToken.create({
    data: {
      kind: "PASSWORD_RESET",
      tokenHash: hashToken(newLinkSecret()),
      expiresAt: input.expiresAt,
      usedAt: input.usedAt ?? null,
    },
  });
}

describe("purge of expired sessions, old tokens and long-done outbox rows", () => {
  it("deletes what has expired, keeps what is live or recent, and writes the counts to the audit log", async () => {
    const user = await createUser();
    const now = Date.now();
    const live = await session(user.id, { expiresAt: new Date(now + DAY), lastActiveAt: new Date(now - 60_000) });
    const expired = await session(user.id, {
      expiresAt: new Date(now - 1000),
      lastActiveAt: new Date(now - 2 * 60 * 60 * 1000),
    });
    const idle = await session(user.id, { expiresAt: new Date(now + DAY), lastActiveAt: new Date(now - 2 * DAY) });

    const unused = await token({ expiresAt: new Date(now + 60 * 60 * 1000) });
    const usedRecently = await token({ expiresAt: new Date(now + DAY), usedAt: new Date(now - DAY) });
    const expiredRecently = await token({ expiresAt: new Date(now - 2 * DAY) });
    const usedLongAgo = await token({ expiresAt: new Date(now + DAY), usedAt: new Date(now - 8 * DAY) });
    const expiredLongAgo = await token({ expiresAt: new Date(now - 8 * DAY) });

    const outbox = (dispatchedAt: Date | null, doneAt: Date | null, createdAt = new Date(now - 40 * DAY)) =>
      prisma.outboxMessage.create({ data: { topic: "email.send", payload: {}, dispatchedAt, doneAt, createdAt } });
    const sentLongAgo = await outbox(new Date(now - 31 * DAY), new Date(now - 31 * DAY));
    const sentRecently = await outbox(new Date(now - 31 * DAY), new Date(now - 29 * DAY));
    // Handed to Redis long ago and never done (Redis lost it?): kept, the relay hands it over again.
    const neverSent = await outbox(new Date(now - 31 * DAY), null);

    const counts = await purgeAuthData();
    expect(counts).toEqual({ sessions: 2, tokens: 2, outboxMessages: 1 });
    const outboxLeft = await prisma.outboxMessage.findMany({
      where: { id: { in: [sentLongAgo.id, sentRecently.id, neverSent.id] } },
      select: { id: true },
    });
    expect(outboxLeft.map((o) => o.id).sort()).toEqual([sentRecently.id, neverSent.id].sort());

    const sessions = await prisma.session.findMany({
      where: { id: { in: [live.id, expired.id, idle.id] } },
      select: { id: true },
    });
    expect(sessions.map((s) => s.id)).toEqual([live.id]);
    const tokens = await prisma.authToken.findMany({
      where: { id: { in: [unused, usedRecently, expiredRecently, usedLongAgo, expiredLongAgo].map((t) => t.id) } },
      select: { id: true },
    });
    expect(tokens.map((t) => t.id).sort()).toEqual([unused.id, usedRecently.id, expiredRecently.id].sort());

    const audit = await prisma.auditLog.findFirstOrThrow({
      where: { action: "maintenance.purge-auth" },
      orderBy: { createdAt: "desc" },
    });
    expect(audit.metadata).toEqual({ sessions: 2, tokens: 2, outboxMessages: 1 });
    expect(audit.actorId).toBeNull();

    expect(await purgeAuthData()).toEqual({ sessions: 0, tokens: 0, outboxMessages: 0 });
  });

  it("runs as a maintenance job through the queue", async () => {
    const { worker, connection: workerConn } = startMaintenanceWorker();
    connections.push(workerConn);
    const producer = connection("producer");
    if (producer.status !== "ready") await new Promise((resolve) => producer.once("ready", resolve));
    const queue = new Queue("maintenance", { connection: producer, prefix: queuePrefix() });
    const job = await queue.add("maintenance.purge-auth", {});
    await vi.waitFor(async () => expect(await job.isCompleted()).toBe(true), { timeout: 10_000 });
    const done = await queue.getJob(job.id!);
    expect(done?.returnvalue).toEqual({ sessions: 0, tokens: 0, outboxMessages: 0 });
    await queue.close();
    await worker.close();
  });

  it("runs the retention purge as a maintenance job and records its counts in the audit log", async () => {
    const { worker, connection: workerConn } = startMaintenanceWorker();
    connections.push(workerConn);
    const producer = connection("producer");
    if (producer.status !== "ready") await new Promise((resolve) => producer.once("ready", resolve));
    const queue = new Queue("maintenance", { connection: producer, prefix: queuePrefix() });
    const job = await queue.add("maintenance.retention-purge", {});
    await vi.waitFor(async () => expect(await job.isCompleted()).toBe(true), { timeout: 10_000 });
    const counts = {
      apprenticeshipsPastRetention: 0,
      evidenceEntries: 0,
      reviews: 0,
      trainingPlans: 0,
      pupilsAnonymised: 0,
    };
    expect((await queue.getJob(job.id!))?.returnvalue).toEqual(counts);
    const audit = await prisma.auditLog.findFirstOrThrow({
      where: { action: "maintenance.retention-purge" },
      orderBy: { createdAt: "desc" },
    });
    expect(audit.metadata).toEqual({ ...counts, pupilYears: 3 });
    await queue.close();
    await worker.close();
  });
});

describe("watchdog", () => {
  it("restarts a worker that stopped consuming, and the new one takes the waiting jobs", async () => {
    const restarts: string[] = [];
    const supervisor = superviseWorker({
      name: "maintenance",
      prefix: queuePrefix(),
      start: () => startMaintenanceWorker(),
      intervalMs: 60_000,
      onRestart: (reason) => restarts.push(reason),
    });
    const first = supervisor.current();
    await first.waitUntilReady();
    expect(await supervisor.check()).toBeNull();

    // The failure mode after a Redis restart: the worker object is alive but its loop is gone.
    await first.close();
    const producer = connection("producer");
    if (producer.status !== "ready") await new Promise((resolve) => producer.once("ready", resolve));
    const queue = new Queue("maintenance", { connection: producer, prefix: queuePrefix() });
    const job = await queue.add("maintenance.purge-auth", {});

    expect(await supervisor.check()).toBe("worker is not running");
    expect(restarts).toEqual(["worker is not running"]);
    expect(supervisor.current()).not.toBe(first);
    await vi.waitFor(async () => expect(await job.isCompleted()).toBe(true), { timeout: 10_000 });
    expect(await supervisor.check()).toBeNull();

    await queue.close();
    await supervisor.stop();
  });
});
