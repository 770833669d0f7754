/**
 * Corrections: a correction of a progress entry is a new version (version + 1, supersedes_id → the
 * old row), which goes back to PENDING; the old row is untouched except superseded_at, both in one
 * transaction. Withdrawing is a version that no longer counts. Reach: app/auth/reach.server.ts
 * `progressEntriesCorrectableBy` (the learner, and a verifier in reach; never a supervisor).
 */
import { db } from "~/db/client.server.ts";
import type { Actor } from "~/auth/permissions.ts";
import { progressEntriesCorrectableBy } from "~/auth/reach.server.ts";
import { toIsoDate, type IsoDate } from "~/domain/dates.ts";
import { audit } from "~/utils/audit.server.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";
import { ProgressError, SUMMARY_SELECT, toSummary } from "~/models/progress-entry.server.ts";
import { assertOtjDayFits, validateEntry } from "~/models/progress-ledger.server.ts";

export type EntryChanges = Partial<{
  occurredOn: string;
  minutes: number | string;
  description: string;
  activityType: string;
  ksbCodes: string[];
  atWork: boolean | "yes" | "no";
  evidenceUrl: string;
  moduleId: string;
  enrolmentId: string;
  credentialCode: string;
}>;

/**
 * Corrects an entry: a new version (version + 1, supersedes_id → old) returns to PENDING; the old
 * row is untouched except superseded_at. `withdraw` records a version that no longer counts
 * (status REJECTED, the reason as the comment), which is how a learner undoes an entry.
 * Allowed for the learner and for a verifier in scope (never for a supervisor).
 */
export async function correctEntry(
  actor: Actor,
  entryId: string,
  changes: EntryChanges,
  reason: string,
  options: { withdraw?: boolean; today?: IsoDate } = {},
) {
  if (!isUuid(entryId)) notFound();
  const scope = progressEntriesCorrectableBy(actor);
  const old = await db().progressEntry.findFirst({
    where: { AND: [{ id: entryId }, scope] },
    select: { ...SUMMARY_SELECT, learnerId: true, supersededAt: true, enrolmentId: true, apprenticeshipId: true },
  });
  if (!old) notFound();
  const why = reason.trim();
  if (!why)
    throw new ProgressError({
      reason: options.withdraw ? "Say why you are removing this entry." : "Say why you are correcting this entry.",
    });
  if (why.length > 500) throw new ProgressError({ reason: "Keep the reason to 500 characters or fewer." });
  if (old.supersededAt)
    throw new ProgressError({
      form: "This entry has been corrected since you opened it. Open the latest version and try again.",
    });

  const merged: Record<string, unknown> = { kind: old.kind, occurredOn: toIsoDate(old.occurredOn) };
  if (old.kind === "MODULE_COMPLETED") merged.moduleId = old.moduleId;
  if (old.kind === "LEARNING_TIME")
    Object.assign(merged, {
      minutes: old.minutes,
      enrolmentId: old.enrolmentId ?? undefined,
      moduleId: old.moduleId ?? undefined,
      description: old.description,
    });
  if (old.kind === "CREDENTIAL")
    Object.assign(merged, { credentialCode: old.credentialCode, evidenceUrl: old.evidenceUrl ?? undefined });
  if (old.kind === "OTJ_ACTIVITY") {
    Object.assign(merged, {
      apprenticeshipId: old.apprenticeshipId ?? undefined,
      minutes: old.minutes,
      activityType: old.activityType,
      description: old.description,
      ksbCodes: old.ksbCodes,
      atWork: old.atWork ? "yes" : "no",
      evidenceUrl: old.evidenceUrl ?? undefined,
    });
  }
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    merged[key] = key === "atWork" && typeof value === "boolean" ? (value ? "yes" : "no") : value;
  }
  const { content } = options.withdraw
    ? { content: null }
    : await validateEntry(old.learnerId, merged, { excludeEntryId: old.id, today: options.today });

  const now = new Date();
  return db().$transaction(async (tx) => {
    const stamped = await tx.progressEntry.updateMany({
      where: { id: old.id, supersededAt: null },
      data: { supersededAt: now },
    });
    if (stamped.count !== 1)
      throw new ProgressError({
        form: "This entry has been corrected since you opened it. Open the latest version and try again.",
      });
    if (content?.kind === "OTJ_ACTIVITY")
      await assertOtjDayFits(tx, old.learnerId, content.occurredOn, content.minutes);
    const full = await tx.progressEntry.findUniqueOrThrow({ where: { id: old.id } });
    const row = await tx.progressEntry.create({
      data: {
        learnerId: full.learnerId,
        kind: full.kind,
        enrolmentId: content ? content.enrolmentId : full.enrolmentId,
        apprenticeshipId: content ? content.apprenticeshipId : full.apprenticeshipId,
        moduleId: content ? content.moduleId : full.moduleId,
        credentialCode: content ? content.credentialCode : full.credentialCode,
        occurredOn: content ? content.occurredOn : full.occurredOn,
        minutes: content ? content.minutes : full.minutes,
        activityType: content ? content.activityType : full.activityType,
        description: content ? content.description : full.description,
        ksbCodes: content ? content.ksbCodes : full.ksbCodes,
        evidenceUrl: content ? content.evidenceUrl : full.evidenceUrl,
        atWork: content ? content.atWork : full.atWork,
        status: options.withdraw ? "REJECTED" : "PENDING",
        verifiedById: options.withdraw ? actor.userId : null,
        verifiedAt: options.withdraw ? now : null,
        verifierComment: options.withdraw ? `Removed: ${why}` : null,
        version: full.version + 1,
        supersedesId: full.id,
        correctionReason: why,
        createdById: actor.userId,
      },
      select: SUMMARY_SELECT,
    });
    await audit(
      {
        actorId: actor.userId,
        action: options.withdraw ? "entry.withdraw" : "entry.correct",
        subjectType: "progress_entry",
        subjectId: row.id,
        metadata: {
          learnerId: full.learnerId,
          supersedesId: full.id,
          version: row.version,
          ...(full.apprenticeshipId ? { apprenticeshipId: full.apprenticeshipId } : {}),
        },
      },
      tx,
    );
    return toSummary(row);
  });
}
