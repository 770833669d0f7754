/**
 * Each pupil's Gatsby status (benchmarks 5 and 6: encounters with employers and experiences of
 * workplaces, app/domain/gatsby.ts) from their encounters, encounter pathways completed and
 * placements, for one pupil and as counts and percentages of each year group of a school. Reach:
 * the pupil themself, or school staff of their school (app/auth/reach.server.ts `placementSchoolsOf`).
 */
import { db } from "~/db/client.server.ts";
import type { Actor } from "~/auth/permissions.ts";
import { placementSchoolsOf } from "~/auth/reach.server.ts";
import { academicYearOf, toIsoDate, toUtcDate, type IsoDate, todayInEngland } from "~/domain/dates.ts";
import { gatsbyStatus, summariseByYearGroup, type GatsbyInput, type GatsbyStatus } from "~/domain/gatsby.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";

/** Gatsby status for many pupils in three set-based queries. No actor: callers scope the pupils. */
export async function gatsbyForPupils(
  pupils: readonly { id: string; yearGroup: number }[],
  today: IsoDate,
): Promise<Map<string, GatsbyStatus>> {
  const ids = pupils.map((p) => p.id);
  const yearStart = toUtcDate(`${academicYearOf(today)}-08-01`);
  const [encounters, pathways, placements] = await Promise.all([
    db().encounterAttendee.findMany({
      where: { pupilId: { in: ids }, encounter: { occurredOn: { gte: yearStart } } },
      select: { pupilId: true, encounter: { select: { occurredOn: true } } },
    }),
    db().enrolment.findMany({
      where: {
        userId: { in: ids },
        status: "COMPLETED",
        completedOn: { gte: yearStart },
        pathway: { countsAsEncounter: true },
      },
      select: { userId: true, completedOn: true },
    }),
    db().placementPupil.findMany({
      where: { pupilId: { in: ids }, placement: { status: "COMPLETED" } },
      select: {
        pupilId: true,
        hoursAttended: true,
        placement: { select: { endDate: true, status: true, hours: true } },
      },
    }),
  ]);
  const inputs = new Map<string, GatsbyInput>(
    pupils.map((p) => [
      p.id,
      { yearGroup: p.yearGroup, encounterDates: [], encounterPathwayCompletions: [], placements: [] },
    ]),
  );
  for (const e of encounters)
    (inputs.get(e.pupilId)!.encounterDates as IsoDate[]).push(toIsoDate(e.encounter.occurredOn));
  for (const e of pathways)
    if (e.completedOn) (inputs.get(e.userId)!.encounterPathwayCompletions as IsoDate[]).push(toIsoDate(e.completedOn));
  for (const r of placements)
    (inputs.get(r.pupilId)!.placements as GatsbyInput["placements"][number][]).push({
      endDate: toIsoDate(r.placement.endDate),
      status: r.placement.status,
      hours: r.placement.hours,
      hoursAttended: r.hoursAttended,
    });
  return new Map([...inputs].map(([id, input]) => [id, gatsbyStatus(input, today)]));
}

/** One pupil of the actor's school (school staff), for the placement page and tests. */
export async function pupilGatsby(actor: Actor, pupilId: string, today: IsoDate = todayInEngland()) {
  const schools = placementSchoolsOf(actor);
  const pupil =
    isUuid(pupilId) && (pupilId === actor.userId || schools.length)
      ? await db().user.findFirst({
          where: {
            id: pupilId,
            ...(pupilId === actor.userId
              ? {}
              : { memberships: { some: { organisationId: { in: schools }, role: "PUPIL" } } }),
          },
          select: { id: true, yearGroup: true },
        })
      : null;
  if (!pupil || !pupil.yearGroup) notFound();
  return (await gatsbyForPupils([{ id: pupil.id, yearGroup: pupil.yearGroup }], today)).get(pupil.id)!;
}

/** The school page: the same measures as counts and percentages of each year group. */
export async function schoolGatsby(actor: Actor, schoolId?: string, today: IsoDate = todayInEngland()) {
  const schools = placementSchoolsOf(actor);
  if (!schools.length) notFound();
  const id = schoolId ?? schools[0];
  if (!schools.includes(id)) notFound();
  const school = await db().organisation.findUniqueOrThrow({ where: { id }, select: { id: true, name: true } });
  const pupils = await db().user.findMany({
    where: {
      disabledAt: null,
      erasedAt: null,
      mergedIntoId: null,
      yearGroup: { not: null },
      memberships: { some: { organisationId: id, role: "PUPIL" } },
    },
    select: { id: true, yearGroup: true },
  });
  const statuses = await gatsbyForPupils(
    pupils.map((p) => ({ id: p.id, yearGroup: p.yearGroup! })),
    today,
  );
  const rows = summariseByYearGroup(pupils.map((p) => ({ yearGroup: p.yearGroup!, status: statuses.get(p.id)! })));
  return {
    school,
    academicYear: academicYearOf(today),
    rows,
    schools:
      schools.length > 1
        ? await db().organisation.findMany({ where: { id: { in: schools } }, select: { id: true, name: true } })
        : [],
  };
}
