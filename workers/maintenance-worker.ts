/**
 * The "maintenance" queue: housekeeping created by job schedulers (workers/schedules.ts).
 * The purge of expired sessions, old one-time tokens and long-done outbox rows, and the retention purge of evidence
 * and pupil records past their retention date (app/models/retention.server.ts). Counts, never
 * people, go to the audit log.
 */
import { UnrecoverableError, type Job } from "bullmq";
import { db } from "~/db/client.server.ts";
import { sessionPolicy } from "~/auth/session.server.ts";
import { SCHEDULED_JOBS, type ScheduledJobName } from "~/jobs/definitions.ts";
import { purgeExpiredRecords } from "~/models/retention.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { logger } from "~/utils/logger.server.ts";
import { defineWorker } from "./define-worker.ts";
import { recordScheduledRuns } from "./schedules.ts";

const log = logger.child({ component: "maintenance-worker" });

/** Used or expired tokens are kept this long (support questions: "my link did not work"). */
export const TOKEN_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** Done outbox rows are kept this long (support questions: "was the email sent?"). */
export const OUTBOX_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Deletes sessions past their absolute expiry or idle for longer than any policy allows, auth
 * tokens used or expired more than TOKEN_RETENTION_MS ago, and outbox rows done more than
 * OUTBOX_RETENTION_MS ago (one per email: the table would otherwise grow for ever). Rows not
 * done, handed to Redis or not, are never touched: they may still need handing over again.
 * Idempotent: a second run the same day deletes nothing more.
 */
export async function purgeAuthData(now: Date = new Date()) {
  const longestIdleMs = Math.max(sessionPolicy(true).idleMs, sessionPolicy(false).idleMs);
  const idleCutoff = new Date(now.getTime() - longestIdleMs);
  const tokenCutoff = new Date(now.getTime() - TOKEN_RETENTION_MS);
  return db().$transaction(async (tx) => {
    const sessions = await tx.session.deleteMany({
      where: { OR: [{ expiresAt: { lte: now } }, { lastActiveAt: { lte: idleCutoff } }] },
    });
    const tokens = await tx.authToken.deleteMany({
      where: { OR: [{ usedAt: { lte: tokenCutoff } }, { expiresAt: { lte: tokenCutoff } }] },
    });
    const outbox = await tx.outboxMessage.deleteMany({
      where: { doneAt: { lte: new Date(now.getTime() - OUTBOX_RETENTION_MS) } },
    });
    const counts = { sessions: sessions.count, tokens: tokens.count, outboxMessages: outbox.count };
    await audit({ actorId: null, action: "maintenance.purge-auth", subjectType: "system", metadata: counts }, tx);
    return counts;
  });
}

export async function handleMaintenanceJob(job: Pick<Job, "name" | "data">) {
  const definition = SCHEDULED_JOBS[job.name as ScheduledJobName];
  if (!definition || definition.queue !== "maintenance")
    throw new UnrecoverableError(`unknown maintenance job ${job.name}`);
  definition.payload.parse(job.data ?? {});
  switch (job.name as ScheduledJobName) {
    case "maintenance.purge-auth": {
      const counts = await purgeAuthData();
      log.info(counts, "purged expired sessions, old tokens and long-done outbox rows");
      return counts;
    }
    case "maintenance.retention-purge": {
      const counts = await purgeExpiredRecords();
      log.info(counts, "applied the retention schedule");
      return counts;
    }
  }
}

export const { create: createMaintenanceWorker, start: startMaintenanceWorker } = defineWorker({
  queue: "maintenance",
  concurrency: 1,
  log,
  setup: () => ({ processor: (job: Job) => handleMaintenanceJob(job) }),
  listeners: [recordScheduledRuns],
});
