/**
 * Queue "reports", topic "report.build": a partnership admin pressed "Build now". The relay
 * enqueues `{ outboxId }`; the payload (period and requester ids, nothing personal) is read
 * from the outbox row and parsed again here.
 *
 * Idempotent under redelivery: if the latest snapshot of the period was built by the same
 * person from the same data version after the request was made, that snapshot is the answer and
 * no new version is written.
 */
import { UnrecoverableError } from "bullmq";
import { db } from "~/db/client.server.ts";
import { OUTBOX_TOPICS, outboxJobData } from "~/jobs/definitions.ts";
import { markOutboxDone } from "~/jobs/outbox.server.ts";
import { parsePeriod } from "~/domain/report-period.ts";
import { buildSnapshot } from "~/models/reports.server.ts";
import { dataVersion } from "~/models/report-measures.server.ts";
import { logger } from "~/utils/logger.server.ts";

const log = logger.child({ component: "report-build" });

export async function processReportBuild(payload: unknown, options: { requestedAt?: Date } = {}) {
  const parsed = OUTBOX_TOPICS["report.build"].payload.safeParse(payload);
  if (!parsed.success) throw new UnrecoverableError("report.build with an invalid payload");
  const { periodType, periodKey, requestedById } = parsed.data;
  const period = parsePeriod(periodType, periodKey);
  if (!period) throw new UnrecoverableError("report.build for an unknown period");

  // Still allowed? A requester who lost the role since pressing the button gets no build.
  const allowed = await db().membership.findFirst({
    where: {
      userId: requestedById,
      role: "PARTNERSHIP_ADMIN",
      user: { disabledAt: null },
      organisation: { status: { not: "SUSPENDED" } },
    },
    select: { id: true },
  });
  if (!allowed) return { status: "skipped" as const, reason: "requester may no longer build reports" };

  if (options.requestedAt) {
    const latest = await db().reportSnapshot.findFirst({
      where: { periodType, periodKey, builtById: requestedById, builtAt: { gte: options.requestedAt } },
      orderBy: { version: "desc" },
      select: { id: true, version: true, dataVersion: true },
    });
    if (latest && latest.dataVersion === (await dataVersion()))
      return { status: "done" as const, snapshotId: latest.id, version: latest.version, reused: true };
  }
  const started = performance.now();
  const snapshot = await buildSnapshot(period, requestedById);
  log.info(
    {
      snapshotId: snapshot.id,
      periodType,
      periodKey,
      version: snapshot.version,
      ms: Math.round(performance.now() - started),
    },
    "report snapshot built",
  );
  return { status: "done" as const, snapshotId: snapshot.id, version: snapshot.version, reused: false };
}

/** A BullMQ job from the relay: `{ outboxId }` → the outbox row's payload → processReportBuild. */
export async function handleReportBuildJob(data: unknown) {
  const parsed = outboxJobData.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError("reports job without a valid outboxId");
  const row = await db().outboxMessage.findUnique({
    where: { id: parsed.data.outboxId },
    select: { topic: true, payload: true, createdAt: true },
  });
  if (!row || row.topic !== "report.build") return { status: "skipped" as const, reason: "no such outbox row" };
  const outcome = await processReportBuild(row.payload, { requestedAt: row.createdAt });
  // Before returning: a job BullMQ records as completed always has a done row (decision 027).
  await markOutboxDone(parsed.data.outboxId);
  return outcome;
}
