/**
 * Fixtures for the progress ledger tests: a school with a class of pupils enrolled in a pathway,
 * and an apprenticeship (standard with KSBs, employer, provider, tutor, supervisor). Written
 * through the test file's own Prisma client; ids are random so tests in one file never collide.
 */
import { randomBytes } from "node:crypto";
import type { Actor } from "../../app/auth/permissions.ts";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser, type TestOrganisation, type TestUser } from "./factories.ts";

const tag = () => randomBytes(4).toString("hex");

/** The Actor the app would build for this user (memberships of non-suspended organisations). */
export async function actorFor(userId: string): Promise<Actor> {
  const user = await testPrisma().user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      id: true,
      firstName: true,
      lastName: true,
      memberships: { select: { role: true, organisation: { select: { id: true, name: true, kind: true } } } },
    },
  });
  return {
    userId: user.id,
    displayName: `${user.firstName} ${user.lastName}`,
    memberships: user.memberships.map((m) => ({
      organisationId: m.organisation.id,
      organisationName: m.organisation.name,
      organisationKind: m.organisation.kind,
      role: m.role,
    })),
  };
}

export async function createPathway(
  moduleCount = 3,
  audience: "PUPIL" | "APPRENTICE" | "TEACHER" | "POST16" = "PUPIL",
) {
  const t = tag();
  return testPrisma().pathway.create({
    data: {
      slug: `pathway-${t}`,
      title: `Pathway ${t}`,
      audience,
      hoursMin: 1,
      hoursMax: 2,
      modules: {
        create: Array.from({ length: moduleCount }, (_, i) => ({
          position: i,
          module: {
            create: {
              uid: `learn.module-${t}-${i}`,
              title: `Module ${i + 1} ${t}`,
              durationMinutes: 30 + i,
              levels: ["beginner"],
              roles: ["student"],
              products: [],
              url: `https://learn.microsoft.com/training/modules/m-${t}-${i}/`,
            },
          },
        })),
      },
    },
    select: {
      id: true,
      title: true,
      modules: {
        select: {
          moduleId: true,
          position: true,
          module: { select: { uid: true, title: true, durationMinutes: true } },
        },
        orderBy: { position: "asc" },
      },
    },
  });
}

export type SchoolFixture = {
  school: TestOrganisation;
  teacher: TestUser;
  cohortId: string;
  pupils: TestUser[];
  pathway: Awaited<ReturnType<typeof createPathway>>;
};

/** A school, a teacher, a class of `pupils` pupils, all enrolled in one pathway of `modules` modules. */
export async function createSchoolClass(input: { pupils?: number; modules?: number } = {}): Promise<SchoolFixture> {
  const school = await createOrganisation({ kind: "SCHOOL" });
  const teacher = await createUser({ roles: [{ org: school, role: "TEACHER" }] });
  const pathway = await createPathway(input.modules ?? 3);
  const cohort = await testPrisma().cohort.create({
    data: { organisationId: school.id, teacherId: teacher.id, name: `9${tag()}`, yearGroup: 9, academicYear: 2026 },
    select: { id: true },
  });
  await testPrisma().cohortPathway.create({ data: { cohortId: cohort.id, pathwayId: pathway.id } });
  const pupils: TestUser[] = [];
  for (let i = 0; i < (input.pupils ?? 2); i++) {
    const pupil = await createUser({ roles: [{ org: school, role: "PUPIL" }], lastName: `Pupil${i}-${tag()}` });
    await testPrisma().cohortMember.create({
      data: { cohortId: cohort.id, userId: pupil.id, joinedAt: new Date(Date.now() - 60 * 86_400_000) },
    });
    await testPrisma().enrolment.create({
      data: { userId: pupil.id, pathwayId: pathway.id, organisationId: school.id, cohortId: cohort.id },
    });
    pupils.push(pupil);
  }
  return { school, teacher, cohortId: cohort.id, pupils, pathway };
}

export async function createStandard() {
  const t = tag();
  return testPrisma().standard.create({
    data: {
      reference: `ST9${t}`,
      title: `Digital support technician ${t}`,
      level: 3,
      otjMinimumHours: 278,
      ksbs: {
        create: [
          { code: "K1", text: "Knowledge one" },
          { code: "K2", text: "Knowledge two" },
          { code: "S1", text: "Skill one" },
          { code: "B1", text: "Behaviour one" },
        ],
      },
    },
    select: { id: true, reference: true },
  });
}

export type ApprenticeshipFixture = {
  employer: TestOrganisation;
  provider: TestOrganisation;
  apprentice: TestUser;
  tutor: TestUser;
  supervisor: TestUser;
  employerAdmin: TestUser;
  apprenticeshipId: string;
  standard: { id: string; reference: string };
};

export async function createApprenticeship(
  input: { startDate?: string; plannedEndDate?: string; provider?: TestOrganisation; tutor?: TestUser } = {},
): Promise<ApprenticeshipFixture> {
  const employer = await createOrganisation({ kind: "EMPLOYER" });
  const provider = input.provider ?? (await createOrganisation({ kind: "PROVIDER" }));
  const apprentice = await createUser({ roles: [{ org: employer, role: "APPRENTICE" }] });
  const tutor = input.tutor ?? (await createUser({ roles: [{ org: provider, role: "TUTOR" }] }));
  const supervisor = await createUser({ roles: [{ org: employer, role: "WORKPLACE_SUPERVISOR" }] });
  const employerAdmin = await createUser({ roles: [{ org: employer, role: "EMPLOYER_ADMIN" }] });
  const standard = await createStandard();
  const a = await testPrisma().apprenticeship.create({
    data: {
      apprenticeId: apprentice.id,
      employerId: employer.id,
      providerId: provider.id,
      standardId: standard.id,
      tutorId: tutor.id,
      supervisorId: supervisor.id,
      startDate: new Date(`${input.startDate ?? "2025-09-01"}T00:00:00Z`),
      plannedEndDate: new Date(`${input.plannedEndDate ?? "2027-02-28"}T00:00:00Z`),
      contractedWeeklyHours: 37.5,
      otjRegime: "STANDARD_MINIMUM",
      plannedOtjHours: 278,
    },
    select: { id: true },
  });
  return { employer, provider, apprentice, tutor, supervisor, employerAdmin, apprenticeshipId: a.id, standard };
}
