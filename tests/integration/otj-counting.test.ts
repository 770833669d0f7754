/**
 * What counts toward off-the-job hours is one rule (app/domain/counting.ts), and the apprentice's
 * page and the council's outcome report read it the same way. One apprentice, four OTJ entries:
 *   (a) done at work, verified by the tutor, not confirmed by the supervisor: counts nowhere yet;
 *   (b) a verified entry later corrected: the old version counts nowhere, its correction does;
 *   (c) a verified off-site activity: counts everywhere.
 * The page's figure (otjStatuses / apprenticeshipOtj, what the apprenticeship page loads) and the
 * report's OTJ measure (the raw partnership measure the council's report is built from, and the
 * employer's own unrounded report) must agree: 90 + 180 minutes = 4.5 hours.
 *
 * The plan-signed rule (app/domain/training-plan.ts) is read the same way too: the apprenticeship
 * page's count of learning logged before the plan was signed (a Prisma where) and the
 * apprentice's own page's (SQL over the whole list) agree.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parsePeriod } from "../../app/domain/report-period.ts";
import { countLearningBeforePlanSigned } from "../../app/models/apprenticeships.server.ts";
import { apprenticeshipOtj, otjStatuses } from "../../app/models/otj-status.server.ts";
import { computeMeasures } from "../../app/models/report-measures.server.ts";
import { organisationReport } from "../../app/models/reports.server.ts";
import { testPrisma } from "../setup/db.ts";
import { actorFor, createApprenticeship, type ApprenticeshipFixture } from "../support/progress-fixtures.ts";

const YEAR = parsePeriod("academic-year", "2025/26")!;
const d = (iso: string) => new Date(`${iso}T00:00:00Z`);
const COUNTED_MINUTES = 90 + 180;

let f: ApprenticeshipFixture;

beforeAll(async () => {
  f = await createApprenticeship({ startDate: "2025-09-01", plannedEndDate: "2027-02-28" });
  const db = testPrisma();
  // Every entry is verified by the tutor.
  const otj = (data: {
    occurredOn: Date;
    minutes: number;
    atWork?: boolean;
    supersededAt?: Date;
    version?: number;
    supersedesId?: string;
    correctionReason?: string;
  }) =>
    db.progressEntry.create({
      data: {
        learnerId: f.apprentice.id,
        apprenticeshipId: f.apprenticeshipId,
        createdById: f.apprentice.id,
        kind: "OTJ_ACTIVITY",
        activityType: "training",
        description: "Network course",
        status: "VERIFIED",
        verifiedById: f.tutor.id,
        verifiedAt: new Date("2025-11-20T10:00:00Z"),
        ...data,
      },
      select: { id: true },
    });
  // (a) at work, verified, waiting for the supervisor.
  await otj({ occurredOn: d("2025-11-10"), minutes: 120, atWork: true });
  // (b) verified, then corrected: version 1 superseded by version 2.
  const old = await otj({ occurredOn: d("2025-11-12"), minutes: 240, supersededAt: new Date("2025-11-21T09:00:00Z") });
  await otj({
    occurredOn: d("2025-11-12"),
    minutes: 90,
    version: 2,
    supersedesId: old.id,
    correctionReason: "Was 1.5 hours, not 4",
  });
  // (c) off-site, verified.
  await otj({ occurredOn: d("2025-12-01"), minutes: 180 });
});

describe("the apprenticeship page and the council report count the same OTJ", () => {
  it("the page counts only the corrected version and the off-site activity", async () => {
    const page = await apprenticeshipOtj(await actorFor(f.tutor.id), f.apprenticeshipId, YEAR.to);
    expect(page.status.actual).toBe(COUNTED_MINUTES / 60);
    expect(page.awaitingConfirmation).toBe(1);
  });

  it("the council report's OTJ measure agrees: no unconfirmed at-work activity, no superseded version", async () => {
    const raw = await computeMeasures(YEAR, { kind: "all" }, "2026-09-01");
    const total = raw.apprenticeships.find((r) => r.dimension === "total" && r.key === "all")!;
    expect(total.values.otj_actual_minutes).toBe(COUNTED_MINUTES);
  });

  it("the employer's own report shows the same hours as the page", async () => {
    const report = await organisationReport(await actorFor(f.employerAdmin.id), f.employer.id, YEAR);
    const page = await apprenticeshipOtj(await actorFor(f.employerAdmin.id), f.apprenticeshipId, YEAR.to);
    expect(report.headline.find((h) => h.key === "otj_actual_hours")!.value).toBe(page.status.actual);
  });

  it("once the supervisor confirms (a), both count it", async () => {
    await testPrisma().progressEntry.updateMany({
      where: { apprenticeshipId: f.apprenticeshipId, atWork: true },
      data: { supervisorConfirmedById: f.supervisor.id, supervisorConfirmedAt: new Date("2025-11-22T09:00:00Z") },
    });
    const page = await apprenticeshipOtj(await actorFor(f.tutor.id), f.apprenticeshipId, YEAR.to);
    const raw = await computeMeasures(YEAR, { kind: "all" }, "2026-09-01");
    const total = raw.apprenticeships.find((r) => r.dimension === "total" && r.key === "all")!;
    expect(page.status.actual).toBe((COUNTED_MINUTES + 120) / 60);
    expect(total.values.otj_actual_minutes).toBe(COUNTED_MINUTES + 120);
  });
});

describe("the apprenticeship page and the apprentice's page flag the same learning as logged before the plan was signed", () => {
  it("unsigned: every current entry; signed on 15 Nov: the two dated before that day, not the superseded version", async () => {
    const db = testPrisma();
    const mine = async () =>
      (await otjStatuses(await actorFor(f.apprentice.id), { apprenticeshipIds: [f.apprenticeshipId] }, YEAR.to))[0]
        .loggedBeforePlanSigned;
    await db.trainingPlan.create({
      data: {
        apprenticeshipId: f.apprenticeshipId,
        content: {},
        apprenticeSignedAt: new Date("2025-11-14T09:00:00Z"),
        tutorSignedAt: new Date("2025-11-14T10:00:00Z"),
      },
    });
    expect(await countLearningBeforePlanSigned(f.apprenticeshipId)).toBe(3);
    expect(await mine()).toBe(3);
    await db.trainingPlan.update({
      where: { apprenticeshipId: f.apprenticeshipId },
      data: { employerSignedAt: new Date("2025-11-15T12:00:00Z") },
    });
    expect(await countLearningBeforePlanSigned(f.apprenticeshipId)).toBe(2);
    expect(await mine()).toBe(2);
  });
});
