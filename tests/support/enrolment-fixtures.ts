/**
 * Fixtures for enrolment tests: an approved employer with an admin and a supervisor, a provider
 * with a tutor, a standard and an apprentice pathway; the enrolment form's answers; and the
 * invitation link an enrolment emailed (read from the outbox, as the email worker would).
 */
import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser, type TestOrganisation, type TestUser } from "./factories.ts";
import { createStandard } from "./progress-fixtures.ts";
import { EnrolmentSchema, type EnrolmentInput } from "../../app/models/apprenticeship-fields.ts";

export type EnrolmentWorld = {
  employer: TestOrganisation;
  provider: TestOrganisation;
  admin: TestUser;
  supervisor: TestUser;
  tutor: TestUser;
  standard: { id: string; reference: string };
  pathway: { id: string };
};

export async function enrolmentWorld(): Promise<EnrolmentWorld> {
  const employer = await createOrganisation({ kind: "EMPLOYER" });
  const provider = await createOrganisation({ kind: "PROVIDER" });
  const admin = await createUser({ roles: [{ org: employer, role: "EMPLOYER_ADMIN" }] });
  const supervisor = await createUser({ roles: [{ org: employer, role: "WORKPLACE_SUPERVISOR" }] });
  const tutor = await createUser({ roles: [{ org: provider, role: "TUTOR" }] });
  const standard = await createStandard();
  const pathway = await testPrisma().pathway.create({
    data: {
      slug: `appr-${employer.id.slice(0, 8)}`,
      title: "Cloud fundamentals",
      audience: "APPRENTICE",
      hoursMin: 10,
      hoursMax: 15,
    },
    select: { id: true },
  });
  return { employer, provider, admin, supervisor, tutor, standard, pathway };
}

export type EnrolmentForm = Record<keyof EnrolmentInput, string>;

/** The enrolment form as a browser posts it: a new email, a 2025 start, ST-minimum regime. */
export function enrolmentForm(w: EnrolmentWorld, overrides: Partial<EnrolmentForm> = {}): EnrolmentForm {
  return {
    email: `new.apprentice.${Math.random().toString(36).slice(2, 8)}@example.org`,
    firstName: "Ava",
    lastName: "Newton",
    upn: "",
    dateOfBirth: "2004-05-01",
    standardId: w.standard.id,
    startDate: "2025-09-01",
    plannedEndDate: "2026-11-30",
    contractedWeeklyHours: "37.5",
    priorLearningHours: "0",
    englishMaths: "auto",
    tutorId: w.tutor.id,
    supervisorId: w.supervisor.id,
    pathwayId: "",
    ...overrides,
  };
}

export function enrolmentInput(w: EnrolmentWorld, overrides: Partial<EnrolmentForm> = {}): EnrolmentInput {
  return EnrolmentSchema.parse(enrolmentForm(w, overrides));
}

/** The secret in the invitation email of a pending enrolment. */
export async function invitationSecretOf(pendingEnrolmentId: string): Promise<string> {
  const pending = await testPrisma().pendingEnrolment.findUniqueOrThrow({
    where: { id: pendingEnrolmentId },
    select: { invitationId: true },
  });
  const outbox = await testPrisma().outboxMessage.findFirstOrThrow({
    where: { topic: "email.invitation", payload: { path: ["tokenId"], equals: pending.invitationId } },
  });
  return (outbox.payload as { secret: string }).secret;
}
