/**
 * Classes (cohorts) in a school: create, list for the academic year, enrol a whole class in a
 * pathway, and the teacher's grid of pupils × modules.
 *
 * Tenancy: every function takes the actor and keeps `organisationId IN (schools where the actor
 * holds class:manage)` (app/auth/reach.server.ts `classesVisibleTo`) in its `where` clause; a
 * class outside that scope is a 404.
 *
 * The grid page is one statement whatever the class size: see loadClassGrid.
 */
import { db, type Tx } from "~/db/client.server.ts";
import { Prisma } from "~/generated/prisma/client.ts";
import type { Actor } from "~/auth/permissions.ts";
import { classesVisibleTo, classSchoolsOf } from "~/auth/reach.server.ts";
import { academicYearOf, toIsoDate, type IsoDate, todayInEngland } from "~/domain/dates.ts";
import { isStuck } from "~/domain/progress-log.ts";
import { COUNTING_SQL, LATEST_VERIFIED_SQL } from "~/models/rule-sql.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";

export class ClassError extends Error {}

export function currentAcademicYear(today = new Date()): number {
  return academicYearOf(toIsoDate(today));
}

/** Audiences a school class can be enrolled in. */
export const CLASS_AUDIENCES = ["PUPIL", "POST16"] as const;

/** One class within the actor's reach, or 404. */
export async function getClass(actor: Actor, classId: string, client: Tx = db()) {
  if (!isUuid(classId)) notFound();
  const cohort = await client.cohort.findFirst({
    where: { id: classId, ...classesVisibleTo(actor) },
    select: {
      id: true,
      name: true,
      yearGroup: true,
      academicYear: true,
      organisationId: true,
      teacherId: true,
      organisation: { select: { name: true } },
    },
  });
  if (!cohort) notFound();
  return cohort;
}

export async function listClasses(actor: Actor, academicYear = currentAcademicYear()) {
  const scope = classSchoolsOf(actor);
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
    teacherName: c.teacher ? fullName(c.teacher) : null,
    pathways: c.pathways.map((p) => p.pathway.title),
    pupils: c._count.members,
  }));
}

export type NewClass = { organisationId?: string; name: string; yearGroup: number; academicYear: number };

export async function createClass(actor: Actor, input: NewClass) {
  const scope = classSchoolsOf(actor);
  const organisationId = input.organisationId ?? scope[0];
  if (!organisationId || !scope.includes(organisationId)) notFound();
  const isTeacher = actor.memberships.some((m) => m.organisationId === organisationId && m.role === "TEACHER");
  try {
    return await db().$transaction(async (tx) => {
      const cohort = await tx.cohort.create({
        data: {
          organisationId,
          name: input.name.trim(),
          yearGroup: input.yearGroup,
          academicYear: input.academicYear,
          teacherId: isTeacher ? actor.userId : null,
        },
        select: { id: true },
      });
      await audit(
        { actorId: actor.userId, action: "class.create", subjectType: "cohort", subjectId: cohort.id, organisationId },
        tx,
      );
      return cohort;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new ClassError(
        `Your school already has a class called "${input.name.trim()}" in ${formatAcademicYear(input.academicYear)}. Choose another name.`,
      );
    }
    throw error;
  }
}

export function formatAcademicYear(year: number): string {
  return `${year}/${String((year + 1) % 100).padStart(2, "0")}`;
}

/**
 * Enrols a class in a pathway: records it on the class (so pupils who join later are enrolled
 * too) and enrols every current member, in one transaction. Idempotent: enrolments are unique per
 * (pupil, pathway), so a second click, or a pupil already enrolled elsewhere, changes nothing.
 */
export async function enrolClassInPathway(actor: Actor, classId: string, pathwayId: string) {
  if (!isUuid(pathwayId)) notFound();
  return db().$transaction(async (tx) => {
    const cohort = await getClass(actor, classId, tx);
    const pathway = await tx.pathway.findFirst({
      where: { id: pathwayId, audience: { in: [...CLASS_AUDIENCES] } },
      select: { id: true, title: true },
    });
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
      {
        actorId: actor.userId,
        action: "class.enrol",
        subjectType: "cohort",
        subjectId: cohort.id,
        organisationId: cohort.organisationId,
        metadata: { pathwayId: pathway.id, enrolmentsCreated: created },
      },
      tx,
    );
    return { pathwayTitle: pathway.title, enrolmentsCreated: created };
  });
}

export type GridModule = { id: string; title: string; durationMinutes: number; pathwayTitle: string };
export type GridPupil = {
  id: string;
  firstName: string;
  lastName: string;
  username: string | null;
  completed: string[];
  completedCount: number;
  percent: number;
  stuck: boolean;
};

type GridRow = {
  cohort: { id: string; name: string; yearGroup: number; academicYear: number; schoolName: string };
  pathways: {
    pathwayId: string;
    pathwayTitle: string;
    moduleId: string | null;
    moduleTitle: string | null;
    durationMinutes: number | null;
  }[];
  members: {
    id: string;
    firstName: string;
    lastName: string;
    username: string | null;
    joinedOn: IsoDate;
    completed: string[];
    lastProgress: IsoDate | null;
    pending: number;
  }[];
  enrollable: { value: string; label: string }[];
};

/**
 * The class grid page in one statement, however many pupils: the class (within the actor's
 * schools, else 404), its pathways' modules, each current pupil's verified completions, the date
 * of their last verified progress (for the stuck flag) and their entries waiting for
 * verification, and the pathways the class could still be enrolled in. Postgres builds the
 * result as JSON: each round trip costs more here than the rows it carries
 * (docs/decisions/021-prepared-statements-and-one-statement-pages.md).
 */
export async function loadClassGrid(actor: Actor, classId: string, asOf: IsoDate = todayInEngland()) {
  if (!isUuid(classId)) notFound();
  const rows = await db().$queryRaw<{ grid: GridRow }[]>`
    WITH cohort AS (
      SELECT c.id, c.name, c.year_group AS "yearGroup", c.academic_year AS "academicYear", o.name AS "schoolName"
      FROM cohorts c JOIN organisations o ON o.id = c.organisation_id
      WHERE c.id = ${classId}::uuid AND c.organisation_id = ANY(${classSchoolsOf(actor)}::uuid[])
    )
    SELECT json_build_object(
      'cohort', row_to_json(cohort),
      'pathways', (
        SELECT coalesce(json_agg(json_build_object('pathwayId', p.id, 'pathwayTitle', p.title, 'moduleId', m.id, 'moduleTitle', m.title, 'durationMinutes', m.duration_minutes)
                                 ORDER BY p.sort_order, p.title, pm.position), '[]')
        FROM cohort_pathways cp
        JOIN pathways p ON p.id = cp.pathway_id
        LEFT JOIN pathway_modules pm ON pm.pathway_id = p.id
        LEFT JOIN modules m ON m.id = pm.module_id AND m.retired_at IS NULL
        WHERE cp.cohort_id = cohort.id),
      'members', (
        SELECT coalesce(json_agg(json_build_object(
          'id', u.id, 'firstName', u.first_name, 'lastName', u.last_name, 'username', u.username,
          'joinedOn', to_char(cm.joined_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD'),
          'completed', array(
            SELECT DISTINCT pe.module_id FROM progress_entries pe
            JOIN pathway_modules pm ON pm.module_id = pe.module_id
            JOIN cohort_pathways cp ON cp.pathway_id = pm.pathway_id AND cp.cohort_id = cohort.id
            WHERE pe.learner_id = u.id AND pe.kind = 'MODULE_COMPLETED' AND ${LATEST_VERIFIED_SQL}),
          'lastProgress', (SELECT to_char(max(pe.occurred_on), 'YYYY-MM-DD') FROM progress_entries pe WHERE pe.learner_id = u.id AND ${COUNTING_SQL}),
          'pending', (SELECT count(*) FROM progress_entries pe
                      WHERE pe.learner_id = u.id AND pe.superseded_at IS NULL AND pe.status = 'PENDING' AND pe.kind <> 'OTJ_ACTIVITY')
        ) ORDER BY u.last_name, u.first_name, u.id), '[]')
        FROM cohort_members cm JOIN users u ON u.id = cm.user_id
        WHERE cm.cohort_id = cohort.id AND cm.left_at IS NULL),
      'enrollable', (
        SELECT coalesce(json_agg(json_build_object('value', p.id, 'label', p.title) ORDER BY p.sort_order, p.title), '[]')
        FROM pathways p
        WHERE p.audience::text = ANY(${[...CLASS_AUDIENCES]}::text[])
          AND NOT EXISTS (SELECT 1 FROM cohort_pathways cp WHERE cp.cohort_id = cohort.id AND cp.pathway_id = p.id))
    ) AS grid
    FROM cohort`;
  if (rows.length === 0) notFound();
  const { cohort, pathways, members, enrollable } = rows[0].grid;

  const pathwayTitles: string[] = [];
  const modules: GridModule[] = [];
  const seenModules = new Set<string>();
  for (const row of pathways) {
    if (!pathwayTitles.includes(row.pathwayTitle)) pathwayTitles.push(row.pathwayTitle);
    if (row.moduleId && !seenModules.has(row.moduleId)) {
      seenModules.add(row.moduleId);
      modules.push({
        id: row.moduleId,
        title: row.moduleTitle!,
        durationMinutes: row.durationMinutes!,
        pathwayTitle: row.pathwayTitle,
      });
    }
  }
  let pendingCount = 0;
  const pupils: GridPupil[] = members.map((m) => {
    pendingCount += m.pending;
    // A retired module leaves the grid, and so do its completions.
    const completed = m.completed.filter((id) => seenModules.has(id));
    return {
      id: m.id,
      firstName: m.firstName,
      lastName: m.lastName,
      username: m.username,
      completed,
      completedCount: completed.length,
      percent: modules.length === 0 ? 0 : Math.round((completed.length / modules.length) * 100),
      stuck: isStuck(m.joinedOn, m.lastProgress, asOf),
    };
  });
  return { cohort, pathwayTitles, modules, pupils, pendingCount, enrollable };
}
