/**
 * Job names, queues and payload schemas: the one module the web app and the workers share
 * (documenso's pattern). Payloads carry ids only, never personal details. The workers parse
 * every payload again with these schemas before acting on it.
 *
 * Two routes into a queue:
 * - through the transactional outbox (app/jobs/outbox.server.ts): the row is written in the
 *   same transaction as the change; the relay enqueues `{ outboxId }` with the row id as job id;
 *   the worker reads the row's payload from Postgres. Secrets needed to build a link (a reset
 *   token) live only in that Postgres row and are scrubbed once sent; they never reach Redis.
 * - direct `addBulk` by a worker sweep (reminders), with id-only payloads.
 */
import { z } from "zod";
import { PERIOD_PATTERN, REMINDER_KINDS } from "~/domain/reminders.ts";

export const QUEUES = ["email", "reminders", "reports", "imports", "maintenance"] as const;
export type QueueName = (typeof QUEUES)[number];

const uuid = z.string().uuid();

export const OUTBOX_TOPICS = {
  /** An invitation to join an organisation with a role. */
  "email.invitation": { queue: "email", payload: z.object({ tokenId: uuid, secret: z.string().min(20) }).strict() },
  /** A one-time password reset link. */
  "email.password-reset": { queue: "email", payload: z.object({ tokenId: uuid, secret: z.string().min(20) }).strict() },
  /** The link that confirms a request to register an organisation (decision 030). */
  "email.registration-confirm": {
    queue: "email",
    payload: z.object({ tokenId: uuid, secret: z.string().min(20) }).strict(),
  },
  /** Someone asked to register an organisation with the address of an existing account: tell its owner, change nothing. */
  "email.registration-existing-account": { queue: "email", payload: z.object({ userId: uuid }).strict() },
  /** Class-list import over BACKGROUND_THRESHOLD rows: the file stays in import_jobs (workers/imports-worker.ts). */
  "import.class-list": { queue: "imports", payload: z.object({ importJobId: uuid }).strict() },
  // ── outcome reports ──
  /** Build a protected report snapshot for one period (a partnership admin pressed "Build now"). */
  "report.build": {
    queue: "reports",
    payload: z
      .object({
        periodType: z.enum(["academic-year", "term", "month", "financial-year"]),
        periodKey: z.string().regex(/^\d{4}[-/0-9a-z]{0,16}$/),
        requestedById: uuid,
      })
      .strict(),
  },
} as const satisfies Record<string, { queue: QueueName; payload: z.ZodType }>;

export type OutboxTopic = keyof typeof OUTBOX_TOPICS;
export type OutboxPayload<T extends OutboxTopic> = z.infer<(typeof OUTBOX_TOPICS)[T]["payload"]>;

/** What the relay puts in Redis for an outbox row: its id, nothing else. */
export const outboxJobData = z.object({ outboxId: uuid }).strict();
export type OutboxJobData = z.infer<typeof outboxJobData>;

/** Payload fields that must be removed from the outbox row once the job has run. */
export const SECRET_PAYLOAD_FIELDS = ["secret"] as const;

/**
 * Jobs that a job scheduler (workers/schedules.ts) creates on a timetable rather than the
 * outbox or a sweep. The job name is the key; the payload is empty or ids only.
 */
export const SCHEDULED_JOBS = {
  /** Delete expired sessions and auth tokens used or expired more than a week ago. */
  "maintenance.purge-auth": { queue: "maintenance", payload: z.object({}).strict() },
  /** The retention schedule (app/models/retention.server.ts); counts go to the audit log. */
  "maintenance.retention-purge": { queue: "maintenance", payload: z.object({}).strict() },
  // ── outcome reports ──
  /** On the 1st at 06:00 UK time: build last month's report and email the council (workers/reports-worker.ts). */
  "report.build-last-month": { queue: "reports", payload: z.object({}).strict() },
  // ── reminders and digests ──
  /** 07:30 UK time daily: find who is due an OTJ/review reminder or an inbox digest; enqueue one job per person. */
  "reminders.daily-sweep": { queue: "reminders", payload: z.object({}).strict() },
  /** 07:30 UK time on Mondays: teachers' and tutors' weekly digests. */
  "reminders.weekly-digest": { queue: "reminders", payload: z.object({}).strict() },
} as const satisfies Record<string, { queue: QueueName; payload: z.ZodType }>;

export type ScheduledJobName = keyof typeof SCHEDULED_JOBS;

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

export type Schedule = {
  /** The job scheduler's id in Redis: a stable name (renaming one leaves the old one firing). */
  id: string;
  job: ScheduledJobName;
  /** Cron pattern in UK local time (Europe/London), not UTC. */
  pattern: string;
  /** Longest gap between two runs when all is well (a month is 31 days, a day 25 hours across
   * a clock change), plus an hour's grace: a last run older than this is a missed run. */
  lateAfterMs: number;
};

/**
 * The timetable of recurring work, declared with BullMQ job schedulers by the worker
 * (workers/schedules.ts) and watched from Postgres (app/jobs/health.server.ts).
 */
export const SCHEDULES: readonly Schedule[] = [
  // 03:10 every night: quiet hours, after backups.
  { id: "purge-auth-daily", job: "maintenance.purge-auth", pattern: "10 3 * * *", lateAfterMs: 26 * HOUR },
  // The retention purge, nightly after the auth purge.
  { id: "retention-purge-daily", job: "maintenance.retention-purge", pattern: "40 3 * * *", lateAfterMs: 26 * HOUR },
  // Last month's outcome report on the 1st at 06:00 (workers/reports-worker.ts).
  { id: "monthly-report", job: "report.build-last-month", pattern: "0 6 1 * *", lateAfterMs: 31 * DAY + 2 * HOUR },
  // Reminders after quiet hours end (07:00) and before the working day; digests on Mondays.
  { id: "reminders-daily", job: "reminders.daily-sweep", pattern: "30 7 * * *", lateAfterMs: 26 * HOUR },
  { id: "digests-weekly", job: "reminders.weekly-digest", pattern: "30 7 * * 1", lateAfterMs: 7 * DAY + 2 * HOUR },
];

// ── reminders and digests ──
/**
 * One reminder or digest for one person (queue "reminders", added by workers/reminder-sweep.ts
 * with addBulk). Ids only; job id = reminderJobId(userId, kind, period), so BullMQ keeps one job
 * per (person, kind, period) however often the sweep runs.
 */
export const REMINDER_JOB_NAME = "reminder.send";
export const reminderJobData = z
  .object({ userId: uuid, kind: z.enum(REMINDER_KINDS), period: z.string().regex(PERIOD_PATTERN) })
  .strict();
export type ReminderJobData = z.infer<typeof reminderJobData>;
