/**
 * One record for life: merging two records of the same person through real Postgres. The merge
 * moves every row, resolves collisions (same pathway, same class, same placement), loses nothing
 * (every progress entry, placement and credential of both is reachable from the survivor), is
 * audit-logged with counts, and is for partnership admins only (404 for anyone else).
 */
import { describe, expect, it } from "vitest";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser } from "../support/factories.ts";
import { actorFor, createApprenticeship, createPathway } from "../support/progress-fixtures.ts";
import { mergePeople, MergeError, previewMerge, searchPeople } from "../../app/models/people-merge.server.ts";

const prisma = testPrisma();

async function partnershipAdmin() {
  const provider = await createOrganisation({ kind: "PROVIDER" });
  const admin = await createUser({ roles: [{ org: provider, role: "PARTNERSHIP_ADMIN" }] });
  return actorFor(admin.id);
}

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** A former pupil's school record (username, UPN, class, enrolments, progress, credential, placement, encounter). */
async function formerPupil() {
  const school = await createOrganisation({ kind: "SCHOOL" });
  const teacher = await createUser({ roles: [{ org: school, role: "TEACHER" }] });
  const pupil = await createUser({ roles: [{ org: school, role: "PUPIL" }], firstName: "Jordan", lastName: "Price" });
  await prisma.user.update({
    where: { id: pupil.id },
    data: { upn: `C${String(Date.now()).slice(-11).padStart(11, "0")}1`, yearGroup: 11 },
  });
  const cohort = await prisma.cohort.create({
    data: {
      organisationId: school.id,
      teacherId: teacher.id,
      name: `11X${Date.now() % 1000}`,
      yearGroup: 11,
      academicYear: 2024,
    },
  });
  await prisma.cohortMember.create({ data: { cohortId: cohort.id, userId: pupil.id, joinedAt: day("2024-09-01") } });
  const shared = await createPathway(2, "APPRENTICE");
  const schoolOnly = await createPathway(1, "PUPIL");
  const sharedEnrolment = await prisma.enrolment.create({
    data: { userId: pupil.id, pathwayId: shared.id, organisationId: school.id, startedOn: day("2024-10-01") },
  });
  const schoolEnrolment = await prisma.enrolment.create({
    data: {
      userId: pupil.id,
      pathwayId: schoolOnly.id,
      organisationId: school.id,
      status: "COMPLETED",
      completedOn: day("2025-06-01"),
    },
  });
  const entries = [];
  for (const [enrolmentId, moduleId] of [
    [sharedEnrolment.id, shared.modules[0].moduleId],
    [sharedEnrolment.id, shared.modules[1].moduleId],
    [schoolEnrolment.id, schoolOnly.modules[0].moduleId],
  ]) {
    entries.push(
      await prisma.progressEntry.create({
        data: {
          learnerId: pupil.id,
          enrolmentId,
          kind: "MODULE_COMPLETED",
          moduleId,
          occurredOn: day("2025-01-10"),
          createdById: pupil.id,
          clientRef: `device-${moduleId}`,
        },
      }),
    );
  }
  await prisma.credential.upsert({
    where: { code: "AZ-900" },
    update: {},
    create: { code: "AZ-900", name: "Azure Fundamentals" },
  });
  const credential = await prisma.progressEntry.create({
    data: {
      learnerId: pupil.id,
      enrolmentId: sharedEnrolment.id,
      kind: "CREDENTIAL",
      credentialCode: "AZ-900",
      occurredOn: day("2025-03-01"),
      createdById: teacher.id,
      status: "VERIFIED",
      verifiedById: teacher.id,
    },
  });
  const employer = await createOrganisation({ kind: "EMPLOYER" });
  const placement = await prisma.placement.create({
    data: {
      schoolId: school.id,
      employerId: employer.id,
      title: "Week at Trentside",
      startDate: day("2025-06-16"),
      endDate: day("2025-06-20"),
      hours: 30,
      createdById: teacher.id,
    },
  });
  await prisma.placementPupil.create({
    data: {
      placementId: placement.id,
      pupilId: pupil.id,
      consentGivenBy: "Parent",
      consentMethod: "form",
      hoursAttended: 30,
    },
  });
  const encounter = await prisma.encounter.create({
    data: {
      schoolId: school.id,
      employerId: employer.id,
      kind: "talk",
      title: "Careers talk",
      occurredOn: day("2024-11-11"),
      createdById: teacher.id,
    },
  });
  await prisma.encounterAttendee.create({
    data: { encounterId: encounter.id, pupilId: pupil.id, reflection: "I liked it" },
  });
  return {
    school,
    pupil,
    cohort,
    shared,
    sharedEnrolment,
    schoolEnrolment,
    entries: [...entries, credential],
    placement,
    encounter,
    employer,
  };
}

describe("merging two records of the same person", () => {
  it("moves everything to the survivor, resolves collisions and loses nothing", async () => {
    const actor = await partnershipAdmin();
    const school = await formerPupil();
    // The same person, later, as an apprentice with an email account.
    const appr = await createApprenticeship();
    const apprentice = appr.apprentice;
    await prisma.user.update({
      where: { id: apprentice.id },
      data: { firstName: "Jordan", lastName: "Price", dateOfBirth: day("2007-02-02") },
    });
    // Collision 1: also enrolled in the shared pathway, with less progress (1 entry vs 3).
    const apprenticeEnrolment = await prisma.enrolment.create({
      data: {
        userId: apprentice.id,
        pathwayId: school.shared.id,
        organisationId: appr.employer.id,
        startedOn: day("2025-09-01"),
      },
    });
    const otj = await prisma.progressEntry.create({
      data: {
        learnerId: apprentice.id,
        apprenticeshipId: appr.apprenticeshipId,
        enrolmentId: apprenticeEnrolment.id,
        kind: "OTJ_ACTIVITY",
        occurredOn: day("2025-09-10"),
        minutes: 90,
        createdById: apprentice.id,
        clientRef: `device-${school.shared.modules[0].moduleId}`,
      },
    });
    // Collision 2: the same placement (blank on the survivor's side gets filled).
    await prisma.placementPupil.create({
      data: { placementId: school.placement.id, pupilId: apprentice.id, reflection: "Great week" },
    });
    // Collision 3: both were in the same class.
    await prisma.cohortMember.create({
      data: {
        cohortId: school.cohort.id,
        userId: apprentice.id,
        joinedAt: day("2025-01-01"),
        leftAt: day("2025-07-01"),
      },
    });
    await prisma.session.create({
      data: {
        id: `s-${Date.now()}`,
        secretHash: Buffer.from("x"),
        userId: school.pupil.id,
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });

    // Keep the apprentice account (it has the email and password); the pupil record is the duplicate.
    const ids = { survivorId: apprentice.id, duplicateId: school.pupil.id };
    const preview = await previewMerge(actor, ids);
    expect(preview.counts).toMatchObject({
      memberships: 1,
      cohortMembers: 1,
      enrolments: 2,
      enrolmentCollisions: 1,
      progressEntries: 4,
      credentials: 1,
      placements: 1,
      encounterAttendance: 1,
      sessionsDeleted: 1,
    });
    expect(preview.identifiersMoving).toEqual(expect.arrayContaining(["username", "upn", "yearGroup"]));
    // Preview writes nothing.
    expect(await prisma.progressEntry.count({ where: { learnerId: apprentice.id } })).toBe(1);

    const before = {
      entries: new Set([...school.entries.map((e) => e.id), otj.id]),
      upn: (await prisma.user.findUniqueOrThrow({ where: { id: school.pupil.id } })).upn,
    };
    const result = await mergePeople(actor, ids);
    expect(result.counts.progressEntries).toBe(4);

    // Nothing lost: every progress entry, placement and credential of both, from the survivor.
    const survivor = await prisma.user.findUniqueOrThrow({
      where: { id: apprentice.id },
      include: {
        progressEntries: true,
        placementPupils: true,
        enrolments: { include: { progressEntries: true } },
        apprenticeships: true,
        cohortMembers: true,
        encounterAttendance: true,
        memberships: true,
      },
    });
    expect(new Set(survivor.progressEntries.map((e) => e.id))).toEqual(before.entries);
    expect(survivor.progressEntries.filter((e) => e.kind === "CREDENTIAL").map((e) => e.credentialCode)).toEqual([
      "AZ-900",
    ]);
    expect(survivor.placementPupils).toHaveLength(1);
    expect(survivor.placementPupils[0]).toMatchObject({
      placementId: school.placement.id,
      reflection: "Great week",
      consentGivenBy: "Parent",
      hoursAttended: 30,
    });
    expect(survivor.encounterAttendance).toEqual([
      expect.objectContaining({ encounterId: school.encounter.id, reflection: "I liked it" }),
    ]);
    expect(survivor.apprenticeships.map((a) => a.id)).toEqual([appr.apprenticeshipId]);
    expect(survivor.memberships.map((m) => m.role).sort()).toEqual(["APPRENTICE", "PUPIL"]);
    expect(survivor.upn).toBe(before.upn);
    expect(survivor.yearGroup).toBe(11);
    expect(survivor.email).toBe(apprentice.email);
    // The class membership: one row, the earlier join, still current (the pupil's row had no end).
    expect(survivor.cohortMembers).toEqual([expect.objectContaining({ cohortId: school.cohort.id, leftAt: null })]);
    expect(survivor.cohortMembers[0].joinedAt.toISOString().slice(0, 10)).toBe("2024-09-01");
    // Enrolment collision: the pupil's enrolment (3 entries) won; all 4 entries of that pathway sit on it.
    const shared = survivor.enrolments.find((e) => e.pathwayId === school.shared.id)!;
    expect(shared.id).toBe(school.sharedEnrolment.id);
    expect(shared.progressEntries).toHaveLength(4);
    expect(shared.startedOn.toISOString().slice(0, 10)).toBe("2024-10-01");
    expect(await prisma.enrolment.findUnique({ where: { id: apprenticeEnrolment.id } })).toBeNull();
    expect(survivor.enrolments.find((e) => e.id === school.schoolEnrolment.id)?.status).toBe("COMPLETED");
    // The clashing device key was dropped on one row only; both rows survive.
    expect(
      (await prisma.progressEntry.findMany({ where: { id: { in: [otj.id, school.entries[0].id] } } })).filter(
        (e) => e.clientRef !== null,
      ),
    ).toHaveLength(1);

    // The duplicate: disabled, points at the survivor, holds nothing, signed out.
    const duplicate = await prisma.user.findUniqueOrThrow({
      where: { id: school.pupil.id },
      include: {
        _count: {
          select: {
            progressEntries: true,
            enrolments: true,
            memberships: true,
            placementPupils: true,
            sessions: true,
            cohortMembers: true,
          },
        },
      },
    });
    expect(duplicate.mergedIntoId).toBe(apprentice.id);
    expect(duplicate.disabledAt).not.toBeNull();
    expect(duplicate.upn).toBeNull();
    expect(Object.values(duplicate._count).every((n) => n === 0)).toBe(true);

    const logged = await prisma.auditLog.findFirstOrThrow({
      where: { action: "person.merge", subjectId: apprentice.id },
    });
    expect(logged.actorId).toBe(actor.userId);
    expect(logged.metadata).toMatchObject({
      duplicateId: school.pupil.id,
      survivorId: apprentice.id,
      progressEntries: 4,
      placements: 1,
      enrolmentCollisions: 1,
    });

    // Merging again is refused in words; searching no longer offers the duplicate.
    await expect(mergePeople(actor, ids)).rejects.toThrow(MergeError);
    const found = await searchPeople(actor, "Jordan Price");
    expect(found.map((p) => p.id)).toContain(apprentice.id);
    expect(found.map((p) => p.id)).not.toContain(school.pupil.id);
  }, 120_000);

  it("keeps the enrolment with more progress when the survivor's has more", async () => {
    const actor = await partnershipAdmin();
    const school = await createOrganisation({ kind: "SCHOOL" });
    const a = await createUser({ roles: [{ org: school, role: "PUPIL" }] });
    const b = await createUser({ roles: [{ org: school, role: "PUPIL" }] });
    const pathway = await createPathway(3);
    const ea = await prisma.enrolment.create({
      data: { userId: a.id, pathwayId: pathway.id, organisationId: school.id },
    });
    const eb = await prisma.enrolment.create({
      data: {
        userId: b.id,
        pathwayId: pathway.id,
        organisationId: school.id,
        status: "COMPLETED",
        completedOn: day("2025-05-05"),
      },
    });
    for (const m of pathway.modules)
      await prisma.progressEntry.create({
        data: {
          learnerId: a.id,
          enrolmentId: ea.id,
          kind: "MODULE_COMPLETED",
          moduleId: m.moduleId,
          occurredOn: day("2025-02-02"),
          createdById: a.id,
        },
      });
    await prisma.progressEntry.create({
      data: {
        learnerId: b.id,
        enrolmentId: eb.id,
        kind: "LEARNING_TIME",
        minutes: 30,
        occurredOn: day("2025-02-03"),
        createdById: b.id,
      },
    });
    await mergePeople(actor, { survivorId: a.id, duplicateId: b.id });
    const enrolments = await prisma.enrolment.findMany({
      where: { userId: a.id },
      include: { _count: { select: { progressEntries: true } } },
    });
    expect(enrolments).toHaveLength(1);
    expect(enrolments[0]).toMatchObject({ id: ea.id, status: "COMPLETED", _count: { progressEntries: 4 } });
  }, 60_000);

  it("is for partnership admins only, and refuses nonsense pairs in words", async () => {
    const actor = await partnershipAdmin();
    const school = await createOrganisation({ kind: "SCHOOL" });
    const schoolAdmin = await actorFor((await createUser({ roles: [{ org: school, role: "SCHOOL_ADMIN" }] })).id);
    const a = await createUser({ roles: [{ org: school, role: "PUPIL" }] });
    const b = await createUser({ roles: [{ org: school, role: "PUPIL" }] });
    for (const call of [
      previewMerge(schoolAdmin, { survivorId: a.id, duplicateId: b.id }),
      mergePeople(schoolAdmin, { survivorId: a.id, duplicateId: b.id }),
      searchPeople(schoolAdmin, "Test"),
    ]) {
      const error = await call.then(
        () => null,
        (e: unknown) => e,
      );
      expect((error as Response).status).toBe(404);
    }
    expect((await prisma.user.findUniqueOrThrow({ where: { id: b.id } })).mergedIntoId).toBeNull();
    await expect(previewMerge(actor, { survivorId: a.id, duplicateId: a.id })).rejects.toThrow(
      "Choose two different records",
    );
    await expect(mergePeople(actor, { survivorId: a.id, duplicateId: actor.userId })).rejects.toThrow(
      "your own account",
    );
    expect(
      await prisma.auditLog.count({ where: { action: "person.merge", subjectId: { in: [a.id, b.id, actor.userId] } } }),
    ).toBe(0);
  }, 60_000);
});
