import { describe, expect, it } from "vitest";
import {
  inboxDigestFor,
  inQuietHours,
  isoWeek,
  mayReceive,
  nextSendTime,
  otjReminderFor,
  parsePrefs,
  ragFromLogKind,
  reminderDedupeKey,
  reminderJobId,
  reviewReminderFor,
  teacherDigestFor,
  tutorDigestFor,
  type OtjFact,
  type Recipient,
} from "./reminders.ts";

const plan = {
  startDate: "2025-09-01",
  plannedEndDate: "2026-08-31",
  contractedWeeklyHours: 37.5,
  standard: { reference: "ST0120", otjMinimumHours: 300 },
  priorLearningHours: 0,
  breaks: [],
};

function otjFact(overrides: Partial<OtjFact> = {}): OtjFact {
  return {
    userId: "u1",
    apprenticeshipId: "a1",
    status: "ACTIVE",
    plan,
    verifiedMinutes: 0,
    lastVerifiedOtjOn: null,
    lastRagSent: null,
    ...overrides,
  };
}

describe("ISO weeks (the period of every reminder)", () => {
  it("numbers weeks from Monday, week 1 holding 4 January", () => {
    expect(isoWeek("2026-05-04")).toBe("2026-W19"); // a Monday
    expect(isoWeek("2026-05-10")).toBe("2026-W19"); // the Sunday after
    expect(isoWeek("2026-05-11")).toBe("2026-W20");
    expect(isoWeek("2021-01-03")).toBe("2020-W53");
    expect(isoWeek("2024-12-30")).toBe("2025-W01");
  });
  it("keys are one per person, kind and period; job ids avoid BullMQ's ':'", () => {
    expect(reminderDedupeKey("u", "otj-reminder", "2026-W19")).toBe("reminder:u:otj-reminder:2026-W19");
    expect(reminderJobId("u", "otj-reminder", "2026-W19")).not.toContain(":");
  });
});

describe("who may receive", () => {
  const adult: Recipient = {
    email: "a@example.org",
    disabled: false,
    erased: false,
    prefs: parsePrefs({}),
    pupilSchoolsEnabled: null,
  };
  it("defaults preferences to yes and honours an explicit no per category", () => {
    expect(parsePrefs(null)).toEqual({ reminders: true, digest: true });
    expect(mayReceive(adult, "otj-reminder")).toBe(true);
    expect(mayReceive({ ...adult, prefs: parsePrefs({ reminders: false }) }, "otj-reminder")).toBe(false);
    expect(mayReceive({ ...adult, prefs: parsePrefs({ reminders: false }) }, "teacher-digest")).toBe(true);
    expect(mayReceive({ ...adult, prefs: parsePrefs({ digest: false }) }, "inbox-digest")).toBe(false);
  });
  it("never emails pupils unless one of their schools turned it on, nor anyone without an address", () => {
    expect(mayReceive({ ...adult, pupilSchoolsEnabled: [false] }, "otj-reminder")).toBe(false);
    expect(mayReceive({ ...adult, pupilSchoolsEnabled: [false, true] }, "otj-reminder")).toBe(true);
    expect(mayReceive({ ...adult, email: null }, "otj-reminder")).toBe(false);
    expect(mayReceive({ ...adult, disabled: true }, "otj-reminder")).toBe(false);
  });
});

describe("apprentice OTJ reminder", () => {
  it("is due after 14 days without verified OTJ, not before", () => {
    // On plan (20 hours logged on day one), so only the 14-day rule can make it due.
    const onPlan = otjFact({ verifiedMinutes: 20 * 60, lastVerifiedOtjOn: "2025-09-01" });
    expect(otjReminderFor(onPlan, "2025-09-14")).toBeNull();
    const due = otjReminderFor(onPlan, "2025-09-15");
    expect(due?.reasons).toContain("no-recent-otj");
    expect(due?.daysSinceOtj).toBe(14);
    expect(
      otjReminderFor(otjFact({ lastVerifiedOtjOn: "2025-10-10", verifiedMinutes: 60 * 60 }), "2025-10-20"),
    ).toBeNull();
  });
  it("is due when the RAG turns amber or red, once per change", () => {
    // 40 hours behind a linear plan half-way through: red.
    const behind = otjFact({ verifiedMinutes: 40 * 60, lastVerifiedOtjOn: "2026-02-27" });
    const first = otjReminderFor(behind, "2026-03-01");
    expect(first?.reasons).toEqual(["rag-turned"]);
    expect(first?.rag).toBe("red");
    expect(otjReminderFor({ ...behind, lastRagSent: "red" }, "2026-03-01")).toBeNull();
    expect(otjReminderFor({ ...behind, lastRagSent: "amber" }, "2026-03-01")?.reasons).toEqual(["rag-turned"]);
  });
  it("leaves apprentices on a break, at gateway or not started alone", () => {
    expect(otjReminderFor(otjFact({ status: "BREAK" }), "2025-12-01")).toBeNull();
    expect(otjReminderFor(otjFact({ status: "GATEWAY" }), "2025-12-01")).toBeNull();
    expect(
      otjReminderFor(
        otjFact({ plan: { ...plan, breaks: [{ startDate: "2025-11-01", endDate: null }] } }),
        "2025-12-01",
      ),
    ).toBeNull();
    expect(otjReminderFor(otjFact(), "2025-08-01")).toBeNull();
  });
  it("reads the RAG back from the log kind", () => {
    expect(ragFromLogKind("otj-reminder:amber")).toBe("amber");
    expect(ragFromLogKind("otj-reminder")).toBeNull();
    expect(ragFromLogKind(null)).toBeNull();
  });
});

describe("apprentice review reminder", () => {
  const review = {
    userId: "u",
    reviewId: "r",
    sequence: 2,
    status: "SCHEDULED" as const,
    dueOn: "2026-05-10",
    apprenticeSigned: false,
  };
  it("is due within 7 days of the due date, not earlier and not once past it", () => {
    expect(reviewReminderFor(review, "2026-05-02")).toBeNull();
    expect(reviewReminderFor(review, "2026-05-03")?.reason).toBe("due-soon");
    expect(reviewReminderFor(review, "2026-05-10")?.reason).toBe("due-soon");
    expect(reviewReminderFor(review, "2026-05-11")).toBeNull();
  });
  it("is due while a held review waits for the apprentice's signature", () => {
    expect(reviewReminderFor({ ...review, status: "OPEN" }, "2026-07-01")?.reason).toBe("awaiting-signature");
    expect(reviewReminderFor({ ...review, status: "OPEN", apprenticeSigned: true }, "2026-07-01")).toBeNull();
    expect(reviewReminderFor({ ...review, status: "SIGNED" }, "2026-05-08")).toBeNull();
  });
});

describe("digests", () => {
  it("inbox: one digest with counts when anything has waited, nothing otherwise", () => {
    expect(inboxDigestFor({})).toBeNull();
    expect(inboxDigestFor({ otj: 3, reviews: 1 })).toMatchObject({ otj: 3, reviews: 1, placements: 0, total: 4 });
  });
  it("teacher: classes with something to do, counts only", () => {
    expect(teacherDigestFor([{ classId: "c", className: "9A", stuckPupils: 0, entriesToVerify: 0 }])).toBeNull();
    const digest = teacherDigestFor([
      { classId: "b", className: "9B", stuckPupils: 2, entriesToVerify: 0 },
      { classId: "a", className: "9A", stuckPupils: 0, entriesToVerify: 5 },
      { classId: "c", className: "9C", stuckPupils: 0, entriesToVerify: 0 },
    ]);
    expect(digest?.classes.map((c) => c.className)).toEqual(["9A", "9B"]);
    expect(digest).toMatchObject({ stuckPupils: 2, entriesToVerify: 5 });
  });
  it("tutor: overdue, due soon and awaiting signature across the caseload", () => {
    const today = "2026-05-04";
    expect(tutorDigestFor([{ status: "SIGNED", dueOn: "2026-05-01", tutorSigned: true }], today)).toBeNull();
    expect(
      tutorDigestFor(
        [
          { status: "SCHEDULED", dueOn: "2026-04-30", tutorSigned: false },
          { status: "SCHEDULED", dueOn: "2026-05-18", tutorSigned: false },
          { status: "SCHEDULED", dueOn: "2026-05-19", tutorSigned: false },
          { status: "OPEN", dueOn: "2026-05-01", tutorSigned: false },
          { status: "OPEN", dueOn: "2026-05-01", tutorSigned: true },
        ],
        today,
      ),
    ).toEqual({ overdue: 1, dueSoon: 1, awaitingYourSignature: 1 });
  });
});

describe("quiet hours (20:00–07:00 UK time)", () => {
  it("holds an evening send until 07:00 the next morning, in summer and winter time", () => {
    // 21:30 BST on 4 May = 20:30 UTC → 07:00 BST on 5 May = 06:00 UTC.
    expect(inQuietHours(new Date("2026-05-04T20:30:00Z"))).toBe(true);
    expect(nextSendTime(new Date("2026-05-04T20:30:00Z")).toISOString()).toBe("2026-05-05T06:00:00.000Z");
    // 05:00 GMT in January → 07:00 GMT the same day.
    expect(nextSendTime(new Date("2026-01-10T05:00:00Z")).toISOString()).toBe("2026-01-10T07:00:00.000Z");
    // 19:59 BST is not quiet; 07:00 BST is not quiet.
    const evening = new Date("2026-05-04T18:59:00Z");
    expect(nextSendTime(evening)).toBe(evening);
    expect(inQuietHours(new Date("2026-05-05T06:00:00Z"))).toBe(false);
  });
  it("handles the night the clocks go forward", () => {
    // 29 March 2026: clocks go forward at 01:00 UTC. 23:00 GMT on the 28th → 07:00 BST = 06:00 UTC.
    expect(nextSendTime(new Date("2026-03-28T23:00:00Z")).toISOString()).toBe("2026-03-29T06:00:00.000Z");
  });
});
