/**
 * The progress ledger through real Postgres: logging each kind (and the messages a learner sees
 * when a field is wrong), idempotent resends, verifying, rejecting, bulk approval, corrections
 * as new versions, only verified entries counting, tenancy on every action, and the OTJ audit
 * report for an auditor.
 */
import { describe, expect, it } from "vitest";
import { correctEntry } from "../../app/models/progress-corrections.server.ts";
import { entryHistory, getEntry, ProgressError } from "../../app/models/progress-entry.server.ts";
import { learnerDashboard } from "../../app/models/learner-dashboard.server.ts";
import { logEntry } from "../../app/models/progress-ledger.server.ts";
import { otjAuditReport } from "../../app/models/otj-audit-report.server.ts";
import { otjStatuses } from "../../app/models/otj-status.server.ts";
import {
  pendingEntriesForCohort,
  QUEUE_PAGE_SIZE,
  verificationQueue,
  verifyEntries,
} from "../../app/models/verification.server.ts";
import { addDays, todayInEngland } from "../../app/domain/dates.ts";
import { ENGLISH_MATHS_REFUSAL } from "../../app/domain/progress-log.ts";
import { loadClassGrid } from "../../app/models/classes.server.ts";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser } from "../support/factories.ts";
import { actorFor, createApprenticeship, createSchoolClass } from "../support/progress-fixtures.ts";

const TODAY = "2026-11-20";

async function expectFieldError(promise: Promise<unknown>, field: string, message?: string | RegExp) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected a ProgressError on ${field}`).toBeInstanceOf(ProgressError);
  const fields = (error as ProgressError).fields;
  expect(Object.keys(fields)).toContain(field);
  if (message) expect(fields[field]).toMatch(message);
}

async function expect404(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Response);
  expect((error as Response).status).toBe(404);
}

function otjInput(overrides: Record<string, unknown> = {}) {
  return {
    kind: "OTJ_ACTIVITY",
    occurredOn: "2026-11-18",
    minutes: "90",
    activityType: "workshop",
    description: "Configured Intune device policies",
    ksbCodes: ["K1", "S1"],
    atWork: "yes",
    ...overrides,
  };
}

describe("logging", () => {
  it("logs a module completion with the module's imported duration, pending until verified", async () => {
    const { pupils, pathway } = await createSchoolClass({ pupils: 1 });
    const pupil = await actorFor(pupils[0].id);
    const { entry, duplicate } = await logEntry(
      pupil,
      { kind: "MODULE_COMPLETED", moduleId: pathway.modules[0].moduleId, occurredOn: "2026-11-19" },
      { today: TODAY },
    );
    expect(duplicate).toBe(false);
    expect(entry).toMatchObject({
      kind: "MODULE_COMPLETED",
      status: "PENDING",
      minutes: pathway.modules[0].module.durationMinutes,
      version: 1,
    });
    // Logging the same module again is refused while the first is pending.
    await expectFieldError(
      logEntry(
        pupil,
        { kind: "MODULE_COMPLETED", moduleId: pathway.modules[0].moduleId, occurredOn: "2026-11-19" },
        { today: TODAY },
      ),
      "moduleId",
      /already logged/,
    );
  });

  it("refuses a module outside the learner's pathways", async () => {
    const a = await createSchoolClass({ pupils: 1 });
    const b = await createSchoolClass({ pupils: 1 });
    const pupil = await actorFor(a.pupils[0].id);
    await expectFieldError(
      logEntry(
        pupil,
        { kind: "MODULE_COMPLETED", moduleId: b.pathway.modules[0].moduleId, occurredOn: "2026-11-19" },
        { today: TODAY },
      ),
      "moduleId",
      /one of your pathways/,
    );
  });

  it("logs learning time and validates minutes and dates", async () => {
    const { pupils } = await createSchoolClass({ pupils: 1 });
    const pupil = await actorFor(pupils[0].id);
    const { entry } = await logEntry(
      pupil,
      { kind: "LEARNING_TIME", minutes: "45", occurredOn: TODAY, description: "Practised spreadsheets" },
      { today: TODAY },
    );
    expect(entry).toMatchObject({ kind: "LEARNING_TIME", minutes: 45, description: "Practised spreadsheets" });
    await expectFieldError(
      logEntry(pupil, { kind: "LEARNING_TIME", minutes: "0", occurredOn: TODAY }, { today: TODAY }),
      "minutes",
      "Enter at least 1 minute.",
    );
    await expectFieldError(
      logEntry(pupil, { kind: "LEARNING_TIME", minutes: "721", occurredOn: TODAY }, { today: TODAY }),
      "minutes",
      /at most 720 minutes/,
    );
    await expectFieldError(
      logEntry(pupil, { kind: "LEARNING_TIME", minutes: "lots", occurredOn: TODAY }, { today: TODAY }),
      "minutes",
    );
    await expectFieldError(
      logEntry(pupil, { kind: "LEARNING_TIME", minutes: "30", occurredOn: "2026-11-21" }, { today: TODAY }),
      "occurredOn",
      "The date cannot be in the future.",
    );
    await expectFieldError(
      logEntry(pupil, { kind: "LEARNING_TIME", minutes: "30", occurredOn: "2026-02-30" }, { today: TODAY }),
      "occurredOn",
      "Enter a real date.",
    );
    await expectFieldError(
      logEntry(pupil, { kind: "LEARNING_TIME", minutes: "30", occurredOn: TODAY, sneaky: "x" }, { today: TODAY }),
      "form",
    );
  });

  it("logs a credential with an https link, refuses other links and retired codes after retirement", async () => {
    const { pupils } = await createSchoolClass({ pupils: 1 });
    const pupil = await actorFor(pupils[0].id);
    await testPrisma().credential.upsert({
      where: { code: "AB-900" },
      update: {},
      create: { code: "AB-900", name: "Copilot fundamentals" },
    });
    await testPrisma().credential.upsert({
      where: { code: "MS-900" },
      update: {},
      create: {
        code: "MS-900",
        name: "M365 fundamentals",
        retiredOn: new Date("2026-03-31T00:00:00Z"),
        successorCode: "AB-900",
      },
    });
    await expectFieldError(
      logEntry(
        pupil,
        {
          kind: "CREDENTIAL",
          credentialCode: "AB-900",
          occurredOn: TODAY,
          evidenceUrl: "http://learn.microsoft.com/x",
        },
        { today: TODAY },
      ),
      "evidenceUrl",
      /https:\/\//,
    );
    await expectFieldError(
      logEntry(
        pupil,
        { kind: "CREDENTIAL", credentialCode: "AB-900", occurredOn: TODAY, evidenceUrl: "javascript:alert(1)" },
        { today: TODAY },
      ),
      "evidenceUrl",
    );
    await expectFieldError(
      logEntry(pupil, { kind: "CREDENTIAL", credentialCode: "XX-999", occurredOn: TODAY }, { today: TODAY }),
      "credentialCode",
      /from the list/,
    );
    await expectFieldError(
      logEntry(pupil, { kind: "CREDENTIAL", credentialCode: "MS-900", occurredOn: "2026-05-01" }, { today: TODAY }),
      "credentialCode",
      /retired on 31 March 2026.*AB-900/,
    );
    const { entry } = await logEntry(
      pupil,
      {
        kind: "CREDENTIAL",
        credentialCode: "MS-900",
        occurredOn: "2026-01-10",
        evidenceUrl: "https://learn.microsoft.com/users/me/credentials/abc",
      },
      { today: TODAY },
    );
    expect(entry).toMatchObject({
      kind: "CREDENTIAL",
      credentialCode: "MS-900",
      evidenceUrl: "https://learn.microsoft.com/users/me/credentials/abc",
    });
  });

  it("logs an OTJ activity for an apprentice and validates every field against their standard", async () => {
    const f = await createApprenticeship({ startDate: "2025-09-01" });
    const apprentice = await actorFor(f.apprentice.id);
    const { entry } = await logEntry(apprentice, otjInput({ evidenceUrl: "https://example.org/evidence" }), {
      today: TODAY,
    });
    expect(entry).toMatchObject({
      kind: "OTJ_ACTIVITY",
      minutes: 90,
      activityType: "workshop",
      ksbCodes: ["K1", "S1"],
      atWork: true,
      status: "PENDING",
    });
    const row = await testPrisma().progressEntry.findUniqueOrThrow({ where: { id: entry.id } });
    expect(row.apprenticeshipId).toBe(f.apprenticeshipId);

    await expectFieldError(
      logEntry(apprentice, otjInput({ occurredOn: "2025-08-31" }), { today: TODAY }),
      "occurredOn",
      /before your apprenticeship started on 1 September 2025/,
    );
    await expectFieldError(
      logEntry(apprentice, otjInput({ ksbCodes: ["K1", "K9"] }), { today: TODAY }),
      "ksbCodes",
      /K9 is not a KSB of your standard/,
    );
    await expectFieldError(
      logEntry(apprentice, otjInput({ ksbCodes: [] }), { today: TODAY }),
      "ksbCodes",
      /at least one/,
    );
    await expectFieldError(
      logEntry(apprentice, otjInput({ activityType: "napping" }), { today: TODAY }),
      "activityType",
    );
    await expectFieldError(
      logEntry(apprentice, otjInput({ description: "  " }), { today: TODAY }),
      "description",
      "Say what you learnt.",
    );
    await expectFieldError(logEntry(apprentice, otjInput({ minutes: "800" }), { today: TODAY }), "minutes");
    await expectFieldError(
      logEntry(apprentice, otjInput({ englishMaths: "on" }), { today: TODAY }),
      "englishMaths",
      ENGLISH_MATHS_REFUSAL,
    );

    await testPrisma().learningBreak.create({
      data: {
        apprenticeshipId: f.apprenticeshipId,
        startDate: new Date("2026-06-01T00:00:00Z"),
        endDate: new Date("2026-06-30T00:00:00Z"),
      },
    });
    await expectFieldError(
      logEntry(apprentice, otjInput({ occurredOn: "2026-06-10" }), { today: TODAY }),
      "occurredOn",
      /break in learning/,
    );
  });

  it("refuses OTJ from pupils and KSB codes of someone else's standard", async () => {
    const { pupils } = await createSchoolClass({ pupils: 1 });
    await expectFieldError(
      logEntry(await actorFor(pupils[0].id), otjInput(), { today: TODAY }),
      "kind",
      /Only apprentices/,
    );
    const f = await createApprenticeship();
    const other = await testPrisma().standard.create({
      data: { reference: "ST0999X", title: "Other", level: 3, ksbs: { create: [{ code: "K42", text: "x" }] } },
    });
    expect(other.id).toBeTruthy();
    await expectFieldError(
      logEntry(await actorFor(f.apprentice.id), otjInput({ ksbCodes: ["K42"] }), { today: TODAY }),
      "ksbCodes",
      /K42 is not a KSB/,
    );
  });

  it("is idempotent by client_ref: the same offline entry sent twice is one entry", async () => {
    const f = await createApprenticeship();
    const apprentice = await actorFor(f.apprentice.id);
    const input = otjInput({ clientRef: "offline-0b5e2c1a-7d" });
    const [first, second] = await Promise.all([
      logEntry(apprentice, input, { today: TODAY }),
      logEntry(apprentice, input, { today: TODAY }),
    ]);
    const third = await logEntry(apprentice, input, { today: TODAY });
    expect(new Set([first.entry.id, second.entry.id, third.entry.id]).size).toBe(1);
    expect(third.duplicate).toBe(true);
    expect(await testPrisma().progressEntry.count({ where: { learnerId: f.apprentice.id } })).toBe(1);
  });
});

describe("a day of off-the-job training holds at most 24 hours", () => {
  const DAY = "2026-11-18";

  it("accepts 24 hours exactly across entries, refuses one minute more, and strict minutes", async () => {
    const f = await createApprenticeship({ startDate: "2025-09-01" });
    const apprentice = await actorFor(f.apprentice.id);
    await logEntry(apprentice, otjInput({ occurredOn: DAY, minutes: "720" }), { today: TODAY });
    await logEntry(apprentice, otjInput({ occurredOn: DAY, minutes: "720" }), { today: TODAY });
    await expectFieldError(
      logEntry(apprentice, otjInput({ occurredOn: DAY, minutes: "1" }), { today: TODAY }),
      "minutes",
      /already logged 24 h of off-the-job training on that day/,
    );
    // Another day is its own day; there the message says how much is left.
    await logEntry(apprentice, otjInput({ occurredOn: "2026-11-19", minutes: "720" }), { today: TODAY });
    await logEntry(apprentice, otjInput({ occurredOn: "2026-11-19", minutes: "600" }), { today: TODAY });
    await expectFieldError(
      logEntry(apprentice, otjInput({ occurredOn: "2026-11-19", minutes: "121" }), { today: TODAY }),
      "minutes",
      "A day holds at most 24 hours of off-the-job training and you have already logged 22 h on that day, so enter 2 h or less.",
    );
    for (const minutes of ["0x10", "1e2", "Infinity", "", " ", "16.0"])
      await expectFieldError(
        logEntry(apprentice, otjInput({ occurredOn: "2026-11-17", minutes }), { today: TODAY }),
        "minutes",
      );
    expect(
      await testPrisma().progressEntry.aggregate({
        where: { learnerId: f.apprentice.id, occurredOn: new Date(`${DAY}T00:00:00Z`) },
        _sum: { minutes: true },
      }),
    ).toMatchObject({ _sum: { minutes: 1440 } });
    expect(await testPrisma().progressEntry.count({ where: { learnerId: f.apprentice.id } })).toBe(4);
  });

  it("counts the latest version only: a correction replaces its entry, a withdrawn one frees its time", async () => {
    const f = await createApprenticeship({ startDate: "2025-09-01" });
    const apprentice = await actorFor(f.apprentice.id);
    const { entry: first } = await logEntry(apprentice, otjInput({ occurredOn: DAY, minutes: "720" }), {
      today: TODAY,
    });
    const { entry: second } = await logEntry(apprentice, otjInput({ occurredOn: DAY, minutes: "600" }), {
      today: TODAY,
    });
    // 720 + 720 = 24 h: the corrected version replaces the 600, it does not add to it.
    await correctEntry(apprentice, second.id, { minutes: "720" }, "It was a full shift", { today: TODAY });
    await expectFieldError(
      logEntry(apprentice, otjInput({ occurredOn: DAY, minutes: "1" }), { today: TODAY }),
      "minutes",
      /already logged 24 h/,
    );
    // Moving an entry onto a full day is refused like a new one.
    await logEntry(apprentice, otjInput({ occurredOn: "2026-11-16", minutes: "720" }), { today: TODAY });
    await logEntry(apprentice, otjInput({ occurredOn: "2026-11-16", minutes: "720" }), { today: TODAY });
    await expectFieldError(
      correctEntry(apprentice, first.id, { occurredOn: "2026-11-16" }, "Wrong day", { today: TODAY }),
      "minutes",
      /already logged 24 h/,
    );
    await correctEntry(apprentice, first.id, {}, "Logged by mistake", { withdraw: true });
    await logEntry(apprentice, otjInput({ occurredOn: DAY, minutes: "720" }), { today: TODAY });
  });

  it("lets only one of two concurrent posts fill the last 12 hours", async () => {
    const f = await createApprenticeship({ startDate: "2025-09-01" });
    const apprentice = await actorFor(f.apprentice.id);
    await logEntry(apprentice, otjInput({ occurredOn: DAY, minutes: "720" }), { today: TODAY });
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => logEntry(apprentice, otjInput({ occurredOn: DAY, minutes: "720" }), { today: TODAY })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(ProgressError);
    expect(
      (await testPrisma().progressEntry.aggregate({ where: { learnerId: f.apprentice.id }, _sum: { minutes: true } }))
        ._sum.minutes,
    ).toBe(1440);
  });
});

describe("verifying", () => {
  it("a teacher verifies and rejects pupils' entries; the learner sees the reason; bulk approve", async () => {
    const { teacher, pupils, pathway, cohortId } = await createSchoolClass({ pupils: 3 });
    const teacherActor = await actorFor(teacher.id);
    const ids: string[] = [];
    for (const p of pupils) {
      const { entry } = await logEntry(
        await actorFor(p.id),
        { kind: "MODULE_COMPLETED", moduleId: pathway.modules[0].moduleId, occurredOn: "2026-11-18" },
        { today: TODAY },
      );
      ids.push(entry.id);
    }
    const queue = await verificationQueue(teacherActor);
    const teacherQueue = queue.find((q) => q.role === "teacher")!;
    expect(teacherQueue.total).toBe(3);
    expect(teacherQueue.groups[0].key).toBe(cohortId);
    expect((await pendingEntriesForCohort(teacherActor, cohortId)).map((e) => e.id).sort()).toEqual([...ids].sort());

    await expectFieldError(verifyEntries(teacherActor, [ids[2]], "reject", "  "), "comment");
    expect(await verifyEntries(teacherActor, [ids[2]], "reject", "Please finish the knowledge check first.")).toEqual({
      updated: 1,
      skipped: 0,
    });
    // Bulk approve: two pending, one already decided (skipped, not flipped).
    expect(await verifyEntries(teacherActor, ids, "approve")).toEqual({ updated: 2, skipped: 1 });

    const rejectedPupil = await learnerDashboard(await actorFor(pupils[2].id), TODAY);
    expect(rejectedPupil.rejected).toHaveLength(1);
    expect(rejectedPupil.rejected[0].verifierComment).toBe("Please finish the knowledge check first.");
    expect(rejectedPupil.enrolments[0].modulesCompleted).toBe(0);
    const approvedPupil = await learnerDashboard(await actorFor(pupils[0].id), TODAY);
    expect(approvedPupil.enrolments[0]).toMatchObject({
      modulesCompleted: 1,
      modulesTotal: 3,
      verifiedMinutes: pathway.modules[0].module.durationMinutes,
    });
    expect(approvedPupil.enrolments[0].nextModule?.id).toBe(pathway.modules[1].moduleId);

    const audits = await testPrisma().auditLog.findMany({
      where: { subjectId: { in: ids } },
      orderBy: { createdAt: "asc" },
    });
    expect(audits.map((a) => a.action).sort()).toEqual(["entry.reject", "entry.verify", "entry.verify"]);
    expect(audits.every((a) => a.actorId === teacher.id)).toBe(true);
  });

  it("shows a long queue 50 at a time, oldest first, with the true total; deciding some brings the next in", async () => {
    const { teacher, pupils } = await createSchoolClass({ pupils: 2 });
    const teacherActor = await actorFor(teacher.id);
    const ids: string[] = [];
    for (let i = 0; i < QUEUE_PAGE_SIZE + 5; i++) {
      const { entry } = await logEntry(
        await actorFor(pupils[i % 2].id),
        { kind: "LEARNING_TIME", minutes: String(10 + i), occurredOn: "2026-11-18" },
        { today: TODAY },
      );
      ids.push(entry.id);
      // A second apart, so "oldest first" cannot depend on two entries sharing a millisecond.
      await testPrisma().progressEntry.update({
        where: { id: entry.id },
        data: { createdAt: new Date(Date.UTC(2026, 10, 18, 9, 0, i)) },
      });
    }
    const shownIds = (queue: Awaited<ReturnType<typeof verificationQueue>>) =>
      queue.find((q) => q.role === "teacher")!.groups.flatMap((g) => g.entries.map((e) => e.id));

    const first = await verificationQueue(teacherActor);
    expect(first.find((q) => q.role === "teacher")).toMatchObject({
      total: QUEUE_PAGE_SIZE + 5,
      page: 1,
      pages: 2,
      firstShown: 1,
      lastShown: QUEUE_PAGE_SIZE,
    });
    expect(new Set(shownIds(first))).toEqual(new Set(ids.slice(0, QUEUE_PAGE_SIZE)));
    const second = await verificationQueue(teacherActor, { page: 2 });
    expect(new Set(shownIds(second))).toEqual(new Set(ids.slice(QUEUE_PAGE_SIZE)));
    expect(second.find((q) => q.role === "teacher")).toMatchObject({
      firstShown: QUEUE_PAGE_SIZE + 1,
      lastShown: QUEUE_PAGE_SIZE + 5,
    });

    await verifyEntries(teacherActor, ids.slice(0, 10), "approve");
    const after = await verificationQueue(teacherActor);
    expect(after.find((q) => q.role === "teacher")).toMatchObject({ total: QUEUE_PAGE_SIZE - 5, pages: 1 });
    expect(new Set(shownIds(after))).toEqual(new Set(ids.slice(10)));
  });

  it("only verified, latest entries count: pending hours do not, and a corrected entry counts once", async () => {
    const { teacher, pupils } = await createSchoolClass({ pupils: 1 });
    const pupil = await actorFor(pupils[0].id);
    const a = await logEntry(
      pupil,
      { kind: "LEARNING_TIME", minutes: "60", occurredOn: "2026-11-18" },
      { today: TODAY },
    );
    await logEntry(pupil, { kind: "LEARNING_TIME", minutes: "30", occurredOn: "2026-11-19" }, { today: TODAY });
    expect((await learnerDashboard(pupil, TODAY)).learningMinutes).toBe(0);
    await verifyEntries(await actorFor(teacher.id), [a.entry.id], "approve");
    const dash = await learnerDashboard(pupil, TODAY);
    expect(dash.learningMinutes).toBe(60);
    expect(dash.pending.map((e) => e.minutes)).toEqual([30]);
    // Correcting a verified entry: the new version is pending, so nothing counts until re-verified.
    await correctEntry(pupil, a.entry.id, { minutes: 50 }, "It was 50 minutes, not 60", { today: TODAY });
    expect((await learnerDashboard(pupil, TODAY)).learningMinutes).toBe(0);
  });

  it("a tutor verifies OTJ; an at-work activity counts only once the supervisor has also confirmed it", async () => {
    const f = await createApprenticeship({ startDate: "2025-09-01" });
    const apprentice = await actorFor(f.apprentice.id);
    const atWork = await logEntry(apprentice, otjInput({ minutes: "120", atWork: "yes" }), { today: TODAY });
    const offSite = await logEntry(apprentice, otjInput({ minutes: "60", atWork: "no", occurredOn: "2026-11-17" }), {
      today: TODAY,
    });
    const tutor = await actorFor(f.tutor.id);
    const supervisor = await actorFor(f.supervisor.id);

    // The supervisor's queue holds only the at-work activity.
    const supQueue = (await verificationQueue(supervisor)).find((q) => q.role === "supervisor")!;
    expect(supQueue.groups.flatMap((g) => g.entries.map((e) => e.id))).toEqual([atWork.entry.id]);
    await expect404(verifyEntries(supervisor, [offSite.entry.id], "approve"));

    await verifyEntries(tutor, [atWork.entry.id, offSite.entry.id], "approve");
    let [status] = await otjStatuses(tutor, { apprenticeshipIds: [f.apprenticeshipId] }, TODAY);
    expect(status.status.actual).toBe(1);
    expect(status.awaitingConfirmation).toBe(1);

    await verifyEntries(supervisor, [atWork.entry.id], "approve");
    [status] = await otjStatuses(apprentice, { apprenticeshipIds: [f.apprenticeshipId] }, TODAY);
    expect(status.status.actual).toBe(3);
    expect(status.awaitingConfirmation).toBe(0);
    const row = await testPrisma().progressEntry.findUniqueOrThrow({ where: { id: atWork.entry.id } });
    expect(row).toMatchObject({
      status: "VERIFIED",
      verifiedById: f.tutor.id,
      supervisorConfirmedById: f.supervisor.id,
    });
  });

  it("a supervisor can reject an at-work activity with a reason the apprentice sees", async () => {
    const f = await createApprenticeship();
    const apprentice = await actorFor(f.apprentice.id);
    const { entry } = await logEntry(apprentice, otjInput(), { today: TODAY });
    await expectFieldError(verifyEntries(await actorFor(f.supervisor.id), [entry.id], "reject", ""), "comment");
    await verifyEntries(await actorFor(f.supervisor.id), [entry.id], "reject", "You were on annual leave that day.");
    const dash = await learnerDashboard(apprentice, TODAY);
    expect(dash.rejected[0]).toMatchObject({ id: entry.id, verifierComment: "You were on annual leave that day." });
  });
});

describe("the append-only ledger", () => {
  it("a correction is a new pending version; the old row is untouched except superseded_at; history lists both", async () => {
    const f = await createApprenticeship();
    const apprentice = await actorFor(f.apprentice.id);
    const { entry } = await logEntry(apprentice, otjInput({ minutes: "90" }), { today: TODAY });
    await verifyEntries(await actorFor(f.tutor.id), [entry.id], "approve");
    const before = await testPrisma().progressEntry.findUniqueOrThrow({ where: { id: entry.id } });

    await expectFieldError(correctEntry(apprentice, entry.id, { minutes: 120 }, "  ", { today: TODAY }), "reason");
    await expectFieldError(correctEntry(apprentice, entry.id, { minutes: 1000 }, "typo", { today: TODAY }), "minutes");
    const corrected = await correctEntry(apprentice, entry.id, { minutes: 120 }, "I logged the wrong duration", {
      today: TODAY,
    });
    expect(corrected).toMatchObject({ version: 2, status: "PENDING", minutes: 120 });

    const after = await testPrisma().progressEntry.findUniqueOrThrow({ where: { id: entry.id } });
    const { supersededAt, ...restAfter } = after;
    const { supersededAt: wasSuperseded, ...restBefore } = before;
    expect(wasSuperseded).toBeNull();
    expect(supersededAt).toBeInstanceOf(Date);
    expect(restAfter).toEqual(restBefore);
    const newRow = await testPrisma().progressEntry.findUniqueOrThrow({ where: { id: corrected.id } });
    expect(newRow).toMatchObject({
      supersedesId: entry.id,
      correctionReason: "I logged the wrong duration",
      createdById: f.apprentice.id,
      verifiedById: null,
      supervisorConfirmedAt: null,
    });

    // Correcting the old version again is refused: only the latest can be corrected.
    await expectFieldError(
      correctEntry(apprentice, entry.id, { minutes: 60 }, "again", { today: TODAY }),
      "form",
      /corrected since/,
    );

    const history = await entryHistory(apprentice, corrected.id);
    expect(history.map((v) => [v.version, v.minutes, v.status])).toEqual([
      [1, 90, "VERIFIED"],
      [2, 120, "PENDING"],
    ]);
    expect((await entryHistory(apprentice, entry.id)).map((v) => v.id)).toEqual([entry.id, corrected.id]);
    const audit = await testPrisma().auditLog.findFirst({
      where: { action: "entry.correct", subjectId: corrected.id },
    });
    expect(audit?.actorId).toBe(f.apprentice.id);
  });

  it("withdrawing an entry is a REJECTED version with the reason, so it stops counting", async () => {
    const { pupils, teacher } = await createSchoolClass({ pupils: 1 });
    const pupil = await actorFor(pupils[0].id);
    const { entry } = await logEntry(
      pupil,
      { kind: "LEARNING_TIME", minutes: "40", occurredOn: TODAY },
      { today: TODAY },
    );
    await verifyEntries(await actorFor(teacher.id), [entry.id], "approve");
    const removed = await correctEntry(pupil, entry.id, {}, "Logged twice by mistake", { withdraw: true });
    expect(removed).toMatchObject({ status: "REJECTED", version: 2 });
    expect((await learnerDashboard(pupil, TODAY)).learningMinutes).toBe(0);
  });

  it("the OTJ audit report lists every change: logged, verified, confirmed, corrected, rejected", async () => {
    const f = await createApprenticeship();
    const apprentice = await actorFor(f.apprentice.id);
    const tutor = await actorFor(f.tutor.id);
    const { entry } = await logEntry(apprentice, otjInput({ minutes: "90" }), { today: TODAY });
    await verifyEntries(tutor, [entry.id], "approve");
    await verifyEntries(await actorFor(f.supervisor.id), [entry.id], "approve");
    const v2 = await correctEntry(tutor, entry.id, { minutes: 60 }, "Session finished early per register", {
      today: TODAY,
    });
    await verifyEntries(tutor, [v2.id], "reject", "Attach the register");

    const report = await otjAuditReport(await actorFor(f.employerAdmin.id), f.apprenticeshipId);
    expect(report.rows.map((r) => [r.event, r.version, r.minutes])).toEqual([
      ["Logged", 1, 90],
      ["Verified by tutor", 1, 90],
      ["Confirmed by workplace supervisor", 1, 90],
      ["Corrected (version 2)", 2, 60],
      ["Rejected by tutor", 2, 60],
    ]);
    expect(report.rows[3]).toMatchObject({
      by: `${f.tutor.firstName} ${f.tutor.lastName}`,
      note: "Session finished early per register",
    });
    expect(report.rows[4].note).toBe("Attach the register");
    expect(report.verifiedMinutes).toBe(0);
  });
});

describe("tenancy", () => {
  it("a pupil cannot see, correct or verify another pupil's entry", async () => {
    const { pupils } = await createSchoolClass({ pupils: 2 });
    const [alice, bob] = [await actorFor(pupils[0].id), await actorFor(pupils[1].id)];
    const { entry } = await logEntry(
      alice,
      { kind: "LEARNING_TIME", minutes: "20", occurredOn: TODAY },
      { today: TODAY },
    );
    await expect404(getEntry(bob, entry.id));
    await expect404(entryHistory(bob, entry.id));
    await expect404(correctEntry(bob, entry.id, { minutes: 5 }, "mine now"));
    await expect404(verifyEntries(bob, [entry.id], "approve"));
    expect((await getEntry(alice, entry.id)).id).toBe(entry.id);
  });

  it("a teacher of another school gets 404 on verifying, reading, correcting and the class flags", async () => {
    const mine = await createSchoolClass({ pupils: 1 });
    const other = await createSchoolClass({ pupils: 1 });
    const { entry } = await logEntry(
      await actorFor(mine.pupils[0].id),
      { kind: "LEARNING_TIME", minutes: "20", occurredOn: TODAY },
      { today: TODAY },
    );
    const stranger = await actorFor(other.teacher.id);
    await expect404(verifyEntries(stranger, [entry.id], "approve"));
    await expect404(getEntry(stranger, entry.id));
    await expect404(correctEntry(stranger, entry.id, { minutes: 5 }, "x"));
    await expect404(loadClassGrid(stranger, mine.cohortId, TODAY));
    expect((await verificationQueue(stranger)).flatMap((q) => q.groups)).toEqual([]);
    // A bulk request smuggling one foreign id among its own fails as a whole.
    const own = await logEntry(
      await actorFor(other.pupils[0].id),
      { kind: "LEARNING_TIME", minutes: "20", occurredOn: TODAY },
      { today: TODAY },
    );
    await expect404(verifyEntries(stranger, [own.entry.id, entry.id], "approve"));
    expect((await testPrisma().progressEntry.findUniqueOrThrow({ where: { id: own.entry.id } })).status).toBe(
      "PENDING",
    );
  });

  it("a supervisor at another employer, or a tutor without the apprentice on their caseload, gets 404", async () => {
    const f = await createApprenticeship();
    const g = await createApprenticeship({ provider: f.provider });
    const { entry } = await logEntry(await actorFor(f.apprentice.id), otjInput(), { today: TODAY });
    await expect404(verifyEntries(await actorFor(g.supervisor.id), [entry.id], "approve"));
    await expect404(verifyEntries(await actorFor(g.employerAdmin.id), [entry.id], "approve"));
    await expect404(verifyEntries(await actorFor(g.tutor.id), [entry.id], "approve"));
    await expect404(getEntry(await actorFor(g.supervisor.id), entry.id));
    await expect404(otjAuditReport(await actorFor(g.supervisor.id), f.apprenticeshipId));
    await expect404(otjAuditReport(await actorFor(g.apprentice.id), f.apprenticeshipId));
    // A second supervisor at the SAME employer who does not supervise this apprentice: 404 too.
    const colleague = await createUser({ roles: [{ org: f.employer, role: "WORKPLACE_SUPERVISOR" }] });
    await expect404(verifyEntries(await actorFor(colleague.id), [entry.id], "approve"));
    // The employer admin of the apprentice's own employer may confirm.
    expect(await verifyEntries(await actorFor(f.employerAdmin.id), [entry.id], "approve")).toEqual({
      updated: 1,
      skipped: 0,
    });
    expect(await otjStatuses(await actorFor(g.employerAdmin.id), { apprenticeshipIds: [f.apprenticeshipId] })).toEqual(
      [],
    );
  });

  it("a council officer cannot log, verify or read entries", async () => {
    const council = await createOrganisation({ kind: "COUNCIL" });
    const officer = await actorFor((await createUser({ roles: [{ org: council, role: "COUNCIL_OFFICER" }] })).id);
    const { pupils } = await createSchoolClass({ pupils: 1 });
    const { entry } = await logEntry(
      await actorFor(pupils[0].id),
      { kind: "LEARNING_TIME", minutes: "20", occurredOn: TODAY },
      { today: TODAY },
    );
    await expect404(logEntry(officer, { kind: "LEARNING_TIME", minutes: "20", occurredOn: TODAY }));
    await expect404(verifyEntries(officer, [entry.id], "approve"));
    await expect404(getEntry(officer, entry.id));
  });
});

describe("class grid flags", () => {
  it("flags pupils with no verified progress in 14 days and counts pending entries", async () => {
    // Pupils joined 60 days before the real today (the fixture), so dates here are relative to it.
    const today = todayInEngland();
    const { teacher, pupils, cohortId } = await createSchoolClass({ pupils: 3 });
    const teacherActor = await actorFor(teacher.id);
    const recent = await logEntry(
      await actorFor(pupils[0].id),
      { kind: "LEARNING_TIME", minutes: "20", occurredOn: addDays(today, -5) },
      { today },
    );
    const old = await logEntry(
      await actorFor(pupils[1].id),
      { kind: "LEARNING_TIME", minutes: "20", occurredOn: addDays(today, -40) },
      { today },
    );
    await logEntry(
      await actorFor(pupils[2].id),
      { kind: "LEARNING_TIME", minutes: "20", occurredOn: addDays(today, -1) },
      { today },
    );
    await verifyEntries(teacherActor, [recent.entry.id, old.entry.id], "approve");
    const grid = await loadClassGrid(teacherActor, cohortId, today);
    expect(grid.pendingCount).toBe(1);
    // Pupil 2 has only a pending entry: stuck; pupil 1's verified progress is 40 days old.
    const stuck = Object.fromEntries(grid.pupils.map((p) => [p.id, p.stuck]));
    expect(stuck).toEqual({ [pupils[0].id]: false, [pupils[1].id]: true, [pupils[2].id]: true });
  });
});

describe("the class grid's SQL", () => {
  it("is one statement (grid, stuck flags, pending count, pathways to enrol in) for 5 and for 30 pupils", async () => {
    const pg = (await import("pg")).default;
    const small = await createSchoolClass({ pupils: 5, modules: 20 });
    const large = await createSchoolClass({ pupils: 30, modules: 20 });
    for (const f of [small, large]) {
      for (const p of f.pupils) {
        const pupil = await actorFor(p.id);
        const a = await logEntry(
          pupil,
          { kind: "MODULE_COMPLETED", moduleId: f.pathway.modules[0].moduleId, occurredOn: TODAY },
          { today: TODAY },
        );
        await logEntry(pupil, { kind: "LEARNING_TIME", minutes: "15", occurredOn: TODAY }, { today: TODAY });
        await verifyEntries(await actorFor(f.teacher.id), [a.entry.id], "approve");
      }
    }
    const original = pg.Client.prototype.query;
    let queries = 0;
    pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
      queries++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    const measure = async (f: typeof small) => {
      const teacher = await actorFor(f.teacher.id);
      queries = 0;
      const grid = await loadClassGrid(teacher, f.cohortId, TODAY);
      return { queries, grid };
    };
    try {
      const a = await measure(small);
      const b = await measure(large);
      expect(a.grid.pupils).toHaveLength(5);
      expect(b.grid.pupils).toHaveLength(30);
      expect(b.grid.pupils.every((p) => p.completedCount === 1)).toBe(true);
      expect(a.grid.pendingCount).toBe(5);
      expect(b.grid.pendingCount).toBe(30);
      expect(a.queries).toBe(1);
      expect(b.queries).toBe(1);
    } finally {
      pg.Client.prototype.query = original;
    }
  });
});
