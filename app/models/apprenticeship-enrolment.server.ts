/**
 * Enrolling an apprentice: the employer's form (its choices), who the enrolment is for (a person
 * the employer already holds, or an invitation: enrolment-invitations.server.ts decides and owns
 * the acceptance), the check of every answer against the database and the OTJ rules, and the
 * records an accepted enrolment creates (apprenticeship, training plan, pathway enrolment).
 *
 * - OTJ rules come from app/domain/otj.ts only (regime, planned hours and how they were worked
 *   out); this module stores the result and the explanation, it never re-derives them.
 * - A check-your-answers preview and the confirm step run the same `checkEnrolment`, so the
 *   figures a person confirmed are recomputed on the server, never taken from the form.
 * - Reach: the employers where the actor enrols (app/auth/reach.server.ts `enrollingEmployersOf`).
 */
import { db, type Tx } from "~/db/client.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import type { Actor } from "~/auth/permissions.ts";
import { enrollingEmployersOf } from "~/auth/reach.server.ts";
import {
  addCalendarMonths,
  addDays,
  formatLongDate,
  isBefore,
  toIsoDate,
  toUtcDate,
  type IsoDate,
} from "~/domain/dates.ts";
import { otjRegimeFor, plannedOtjHours, type OtjRegime } from "~/domain/otj.ts";
import { audit } from "~/utils/audit.server.ts";
import type { FieldErrors } from "~/utils/forms.ts";
import type { EnrolmentInput } from "~/models/apprenticeship-fields.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";
import { LEGACY_MINIMUM_MONTHS, REGIME_LABELS, type TrainingPlanContent } from "~/models/apprenticeships.server.ts";

// ───────────────────────────── enrolment: the form ─────────────────────────────

/** The enrolling employer: one where the actor may enrol apprentices (404 otherwise). */
export async function enrollingEmployer(actor: Actor, organisationId?: string) {
  const allowed = enrollingEmployersOf(actor);
  const id = organisationId ?? allowed[0];
  if (!id || !allowed.includes(id)) notFound();
  const org = await db().organisation.findFirst({
    where: { id, kind: "EMPLOYER" },
    select: { id: true, name: true, status: true },
  });
  if (!org) notFound();
  return org;
}

/** Choices for the enrolment form: standards with KSBs, tutors, this employer's supervisors, pathways. */
export async function enrolmentOptions(actor: Actor, employerId: string) {
  await enrollingEmployer(actor, employerId);
  const [standards, tutors, supervisors, pathways] = await Promise.all([
    db().standard.findMany({
      orderBy: [{ level: "asc" }, { reference: "asc" }],
      select: {
        id: true,
        reference: true,
        title: true,
        level: true,
        otjMinimumHours: true,
        minDurationMonths: true,
        ksbs: { orderBy: { code: "asc" }, select: { code: true, text: true } },
      },
    }),
    db().membership.findMany({
      where: {
        role: "TUTOR",
        organisation: { kind: "PROVIDER", status: "APPROVED" },
        user: { disabledAt: null, erasedAt: null },
      },
      orderBy: [{ user: { lastName: "asc" } }, { user: { firstName: "asc" } }],
      select: {
        user: { select: { id: true, firstName: true, lastName: true } },
        organisation: { select: { name: true } },
      },
    }),
    db().membership.findMany({
      where: { role: "WORKPLACE_SUPERVISOR", organisationId: employerId, user: { disabledAt: null, erasedAt: null } },
      orderBy: [{ user: { lastName: "asc" } }, { user: { firstName: "asc" } }],
      select: { user: { select: { id: true, firstName: true, lastName: true } } },
    }),
    db().pathway.findMany({
      where: { audience: "APPRENTICE" },
      orderBy: [{ sortOrder: "asc" }, { title: "asc" }],
      select: { id: true, title: true },
    }),
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
  return [...ksbs].sort(
    (a, b) => kind(a.code) - kind(b.code) || num(a.code) - num(b.code) || a.code.localeCompare(b.code),
  );
}

/** Whole years of age on a date. */
export function ageOn(dateOfBirth: IsoDate, on: IsoDate): number {
  const [by, bm, bd] = dateOfBirth.split("-").map(Number);
  const [y, m, d] = on.split("-").map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

function sameName(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z]/g, "");
  return norm(a) === norm(b);
}

/**
 * Who the enrolment is for. `held`: a person who already belongs to this employer (matched by
 * email, or by UPN with both names agreeing in full), enrolled at once. `invite`: anyone else,
 * known to the partnership or not: they are invited and the apprenticeship starts when they
 * accept (decision 024), so nothing here depends on whether the address or UPN is known.
 */
type PersonMatch =
  | {
      kind: "held";
      userId: string;
      name: string;
      matchedBy: "email" | "upn";
      dateOfBirth: IsoDate | null;
      disabled: boolean;
    }
  | { kind: "invite"; email: string; firstName: string; lastName: string };

const personSelect = {
  id: true,
  firstName: true,
  lastName: true,
  disabledAt: true,
  erasedAt: true,
  mergedIntoId: true,
  dateOfBirth: true,
} satisfies Prisma.UserSelect;

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
  const member = await tx.membership.findFirst({
    where: { userId: survivor.id, organisationId: employerId },
    select: { userId: true },
  });
  return member ? survivor : null;
}

async function matchPerson(
  employerId: string,
  input: EnrolmentInput,
  errors: FieldErrors,
  tx: Tx,
): Promise<PersonMatch | null> {
  const byEmail = await heldBy(employerId, { email: input.email }, tx);
  const byUpn = input.upn ? await heldBy(employerId, { upn: input.upn }, tx) : null;
  if (byEmail && byUpn && byEmail.id !== byUpn.id) {
    errors.upn =
      "That email address and that UPN belong to two different people in your organisation. Leave the UPN blank, and ask the partnership to merge the records.";
    return null;
  }
  // A UPN alone proposes a match only when both names agree in full with the record.
  const upnMatch =
    !byEmail && byUpn && sameName(input.firstName, byUpn.firstName) && sameName(input.lastName, byUpn.lastName)
      ? byUpn
      : null;
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
  standard: {
    id: string;
    reference: string;
    title: string;
    level: number;
    otjMinimumHours: number | null;
    minDurationMonths: number;
    ksbs: { code: string; text: string }[];
  };
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
export async function checkEnrolment(
  actor: Actor,
  employerId: string,
  input: EnrolmentInput,
  tx: Tx = db(),
): Promise<{ ok: true; preview: EnrolmentPreview } | { ok: false; errors: FieldErrors }> {
  const employer = await enrollingEmployer(actor, employerId);
  if (employer.status !== "APPROVED")
    return {
      ok: false,
      errors: {
        form: "Your organisation is waiting for approval by the partnership. You can enrol apprentices once it is approved.",
      },
    };
  const errors: FieldErrors = {};
  const person = await matchPerson(employer.id, input, errors, tx);
  if (person?.kind === "held") {
    if (person.userId === actor.userId)
      errors.email = "You cannot enrol yourself as an apprentice of your own organisation.";
    else if (person.disabled)
      errors.email = `${person.name}'s account is disabled. Ask the partnership to re-enable it before enrolling them.`;
    if (person.dateOfBirth && person.dateOfBirth !== input.dateOfBirth)
      errors.dateOfBirth = `That date of birth does not match the one on ${person.name}'s record. Check it with them.`;
    if (await hasUnfinishedApprenticeship(person.userId, input.standardId, tx))
      errors.standardId = `${person.name} already has an apprenticeship on this standard that has not finished.`;
  }
  const checked = await checkEnrolmentAnswers(employer, input, errors, tx);
  if (!checked.ok) return checked;
  if (!person)
    return { ok: false, errors: { form: "Some answers could not be checked. Review the form and try again." } };
  return { ok: true, preview: { ...checked.value, person } };
}

export async function hasUnfinishedApprenticeship(userId: string, standardId: string, tx: Tx): Promise<boolean> {
  const row = await tx.apprenticeship.findFirst({
    where: { apprenticeId: userId, standardId, status: { in: ["ACTIVE", "BREAK", "GATEWAY"] } },
    select: { id: true },
  });
  return row !== null;
}

/**
 * The answers' own rules (dates, age at the start, standard, tutor, supervisor, pathway, OTJ,
 * English and maths), added to the errors already found. Used when the employer previews and
 * confirms, and again when an invited person accepts.
 */
export async function checkEnrolmentAnswers(
  employer: { id: string; name: string },
  input: EnrolmentInput,
  errors: FieldErrors,
  tx: Tx,
): Promise<Checked<EnrolmentAnswers>> {
  const warnings: string[] = [];
  const today = toIsoDate(new Date());
  const { startDate, plannedEndDate, dateOfBirth } = input;
  if (isBefore(addCalendarMonths(today, 12), startDate))
    errors.startDate = "The start date must be within the next 12 months.";
  if (isBefore(startDate, "2015-01-01")) errors.startDate = "The start date must be on or after 1 January 2015.";
  if (!isBefore(startDate, plannedEndDate))
    errors.plannedEndDate = "The planned end date must be after the start date.";
  if (!isBefore(dateOfBirth, today)) errors.dateOfBirth ??= "The date of birth must be in the past.";
  const ageAtStart = ageOn(dateOfBirth, startDate);
  if (!errors.dateOfBirth && ageAtStart < 16)
    errors.dateOfBirth = `An apprentice must be at least 16 when they start; on ${formatLongDate(startDate)} they would be ${Math.max(ageAtStart, 0)}.`;
  if (!errors.dateOfBirth && ageAtStart > 100)
    errors.dateOfBirth = "Check the date of birth: it makes them over 100 at the start.";

  const [standard, tutorMembership, supervisorMembership, pathway] = await Promise.all([
    tx.standard.findUnique({
      where: { id: input.standardId },
      select: {
        id: true,
        reference: true,
        title: true,
        level: true,
        otjMinimumHours: true,
        minDurationMonths: true,
        ksbs: { select: { code: true, text: true } },
      },
    }),
    tx.membership.findFirst({
      where: {
        userId: input.tutorId,
        role: "TUTOR",
        organisation: { kind: "PROVIDER", status: "APPROVED" },
        user: { disabledAt: null, erasedAt: null },
      },
      select: {
        user: { select: { id: true, firstName: true, lastName: true } },
        organisation: { select: { id: true, name: true } },
      },
    }),
    tx.membership.findFirst({
      where: {
        userId: input.supervisorId,
        role: "WORKPLACE_SUPERVISOR",
        organisationId: employer.id,
        user: { disabledAt: null, erasedAt: null },
      },
      select: { user: { select: { id: true, firstName: true, lastName: true } } },
    }),
    input.pathwayId
      ? tx.pathway.findFirst({
          where: { id: input.pathwayId, audience: "APPRENTICE" },
          select: { id: true, title: true },
        })
      : Promise.resolve(null),
  ]);
  if (!standard) errors.standardId = "Choose an apprenticeship standard from the list.";
  if (!tutorMembership) errors.tutorId = "Choose a tutor from the training provider's list.";
  if (!supervisorMembership) errors.supervisorId = "Choose a workplace supervisor from your organisation's list.";
  if (input.pathwayId && !pathway) errors.pathwayId = "Choose an apprentice pathway from the list, or none.";

  // English and maths: required for 16–18 at the start; optional from 19 (since February 2025).
  let englishMaths: EnrolmentPreview["englishMaths"] = { required: false, reason: "" };
  if (!errors.dateOfBirth) {
    if (ageAtStart <= 18) {
      if (input.englishMaths === "not-required")
        errors.englishMaths = `English and maths are required for apprentices aged 16 to 18 at the start; they would be ${ageAtStart}.`;
      englishMaths = { required: true, reason: `Required: aged ${ageAtStart} at the start (required for 16 to 18).` };
    } else if (input.englishMaths === "required") {
      englishMaths = {
        required: true,
        reason: `Required by the employer and provider (optional from 19; aged ${ageAtStart} at the start).`,
      };
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
        warnings.push(
          `The planned duration is shorter than the standard's usual minimum of ${standard.minDurationMonths} months (until ${formatLongDate(typicalEnd)}). Check the apprentice can complete in this time.`,
        );
      }
    }
    if (planned.hours !== null)
      otj = { regime, regimeLabel: REGIME_LABELS[regime], hours: planned.hours, explanation: planned.explanation };
    if (regime === "STANDARD_MINIMUM" && input.priorLearningHours > 0) {
      warnings.push(
        "Prior learning reduces the minimum only when it is evidenced (recognition of prior learning); keep the evidence with the plan.",
      );
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
      tutor: {
        id: tutorMembership.user.id,
        name: fullName(tutorMembership.user),
        providerId: tutorMembership.organisation.id,
        providerName: tutorMembership.organisation.name,
      },
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
    standard: {
      reference: p.standard.reference,
      title: p.standard.title,
      level: p.standard.level,
      otjMinimumHours: p.standard.otjMinimumHours,
      minDurationMonths: p.standard.minDurationMonths,
    },
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
export async function createApprenticeship(
  tx: Tx,
  p: EnrolmentAnswers,
  apprentice: { id: string; name: string },
  by: { actorId: string; metadata: Record<string, string> },
) {
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
    data: {
      apprenticeshipId: apprenticeship.id,
      content: planContent(p, apprentice) as unknown as Prisma.InputJsonObject,
    },
    select: { id: true },
  });
  let enrolmentId: string | null = null;
  if (p.pathway) {
    const enrolment = await tx.enrolment.upsert({
      where: { userId_pathwayId: { userId: apprentice.id, pathwayId: p.pathway.id } },
      update: {},
      create: {
        userId: apprentice.id,
        pathwayId: p.pathway.id,
        organisationId: p.employer.id,
        startedOn: toUtcDate(p.startDate),
      },
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
      metadata: {
        ...by.metadata,
        apprenticeId: apprentice.id,
        standardId: p.standard.id,
        regime: p.otj.regime,
        plannedOtjHours: p.otj.hours,
        trainingPlanId: plan.id,
        enrolmentId,
      },
    },
    tx,
  );
  return { apprenticeshipId: apprenticeship.id };
}
