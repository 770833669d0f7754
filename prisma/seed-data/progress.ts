/**
 * Demo progress: a demo class at Chase Valley Academy with the demo pupil and three
 * more pupils, enrolled in Digital foundations, each with entries waiting for the demo teacher to
 * verify (the teacher's bulk-approve journey starts from these). Idempotent: pupils by username,
 * the class by (school, year, name), entries by their client_ref; a re-run adds nothing.
 */
import type { PrismaClient } from "../../app/generated/prisma/client.ts";

export const DEMO_CLASS = {
  school: "chase-valley",
  teacher: "teacher@chasevalley.example",
  name: "9D demo",
  yearGroup: 9,
  pathway: "digital-foundations",
};

/** The demo pupil (already a demo account) and three classmates without a password (no sign-in). */
export const DEMO_CLASS_PUPILS = [
  { username: "demo.pupil", firstName: "Zoë", lastName: "Hughes" },
  { username: "demo.pupil2", firstName: "Ava", lastName: "Patel" },
  { username: "demo.pupil3", firstName: "Noah", lastName: "Green" },
  { username: "demo.pupil4", firstName: "Maya", lastName: "Clarke" },
];

export async function seedProgress(db: PrismaClient, orgIds: Map<string, string>) {
  const schoolId = orgIds.get(DEMO_CLASS.school)!;
  const teacher = await db.user.findUnique({ where: { email: DEMO_CLASS.teacher }, select: { id: true } });
  const pathway = await db.pathway.findUnique({
    where: { slug: DEMO_CLASS.pathway },
    select: {
      id: true,
      modules: { orderBy: { position: "asc" }, select: { module: { select: { id: true, durationMinutes: true } } } },
    },
  });
  if (!teacher || !pathway) return;
  const now = new Date();
  const academicYear = now.getUTCMonth() >= 7 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  const cohort = await db.cohort.upsert({
    where: { organisationId_academicYear_name: { organisationId: schoolId, academicYear, name: DEMO_CLASS.name } },
    update: {},
    create: {
      organisationId: schoolId,
      teacherId: teacher.id,
      name: DEMO_CLASS.name,
      yearGroup: DEMO_CLASS.yearGroup,
      academicYear,
    },
    select: { id: true },
  });
  await db.cohortPathway.upsert({
    where: { cohortId_pathwayId: { cohortId: cohort.id, pathwayId: pathway.id } },
    update: {},
    create: { cohortId: cohort.id, pathwayId: pathway.id, enrolledById: teacher.id },
  });
  const daysAgo = (n: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - n));
  for (const [i, p] of DEMO_CLASS_PUPILS.entries()) {
    const user = await db.user.upsert({
      where: { username: p.username },
      update: {},
      create: { username: p.username, firstName: p.firstName, lastName: p.lastName, yearGroup: DEMO_CLASS.yearGroup },
      select: { id: true },
    });
    await db.membership.upsert({
      where: { userId_organisationId_role: { userId: user.id, organisationId: schoolId, role: "PUPIL" } },
      update: {},
      create: { userId: user.id, organisationId: schoolId, role: "PUPIL" },
    });
    await db.cohortMember.upsert({
      where: { cohortId_userId: { cohortId: cohort.id, userId: user.id } },
      update: {},
      create: { cohortId: cohort.id, userId: user.id, joinedAt: daysAgo(30) },
    });
    const enrolment = await db.enrolment.upsert({
      where: { userId_pathwayId: { userId: user.id, pathwayId: pathway.id } },
      update: {},
      create: {
        userId: user.id,
        pathwayId: pathway.id,
        organisationId: schoolId,
        cohortId: cohort.id,
        startedOn: daysAgo(30),
      },
      select: { id: true },
    });
    // Pupils 2–4 wait for verification; the demo pupil's own log stays clean for their journeys.
    if (i === 0) continue;
    const module = pathway.modules[0]?.module;
    const entries = [
      ...(module
        ? [
            {
              clientRef: `seed-progress-${p.username}-module`,
              kind: "MODULE_COMPLETED" as const,
              moduleId: module.id,
              minutes: module.durationMinutes,
              occurredOn: daysAgo(3 + i),
              description: "",
            },
          ]
        : []),
      {
        clientRef: `seed-progress-${p.username}-time`,
        kind: "LEARNING_TIME" as const,
        moduleId: null,
        minutes: 20 + i * 5,
        occurredOn: daysAgo(1 + i),
        description: "Practised safe passwords",
      },
    ];
    for (const e of entries) {
      if (
        await db.progressEntry.findUnique({
          where: { learnerId_clientRef: { learnerId: user.id, clientRef: e.clientRef } },
          select: { id: true },
        })
      )
        continue;
      await db.progressEntry.create({
        data: { ...e, learnerId: user.id, createdById: user.id, enrolmentId: enrolment.id, ksbCodes: [] },
      });
    }
  }
}
