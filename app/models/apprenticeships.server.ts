/**
 * Apprenticeships: the lists each party sees (the employer's, the tutor's caseload, the
 * apprentice's own), one apprenticeship with its training plan, signing the plan in place (the
 * apprentice, the employer and the tutor), and changing its dates and hours before all three have
 * signed. Enrolment (the form, the checks, the records it creates) is
 * apprenticeship-enrolment.server.ts; invitations are enrolment-invitations.server.ts.
 *
 * - OTJ rules come from app/domain/otj.ts only; this module stores the result, never re-derives it.
 * - Every read takes the actor and keeps the scope in its `where` clause
 *   (`apprenticeshipsVisibleTo`, app/auth/reach.server.ts); anything outside it is a 404.
 */
import { z } from "zod";
import { db, type Tx } from "~/db/client.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import type { ApprenticeshipStatus } from "~/generated/prisma/enums.ts";
import type { Actor } from "~/auth/permissions.ts";
import {
  apprenticeshipPartiesOf,
  apprenticeshipsVisibleTo,
  caseloadOf,
  employerApprenticesOf,
  mayChangeTrainingPlan,
  ownApprenticeships,
} from "~/auth/reach.server.ts";
import { addCalendarMonths, addDays, isBefore, toIsoDate, toUtcDate, type IsoDate } from "~/domain/dates.ts";
import { plannedOtjHours, type OtjRegime } from "~/domain/otj.ts";
import {
  isPlanFullySigned,
  loggedBeforePlanSignedWhere,
  planFullySignedAt,
  PLAN_PARTIES,
  type PlanParty,
  type PlanSignatures,
} from "~/domain/training-plan.ts";
import { audit } from "~/utils/audit.server.ts";
import type { FieldErrors } from "~/utils/forms.ts";
import { PlanChangeSchema } from "~/models/apprenticeship-fields.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";
import { isUuid } from "~/domain/ids.ts";

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

export const PARTY_LABELS: Record<PlanParty, string> = {
  apprentice: "Apprentice",
  employer: "Employer",
  tutor: "Training provider (tutor)",
};

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
  return tx.progressEntry.count({
    where: { apprenticeshipId, supersededAt: null, ...loggedBeforePlanSignedWhere(signedAt) },
  });
}

function signatureState(plan: (PlanSignatures & { apprenticeSignedAt: Date | null }) | null) {
  if (!plan) return { signed: 0, waitingFor: [...PLAN_PARTIES], label: "No training plan" };
  const waitingFor = PLAN_PARTIES.filter((p) => !plan[`${p}SignedAt`]);
  const signed = PLAN_PARTIES.length - waitingFor.length;
  const label =
    signed === 3
      ? "Signed by all three"
      : `Signed by ${signed} of 3, waiting for ${waitingFor.map((p) => (p === "tutor" ? "tutor" : p)).join(" and ")}`;
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

const listOrder: Prisma.ApprenticeshipOrderByWithRelationInput[] = [
  { apprentice: { lastName: "asc" } },
  { apprentice: { firstName: "asc" } },
  { startDate: "desc" },
];

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
  const rows = await db().apprenticeship.findMany({
    where: ownApprenticeships(actor),
    orderBy: { startDate: "desc" },
    select: listSelect,
  });
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
  const row = await tx.apprenticeship.findFirst({
    where: { AND: [{ id: apprenticeshipId }, apprenticeshipsVisibleTo(actor)] },
    select: detailSelect,
  });
  if (!row) notFound();
  return row;
}

export async function getApprenticeship(actor: Actor, apprenticeshipId: string) {
  const row = await findVisible(actor, apprenticeshipId);
  const plan = row.trainingPlan;
  const signerIds = plan
    ? [plan.apprenticeSignedById, plan.employerSignedById, plan.tutorSignedById].filter((id): id is string =>
        Boolean(id),
      )
    : [];
  const signers = signerIds.length
    ? await db().user.findMany({
        where: { id: { in: signerIds } },
        select: { id: true, firstName: true, lastName: true },
      })
    : [];
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
    const plan = await tx.trainingPlan.findUniqueOrThrow({
      where: { id: row.trainingPlan.id },
      select: { apprenticeSignedAt: true, employerSignedAt: true, tutorSignedAt: true },
    });
    const fullySigned = isPlanFullySigned(plan);
    await audit(
      {
        actorId: actor.userId,
        action: "training-plan.sign",
        subjectType: "apprenticeship",
        subjectId: row.id,
        organisationId: row.employerId,
        metadata: { party, trainingPlanId: row.trainingPlan.id, fullySigned },
      },
      tx,
    );
    return { alreadySigned: false, fullySigned };
  });
}

// ───────────────────────────── the training plan document ─────────────────────────────

export type TrainingPlanContent = {
  version: 1;
  generatedAt: string;
  standard: {
    reference: string;
    title: string;
    level: number;
    otjMinimumHours: number | null;
    minDurationMonths: number;
  };
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

// ───────────────────────────── changing the plan before it is agreed ─────────────────────────────

/**
 * Changes dates or hours before the plan is agreed by all three. The OTJ figure is recomputed
 * and any signatures already given are cleared (they agreed to a different plan). Once all three
 * have signed, the plan is locked: a change needs a new plan version (not built yet).
 */
export async function changePlanDetails(
  actor: Actor,
  apprenticeshipId: string,
  input: z.infer<typeof PlanChangeSchema>,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  return db().$transaction(async (tx) => {
    const row = await findVisible(actor, apprenticeshipId, tx);
    if (!mayChangeTrainingPlan(actor, row)) notFound();
    if (isPlanFullySigned(row.trainingPlan)) {
      return {
        ok: false,
        errors: {
          form: "The training plan has been signed by all three parties, so its dates and hours are locked. A change needs a new version of the plan, agreed by all three.",
        },
      };
    }
    const startDate = toIsoDate(row.startDate);
    const errors: FieldErrors = {};
    if (!isBefore(startDate, input.plannedEndDate))
      errors.plannedEndDate = "The planned end date must be after the start date.";
    const standard = await tx.standard.findUniqueOrThrow({
      where: { id: row.standardId },
      select: { reference: true, otjMinimumHours: true },
    });
    if (Object.keys(errors).length) return { ok: false, errors };
    const planned = plannedOtjHours({
      startDate,
      plannedEndDate: input.plannedEndDate,
      contractedWeeklyHours: input.contractedWeeklyHours,
      priorLearningHours: input.priorLearningHours,
      standard,
    });
    for (const problem of planned.problems)
      errors[problem.code === "PROGRAMME_TOO_SHORT" ? "plannedEndDate" : "form"] = problem.message;
    if (
      planned.regime !== "STANDARD_MINIMUM" &&
      isBefore(input.plannedEndDate, addDays(addCalendarMonths(startDate, LEGACY_MINIMUM_MONTHS), -1))
    ) {
      errors.plannedEndDate ??= `For a start before 1 August 2025 the apprenticeship must last at least ${LEGACY_MINIMUM_MONTHS} months.`;
    }
    if (Object.keys(errors).length || planned.hours === null)
      return { ok: false, errors: Object.keys(errors).length ? errors : { form: planned.explanation } };
    await tx.apprenticeship.update({
      where: { id: row.id },
      data: {
        plannedEndDate: toUtcDate(input.plannedEndDate),
        contractedWeeklyHours: input.contractedWeeklyHours,
        priorLearningHours: input.priorLearningHours,
        plannedOtjHours: planned.hours,
      },
    });
    if (row.trainingPlan) {
      const content = row.trainingPlan.content as unknown as TrainingPlanContent;
      const next: TrainingPlanContent = {
        ...content,
        generatedAt: new Date().toISOString(),
        plannedEndDate: input.plannedEndDate,
        contractedWeeklyHours: input.contractedWeeklyHours,
        priorLearningHours: input.priorLearningHours,
        otj: {
          regime: planned.regime,
          regimeLabel: REGIME_LABELS[planned.regime],
          hours: planned.hours,
          explanation: planned.explanation,
        },
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
      {
        actorId: actor.userId,
        action: "training-plan.change",
        subjectType: "apprenticeship",
        subjectId: row.id,
        organisationId: row.employerId,
        metadata: { plannedOtjHours: planned.hours, signaturesCleared: true },
      },
      tx,
    );
    return { ok: true as const };
  });
}
