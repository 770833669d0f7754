/**
 * Background class-list import (topic "import.class-list", queue "imports"): files over
 * BACKGROUND_THRESHOLD rows. The payload is the import job id only; the file is read from
 * import_jobs. The write is the same function the web app uses for small files
 * (runClassImport: one transaction, all or nothing); progress is written after each chunk on a
 * separate connection so the teacher's progress bar moves while the data write stays atomic.
 *
 * Idempotent under redelivery: a job already "done" is skipped, and runs of the same job are
 * serialised by an advisory lock inside runClassImport.
 */
import { UnrecoverableError, type Job } from "bullmq";
import { db } from "~/db/client.server.ts";
import { OUTBOX_TOPICS, outboxJobData } from "~/jobs/definitions.ts";
import { markOutboxDone } from "~/jobs/outbox.server.ts";
import { ImportError, markImportFailed, runClassImport, type ImportResult } from "~/models/class-import.server.ts";
import { logger } from "~/utils/logger.server.ts";
import { defineWorker } from "./define-worker.ts";
import { markGivenUpOutboxJobs } from "./relay.ts";

const log = logger.child({ component: "imports-worker" });

export type ProcessOutcome =
  { status: "done"; result: ImportResult } | { status: "skipped" | "failed"; reason: string };

export async function processClassImport(
  importJobId: string,
  options: { finalAttempt?: boolean } = {},
): Promise<ProcessOutcome> {
  ({ importJobId } = OUTBOX_TOPICS["import.class-list"].payload.parse({ importJobId }));
  const job = await db().importJob.findUnique({
    where: { id: importJobId },
    select: { id: true, kind: true, status: true, organisationId: true, createdById: true },
  });
  if (!job || job.kind !== "class-list") return { status: "skipped", reason: "no such class-list import" };
  if (!["queued", "running"].includes(job.status)) return { status: "skipped", reason: `import is ${job.status}` };

  // The teacher who confirmed must still manage classes at that school (and it not be suspended).
  const stillAllowed = await db().membership.findFirst({
    where: {
      userId: job.createdById,
      organisationId: job.organisationId,
      role: { in: ["TEACHER", "SCHOOL_ADMIN"] },
      organisation: { status: { not: "SUSPENDED" } },
      user: { disabledAt: null },
    },
    select: { id: true },
  });
  if (!stillAllowed) {
    await markImportFailed(job.id, "The person who started this import no longer manages classes at this school.");
    return { status: "failed", reason: "not allowed" };
  }

  await db().importJob.updateMany({
    where: { id: job.id, status: { in: ["queued", "running"] } },
    data: { status: "running", processedRows: 0 },
  });
  try {
    const result = await runClassImport(job.id, {
      from: ["running"],
      onProgress: async (processedRows) => {
        await db().importJob.updateMany({ where: { id: job.id, status: "running" }, data: { processedRows } });
      },
    });
    return { status: "done", result };
  } catch (error) {
    if (error instanceof ImportError) {
      await markImportFailed(job.id, error.message);
      return { status: "failed", reason: error.message };
    }
    if (options.finalAttempt ?? true) {
      await markImportFailed(
        job.id,
        "The import could not be completed, and nothing was saved. Please upload the file again.",
      );
    }
    throw error;
  }
}

/** A BullMQ job from the relay: `{ outboxId }`; the outbox row holds `{ importJobId }`. */
export async function handleImportJob(data: unknown, attempt: { made: number; max: number }) {
  const parsed = outboxJobData.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError("imports job without a valid outboxId");
  const row = await db().outboxMessage.findUnique({
    where: { id: parsed.data.outboxId },
    select: { topic: true, payload: true },
  });
  if (!row || row.topic !== "import.class-list") return { status: "skipped" as const, reason: "no such outbox row" };
  const payload = OUTBOX_TOPICS["import.class-list"].payload.safeParse(row.payload);
  if (!payload.success) throw new UnrecoverableError("import.class-list outbox row with an invalid payload");
  const outcome = await processClassImport(payload.data.importJobId, { finalAttempt: attempt.made + 1 >= attempt.max });
  // Before returning: a job BullMQ records as completed always has a done row (decision 027).
  await markOutboxDone(parsed.data.outboxId);
  log.info({ importJobId: payload.data.importJobId, status: outcome.status }, "class-list import processed");
  return outcome;
}

export const { create: createImportsWorker, start: startImportsWorker } = defineWorker({
  queue: "imports",
  // One import at a time per process: each holds a long transaction and a pool connection.
  concurrency: 1,
  log,
  setup: () => ({
    processor: (job: Job) => handleImportJob(job.data, { made: job.attemptsMade, max: job.opts.attempts ?? 1 }),
  }),
  listeners: [markGivenUpOutboxJobs],
});
