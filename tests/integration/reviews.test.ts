/**
 * Progress reviews: the schedule materialised and moved (held early, breaks), the
 * sign-off order, locking, addenda, who may sign (404 for everyone else), the OTJ figures copied
 * from the ledger, the lists, and the EPA gateway checklist.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { confirmGateway, getGateway } from "../../app/models/gateway.server.ts";
import {
  addReviewAddendum,
  ensureReviewSchedule,
  getReview,
  listApprenticeshipReviews,
  listReviewsForActor,
  openReview,
  ReviewError,
  saveReviewContent,
  signReview,
} from "../../app/models/reviews.server.ts";
import { testPrisma } from "../setup/db.ts";
import { apprenticeship, apprenticeshipWorld, day, expectNotFound, otjEntry } from "./support/apprenticeship-world.ts";

let w: Awaited<ReturnType<typeof apprenticeshipWorld>>;
beforeAll(async () => {
  w = await apprenticeshipWorld();
});

async function newApprenticeship(
  startDate = "2026-01-05",
  plannedEndDate = "2027-06-30",
  extra: { englishMathsRequired?: boolean } = {},
) {
  return apprenticeship({
    apprenticeId: w.apprentice.id,
    employerId: w.employer.id,
    providerId: w.provider.id,
    tutorId: w.tutor.id,
    supervisorId: w.supervisor.id,
    standardId: w.std.id,
    startDate,
    plannedEndDate,
    ...extra,
  });
}

async function rows(apprenticeshipId: string) {
  const list = await testPrisma().review.findMany({ where: { apprenticeshipId }, orderBy: { sequence: "asc" } });
  return list.map((r) => ({
    id: r.id,
    sequence: r.sequence,
    dueOn: r.dueOn.toISOString().slice(0, 10),
    status: r.status,
  }));
}

const content = {
  progress: "Good progress on K1.",
  support: "None needed.",
  ksbRatings: { K1: "DEVELOPING" as const, S1: "NOT_STARTED" as const, B1: "COMPETENT" as const },
  actions: [{ text: "Finish module", owner: "apprentice" as const, dueOn: "2026-04-30" }],
};

describe("the review schedule", () => {
  it("is materialised for the whole apprenticeship, once, from the due rule", async () => {
    const a = await newApprenticeship();
    await ensureReviewSchedule(a.id);
    await ensureReviewSchedule(a.id);
    const first = await rows(a.id);
    expect(first.map((r) => r.dueOn)).toEqual(["2026-04-30", "2026-07-31", "2026-10-31", "2027-01-31", "2027-04-30"]);
    expect(first.every((r) => r.status === "SCHEDULED")).toBe(true);
    // Two first visits at once do not duplicate it.
    await Promise.all([ensureReviewSchedule(a.id), ensureReviewSchedule(a.id)]);
    expect(await rows(a.id)).toEqual(first);
  });

  it("moves the later reviews when one is held early, keeping their ids", async () => {
    const a = await newApprenticeship();
    const before = (await listApprenticeshipReviews(w.tutor.actor, a.id, "2026-03-02")).reviews;
    await openReview(w.tutor.actor, before[0].id, "2026-03-02", "2026-03-02");
    const after = await rows(a.id);
    expect(after[0]).toMatchObject({ id: before[0].id, status: "OPEN", dueOn: "2026-04-30" });
    expect(after.slice(1).map((r) => r.dueOn)).toEqual([
      "2026-06-30",
      "2026-09-30",
      "2026-12-31",
      "2027-03-31",
      "2027-06-30",
    ]);
    expect(after[1].id).toBe(before[1].id);
  });

  it("moves due dates by the days of a break in learning, and stops at an open break", async () => {
    const a = await newApprenticeship();
    await ensureReviewSchedule(a.id);
    await testPrisma().learningBreak.create({
      data: { apprenticeshipId: a.id, startDate: day("2026-05-01"), endDate: day("2026-05-31") },
    });
    await ensureReviewSchedule(a.id);
    const moved = await rows(a.id);
    // Review 1 (due 30 Apr) is untouched; review 2 is anchored on 30 Apr, so the 31 break days push 31 Jul to 31 Aug.
    expect(moved.slice(0, 2).map((r) => r.dueOn)).toEqual(["2026-04-30", "2026-08-31"]);
    await testPrisma().learningBreak.create({
      data: { apprenticeshipId: a.id, startDate: day("2026-10-01"), endDate: null },
    });
    await ensureReviewSchedule(a.id);
    expect((await rows(a.id)).map((r) => r.dueOn)).toEqual(["2026-04-30", "2026-08-31"]);
  });
});

describe("opening, signing and locking a review", () => {
  it("fills OTJ to date from the verified ledger as at the date held", async () => {
    const a = await newApprenticeship();
    await otjEntry({ learnerId: w.apprentice.id, apprenticeshipId: a.id, occurredOn: "2026-02-10", minutes: 600 });
    await otjEntry({
      learnerId: w.apprentice.id,
      apprenticeshipId: a.id,
      occurredOn: "2026-02-11",
      minutes: 120,
      status: "PENDING",
    });
    await otjEntry({
      learnerId: w.apprentice.id,
      apprenticeshipId: a.id,
      occurredOn: "2026-02-12",
      minutes: 60,
      atWork: true,
    }); // not confirmed by the supervisor
    await otjEntry({ learnerId: w.apprentice.id, apprenticeshipId: a.id, occurredOn: "2026-03-20", minutes: 300 }); // after the review
    const { reviews } = await listApprenticeshipReviews(w.tutor.actor, a.id, "2026-03-02");
    await openReview(w.tutor.actor, reviews[0].id, "2026-03-02", "2026-03-02");
    const review = await getReview(w.tutor.actor, reviews[0].id, "2026-03-02");
    expect(review.otjHoursAtReview).toBe(10);
    expect(review.content.otj).toMatchObject({ asOf: "2026-03-02", actual: 10, plannedTotal: 278 });
  });

  it("only the tutor opens; the tutor signs first; the third signature locks; then only addenda", async () => {
    const a = await newApprenticeship();
    const { reviews } = await listApprenticeshipReviews(w.tutor.actor, a.id, "2026-04-20");
    const id = reviews[0].id;
    await expectNotFound(openReview(w.employerAdmin.actor, id, "2026-04-20", "2026-04-20"));
    await expect(openReview(w.tutor.actor, reviews[1].id, "2026-04-20", "2026-04-20")).rejects.toThrow(ReviewError); // not the next one
    await expect(openReview(w.tutor.actor, id, "2026-05-20", "2026-04-20")).rejects.toThrow(/future/);
    await openReview(w.tutor.actor, id, "2026-04-20", "2026-04-20");

    await expect(signReview(w.apprentice.actor, id, "apprentice")).rejects.toThrow(/tutor has not finished/);
    await expect(signReview(w.employerAdmin.actor, id, "employer")).rejects.toThrow(/tutor has not finished/);
    await expect(signReview(w.tutor.actor, id, "tutor")).rejects.toThrow(/Record progress/);
    await expect(addReviewAddendum(w.apprentice.actor, id, "Too early")).rejects.toThrow(ReviewError);

    await saveReviewContent(w.tutor.actor, id, content);
    await signReview(w.tutor.actor, id, "tutor", "Signed by tutor");
    await expect(saveReviewContent(w.tutor.actor, id, { ...content, progress: "Changed" })).rejects.toThrow(/addendum/);
    expect((await getReview(w.supervisor.actor, id)).waitingFor).toEqual(["employer", "apprentice"]);

    const apprentice = await signReview(w.apprentice.actor, id, "apprentice", "Thanks");
    expect(apprentice.locked).toBe(false);
    await expect(signReview(w.apprentice.actor, id, "apprentice")).rejects.toThrow(/already signed/);
    const employer = await signReview(w.supervisor.actor, id, "employer");
    expect(employer.locked).toBe(true);

    const row = await testPrisma().review.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("SIGNED");
    expect(row.lockedAt).not.toBeNull();
    expect(row.employerSignedById).toBe(w.supervisor.id);
    expect(row.tutorSignedAt).not.toBeNull();
    expect((row.content as { comments: Record<string, string> }).comments).toEqual({
      tutor: "Signed by tutor",
      apprentice: "Thanks",
    });
    await expect(saveReviewContent(w.tutor.actor, id, content)).rejects.toThrow(ReviewError);
    await expect(signReview(w.employerAdmin.actor, id, "employer")).rejects.toThrow(/locked/);

    await addReviewAddendum(w.employerAdmin.actor, id, "The action date is 31 May, not 30 April.");
    const view = await getReview(w.apprentice.actor, id);
    expect(view.addenda).toHaveLength(1);
    expect(view.content.progress).toBe(content.progress);
    expect(view.statusLabel).toMatch(/locked/i);

    const audit = await testPrisma().auditLog.findMany({
      where: { subjectType: "review", subjectId: id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((x) => x.action)).toEqual([
      "review.open",
      "review.update",
      "review.sign",
      "review.sign",
      "review.sign",
      "review.lock",
      "review.addendum",
    ]);
  });

  it("404 for anyone who is not a party: other supervisors, other tutors, other employers", async () => {
    const a = await newApprenticeship();
    const { reviews } = await listApprenticeshipReviews(w.tutor.actor, a.id, "2026-04-20");
    const id = reviews[0].id;
    await openReview(w.tutor.actor, id, "2026-04-20", "2026-04-20");
    await saveReviewContent(w.tutor.actor, id, content);
    await signReview(w.tutor.actor, id, "tutor");
    for (const stranger of [w.otherSupervisor, w.otherTutor, w.outsider]) {
      await expectNotFound(getReview(stranger.actor, id));
      await expectNotFound(signReview(stranger.actor, id, "employer"));
      await expectNotFound(listApprenticeshipReviews(stranger.actor, a.id));
      expect((await listReviewsForActor(stranger.actor)).awaitingSignatures.map((r) => r.id)).not.toContain(id);
    }
    // A party can sign only for themselves.
    await expectNotFound(signReview(w.apprentice.actor, id, "employer"));
    await expectNotFound(signReview(w.employerAdmin.actor, id, "apprentice"));
    await expectNotFound(signReview(w.employerAdmin.actor, id, "tutor"));
    await expectNotFound(getReview(w.tutor.actor, "not-a-uuid"));
  });

  it("lists show days unsigned and who still has to sign", async () => {
    const a = await newApprenticeship("2026-01-05");
    const { reviews } = await listApprenticeshipReviews(w.tutor.actor, a.id, "2026-04-20");
    await openReview(w.tutor.actor, reviews[0].id, "2026-04-20", "2026-04-20");
    const list = await listReviewsForActor(w.tutor.actor, "2026-05-05");
    const row = list.awaitingSignatures.find((r) => r.id === reviews[0].id)!;
    expect(row.daysUnsigned).toBe(15);
    expect(row.waitingLabel).toBe("Waiting for the tutor, the employer and the apprentice");
    const next = list.due.find((r) => r.apprenticeshipId === a.id)!;
    expect(next.sequence).toBe(2);
    const mine = await listReviewsForActor(w.apprentice.actor, "2026-05-05");
    expect(mine.awaitingSignatures.map((r) => r.id)).toContain(reviews[0].id);
  });
});

describe("the EPA gateway checklist", () => {
  it("records the gateway date only when competence is confirmed by both and the computed items are met", async () => {
    const a = await newApprenticeship("2025-09-01", "2026-11-30", { englishMathsRequired: true });
    await expectNotFound(confirmGateway(w.otherSupervisor.actor, a.id, "employer", { englishMathsMet: true }));
    await expectNotFound(confirmGateway(w.employerAdmin.actor, a.id, "tutor", { englishMathsMet: true }));

    // Not enough OTJ yet and before the 12-month minimum.
    let g = await getGateway(w.tutor.actor, a.id, "2026-06-01");
    expect(g.minimumDuration.met).toBe(false);
    expect(g.otjMet).toBe(false);
    expect(g.missing).toContain("English and maths have not been confirmed as met.");
    await confirmGateway(w.tutor.actor, a.id, "tutor", { englishMathsMet: false }, "2026-06-01");

    await otjEntry({ learnerId: w.apprentice.id, apprenticeshipId: a.id, occurredOn: "2026-08-01", minutes: 278 * 60 });
    g = await getGateway(w.employerAdmin.actor, a.id, "2026-09-02");
    expect(g.minimumDuration.met).toBe(true);
    expect(g.otjMet).toBe(true);
    expect(g.missing).toEqual([
      "The employer has not confirmed occupational competence.",
      "English and maths have not been confirmed as met.",
    ]);
    const result = await confirmGateway(
      w.employerAdmin.actor,
      a.id,
      "employer",
      { englishMathsMet: true },
      "2026-09-02",
    );
    expect(result.complete).toBe(true);
    const row = await testPrisma().apprenticeship.findUniqueOrThrow({
      where: { id: a.id },
      include: { gateway: true },
    });
    expect(row.status).toBe("GATEWAY");
    expect(row.gatewayDate?.toISOString().slice(0, 10)).toBe("2026-09-02");
    expect(row.gateway).toMatchObject({ englishMathsMet: true, minimumDurationMet: true, otjMet: true });
    expect(await testPrisma().auditLog.count({ where: { subjectId: a.id, action: { startsWith: "gateway." } } })).toBe(
      3,
    );
  });

  it("leaves the gateway open when the minimum duration is not met, even with both confirmations", async () => {
    const a = await newApprenticeship("2026-01-05", "2027-06-30");
    await otjEntry({ learnerId: w.apprentice.id, apprenticeshipId: a.id, occurredOn: "2026-03-01", minutes: 300 * 60 });
    await confirmGateway(w.tutor.actor, a.id, "tutor", { englishMathsMet: false }, "2026-06-01");
    const result = await confirmGateway(w.supervisor.actor, a.id, "employer", { englishMathsMet: false }, "2026-06-01");
    expect(result.complete).toBe(false);
    const g = await getGateway(w.tutor.actor, a.id, "2026-06-01");
    expect(g.gatewayDate).toBeNull();
    expect(g.missing).toEqual(["The minimum duration has not been reached yet."]);
  });
});
