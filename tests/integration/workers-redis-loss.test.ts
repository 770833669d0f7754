/**
 * Redis loses its data in the middle of a run (a Redis restarted without persistence,
 * or a failover that lost writes). A few hundred invitation emails are being sent
 * and the job schedulers are declared when the private Redis is flushed. Every email must still
 * arrive exactly once, and the schedules must come back by themselves, with a warning.
 *
 * Through real Postgres, a real SMTP server (the mail catcher), the real worker process
 * (`workers/main.ts` as a child, in production mode as deployed) and a redis-server of the
 * test's own on a free port: the shared Redis on 6379 is never flushed. The lease and the
 * re-declare timer are shortened through their settings so the test is quick.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { disconnectDb } from "../../app/db/client.server.ts";
import { QUEUES, SCHEDULED_JOBS, SCHEDULES } from "../../app/jobs/definitions.ts";
import { outboxHealth, scheduleHealth } from "../../app/jobs/health.server.ts";
import { queuePrefix } from "../../app/jobs/queues.server.ts";
import { startMailCatcher } from "../../scripts/mail-catcher.ts";
import { findFreePort, startRedisServer, stopChild } from "../../scripts/services.ts";
import { testPrisma } from "../setup/db.ts";
import { inviteInBulk } from "../support/bulk-invitations.ts";

const prisma = testPrisma();
const EMAILS = 300;
const LEASE_SECONDS = 5;
const ROOT = path.resolve(import.meta.dirname, "../..");

const cleanups: Array<() => Promise<unknown>> = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await disconnectDb();
});

describe("Redis loses its data in the middle of a run", () => {
  it(
    "still delivers every email exactly once, and the schedules come back by themselves",
    { timeout: 120_000 },
    async () => {
      const redis = await startRedisServer({ port: await findFreePort(), log: () => undefined });
      cleanups.push(() => stopChild(redis.child));
      const catcher = await startMailCatcher({ port: 0 });
      cleanups.push(() => catcher.close());

      const prefix = queuePrefix();
      const inspector = new Redis(redis.url, { maxRetriesPerRequest: 1 });
      const queues = new Map(QUEUES.map((name) => [name, new Queue(name, { connection: inspector, prefix })]));
      cleanups.push(async () => {
        await Promise.allSettled([...queues.values()].map((queue) => queue.close()));
        await inspector.quit();
      });
      const declared = async () => {
        const found: string[] = [];
        for (const schedule of SCHEDULES)
          if (await queues.get(SCHEDULED_JOBS[schedule.job].queue)!.getJobScheduler(schedule.id))
            found.push(schedule.id);
        return found.sort();
      };

      const started = performance.now();
      const worker = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
        cwd: ROOT,
        env: {
          ...process.env,
          NODE_ENV: "production",
          REDIS_URL: redis.url,
          SMTP_URL: catcher.url,
          APP_URL: "https://skills.example.org",
          MAIL_FROM: "Staffordshire Digital Skills <no-reply@digitalskills.staffordshire.example>",
          LOG_LEVEL: "warn",
          OUTBOX_LEASE_SECONDS: String(LEASE_SECONDS),
          SCHEDULE_CHECK_SECONDS: "0.5",
        },
        stdio: ["ignore", "pipe", "inherit"],
      });
      cleanups.push(() => stopChild(worker as ChildProcess, 10_000));
      const logLines: string[] = [];
      createInterface({ input: worker.stdout! }).on("line", (line) => logLines.push(line));
      // People act while the worker starts: a few hundred invitations, each an outbox row.
      const addresses = Array.from({ length: EMAILS }, (_, i) => `teacher${i}@flush.example.org`);
      await inviteInBulk(addresses);

      await vi.waitFor(() => expect(catcher.messages().length).toBeGreaterThanOrEqual(1), {
        timeout: 60_000,
        interval: 10,
      });
      const firstEmail = performance.now();
      await vi.waitFor(() => expect(catcher.messages().length).toBeGreaterThanOrEqual(EMAILS / 4), {
        timeout: 60_000,
        interval: 10,
      });
      expect(await declared()).toEqual(SCHEDULES.map((s) => s.id).sort());

      // Redis loses everything: waiting and active jobs, and every job scheduler.
      await inspector.flushall();
      const receivedAtFlush = catcher.messages().length;
      expect(receivedAtFlush).toBeLessThan(EMAILS);
      // The schedulers went with it; the keeper's warning below proves it (reading them here would
      // race the keeper, which runs every half second in this test).

      await vi.waitFor(() => expect(catcher.messages().length).toBeGreaterThanOrEqual(EMAILS), {
        timeout: 60_000,
        interval: 50,
      });
      const lastEmail = performance.now();
      await sleep(LEASE_SECONDS * 1000 + 1_000); // long enough for a duplicate to show up, if one were coming

      const received = catcher.messages().filter((m) => m.to[0]?.endsWith("@flush.example.org"));
      const perAddress = new Map<string, number>();
      for (const m of received) perAddress.set(m.to[0]!, (perAddress.get(m.to[0]!) ?? 0) + 1);
      expect([...perAddress.entries()].filter(([, count]) => count !== 1)).toEqual([]);
      expect(addresses.filter((address) => !perAddress.has(address))).toEqual([]);
      expect(received).toHaveLength(EMAILS);

      // Every row is done, so none is handed over again, and the backlog figure says so.
      expect(await prisma.outboxMessage.count({ where: { topic: "email.invitation", doneAt: null } })).toBe(0);
      expect(await outboxHealth()).toMatchObject({ undone: 0, late: false });
      expect(await prisma.notificationLog.count({ where: { kind: "invitation", status: "sent" } })).toBe(EMAILS);

      // The schedules were declared again by the worker's timer, with a warning in its log.
      await vi.waitFor(async () => expect(await declared()).toEqual(SCHEDULES.map((s) => s.id).sort()), {
        timeout: 10_000,
        interval: 100,
      });
      expect(logLines.some((line) => line.includes("job schedulers were missing from Redis"))).toBe(true);
      expect((await scheduleHealth()).every((s) => s.declaredAt !== null && !s.late)).toBe(true);

      await stopChild(worker, 10_000);
      expect(worker.exitCode).toBe(0);
      const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      console.info(
        `[redis-loss] ${EMAILS} emails sent, ${received.length} received (${receivedAtFlush} before the flush), each exactly once; worker start-up ${s(firstEmail - started)}, first to last email ${s(lastEmail - firstEmail)}`,
      );
    },
  );
});
