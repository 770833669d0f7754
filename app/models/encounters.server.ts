/**
 * Employer encounters (Gatsby benchmark 5): school staff log one encounter for a whole class, and
 * every current member of the class becomes an attendee. Reach: the schools whose placements the
 * actor manages (app/auth/reach.server.ts `placementSchoolsOf`); a class elsewhere is a 404.
 */
import { z } from "zod";
import { db } from "~/db/client.server.ts";
import type { Actor } from "~/auth/permissions.ts";
import { placementSchoolsOf } from "~/auth/reach.server.ts";
import { academicYearOf, isBefore, toUtcDate, type IsoDate, todayInEngland } from "~/domain/dates.ts";
import { audit } from "~/utils/audit.server.ts";
import { ENCOUNTER_KINDS } from "~/models/placements.shared.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";
import { isoDate, PlacementError } from "~/models/placements.server.ts";

export async function encounterOptions(actor: Actor, today: IsoDate = todayInEngland()) {
  const schools = placementSchoolsOf(actor);
  if (!schools.length) notFound();
  const [classes, employers] = await Promise.all([
    db().cohort.findMany({
      where: { organisationId: { in: schools }, academicYear: academicYearOf(today) },
      orderBy: [{ yearGroup: "asc" }, { name: "asc" }],
      select: { id: true, name: true, yearGroup: true, _count: { select: { members: { where: { leftAt: null } } } } },
    }),
    db().organisation.findMany({
      where: { kind: "EMPLOYER", status: "APPROVED" },
      orderBy: { name: "asc" },
      select: { id: true, name: true },
    }),
  ]);
  return {
    classes: classes.map((c) => ({ id: c.id, label: `${c.name} (year ${c.yearGroup}, ${c._count.members} pupils)` })),
    employers,
  };
}

export const EncounterFields = {
  cohortId: z.string().uuid("Choose a class."),
  kind: z.enum(ENCOUNTER_KINDS, { message: "Choose the kind of encounter." }),
  title: z
    .string()
    .trim()
    .min(1, "Enter what the encounter was.")
    .max(200, "Keep the title to 200 characters or fewer."),
  occurredOn: isoDate,
  employerId: z.string().trim().optional(),
};

/** Logs one encounter for a whole class: every current member becomes an attendee. */
export async function logEncounter(
  actor: Actor,
  input: {
    cohortId: string;
    kind: (typeof ENCOUNTER_KINDS)[number];
    title: string;
    occurredOn: IsoDate;
    employerId?: string;
  },
  today: IsoDate = todayInEngland(),
) {
  const schools = placementSchoolsOf(actor);
  if (!schools.length) notFound();
  if (isBefore(today, input.occurredOn)) throw new PlacementError({ occurredOn: "The date cannot be in the future." });
  return db().$transaction(async (tx) => {
    const cohort = await tx.cohort.findFirst({
      where: { id: input.cohortId, organisationId: { in: schools } },
      select: { id: true, organisationId: true, members: { where: { leftAt: null }, select: { userId: true } } },
    });
    if (!cohort) notFound();
    const employerId = input.employerId && input.employerId.length ? input.employerId : null;
    if (
      employerId &&
      !(
        isUuid(employerId) &&
        (await tx.organisation.count({ where: { id: employerId, kind: "EMPLOYER", status: "APPROVED" } })) === 1
      )
    ) {
      throw new PlacementError({ employerId: "Choose an employer from the list, or none." });
    }
    if (cohort.members.length === 0) throw new PlacementError({ cohortId: "That class has no pupils yet." });
    const encounter = await tx.encounter.create({
      data: {
        schoolId: cohort.organisationId,
        employerId,
        cohortId: cohort.id,
        kind: input.kind,
        title: input.title,
        occurredOn: toUtcDate(input.occurredOn),
        createdById: actor.userId,
        attendees: { create: cohort.members.map((m) => ({ pupilId: m.userId })) },
      },
      select: { id: true },
    });
    await audit(
      {
        actorId: actor.userId,
        action: "encounter.create",
        subjectType: "encounter",
        subjectId: encounter.id,
        organisationId: cohort.organisationId,
        metadata: { cohortId: cohort.id, attendees: cohort.members.length },
      },
      tx,
    );
    return { id: encounter.id, attendees: cohort.members.length };
  });
}
