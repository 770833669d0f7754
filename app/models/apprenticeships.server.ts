/**
 * Apprenticeships: an employer enrols an apprentice (a person it already holds at once, anyone
 * else through an invitation they accept: enrolment-invitations.server.ts), the training plan is generated from that data and signed in place
 * by the apprentice, the employer and the tutor, and each party sees only the apprenticeships
 * they are part of.
 *
 * Boundaries
 * - OTJ rules come from app/domain/otj.ts only (regime, planned hours and how they were worked
 *   out); this module stores the result and the explanation, it never re-derives them.
 * - Every read takes the actor and keeps the scope in its `where` clause
 *   (`apprenticeshipsVisibleTo`, app/auth/reach.server.ts); anything outside it is a 404.
 * - A check-your-answers preview and the confirm step run the same `checkEnrolment`, so the
 *   figures a person confirmed are recomputed on the server, never taken from the form.
 */
import { z } from "zod";
import { db, type Tx } from "~/db/client.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import type { ApprenticeshipStatus } from "~/generated/prisma/enums.ts";
import type { Actor } from "~/auth/permissions.ts";
import { apprenticeshipPartiesOf, apprenticeshipsVisibleTo, caseloadOf, employerApprenticesOf, enrollingEmployersOf, mayChangeTrainingPlan, ownApprenticeships } from "~/auth/reach.server.ts";
import { addCalendarMonths, addDays, formatLongDate, isBefore, toIsoDate, toUtcDate, type IsoDate } from "~/domain/dates.ts";
import { otjRegimeFor, plannedOtjHours, type OtjRegime } from "~/domain/otj.ts";
import { isPlanFullySigned, loggedBeforePlanSignedWhere, planFullySignedAt, PLAN_PARTIES, type PlanParty, type PlanSignatures } from "~/domain/training-plan.ts";
import { audit } from "~/utils/audit.server.ts";
import type { FieldErrors } from "~/utils/forms.ts";
import { EnrolmentFields, EnrolmentSchema, PlanChangeSchema, type EnrolmentInput } from "~/models/apprenticeship-fields.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";
import { isUuid } from "~/domain/ids.ts";

export { EnrolmentFields, EnrolmentSchema, PlanChangeSchema, type EnrolmentInput };


export class ApprenticeshipError extends Error {}

// ───────────────────────────── labels ─────────────────────────────

export const STATUS_LABELS: Record<ApprenticeshipStatus, string> = {
  ACTIVE: "Active",
  BREAK: "On a break in learning",
  GATEWAY: "At gateway",
  COMPLETED: "Completed",
  WITHDRAWN: "Withdrawn",
};

export const REGIME_LABELS: Record<OtjRegime, string> = {
  PERCENT_20: "20% of contracted hours (starts before 1 August 2022)",
  HOURS_6_PER_WEEK: "6 hours a week, pro rata below 30 hours (starts 1 August 2022 to 31 July 2025)",
  STANDARD_MINIMUM: "The standard's published minimum (starts from 1 August 2025)",
};

/** Minimum programme length for the older regimes (funding rules before August 2025). */
export const LEGACY_MINIMUM_MONTHS = 12;

// ───────────────────────────── training plan signatures ─────────────────────────────

export const PARTY_LABELS: Record<PlanParty, string> = { apprentice: "Apprentice", employer: "Employer", tutor: "Training provider (tutor)" };

/**
 * When the training plan of an apprenticeship became fully signed (all three parties), or null.
 * For the progress features: learning logged before this moment is flagged. No actor: callers
 * have already scoped the apprenticeship.
 */
export async function trainingPlanSignedAt(apprenticeshipId: string, tx: Tx = db()): Promise<Date | null> {
  const plan = await tx.trainingPlan.findUnique({
    where: { apprenticeshipId },
    select: { apprenticeSignedAt: true, employerSignedAt: true, tutorSignedAt: true },
  });
  return planFullySignedAt(plan);
}

/** How many progress entries of the apprenticeship were logged before full signature. */
export async function countLearningBeforePlanSigned(apprenticeshipId: string, tx: Tx = db()): Promise<number> {
  const signedAt = await trainingPlanSignedAt(apprenticeshipId, tx);
  return tx.progressEntry.count({ where: { apprenticeshipId, supersededAt: null, ...loggedBeforePlanSignedWhere(signedAt) } });
}

function signatureState(plan: (PlanSignatures & { apprenticeSignedAt: Date | null }) | null) {
  if (!plan) return { signed: 0, waitingFor: [...PLAN_PARTIES], label: "No training plan" };
  const waitingFor = PLAN_PARTIES.filter((p) => !plan[`${p}SignedAt`]);
  const signed = PLAN_PARTIES.length - waitingFor.length;
  const label = signed === 3 ? "Signed by all three" : `Signed by ${signed} of 3, waiting for ${waitingFor.map((p) => (p === "tutor" ? "tutor" : p)).join(" and ")}`;
  return { signed, waitingFor, label };
}

// ───────────────────────────── lists ─────────────────────────────

const listSelect = {
  id: true,
  status: true,
  startDate: true,
  plannedEndDate: true,
  plannedOtjHours: true,
  apprentice: { select: { id: true, firstName: true, lastName: true } },
  employer: { select: { id: true, name: true } },
  standard: { select: { reference: true, title: true, level: true } },
  tutor: { select: { id: true, firstName: true, lastName: true } },
  supervisor: { select: { id: true, firstName: true, lastName: true } },
  trainingPlan: { select: { apprenticeSignedAt: true, employerSignedAt: true, tutorSignedAt: true } },
} satisfies Prisma.ApprenticeshipSelect;

type ListRow = Prisma.ApprenticeshipGetPayload<{ select: typeof listSelect }>;

function toListItem(row: ListRow) {
  const name = (p: { firstName: string; lastName: string } | null) => (p ? fullName(p) : null);
  return {
    id: row.id,
    status: row.status,
    statusLabel: STATUS_LABELS[row.status],
    startDate: toIsoDate(row.startDate),
    plannedEndDate: toIsoDate(row.plannedEndDate),
    plannedOtjHours: row.plannedOtjHours,
    apprenticeName: name(row.apprentice)!,
    employerName: row.employer.name,
    standard: `${row.standard.title} (${row.standard.reference}, level ${row.standard.level})`,
    tutorName: name(row.tutor),
    supervisorName: name(row.supervisor),
    plan: signatureState(row.trainingPlan),
  };
}

export type ApprenticeshipListItem = ReturnType<typeof toListItem>;

const listOrder: Prisma.ApprenticeshipOrderByWithRelationInput[] = [{ apprentice: { lastName: "asc" } }, { apprentice: { firstName: "asc" } }, { startDate: "desc" }];

/**
 * An employer's apprentices: employer admins see all of their organisation's, workplace
 * supervisors only those they supervise.
 */
export async function listEmployerApprentices(actor: Actor) {
  const where = employerApprenticesOf(actor);
  if (!where) notFound();
  const rows = await db().apprenticeship.findMany({ where, orderBy: listOrder, select: listSelect });
  return rows.map(toListItem);
}

/** A tutor's caseload: apprenticeships where they are the tutor, and nothing else. */
export async function listCaseload(actor: Actor) {
  const where = caseloadOf(actor);
  if (!where) notFound();
  const rows = await db().apprenticeship.findMany({ where, orderBy: listOrder, select: listSelect });
  return rows.map(toListItem);
}

/** The signed-in apprentice's own apprenticeships. */
export async function listOwnApprenticeships(actor: Actor) {
  const rows = await db().apprenticeship.findMany({ where: ownApprenticeships(actor), orderBy: { startDate: "desc" }, select: listSelect });
  return rows.map(toListItem);
}

// ───────────────────────────── one apprenticeship ─────────────────────────────

const detailSelect = {
  ...listSelect,
  apprenticeId: true,
  employerId: true,
  providerId: true,
  standardId: true,
  supervisorId: true,
  tutorId: true,
  contractedWeeklyHours: true,
  otjRegime: true,
  priorLearningHours: true,
  englishMathsRequired: true,
  provider: { select: { id: true, name: true } },
  trainingPlan: {
    select: {
      id: true,
      content: true,
      apprenticeSignedAt: true,
      apprenticeSignedById: true,
      employerSignedAt: true,
      employerSignedById: true,
      tutorSignedAt: true,
      tutorSignedById: true,
      updatedAt: true,
    },
  },
} satisfies Prisma.ApprenticeshipSelect;

async function findVisible(actor: Actor, apprenticeshipId: string, tx: Tx = db()) {
  if (!isUuid(apprenticeshipId)) notFound();
  const row = await tx.apprenticeship.findFirst({ where: { AND: [{ id: apprenticeshipId }, apprenticeshipsVisibleTo(actor)] }, select: detailSelect });
  if (!row) notFound();
  return row;
}

export async function getApprenticeship(actor: Actor, apprenticeshipId: string) {
  const row = await findVisible(actor, apprenticeshipId);
  const plan = row.trainingPlan;
  const signerIds = plan ? [plan.apprenticeSignedById, plan.employerSignedById, plan.tutorSignedById].filter((id): id is string => Boolean(id)) : [];
  const signers = signerIds.length ? await db().user.findMany({ where: { id: { in: signerIds } }, select: { id: true, firstName: true, lastName: true } }) : [];
  const signerName = (id: string | null) => {
    const s = signers.find((u) => u.id === id);
    return s ? fullName(s) : null;
  };
  const signedAt = planFullySignedAt(plan);
  const learningBeforeSignature = await countLearningBeforePlanSigned(row.id);
  return {
    ...toListItem(row),
    apprenticeId: row.apprenticeId,
    employerId: row.employerId,
    providerName: row.provider.name,
    contractedWeeklyHours: Number(row.contractedWeeklyHours),
    priorLearningHours: row.priorLearningHours,
    englishMathsRequired: row.englishMathsRequired,
    otjRegime: row.otjRegime,
    plan: plan
      ? {
          content: plan.content as unknown as TrainingPlanContent,
          fullySigned: signedAt !== null,
          fullySignedAt: signedAt?.toISOString() ?? null,
          signatures: PLAN_PARTIES.map((party) => ({
            party,
            label: PARTY_LABELS[party],
            signedAt: plan[`${party}SignedAt`]?.toISOString() ?? null,
            signedBy: signerName(plan[`${party}SignedById`]),
          })),
        }
      : null,
    state: signatureState(plan),
    mySignatureParties: apprenticeshipPartiesOf(actor, row),
    canEdit: mayChangeTrainingPlan(actor, row),
    learningBeforeSignature,
  };
}

/**
 * Signs the training plan for one party. The party must be one the actor may sign for;
 * otherwise (and for anything outside the actor's reach) 404. Signing twice changes nothing.
 */
export async function signTrainingPlan(actor: Actor, apprenticeshipId: string, party: PlanParty) {
  return db().$transaction(async (tx) => {
    const row = await findVisible(actor, apprenticeshipId, tx);
    if (!apprenticeshipPartiesOf(actor, row).includes(party) || !row.trainingPlan) notFound();
    const signedAtField = `${party}SignedAt` as const;
    const signedByField = `${party}SignedById` as const;
    // Conditional update: two people signing at once cannot both "win" the same signature.
    const updated = await tx.trainingPlan.updateMany({
      where: { id: row.trainingPlan.id, [signedAtField]: null },
      data: { [signedAtField]: new Date(), [signedByField]: actor.userId },
    });
    if (updated.count === 0) return { alreadySigned: true, fullySigned: isPlanFullySigned(row.trainingPlan) };
    const plan = await tx.trainingPlan.findUniqueOrThrow({ where: { id: row.trainingPlan.id }, select: { apprenticeSignedAt: true, employerSignedAt: true, tutorSignedAt: true } });
    const fullySigned = isPlanFullySigned(plan);
    await audit(
      { actorId: actor.userId, action: "training-plan.sign", subjectType: "apprenticeship", subjectId: row.id, organisationId: row.employerId, metadata: { party, trainingPlanId: row.trainingPlan.id, fullySigned } },
      tx,
    );
    return { alreadySigned: false, fullySigned };
  });
}

// ───────────────────────────── the training plan document ─────────────────────────────

export type TrainingPlanContent = {
  version: 1;
  generatedAt: string;
  standard: { reference: string; title: string; level: number; otjMinimumHours: number | null; minDurationMonths: number };
  ksbs: { code: string; text: string }[];
  startDate: IsoDate;
  plannedEndDate: IsoDate;
  contractedWeeklyHours: number;
  priorLearningHours: number;
  otj: { regime: OtjRegime; regimeLabel: string; hours: number; explanation: string };
  englishMaths: { required: boolean; reason: string };
  parties: {
    /** The date of birth is the one the age and the English and maths rule were worked out from; it stays off the person's record when another organisation holds them. */
    apprentice: { id: string; name: string; dateOfBirth?: IsoDate };
    employer: { id: string; name: string };
    provider: { id: string; name: string };
    tutor: { id: string; name: string };
    supervisor: { id: string; name: string };
  };
  pathway: { id: string; title: string } | null;
};

// ───────────────────────────── enrolment: the form ─────────────────────────────

/** The enrolling employer: one where the actor may enrol apprentices (404 otherwise). */
export async function enrollingEmployer(actor: Actor, organisationId?: string) {
  const allowed = enrollingEmployersOf(actor);
  const id = organisationId ?? allowed[0];
  if (!id || !allowed.includes(id)) notFound();
  const org = await db().organisation.findFirst({ where: { id, kind: "EMPLOYER" }, select: { id: true, name: true, status: true } });
  if (!org) notFound();
  return org;
}

/** Choices for the enrolment form: standards with KSBs, tutors, this employer's supervisors, pathways. */
export async function enrolmentOptions(actor: Actor, employerId: string) {
  await enrollingEmployer(actor, employerId);
  const [standards, tutors, supervisors, pathways] = await Promise.all([
    db().standard.findMany({
      orderBy: [{ level: "asc" }, { reference: "asc" }],
      select: { id: true, reference: true, title: true, level: true, otjMinimumHours: true, minDurationMonths: true, ksbs: { orderBy: { code: "asc" }, select: { code: true, text: true } } },
    }),
    db().membership.findMany({
      where: { role: "TUTOR", organisation: { kind: "PROVIDER", status: "APPROVED" }, user: { disabledAt: null, erasedAt: null } },
      orderBy: [{ user: { lastName: "asc" } }, { user: { firstName: "asc" } }],
      select: { user: { select: { id: true, firstName: true, lastName: true } }, organisation: { select: { name: true } } },
    }),
    db().membership.findMany({
      where: { role: "WORKPLACE_SUPERVISOR", organisationId: employerId, user: { disabledAt: null, erasedAt: null } },
      orderBy: [{ user: { lastName: "asc" } }, { user: { firstName: "asc" } }],
      select: { user: { select: { id: true, firstName: true, lastName: true } } },
    }),
    db().pathway.findMany({ where: { audience: "APPRENTICE" }, orderBy: [{ sortOrder: "asc" }, { title: "asc" }], select: { id: true, title: true } }),
  ]);
  return {
    standards: standards.map((s) => ({ ...s, ksbs: sortKsbs(s.ksbs) })),
    tutors: tutors.map((m) => ({ id: m.user.id, name: fullName(m.user), providerName: m.organisation.name })),
    supervisors: supervisors.map((m) => ({ id: m.user.id, name: fullName(m.user) })),
    pathways,
  };
}

/** K1, K2, …, K10, then S…, then B… (knowledge, skills, behaviours). */
function sortKsbs<T extends { code: string }>(ksbs: T[]): T[] {
  const kind = (code: string) => "KSB".indexOf(code.charAt(0).toUpperCase());
  const num = (code: string) => Number(code.slice(1)) || 0;
  return [...ksbs].sort((a, b) => kind(a.code) - kind(b.code) || num(a.code) - num(b.code) || a.code.localeCompare(b.code));
}

/** Whole years of age on a date. */
export function ageOn(dateOfBirth: IsoDate, on: IsoDate): number {
  const [by, bm, bd] = dateOfBirth.split("-").map(Number);
  const [y, m, d] = on.split("-").map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z]/g, "");
  return norm(a) === norm(b);
}

/**
 * Who the enrolment is for. `held`: a person who already belongs to this employer (matched by
 * email, or by UPN with both names agreeing in full), enrolled at once. `invite`: anyone else,
 * known to the partnership or not: they are invited and the apprenticeship starts when they
 * accept (decision 024), so nothing here depends on whether the address or UPN is known.
 */
type PersonMatch =
  | { kind: "held"; userId: string; name: string; matchedBy: "email" | "upn"; dateOfBirth: IsoDate | null; disabled: boolean }
  | { kind: "invite"; email: string; firstName: string; lastName: string };

const personSelect = { id: true, firstName: true, lastName: true, disabledAt: true, erasedAt: true, mergedIntoId: true, dateOfBirth: true } satisfies Prisma.UserSelect;

/** Follows merged_into_id to the surviving record (one record for life). */
async function survivorOf(userId: string, tx: Tx) {
  let current = await tx.user.findUnique({ where: { id: userId }, select: personSelect });
  for (let hops = 0; current?.mergedIntoId && hops < 10; hops++) {
    current = await tx.user.findUnique({ where: { id: current.mergedIntoId }, select: personSelect });
  }
  return current;
}

/** The surviving record behind an identifier, only if it belongs to this employer; anyone else is unknown here. */
async function heldBy(employerId: string, where: Prisma.UserWhereUniqueInput, tx: Tx) {
  const row = await tx.user.findUnique({ where, select: { id: true } });
  const survivor = row ? await survivorOf(row.id, tx) : null;
  if (!survivor) return null;
  const member = await tx.membership.findFirst({ where: { userId: survivor.id, organisationId: employerId }, select: { userId: true } });
  return member ? survivor : null;
}

async function matchPerson(employerId: string, input: EnrolmentInput, errors: FieldErrors, tx: Tx): Promise<PersonMatch | null> {
  const byEmail = await heldBy(employerId, { email: input.email }, tx);
  const byUpn = input.upn ? await heldBy(employerId, { upn: input.upn }, tx) : null;
  if (byEmail && byUpn && byEmail.id !== byUpn.id) {
    errors.upn = "That email address and that UPN belong to two different people in your organisation. Leave the UPN blank, and ask the partnership to merge the records.";
    return null;
  }
  // A UPN alone proposes a match only when both names agree in full with the record.
  const upnMatch = !byEmail && byUpn && sameName(input.firstName, byUpn.firstName) && sameName(input.lastName, byUpn.lastName) ? byUpn : null;
  const found = byEmail ?? upnMatch;
  if (found) {
    return {
      kind: "held",
      userId: found.id,
      name: fullName(found),
      matchedBy: byEmail ? "email" : "upn",
      dateOfBirth: found.dateOfBirth ? toIsoDate(found.dateOfBirth) : null,
      disabled: Boolean(found.disabledAt || found.erasedAt),
    };
  }
  if (!input.firstName) errors.firstName = "Enter their first name.";
  if (!input.lastName) errors.lastName = "Enter their last name.";
  if (!input.firstName || !input.lastName) return null;
  return { kind: "invite", email: input.email, firstName: input.firstName, lastName: input.lastName };
}

/** Everything the enrolment works out from the answers, whoever the apprentice turns out to be. */
export type EnrolmentAnswers = {
  employer: { id: string; name: string };
  dateOfBirth: IsoDate;
  ageAtStart: number;
  standard: { id: string; reference: string; title: string; level: number; otjMinimumHours: number | null; minDurationMonths: number; ksbs: { code: string; text: string }[] };
  startDate: IsoDate;
  plannedEndDate: IsoDate;
  contractedWeeklyHours: number;
  priorLearningHours: number;
  otj: { regime: OtjRegime; regimeLabel: string; hours: number; explanation: string };
  englishMaths: { required: boolean; reason: string };
  tutor: { id: string; name: string; providerId: string; providerName: string };
  supervisor: { id: string; name: string };
  pathway: { id: string; title: string } | null;
  warnings: string[];
};

export type EnrolmentPreview = EnrolmentAnswers & { person: PersonMatch };

type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/**
 * Validates an enrolment against the database and the OTJ rules and works out everything the
 * check-your-answers page shows. Nothing is written. Only people this employer already holds are
 * looked up; everyone else is an invitation, whatever the partnership knows about them.
 */
export async function checkEnrolment(actor: Actor, employerId: string, input: EnrolmentInput, tx: Tx = db()): Promise<{ ok: true; preview: EnrolmentPreview } | { ok: false; errors: FieldErrors }> {
  const employer = await enrollingEmployer(actor, employerId);
  if (employer.status !== "APPROVED") return { ok: false, errors: { form: "Your organisation is waiting for approval by the partnership. You can enrol apprentices once it is approved." } };
  const errors: FieldErrors = {};
  const person = await matchPerson(employer.id, input, errors, tx);
  if (person?.kind === "held") {
    if (person.userId === actor.userId) errors.email = "You cannot enrol yourself as an apprentice of your own organisation.";
    else if (person.disabled) errors.email = `${person.name}'s account is disabled. Ask the partnership to re-enable it before enrolling them.`;
    if (person.dateOfBirth && person.dateOfBirth !== input.dateOfBirth) errors.dateOfBirth = `That date of birth does not match the one on ${person.name}'s record. Check it with them.`;
    if (await hasUnfinishedApprenticeship(person.userId, input.standardId, tx)) errors.standardId = `${person.name} already has an apprenticeship on this standard that has not finished.`;
  }
  const checked = await checkEnrolmentAnswers(employer, input, errors, tx);
  if (!checked.ok) return checked;
  if (!person) return { ok: false, errors: { form: "Some answers could not be checked. Review the form and try again." } };
  return { ok: true, preview: { ...checked.value, person } };
}

export async function hasUnfinishedApprenticeship(userId: string, standardId: string, tx: Tx): Promise<boolean> {
  const row = await tx.apprenticeship.findFirst({ where: { apprenticeId: userId, standardId, status: { in: ["ACTIVE", "BREAK", "GATEWAY"] } }, select: { id: true } });
  return row !== null;
}

/**
 * The answers' own rules (dates, age at the start, standard, tutor, supervisor, pathway, OTJ,
 * English and maths), added to the errors already found. Used when the employer previews and
 * confirms, and again when an invited person accepts.
 */
export async function checkEnrolmentAnswers(employer: { id: string; name: string }, input: EnrolmentInput, errors: FieldErrors, tx: Tx): Promise<Checked<EnrolmentAnswers>> {
  const warnings: string[] = [];
  const today = toIsoDate(new Date());
  const { startDate, plannedEndDate, dateOfBirth } = input;
  if (isBefore(addCalendarMonths(today, 12), startDate)) errors.startDate = "The start date must be within the next 12 months.";
  if (isBefore(startDate, "2015-01-01")) errors.startDate = "The start date must be on or after 1 January 2015.";
  if (!isBefore(startDate, plannedEndDate)) errors.plannedEndDate = "The planned end date must be after the start date.";
  if (!isBefore(dateOfBirth, today)) errors.dateOfBirth ??= "The date of birth must be in the past.";
  const ageAtStart = ageOn(dateOfBirth, startDate);
  if (!errors.dateOfBirth && ageAtStart < 16) errors.dateOfBirth = `An apprentice must be at least 16 when they start; on ${formatLongDate(startDate)} they would be ${Math.max(ageAtStart, 0)}.`;
  if (!errors.dateOfBirth && ageAtStart > 100) errors.dateOfBirth = "Check the date of birth: it makes them over 100 at the start.";

  const [standard, tutorMembership, supervisorMembership, pathway] = await Promise.all([
    tx.standard.findUnique({
      where: { id: input.standardId },
      select: { id: true, reference: true, title: true, level: true, otjMinimumHours: true, minDurationMonths: true, ksbs: { select: { code: true, text: true } } },
    }),
    tx.membership.findFirst({
      where: { userId: input.tutorId, role: "TUTOR", organisation: { kind: "PROVIDER", status: "APPROVED" }, user: { disabledAt: null, erasedAt: null } },
      select: { user: { select: { id: true, firstName: true, lastName: true } }, organisation: { select: { id: true, name: true } } },
    }),
    tx.membership.findFirst({
      where: { userId: input.supervisorId, role: "WORKPLACE_SUPERVISOR", organisationId: employer.id, user: { disabledAt: null, erasedAt: null } },
      select: { user: { select: { id: true, firstName: true, lastName: true } } },
    }),
    input.pathwayId ? tx.pathway.findFirst({ where: { id: input.pathwayId, audience: "APPRENTICE" }, select: { id: true, title: true } }) : Promise.resolve(null),
  ]);
  if (!standard) errors.standardId = "Choose an apprenticeship standard from the list.";
  if (!tutorMembership) errors.tutorId = "Choose a tutor from the training provider's list.";
  if (!supervisorMembership) errors.supervisorId = "Choose a workplace supervisor from your organisation's list.";
  if (input.pathwayId && !pathway) errors.pathwayId = "Choose an apprentice pathway from the list, or none.";

  // English and maths: required for 16–18 at the start; optional from 19 (since February 2025).
  let englishMaths: EnrolmentPreview["englishMaths"] = { required: false, reason: "" };
  if (!errors.dateOfBirth) {
    if (ageAtStart <= 18) {
      if (input.englishMaths === "not-required") errors.englishMaths = `English and maths are required for apprentices aged 16 to 18 at the start; they would be ${ageAtStart}.`;
      englishMaths = { required: true, reason: `Required: aged ${ageAtStart} at the start (required for 16 to 18).` };
    } else if (input.englishMaths === "required") {
      englishMaths = { required: true, reason: `Required by the employer and provider (optional from 19; aged ${ageAtStart} at the start).` };
    } else {
      englishMaths = { required: false, reason: `Not required: aged ${ageAtStart} at the start (optional from 19).` };
    }
  }

  // Planned OTJ hours: the rules engine decides the regime and the figure.
  let otj: EnrolmentPreview["otj"] | null = null;
  if (standard && !errors.startDate && !errors.plannedEndDate) {
    const regime = otjRegimeFor(startDate);
    const planned = plannedOtjHours({
      startDate,
      plannedEndDate,
      contractedWeeklyHours: input.contractedWeeklyHours,
      priorLearningHours: input.priorLearningHours,
      standard: { reference: standard.reference, otjMinimumHours: standard.otjMinimumHours },
    });
    for (const problem of planned.problems) {
      if (problem.code === "NO_PUBLISHED_MINIMUM") errors.standardId = problem.message;
      if (problem.code === "PROGRAMME_TOO_SHORT") errors.plannedEndDate = problem.message;
    }
    if (regime !== "STANDARD_MINIMUM") {
      const earliestEnd = addDays(addCalendarMonths(startDate, LEGACY_MINIMUM_MONTHS), -1);
      if (isBefore(plannedEndDate, earliestEnd)) {
        errors.plannedEndDate ??= `For a start before 1 August 2025 the apprenticeship must last at least ${LEGACY_MINIMUM_MONTHS} months: until at least ${formatLongDate(earliestEnd)}.`;
      }
    }
    if (!errors.plannedEndDate) {
      const typicalEnd = addDays(addCalendarMonths(startDate, standard.minDurationMonths), -1);
      if (isBefore(plannedEndDate, typicalEnd)) {
        warnings.push(`The planned duration is shorter than the standard's usual minimum of ${standard.minDurationMonths} months (until ${formatLongDate(typicalEnd)}). Check the apprentice can complete in this time.`);
      }
    }
    if (planned.hours !== null) otj = { regime, regimeLabel: REGIME_LABELS[regime], hours: planned.hours, explanation: planned.explanation };
    if (regime === "STANDARD_MINIMUM" && input.priorLearningHours > 0) {
      warnings.push("Prior learning reduces the minimum only when it is evidenced (recognition of prior learning); keep the evidence with the plan.");
    }
  }

  if (Object.keys(errors).length || !standard || !tutorMembership || !supervisorMembership || !otj) {
    if (!Object.keys(errors).length) errors.form = "Some answers could not be checked. Review the form and try again.";
    return { ok: false, errors };
  }
  return {
    ok: true,
    value: {
      employer: { id: employer.id, name: employer.name },
      dateOfBirth,
      ageAtStart,
      standard: { ...standard, ksbs: sortKsbs(standard.ksbs) },
      startDate,
      plannedEndDate,
      contractedWeeklyHours: input.contractedWeeklyHours,
      priorLearningHours: input.priorLearningHours,
      otj,
      englishMaths,
      tutor: { id: tutorMembership.user.id, name: fullName(tutorMembership.user), providerId: tutorMembership.organisation.id, providerName: tutorMembership.organisation.name },
      supervisor: { id: supervisorMembership.user.id, name: fullName(supervisorMembership.user) },
      pathway,
      warnings,
    },
  };
}

function planContent(p: EnrolmentAnswers, apprentice: { id: string; name: string }): TrainingPlanContent {
  return {
    version: 1,
    generatedAt: new Date().toISOString(),
    standard: { reference: p.standard.reference, title: p.standard.title, level: p.standard.level, otjMinimumHours: p.standard.otjMinimumHours, minDurationMonths: p.standard.minDurationMonths },
    ksbs: p.standard.ksbs,
    startDate: p.startDate,
    plannedEndDate: p.plannedEndDate,
    contractedWeeklyHours: p.contractedWeeklyHours,
    priorLearningHours: p.priorLearningHours,
    otj: p.otj,
    englishMaths: p.englishMaths,
    parties: {
      apprentice: { ...apprentice, dateOfBirth: p.dateOfBirth },
      employer: p.employer,
      provider: { id: p.tutor.providerId, name: p.tutor.providerName },
      tutor: { id: p.tutor.id, name: p.tutor.name },
      supervisor: p.supervisor,
    },
    pathway: p.pathway,
  };
}

/**
 * Fills an empty date of birth on the apprentice's record with the enrolment's, only when the
 * employer is the only organisation holding them: an enrolment never writes a field of a person
 * another organisation holds (their school, another employer). The condition is in the UPDATE.
 */
export async function fillDateOfBirth(tx: Tx, apprenticeId: string, employerId: string, dateOfBirth: IsoDate) {
  await tx.user.updateMany({
    where: { id: apprenticeId, dateOfBirth: null, memberships: { none: { organisationId: { not: employerId } } } },
    data: { dateOfBirth: toUtcDate(dateOfBirth) },
  });
}

/**
 * Creates the apprenticeship for a person already decided on: the apprentice role at the
 * employer, the apprenticeship with its planned OTJ hours, the training plan and the optional
 * pathway enrolment, audited as the enrolling employer admin's act. Inside the caller's
 * transaction, after the answers were checked in it.
 */
export async function createApprenticeship(tx: Tx, p: EnrolmentAnswers, apprentice: { id: string; name: string }, by: { actorId: string; metadata: Record<string, string> }) {
  await tx.membership.upsert({
    where: { userId_organisationId_role: { userId: apprentice.id, organisationId: p.employer.id, role: "APPRENTICE" } },
    update: {},
    create: { userId: apprentice.id, organisationId: p.employer.id, role: "APPRENTICE" },
  });
  const apprenticeship = await tx.apprenticeship.create({
    data: {
      apprenticeId: apprentice.id,
      employerId: p.employer.id,
      providerId: p.tutor.providerId,
      standardId: p.standard.id,
      tutorId: p.tutor.id,
      supervisorId: p.supervisor.id,
      startDate: toUtcDate(p.startDate),
      plannedEndDate: toUtcDate(p.plannedEndDate),
      contractedWeeklyHours: p.contractedWeeklyHours,
      otjRegime: p.otj.regime,
      plannedOtjHours: p.otj.hours,
      priorLearningHours: p.priorLearningHours,
      englishMathsRequired: p.englishMaths.required,
    },
    select: { id: true },
  });
  const plan = await tx.trainingPlan.create({
    data: { apprenticeshipId: apprenticeship.id, content: planContent(p, apprentice) as unknown as Prisma.InputJsonObject },
    select: { id: true },
  });
  let enrolmentId: string | null = null;
  if (p.pathway) {
    const enrolment = await tx.enrolment.upsert({
      where: { userId_pathwayId: { userId: apprentice.id, pathwayId: p.pathway.id } },
      update: {},
      create: { userId: apprentice.id, pathwayId: p.pathway.id, organisationId: p.employer.id, startedOn: toUtcDate(p.startDate) },
      select: { id: true },
    });
    enrolmentId = enrolment.id;
  }
  await audit(
    {
      actorId: by.actorId,
      action: "apprenticeship.enrol",
      subjectType: "apprenticeship",
      subjectId: apprenticeship.id,
      organisationId: p.employer.id,
      metadata: { ...by.metadata, apprenticeId: apprentice.id, standardId: p.standard.id, regime: p.otj.regime, plannedOtjHours: p.otj.hours, trainingPlanId: plan.id, enrolmentId },
    },
    tx,
  );
  return { apprenticeshipId: apprenticeship.id };
}

// ───────────────────────────── changing the plan before it is agreed ─────────────────────────────


/**
 * Changes dates or hours before the plan is agreed by all three. The OTJ figure is recomputed
 * and any signatures already given are cleared (they agreed to a different plan). Once all three
 * have signed, the plan is locked: a change needs a new plan version (not built yet).
 */
export async function changePlanDetails(actor: Actor, apprenticeshipId: string, input: z.infer<typeof PlanChangeSchema>): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  return db().$transaction(async (tx) => {
    const row = await findVisible(actor, apprenticeshipId, tx);
    if (!mayChangeTrainingPlan(actor, row)) notFound();
    if (isPlanFullySigned(row.trainingPlan)) {
      return { ok: false, errors: { form: "The training plan has been signed by all three parties, so its dates and hours are locked. A change needs a new version of the plan, agreed by all three." } };
    }
    const startDate = toIsoDate(row.startDate);
    const errors: FieldErrors = {};
    if (!isBefore(startDate, input.plannedEndDate)) errors.plannedEndDate = "The planned end date must be after the start date.";
    const standard = await tx.standard.findUniqueOrThrow({ where: { id: row.standardId }, select: { reference: true, otjMinimumHours: true } });
    if (Object.keys(errors).length) return { ok: false, errors };
    const planned = plannedOtjHours({ startDate, plannedEndDate: input.plannedEndDate, contractedWeeklyHours: input.contractedWeeklyHours, priorLearningHours: input.priorLearningHours, standard });
    for (const problem of planned.problems) errors[problem.code === "PROGRAMME_TOO_SHORT" ? "plannedEndDate" : "form"] = problem.message;
    if (planned.regime !== "STANDARD_MINIMUM" && isBefore(input.plannedEndDate, addDays(addCalendarMonths(startDate, LEGACY_MINIMUM_MONTHS), -1))) {
      errors.plannedEndDate ??= `For a start before 1 August 2025 the apprenticeship must last at least ${LEGACY_MINIMUM_MONTHS} months.`;
    }
    if (Object.keys(errors).length || planned.hours === null) return { ok: false, errors: Object.keys(errors).length ? errors : { form: planned.explanation } };
    await tx.apprenticeship.update({
      where: { id: row.id },
      data: { plannedEndDate: toUtcDate(input.plannedEndDate), contractedWeeklyHours: input.contractedWeeklyHours, priorLearningHours: input.priorLearningHours, plannedOtjHours: planned.hours },
    });
    if (row.trainingPlan) {
      const content = row.trainingPlan.content as unknown as TrainingPlanContent;
      const next: TrainingPlanContent = {
        ...content,
        generatedAt: new Date().toISOString(),
        plannedEndDate: input.plannedEndDate,
        contractedWeeklyHours: input.contractedWeeklyHours,
        priorLearningHours: input.priorLearningHours,
        otj: { regime: planned.regime, regimeLabel: REGIME_LABELS[planned.regime], hours: planned.hours, explanation: planned.explanation },
      };
      await tx.trainingPlan.update({
        where: { id: row.trainingPlan.id },
        data: {
          content: next as unknown as Prisma.InputJsonObject,
          apprenticeSignedAt: null,
          apprenticeSignedById: null,
          employerSignedAt: null,
          employerSignedById: null,
          tutorSignedAt: null,
          tutorSignedById: null,
        },
      });
    }
    await audit(
      { actorId: actor.userId, action: "training-plan.change", subjectType: "apprenticeship", subjectId: row.id, organisationId: row.employerId, metadata: { plannedOtjHours: planned.hours, signaturesCleared: true } },
      tx,
    );
    return { ok: true as const };
  });
}
