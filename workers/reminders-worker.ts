/**
 * The "reminders" queue: the scheduled sweeps (workers/reminder-sweep.ts) and one job per
 * person per kind per period ({ userId, kind, period }).
 *
 * A person's job: re-validates the payload (a malformed one fails at once, UnrecoverableError:
 * retrying cannot fix it, and it stays in the failed set for the dashboard); in quiet hours
 * (20:00–07:00 UK time) moves itself to the next 07:00 (job.moveToDelayed + DelayedError: the
 * same job, same id, no attempt used); then, in one Postgres transaction holding an advisory
 * lock on the dedupe key: skips if notification_log already has the key, re-checks the
 * person's preferences (they may have unsubscribed since the sweep) and that something is still
 * due (they may have logged their hours since), renders, sends, records the key, commits.
 *
 * So an email goes out once per (person, kind, period) whatever BullMQ retries, and two jobs
 * for the same key never run side by side. As in the email worker, the one window left is a
 * crash after the SMTP server accepted the message and before the commit; we accept a rare
 * duplicate reminder there rather than risk a lost one.
 */
import { DelayedError, Queue, UnrecoverableError, type Job } from "bullmq";
import { db } from "~/db/client.server.ts";
import { formatLongDate, todayInEngland } from "~/domain/dates.ts";
import { STUCK_AFTER_DAYS } from "~/domain/progress-log.ts";
import {
  INBOX_WAITING_DAYS,
  KIND_CATEGORY,
  mayReceive,
  nextSendTime,
  otjLogKind,
  parsePrefs,
  reminderDedupeKey,
  TUTOR_DUE_SOON_DAYS,
  type ReminderKind,
} from "~/domain/reminders.ts";
import { REMINDER_JOB_NAME, reminderJobData, SCHEDULED_JOBS } from "~/jobs/definitions.ts";
import { queuePrefix } from "~/jobs/queues.server.ts";
import { renderEmail, type RenderedEmail } from "~/mail/render.server.ts";
import { unsubscribeUrl } from "~/models/notification-prefs.server.ts";
import { dueFor, type ReminderContent } from "~/models/reminders.server.ts";
import { logger } from "~/utils/logger.server.ts";
import { defineWorker, type QueueWorkerOptions } from "./define-worker.ts";
import { mailDeps, type EmailDeps, type MailOptions } from "./email-worker.ts";
import { runSweep, type SweepOptions } from "./reminder-sweep.ts";
import { recordScheduledRuns } from "./schedules.ts";

const log = logger.child({ component: "reminder-worker" });

export type ReminderDeps = EmailDeps & { now: () => Date };

export type ReminderOutcome = { outcome: "sent" | "already-sent" | "opted-out" | "nothing-due" | "no-such-person" };

async function compose(
  kind: ReminderKind,
  content: ReminderContent[ReminderKind],
  firstName: string,
  base: string,
  unsubscribe: string,
): Promise<{ email: RenderedEmail; logKind: string }> {
  switch (kind) {
    case "otj-reminder": {
      const c = content as ReminderContent["otj-reminder"];
      const main = c.reminders.find((r) => r.rag === c.rag) ?? c.reminders[0];
      const reasons = [...new Set(c.reminders.flatMap((r) => r.reasons))];
      const email = await renderEmail("apprentice-otj-reminder", {
        firstName,
        reasons,
        rag: main.rag,
        actualHours: main.actualHours,
        requiredHours: main.requiredHours,
        plannedHours: main.plannedHours,
        daysSinceOtj: main.daysSinceOtj,
        hadAnyOtj: main.hadAnyOtj,
        logUrl: `${base}/log`,
        unsubscribeUrl: unsubscribe,
      });
      return { email, logKind: otjLogKind(c.rag) };
    }
    case "review-due": {
      const c = content as ReminderContent["review-due"];
      const email = await renderEmail("review-due", {
        firstName,
        reviews: c.reviews.map((r) => ({
          sequence: r.sequence,
          dueOnLabel: formatLongDate(r.dueOn),
          reason: r.reason,
          url: `${base}/reviews/${r.reviewId}`,
        })),
        unsubscribeUrl: unsubscribe,
      });
      return { email, logKind: kind };
    }
    case "inbox-digest": {
      const c = content as ReminderContent["inbox-digest"];
      const email = await renderEmail("inbox-digest", {
        firstName,
        counts: { otj: c.otj, reviews: c.reviews, placements: c.placements, feedback: c.feedback, gateway: c.gateway },
        waitingDays: INBOX_WAITING_DAYS,
        inboxUrl: `${base}/employer/inbox`,
        unsubscribeUrl: unsubscribe,
      });
      return { email, logKind: kind };
    }
    case "teacher-digest": {
      const c = content as ReminderContent["teacher-digest"];
      const email = await renderEmail("teacher-weekly-digest", {
        firstName,
        classes: c.classes.map((k) => ({
          name: k.className,
          stuckPupils: k.stuckPupils,
          entriesToVerify: k.entriesToVerify,
          url: `${base}/classes/${k.classId}`,
        })),
        stuckDays: STUCK_AFTER_DAYS,
        verifyUrl: `${base}/verify`,
        unsubscribeUrl: unsubscribe,
      });
      return { email, logKind: kind };
    }
    case "tutor-digest": {
      const c = content as ReminderContent["tutor-digest"];
      const email = await renderEmail("tutor-caseload-digest", {
        firstName,
        ...c,
        dueSoonDays: TUTOR_DUE_SOON_DAYS,
        reviewsUrl: `${base}/reviews`,
        unsubscribeUrl: unsubscribe,
      });
      return { email, logKind: kind };
    }
  }
  throw new UnrecoverableError(`no template for ${kind satisfies never}`);
}

/** Sends one person's reminder once. Exported for tests and the bench; the Worker calls it. */
export async function sendReminder(data: unknown, deps: ReminderDeps): Promise<ReminderOutcome> {
  const parsed = reminderJobData.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError("reminder job data is not { userId, kind, period }");
  const { userId, kind, period } = parsed.data;
  const dedupeKey = reminderDedupeKey(userId, kind, period);
  const now = deps.now();
  const today = todayInEngland(now);
  const base = deps.appUrl.replace(/\/$/, "");

  return db().$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${dedupeKey}, 0))`;
      const previous = await tx.notificationLog.findUnique({ where: { dedupeKey }, select: { status: true } });
      if (previous) return { outcome: "already-sent" as const };

      const user = await tx.user.findUnique({
        where: { id: userId },
        select: {
          email: true,
          firstName: true,
          disabledAt: true,
          erasedAt: true,
          notificationPrefs: true,
          memberships: { select: { role: true, organisation: { select: { pupilRemindersEnabled: true } } } },
        },
      });
      if (!user) return { outcome: "no-such-person" as const };
      const pupilSchools = user.memberships
        .filter((m) => m.role === "PUPIL")
        .map((m) => m.organisation.pupilRemindersEnabled);
      const recipient = {
        email: user.email,
        disabled: Boolean(user.disabledAt),
        erased: Boolean(user.erasedAt),
        prefs: parsePrefs(user.notificationPrefs),
        pupilSchoolsEnabled: pupilSchools.length ? pupilSchools : null,
      };
      if (!mayReceive(recipient, kind)) return { outcome: "opted-out" as const };

      const content = (await dueFor(kind, now, today, { userIds: [userId], client: tx })).get(userId);
      if (!content) return { outcome: "nothing-due" as const };

      const unsubscribe = unsubscribeUrl(base, userId, KIND_CATEGORY[kind]);
      const { email, logKind } = await compose(kind, content, user.firstName, base, unsubscribe);
      // Throws on a mail server failure: the transaction rolls back and BullMQ retries.
      await deps.transport.sendMail({
        from: deps.from,
        to: user.email!,
        subject: email.subject,
        html: email.html,
        text: email.text,
        headers: {
          "X-Entity-Ref-ID": dedupeKey,
          // RFC 8058 one-click unsubscribe (RFC 2369 link + the POST marker).
          "List-Unsubscribe": `<${unsubscribe}>`,
          "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
      });
      await tx.notificationLog.create({ data: { dedupeKey, kind: logKind, userId, status: "sent" } });
      log.info({ kind, period }, "reminder sent");
      return { outcome: "sent" as const };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

export type RemindersWorkerOptions = QueueWorkerOptions &
  MailOptions & {
    /** The clock (quiet hours, "today"); tests inject one. */
    now?: () => Date;
    /** Passed to the sweeps (tests shorten the backoff of the jobs they add). */
    sweep?: Pick<SweepOptions, "jobOptions" | "chunkSize">;
  };

/** The processor: exported so tests can drive it with a fake job. */
export function reminderProcessor(
  deps: ReminderDeps,
  sweepQueue: () => Queue,
  sweep: RemindersWorkerOptions["sweep"] = {},
) {
  return async (job: Job, token?: string) => {
    if (job.name === REMINDER_JOB_NAME) {
      if (!reminderJobData.safeParse(job.data).success)
        throw new UnrecoverableError("reminder job data is not { userId, kind, period }");
      const now = deps.now();
      const at = nextSendTime(now);
      if (at.getTime() > now.getTime()) {
        // Quiet hours: the same job waits until 07:00 UK time; no attempt is used up.
        await job.moveToDelayed(at.getTime(), token);
        throw new DelayedError();
      }
      return sendReminder(job.data, deps);
    }
    if (job.name === "reminders.daily-sweep" || job.name === "reminders.weekly-digest") {
      SCHEDULED_JOBS[job.name].payload.parse(job.data ?? {});
      return runSweep(job.name === "reminders.daily-sweep" ? "daily" : "weekly", {
        queue: sweepQueue(),
        now: deps.now(),
        ...sweep,
      });
    }
    throw new UnrecoverableError(`unknown reminders job ${job.name}`);
  };
}

export const { create: createRemindersWorker, start: startRemindersWorker } = defineWorker<RemindersWorkerOptions>({
  queue: "reminders",
  concurrency: 5,
  log,
  setup: (options) => {
    const deps: ReminderDeps = { ...mailDeps(options), now: options.now ?? (() => new Date()) };
    // The sweeps add their jobs through a queue handle of their own, opened on first use.
    let queue: Queue | undefined;
    const sweepQueue = () => {
      if (!queue) {
        queue = new Queue("reminders", { connection: options.connection, prefix: options.prefix ?? queuePrefix() });
        queue.on("error", (error) => log.debug({ err: error.message }, "reminders queue error"));
      }
      return queue;
    };
    return {
      processor: reminderProcessor(deps, sweepQueue, options.sweep),
      onClosed: () => void queue?.close().catch(() => undefined),
    };
  },
  listeners: [recordScheduledRuns],
});
