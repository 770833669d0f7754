/**
 * Work experience: creating a placement, the prerequisites that stop it starting, consent,
 * feedback and reflection, completion, encounters for a class, Gatsby status per pupil and per
 * school, the host pool, and tenancy between schools, employers and supervisors.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  completePlacement,
  confirmPrerequisites,
  createPlacement,
  getPlacement,
  givePlacementFeedback,
  listPlacements,
  myPlacements,
  PlacementError,
  recordConsent,
  saveReflection,
  startPlacement,
} from "../../app/models/placements.server.ts";
import { hostPool } from "../../app/models/host-pool.server.ts";
import { logEncounter } from "../../app/models/encounters.server.ts";
import { pupilGatsby, schoolGatsby } from "../../app/models/gatsby-status.server.ts";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation } from "../support/factories.ts";
import { expectNotFound, person } from "./support/apprenticeship-world.ts";

const TODAY = "2026-11-25";
const ratings = { attendance: 4, punctuality: 3, teamwork: 4, communication: 3, digitalSkills: 4 };

let w: Awaited<ReturnType<typeof world>>;
async function world() {
  const schoolA = await createOrganisation({ kind: "SCHOOL" });
  const schoolB = await createOrganisation({ kind: "SCHOOL" });
  const employer = await createOrganisation({ kind: "EMPLOYER", districtCode: "E06000021" });
  const otherEmployer = await createOrganisation({ kind: "EMPLOYER", districtCode: "E07000199" });
  await testPrisma().organisation.update({ where: { id: employer.id }, data: { sector: "Software and IT services" } });
  const teacherA = await person([{ org: schoolA, role: "TEACHER" }]);
  const teacherB = await person([{ org: schoolB, role: "SCHOOL_ADMIN" }]);
  const pupil1 = await person([{ org: schoolA, role: "PUPIL" }], { yearGroup: 10 });
  const pupil2 = await person([{ org: schoolA, role: "PUPIL" }], { yearGroup: 10 });
  const pupilB = await person([{ org: schoolB, role: "PUPIL" }], { yearGroup: 10 });
  const employerAdmin = await person([{ org: employer, role: "EMPLOYER_ADMIN" }]);
  const supervisor = await person([{ org: employer, role: "WORKPLACE_SUPERVISOR" }]);
  const otherSupervisor = await person([{ org: employer, role: "WORKPLACE_SUPERVISOR" }]);
  const otherAdmin = await person([{ org: otherEmployer, role: "EMPLOYER_ADMIN" }]);
  return {
    schoolA,
    schoolB,
    employer,
    otherEmployer,
    teacherA,
    teacherB,
    pupil1,
    pupil2,
    pupilB,
    employerAdmin,
    supervisor,
    otherSupervisor,
    otherAdmin,
  };
}

beforeAll(async () => {
  w = await world();
});

async function newPlacement(pupilIds = [w.pupil1.id], supervisorId: string | null = w.supervisor.id) {
  return createPlacement(w.teacherA.actor, {
    schoolId: w.schoolA.id,
    employerId: w.employer.id,
    supervisorId: supervisorId ?? undefined,
    title: "Taster week",
    startDate: "2026-10-05",
    endDate: "2026-10-09",
    hours: 30,
    pupilIds,
  });
}

describe("setting up a placement", () => {
  it("takes only the school's own pupils and a supervisor of that employer", async () => {
    await expectNotFound(
      createPlacement(w.teacherA.actor, {
        schoolId: w.schoolA.id,
        employerId: w.employer.id,
        title: "X",
        startDate: "2026-10-05",
        endDate: "2026-10-09",
        hours: 30,
        pupilIds: [w.pupilB.id],
      }),
    );
    await expectNotFound(
      createPlacement(w.teacherA.actor, {
        schoolId: w.schoolB.id,
        employerId: w.employer.id,
        title: "X",
        startDate: "2026-10-05",
        endDate: "2026-10-09",
        hours: 30,
        pupilIds: [w.pupil1.id],
      }),
    );
    await expect(
      createPlacement(w.teacherA.actor, {
        schoolId: w.schoolA.id,
        employerId: w.employer.id,
        supervisorId: w.otherAdmin.id,
        title: "X",
        startDate: "2026-10-05",
        endDate: "2026-10-09",
        hours: 30,
        pupilIds: [w.pupil1.id],
      }),
    ).rejects.toThrow(/supervisor/);
    await expect(
      createPlacement(w.teacherA.actor, {
        schoolId: w.schoolA.id,
        employerId: w.employer.id,
        title: "X",
        startDate: "2026-10-09",
        endDate: "2026-10-05",
        hours: 30,
        pupilIds: [w.pupil1.id],
      }),
    ).rejects.toThrow(PlacementError);
  });
});

describe("prerequisites, start, feedback, reflection and completion", () => {
  it("cannot start until all are in; then feedback, reflection and completion update Gatsby", async () => {
    const { id } = await newPlacement([w.pupil1.id, w.pupil2.id]);
    const before = await pupilGatsby(w.teacherA.actor, w.pupil1.id, TODAY);
    expect(before.benchmark6By16.state).toBe("not-yet-met");
    expect(before.workExperience.hours).toBe(0);

    const missing = (await getPlacement(w.teacherA.actor, id)).missing;
    expect(missing).toHaveLength(5);
    expect(missing[0]).toMatch(/has not confirmed the risk assessment/);
    expect(missing).toContain(`Parental consent has not been recorded for ${w.pupil1.firstName} ${w.pupil1.lastName}.`);
    await expect(startPlacement(w.teacherA.actor, id)).rejects.toThrow(/cannot start yet/);

    // Each side does only its own part.
    await expectNotFound(
      confirmPrerequisites(w.teacherA.actor, id, { riskAssessment: true, insurance: true, healthSafety: true }),
    );
    await expectNotFound(
      recordConsent(
        w.employerAdmin.actor,
        id,
        { pupilId: w.pupil1.id, givenBy: "A Parent", consentDate: "2026-09-20", method: "form" },
        TODAY,
      ),
    );
    await expectNotFound(startPlacement(w.supervisor.actor, id));

    await confirmPrerequisites(w.supervisor.actor, id, { riskAssessment: true, insurance: true, healthSafety: false });
    await confirmPrerequisites(w.employerAdmin.actor, id, {
      riskAssessment: false,
      insurance: false,
      healthSafety: true,
    });
    await recordConsent(
      w.teacherA.actor,
      id,
      { pupilId: w.pupil1.id, givenBy: "A Parent", consentDate: "2026-09-20", method: "form" },
      TODAY,
    );
    await expect(startPlacement(w.teacherA.actor, id)).rejects.toThrow(
      new RegExp(`Parental consent has not been recorded for ${w.pupil2.firstName}`),
    );
    await expect(
      recordConsent(
        w.teacherA.actor,
        id,
        { pupilId: w.pupil2.id, givenBy: "B Parent", consentDate: "2026-12-01", method: "email" },
        TODAY,
      ),
    ).rejects.toThrow(/future/);
    await recordConsent(
      w.teacherA.actor,
      id,
      { pupilId: w.pupil2.id, givenBy: "B Parent", consentDate: "2026-09-21", method: "email" },
      TODAY,
    );
    expect((await getPlacement(w.teacherA.actor, id)).missing).toEqual([]);

    // Feedback and reflections wait for the start.
    await expect(
      givePlacementFeedback(w.supervisor.actor, id, {
        pupilId: w.pupil1.id,
        ratings,
        comment: "",
        wouldHostAgain: true,
      }),
    ).rejects.toThrow(/started/);
    await expect(saveReflection(w.pupil1.actor, id, "Early")).rejects.toThrow(/started/);
    await startPlacement(w.teacherA.actor, id);
    expect((await getPlacement(w.supervisor.actor, id)).status).toBe("STARTED");

    await expectNotFound(
      givePlacementFeedback(w.otherSupervisor.actor, id, {
        pupilId: w.pupil1.id,
        ratings,
        comment: "",
        wouldHostAgain: true,
      }),
    );
    await givePlacementFeedback(w.supervisor.actor, id, {
      pupilId: w.pupil1.id,
      ratings,
      comment: "Keen and careful.",
      wouldHostAgain: true,
    });
    await expect(
      givePlacementFeedback(w.employerAdmin.actor, id, {
        pupilId: w.pupil1.id,
        ratings,
        comment: "",
        wouldHostAgain: false,
      }),
    ).rejects.toThrow(/already/);
    await saveReflection(w.pupil1.actor, id, "I learned how a help desk works.");
    await expectNotFound(saveReflection(w.pupilB.actor, id, "Not mine"));

    await expect(completePlacement(w.teacherA.actor, id, { [w.pupil1.id]: 28 })).rejects.toThrow(/hours/);
    await completePlacement(w.teacherA.actor, id, { [w.pupil1.id]: 28, [w.pupil2.id]: 30 });

    const view = await getPlacement(w.teacherA.actor, id);
    expect(view.status).toBe("COMPLETED");
    const p1 = view.pupils.find((r) => r.pupilId === w.pupil1.id)!;
    expect(p1).toMatchObject({
      hoursAttended: 28,
      wouldHostAgain: true,
      reflection: "I learned how a help desk works.",
    });
    expect(p1.feedback).toMatchObject({ ...ratings, comment: "Keen and careful." });

    const after = await pupilGatsby(w.teacherA.actor, w.pupil1.id, TODAY);
    expect(after.benchmark6By16.state).toBe("met");
    expect(after.workExperience).toMatchObject({ hours: 28, remaining: 22, met: false });
    const mine = await myPlacements(w.pupil1.actor, TODAY);
    expect(mine.gatsby?.workExperience.hours).toBe(28);
    expect(mine.placements).toHaveLength(1);
    expect(mine.placements[0]).toMatchObject({ title: "Taster week", reflection: "I learned how a help desk works." });
    expect(Object.keys(mine.placements[0])).not.toContain("pupils");

    const actions = await testPrisma().auditLog.findMany({
      where: { subjectType: "placement", subjectId: id },
      select: { action: true },
    });
    expect(new Set(actions.map((a) => a.action))).toEqual(
      new Set([
        "placement.create",
        "placement.prerequisites",
        "placement.consent",
        "placement.start",
        "placement.feedback",
        "placement.reflection",
        "placement.complete",
      ]),
    );
  });
});

describe("tenancy", () => {
  it("a school never sees another school's placements; an employer sees only pupils placed with it; a supervisor only their own", async () => {
    const named = await newPlacement([w.pupil1.id], w.supervisor.id);
    const unnamed = await newPlacement([w.pupil2.id], null);
    await expectNotFound(getPlacement(w.teacherB.actor, named.id));
    expect((await listPlacements(w.teacherB.actor)).map((p) => p.id)).not.toContain(named.id);
    await expectNotFound(getPlacement(w.otherAdmin.actor, named.id));
    expect(await listPlacements(w.otherAdmin.actor)).toEqual([]);
    await expectNotFound(getPlacement(w.otherSupervisor.actor, named.id));
    await expectNotFound(getPlacement(w.supervisor.actor, unnamed.id));
    expect((await listPlacements(w.supervisor.actor)).map((p) => p.id)).toContain(named.id);
    expect((await listPlacements(w.supervisor.actor)).map((p) => p.id)).not.toContain(unnamed.id);
    expect((await listPlacements(w.employerAdmin.actor)).map((p) => p.id)).toEqual(
      expect.arrayContaining([named.id, unnamed.id]),
    );
    // The employer's view holds the pupils of its placements only.
    const seen = await getPlacement(w.employerAdmin.actor, named.id);
    expect(seen.pupils.map((r) => r.pupilId)).toEqual([w.pupil1.id]);
    await expectNotFound(pupilGatsby(w.teacherB.actor, w.pupil1.id, TODAY));
    await expectNotFound(pupilGatsby(w.employerAdmin.actor, w.pupil1.id, TODAY));
    await expectNotFound(schoolGatsby(w.teacherA.actor, w.schoolB.id, TODAY));
  });
});

describe("encounters and the school's Gatsby page", () => {
  it("logs an encounter for every pupil of a class and counts it for benchmark 5", async () => {
    const cohort = await testPrisma().cohort.create({
      data: {
        organisationId: w.schoolA.id,
        name: `10X${Date.now()}`,
        yearGroup: 10,
        academicYear: 2026,
        members: { create: [{ userId: w.pupil1.id }, { userId: w.pupil2.id }] },
      },
    });
    await expectNotFound(
      logEncounter(
        w.teacherB.actor,
        { cohortId: cohort.id, kind: "talk", title: "Talk", occurredOn: "2026-11-01" },
        TODAY,
      ),
    );
    const before = await schoolGatsby(w.teacherA.actor, undefined, TODAY);
    expect(before.rows.find((r) => r.yearGroup === 10)?.benchmark5Met).toBe(0);
    const result = await logEncounter(
      w.teacherA.actor,
      {
        cohortId: cohort.id,
        kind: "workshop",
        title: "Cloud workshop",
        occurredOn: "2026-11-01",
        employerId: w.employer.id,
      },
      TODAY,
    );
    expect(result.attendees).toBe(2);
    expect((await pupilGatsby(w.teacherA.actor, w.pupil2.id, TODAY)).benchmark5).toEqual({ met: true, encounters: 1 });
    const after = await schoolGatsby(w.teacherA.actor, undefined, TODAY);
    expect(after.rows).toEqual([expect.objectContaining({ yearGroup: 10, pupils: 2, benchmark5Met: 2 })]);
  });
});

describe("the host pool", () => {
  it("lists employers who would host again, by district and sector, with no pupil data", async () => {
    const pool = await hostPool(w.teacherB.actor, {});
    expect(pool.hosts).toEqual([
      { id: w.employer.id, name: w.employer.name, district: "Stoke-on-Trent", sector: "Software and IT services" },
    ]);
    expect((await hostPool(w.teacherB.actor, { districtCode: "E07000199" })).hosts).toEqual([]);
    expect((await hostPool(w.teacherB.actor, { sector: "Software and IT services" })).hosts).toHaveLength(1);
    await expectNotFound(hostPool(w.employerAdmin.actor, {}));
    await expectNotFound(hostPool(w.pupil1.actor, {}));
  });
});
