/**
 * Recurring work, declared with BullMQ 6 job schedulers (`upsertJobScheduler`; the old
 * repeatable jobs are gone). Upserting is idempotent: every worker start re-declares the same
 * scheduler ids, so changing a pattern here and redeploying updates it, and several worker
 * processes never create duplicates. Times are UK local time (Europe/London), not UTC.
 * Reminders and digests will add their schedulers here.
 */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { SCHEDULED_JOBS, type ScheduledJobName } from "~/jobs/definitions.ts";
import { queuePrefix } from "~/jobs/queues.server.ts";

type Schedule = { id: string; job: ScheduledJobName; pattern: string };

export const SCHEDULES: Schedule[] = [
  // 03:10 every night: quiet hours, after backups.
  { id: "purge-auth-daily", job: "maintenance.purge-auth", pattern: "10 3 * * *" },
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
