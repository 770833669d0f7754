/**
 * Small builders for the review, placement and inbox tests: actors as the app builds
 * them, a standard with KSBs, an apprenticeship, ledger entries, classes.
 */
import type { Actor } from "../../../app/auth/permissions.ts";
import type { OrganisationKind, Role } from "../../../app/generated/prisma/enums.ts";
import { testPrisma } from "../../setup/db.ts";
import { createOrganisation, createUser, type TestOrganisation, type TestUser } from "../../support/factories.ts";

export const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

export async function person(
  roles: { org: TestOrganisation; role: Role }[],
  extra: { yearGroup?: number } = {},
): Promise<TestUser & { actor: Actor }> {
  const user = await createUser({ roles });
  if (extra.yearGroup) await testPrisma().user.update({ where: { id: user.id }, data: { yearGroup: extra.yearGroup } });
  const actor: Actor = {
    userId: user.id,
    displayName: `${user.firstName} ${user.lastName}`,
    memberships: roles.map((r) => ({
      organisationId: r.org.id,
      organisationName: r.org.name,
      organisationKind: r.org.kind as OrganisationKind,
      role: r.role,
    })),
  };
  return { ...user, actor };
}

let standardSeq = 0;
export async function standard(input: { minDurationMonths?: number; otjMinimumHours?: number } = {}) {
  return testPrisma().standard.create({
    data: {
      reference: `ST9${String(++standardSeq).padStart(3, "0")}${Math.random().toString(36).slice(2, 6)}`,
      title: "Test digital standard",
      level: 3,
      otjMinimumHours: input.otjMinimumHours ?? 278,
      minDurationMonths: input.minDurationMonths ?? 12,
      ksbs: {
        create: [
          { code: "K1", text: "Knows things" },
          { code: "S1", text: "Does things" },
          { code: "B1", text: "Behaves well" },
        ],
      },
    },
  });
}

export async function apprenticeship(input: {
  apprenticeId: string;
  employerId: string;
  providerId: string;
  tutorId: string;
  supervisorId: string;
  standardId: string;
  startDate: string;
  plannedEndDate: string;
  englishMathsRequired?: boolean;
}) {
  return testPrisma().apprenticeship.create({
    data: {
      apprenticeId: input.apprenticeId,
      employerId: input.employerId,
      providerId: input.providerId,
      tutorId: input.tutorId,
      supervisorId: input.supervisorId,
      standardId: input.standardId,
      startDate: day(input.startDate),
      plannedEndDate: day(input.plannedEndDate),
      contractedWeeklyHours: 37.5,
      otjRegime: "STANDARD_MINIMUM",
      plannedOtjHours: 278,
      englishMathsRequired: input.englishMathsRequired ?? false,
    },
  });
}

export async function otjEntry(input: {
  learnerId: string;
  apprenticeshipId: string;
  occurredOn: string;
  minutes: number;
  status?: "PENDING" | "VERIFIED";
  atWork?: boolean;
  confirmed?: boolean;
}) {
  return testPrisma().progressEntry.create({
    data: {
      learnerId: input.learnerId,
      apprenticeshipId: input.apprenticeshipId,
      kind: "OTJ_ACTIVITY",
      occurredOn: day(input.occurredOn),
      minutes: input.minutes,
      activityType: "workshop",
      description: "Test activity",
      status: input.status ?? "VERIFIED",
      atWork: input.atWork ?? false,
      supervisorConfirmedAt: input.confirmed ? new Date() : null,
      createdById: input.learnerId,
    },
  });
}

/** A provider, an employer with admin/supervisors/apprentice, and outsiders. */
export async function apprenticeshipWorld() {
  const provider = await createOrganisation({ kind: "PROVIDER" });
  const employer = await createOrganisation({ kind: "EMPLOYER" });
  const otherEmployer = await createOrganisation({ kind: "EMPLOYER" });
  const tutor = await person([{ org: provider, role: "TUTOR" }]);
  const otherTutor = await person([{ org: provider, role: "TUTOR" }]);
  const employerAdmin = await person([{ org: employer, role: "EMPLOYER_ADMIN" }]);
  const supervisor = await person([{ org: employer, role: "WORKPLACE_SUPERVISOR" }]);
  const otherSupervisor = await person([{ org: employer, role: "WORKPLACE_SUPERVISOR" }]);
  const apprentice = await person([{ org: employer, role: "APPRENTICE" }]);
  const outsider = await person([{ org: otherEmployer, role: "EMPLOYER_ADMIN" }]);
  const std = await standard();
  return {
    provider,
    employer,
    otherEmployer,
    tutor,
    otherTutor,
    employerAdmin,
    supervisor,
    otherSupervisor,
    apprentice,
    outsider,
    std,
  };
}

export async function expectNotFound(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Response && error.status === 404) return;
    throw error;
  }
  throw new Error("expected a 404");
}
