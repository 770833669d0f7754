/**
 * The progress ledger: learners log progress, teachers/tutors verify it, workplace supervisors
 * confirm off-the-job (OTJ) training done at work, and every correction is a new version. This
 * file logs entries (and offers the log form its choices); one entry and its versions are read in
 * progress-entry.server.ts, corrected in progress-corrections.server.ts, verified and confirmed in
 * verification.server.ts; OTJ status, the learner's dashboard and the auditor's report have their
 * own files.
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
import type { EntryKind } from "~/generated/prisma/enums.ts";
import { can, type Actor } from "~/auth/permissions.ts";
import { mayLogOtj } from "~/auth/reach.server.ts";
import {
  closeBreaks,
  formatLongDate,
  isBefore,
  isCovered,
  toIsoDate,
  toUtcDate,
  type IsoDate,
  todayInEngland,
} from "~/domain/dates.ts";
import { otjDayLimitRefusal } from "~/domain/otj.ts";
import {
  ENGLISH_MATHS_REFUSAL,
  fieldErrorsOf,
  LogEntrySchema,
  type FieldErrors,
  type LogEntryData,
} from "~/domain/progress-log.ts";
import { notFound } from "~/utils/http-errors.ts";
import { ProgressError, SUMMARY_SELECT, toSummary, type EntrySummary } from "~/models/progress-entry.server.ts";

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
export async function validateEntry(
  learnerId: string,
  raw: unknown,
  options: { excludeEntryId?: string; today?: IsoDate } = {},
): Promise<{ data: LogEntryData; content: EntryContent }> {
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
  const base = {
    enrolmentId: null,
    apprenticeshipId: null,
    moduleId: null,
    credentialCode: null,
    occurredOn: toUtcDate(data.occurredOn),
    minutes: 0,
    activityType: null,
    description: "",
    ksbCodes: [],
    evidenceUrl: null,
    atWork: false,
  };
  const notThis = options.excludeEntryId ? { id: { not: options.excludeEntryId } } : {};

  switch (data.kind) {
    case "MODULE_COMPLETED": {
      const enrolment = await db().enrolment.findFirst({
        where: {
          userId: learnerId,
          status: { not: "WITHDRAWN" },
          pathway: { modules: { some: { moduleId: data.moduleId } } },
        },
        select: {
          id: true,
          pathway: {
            select: {
              modules: {
                where: { moduleId: data.moduleId },
                select: { module: { select: { durationMinutes: true, title: true } } },
              },
            },
          },
        },
        orderBy: { createdAt: "asc" },
      });
      if (!enrolment) throw new ProgressError({ ...errors, moduleId: "Choose a module from one of your pathways." });
      const module = enrolment.pathway.modules[0].module;
      const already = await db().progressEntry.findFirst({
        where: {
          ...notThis,
          learnerId,
          kind: "MODULE_COMPLETED",
          moduleId: data.moduleId,
          supersededAt: null,
          status: { not: "REJECTED" },
        },
        select: { status: true },
      });
      if (already)
        errors.moduleId = `You have already logged “${module.title}” (${already.status === "VERIFIED" ? "verified" : "waiting for verification"}).`;
      if (Object.keys(errors).length) throw new ProgressError(errors);
      return {
        data,
        content: {
          ...base,
          kind: "MODULE_COMPLETED",
          enrolmentId: enrolment.id,
          moduleId: data.moduleId,
          minutes: module.durationMinutes,
        },
      };
    }
    case "LEARNING_TIME": {
      if (data.enrolmentId) {
        const own = await db().enrolment.findFirst({
          where: { id: data.enrolmentId, userId: learnerId },
          select: { id: true },
        });
        if (!own) errors.enrolmentId = "Choose one of your pathways, or none.";
      }
      if (data.moduleId) {
        const module = await db().module.findUnique({ where: { id: data.moduleId }, select: { id: true } });
        if (!module) errors.moduleId = "Choose a module from the list, or none.";
      }
      if (Object.keys(errors).length) throw new ProgressError(errors);
      return {
        data,
        content: {
          ...base,
          kind: "LEARNING_TIME",
          enrolmentId: data.enrolmentId ?? null,
          moduleId: data.moduleId ?? null,
          minutes: data.minutes,
          description: data.description,
        },
      };
    }
    case "CREDENTIAL": {
      const credential = await db().credential.findUnique({
        where: { code: data.credentialCode.toUpperCase() },
        select: { code: true, name: true, retiredOn: true, successorCode: true },
      });
      if (!credential)
        throw new ProgressError({ ...errors, credentialCode: "Choose the exam or credential from the list." });
      if (credential.retiredOn && !errors.occurredOn && isBefore(toIsoDate(credential.retiredOn), data.occurredOn)) {
        errors.credentialCode = `${credential.code} was retired on ${formatLongDate(toIsoDate(credential.retiredOn))}${credential.successorCode ? `; an exam taken after that is ${credential.successorCode}` : ""}.`;
      }
      const already = await db().progressEntry.findFirst({
        where: {
          ...notThis,
          learnerId,
          kind: "CREDENTIAL",
          credentialCode: credential.code,
          supersededAt: null,
          status: { not: "REJECTED" },
        },
        select: { id: true },
      });
      if (already) errors.credentialCode = `You have already logged ${credential.code}.`;
      if (Object.keys(errors).length) throw new ProgressError(errors);
      return {
        data,
        content: {
          ...base,
          kind: "CREDENTIAL",
          credentialCode: credential.code,
          evidenceUrl: data.evidenceUrl ?? null,
        },
      };
    }
    case "OTJ_ACTIVITY": {
      if (data.englishMaths) throw new ProgressError({ englishMaths: ENGLISH_MATHS_REFUSAL });
      const apprenticeships = await db().apprenticeship.findMany({
        where: {
          apprenticeId: learnerId,
          status: { in: ["ACTIVE", "BREAK"] },
          ...(data.apprenticeshipId ? { id: data.apprenticeshipId } : {}),
        },
        select: {
          id: true,
          startDate: true,
          standard: { select: { reference: true, title: true, ksbs: { select: { code: true } } } },
          breaks: { select: { startDate: true, endDate: true } },
        },
        orderBy: { startDate: "desc" },
      });
      if (apprenticeships.length === 0)
        throw new ProgressError({ form: "You have no active apprenticeship to log off-the-job training against." });
      if (apprenticeships.length > 1 && !data.apprenticeshipId)
        throw new ProgressError({ apprenticeshipId: "Choose the apprenticeship this training was for." });
      const a = apprenticeships[0];
      const start = toIsoDate(a.startDate);
      if (!errors.occurredOn && isBefore(data.occurredOn, start))
        errors.occurredOn = `Off-the-job training cannot be before your apprenticeship started on ${formatLongDate(start)}.`;
      const breaks = closeBreaks(
        a.breaks.map((b) => ({ startDate: toIsoDate(b.startDate), endDate: b.endDate ? toIsoDate(b.endDate) : null })),
        today,
      );
      if (!errors.occurredOn && isCovered(breaks, data.occurredOn))
        errors.occurredOn = "You were on a break in learning on that date, so it cannot count as off-the-job training.";
      const known = new Set(a.standard.ksbs.map((k) => k.code.toUpperCase()));
      const codes = [...new Set(data.ksbCodes)];
      const unknown = codes.filter((c) => !known.has(c));
      if (unknown.length)
        errors.ksbCodes = `${unknown.join(", ")} ${unknown.length === 1 ? "is not a KSB" : "are not KSBs"} of your standard (${a.standard.reference} ${a.standard.title}).`;
      if (Object.keys(errors).length) throw new ProgressError(errors);
      return {
        data,
        content: {
          ...base,
          kind: "OTJ_ACTIVITY",
          apprenticeshipId: a.id,
          minutes: data.minutes,
          activityType: data.activityType,
          description: data.description,
          ksbCodes: codes,
          evidenceUrl: data.evidenceUrl ?? null,
          atWork: data.atWork,
        },
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
export async function logEntry(
  actor: Actor,
  input: Record<string, unknown>,
  options: { today?: IsoDate } = {},
): Promise<{ entry: EntrySummary; duplicate: boolean }> {
  assertCanLog(actor, input.kind);
  const clientRef = typeof input.clientRef === "string" && input.clientRef ? input.clientRef : null;
  if (clientRef) {
    const existing = await db().progressEntry.findUnique({
      where: { learnerId_clientRef: { learnerId: actor.userId, clientRef } },
      select: SUMMARY_SELECT,
    });
    if (existing) return { entry: toSummary(existing), duplicate: true };
  }
  const { content } = await validateEntry(actor.userId, input, options);
  const insert = (client: Tx) =>
    client.progressEntry.create({
      data: { ...content, learnerId: actor.userId, createdById: actor.userId, clientRef },
      select: SUMMARY_SELECT,
    });
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
      const existing = await db().progressEntry.findUnique({
        where: { learnerId_clientRef: { learnerId: actor.userId, clientRef } },
        select: SUMMARY_SELECT,
      });
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
export async function assertOtjDayFits(tx: Tx, learnerId: string, occurredOn: Date, minutes: number) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`otj-day:${learnerId}:${toIsoDate(occurredOn)}`}, 0))`;
  const logged = await tx.progressEntry.aggregate({
    where: { learnerId, kind: "OTJ_ACTIVITY", occurredOn, supersededAt: null, status: { not: "REJECTED" } },
    _sum: { minutes: true },
  });
  const refusal = otjDayLimitRefusal(logged._sum.minutes ?? 0, minutes);
  if (refusal) throw new ProgressError({ minutes: refusal });
}

// ───────────────────────────── what the log form needs ─────────────────────────────

export async function logFormOptions(actor: Actor) {
  if (!can(actor, "progress:log")) notFound();
  const [enrolments, credentials, apprenticeships, lastOtj, doneModules] = await Promise.all([
    db().enrolment.findMany({
      where: { userId: actor.userId, status: { not: "WITHDRAWN" } },
      select: {
        id: true,
        pathway: {
          select: {
            title: true,
            modules: {
              orderBy: { position: "asc" },
              select: { module: { select: { id: true, uid: true, title: true, retiredAt: true } } },
            },
          },
        },
      },
      orderBy: { createdAt: "asc" },
    }),
    db().credential.findMany({
      select: { code: true, name: true, retiredOn: true, successorCode: true },
      orderBy: { code: "asc" },
    }),
    db().apprenticeship.findMany({
      where: { apprenticeId: actor.userId, status: { in: ["ACTIVE", "BREAK"] } },
      select: {
        id: true,
        startDate: true,
        standard: { select: { reference: true, title: true, ksbs: { select: { code: true, text: true } } } },
      },
      orderBy: { startDate: "desc" },
    }),
    db().progressEntry.findFirst({
      where: { learnerId: actor.userId, kind: "OTJ_ACTIVITY" },
      select: { activityType: true, atWork: true },
      orderBy: { createdAt: "desc" },
    }),
    db().progressEntry.findMany({
      where: { learnerId: actor.userId, kind: "MODULE_COMPLETED", supersededAt: null, status: { not: "REJECTED" } },
      select: { moduleId: true },
    }),
  ]);
  const done = new Set(doneModules.map((d) => d.moduleId));
  const ksbOrder = (code: string) => ["K", "S", "B"].indexOf(code[0]) * 1000 + Number(code.slice(1));
  return {
    enrolments: enrolments.map((e) => ({
      id: e.id,
      pathwayTitle: e.pathway.title,
      modules: e.pathway.modules
        .map((pm) => pm.module)
        .filter((m) => !m.retiredAt)
        .map((m) => ({ id: m.id, uid: m.uid, title: m.title, done: done.has(m.id) })),
    })),
    credentials: credentials.map((c) => ({
      code: c.code,
      name: c.name,
      retiredOn: c.retiredOn ? toIsoDate(c.retiredOn) : null,
      successorCode: c.successorCode,
    })),
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
