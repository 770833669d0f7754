/**
 * Pupils' work experience placements: the school arranges them, the employer hosts them. Employer
 * encounters logged for a whole class are encounters.server.ts, each pupil's Gatsby status
 * gatsby-status.server.ts, the shared pool of host employers host-pool.server.ts.
 *
 * Placement life: PLANNED → STARTED → COMPLETED. It cannot start until the employer has confirmed
 * the risk assessment, Employers' Liability insurance and health and safety, AND the school has
 * recorded parental consent for every pupil on it (`missingPrerequisites`, checked again on the
 * server when the school presses "Start placement"). Once started, the employer side gives
 * feedback per pupil and each pupil adds a reflection; the school completes it with the hours
 * each pupil attended.
 *
 * Tenancy (in every query's `where`, from app/auth/reach.server.ts):
 *   - school staff (placement:manage): placements of their own school(s) only;
 *   - employer admin: placements hosted by their employer; workplace supervisor: only placements
 *     where they are the named supervisor. So an employer only ever sees pupils placed with them;
 *   - a pupil: only their own row of their own placements (`myPlacements`).
 * Outside reach: 404.
 */
import { z } from "zod";
import { strictNumber } from "~/domain/form-numbers.ts";
import { db, type Tx } from "~/db/client.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import type { PlacementStatus } from "~/generated/prisma/enums.ts";
import type { Actor } from "~/auth/permissions.ts";
import { ownPlacementRows, placementSchoolsOf, placementSideOf, placementsVisibleTo } from "~/auth/reach.server.ts";
import { isBefore, toIsoDate, toUtcDate, type IsoDate, todayInEngland } from "~/domain/dates.ts";
import { audit } from "~/utils/audit.server.ts";
import type { FieldErrors } from "~/utils/forms.ts";
import {
  CONSENT_METHODS,
  PLACEMENT_STATUS_LABELS,
  type FeedbackCriterion,
  type PlacementFeedback,
} from "~/models/placements.shared.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";
import { gatsbyForPupils } from "~/models/gatsby-status.server.ts";

export * from "~/models/placements.shared.ts";

export class PlacementError extends Error {
  constructor(readonly errors: FieldErrors) {
    super(Object.values(errors)[0] ?? "The placement could not be saved.");
  }
}

// ───────────────────────────── prerequisites ─────────────────────────────

type PrereqPlacement = {
  riskAssessmentAt: Date | null;
  insuranceConfirmedAt: Date | null;
  healthSafetyAt: Date | null;
  employer: { name: string };
};
type PrereqPupil = {
  consentGivenBy: string | null;
  consentDate: Date | null;
  consentMethod: string | null;
  pupil: { firstName: string; lastName: string };
};

/** What still stops the placement starting, in words; [] when it may start. */
export function missingPrerequisites(p: PrereqPlacement, pupils: readonly PrereqPupil[]): string[] {
  const missing: string[] = [];
  if (!p.riskAssessmentAt) missing.push(`${p.employer.name} has not confirmed the risk assessment.`);
  if (!p.insuranceConfirmedAt) missing.push(`${p.employer.name} has not confirmed Employers' Liability insurance.`);
  if (!p.healthSafetyAt) missing.push(`${p.employer.name} has not confirmed health and safety.`);
  for (const r of pupils) {
    if (!r.consentGivenBy || !r.consentDate || !r.consentMethod)
      missing.push(`Parental consent has not been recorded for ${fullName(r.pupil)}.`);
  }
  if (pupils.length === 0) missing.push("No pupils are on this placement.");
  return missing;
}

// ───────────────────────────── creating ─────────────────────────────

export const isoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a date.")
  .refine(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    "Enter a real date.",
  );

export const PlacementFields = {
  schoolId: z.string().uuid("Choose a school."),
  employerId: z.string().uuid("Choose an employer."),
  supervisorId: z.string().trim().optional(),
  title: z
    .string()
    .trim()
    .min(1, "Enter a title for the placement.")
    .max(200, "Keep the title to 200 characters or fewer."),
  startDate: isoDate,
  endDate: isoDate,
  hours: strictNumber(
    z
      .number({ message: "Enter the planned hours." })
      .int("Enter whole hours.")
      .min(1, "Enter the planned hours, at least 1.")
      .max(400, "Enter 400 hours or fewer."),
  ),
};

/** Choices for the new-placement form: the actor's schools, matching employers and, once one is chosen, its supervisors and the school's pupils. */
export async function newPlacementOptions(
  actor: Actor,
  filter: { q?: string; employerId?: string; schoolId?: string; yearGroup?: number },
) {
  const schools = placementSchoolsOf(actor);
  if (!schools.length) notFound();
  const schoolId = filter.schoolId && schools.includes(filter.schoolId) ? filter.schoolId : schools[0];
  const q = (filter.q ?? "").trim().slice(0, 100);
  const [schoolRows, employers] = await Promise.all([
    db().organisation.findMany({
      where: { id: { in: schools } },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    }),
    db().organisation.findMany({
      where: {
        kind: "EMPLOYER",
        status: "APPROVED",
        ...(q ? { name: { contains: q, mode: "insensitive" as const } } : {}),
      },
      select: { id: true, name: true, sector: true, district: { select: { name: true } } },
      orderBy: { name: "asc" },
      take: 50,
    }),
  ]);
  let employer: { id: string; name: string } | null = null;
  let supervisors: { id: string; name: string }[] = [];
  let pupils: { id: string; name: string; yearGroup: number | null }[] = [];
  if (filter.employerId && isUuid(filter.employerId)) {
    employer = await db().organisation.findFirst({
      where: { id: filter.employerId, kind: "EMPLOYER", status: "APPROVED" },
      select: { id: true, name: true },
    });
    if (employer) {
      const [sup, pup] = await Promise.all([
        db().user.findMany({
          where: {
            disabledAt: null,
            erasedAt: null,
            memberships: { some: { organisationId: employer.id, role: "WORKPLACE_SUPERVISOR" } },
          },
          select: { id: true, firstName: true, lastName: true },
          orderBy: [{ lastName: "asc" }, { firstName: "asc" }],
        }),
        schoolPupils(schoolId, filter.yearGroup),
      ]);
      supervisors = sup.map((u) => ({ id: u.id, name: fullName(u) }));
      pupils = pup;
    }
  }
  return {
    schools: schoolRows,
    schoolId,
    employers: employers.map((e) => ({
      id: e.id,
      name: e.name,
      detail: [e.district.name, e.sector].filter(Boolean).join(", "),
    })),
    employer,
    supervisors,
    pupils,
  };
}

async function schoolPupils(schoolId: string, yearGroup?: number) {
  const rows = await db().user.findMany({
    where: {
      disabledAt: null,
      erasedAt: null,
      mergedIntoId: null,
      memberships: { some: { organisationId: schoolId, role: "PUPIL" } },
      ...(yearGroup ? { yearGroup } : {}),
    },
    select: { id: true, firstName: true, lastName: true, yearGroup: true },
    orderBy: [{ yearGroup: "asc" }, { lastName: "asc" }, { firstName: "asc" }],
    take: 2000,
  });
  return rows.map((u) => ({ id: u.id, name: fullName(u), yearGroup: u.yearGroup }));
}

export type NewPlacement = {
  schoolId: string;
  employerId: string;
  supervisorId?: string;
  title: string;
  startDate: IsoDate;
  endDate: IsoDate;
  hours: number;
  pupilIds: string[];
};

export async function createPlacement(actor: Actor, input: NewPlacement) {
  const schools = placementSchoolsOf(actor);
  if (!schools.includes(input.schoolId)) notFound();
  const errors: FieldErrors = {};
  if (isBefore(input.endDate, input.startDate)) errors.endDate = "The end date must be on or after the start date.";
  const pupilIds = [...new Set(input.pupilIds)];
  if (pupilIds.length === 0) errors.pupilId = "Choose at least one pupil.";
  if (pupilIds.length > 60 || pupilIds.some((id) => !isUuid(id))) notFound();
  return db().$transaction(async (tx) => {
    const employer = await tx.organisation.findFirst({
      where: { id: input.employerId, kind: "EMPLOYER", status: "APPROVED" },
      select: { id: true },
    });
    if (!employer) errors.employerId = "Choose an approved employer.";
    const supervisorId = input.supervisorId && input.supervisorId.length ? input.supervisorId : null;
    if (supervisorId) {
      const ok =
        isUuid(supervisorId) &&
        (await tx.membership.count({
          where: { userId: supervisorId, organisationId: input.employerId, role: "WORKPLACE_SUPERVISOR" },
        })) === 1;
      if (!ok) errors.supervisorId = "Choose a workplace supervisor of that employer, or none.";
    }
    const pupilsFound = await tx.membership.count({
      where: { userId: { in: pupilIds }, organisationId: input.schoolId, role: "PUPIL" },
    });
    if (pupilIds.length && pupilsFound !== pupilIds.length) notFound(); // a pupil of another school: not within reach
    if (Object.keys(errors).length) throw new PlacementError(errors);
    const placement = await tx.placement.create({
      data: {
        schoolId: input.schoolId,
        employerId: input.employerId,
        supervisorId,
        title: input.title,
        startDate: toUtcDate(input.startDate),
        endDate: toUtcDate(input.endDate),
        hours: input.hours,
        createdById: actor.userId,
        pupils: { create: pupilIds.map((pupilId) => ({ pupilId })) },
      },
      select: { id: true },
    });
    await audit(
      {
        actorId: actor.userId,
        action: "placement.create",
        subjectType: "placement",
        subjectId: placement.id,
        organisationId: input.schoolId,
        metadata: { employerId: input.employerId, pupils: pupilIds.length },
      },
      tx,
    );
    return placement;
  });
}

// ───────────────────────────── reading ─────────────────────────────

export async function listPlacements(actor: Actor) {
  const rows = await db().placement.findMany({
    where: placementsVisibleTo(actor),
    orderBy: [{ startDate: "desc" }, { createdAt: "desc" }],
    take: 500,
    select: {
      id: true,
      title: true,
      status: true,
      startDate: true,
      endDate: true,
      hours: true,
      riskAssessmentAt: true,
      insuranceConfirmedAt: true,
      healthSafetyAt: true,
      school: { select: { name: true } },
      employer: { select: { name: true } },
      pupils: {
        select: {
          consentGivenBy: true,
          consentDate: true,
          consentMethod: true,
          feedbackAt: true,
          pupil: { select: { firstName: true, lastName: true } },
        },
      },
    },
  });
  return rows.map((p) => ({
    ...placementHeadline(p),
    pupilCount: p.pupils.length,
    missing: p.status === "PLANNED" ? missingPrerequisites(p, p.pupils).length : 0,
  }));
}

type PlacementHeadlineRow = {
  id: string;
  title: string;
  status: PlacementStatus;
  startDate: Date;
  endDate: Date;
  hours: number;
  school: { name: string };
  employer: { name: string };
};

/** What every view of a placement shows first (the list and the placement page). */
function placementHeadline(p: PlacementHeadlineRow) {
  return {
    id: p.id,
    title: p.title,
    status: p.status,
    statusLabel: PLACEMENT_STATUS_LABELS[p.status],
    startDate: toIsoDate(p.startDate),
    endDate: toIsoDate(p.endDate),
    hours: p.hours,
    schoolName: p.school.name,
    employerName: p.employer.name,
  };
}

export async function getPlacement(actor: Actor, placementId: string) {
  if (!isUuid(placementId)) notFound();
  const p = await db().placement.findFirst({
    where: { AND: [{ id: placementId }, placementsVisibleTo(actor)] },
    include: {
      school: { select: { name: true } },
      employer: { select: { name: true } },
      supervisor: { select: { firstName: true, lastName: true } },
      pupils: {
        include: { pupil: { select: { firstName: true, lastName: true, yearGroup: true } } },
        orderBy: [{ pupil: { lastName: "asc" } }, { pupil: { firstName: "asc" } }],
      },
    },
  });
  if (!p) notFound();
  const side = placementSideOf(actor, p);
  return {
    ...placementHeadline(p),
    supervisorName: p.supervisor ? fullName(p.supervisor) : null,
    prerequisites: {
      riskAssessment: p.riskAssessmentAt?.toISOString() ?? null,
      insurance: p.insuranceConfirmedAt?.toISOString() ?? null,
      healthSafety: p.healthSafetyAt?.toISOString() ?? null,
    },
    missing: p.status === "PLANNED" ? missingPrerequisites(p, p.pupils) : [],
    pupils: p.pupils.map((r) => ({
      pupilId: r.pupilId,
      name: fullName(r.pupil),
      yearGroup: r.pupil.yearGroup,
      consent:
        r.consentGivenBy && r.consentDate && r.consentMethod
          ? { givenBy: r.consentGivenBy, date: toIsoDate(r.consentDate), method: r.consentMethod }
          : null,
      hoursAttended: r.hoursAttended,
      feedback: (r.feedback as PlacementFeedback | null) ?? null,
      wouldHostAgain: r.wouldHostAgain,
      feedbackAt: r.feedbackAt?.toISOString() ?? null,
      reflection: r.reflection,
    })),
    side,
  };
}

export type PlacementView = Awaited<ReturnType<typeof getPlacement>>;

async function findForChange(tx: Tx, actor: Actor, placementId: string) {
  if (!isUuid(placementId)) notFound();
  await tx.$queryRaw`SELECT p.id FROM placements p WHERE p.id = ${placementId}::uuid FOR UPDATE`;
  const p = await tx.placement.findFirst({
    where: { AND: [{ id: placementId }, placementsVisibleTo(actor)] },
    include: {
      employer: { select: { name: true } },
      pupils: { include: { pupil: { select: { firstName: true, lastName: true } } } },
    },
  });
  if (!p) notFound();
  return { p, side: placementSideOf(actor, p) };
}

// ───────────────────────────── the employer's confirmations ─────────────────────────────

export async function confirmPrerequisites(
  actor: Actor,
  placementId: string,
  input: { riskAssessment: boolean; insurance: boolean; healthSafety: boolean },
) {
  return db().$transaction(async (tx) => {
    const { p, side } = await findForChange(tx, actor, placementId);
    if (!side.host) notFound();
    if (p.status !== "PLANNED")
      throw new PlacementError({ form: "The placement has already started; its checks are closed." });
    if (!input.riskAssessment && !input.insurance && !input.healthSafety)
      throw new PlacementError({ riskAssessment: "Tick at least one of the checks you are confirming." });
    const now = new Date();
    const data: Prisma.PlacementUpdateInput = { employerConfirmedById: actor.userId };
    if (input.riskAssessment && !p.riskAssessmentAt) data.riskAssessmentAt = now;
    if (input.insurance && !p.insuranceConfirmedAt) data.insuranceConfirmedAt = now;
    if (input.healthSafety && !p.healthSafetyAt) data.healthSafetyAt = now;
    await tx.placement.update({ where: { id: p.id }, data });
    await audit(
      {
        actorId: actor.userId,
        action: "placement.prerequisites",
        subjectType: "placement",
        subjectId: p.id,
        organisationId: p.employerId,
        metadata: {
          riskAssessment: input.riskAssessment,
          insurance: input.insurance,
          healthSafety: input.healthSafety,
        },
      },
      tx,
    );
  });
}

// ───────────────────────────── the school's steps ─────────────────────────────

export const ConsentFields = {
  pupilId: z.string().uuid(),
  givenBy: z
    .string()
    .trim()
    .min(1, "Enter the name of the parent or carer who gave consent.")
    .max(200, "Keep the name to 200 characters or fewer."),
  consentDate: isoDate,
  method: z.enum(CONSENT_METHODS, { message: "Choose how consent was given." }),
};

export async function recordConsent(
  actor: Actor,
  placementId: string,
  input: { pupilId: string; givenBy: string; consentDate: IsoDate; method: (typeof CONSENT_METHODS)[number] },
  today: IsoDate = todayInEngland(),
) {
  if (isBefore(today, input.consentDate))
    throw new PlacementError({ consentDate: "The consent date cannot be in the future." });
  return db().$transaction(async (tx) => {
    const { p, side } = await findForChange(tx, actor, placementId);
    if (!side.school) notFound();
    if (!p.pupils.some((r) => r.pupilId === input.pupilId)) notFound();
    if (p.status !== "PLANNED") throw new PlacementError({ form: "The placement has already started." });
    await tx.placementPupil.update({
      where: { placementId_pupilId: { placementId: p.id, pupilId: input.pupilId } },
      data: { consentGivenBy: input.givenBy, consentDate: toUtcDate(input.consentDate), consentMethod: input.method },
    });
    await audit(
      {
        actorId: actor.userId,
        action: "placement.consent",
        subjectType: "placement",
        subjectId: p.id,
        organisationId: p.schoolId,
        metadata: { pupilId: input.pupilId },
      },
      tx,
    );
  });
}

/** Refused (with the list of what is missing) until every prerequisite and consent is in. */
export async function startPlacement(actor: Actor, placementId: string) {
  return db().$transaction(async (tx) => {
    const { p, side } = await findForChange(tx, actor, placementId);
    if (!side.school) notFound();
    if (p.status !== "PLANNED") throw new PlacementError({ form: "Only a planned placement can be started." });
    const missing = missingPrerequisites(p, p.pupils);
    if (missing.length) throw new PlacementError({ form: `The placement cannot start yet: ${missing.join(" ")}` });
    await tx.placement.update({ where: { id: p.id }, data: { status: "STARTED" } });
    await audit(
      {
        actorId: actor.userId,
        action: "placement.start",
        subjectType: "placement",
        subjectId: p.id,
        organisationId: p.schoolId,
        metadata: { pupils: p.pupils.length },
      },
      tx,
    );
  });
}

/** The school completes a started placement with each pupil's hours attended. */
export async function completePlacement(actor: Actor, placementId: string, hoursByPupil: Record<string, number>) {
  return db().$transaction(async (tx) => {
    const { p, side } = await findForChange(tx, actor, placementId);
    if (!side.school) notFound();
    if (p.status !== "STARTED") throw new PlacementError({ form: "Only a started placement can be completed." });
    const errors: FieldErrors = {};
    for (const r of p.pupils) {
      const h = hoursByPupil[r.pupilId];
      if (h === undefined || !Number.isInteger(h) || h < 0 || h > 400)
        errors[`hours_${r.pupilId}`] = `Enter the hours ${fullName(r.pupil)} attended, from 0 to 400.`;
    }
    if (Object.keys(errors).length) throw new PlacementError(errors);
    for (const r of p.pupils) {
      await tx.placementPupil.update({
        where: { placementId_pupilId: { placementId: p.id, pupilId: r.pupilId } },
        data: { hoursAttended: hoursByPupil[r.pupilId] },
      });
    }
    await tx.placement.update({ where: { id: p.id }, data: { status: "COMPLETED" } });
    await audit(
      {
        actorId: actor.userId,
        action: "placement.complete",
        subjectType: "placement",
        subjectId: p.id,
        organisationId: p.schoolId,
        metadata: { pupils: p.pupils.length },
      },
      tx,
    );
  });
}

// ───────────────────────────── feedback and reflection ─────────────────────────────

const rating = (label: string) =>
  strictNumber(
    z
      .number({ message: `Choose a rating for ${label}.` })
      .int()
      .min(1, `Choose a rating for ${label}.`)
      .max(4, `Choose a rating for ${label}.`),
  );
export const FeedbackFields = {
  pupilId: z.string().uuid(),
  attendance: rating("attendance"),
  punctuality: rating("punctuality"),
  teamwork: rating("teamwork"),
  communication: rating("communication"),
  digitalSkills: rating("digital skills"),
  comment: z.string().trim().max(2000, "Keep the comment to 2,000 characters or fewer.").optional(),
  wouldHostAgain: z.enum(["yes", "no"], { message: "Say whether you would host a placement again." }),
};

export async function givePlacementFeedback(
  actor: Actor,
  placementId: string,
  input: { pupilId: string; ratings: Record<FeedbackCriterion, number>; comment: string; wouldHostAgain: boolean },
) {
  return db().$transaction(async (tx) => {
    const { p, side } = await findForChange(tx, actor, placementId);
    if (!side.host) notFound();
    const row = p.pupils.find((r) => r.pupilId === input.pupilId);
    if (!row) notFound();
    if (p.status !== "STARTED" && p.status !== "COMPLETED")
      throw new PlacementError({ form: "Feedback can be given once the placement has started." });
    if (row.feedbackAt) throw new PlacementError({ form: "Feedback for this pupil has already been given." });
    const feedback: PlacementFeedback = { ...input.ratings, comment: input.comment };
    await tx.placementPupil.update({
      where: { placementId_pupilId: { placementId: p.id, pupilId: row.pupilId } },
      data: { feedback, wouldHostAgain: input.wouldHostAgain, feedbackAt: new Date() },
    });
    await audit(
      {
        actorId: actor.userId,
        action: "placement.feedback",
        subjectType: "placement",
        subjectId: p.id,
        organisationId: p.employerId,
        metadata: { pupilId: row.pupilId },
      },
      tx,
    );
  });
}

/** The pupil's own placements (their row only) and Gatsby status. */
export async function myPlacements(actor: Actor, today: IsoDate = todayInEngland()) {
  const rows = await db().placementPupil.findMany({
    where: { ...ownPlacementRows(actor), placement: { status: { not: "CANCELLED" } } },
    orderBy: { placement: { startDate: "desc" } },
    select: {
      placementId: true,
      reflection: true,
      hoursAttended: true,
      feedback: true,
      wouldHostAgain: true,
      placement: {
        select: {
          title: true,
          status: true,
          startDate: true,
          endDate: true,
          hours: true,
          employer: { select: { name: true } },
        },
      },
    },
  });
  const me = await db().user.findUnique({ where: { id: actor.userId }, select: { yearGroup: true } });
  const gatsby = me?.yearGroup
    ? (await gatsbyForPupils([{ id: actor.userId, yearGroup: me.yearGroup }], today)).get(actor.userId)!
    : null;
  return {
    gatsby,
    placements: rows.map((r) => ({
      placementId: r.placementId,
      title: r.placement.title,
      employerName: r.placement.employer.name,
      status: r.placement.status,
      statusLabel: PLACEMENT_STATUS_LABELS[r.placement.status],
      startDate: toIsoDate(r.placement.startDate),
      endDate: toIsoDate(r.placement.endDate),
      hours: r.hoursAttended ?? r.placement.hours,
      reflection: r.reflection,
      feedback: (r.feedback as PlacementFeedback | null) ?? null,
      canReflect: r.placement.status === "STARTED" || r.placement.status === "COMPLETED",
    })),
  };
}

export async function saveReflection(actor: Actor, placementId: string, text: string) {
  if (!isUuid(placementId)) notFound();
  const body = text.trim();
  if (!body) throw new PlacementError({ reflection: "Write your reflection: what you did and what you learned." });
  if (body.length > 4000)
    throw new PlacementError({ reflection: "Keep your reflection to 4,000 characters or fewer." });
  return db().$transaction(async (tx) => {
    const row = await tx.placementPupil.findFirst({
      where: { placementId, ...ownPlacementRows(actor) },
      select: { placement: { select: { status: true, schoolId: true } } },
    });
    if (!row) notFound();
    if (row.placement.status !== "STARTED" && row.placement.status !== "COMPLETED")
      throw new PlacementError({ reflection: "You can add a reflection once your placement has started." });
    await tx.placementPupil.update({
      where: { placementId_pupilId: { placementId, pupilId: actor.userId } },
      data: { reflection: body },
    });
    await audit(
      {
        actorId: actor.userId,
        action: "placement.reflection",
        subjectType: "placement",
        subjectId: placementId,
        organisationId: row.placement.schoolId,
        metadata: {},
      },
      tx,
    );
  });
}
