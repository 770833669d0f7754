/**
 * One record for life: a partnership admin merges two records of the same person (a pupil record
 * from school and an apprentice account, say). The preview counts what would move; the merge
 * moves every row from the duplicate to the survivor in one transaction, resolves unique-key
 * collisions without dropping history, points the duplicate at the survivor (merged_into_id),
 * disables it and audits the counts. Nothing about the person is lost.
 *
 * Collisions, decided once here:
 * - memberships (user, organisation, role): the survivor's row stays; the duplicate's is dropped.
 * - class memberships (class, user): one row stays with the earlier join date, still current if
 *   either was.
 * - enrolments (user, pathway): the enrolment with more progress entries stays; the other's
 *   entries are re-pointed to it, it takes the earlier start and the furthest status.
 * - placements and encounters (per pupil): one row stays; blanks on it are filled from the other.
 * - progress entries keep their ids; a clashing device idempotency key is dropped on the moved row.
 * - the duplicate's sessions are deleted and its unused one-time tokens spent (they must not open
 *   the survivor's account); its used tokens and its audit trail stay on the duplicate's row,
 *   which now points at the survivor.
 * - identifiers the survivor lacks (email, username, UPN, date of birth, year group, password)
 *   move to it; others stay on the disabled duplicate so a later search by them still finds the
 *   survivor through merged_into_id.
 */
import { z } from "zod";
import { db, type Tx } from "~/db/client.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import { can, type Actor } from "~/auth/permissions.ts";
import { audit } from "~/utils/audit.server.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";

export class MergeError extends Error {}

function requireMerger(actor: Actor) {
  if (!can(actor, "people:merge")) notFound();
}

const personSelect = {
  id: true,
  firstName: true,
  lastName: true,
  email: true,
  username: true,
  upn: true,
  yearGroup: true,
  dateOfBirth: true,
  disabledAt: true,
  erasedAt: true,
  mergedIntoId: true,
  createdAt: true,
  memberships: { select: { role: true, organisation: { select: { name: true } } } },
} satisfies Prisma.UserSelect;

/** Records matching a name, email, username or UPN (at most 25), merged records left out. */
export async function searchPeople(actor: Actor, query: string) {
  requireMerger(actor);
  const q = query.trim();
  if (q.length < 2) return [];
  const words = q.split(/\s+/).filter(Boolean).slice(0, 3);
  const rows = await db().user.findMany({
    where: {
      mergedIntoId: null,
      erasedAt: null,
      OR: [
        { email: { contains: q, mode: "insensitive" } },
        { username: { contains: q, mode: "insensitive" } },
        { upn: { equals: q.toUpperCase() } },
        {
          AND: words.map((w) => ({
            OR: [
              { firstName: { contains: w, mode: "insensitive" as const } },
              { lastName: { contains: w, mode: "insensitive" as const } },
            ],
          })),
        },
      ],
    },
    orderBy: [{ lastName: "asc" }, { firstName: "asc" }],
    take: 25,
    select: personSelect,
  });
  return rows.map(describePerson);
}

function describePerson(p: Prisma.UserGetPayload<{ select: typeof personSelect }>) {
  return {
    id: p.id,
    name: fullName(p),
    email: p.email,
    username: p.username,
    upn: p.upn,
    yearGroup: p.yearGroup,
    hasDateOfBirth: p.dateOfBirth !== null,
    disabled: p.disabledAt !== null,
    createdAt: p.createdAt.toISOString(),
    roles: p.memberships.map((m) => `${m.role} at ${m.organisation.name}`),
  };
}

export type MergeCounts = {
  memberships: number;
  cohortMembers: number;
  classesTaught: number;
  enrolments: number;
  enrolmentCollisions: number;
  progressEntries: number;
  progressEntriesRecorded: number;
  credentials: number;
  apprenticeships: number;
  apprenticeshipsAsTutor: number;
  apprenticeshipsAsSupervisor: number;
  placements: number;
  placementsSupervised: number;
  encounterAttendance: number;
  tokens: number;
  sessionsDeleted: number;
  notifications: number;
  auditEntriesKept: number;
};

async function countsFor(tx: Tx, loserId: string, survivorId: string): Promise<MergeCounts> {
  const [loserPathways, survivorPathways] = await Promise.all([
    tx.enrolment.findMany({ where: { userId: loserId }, select: { pathwayId: true } }),
    tx.enrolment.findMany({ where: { userId: survivorId }, select: { pathwayId: true } }),
  ]);
  const survivorSet = new Set(survivorPathways.map((e) => e.pathwayId));
  const [
    memberships,
    cohortMembers,
    classesTaught,
    progressEntries,
    progressEntriesRecorded,
    credentials,
    apprenticeships,
    apprenticeshipsAsTutor,
    apprenticeshipsAsSupervisor,
    placements,
    placementsSupervised,
    encounterAttendance,
    tokens,
    sessionsDeleted,
    notifications,
    auditEntriesKept,
  ] = await Promise.all([
    tx.membership.count({ where: { userId: loserId } }),
    tx.cohortMember.count({ where: { userId: loserId } }),
    tx.cohort.count({ where: { teacherId: loserId } }),
    tx.progressEntry.count({ where: { learnerId: loserId } }),
    tx.progressEntry.count({
      where: {
        OR: [{ createdById: loserId }, { verifiedById: loserId }, { supervisorConfirmedById: loserId }],
        NOT: { learnerId: loserId },
      },
    }),
    tx.progressEntry.count({ where: { learnerId: loserId, kind: "CREDENTIAL" } }),
    tx.apprenticeship.count({ where: { apprenticeId: loserId } }),
    tx.apprenticeship.count({ where: { tutorId: loserId } }),
    tx.apprenticeship.count({ where: { supervisorId: loserId } }),
    tx.placementPupil.count({ where: { pupilId: loserId } }),
    tx.placement.count({ where: { supervisorId: loserId } }),
    tx.encounterAttendee.count({ where: { pupilId: loserId } }),
    tx.authToken.count({ where: { userId: loserId } }),
    tx.session.count({ where: { userId: loserId } }),
    tx.notificationLog.count({ where: { userId: loserId } }),
    tx.auditLog.count({ where: { OR: [{ actorId: loserId }, { subjectType: "user", subjectId: loserId }] } }),
  ]);
  return {
    memberships,
    cohortMembers,
    classesTaught,
    enrolments: loserPathways.length,
    enrolmentCollisions: loserPathways.filter((e) => survivorSet.has(e.pathwayId)).length,
    progressEntries,
    progressEntriesRecorded,
    credentials,
    apprenticeships,
    apprenticeshipsAsTutor,
    apprenticeshipsAsSupervisor,
    placements,
    placementsSupervised,
    encounterAttendance,
    tokens,
    sessionsDeleted,
    notifications,
    auditEntriesKept,
  };
}

const MergeIds = z.object({ survivorId: z.string().uuid(), duplicateId: z.string().uuid() });

async function loadPair(tx: Tx, actor: Actor, ids: { survivorId: string; duplicateId: string }) {
  if (!MergeIds.safeParse(ids).success) notFound();
  if (ids.survivorId === ids.duplicateId)
    throw new MergeError("Choose two different records: the one to keep and the duplicate.");
  const [survivor, duplicate] = await Promise.all([
    tx.user.findUnique({ where: { id: ids.survivorId }, select: { ...personSelect, passwordHash: true } }),
    tx.user.findUnique({ where: { id: ids.duplicateId }, select: { ...personSelect, passwordHash: true } }),
  ]);
  if (!survivor || !duplicate) notFound();
  if (survivor.mergedIntoId || duplicate.mergedIntoId)
    throw new MergeError("One of these records has already been merged into another. Search again.");
  if (survivor.erasedAt || duplicate.erasedAt) throw new MergeError("An erased record cannot be merged.");
  if (survivor.disabledAt)
    throw new MergeError("The record to keep is disabled. Keep the other one, or re-enable it first.");
  if (duplicate.id === actor.userId) throw new MergeError("You cannot merge away your own account.");
  return { survivor, duplicate };
}

/** What a merge would move, without changing anything. */
export async function previewMerge(actor: Actor, ids: { survivorId: string; duplicateId: string }) {
  requireMerger(actor);
  const tx = db();
  const { survivor, duplicate } = await loadPair(tx, actor, ids);
  const counts = await countsFor(tx, duplicate.id, survivor.id);
  const identifiers = (["email", "username", "upn", "dateOfBirth", "yearGroup"] as const).filter(
    (k) => survivor[k] === null && duplicate[k] !== null,
  );
  return {
    survivor: describePerson(survivor),
    duplicate: describePerson(duplicate),
    counts,
    identifiersMoving: identifiers,
    passwordMoving: !survivor.passwordHash && Boolean(duplicate.passwordHash),
  };
}

const STATUS_RANK = { WITHDRAWN: 0, ACTIVE: 1, COMPLETED: 2 } as const;

/** Merges the duplicate into the survivor in one transaction. Returns the counts moved. */
export async function mergePeople(actor: Actor, ids: { survivorId: string; duplicateId: string }) {
  requireMerger(actor);
  return db().$transaction(
    async (tx) => {
      const { survivor, duplicate } = await loadPair(tx, actor, ids);
      // Lock both rows so a concurrent merge or enrolment cannot interleave.
      await tx.$queryRaw`SELECT id FROM users WHERE id IN (${survivor.id}::uuid, ${duplicate.id}::uuid) FOR UPDATE`;
      const counts = await countsFor(tx, duplicate.id, survivor.id);
      const from = duplicate.id;
      const to = survivor.id;

      // Identifiers: unique columns must leave the duplicate before the survivor takes them.
      const take: Prisma.UserUpdateInput = {};
      const clear: Prisma.UserUpdateInput = {};
      for (const key of ["email", "username", "upn"] as const) {
        if (survivor[key] === null && duplicate[key] !== null) {
          take[key] = duplicate[key];
          clear[key] = null;
        }
      }
      if (survivor.dateOfBirth === null && duplicate.dateOfBirth !== null) take.dateOfBirth = duplicate.dateOfBirth;
      if (survivor.yearGroup === null && duplicate.yearGroup !== null) take.yearGroup = duplicate.yearGroup;
      if (!survivor.passwordHash && duplicate.passwordHash) take.passwordHash = duplicate.passwordHash;
      if (Object.keys(clear).length) await tx.user.update({ where: { id: from }, data: clear });
      if (Object.keys(take).length) await tx.user.update({ where: { id: to }, data: take });

      // Memberships.
      await tx.$executeRaw`DELETE FROM memberships d USING memberships s
        WHERE d.user_id = ${from}::uuid AND s.user_id = ${to}::uuid AND s.organisation_id = d.organisation_id AND s.role = d.role`;
      await tx.membership.updateMany({ where: { userId: from }, data: { userId: to } });

      // Class memberships: keep one row per class, the earlier join, current if either is.
      await tx.$executeRaw`UPDATE cohort_members s SET joined_at = LEAST(s.joined_at, d.joined_at),
          left_at = CASE WHEN s.left_at IS NULL OR d.left_at IS NULL THEN NULL ELSE GREATEST(s.left_at, d.left_at) END
        FROM cohort_members d WHERE s.user_id = ${to}::uuid AND d.user_id = ${from}::uuid AND s.cohort_id = d.cohort_id`;
      await tx.$executeRaw`DELETE FROM cohort_members d USING cohort_members s
        WHERE d.user_id = ${from}::uuid AND s.user_id = ${to}::uuid AND s.cohort_id = d.cohort_id`;
      await tx.cohortMember.updateMany({ where: { userId: from }, data: { userId: to } });
      await tx.cohort.updateMany({ where: { teacherId: from }, data: { teacherId: to } });
      await tx.cohortPathway.updateMany({ where: { enrolledById: from }, data: { enrolledById: to } });

      // Enrolments: on a clash keep the one with more progress and re-point the other's entries.
      const loserEnrolments = await tx.enrolment.findMany({
        where: { userId: from },
        select: {
          id: true,
          pathwayId: true,
          status: true,
          startedOn: true,
          completedOn: true,
          _count: { select: { progressEntries: true } },
        },
      });
      for (const lost of loserEnrolments) {
        const kept = await tx.enrolment.findUnique({
          where: { userId_pathwayId: { userId: to, pathwayId: lost.pathwayId } },
          select: {
            id: true,
            status: true,
            startedOn: true,
            completedOn: true,
            _count: { select: { progressEntries: true } },
          },
        });
        if (!kept) {
          await tx.enrolment.update({ where: { id: lost.id }, data: { userId: to } });
          continue;
        }
        const [winner, loser] = lost._count.progressEntries > kept._count.progressEntries ? [lost, kept] : [kept, lost];
        await tx.progressEntry.updateMany({ where: { enrolmentId: loser.id }, data: { enrolmentId: winner.id } });
        const status = STATUS_RANK[loser.status] > STATUS_RANK[winner.status] ? loser.status : winner.status;
        await tx.enrolment.delete({ where: { id: loser.id } });
        await tx.enrolment.update({
          where: { id: winner.id },
          data: {
            userId: to,
            status,
            startedOn: loser.startedOn < winner.startedOn ? loser.startedOn : winner.startedOn,
            completedOn: status === "COMPLETED" ? (winner.completedOn ?? loser.completedOn) : winner.completedOn,
          },
        });
      }

      // The progress ledger: rows keep their ids; only a clashing idempotency key is dropped.
      await tx.$executeRaw`UPDATE progress_entries d SET client_ref = NULL
        WHERE d.learner_id = ${from}::uuid AND d.client_ref IS NOT NULL
          AND EXISTS (SELECT 1 FROM progress_entries s WHERE s.learner_id = ${to}::uuid AND s.client_ref = d.client_ref)`;
      await tx.progressEntry.updateMany({ where: { learnerId: from }, data: { learnerId: to } });
      await tx.progressEntry.updateMany({ where: { createdById: from }, data: { createdById: to } });
      await tx.progressEntry.updateMany({ where: { verifiedById: from }, data: { verifiedById: to } });
      await tx.progressEntry.updateMany({
        where: { supervisorConfirmedById: from },
        data: { supervisorConfirmedById: to },
      });

      // Apprenticeships, plans, reviews, gateway.
      await tx.apprenticeship.updateMany({ where: { apprenticeId: from }, data: { apprenticeId: to } });
      await tx.apprenticeship.updateMany({ where: { tutorId: from }, data: { tutorId: to } });
      await tx.apprenticeship.updateMany({ where: { supervisorId: from }, data: { supervisorId: to } });
      for (const party of ["apprentice", "employer", "tutor"] as const) {
        await tx.trainingPlan.updateMany({
          where: { [`${party}SignedById`]: from },
          data: { [`${party}SignedById`]: to },
        });
        await tx.review.updateMany({ where: { [`${party}SignedById`]: from }, data: { [`${party}SignedById`]: to } });
      }
      await tx.reviewAddendum.updateMany({ where: { authorId: from }, data: { authorId: to } });
      await tx.gatewayCheck.updateMany({ where: { employerConfirmedById: from }, data: { employerConfirmedById: to } });
      await tx.gatewayCheck.updateMany({ where: { tutorConfirmedById: from }, data: { tutorConfirmedById: to } });

      // Work experience and encounters: one row per pupil, blanks filled from the other.
      await tx.$executeRaw`UPDATE placement_pupils s SET
          consent_given_by = COALESCE(s.consent_given_by, d.consent_given_by), consent_date = COALESCE(s.consent_date, d.consent_date),
          consent_method = COALESCE(s.consent_method, d.consent_method), hours_attended = COALESCE(s.hours_attended, d.hours_attended),
          feedback = COALESCE(s.feedback, d.feedback), would_host_again = COALESCE(s.would_host_again, d.would_host_again),
          feedback_at = COALESCE(s.feedback_at, d.feedback_at), reflection = COALESCE(s.reflection, d.reflection)
        FROM placement_pupils d WHERE s.pupil_id = ${to}::uuid AND d.pupil_id = ${from}::uuid AND s.placement_id = d.placement_id`;
      await tx.$executeRaw`DELETE FROM placement_pupils d USING placement_pupils s
        WHERE d.pupil_id = ${from}::uuid AND s.pupil_id = ${to}::uuid AND s.placement_id = d.placement_id`;
      await tx.placementPupil.updateMany({ where: { pupilId: from }, data: { pupilId: to } });
      await tx.placement.updateMany({ where: { supervisorId: from }, data: { supervisorId: to } });
      await tx.placement.updateMany({ where: { createdById: from }, data: { createdById: to } });
      await tx.placement.updateMany({ where: { employerConfirmedById: from }, data: { employerConfirmedById: to } });
      await tx.$executeRaw`UPDATE encounter_attendees s SET reflection = COALESCE(s.reflection, d.reflection)
        FROM encounter_attendees d WHERE s.pupil_id = ${to}::uuid AND d.pupil_id = ${from}::uuid AND s.encounter_id = d.encounter_id`;
      await tx.$executeRaw`DELETE FROM encounter_attendees d USING encounter_attendees s
        WHERE d.pupil_id = ${from}::uuid AND s.pupil_id = ${to}::uuid AND s.encounter_id = d.encounter_id`;
      await tx.encounterAttendee.updateMany({ where: { pupilId: from }, data: { pupilId: to } });
      await tx.encounter.updateMany({ where: { createdById: from }, data: { createdById: to } });

      // Everything else that names a person.
      await tx.importJob.updateMany({ where: { createdById: from }, data: { createdById: to } });
      await tx.reportSnapshot.updateMany({ where: { builtById: from }, data: { builtById: to } });
      await tx.notificationLog.updateMany({ where: { userId: from }, data: { userId: to } });
      await tx.authToken.updateMany({ where: { createdById: from }, data: { createdById: to } });
      await tx.authToken.updateMany({ where: { userId: from, usedAt: null }, data: { usedAt: new Date() } });
      await tx.session.deleteMany({ where: { userId: from } });
      await tx.user.updateMany({ where: { mergedIntoId: from }, data: { mergedIntoId: to } });

      await tx.user.update({
        where: { id: from },
        data: { mergedIntoId: to, disabledAt: duplicate.disabledAt ?? new Date() },
      });
      await audit(
        {
          actorId: actor.userId,
          action: "person.merge",
          subjectType: "user",
          subjectId: to,
          metadata: { duplicateId: from, survivorId: to, ...counts },
        },
        tx,
      );
      return { survivorId: to, duplicateId: from, counts };
    },
    { timeout: 30_000 },
  );
}
