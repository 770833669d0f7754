/**
 * Teachers' CPD: a teacher enrols themselves, and a school admin enrols a colleague from their
 * own school, in an educator pathway (audience TEACHER). Enrolling twice changes nothing.
 */
import { db } from "~/db/client.server.ts";
import type { Actor } from "~/auth/permissions.ts";
import { educatorSchoolsOf, mayEnrolColleaguesAt } from "~/auth/reach.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";

/** The school through which the actor takes part (first school where they may enrol). */
function schoolOf(actor: Actor): string {
  const schools = educatorSchoolsOf(actor);
  if (!schools.length) notFound();
  return schools[0];
}

export async function educatorOverview(actor: Actor) {
  const schoolId = schoolOf(actor);
  const isSchoolAdmin = mayEnrolColleaguesAt(actor, schoolId);
  const [school, pathways, mine, colleagues] = await Promise.all([
    db().organisation.findUniqueOrThrow({ where: { id: schoolId }, select: { id: true, name: true } }),
    db().pathway.findMany({
      where: { audience: "TEACHER" },
      orderBy: [{ sortOrder: "asc" }, { title: "asc" }],
      select: {
        id: true,
        title: true,
        description: true,
        hoursMin: true,
        hoursMax: true,
        outcome: true,
        credentialCode: true,
      },
    }),
    db().enrolment.findMany({
      where: { userId: actor.userId, pathway: { audience: "TEACHER" } },
      select: { pathwayId: true, status: true, startedOn: true },
    }),
    isSchoolAdmin
      ? db().membership.findMany({
          where: {
            organisationId: schoolId,
            role: { in: ["TEACHER", "SCHOOL_ADMIN"] },
            user: { disabledAt: null, erasedAt: null },
          },
          orderBy: [{ user: { lastName: "asc" } }, { user: { firstName: "asc" } }],
          distinct: ["userId"],
          select: {
            user: {
              select: {
                id: true,
                firstName: true,
                lastName: true,
                enrolments: {
                  where: { pathway: { audience: "TEACHER" } },
                  select: { pathway: { select: { title: true } }, status: true },
                },
              },
            },
          },
        })
      : Promise.resolve([]),
  ]);
  return {
    school,
    isSchoolAdmin,
    pathways: pathways.map((p) => ({ ...p, myEnrolment: mine.find((e) => e.pathwayId === p.id) ?? null })),
    colleagues: colleagues.map((m) => ({
      id: m.user.id,
      name: fullName(m.user),
      isMe: m.user.id === actor.userId,
      enrolments: m.user.enrolments.map((e) => ({ pathway: e.pathway.title, status: e.status })),
    })),
  };
}

/**
 * Enrols a teacher in an educator pathway. Yourself: any teacher or school admin. A colleague:
 * school admins only, and only someone on the staff of their school. 404 outside that.
 */
export async function enrolEducator(actor: Actor, input: { pathwayId: string; userId?: string }) {
  const schoolId = schoolOf(actor);
  const userId = input.userId ?? actor.userId;
  if (userId !== actor.userId) {
    if (!mayEnrolColleaguesAt(actor, schoolId)) notFound();
    const colleague = await db().membership.findFirst({
      where: {
        userId,
        organisationId: schoolId,
        role: { in: ["TEACHER", "SCHOOL_ADMIN"] },
        user: { disabledAt: null, erasedAt: null },
      },
      select: { userId: true },
    });
    if (!colleague) notFound();
  }
  const pathway = await db().pathway.findFirst({
    where: { id: input.pathwayId, audience: "TEACHER" },
    select: { id: true, title: true },
  });
  if (!pathway) notFound();
  return db().$transaction(async (tx) => {
    const existing = await tx.enrolment.findUnique({
      where: { userId_pathwayId: { userId, pathwayId: pathway.id } },
      select: { id: true },
    });
    if (existing) return { created: false, pathwayTitle: pathway.title };
    const created = await tx.enrolment.upsert({
      where: { userId_pathwayId: { userId, pathwayId: pathway.id } },
      update: {},
      create: { userId, pathwayId: pathway.id, organisationId: schoolId },
      select: { id: true },
    });
    await audit(
      {
        actorId: actor.userId,
        action: "enrolment.educator",
        subjectType: "enrolment",
        subjectId: created.id,
        organisationId: schoolId,
        metadata: { userId, pathwayId: pathway.id, self: userId === actor.userId },
      },
      tx,
    );
    return { created: true, pathwayTitle: pathway.title };
  });
}
