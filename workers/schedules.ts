/**
 * Recurring work, declared with BullMQ 6 job schedulers (`upsertJobScheduler`; the old
 * repeatable jobs are gone). Upserting is idempotent: every worker start re-declares the same
 * scheduler ids, so changing a pattern here and redeploying updates it, and several worker
 * processes never create duplicates. Times are UK local time (Europe/London), not UTC.
 * The scheduler ids are stable names: renaming one would leave the old one firing in Redis.
 */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { SCHEDULED_JOBS, type ScheduledJobName } from "~/jobs/definitions.ts";
import { queuePrefix } from "~/jobs/queues.server.ts";
import { MONTHLY_REPORT_SCHEDULER_ID } from "./report-schedule.ts";

type Schedule = { id: string; job: ScheduledJobName; pattern: string };

export const SCHEDULES: Schedule[] = [
  // 03:10 every night: quiet hours, after backups.
  { id: "purge-auth-daily", job: "maintenance.purge-auth", pattern: "10 3 * * *" },
  // Issue 8: the retention purge, nightly after the auth purge.
  { id: "retention-purge-daily", job: "maintenance.retention-purge", pattern: "40 3 * * *" },
  // Issue 7: last month's outcome report on the 1st at 06:00 (id from workers/report-schedule.ts).
  { id: MONTHLY_REPORT_SCHEDULER_ID, job: "report.build-last-month", pattern: "0 6 1 * *" },
  // Issue 6: reminders after quiet hours end (07:00) and before the working day; digests on Mondays.
  { id: "reminders-daily", job: "reminders.daily-sweep", pattern: "30 7 * * *" },
  { id: "digests-weekly", job: "reminders.weekly-digest", pattern: "30 7 * * 1" },
];

export async function upsertSchedules(options: { connection: Redis; prefix?: string }) {
  const prefix = options.prefix ?? queuePrefix();
  const queues = new Map<string, Queue>();
  try {
    for (const schedule of SCHEDULES) {
      const queueName = SCHEDULED_JOBS[schedule.job].queue;
      let queue = queues.get(queueName);
      if (!queue) {
        queue = new Queue(queueName, { connection: options.connection, prefix });
        queues.set(queueName, queue);
      }
      await queue.upsertJobScheduler(
        schedule.id,
        { pattern: schedule.pattern, tz: "Europe/London" },
        { name: schedule.job, data: {}, opts: { attempts: 3, backoff: { type: "exponential", delay: 60_000 }, removeOnComplete: 100, removeOnFail: 1000 } },
      );
    }
  } finally {
    await Promise.allSettled([...queues.values()].map((queue) => queue.close()));
  }
  return SCHEDULES.map((s) => s.id);
}
