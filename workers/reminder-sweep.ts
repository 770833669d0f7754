/**
 * The reminder sweeps (queue "reminders"): the daily one at 07:30 UK time (OTJ and review
 * reminders, inbox digests) and the Monday one at 07:30 (teachers' and tutors' weekly digests).
 *
 * A sweep selects who is due with set-based SQL — one statement per kind for everyone
 * (app/models/reminders.server.ts), then the pure rules — drops people whose (person, kind,
 * period) key is already in notification_log (one more statement), and enqueues ONE job per
 * person per kind with addBulk in chunks. The job id is the dedupe key (spelled with dots,
 * reminderJobId), so BullMQ ignores a job it already holds: running the sweep twice, or two
 * workers running it at once, enqueues nothing new. Payloads are ids only: { userId, kind, period }.
 */
import type { JobsOptions, Queue } from "bullmq";
import { db } from "~/db/client.server.ts";
import { REMINDER_JOB_NAME, type ReminderJobData } from "~/jobs/definitions.ts";
import { todayInEngland } from "~/domain/dates.ts";
import {
  KIND_CADENCE,
  periodFor,
  REMINDER_KINDS,
  reminderDedupeKey,
  reminderJobId,
  type ReminderKind,
} from "~/domain/reminders.ts";
import { dueFor } from "~/models/reminders.server.ts";
import { logger } from "~/utils/logger.server.ts";

const log = logger.child({ component: "reminder-sweep" });

/**
 * Reminder jobs: 5 attempts, exponential backoff from 30 s (a mail server outage of a few minutes
 * costs nothing). Completed jobs stay a day (so a second sweep the same day is deduped by BullMQ
 * itself; after that notification_log does it); failed ones stay 30 days for the dashboard.
 */
export const REMINDER_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: "exponential", delay: 30_000 },
  removeOnComplete: { age: 24 * 60 * 60, count: 200_000 },
  removeOnFail: { age: 30 * 24 * 60 * 60 },
} as const satisfies JobsOptions;

export const SWEEP_CHUNK_SIZE = 1_000;

export type SweepCadence = "daily" | "weekly";

export type SweepResult = {
  cadence: SweepCadence;
  today: string;
  due: number;
  alreadySent: number;
  enqueued: number;
  byKind: Partial<Record<ReminderKind, number>>;
  /** Milliseconds spent selecting (SQL + rules + the notification_log check) and enqueuing. */
  selectMs: number;
  enqueueMs: number;
};

export type SweepOptions = {
  /** A "reminders" queue handle (the caller owns its connection). */
  queue: Pick<Queue, "addBulk">;
  now?: Date;
  chunkSize?: number;
  /** Tests shorten the backoff. */
  jobOptions?: JobsOptions;
  kinds?: readonly ReminderKind[];
};

export function kindsFor(cadence: SweepCadence): ReminderKind[] {
  return REMINDER_KINDS.filter((kind) => KIND_CADENCE[kind] === cadence);
}

export async function runSweep(cadence: SweepCadence, options: SweepOptions): Promise<SweepResult> {
  const now = options.now ?? new Date();
  const today = todayInEngland(now);
  const chunkSize = options.chunkSize ?? SWEEP_CHUNK_SIZE;
  const result: SweepResult = {
    cadence,
    today,
    due: 0,
    alreadySent: 0,
    enqueued: 0,
    byKind: {},
    selectMs: 0,
    enqueueMs: 0,
  };
  for (const kind of options.kinds ?? kindsFor(cadence)) {
    const selectStarted = performance.now();
    const period = periodFor(kind, today);
    const due = await dueFor(kind, now, today);
    const userIds = [...due.keys()];
    const keys = userIds.map((userId) => reminderDedupeKey(userId, kind, period));
    const sent = new Set(
      keys.length
        ? (
            await db().$queryRaw<
              { dedupe_key: string }[]
            >`SELECT dedupe_key FROM notification_log WHERE dedupe_key = ANY(${keys}::text[])`
          ).map((r) => r.dedupe_key)
        : [],
    );
    const jobs = userIds
      .filter((userId, i) => !sent.has(keys[i]))
      .map((userId) => ({
        name: REMINDER_JOB_NAME,
        data: { userId, kind, period } satisfies ReminderJobData,
        opts: { ...REMINDER_JOB_OPTIONS, ...options.jobOptions, jobId: reminderJobId(userId, kind, period) },
      }));
    const enqueueStarted = performance.now();
    result.selectMs += enqueueStarted - selectStarted;
    for (let i = 0; i < jobs.length; i += chunkSize) await options.queue.addBulk(jobs.slice(i, i + chunkSize));
    result.enqueueMs += performance.now() - enqueueStarted;
    result.due += userIds.length;
    result.alreadySent += sent.size;
    result.enqueued += jobs.length;
    result.byKind[kind] = jobs.length;
  }
  result.selectMs = Math.round(result.selectMs);
  result.enqueueMs = Math.round(result.enqueueMs);
  log.info(result, "reminder sweep done");
  return result;
}
