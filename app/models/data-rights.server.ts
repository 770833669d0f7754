/**
 * Children's data rights (UK GDPR; ICO Children's Code): subject access and erasure.
 *
 * - Subject access: one person's whole record as plain data (JSON download, printable page).
 *   A partnership admin may export anyone; a school admin may export a person who is a pupil of
 *   their school. Anyone else, or a person outside reach, is a 404. Every export is audit-logged
 *   ("export.subject-access", counts only).
 * - Erasure: partnership admins only, preview then confirm. The person's row stays (so counts
 *   and report snapshots keep their shape) but everything that identifies them goes: names
 *   become "Erased person", contact details, identifiers and the password hash are cleared,
 *   sessions and one-time tokens are deleted, and the free text they wrote (progress notes,
 *   reflections, addenda) or that was written about them (verifier comments, placement feedback
 *   comments, consent giver's name) is blanked. Report snapshots are never touched. Audit-logged
 *   with counts ("person.erase").
 *
 * Retention (app/models/retention.server.ts) reuses `anonymisePerson` for pupils whose school
 * retention period has ended, with no actor.
 */
import { db, type Tx } from "~/db/client.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import type { Role } from "~/generated/prisma/enums.ts";
import { can, type Actor } from "~/auth/permissions.ts";
import { subjectAccessReachOf } from "~/auth/reach.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";

export const ERASED_FIRST_NAME = "Erased";
export const ERASED_LAST_NAME = "person";
/**
 * The person, if the actor may export their record: partnership admins reach everyone; school
 * admins reach the pupils of their schools (and only while the record is not erased).
 */
async function personForExport(actor: Actor, userId: string) {
  const reach = subjectAccessReachOf(actor);
  if (!isUuid(userId) || !reach) notFound();
  const person = await db().user.findFirst({
    where:
      reach === "everyone"
        ? { id: userId }
        : { id: userId, erasedAt: null, memberships: { some: { role: "PUPIL", organisationId: { in: reach } } } },
    select: { id: true },
  });
  return person ?? notFound();
}

/**
 * Which data-rights pages a viewer may open for a person already loaded, so the person page shows
 * a link only where it leads somewhere. The same reach as personForExport and erasable, which
 * still decide when the page is opened.
 */
export function dataRightsOver(
  actor: Actor,
  person: { id: string; memberships: { role: Role; organisation: { id: string } }[] },
) {
  const reach = subjectAccessReachOf(actor);
  const mayExport =
    reach !== null &&
    (reach === "everyone" || person.memberships.some((m) => m.role === "PUPIL" && reach.includes(m.organisation.id)));
  return { mayExport, mayErase: can(actor, "person:erase") && actor.userId !== person.id };
}

/**
 * Everything the product holds about one person, as plain data (dates as ISO strings). A school
 * admin exports what their own schools hold: another organisation's part of a person's record
 * (another school's classes and learning, an employer's apprenticeship, the date of birth an
 * employer recorded, others' audit entries) is that organisation's to disclose, not theirs.
 */
export async function subjectAccessRecord(actor: Actor, userId: string) {
  await personForExport(actor, userId);
  const reach = subjectAccessReachOf(actor);
  const schools = reach === "everyone" || reach === null ? null : reach;
  const within = schools ? { in: schools } : undefined;
  const client = db();
  const [
    user,
    cohorts,
    enrolments,
    entries,
    apprenticeships,
    placements,
    encounters,
    notifications,
    addenda,
    auditAbout,
    auditBy,
    sessions,
  ] = await Promise.all([
    client.user.findUniqueOrThrow({
      where: { id: userId },
      select: {
        id: true,
        firstName: true,
        lastName: true,
        email: true,
        username: true,
        upn: true,
        yearGroup: true,
        dateOfBirth: true,
        notificationPrefs: true,
        disabledAt: true,
        erasedAt: true,
        createdAt: true,
        updatedAt: true,
        memberships: {
          where: { organisationId: within },
          select: { role: true, createdAt: true, organisation: { select: { id: true, name: true, kind: true } } },
        },
      },
    }),
    client.cohortMember.findMany({
      where: { userId, cohort: { organisationId: within } },
      select: {
        joinedAt: true,
        leftAt: true,
        cohort: {
          select: {
            id: true,
            name: true,
            yearGroup: true,
            academicYear: true,
            organisation: { select: { name: true } },
          },
        },
      },
    }),
    client.enrolment.findMany({
      where: { userId, organisationId: within },
      select: {
        id: true,
        status: true,
        startedOn: true,
        completedOn: true,
        withdrawnOn: true,
        pathway: { select: { title: true } },
        organisation: { select: { name: true } },
      },
    }),
    client.progressEntry.findMany({
      where: { learnerId: userId, ...(schools ? { enrolment: { organisationId: within } } : {}) },
      orderBy: [{ occurredOn: "asc" }, { createdAt: "asc" }],
      select: {
        id: true,
        kind: true,
        occurredOn: true,
        minutes: true,
        activityType: true,
        description: true,
        ksbCodes: true,
        evidenceUrl: true,
        atWork: true,
        status: true,
        verifiedAt: true,
        verifierComment: true,
        supervisorConfirmedAt: true,
        version: true,
        supersedesId: true,
        supersededAt: true,
        correctionReason: true,
        createdAt: true,
        credentialCode: true,
        module: { select: { title: true } },
        apprenticeshipId: true,
        enrolmentId: true,
      },
    }),
    client.apprenticeship.findMany({
      where: { apprenticeId: userId, ...(schools ? { OR: [{ employerId: within }, { providerId: within }] } : {}) },
      select: {
        id: true,
        startDate: true,
        plannedEndDate: true,
        contractedWeeklyHours: true,
        otjRegime: true,
        plannedOtjHours: true,
        priorLearningHours: true,
        status: true,
        gatewayDate: true,
        achievedOn: true,
        withdrawnOn: true,
        otjActualHoursReported: true,
        standard: { select: { reference: true, title: true, level: true } },
        employer: { select: { name: true } },
        provider: { select: { name: true } },
        trainingPlan: {
          select: { content: true, apprenticeSignedAt: true, employerSignedAt: true, tutorSignedAt: true },
        },
        reviews: {
          orderBy: { sequence: "asc" },
          select: {
            sequence: true,
            dueOn: true,
            heldOn: true,
            status: true,
            content: true,
            apprenticeSignedAt: true,
            employerSignedAt: true,
            tutorSignedAt: true,
          },
        },
        breaks: { select: { startDate: true, endDate: true, reason: true } },
      },
    }),
    client.placementPupil.findMany({
      where: { pupilId: userId, placement: { schoolId: within } },
      select: {
        consentGivenBy: true,
        consentDate: true,
        consentMethod: true,
        hoursAttended: true,
        feedback: true,
        wouldHostAgain: true,
        feedbackAt: true,
        reflection: true,
        placement: {
          select: {
            id: true,
            title: true,
            startDate: true,
            endDate: true,
            hours: true,
            status: true,
            employer: { select: { name: true } },
          },
        },
      },
    }),
    client.encounterAttendee.findMany({
      where: { pupilId: userId, encounter: { schoolId: within } },
      select: {
        reflection: true,
        encounter: { select: { kind: true, title: true, occurredOn: true, employer: { select: { name: true } } } },
      },
    }),
    client.notificationLog.findMany({
      where: { userId },
      orderBy: { sentAt: "asc" },
      select: { kind: true, status: true, sentAt: true },
    }),
    client.reviewAddendum.findMany({
      where: {
        authorId: userId,
        ...(schools ? { review: { apprenticeship: { OR: [{ employerId: within }, { providerId: within }] } } } : {}),
      },
      select: { reviewId: true, text: true, createdAt: true },
    }),
    client.auditLog.findMany({
      where: { subjectId: userId, organisationId: within },
      orderBy: { createdAt: "asc" },
      take: 1000,
      select: { action: true, actorId: true, createdAt: true, metadata: true },
    }),
    client.auditLog.findMany({
      where: { actorId: userId, organisationId: within },
      orderBy: { createdAt: "asc" },
      take: 1000,
      select: { action: true, subjectType: true, subjectId: true, createdAt: true },
    }),
    client.session.count({ where: { userId } }),
  ]);
  const record = {
    exportedAt: new Date().toISOString(),
    about: "Everything the Staffordshire Digital Skills Tracker holds about this person (subject access request).",
    person: {
      id: user.id,
      firstName: user.firstName,
      lastName: user.lastName,
      email: user.email,
      username: user.username,
      upn: user.upn,
      yearGroup: user.yearGroup,
      dateOfBirth: schools ? null : user.dateOfBirth,
      notificationPreferences: user.notificationPrefs,
      accountCreatedAt: user.createdAt,
      disabledAt: user.disabledAt,
      erasedAt: user.erasedAt,
      activeSessions: sessions,
    },
    roles: user.memberships.map((m) => ({
      organisation: m.organisation.name,
      organisationKind: m.organisation.kind,
      role: m.role,
      since: m.createdAt,
    })),
    classes: cohorts.map((c) => ({
      school: c.cohort.organisation.name,
      class: c.cohort.name,
      yearGroup: c.cohort.yearGroup,
      academicYear: c.cohort.academicYear,
      joinedAt: c.joinedAt,
      leftAt: c.leftAt,
    })),
    enrolments: enrolments.map((e) => ({
      id: e.id,
      pathway: e.pathway.title,
      through: e.organisation.name,
      status: e.status,
      startedOn: e.startedOn,
      completedOn: e.completedOn,
      withdrawnOn: e.withdrawnOn,
    })),
    progressEntries: entries.map(({ module, ...e }) => ({ ...e, module: module?.title ?? null })),
    apprenticeships: apprenticeships.map((a) => ({
      ...a,
      contractedWeeklyHours: Number(a.contractedWeeklyHours),
      standard: a.standard,
      employer: a.employer.name,
      provider: a.provider.name,
    })),
    placements: placements.map((p) => ({
      ...p.placement,
      employer: p.placement.employer.name,
      consentGivenBy: p.consentGivenBy,
      consentDate: p.consentDate,
      consentMethod: p.consentMethod,
      hoursAttended: p.hoursAttended,
      feedback: p.feedback,
      wouldHostAgain: p.wouldHostAgain,
      feedbackAt: p.feedbackAt,
      reflection: p.reflection,
    })),
    employerEncounters: encounters.map((e) => ({
      ...e.encounter,
      employer: e.encounter.employer?.name ?? null,
      reflection: e.reflection,
    })),
    reviewAddenda: addenda,
    emailsSent: notifications,
    auditTrail: { aboutThisPerson: auditAbout, byThisPerson: auditBy },
  };
  const counts = {
    classes: record.classes.length,
    enrolments: record.enrolments.length,
    progressEntries: record.progressEntries.length,
    apprenticeships: record.apprenticeships.length,
    placements: record.placements.length,
    encounters: record.employerEncounters.length,
    auditEvents: auditAbout.length + auditBy.length,
  };
  return { record: JSON.parse(JSON.stringify(record)) as typeof record, counts };
}

export type SubjectAccessRecord = Awaited<ReturnType<typeof subjectAccessRecord>>["record"];

/** The record, audit-logged as a subject-access export (`format`: json or page). */
export async function exportSubjectAccess(actor: Actor, userId: string, format: "json" | "page") {
  const { record, counts } = await subjectAccessRecord(actor, userId);
  await audit({
    actorId: actor.userId,
    action: "export.subject-access",
    subjectType: "user",
    subjectId: userId,
    metadata: { format, ...counts },
  });
  return record;
}

// ───────────────────────────── erasure ─────────────────────────────

export type ErasureCounts = {
  sessions: number;
  tokens: number;
  progressEntriesBlanked: number;
  reflectionsBlanked: number;
  addendaBlanked: number;
  rowsKeptForCounts: number;
};

async function erasable(actor: Actor, userId: string) {
  if (!isUuid(userId) || !can(actor, "person:erase")) notFound();
  const person = await db().user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      firstName: true,
      lastName: true,
      erasedAt: true,
      memberships: { select: { role: true, organisation: { select: { name: true } } } },
    },
  });
  return person ?? notFound();
}

/** What erasure would do, for the confirmation page. */
export async function erasurePreview(actor: Actor, userId: string) {
  const person = await erasable(actor, userId);
  const client = db();
  const [sessions, tokens, entries, placements, encounters, addenda, enrolments, apprenticeships] = await Promise.all([
    client.session.count({ where: { userId } }),
    client.authToken.count({ where: { userId } }),
    client.progressEntry.count({ where: { learnerId: userId } }),
    client.placementPupil.count({ where: { pupilId: userId } }),
    client.encounterAttendee.count({ where: { pupilId: userId } }),
    client.reviewAddendum.count({ where: { authorId: userId } }),
    client.enrolment.count({ where: { userId } }),
    client.apprenticeship.count({ where: { apprenticeId: userId } }),
  ]);
  return {
    person: {
      id: person.id,
      name: fullName(person),
      erased: person.erasedAt !== null,
      roles: person.memberships.map((m) => ({ role: m.role, organisation: m.organisation.name })),
    },
    isSelf: person.id === actor.userId,
    counts: {
      sessions,
      tokens,
      progressEntries: entries,
      placements,
      encounters,
      addenda,
      enrolments,
      apprenticeships,
    },
  };
}

/**
 * Anonymises one person in place, in the caller's transaction. No actor check: callers are
 * `erasePerson` (partnership admin) and the retention purge (system).
 */
export async function anonymisePerson(tx: Tx, userId: string, now: Date = new Date()): Promise<ErasureCounts> {
  const before = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } });
  await tx.user.update({
    where: { id: userId },
    data: {
      firstName: ERASED_FIRST_NAME,
      lastName: ERASED_LAST_NAME,
      email: null,
      username: null,
      upn: null,
      dateOfBirth: null,
      passwordHash: null,
      notificationPrefs: {},
      erasedAt: now,
    },
  });
  const sessions = await tx.session.deleteMany({ where: { userId } });
  const tokens = await tx.authToken.deleteMany({
    where: { OR: [{ userId }, ...(before.email ? [{ email: before.email }] : [])] },
  });
  const entries = await tx.progressEntry.updateMany({
    where: { learnerId: userId },
    data: { description: "", evidenceUrl: null, verifierComment: null, correctionReason: null },
  });
  // Free text about a pupil on a placement: their reflection, the parent's name, the supervisor's comment.
  const placements = await tx.placementPupil.findMany({
    where: { pupilId: userId },
    select: { placementId: true, feedback: true },
  });
  for (const p of placements) {
    const feedback =
      p.feedback && typeof p.feedback === "object" && !Array.isArray(p.feedback)
        ? { ...(p.feedback as Prisma.JsonObject), comment: "" }
        : p.feedback;
    await tx.placementPupil.update({
      where: { placementId_pupilId: { placementId: p.placementId, pupilId: userId } },
      data: { reflection: null, consentGivenBy: null, feedback: feedback ?? undefined },
    });
  }
  const encounters = await tx.encounterAttendee.updateMany({ where: { pupilId: userId }, data: { reflection: null } });
  const addenda = await tx.reviewAddendum.updateMany({ where: { authorId: userId }, data: { text: "" } });
  const kept = await Promise.all([
    tx.membership.count({ where: { userId } }),
    tx.enrolment.count({ where: { userId } }),
    tx.progressEntry.count({ where: { learnerId: userId } }),
    tx.apprenticeship.count({ where: { apprenticeId: userId } }),
    tx.placementPupil.count({ where: { pupilId: userId } }),
  ]);
  return {
    sessions: sessions.count,
    tokens: tokens.count,
    progressEntriesBlanked: entries.count,
    reflectionsBlanked: placements.length + encounters.count,
    addendaBlanked: addenda.count,
    rowsKeptForCounts: kept.reduce((a, b) => a + b, 0),
  };
}

export class ErasureError extends Error {}

/** Erases one person on request (partnership admin), audit-logged with counts. */
export async function erasePerson(actor: Actor, userId: string): Promise<ErasureCounts> {
  const person = await erasable(actor, userId);
  if (person.id === actor.userId)
    throw new ErasureError("You cannot erase your own record. Ask another partnership admin.");
  if (person.erasedAt) throw new ErasureError("This person's record has already been erased.");
  return db().$transaction(async (tx) => {
    const counts = await anonymisePerson(tx, userId);
    await audit(
      { actorId: actor.userId, action: "person.erase", subjectType: "user", subjectId: userId, metadata: counts },
      tx,
    );
    return counts;
  });
}

// ───────────────────────────── audit log search ─────────────────────────────

export const AUDIT_PAGE_SIZE = 50;

export type AuditFilter = {
  action?: string;
  actor?: string;
  subject?: string;
  from?: string;
  to?: string;
  page?: number;
};

/** Partnership admins search the audit log (404 for anyone else). */
export async function searchAuditLog(actor: Actor, filter: AuditFilter) {
  if (!can(actor, "audit:read")) notFound();
  const where: Prisma.AuditLogWhereInput = {};
  if (filter.action) where.action = { startsWith: filter.action };
  if (filter.subject) where.subjectId = filter.subject;
  if (filter.actor) {
    where.actor = isUuid(filter.actor)
      ? { id: filter.actor }
      : { OR: [{ email: filter.actor.toLowerCase() }, { username: filter.actor.toLowerCase() }] };
  }
  const createdAt: Prisma.DateTimeFilter = {};
  if (filter.from) createdAt.gte = new Date(`${filter.from}T00:00:00Z`);
  if (filter.to) createdAt.lt = new Date(Date.parse(`${filter.to}T00:00:00Z`) + 86_400_000);
  if (createdAt.gte || createdAt.lt) where.createdAt = createdAt;
  const page = Math.max(1, filter.page ?? 1);
  const [total, rows, actions] = await Promise.all([
    db().auditLog.count({ where }),
    db().auditLog.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * AUDIT_PAGE_SIZE,
      take: AUDIT_PAGE_SIZE,
      select: {
        id: true,
        action: true,
        subjectType: true,
        subjectId: true,
        organisationId: true,
        metadata: true,
        createdAt: true,
        actor: { select: { id: true, firstName: true, lastName: true } },
      },
    }),
    db().auditLog.findMany({ distinct: ["action"], select: { action: true }, orderBy: { action: "asc" } }),
  ]);
  return {
    total,
    page,
    pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
    rows,
    actions: actions.map((a) => a.action),
  };
}
