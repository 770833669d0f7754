/**
 * "Waiting for the workplace supervisor" is one rule (app/domain/awaiting-confirmation.ts), and
 * every place that shows or acts on it reads it the same way. One apprentice, seven entries:
 *   (a) at work, not yet verified, not confirmed: waiting;
 *   (b) at work, verified by the tutor, not confirmed: waiting;
 *   (c) at work, confirmed: not waiting;
 *   (d) at work, rejected: not waiting;
 *   (e) at work, superseded by its correction (f), which is waiting;
 *   (g) done away from work: never waits for the supervisor.
 * The supervisor's queue and its count, the employer's inbox and its count, the inbox digest
 * email and the apprenticeship page's "awaiting confirmation" all say 3, and confirming acts on
 * exactly those three.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { inboxCount, inboxItems } from "../../app/models/inbox.server.ts";
import { apprenticeshipOtj } from "../../app/models/otj-status.server.ts";
import { dueFor } from "../../app/models/reminders.server.ts";
import { pendingCount, verificationQueue, verifyEntries } from "../../app/models/verification.server.ts";
import { testPrisma } from "../setup/db.ts";
import { actorFor, createApprenticeship, type ApprenticeshipFixture } from "../support/progress-fixtures.ts";

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);
const LOGGED = new Date("2025-11-20T10:00:00Z");
const WAITING = 3;

let f: ApprenticeshipFixture;
let waitingIds: string[];

beforeAll(async () => {
  f = await createApprenticeship({ startDate: "2025-09-01", plannedEndDate: "2027-02-28" });
  const db = testPrisma();
  const otj = async (data: {
    occurredOn: string;
    atWork: boolean;
    status?: "PENDING" | "VERIFIED" | "REJECTED";
    confirmed?: boolean;
    supersededAt?: Date;
    version?: number;
    supersedesId?: string;
  }) => {
    const { occurredOn, confirmed, ...rest } = data;
    const row = await db.progressEntry.create({
      data: {
        learnerId: f.apprentice.id,
        apprenticeshipId: f.apprenticeshipId,
        createdById: f.apprentice.id,
        kind: "OTJ_ACTIVITY",
        activityType: "training",
        description: "Network course",
        minutes: 60,
        occurredOn: d(occurredOn),
        createdAt: LOGGED,
        ...rest,
        ...(rest.status && rest.status !== "PENDING" ? { verifiedById: f.tutor.id, verifiedAt: LOGGED } : {}),
        ...(confirmed ? { supervisorConfirmedById: f.supervisor.id, supervisorConfirmedAt: LOGGED } : {}),
      },
      select: { id: true },
    });
    return row.id;
  };
  const a = await otj({ occurredOn: "2025-11-03", atWork: true });
  const b = await otj({ occurredOn: "2025-11-04", atWork: true, status: "VERIFIED" });
  await otj({ occurredOn: "2025-11-05", atWork: true, status: "VERIFIED", confirmed: true });
  await otj({ occurredOn: "2025-11-06", atWork: true, status: "REJECTED" });
  const e = await otj({ occurredOn: "2025-11-07", atWork: true, supersededAt: LOGGED });
  const corrected = await otj({ occurredOn: "2025-11-07", atWork: true, version: 2, supersedesId: e });
  await otj({ occurredOn: "2025-11-10", atWork: false });
  waitingIds = [a, b, corrected];
});

describe("every reader of 'waiting for the supervisor' agrees", () => {
  it("the supervisor's queue lists exactly the waiting entries, and its count agrees", async () => {
    const supervisor = await actorFor(f.supervisor.id);
    const queue = (await verificationQueue(supervisor)).find((q) => q.role === "supervisor")!;
    expect(queue.total).toBe(WAITING);
    expect(queue.groups.flatMap((g) => g.entries.map((x) => x.id)).sort()).toEqual([...waitingIds].sort());
    expect(await pendingCount(supervisor)).toBe(WAITING);
  });

  it("the employer's inbox and its count agree", async () => {
    const admin = await actorFor(f.employerAdmin.id);
    expect((await inboxCount(admin))!.otj).toBe(WAITING);
    const items = (await inboxItems(admin, "2025-12-01")).filter((i) => i.kind === "otj");
    expect(items.map((i) => (i.kind === "otj" ? i.entryId : "")).sort()).toEqual([...waitingIds].sort());
  });

  it("the inbox digest email counts the same", async () => {
    const due = await dueFor("inbox-digest", new Date("2025-12-01T09:00:00Z"), "2025-12-01", {
      userIds: [f.supervisor.id],
    });
    expect(due.get(f.supervisor.id)?.otj).toBe(WAITING);
  });

  it("the apprenticeship page shows the same number awaiting confirmation", async () => {
    const page = await apprenticeshipOtj(await actorFor(f.tutor.id), f.apprenticeshipId, "2025-12-01");
    expect(page.awaitingConfirmation).toBe(WAITING);
  });

  it("confirming everything on the page acts on exactly the waiting entries, and then nothing waits", async () => {
    const supervisor = await actorFor(f.supervisor.id);
    const all = await testPrisma().progressEntry.findMany({
      where: { apprenticeshipId: f.apprenticeshipId, atWork: true },
      select: { id: true },
    });
    const result = await verifyEntries(
      supervisor,
      all.map((x) => x.id),
      "approve",
      "",
      { as: "supervisor" },
    );
    expect(result).toEqual({ updated: WAITING, skipped: all.length - WAITING });
    expect(await pendingCount(supervisor)).toBe(0);
    expect((await inboxCount(supervisor))!.otj).toBe(0);
  });
});
