/**
 * Recurring work (the timetable is SCHEDULES in app/jobs/definitions.ts), declared with BullMQ 6
 * job schedulers (`upsertJobScheduler`; the old repeatable jobs are gone). Upserting is
 * idempotent: every worker start re-declares the same scheduler ids, so changing a pattern and
 * redeploying updates it, and several worker processes never create duplicates. Times are UK
 * local time (Europe/London), not UTC.
 *
 * A scheduler lives only in Redis: a Redis that loses its data (restarted without persistence,
 * a failover) loses every schedule with it. So the keeper re-declares, on a timer, any
 * scheduler that has gone missing, with a warning, and every run of a scheduled job is
 * recorded in Postgres (job_schedule_runs), where app/jobs/health.server.ts reads its age.
 */
import { Queue, type Job, type Worker } from "bullmq";
import type { Redis } from "ioredis";
import { db } from "~/db/client.server.ts";
import { SCHEDULED_JOBS, SCHEDULES, type Schedule } from "~/jobs/definitions.ts";
import { queuePrefix } from "~/jobs/queues.server.ts";
import { env } from "~/utils/env.server.ts";
import { logger } from "~/utils/logger.server.ts";

const log = logger.child({ component: "schedules" });

type DeclareOptions = { connection: Redis; prefix?: string; schedules?: readonly Schedule[] };

function queuesFor(options: DeclareOptions) {
  const prefix = options.prefix ?? queuePrefix();
  const queues = new Map<string, Queue>();
  return {
    get(schedule: Schedule): Queue {
      const name = SCHEDULED_JOBS[schedule.job].queue;
      let queue = queues.get(name);
      if (!queue) {
        queue = new Queue(name, { connection: options.connection, prefix });
        queue.on("error", (error) => log.debug({ queue: name, err: error.message }, "queue error"));
        queues.set(name, queue);
      }
      return queue;
    },
    close: () => Promise.allSettled([...queues.values()].map((queue) => queue.close())),
  };
}

async function declare(queue: Queue, schedule: Schedule) {
  await queue.upsertJobScheduler(
    schedule.id,
    { pattern: schedule.pattern, tz: "Europe/London" },
    {
      name: schedule.job,
      data: {},
      opts: { attempts: 3, backoff: { type: "exponential", delay: 60_000 }, removeOnComplete: 100, removeOnFail: 1000 },
    },
  );
  // The first declaration is what a schedule that has never run is measured from.
  await db().jobScheduleRun.createMany({
    data: [{ schedulerId: schedule.id, jobName: schedule.job }],
    skipDuplicates: true,
  });
}

/** Declares every schedule (the worker does this at start). Returns the scheduler ids. */
export async function upsertSchedules(options: DeclareOptions) {
  const schedules = options.schedules ?? SCHEDULES;
  const queues = queuesFor(options);
  try {
    for (const schedule of schedules) await declare(queues.get(schedule), schedule);
  } finally {
    await queues.close();
  }
  return schedules.map((s) => s.id);
}

export type ScheduleKeeper = {
  /** One look: re-declares the schedulers Redis no longer holds; returns their ids. */
  check(): Promise<string[]>;
  stop(): Promise<void>;
};

/** Re-declares lost schedulers every intervalMs (SCHEDULE_CHECK_SECONDS by default). */
export function startScheduleKeeper(options: DeclareOptions & { intervalMs?: number }): ScheduleKeeper {
  const schedules = options.schedules ?? SCHEDULES;
  const intervalMs = options.intervalMs ?? env().SCHEDULE_CHECK_SECONDS * 1000;
  const queues = queuesFor(options);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  async function check(): Promise<string[]> {
    const redeclared: string[] = [];
    for (const schedule of schedules) {
      const queue = queues.get(schedule);
      if (await queue.getJobScheduler(schedule.id)) continue;
      await declare(queue, schedule);
      redeclared.push(schedule.id);
    }
    if (redeclared.length)
      log.warn({ schedulers: redeclared }, "job schedulers were missing from Redis (data lost?); declared again");
    return redeclared;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = check()
        // Redis down: nothing to re-declare into yet; the next look tries again.
        .catch((error: unknown) =>
          log.debug({ err: error instanceof Error ? error.message : String(error) }, "schedule check failed"),
        )
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  }
  schedule();

  return {
    check,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      // A look waiting for a Redis that is down must not hold up the worker's shutdown.
      await Promise.race([running.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2_000))]);
      await queues.close();
    },
  };
}

/** Records in Postgres each completed run of a scheduled job that this worker processes. */
export function recordScheduledRuns(worker: Worker): Worker {
  worker.on("completed", (job: Job) => {
    const schedulerId = job.repeatJobKey;
    if (!schedulerId) return;
    const at = new Date(job.finishedOn ?? Date.now());
    db()
      .jobScheduleRun.upsert({
        where: { schedulerId },
        create: { schedulerId, jobName: job.name, lastRunAt: at },
        update: { lastRunAt: at, jobName: job.name },
      })
      .catch((error: unknown) =>
        log.error(
          { schedulerId, err: error instanceof Error ? error.message : String(error) },
          "could not record a scheduled run",
        ),
      );
  });
  return worker;
}
