/**
 * The progress ledger: learners log progress, teachers/tutors verify it, workplace supervisors
 * confirm off-the-job (OTJ) training done at work, and every correction is a new version.
 *
 * Append-only. An entry's content is never updated in place: `correctEntry` inserts version n+1
 * (supersedes_id → the old row) and stamps the old row's superseded_at, in one transaction. The
 * only columns set after insert are the verification decision (status, verified_by/at, comment),
 * the supervisor's confirmation (supervisor_confirmed_by/at) and superseded_at.
 *
 * What counts (hours, completions, OTJ actual, reports): one rule, app/domain/counting.ts (the
 * latest version, verified, and for OTJ done at work also confirmed by the workplace supervisor).
 * Decision (docs/decisions/014-progress-ledger-and-otj-verification.md):
 * the tutor verifies every apprentice entry; an at-work OTJ activity additionally needs the
 * supervisor's confirmation, in either order. A supervisor may reject an at-work activity that did
 * not happen at work; the learner sees the reason either way.
 *
 * Tenancy: each function takes the actor; the actor's reach (app/auth/reach.server.ts) is part of
 * every query's `where`.
 *   - learner: their own entries;
 *   - teacher (progress:verify at a SCHOOL): entries of pupils and colleagues of their school,
 *     never their own, never OTJ;
 *   - tutor (progress:verify at a PROVIDER): entries of apprentices on their caseload
 *     (apprenticeship.tutor_id = the tutor);
 *   - supervisor / employer admin (otj:confirm): OTJ entries of apprentices they supervise
 *     (supervisor_id) or, for employer admins, placed with their employer;
 *   - partnership admin (audit:read): read-only, for audits.
 * Anything outside reach is a 404.
 */
import { db, type Tx } from "~/db/client.server.ts";
import { Prisma } from "~/generated/prisma/client.ts";
import type { EntryKind, EntryStatus } from "~/generated/prisma/enums.ts";
import { can, type Actor } from "~/auth/permissions.ts";
import { apprenticeshipsVisibleTo, mayLogOtj, progressEntriesConfirmableBy, progressEntriesCorrectableBy, progressEntriesReadableBy, progressEntriesVerifiableBy, providersWhereTutoring, schoolsWhereTeaching } from "~/auth/reach.server.ts";
import { closeBreaks, formatLongDate, isBefore, isCovered, toIsoDate, toUtcDate, type IsoDate, todayInEngland } from "~/domain/dates.ts";
import { creditedCredential } from "~/domain/credentials.ts";
import { entryCounts } from "~/domain/counting.ts";
import { planFullySignedAt } from "~/domain/training-plan.ts";
import { otjDayLimitRefusal, otjSeries, otjStatus, type OtjSeriesPoint, type OtjStatus } from "~/domain/otj.ts";
import { ENGLISH_MATHS_REFUSAL, fieldErrorsOf, LogEntrySchema, type FieldErrors, type LogEntryData } from "~/domain/progress-log.ts";
import { COUNTING_SQL, COUNTING_WHERE, LOGGED_BEFORE_PLAN_SIGNED_SQL } from "~/models/rule-sql.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";

export class ProgressError extends Error {
  constructor(readonly fields: FieldErrors) {
    super(Object.values(fields)[0] ?? "The entry could not be saved.");
  }
}

// ───────────────────────────── logging ─────────────────────────────

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

const SUMMARY_SELECT = {
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

function toSummary(row: SummaryRow): EntrySummary {
  const { module, occurredOn, ...rest } = row;
  return { ...rest, occurredOn: toIsoDate(occurredOn), moduleTitle: module?.title ?? null };
}

/** The row to insert, once validated against the learner's enrolments and apprenticeship. */
type EntryContent = {
  kind: EntryKind;
  enrolmentId: string | null;
  apprenticeshipId: string | null;
  moduleId: string | null;
  credentialCode: string | null;
  occurredOn: Date;
  minutes: number;
  activityType: string | null;
  description: string;
  ksbCodes: string[];
  evidenceUrl: string | null;
  atWork: boolean;
};

/**
 * Validates an entry for a learner, field by field, against the database. `excludeEntryId` is the
 * entry being corrected (so "already logged" does not trip over itself).
 */
async function validateEntry(learnerId: string, raw: unknown, options: { excludeEntryId?: string; today?: IsoDate } = {}): Promise<{ data: LogEntryData; content: EntryContent }> {
  const parsed = LogEntrySchema.safeParse(raw);
  if (!parsed.success) {
    const errors = fieldErrorsOf(parsed.error);
    // The English/maths refusal is the message a learner needs, whatever else is wrong.
    throw new ProgressError(errors);
  }
  const data = parsed.data;
  const today = options.today ?? todayInEngland();
  const errors: FieldErrors = {};
  if (isBefore(today, data.occurredOn)) errors.occurredOn = "The date cannot be in the future.";
  else if (isBefore(data.occurredOn, "2000-01-01")) errors.occurredOn = "Enter a date from 2000 onwards.";
  const base = { enrolmentId: null, apprenticeshipId: null, moduleId: null, credentialCode: null, occurredOn: toUtcDate(data.occurredOn), minutes: 0, activityType: null, description: "", ksbCodes: [], evidenceUrl: null, atWork: false };
  const notThis = options.excludeEntryId ? { id: { not: options.excludeEntryId } } : {};

  switch (data.kind) {
    case "MODULE_COMPLETED": {
      const enrolment = await db().enrolment.findFirst({
        where: { userId: learnerId, status: { not: "WITHDRAWN" }, pathway: { modules: { some: { moduleId: data.moduleId } } } },
        select: { id: true, pathway: { select: { modules: { where: { moduleId: data.moduleId }, select: { module: { select: { durationMinutes: true, title: true } } } } } } },
        orderBy: { createdAt: "asc" },
      });
      if (!enrolment) throw new ProgressError({ ...errors, moduleId: "Choose a module from one of your pathways." });
      const module = enrolment.pathway.modules[0].module;
      const already = await db().progressEntry.findFirst({
        where: { ...notThis, learnerId, kind: "MODULE_COMPLETED", moduleId: data.moduleId, supersededAt: null, status: { not: "REJECTED" } },
        select: { status: true },
      });
      if (already) errors.moduleId = `You have already logged “${module.title}” (${already.status === "VERIFIED" ? "verified" : "waiting for verification"}).`;
      if (Object.keys(errors).length) throw new ProgressError(errors);
      return { data, content: { ...base, kind: "MODULE_COMPLETED", enrolmentId: enrolment.id, moduleId: data.moduleId, minutes: module.durationMinutes } };
    }
    case "LEARNING_TIME": {
      if (data.enrolmentId) {
        const own = await db().enrolment.findFirst({ where: { id: data.enrolmentId, userId: learnerId }, select: { id: true } });
        if (!own) errors.enrolmentId = "Choose one of your pathways, or none.";
      }
      if (data.moduleId) {
        const module = await db().module.findUnique({ where: { id: data.moduleId }, select: { id: true } });
        if (!module) errors.moduleId = "Choose a module from the list, or none.";
      }
      if (Object.keys(errors).length) throw new ProgressError(errors);
      return { data, content: { ...base, kind: "LEARNING_TIME", enrolmentId: data.enrolmentId ?? null, moduleId: data.moduleId ?? null, minutes: data.minutes, description: data.description } };
    }
    case "CREDENTIAL": {
      const credential = await db().credential.findUnique({ where: { code: data.credentialCode.toUpperCase() }, select: { code: true, name: true, retiredOn: true, successorCode: true } });
      if (!credential) throw new ProgressError({ ...errors, credentialCode: "Choose the exam or credential from the list." });
      if (credential.retiredOn && !errors.occurredOn && isBefore(toIsoDate(credential.retiredOn), data.occurredOn)) {
        errors.credentialCode = `${credential.code} was retired on ${formatLongDate(toIsoDate(credential.retiredOn))}${credential.successorCode ? `; an exam taken after that is ${credential.successorCode}` : ""}.`;
      }
      const already = await db().progressEntry.findFirst({
        where: { ...notThis, learnerId, kind: "CREDENTIAL", credentialCode: credential.code, supersededAt: null, status: { not: "REJECTED" } },
        select: { id: true },
      });
      if (already) errors.credentialCode = `You have already logged ${credential.code}.`;
      if (Object.keys(errors).length) throw new ProgressError(errors);
      return { data, content: { ...base, kind: "CREDENTIAL", credentialCode: credential.code, evidenceUrl: data.evidenceUrl ?? null } };
    }
    case "OTJ_ACTIVITY": {
      if (data.englishMaths) throw new ProgressError({ englishMaths: ENGLISH_MATHS_REFUSAL });
      const apprenticeships = await db().apprenticeship.findMany({
        where: { apprenticeId: learnerId, status: { in: ["ACTIVE", "BREAK"] }, ...(data.apprenticeshipId ? { id: data.apprenticeshipId } : {}) },
        select: { id: true, startDate: true, standard: { select: { reference: true, title: true, ksbs: { select: { code: true } } } }, breaks: { select: { startDate: true, endDate: true } } },
        orderBy: { startDate: "desc" },
      });
      if (apprenticeships.length === 0) throw new ProgressError({ form: "You have no active apprenticeship to log off-the-job training against." });
      if (apprenticeships.length > 1 && !data.apprenticeshipId) throw new ProgressError({ apprenticeshipId: "Choose the apprenticeship this training was for." });
      const a = apprenticeships[0];
      const start = toIsoDate(a.startDate);
      if (!errors.occurredOn && isBefore(data.occurredOn, start)) errors.occurredOn = `Off-the-job training cannot be before your apprenticeship started on ${formatLongDate(start)}.`;
      const breaks = closeBreaks(a.breaks.map((b) => ({ startDate: toIsoDate(b.startDate), endDate: b.endDate ? toIsoDate(b.endDate) : null })), today);
      if (!errors.occurredOn && isCovered(breaks, data.occurredOn)) errors.occurredOn = "You were on a break in learning on that date, so it cannot count as off-the-job training.";
      const known = new Set(a.standard.ksbs.map((k) => k.code.toUpperCase()));
      const codes = [...new Set(data.ksbCodes)];
      const unknown = codes.filter((c) => !known.has(c));
      if (unknown.length) errors.ksbCodes = `${unknown.join(", ")} ${unknown.length === 1 ? "is not a KSB" : "are not KSBs"} of your standard (${a.standard.reference} ${a.standard.title}).`;
      if (Object.keys(errors).length) throw new ProgressError(errors);
      return {
        data,
        content: { ...base, kind: "OTJ_ACTIVITY", apprenticeshipId: a.id, minutes: data.minutes, activityType: data.activityType, description: data.description, ksbCodes: codes, evidenceUrl: data.evidenceUrl ?? null, atWork: data.atWork },
      };
    }
  }
}

function assertCanLog(actor: Actor, kind: unknown) {
  if (!can(actor, "progress:log")) notFound();
  if (kind === "OTJ_ACTIVITY" && !mayLogOtj(actor)) {
    throw new ProgressError({ kind: "Only apprentices log off-the-job training." });
  }
}

/**
 * Logs an entry for the actor (the learner). Idempotent by client_ref: sending the same entry
 * again (an offline queue resend, a double click) returns the first entry and logs nothing new.
 */
export async function logEntry(actor: Actor, input: Record<string, unknown>, options: { today?: IsoDate } = {}): Promise<{ entry: EntrySummary; duplicate: boolean }> {
  assertCanLog(actor, input.kind);
  const clientRef = typeof input.clientRef === "string" && input.clientRef ? input.clientRef : null;
  if (clientRef) {
    const existing = await db().progressEntry.findUnique({ where: { learnerId_clientRef: { learnerId: actor.userId, clientRef } }, select: SUMMARY_SELECT });
    if (existing) return { entry: toSummary(existing), duplicate: true };
  }
  const { content } = await validateEntry(actor.userId, input, options);
  const insert = (client: Tx) => client.progressEntry.create({ data: { ...content, learnerId: actor.userId, createdById: actor.userId, clientRef }, select: SUMMARY_SELECT });
  try {
    const row =
      content.kind === "OTJ_ACTIVITY"
        ? await db().$transaction(async (tx) => {
            await assertOtjDayFits(tx, actor.userId, content.occurredOn, content.minutes);
            return insert(tx);
          })
        : await insert(db());
    return { entry: toSummary(row), duplicate: false };
  } catch (error) {
    // Two resends racing: the unique (learner, client_ref) lets exactly one in.
    if (clientRef && error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const existing = await db().progressEntry.findUnique({ where: { learnerId_clientRef: { learnerId: actor.userId, clientRef } }, select: SUMMARY_SELECT });
      if (existing) return { entry: toSummary(existing), duplicate: true };
    }
    throw error;
  }
}

/**
 * The 24-hour day (otjDayLimitRefusal), checked in the transaction that writes an OTJ entry, after
 * any version it corrects is stamped superseded. The advisory lock, per learner and date, held to
 * the end of the transaction, makes concurrent posts for one day take turns, so each sees the
 * minutes the one before it committed.
 */
async function assertOtjDayFits(tx: Tx, learnerId: string, occurredOn: Date, minutes: number) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`otj-day:${learnerId}:${toIsoDate(occurredOn)}`}, 0))`;
  const logged = await tx.progressEntry.aggregate({
    where: { learnerId, kind: "OTJ_ACTIVITY", occurredOn, supersededAt: null, status: { not: "REJECTED" } },
    _sum: { minutes: true },
  });
  const refusal = otjDayLimitRefusal(logged._sum.minutes ?? 0, minutes);
  if (refusal) throw new ProgressError({ minutes: refusal });
}

// ───────────────────────────── reading one entry ─────────────────────────────

export async function getEntry(actor: Actor, entryId: string) {
  if (!isUuid(entryId)) notFound();
  const row = await db().progressEntry.findFirst({
    where: { AND: [{ id: entryId }, progressEntriesReadableBy(actor)] },
    select: { ...SUMMARY_SELECT, learnerId: true, supersededAt: true, apprenticeshipId: true, learner: { select: { firstName: true, lastName: true } } },
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
    canCorrect: supersededAt === null && (learnerId === actor.userId || (await inScope(actor, entryId, progressEntriesVerifiableBy(actor)))),
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
  const start = await db().progressEntry.findFirst({ where: { AND: [{ id: entryId }, scope] }, select: { id: true, learnerId: true } });
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
  const confirmerIds = [...new Set(versions.map((v) => v.supervisorConfirmedById).filter((v): v is string => v !== null))];
  const confirmers = new Map((await db().user.findMany({ where: { id: { in: confirmerIds } }, select: { id: true, firstName: true, lastName: true } })).map((u) => [u.id, fullName(u)]));
  return versions.map((v) => {
    const { createdBy, verifiedBy, supervisorConfirmedById, createdAt, correctionReason, supersededAt, supersedesId, verifiedAt, ...summary } = v;
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

// ───────────────────────────── corrections ─────────────────────────────

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
export async function correctEntry(actor: Actor, entryId: string, changes: EntryChanges, reason: string, options: { withdraw?: boolean; today?: IsoDate } = {}) {
  if (!isUuid(entryId)) notFound();
  const scope = progressEntriesCorrectableBy(actor);
  const old = await db().progressEntry.findFirst({
    where: { AND: [{ id: entryId }, scope] },
    select: { ...SUMMARY_SELECT, learnerId: true, supersededAt: true, enrolmentId: true, apprenticeshipId: true },
  });
  if (!old) notFound();
  const why = reason.trim();
  if (!why) throw new ProgressError({ reason: options.withdraw ? "Say why you are removing this entry." : "Say why you are correcting this entry." });
  if (why.length > 500) throw new ProgressError({ reason: "Keep the reason to 500 characters or fewer." });
  if (old.supersededAt) throw new ProgressError({ form: "This entry has been corrected since you opened it. Open the latest version and try again." });

  const merged: Record<string, unknown> = { kind: old.kind, occurredOn: toIsoDate(old.occurredOn) };
  if (old.kind === "MODULE_COMPLETED") merged.moduleId = old.moduleId;
  if (old.kind === "LEARNING_TIME") Object.assign(merged, { minutes: old.minutes, enrolmentId: old.enrolmentId ?? undefined, moduleId: old.moduleId ?? undefined, description: old.description });
  if (old.kind === "CREDENTIAL") Object.assign(merged, { credentialCode: old.credentialCode, evidenceUrl: old.evidenceUrl ?? undefined });
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
    const stamped = await tx.progressEntry.updateMany({ where: { id: old.id, supersededAt: null }, data: { supersededAt: now } });
    if (stamped.count !== 1) throw new ProgressError({ form: "This entry has been corrected since you opened it. Open the latest version and try again." });
    if (content?.kind === "OTJ_ACTIVITY") await assertOtjDayFits(tx, old.learnerId, content.occurredOn, content.minutes);
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
        metadata: { learnerId: full.learnerId, supersedesId: full.id, version: row.version, ...(full.apprenticeshipId ? { apprenticeshipId: full.apprenticeshipId } : {}) },
      },
      tx,
    );
    return toSummary(row);
  });
}

// ───────────────────────────── verification ─────────────────────────────

export type Decision = "approve" | "reject";

/**
 * Verifies (teacher, tutor) or confirms (supervisor, employer admin) entries in bulk. Every id
 * must be within the actor's reach, or the whole call is a 404. Entries already decided (or
 * corrected since the list was loaded) are skipped and counted. Reject needs a comment, which
 * the learner sees.
 */
export async function verifyEntries(actor: Actor, entryIds: readonly string[], decision: Decision, comment = "", options: { as?: "verifier" | "supervisor" } = {}) {
  const ids = [...new Set(entryIds)];
  if (ids.length === 0) throw new ProgressError({ entryId: "Select at least one entry." });
  if (ids.length > 500 || ids.some((id) => !isUuid(id))) notFound();
  if (decision !== "approve" && decision !== "reject") throw new ProgressError({ form: "Choose approve or reject." });
  const note = comment.trim();
  if (decision === "reject" && !note) throw new ProgressError({ comment: "Say why you are rejecting this, so the learner can put it right." });
  if (note.length > 1000) throw new ProgressError({ comment: "Keep the comment to 1,000 characters or fewer." });

  const verifier = progressEntriesVerifiableBy(actor);
  const confirmer = progressEntriesConfirmableBy(actor);
  const role = options.as ?? (verifier ? "verifier" : "supervisor");
  const scope = role === "verifier" ? verifier : confirmer;
  if (!scope) notFound();

  const now = new Date();
  return db().$transaction(async (tx) => {
    const found = await tx.progressEntry.findMany({
      where: { AND: [{ id: { in: ids } }, scope] },
      select: { id: true, status: true, supersededAt: true, supervisorConfirmedAt: true, learnerId: true, version: true, apprenticeshipId: true, apprenticeship: { select: { employerId: true, providerId: true } } },
    });
    if (found.length !== ids.length) notFound();
    const eligible = found.filter((e) =>
      e.supersededAt === null && (role === "verifier" ? e.status === "PENDING" : e.status !== "REJECTED" && e.supervisorConfirmedAt === null),
    );
    const eligibleIds = eligible.map((e) => e.id);
    let updated = 0;
    if (eligibleIds.length > 0) {
      if (role === "verifier") {
        updated = (
          await tx.progressEntry.updateMany({
            where: { id: { in: eligibleIds }, status: "PENDING", supersededAt: null },
            data: { status: decision === "approve" ? "VERIFIED" : "REJECTED", verifiedById: actor.userId, verifiedAt: now, verifierComment: note || null },
          })
        ).count;
      } else if (decision === "approve") {
        updated = (
          await tx.progressEntry.updateMany({
            where: { id: { in: eligibleIds }, supervisorConfirmedAt: null, status: { not: "REJECTED" }, supersededAt: null },
            data: { supervisorConfirmedById: actor.userId, supervisorConfirmedAt: now },
          })
        ).count;
      } else {
        updated = (
          await tx.progressEntry.updateMany({
            where: { id: { in: eligibleIds }, supervisorConfirmedAt: null, status: { not: "REJECTED" }, supersededAt: null },
            data: { status: "REJECTED", verifiedById: actor.userId, verifiedAt: now, verifierComment: note },
          })
        ).count;
      }
      if (updated !== eligibleIds.length) throw new ProgressError({ form: "Someone else decided some of these entries at the same moment. Reload the list and try again." });
      const action = role === "verifier" ? (decision === "approve" ? "entry.verify" : "entry.reject") : decision === "approve" ? "entry.confirm" : "entry.supervisor-reject";
      const schoolOrg = actor.memberships.find((m) => m.role === "TEACHER")?.organisationId ?? null;
      for (const e of eligible) {
        await audit(
          {
            actorId: actor.userId,
            action,
            subjectType: "progress_entry",
            subjectId: e.id,
            organisationId: e.apprenticeship ? (role === "verifier" ? e.apprenticeship.providerId : e.apprenticeship.employerId) : schoolOrg,
            metadata: { learnerId: e.learnerId, version: e.version, ...(e.apprenticeshipId ? { apprenticeshipId: e.apprenticeshipId } : {}), batchSize: eligible.length },
          },
          tx,
        );
      }
    }
    return { updated, skipped: ids.length - updated };
  });
}

// ───────────────────────────── verification queues ─────────────────────────────

export type QueueEntry = EntrySummary & { learnerId: string; learnerName: string; createdAt: Date; verifiedByTutor: boolean };
export type QueueGroup = { key: string; title: string; entries: QueueEntry[] };
export type Queue = { role: "teacher" | "tutor" | "supervisor"; groups: QueueGroup[]; total: number; page: number; pages: number; firstShown: number; lastShown: number };

const QUEUE_SELECT = {
  ...SUMMARY_SELECT,
  learnerId: true,
  createdAt: true,
  learner: {
    select: {
      firstName: true,
      lastName: true,
      cohortMembers: { where: { leftAt: null }, select: { cohort: { select: { id: true, name: true, organisationId: true } } } },
    },
  },
  apprenticeship: { select: { id: true, employer: { select: { name: true } }, standard: { select: { reference: true } } } },
} satisfies Prisma.ProgressEntrySelect;

/** A queue page: enough for a sitting, small enough for a phone (a queue can hold hundreds). */
export const QUEUE_PAGE_SIZE = 50;

// Pupils' and teachers' own entries (no apprenticeship, not off-the-job) go to teachers; the rest
// of what a verifier may verify goes to tutors (an actor is rarely both).
const SCHOOL_ENTRY: Prisma.ProgressEntryWhereInput = { kind: { not: "OTJ_ACTIVITY" }, apprenticeshipId: null };

/**
 * Entries waiting for this actor, oldest first, a page at a time, grouped: by class for teachers,
 * by apprentice for tutors and supervisors. `total` is everything waiting, not just the page.
 * `cohortId` narrows a teacher's queue to one class.
 */
export async function verificationQueue(actor: Actor, filter: { cohortId?: string; page?: number } = {}): Promise<Queue[]> {
  const page = Number.isInteger(filter.page) && filter.page! > 1 ? filter.page! : 1;
  const queues: Queue[] = [];
  const schools = schoolsWhereTeaching(actor);
  const verifier = progressEntriesVerifiableBy(actor);
  if (verifier) {
    const cohortFilter: Prisma.ProgressEntryWhereInput =
      filter.cohortId && isUuid(filter.cohortId) ? { learner: { cohortMembers: { some: { cohortId: filter.cohortId, leftAt: null, cohort: { organisationId: { in: schools } } } } } } : {};
    const pending: Prisma.ProgressEntryWhereInput = { AND: [verifier, cohortFilter, { status: "PENDING", supersededAt: null }] };
    if (schools.length > 0) {
      queues.push(
        await queuePage("teacher", { AND: [pending, SCHOOL_ENTRY] }, page, (r) => {
          const c = r.learner.cohortMembers.find((m) => schools.includes(m.cohort.organisationId) && (!filter.cohortId || m.cohort.id === filter.cohortId));
          return c ? { key: c.cohort.id, title: `Class ${c.cohort.name}` } : { key: "none", title: "Not in a class" };
        }),
      );
    }
    if (providersWhereTutoring(actor).length > 0) {
      const tutorEntries = schools.length > 0 ? { AND: [pending, { NOT: SCHOOL_ENTRY }] } : pending;
      queues.push(
        await queuePage("tutor", tutorEntries, page, (r) => ({ key: r.learnerId, title: `${fullName(r.learner)}${r.apprenticeship ? ` (${r.apprenticeship.standard.reference}, ${r.apprenticeship.employer.name})` : ""}` })),
      );
    }
  }
  const confirmer = progressEntriesConfirmableBy(actor);
  if (confirmer) {
    const unconfirmed = { AND: [confirmer, { supersededAt: null, supervisorConfirmedAt: null, status: { not: "REJECTED" as const } }] };
    queues.push(await queuePage("supervisor", unconfirmed, page, (r) => ({ key: r.learnerId, title: fullName(r.learner) })));
  }
  return queues;
}

type QueueRow = Prisma.ProgressEntryGetPayload<{ select: typeof QUEUE_SELECT }>;

async function queuePage(role: Queue["role"], where: Prisma.ProgressEntryWhereInput, page: number, keyOf: (r: QueueRow) => { key: string; title: string }): Promise<Queue> {
  const [rows, total] = await Promise.all([
    db().progressEntry.findMany({ where, select: QUEUE_SELECT, orderBy: [{ createdAt: "asc" }, { id: "asc" }], skip: (page - 1) * QUEUE_PAGE_SIZE, take: QUEUE_PAGE_SIZE }),
    db().progressEntry.count({ where }),
  ]);
  return { role, total, page, pages: Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE)), firstShown: rows.length ? (page - 1) * QUEUE_PAGE_SIZE + 1 : 0, lastShown: (page - 1) * QUEUE_PAGE_SIZE + rows.length, groups: groupBy(rows, keyOf) };
}

function groupBy(rows: QueueRow[], keyOf: (r: QueueRow) => { key: string; title: string }): QueueGroup[] {
  const groups = new Map<string, QueueGroup>();
  for (const r of rows) {
    const { key, title } = keyOf(r);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, title, entries: [] }));
    const { learner, learnerId, createdAt, apprenticeship: _a, ...summary } = r;
    group.entries.push({ ...toSummary(summary), learnerId, learnerName: fullName(learner), createdAt, verifiedByTutor: r.status === "VERIFIED" });
  }
  return [...groups.values()];
}

/** How many entries wait for this actor (for the navigation and the class grid). */
export async function pendingCount(actor: Actor): Promise<number> {
  let total = 0;
  const verifier = progressEntriesVerifiableBy(actor);
  if (verifier) total += await db().progressEntry.count({ where: { AND: [verifier, { status: "PENDING", supersededAt: null }] } });
  const confirmer = progressEntriesConfirmableBy(actor);
  if (confirmer) total += await db().progressEntry.count({ where: { AND: [confirmer, { supersededAt: null, supervisorConfirmedAt: null, status: { not: "REJECTED" } }] } });
  return total;
}

/** Pending entries of a class's pupils, for the class's verification queue. */
export async function pendingEntriesForCohort(actor: Actor, cohortId: string): Promise<QueueEntry[]> {
  const queues = await verificationQueue(actor, { cohortId });
  return queues.filter((q) => q.role === "teacher").flatMap((q) => q.groups.flatMap((g) => g.entries));
}

// ───────────────────────────── OTJ status ─────────────────────────────

export type ApprenticeshipOtj = {
  apprenticeshipId: string;
  apprenticeName: string;
  standard: string;
  employerName: string;
  status: OtjStatus;
  awaitingConfirmation: number;
  pending: number;
  planSignedAt: Date | null;
  /** Entries logged or dated before the training plan was signed by all three (any, while unsigned):
   *  app/domain/training-plan.ts loggedBeforePlanSigned, in one query for a list. */
  loggedBeforePlanSigned: number;
};

const APPRENTICESHIP_OTJ_SELECT = {
  id: true,
  startDate: true,
  plannedEndDate: true,
  contractedWeeklyHours: true,
  priorLearningHours: true,
  apprentice: { select: { firstName: true, lastName: true } },
  employer: { select: { name: true } },
  standard: { select: { reference: true, title: true, otjMinimumHours: true } },
  breaks: { select: { startDate: true, endDate: true } },
  trainingPlan: { select: { apprenticeSignedAt: true, employerSignedAt: true, tutorSignedAt: true } },
} satisfies Prisma.ApprenticeshipSelect;

type ApprenticeshipOtjRow = Prisma.ApprenticeshipGetPayload<{ select: typeof APPRENTICESHIP_OTJ_SELECT }>;

function planInput(a: ApprenticeshipOtjRow) {
  return {
    startDate: toIsoDate(a.startDate),
    plannedEndDate: toIsoDate(a.plannedEndDate),
    contractedWeeklyHours: Number(a.contractedWeeklyHours),
    standard: { reference: a.standard.reference, otjMinimumHours: a.standard.otjMinimumHours },
    priorLearningHours: a.priorLearningHours,
    breaks: a.breaks.map((b) => ({ startDate: toIsoDate(b.startDate), endDate: b.endDate ? toIsoDate(b.endDate) : null })),
  };
}

/**
 * OTJ status (RAG with its reason) for every apprenticeship the actor may read, or the given ids:
 * two queries whatever the number of apprentices.
 */
export async function otjStatuses(actor: Actor, filter: { apprenticeshipIds?: string[]; activeOnly?: boolean } = {}, asOf: IsoDate = todayInEngland()): Promise<ApprenticeshipOtj[]> {
  const where: Prisma.ApprenticeshipWhereInput = {
    AND: [apprenticeshipsVisibleTo(actor), filter.apprenticeshipIds ? { id: { in: filter.apprenticeshipIds.filter((id) => isUuid(id)) } } : {}, filter.activeOnly ? { status: { in: ["ACTIVE", "BREAK"] } } : {}],
  };
  const apprenticeships = await db().apprenticeship.findMany({ where, select: APPRENTICESHIP_OTJ_SELECT, orderBy: [{ apprentice: { lastName: "asc" } }, { startDate: "asc" }] });
  if (apprenticeships.length === 0) return [];
  const ids = apprenticeships.map((a) => a.id);
  const sums = await db().$queryRaw<{ apprenticeship_id: string; verified: number; awaiting: number; pending: number; first_otj: Date | null }[]>`
    SELECT pe.apprenticeship_id,
      COALESCE(sum(pe.minutes) FILTER (WHERE ${COUNTING_SQL} AND pe.occurred_on <= ${toUtcDate(asOf)}::date), 0)::int AS verified,
      count(*) FILTER (WHERE pe.superseded_at IS NULL AND pe.at_work AND pe.supervisor_confirmed_at IS NULL AND pe.status <> 'REJECTED')::int AS awaiting,
      count(*) FILTER (WHERE pe.superseded_at IS NULL AND pe.status = 'PENDING')::int AS pending
    FROM progress_entries pe
    WHERE pe.kind = 'OTJ_ACTIVITY' AND pe.apprenticeship_id = ANY(${ids}::uuid[])
    GROUP BY pe.apprenticeship_id`;
  const before = await db().$queryRaw<{ apprenticeship_id: string; n: number }[]>`
    SELECT pe.apprenticeship_id, count(*)::int AS n
    FROM progress_entries pe
    JOIN apprenticeships a ON a.id = pe.apprenticeship_id
    LEFT JOIN training_plans tp ON tp.apprenticeship_id = a.id
    WHERE pe.superseded_at IS NULL AND pe.apprenticeship_id = ANY(${ids}::uuid[]) AND ${LOGGED_BEFORE_PLAN_SIGNED_SQL}
    GROUP BY pe.apprenticeship_id`;
  const byId = new Map(sums.map((s) => [s.apprenticeship_id, s]));
  const beforeById = new Map(before.map((b) => [b.apprenticeship_id, b.n]));
  return apprenticeships.map((a) => {
    const s = byId.get(a.id);
    return {
      apprenticeshipId: a.id,
      apprenticeName: fullName(a.apprentice),
      standard: `${a.standard.reference} ${a.standard.title}`,
      employerName: a.employer.name,
      status: otjStatus({ ...planInput(a), verifiedMinutes: Number(s?.verified ?? 0) }, asOf),
      awaitingConfirmation: Number(s?.awaiting ?? 0),
      pending: Number(s?.pending ?? 0),
      planSignedAt: planFullySignedAt(a.trainingPlan),
      loggedBeforePlanSigned: Number(beforeById.get(a.id) ?? 0),
    };
  });
}

/** One apprenticeship's OTJ status with its chart series; 404 outside reach. */
export async function apprenticeshipOtj(actor: Actor, apprenticeshipId: string, asOf: IsoDate = todayInEngland()): Promise<ApprenticeshipOtj & { series: OtjSeriesPoint[] }> {
  if (!isUuid(apprenticeshipId)) notFound();
  const [summary] = await otjStatuses(actor, { apprenticeshipIds: [apprenticeshipId] }, asOf);
  if (!summary) notFound();
  const a = await db().apprenticeship.findUniqueOrThrow({ where: { id: apprenticeshipId }, select: APPRENTICESHIP_OTJ_SELECT });
  const verified = await db().progressEntry.findMany({
    where: { ...COUNTING_WHERE, apprenticeshipId, kind: "OTJ_ACTIVITY" },
    select: { occurredOn: true, minutes: true },
  });
  const series = otjSeries({ ...planInput(a), verifiedEntries: verified.map((e) => ({ occurredOn: toIsoDate(e.occurredOn), minutes: e.minutes })) }, asOf);
  return { ...summary, series };
}

// ───────────────────────────── the learner's dashboard ─────────────────────────────

export type DashboardEnrolment = {
  id: string;
  pathwayTitle: string;
  status: string;
  modulesTotal: number;
  modulesCompleted: number;
  verifiedMinutes: number;
  nextModule: { id: string; uid: string; title: string; url: string; pending: boolean } | null;
  modules: { id: string; uid: string; title: string; state: "verified" | "pending" | "todo" }[];
};

export async function learnerDashboard(actor: Actor, asOf: IsoDate = todayInEngland()) {
  if (!can(actor, "progress:log")) notFound();
  const [enrolments, entries, credentials, apprenticeshipIds] = await Promise.all([
    db().enrolment.findMany({
      where: { userId: actor.userId, status: { not: "WITHDRAWN" } },
      select: {
        id: true,
        status: true,
        pathway: { select: { title: true, modules: { orderBy: { position: "asc" }, select: { module: { select: { id: true, uid: true, title: true, url: true, retiredAt: true } } } } } },
      },
      orderBy: { createdAt: "asc" },
    }),
    db().progressEntry.findMany({
      where: { learnerId: actor.userId, supersededAt: null },
      select: { ...SUMMARY_SELECT, enrolmentId: true, supersededAt: true, createdAt: true, credential: { select: { name: true } } },
      orderBy: [{ occurredOn: "desc" }, { createdAt: "desc" }],
    }),
    db().credential.findMany({ select: { code: true, name: true, retiredOn: true, successorCode: true } }),
    db().apprenticeship.findMany({ where: { apprenticeId: actor.userId, status: { not: "WITHDRAWN" } }, select: { id: true } }),
  ]);

  const counted = entries.filter((e) => entryCounts(e));
  const dashboardEnrolments: DashboardEnrolment[] = enrolments.map((en) => {
    const modules = en.pathway.modules.map((pm) => pm.module).filter((m) => !m.retiredAt);
    const state = (moduleId: string): "verified" | "pending" | "todo" => {
      const e = entries.find((x) => x.kind === "MODULE_COMPLETED" && x.moduleId === moduleId && x.status !== "REJECTED");
      if (!e) return "todo";
      return entryCounts(e) ? "verified" : "pending";
    };
    const withState = modules.map((m) => ({ id: m.id, uid: m.uid, title: m.title, state: state(m.id) }));
    const next = withState.find((m) => m.state !== "verified");
    const nextFull = next ? modules.find((m) => m.id === next.id)! : null;
    return {
      id: en.id,
      pathwayTitle: en.pathway.title,
      status: en.status,
      modulesTotal: modules.length,
      modulesCompleted: withState.filter((m) => m.state === "verified").length,
      verifiedMinutes: counted.filter((e) => e.enrolmentId === en.id && e.kind !== "OTJ_ACTIVITY").reduce((sum, e) => sum + e.minutes, 0),
      nextModule: nextFull && next ? { id: nextFull.id, uid: nextFull.uid, title: nextFull.title, url: nextFull.url, pending: next.state === "pending" } : null,
      modules: withState,
    };
  });

  const credentialRows = counted
    .filter((e) => e.kind === "CREDENTIAL" && e.credentialCode)
    .map((e) => {
      const code = e.credentialCode!;
      const row = credentials.find((c) => c.code === code);
      const credited = creditedCredential(code, credentials);
      return {
        id: e.id,
        code,
        name: e.credential?.name ?? code,
        achievedOn: toIsoDate(e.occurredOn),
        evidenceUrl: e.evidenceUrl,
        retiredOn: row?.retiredOn ? toIsoDate(row.retiredOn) : null,
        countsAs: credited !== code ? credited : null,
      };
    });

  const toItem = (e: (typeof entries)[number]) => ({ ...toSummary(e), createdAt: e.createdAt, credentialName: e.credential?.name ?? null });
  const pending = entries.filter((e) => e.status === "PENDING" || (e.status === "VERIFIED" && !entryCounts(e))).map(toItem);
  const rejected = entries.filter((e) => e.status === "REJECTED").map(toItem);
  const recent = entries.slice(0, 20).map(toItem);
  const apprenticeships = await Promise.all(apprenticeshipIds.map((a) => apprenticeshipOtj(actor, a.id, asOf)));
  const learningMinutes = counted.filter((e) => e.kind !== "OTJ_ACTIVITY").reduce((sum, e) => sum + e.minutes, 0);
  return { enrolments: dashboardEnrolments, credentials: credentialRows, pending, rejected, recent, apprenticeships, learningMinutes, asOf };
}

// ───────────────────────────── what the log form needs ─────────────────────────────

export async function logFormOptions(actor: Actor) {
  if (!can(actor, "progress:log")) notFound();
  const [enrolments, credentials, apprenticeships, lastOtj, doneModules] = await Promise.all([
    db().enrolment.findMany({
      where: { userId: actor.userId, status: { not: "WITHDRAWN" } },
      select: { id: true, pathway: { select: { title: true, modules: { orderBy: { position: "asc" }, select: { module: { select: { id: true, uid: true, title: true, retiredAt: true } } } } } } },
      orderBy: { createdAt: "asc" },
    }),
    db().credential.findMany({ select: { code: true, name: true, retiredOn: true, successorCode: true }, orderBy: { code: "asc" } }),
    db().apprenticeship.findMany({
      where: { apprenticeId: actor.userId, status: { in: ["ACTIVE", "BREAK"] } },
      select: { id: true, startDate: true, standard: { select: { reference: true, title: true, ksbs: { select: { code: true, text: true } } } } },
      orderBy: { startDate: "desc" },
    }),
    db().progressEntry.findFirst({ where: { learnerId: actor.userId, kind: "OTJ_ACTIVITY" }, select: { activityType: true, atWork: true }, orderBy: { createdAt: "desc" } }),
    db().progressEntry.findMany({ where: { learnerId: actor.userId, kind: "MODULE_COMPLETED", supersededAt: null, status: { not: "REJECTED" } }, select: { moduleId: true } }),
  ]);
  const done = new Set(doneModules.map((d) => d.moduleId));
  const ksbOrder = (code: string) => ["K", "S", "B"].indexOf(code[0]) * 1000 + Number(code.slice(1));
  return {
    enrolments: enrolments.map((e) => ({
      id: e.id,
      pathwayTitle: e.pathway.title,
      modules: e.pathway.modules.map((pm) => pm.module).filter((m) => !m.retiredAt).map((m) => ({ id: m.id, uid: m.uid, title: m.title, done: done.has(m.id) })),
    })),
    credentials: credentials.map((c) => ({ code: c.code, name: c.name, retiredOn: c.retiredOn ? toIsoDate(c.retiredOn) : null, successorCode: c.successorCode })),
    apprenticeships: apprenticeships.map((a) => ({
      id: a.id,
      startDate: toIsoDate(a.startDate),
      standard: `${a.standard.reference} ${a.standard.title}`,
      ksbs: [...a.standard.ksbs].sort((x, y) => ksbOrder(x.code) - ksbOrder(y.code)),
    })),
    lastActivityType: lastOtj?.activityType ?? null,
    lastAtWork: lastOtj?.atWork ?? null,
    isApprentice: mayLogOtj(actor),
  };
}

// ───────────────────────────── the auditor's report ─────────────────────────────

export type OtjAuditRow = {
  at: Date;
  event: string;
  entryId: string;
  version: number;
  supersedesId: string | null;
  occurredOn: IsoDate;
  minutes: number;
  activityType: string | null;
  ksbCodes: string[];
  atWork: boolean;
  by: string;
  note: string;
};

const AUDIT_EVENTS: Record<string, string> = {
  "entry.verify": "Verified by tutor",
  "entry.reject": "Rejected by tutor",
  "entry.confirm": "Confirmed by workplace supervisor",
  "entry.supervisor-reject": "Rejected by workplace supervisor",
  "entry.withdraw": "Removed",
  "entry.correct": "Corrected",
};

/**
 * Every change to an apprentice's OTJ hours, oldest first: each version of each OTJ entry (who
 * logged or corrected it, when, why) and each verification decision from the audit log.
 */
export async function otjAuditReport(actor: Actor, apprenticeshipId: string) {
  if (!isUuid(apprenticeshipId)) notFound();
  const apprenticeship = await db().apprenticeship.findFirst({
    where: { AND: [{ id: apprenticeshipId }, apprenticeshipsVisibleTo(actor)] },
    select: { id: true, employerId: true, apprentice: { select: { firstName: true, lastName: true } }, standard: { select: { reference: true, title: true } } },
  });
  if (!apprenticeship) notFound();
  const versions = await db().progressEntry.findMany({
    where: { apprenticeshipId, kind: "OTJ_ACTIVITY" },
    select: {
      id: true,
      version: true,
      supersedesId: true,
      supersededAt: true,
      occurredOn: true,
      minutes: true,
      activityType: true,
      ksbCodes: true,
      atWork: true,
      status: true,
      supervisorConfirmedAt: true,
      createdAt: true,
      correctionReason: true,
      verifierComment: true,
      verifiedById: true,
      createdBy: { select: { firstName: true, lastName: true } },
    },
    orderBy: [{ createdAt: "asc" }, { version: "asc" }],
  });
  const events = versions.length
    ? await db().auditLog.findMany({
        where: { subjectType: "progress_entry", subjectId: { in: versions.map((v) => v.id) }, action: { in: ["entry.verify", "entry.reject", "entry.confirm", "entry.supervisor-reject"] } },
        select: { action: true, subjectId: true, createdAt: true, actorId: true, actor: { select: { firstName: true, lastName: true } } },
        orderBy: { createdAt: "asc" },
      })
    : [];
  const byId = new Map(versions.map((v) => [v.id, v]));
  const rows: OtjAuditRow[] = [];
  for (const v of versions) {
    const event = v.version === 1 ? "Logged" : v.status === "REJECTED" && v.verifierComment?.startsWith("Removed:") ? `Removed (version ${v.version})` : `Corrected (version ${v.version})`;
    rows.push({
      at: v.createdAt,
      event,
      entryId: v.id,
      version: v.version,
      supersedesId: v.supersedesId,
      occurredOn: toIsoDate(v.occurredOn),
      minutes: v.minutes,
      activityType: v.activityType,
      ksbCodes: v.ksbCodes,
      atWork: v.atWork,
      by: fullName(v.createdBy),
      note: v.correctionReason ?? "",
    });
  }
  for (const e of events) {
    const v = byId.get(e.subjectId!)!;
    const isReject = e.action.endsWith("reject");
    rows.push({
      at: e.createdAt,
      event: AUDIT_EVENTS[e.action] ?? e.action,
      entryId: v.id,
      version: v.version,
      supersedesId: v.supersedesId,
      occurredOn: toIsoDate(v.occurredOn),
      minutes: v.minutes,
      activityType: v.activityType,
      ksbCodes: v.ksbCodes,
      atWork: v.atWork,
      by: e.actor ? fullName(e.actor) : "(deleted account)",
      note: isReject && e.actorId === v.verifiedById ? (v.verifierComment ?? "") : "",
    });
  }
  rows.sort((a, b) => a.at.getTime() - b.at.getTime() || a.version - b.version);
  const verifiedMinutes = versions.filter((v) => entryCounts({ ...v })).reduce((s, v) => s + v.minutes, 0);
  return {
    apprenticeship: { id: apprenticeship.id, apprenticeName: fullName(apprenticeship.apprentice), standard: `${apprenticeship.standard.reference} ${apprenticeship.standard.title}`, employerId: apprenticeship.employerId },
    rows,
    verifiedMinutes,
  };
}

/** Records that the report left the system (exports are audit-logged). */
export async function auditOtjReportDownload(actor: Actor, apprenticeshipId: string, rowCount: number, client: Tx = db()) {
  await audit({ actorId: actor.userId, action: "export.otj-history", subjectType: "apprenticeship", subjectId: apprenticeshipId, metadata: { rows: rowCount } }, client);
}
