/**
 * The employer's inbox: what is waiting on an employer admin or a workplace supervisor,
 * oldest first, the one-statement counts, scoping (a supervisor sees only their own apprentices
 * and placements), and items leaving the inbox once acted on.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { navigationFor } from "../../app/auth/navigation.ts";
import { confirmGateway } from "../../app/models/gateway.server.ts";
import { INBOX_PAGE_SIZE, inboxCount, inboxItems } from "../../app/models/inbox.server.ts";
import { confirmPrerequisites, createPlacement, givePlacementFeedback } from "../../app/models/placements.server.ts";
import { verifyEntries } from "../../app/models/verification.server.ts";
import {
  listApprenticeshipReviews,
  openReview,
  saveReviewContent,
  signReview,
} from "../../app/models/reviews.server.ts";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation } from "../support/factories.ts";
import {
  apprenticeship,
  apprenticeshipWorld,
  expectNotFound,
  otjEntry,
  person,
} from "./support/apprenticeship-world.ts";

let w: Awaited<ReturnType<typeof apprenticeshipWorld>>;
let ids: {
  a1: string;
  a2: string;
  otj1: string;
  otj2: string;
  review: string;
  planned: string;
  started: string;
  pupilId: string;
};

beforeAll(async () => {
  w = await apprenticeshipWorld();
  const apprentice2 = await person([{ org: w.employer, role: "APPRENTICE" }]);
  const a1 = await apprenticeship({
    apprenticeId: w.apprentice.id,
    employerId: w.employer.id,
    providerId: w.provider.id,
    tutorId: w.tutor.id,
    supervisorId: w.supervisor.id,
    standardId: w.std.id,
    startDate: "2026-01-05",
    plannedEndDate: "2027-06-30",
  });
  const a2 = await apprenticeship({
    apprenticeId: apprentice2.id,
    employerId: w.employer.id,
    providerId: w.provider.id,
    tutorId: w.tutor.id,
    supervisorId: w.otherSupervisor.id,
    standardId: w.std.id,
    startDate: "2026-01-05",
    plannedEndDate: "2027-06-30",
  });
  const otj1 = await otjEntry({
    learnerId: w.apprentice.id,
    apprenticeshipId: a1.id,
    occurredOn: "2026-03-01",
    minutes: 90,
    status: "PENDING",
    atWork: true,
  });
  const otj2 = await otjEntry({
    learnerId: apprentice2.id,
    apprenticeshipId: a2.id,
    occurredOn: "2026-03-02",
    minutes: 60,
    status: "VERIFIED",
    atWork: true,
  });
  await otjEntry({
    learnerId: w.apprentice.id,
    apprenticeshipId: a1.id,
    occurredOn: "2026-03-03",
    minutes: 60,
    status: "PENDING",
    atWork: false,
  }); // not at work: the tutor's only

  const { reviews } = await listApprenticeshipReviews(w.tutor.actor, a1.id, "2026-04-01");
  await openReview(w.tutor.actor, reviews[0].id, "2026-04-01", "2026-04-01");
  await saveReviewContent(w.tutor.actor, reviews[0].id, {
    progress: "On track.",
    support: "",
    ksbRatings: {},
    actions: [],
  });
  await signReview(w.tutor.actor, reviews[0].id, "tutor");
  await confirmGateway(w.tutor.actor, a1.id, "tutor", { englishMathsMet: false }, "2026-06-01");

  const school = await createOrganisation({ kind: "SCHOOL" });
  const teacher = await person([{ org: school, role: "TEACHER" }]);
  const pupil = await person([{ org: school, role: "PUPIL" }], { yearGroup: 10 });
  const planned = await createPlacement(teacher.actor, {
    schoolId: school.id,
    employerId: w.employer.id,
    supervisorId: w.supervisor.id,
    title: "Planned week",
    startDate: "2027-06-07",
    endDate: "2027-06-11",
    hours: 30,
    pupilIds: [pupil.id],
  });
  const started = await createPlacement(teacher.actor, {
    schoolId: school.id,
    employerId: w.employer.id,
    supervisorId: w.supervisor.id,
    title: "Started week",
    startDate: "2026-11-02",
    endDate: "2026-11-06",
    hours: 30,
    pupilIds: [pupil.id],
  });
  await testPrisma().placement.update({ where: { id: started.id }, data: { status: "STARTED" } });
  ids = {
    a1: a1.id,
    a2: a2.id,
    otj1: otj1.id,
    otj2: otj2.id,
    review: reviews[0].id,
    planned: planned.id,
    started: started.id,
    pupilId: pupil.id,
  };
});

describe("the employer's inbox", () => {
  it("lists everything waiting on an employer admin, oldest first, with matching counts", async () => {
    const items = await inboxItems(w.employerAdmin.actor, "2026-06-02");
    expect(items.map((i) => i.kind).sort()).toEqual(["feedback", "gateway", "otj", "otj", "placement", "review"]);
    expect(items.map((i) => i.since)).toEqual([...items.map((i) => i.since)].sort());
    const review = items.find((i) => i.kind === "review");
    expect(review).toMatchObject({ reviewId: ids.review, daysUnsigned: 62, waitingFor: ["employer", "apprentice"] });
    expect(await inboxCount(w.employerAdmin.actor)).toEqual({
      otj: 2,
      reviews: 1,
      placements: 1,
      feedback: 1,
      gateway: 1,
      total: 6,
    });
    expect(navigationFor(w.employerAdmin.actor, { inbox: 6 })).toContainEqual({
      to: "/employer/inbox",
      label: "Inbox (6)",
    });
  });

  it("shows a supervisor only their own apprentices and placements", async () => {
    const mine = await inboxItems(w.supervisor.actor);
    expect(mine.filter((i) => i.kind === "otj").map((i) => (i as { entryId: string }).entryId)).toEqual([ids.otj1]);
    expect(mine.map((i) => i.kind).sort()).toEqual(["feedback", "gateway", "otj", "placement", "review"]);
    const theirs = await inboxItems(w.otherSupervisor.actor);
    expect(theirs.map((i) => i.kind)).toEqual(["otj"]);
    expect(await inboxCount(w.otherSupervisor.actor)).toMatchObject({
      otj: 1,
      reviews: 0,
      placements: 0,
      feedback: 0,
      gateway: 0,
      total: 1,
    });
    expect(await inboxCount(w.outsider.actor)).toMatchObject({ total: 0 });
    expect(await inboxItems(w.outsider.actor)).toEqual([]);
    expect(await inboxCount(w.tutor.actor)).toBeNull();
    await expectNotFound(inboxItems(w.tutor.actor));
    await expectNotFound(inboxItems(w.apprentice.actor));
  });

  it("items leave the inbox once acted on", async () => {
    await verifyEntries(w.supervisor.actor, [ids.otj1], "approve", "", { as: "supervisor" });
    await signReview(w.supervisor.actor, ids.review, "employer");
    await confirmPrerequisites(w.employerAdmin.actor, ids.planned, {
      riskAssessment: true,
      insurance: true,
      healthSafety: true,
    });
    await givePlacementFeedback(w.supervisor.actor, ids.started, {
      pupilId: ids.pupilId,
      ratings: { attendance: 4, punctuality: 4, teamwork: 4, communication: 4, digitalSkills: 4 },
      comment: "",
      wouldHostAgain: true,
    });
    await confirmGateway(w.employerAdmin.actor, ids.a1, "employer", { englishMathsMet: false }, "2026-06-01");
    expect(await inboxCount(w.supervisor.actor)).toEqual({
      otj: 0,
      reviews: 0,
      placements: 0,
      feedback: 0,
      gateway: 0,
      total: 0,
    });
    expect((await inboxItems(w.employerAdmin.actor)).map((i) => i.kind)).toEqual(["otj"]);
  });
});

describe("a long inbox", () => {
  it("shows the oldest 50, counts them all, and brings the next in as items are dealt with", async () => {
    const world = await apprenticeshipWorld();
    const a = await apprenticeship({
      apprenticeId: world.apprentice.id,
      employerId: world.employer.id,
      providerId: world.provider.id,
      tutorId: world.tutor.id,
      supervisorId: world.supervisor.id,
      standardId: world.std.id,
      startDate: "2026-01-05",
      plannedEndDate: "2027-06-30",
    });
    const entryIds: string[] = [];
    for (let i = 0; i < INBOX_PAGE_SIZE + 3; i++) {
      const entry = await otjEntry({
        learnerId: world.apprentice.id,
        apprenticeshipId: a.id,
        occurredOn: "2026-03-01",
        minutes: 30 + i,
        status: "PENDING",
        atWork: true,
      });
      await testPrisma().progressEntry.update({
        where: { id: entry.id },
        data: { createdAt: new Date(Date.UTC(2026, 2, 1, 9, 0, i)) },
      });
      entryIds.push(entry.id);
    }

    const items = await inboxItems(world.supervisor.actor);
    expect(items.map((i) => (i as { entryId: string }).entryId)).toEqual(entryIds.slice(0, INBOX_PAGE_SIZE));
    expect((await inboxCount(world.supervisor.actor))?.otj).toBe(INBOX_PAGE_SIZE + 3);

    await verifyEntries(world.supervisor.actor, entryIds.slice(0, 5), "approve", "", { as: "supervisor" });
    expect((await inboxItems(world.supervisor.actor)).map((i) => (i as { entryId: string }).entryId)).toEqual(
      entryIds.slice(5),
    );
  });
});
