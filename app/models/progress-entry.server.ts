/**
 * One progress entry: the shape every view of an entry shares (EntrySummary), the error a refused
 * entry carries, and reading one entry with every version of it (the ledger behind one line of
 * the learner's page). Reach: app/auth/reach.server.ts `progressEntriesReadableBy`; outside it, 404.
 * The ledger's rules are in app/models/progress-ledger.server.ts.
 */
import { db } from "~/db/client.server.ts";
import { Prisma } from "~/generated/prisma/client.ts";
import type { EntryKind, EntryStatus } from "~/generated/prisma/enums.ts";
import type { Actor } from "~/auth/permissions.ts";
import { progressEntriesReadableBy, progressEntriesVerifiableBy } from "~/auth/reach.server.ts";
import { toIsoDate, type IsoDate } from "~/domain/dates.ts";
import type { FieldErrors } from "~/domain/progress-log.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";

export class ProgressError extends Error {
  constructor(readonly fields: FieldErrors) {
    super(Object.values(fields)[0] ?? "The entry could not be saved.");
  }
}

// ───────────────────────────── the shape of an entry ─────────────────────────────

export type EntrySummary = {
  id: string;
  kind: EntryKind;
  occurredOn: IsoDate;
  minutes: number;
  description: string;
  activityType: string | null;
  ksbCodes: string[];
  atWork: boolean;
  evidenceUrl: string | null;
  moduleId: string | null;
  moduleTitle: string | null;
  credentialCode: string | null;
  status: EntryStatus;
  version: number;
  verifierComment: string | null;
  supervisorConfirmedAt: Date | null;
};

export const SUMMARY_SELECT = {
  id: true,
  kind: true,
  occurredOn: true,
  minutes: true,
  description: true,
  activityType: true,
  ksbCodes: true,
  atWork: true,
  evidenceUrl: true,
  moduleId: true,
  module: { select: { title: true } },
  credentialCode: true,
  status: true,
  version: true,
  verifierComment: true,
  supervisorConfirmedAt: true,
} satisfies Prisma.ProgressEntrySelect;

type SummaryRow = Prisma.ProgressEntryGetPayload<{ select: typeof SUMMARY_SELECT }>;

export function toSummary(row: SummaryRow): EntrySummary {
  const { module, occurredOn, ...rest } = row;
  return { ...rest, occurredOn: toIsoDate(occurredOn), moduleTitle: module?.title ?? null };
}

// ───────────────────────────── reading one entry ─────────────────────────────

export async function getEntry(actor: Actor, entryId: string) {
  if (!isUuid(entryId)) notFound();
  const row = await db().progressEntry.findFirst({
    where: { AND: [{ id: entryId }, progressEntriesReadableBy(actor)] },
    select: {
      ...SUMMARY_SELECT,
      learnerId: true,
      supersededAt: true,
      apprenticeshipId: true,
      learner: { select: { firstName: true, lastName: true } },
    },
  });
  if (!row) notFound();
  const { learner, learnerId, supersededAt, apprenticeshipId, ...summary } = row;
  return {
    ...toSummary(summary),
    learnerId,
    learnerName: fullName(learner),
    apprenticeshipId,
    supersededAt,
    isOwn: learnerId === actor.userId,
    canCorrect:
      supersededAt === null &&
      (learnerId === actor.userId || (await inScope(actor, entryId, progressEntriesVerifiableBy(actor)))),
  };
}

async function inScope(actor: Actor, entryId: string, where: Prisma.ProgressEntryWhereInput | null): Promise<boolean> {
  if (!where) return false;
  return (await db().progressEntry.count({ where: { AND: [{ id: entryId }, where] } })) > 0;
}

export type EntryVersion = EntrySummary & {
  createdAt: Date;
  createdByName: string;
  correctionReason: string | null;
  supersededAt: Date | null;
  supersedesId: string | null;
  verifiedAt: Date | null;
  verifiedByName: string | null;
  supervisorConfirmedByName: string | null;
};

const VERSION_SELECT = {
  ...SUMMARY_SELECT,
  createdAt: true,
  correctionReason: true,
  supersededAt: true,
  supersedesId: true,
  verifiedAt: true,
  supervisorConfirmedById: true,
  createdBy: { select: { firstName: true, lastName: true } },
  verifiedBy: { select: { firstName: true, lastName: true } },
} satisfies Prisma.ProgressEntrySelect;

/** Every version of an entry, oldest first (the ledger behind one line on the dashboard). */
export async function entryHistory(actor: Actor, entryId: string): Promise<EntryVersion[]> {
  if (!isUuid(entryId)) notFound();
  const scope = progressEntriesReadableBy(actor);
  const start = await db().progressEntry.findFirst({
    where: { AND: [{ id: entryId }, scope] },
    select: { id: true, learnerId: true },
  });
  if (!start) notFound();
  // The chain of one entry: walk back to the first version, then forward. Versions are few.
  const rows = await db().$queryRaw<{ id: string }[]>`
    WITH RECURSIVE back AS (
      SELECT id, supersedes_id FROM progress_entries WHERE id = ${start.id}::uuid
      UNION ALL
      SELECT p.id, p.supersedes_id FROM progress_entries p JOIN back b ON p.id = b.supersedes_id
    ), root AS (SELECT id FROM back WHERE supersedes_id IS NULL),
    fwd AS (
      SELECT id FROM root
      UNION ALL
      SELECT p.id FROM progress_entries p JOIN fwd f ON p.supersedes_id = f.id
    )
    SELECT id FROM fwd`;
  const versions = await db().progressEntry.findMany({
    where: { id: { in: rows.map((r) => r.id) }, learnerId: start.learnerId },
    select: VERSION_SELECT,
    orderBy: { version: "asc" },
  });
  const confirmerIds = [
    ...new Set(versions.map((v) => v.supervisorConfirmedById).filter((v): v is string => v !== null)),
  ];
  const confirmers = new Map(
    (
      await db().user.findMany({
        where: { id: { in: confirmerIds } },
        select: { id: true, firstName: true, lastName: true },
      })
    ).map((u) => [u.id, fullName(u)]),
  );
  return versions.map((v) => {
    const {
      createdBy,
      verifiedBy,
      supervisorConfirmedById,
      createdAt,
      correctionReason,
      supersededAt,
      supersedesId,
      verifiedAt,
      ...summary
    } = v;
    return {
      ...toSummary(summary),
      createdAt,
      correctionReason,
      supersededAt,
      supersedesId,
      verifiedAt,
      createdByName: fullName(createdBy),
      verifiedByName: verifiedBy ? fullName(verifiedBy) : null,
      supervisorConfirmedByName: supervisorConfirmedById ? (confirmers.get(supervisorConfirmedById) ?? null) : null,
    };
  });
}
