/**
 * Classes (cohorts) in a school: create, list for the academic year, enrol a whole class in a
 * pathway, and the teacher's grid of pupils × modules.
 *
 * Tenancy: every function takes the actor and keeps `organisationId IN (schools where the actor
 * holds class:manage)` in its `where` clause; a class outside that scope is a 404.
 *
 * The grid is built from a fixed number of set-based queries (class, pathways with modules,
 * current members, verified completions) whatever the class size: see loadClassGrid.
 */
import { db, type Tx } from "~/db/client.server.ts";
import { Prisma } from "~/generated/prisma/client.ts";
import { orgsWith, type Actor } from "~/auth/permissions.ts";
import { academicYearOf, toIsoDate } from "~/domain/dates.ts";
import { audit } from "~/utils/audit.server.ts";

export class ClassError extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function notFound(): never {
  throw new Response("Not found", { status: 404 });
}

/** The schools in which the actor may manage classes. */
export function classScope(actor: Actor): string[] {
  return orgsWith(actor, "class:manage");
}

export function currentAcademicYear(today = new Date()): number {
  return academicYearOf(toIsoDate(today));
}

/** Audiences a school class can be enrolled in. */
export const CLASS_AUDIENCES = ["PUPIL", "POST16"] as const;

/** One class within the actor's reach, or 404. */
export async function getClass(actor: Actor, classId: string, client: Tx = db()) {
  if (!UUID.test(classId)) notFound();
  const cohort = await client.cohort.findFirst({
    where: { id: classId, organisationId: { in: classScope(actor) } },
    select: { id: true, name: true, yearGroup: true, academicYear: true, organisationId: true, teacherId: true, organisation: { select: { name: true } } },
  });
  if (!cohort) notFound();
  return cohort;
}

export async function listClasses(actor: Actor, academicYear = currentAcademicYear()) {
  const scope = classScope(actor);
  if (scope.length === 0) notFound();
  const classes = await db().cohort.findMany({
    where: { organisationId: { in: scope }, academicYear },
    orderBy: [{ yearGroup: "asc" }, { name: "asc" }],
    select: {
      id: true,
      name: true,
      yearGroup: true,
      academicYear: true,
      organisation: { select: { name: true } },
      teacher: { select: { firstName: true, lastName: true } },
      pathways: { select: { pathway: { select: { title: true } } } },
      _count: { select: { members: { where: { leftAt: null } } } },
    },
  });
  return classes.map((c) => ({
    id: c.id,
    name: c.name,
    yearGroup: c.yearGroup,
    academicYear: c.academicYear,
    schoolName: c.organisation.name,
    teacherName: c.teacher ? `${c.teacher.firstName} ${c.teacher.lastName}` : null,
    pathways: c.pathways.map((p) => p.pathway.title),
    pupils: c._count.members,
  }));
}

export type NewClass = { organisationId?: string; name: string; yearGroup: number; academicYear: number };

export async function createClass(actor: Actor, input: NewClass) {
  const scope = classScope(actor);
  const organisationId = input.organisationId ?? scope[0];
  if (!organisationId || !scope.includes(organisationId)) notFound();
  const isTeacher = actor.memberships.some((m) => m.organisationId === organisationId && m.role === "TEACHER");
  try {
    return await db().$transaction(async (tx) => {
      const cohort = await tx.cohort.create({
        data: { organisationId, name: input.name.trim(), yearGroup: input.yearGroup, academicYear: input.academicYear, teacherId: isTeacher ? actor.userId : null },
        select: { id: true },
      });
      await audit({ actorId: actor.userId, action: "class.create", subjectType: "cohort", subjectId: cohort.id, organisationId }, tx);
      return cohort;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new ClassError(`Your school already has a class called "${input.name.trim()}" in ${formatAcademicYear(input.academicYear)}. Choose another name.`);
    }
    throw error;
  }
}

export function formatAcademicYear(year: number): string {
  return `${year}/${String((year + 1) % 100).padStart(2, "0")}`;
}

/** Pathways a class may be enrolled in (pupil and post-16 audiences). */
export async function listClassPathways() {
  return db().pathway.findMany({
    where: { audience: { in: [...CLASS_AUDIENCES] } },
    orderBy: [{ sortOrder: "asc" }, { title: "asc" }],
    select: { id: true, title: true, audience: true },
  });
}

/**
 * Enrols a class in a pathway: records it on the class (so pupils who join later are enrolled
 * too) and enrols every current member, in one transaction. Idempotent: enrolments are unique per
 * (pupil, pathway), so a second click, or a pupil already enrolled elsewhere, changes nothing.
 */
export async function enrolClassInPathway(actor: Actor, classId: string, pathwayId: string) {
  if (!UUID.test(pathwayId)) notFound();
  return db().$transaction(async (tx) => {
    const cohort = await getClass(actor, classId, tx);
    const pathway = await tx.pathway.findFirst({ where: { id: pathwayId, audience: { in: [...CLASS_AUDIENCES] } }, select: { id: true, title: true } });
    if (!pathway) notFound();
    await tx.$executeRaw`
      INSERT INTO cohort_pathways (cohort_id, pathway_id, enrolled_by_id)
      VALUES (${cohort.id}::uuid, ${pathway.id}::uuid, ${actor.userId}::uuid)
      ON CONFLICT DO NOTHING`;
    const created = await tx.$executeRaw`
      INSERT INTO enrolments (user_id, pathway_id, organisation_id, cohort_id, updated_at)
      SELECT cm.user_id, ${pathway.id}::uuid, ${cohort.organisationId}::uuid, ${cohort.id}::uuid, now()
      FROM cohort_members cm
      WHERE cm.cohort_id = ${cohort.id}::uuid AND cm.left_at IS NULL
      ON CONFLICT (user_id, pathway_id) DO NOTHING`;
    await audit(
      { actorId: actor.userId, action: "class.enrol", subjectType: "cohort", subjectId: cohort.id, organisationId: cohort.organisationId, metadata: { pathwayId: pathway.id, enrolmentsCreated: created } },
      tx,
    );
    return { pathwayTitle: pathway.title, enrolmentsCreated: created };
  });
}

export type GridModule = { id: string; title: string; durationMinutes: number; pathwayTitle: string };
export type GridPupil = { id: string; firstName: string; lastName: string; username: string | null; completed: string[]; completedCount: number; percent: number };

/**
 * The class grid: current pupils × the modules of the class's pathways, with each pupil's
 * verified completions. Exactly four queries however many pupils: the class, its pathways with
 * their modules, the current members, and every verified MODULE_COMPLETED entry for those members
 * and modules in one set-based query (no query per pupil).
 */
export async function loadClassGrid(actor: Actor, classId: string) {
  const cohort = await getClass(actor, classId);
  const [pathways, members, completions] = await Promise.all([
    db().$queryRaw<{ pathway_id: string; pathway_title: string; module_id: string | null; module_title: string | null; duration_minutes: number | null }[]>`
      SELECT p.id AS pathway_id, p.title AS pathway_title, m.id AS module_id, m.title AS module_title, m.duration_minutes
      FROM cohort_pathways cp
      JOIN pathways p ON p.id = cp.pathway_id
      LEFT JOIN pathway_modules pm ON pm.pathway_id = p.id
      LEFT JOIN modules m ON m.id = pm.module_id AND m.retired_at IS NULL
      WHERE cp.cohort_id = ${cohort.id}::uuid
      ORDER BY p.sort_order, p.title, pm.position`,
    db().$queryRaw<{ id: string; first_name: string; last_name: string; username: string | null }[]>`
      SELECT u.id, u.first_name, u.last_name, u.username
      FROM cohort_members cm JOIN users u ON u.id = cm.user_id
      WHERE cm.cohort_id = ${cohort.id}::uuid AND cm.left_at IS NULL
      ORDER BY u.last_name, u.first_name, u.id`,
    db().$queryRaw<{ learner_id: string; module_id: string }[]>`
      SELECT DISTINCT pe.learner_id, pe.module_id
      FROM progress_entries pe
      JOIN cohort_members cm ON cm.user_id = pe.learner_id AND cm.cohort_id = ${cohort.id}::uuid AND cm.left_at IS NULL
      JOIN pathway_modules pm ON pm.module_id = pe.module_id
      JOIN cohort_pathways cp ON cp.pathway_id = pm.pathway_id AND cp.cohort_id = ${cohort.id}::uuid
      WHERE pe.kind = 'MODULE_COMPLETED' AND pe.status = 'VERIFIED' AND pe.superseded_at IS NULL`,
  ]);

  const pathwayTitles: string[] = [];
  const modules: GridModule[] = [];
  const seenModules = new Set<string>();
  for (const row of pathways) {
    if (!pathwayTitles.includes(row.pathway_title)) pathwayTitles.push(row.pathway_title);
    if (row.module_id && !seenModules.has(row.module_id)) {
      seenModules.add(row.module_id);
      modules.push({ id: row.module_id, title: row.module_title!, durationMinutes: row.duration_minutes!, pathwayTitle: row.pathway_title });
    }
  }
  const done = new Map<string, Set<string>>();
  for (const c of completions) {
    if (!seenModules.has(c.module_id)) continue;
    let set = done.get(c.learner_id);
    if (!set) done.set(c.learner_id, (set = new Set()));
    set.add(c.module_id);
  }
  const pupils: GridPupil[] = members.map((m) => {
    const completed = [...(done.get(m.id) ?? [])];
    return {
      id: m.id,
      firstName: m.first_name,
      lastName: m.last_name,
      username: m.username,
      completed,
      completedCount: completed.length,
      percent: modules.length === 0 ? 0 : Math.round((completed.length / modules.length) * 100),
    };
  });
  return { cohort, pathwayTitles, modules, pupils };
}
