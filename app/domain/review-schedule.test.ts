import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addCalendarMonths,
  addDays,
  closeBreaks,
  daysCovered,
  endOfMonth,
  fromDayNumber,
  toDayNumber,
} from "./dates.ts";
import {
  allSignedOn,
  baseDueDate,
  daysOverdue,
  daysUnsigned,
  dueDateFrom,
  isOverdue,
  nextReviewDue,
  reviewSchedule,
  wasHeldOnTime,
  type LearningBreak,
  type ReviewScheduleInput,
} from "./review-schedule.ts";

const YEAR: ReviewScheduleInput = { startDate: "2025-08-01", plannedEndDate: "2026-07-31" };
const dues = (input: ReviewScheduleInput) => reviewSchedule(input).reviews.map((r) => r.dueOn);
const held = (...dates: string[]) => dates.map((heldOn) => ({ heldOn }));

describe("the due rule: by the last day of the month three months after the anchor's month", () => {
  it.each([
    ["2025-08-01", "2025-11-30"], // the domain's own example
    ["2025-08-31", "2025-11-30"],
    ["2025-07-31", "2025-10-31"],
    ["2025-11-30", "2026-02-28"],
    ["2027-11-30", "2028-02-29"], // leap year
    ["2027-11-01", "2028-02-29"],
    ["2026-01-31", "2026-04-30"],
    ["2025-12-15", "2026-03-31"], // across the year end
  ])("anchor %s → due by %s", (anchor, due) => {
    expect(baseDueDate(anchor)).toBe(due);
    expect(dueDateFrom(anchor)).toEqual({ dueOn: due, breakDays: 0 });
  });
});

describe("reviewSchedule: the whole apprenticeship", () => {
  it("chains due dates from the start while no review is held", () => {
    const schedule = reviewSchedule(YEAR);
    expect(schedule.reviews).toEqual([
      { sequence: 1, anchor: "2025-08-01", anchorKind: "start", dueOn: "2025-11-30", breakDays: 0, heldOn: null },
      {
        sequence: 2,
        anchor: "2025-11-30",
        anchorKind: "previous-due-date",
        dueOn: "2026-02-28",
        breakDays: 0,
        heldOn: null,
      },
      {
        sequence: 3,
        anchor: "2026-02-28",
        anchorKind: "previous-due-date",
        dueOn: "2026-05-31",
        breakDays: 0,
        heldOn: null,
      },
    ]);
    expect(schedule.pausedFrom).toBeNull();
    expect(schedule.extraHeldReviews).toEqual([]);
  });

  it("includes a due date on the planned end date itself, and stops after it", () => {
    expect(dues({ ...YEAR, heldReviews: held("2025-10-10") })).toEqual([
      "2025-11-30",
      "2026-01-31",
      "2026-04-30",
      "2026-07-31",
    ]);
    expect(dues({ ...YEAR, plannedEndDate: "2026-07-30", heldReviews: held("2025-10-10") })).toEqual([
      "2025-11-30",
      "2026-01-31",
      "2026-04-30",
    ]);
  });

  it("restarts the clock from the date an early review was held", () => {
    const [first, second] = reviewSchedule({ ...YEAR, heldReviews: held("2025-10-10") }).reviews;
    expect(first).toMatchObject({ dueOn: "2025-11-30", heldOn: "2025-10-10" });
    expect(second).toMatchObject({
      anchor: "2025-10-10",
      anchorKind: "held-review",
      dueOn: "2026-01-31",
      heldOn: null,
    });
  });

  it("restarts the clock from the date a late review was held", () => {
    const reviews = reviewSchedule({ ...YEAR, heldReviews: held("2025-12-05") }).reviews;
    expect(reviews.map((r) => [r.dueOn, r.heldOn])).toEqual([
      ["2025-11-30", "2025-12-05"],
      ["2026-03-31", null],
      ["2026-06-30", null],
    ]);
  });

  it("follows month ends through a leap year", () => {
    expect(dues({ startDate: "2027-11-30", plannedEndDate: "2028-11-29" })).toEqual([
      "2028-02-29",
      "2028-05-31",
      "2028-08-31",
    ]);
    expect(dues({ startDate: "2026-11-30", plannedEndDate: "2027-11-29" })).toEqual([
      "2027-02-28",
      "2027-05-31",
      "2027-08-31",
    ]);
  });

  it("adds due dates when the planned end date moves later", () => {
    expect(dues({ ...YEAR, plannedEndDate: "2026-10-31" })).toEqual([
      "2025-11-30",
      "2026-02-28",
      "2026-05-31",
      "2026-08-31",
    ]);
  });

  it("treats a review held in the same month as its anchor as extra (it cannot move the next due date)", () => {
    const schedule = reviewSchedule({ ...YEAR, heldReviews: held("2025-08-01", "2025-08-20") });
    expect(schedule.extraHeldReviews).toEqual(["2025-08-01", "2025-08-20"]);
    expect(schedule.reviews[0]).toMatchObject({ dueOn: "2025-11-30", heldOn: null });

    const afterLate = reviewSchedule({ ...YEAR, heldReviews: held("2025-12-05", "2025-12-20", "2026-02-01") });
    expect(afterLate.extraHeldReviews).toEqual(["2025-12-20"]);
    expect(afterLate.reviews.map((r) => r.heldOn).slice(0, 2)).toEqual(["2025-12-05", "2026-02-01"]);
  });

  it("ignores held dates before the start and counts duplicates once", () => {
    const schedule = reviewSchedule({ ...YEAR, heldReviews: held("2025-07-01", "2025-10-10", "2025-10-10") });
    expect(schedule.reviews.map((r) => r.heldOn)).toEqual(["2025-10-10", null, null, null]);
    expect(schedule.extraHeldReviews).toEqual([]);
  });

  it("lists a review held after the planned end date", () => {
    const schedule = reviewSchedule({
      startDate: "2025-08-01",
      plannedEndDate: "2025-12-31",
      heldReviews: held("2026-01-10"),
    });
    expect(schedule.reviews).toHaveLength(1);
    expect(schedule.reviews[0]).toMatchObject({ dueOn: "2025-11-30", heldOn: "2026-01-10" });
  });

  it("refuses an end date before the start", () => {
    expect(() => reviewSchedule({ startDate: "2025-08-01", plannedEndDate: "2025-07-31" })).toThrow(RangeError);
  });
});

describe("reviewSchedule: breaks in learning push later due dates", () => {
  it("moves the due date by the length of a break inside the window", () => {
    const reviews = reviewSchedule({ ...YEAR, breaks: [{ startDate: "2025-09-01", endDate: "2025-09-30" }] }).reviews;
    expect(reviews[0]).toMatchObject({ dueOn: "2025-12-30", breakDays: 30 });
    expect(reviews[1]).toMatchObject({ anchor: "2025-12-30", dueOn: "2026-03-31", breakDays: 0 });
  });

  it("counts a second break that the push brings into the window", () => {
    const breaks = [
      { startDate: "2025-11-01", endDate: "2025-11-30" },
      { startDate: "2025-12-15", endDate: "2025-12-24" },
    ];
    expect(dueDateFrom("2025-08-01", closeBreaks(breaks, null))).toEqual({ dueOn: "2026-01-09", breakDays: 40 });
  });

  it("counts only the part of a break after the anchor", () => {
    const breaks = closeBreaks([{ startDate: "2025-07-20", endDate: "2025-08-10" }], null);
    expect(dueDateFrom("2025-08-01", breaks)).toEqual({ dueOn: "2025-12-09", breakDays: 9 });
  });

  it("ignores a break that ends before the anchor", () => {
    expect(
      dueDateFrom("2025-08-01", closeBreaks([{ startDate: "2025-06-01", endDate: "2025-07-31" }], null)).breakDays,
    ).toBe(0);
  });

  it("pauses at an open break, keeping a review held before it began", () => {
    const open: LearningBreak[] = [{ startDate: "2025-10-01", endDate: null }];
    expect(reviewSchedule({ ...YEAR, breaks: open })).toEqual({
      reviews: [],
      extraHeldReviews: [],
      pausedFrom: "2025-10-01",
    });
    const withHeld = reviewSchedule({ ...YEAR, breaks: open, heldReviews: held("2025-09-15") });
    expect(withHeld.reviews.map((r) => r.heldOn)).toEqual(["2025-09-15"]);
    expect(withHeld.pausedFrom).toBe("2025-10-01");
  });

  it("keeps the due dates before an open break and pauses only what comes after", () => {
    const lateBreak = reviewSchedule({ ...YEAR, breaks: [{ startDate: "2026-07-01", endDate: null }] });
    expect(lateBreak.reviews.map((r) => r.dueOn)).toEqual(["2025-11-30", "2026-02-28", "2026-05-31"]);
    expect(lateBreak.pausedFrom).toBe("2026-07-01");
    const afterEnd = reviewSchedule({ ...YEAR, breaks: [{ startDate: "2026-09-01", endDate: null }] });
    expect(afterEnd.reviews.map((r) => r.dueOn)).toEqual(["2025-11-30", "2026-02-28", "2026-05-31"]);
    expect(afterEnd.pausedFrom).toBeNull();
  });

  it("can make the next due date earlier than an early-held review's own due date (documented)", () => {
    // Review 1's window contains a 41-day break, so it is due 10 Jan; it is held on 15 Sep, after the
    // break, and the next one is due 3 months on from that: 31 Dec.
    const schedule = reviewSchedule({
      ...YEAR,
      breaks: [{ startDate: "2025-08-02", endDate: "2025-09-11" }],
      heldReviews: held("2025-09-15"),
    });
    expect(schedule.reviews.slice(0, 2).map((r) => r.dueOn)).toEqual(["2026-01-10", "2025-12-31"]);
  });
});

describe("overdue, on time and next due", () => {
  // Built inside each test (a mutation run activates its mutant only once the tests start).
  const plain = () => reviewSchedule(YEAR).reviews[0]; // due 30 Nov 2025, not held
  const late = () => reviewSchedule({ ...YEAR, heldReviews: held("2025-12-05") }).reviews[0];

  it("is not overdue on the due date, and one day overdue the day after", () => {
    expect([isOverdue(plain(), "2025-11-30"), daysOverdue(plain(), "2025-11-30")]).toEqual([false, 0]);
    expect([isOverdue(plain(), "2025-12-01"), daysOverdue(plain(), "2025-12-01")]).toEqual([true, 1]);
    expect(daysOverdue(plain(), "2026-01-30")).toBe(61);
    expect(daysOverdue(plain(), "2025-09-01")).toBe(0);
  });

  it("freezes the days overdue when a late review is held, and judges earlier dates as they were", () => {
    expect([isOverdue(late(), "2025-12-03"), daysOverdue(late(), "2025-12-03")]).toEqual([true, 3]);
    expect([isOverdue(late(), "2026-01-01"), daysOverdue(late(), "2026-01-01")]).toEqual([false, 5]);
    expect(wasHeldOnTime(late())).toBe(false);
  });

  it("counts a review held on or before its due date as on time", () => {
    const onDay = reviewSchedule({ ...YEAR, heldReviews: held("2025-11-30") }).reviews[0];
    expect(wasHeldOnTime(onDay)).toBe(true);
    expect(wasHeldOnTime(plain())).toBe(false);
  });

  it("finds the next review due", () => {
    expect(nextReviewDue(reviewSchedule(YEAR), "2025-12-01")?.sequence).toBe(1);
    const early = reviewSchedule({ ...YEAR, heldReviews: held("2025-10-10") });
    expect(nextReviewDue(early, "2025-11-01")?.dueOn).toBe("2026-01-31");
    expect(nextReviewDue(early, "2025-10-09")?.sequence).toBe(1);
    expect(nextReviewDue({ reviews: [], extraHeldReviews: [], pausedFrom: null }, "2025-10-09")).toBeNull();
  });
});

describe("days unsigned", () => {
  const opened = { openedOn: "2025-11-20", apprenticeSignedOn: null, employerSignedOn: null, tutorSignedOn: null };
  const signed = {
    ...opened,
    apprenticeSignedOn: "2025-11-21",
    employerSignedOn: "2025-11-25",
    tutorSignedOn: "2025-11-23",
  };

  it("counts to the as-of date while any signature is missing", () => {
    expect(daysUnsigned(opened, "2026-01-19")).toBe(60);
    expect(daysUnsigned({ ...signed, employerSignedOn: null }, "2026-01-19")).toBe(60);
    expect(allSignedOn({ ...signed, employerSignedOn: null })).toBeNull();
  });

  it("stops at the third signature", () => {
    expect(allSignedOn(signed)).toBe("2025-11-25");
    expect(daysUnsigned(signed, "2026-01-19")).toBe(5);
    expect(daysUnsigned(signed, "2025-11-24")).toBe(4);
    expect(daysUnsigned(opened, "2025-11-20")).toBe(0);
  });
});

// ───────────────────────────── properties ─────────────────────────────

const arbitraryInput = fc
  .record({
    start: fc.integer({ min: toDayNumber("2020-01-01"), max: toDayNumber("2035-12-31") }),
    months: fc.integer({ min: 8, max: 48 }),
    breaks: fc.array(
      fc.record({ offset: fc.integer({ min: -60, max: 1500 }), length: fc.integer({ min: 0, max: 120 }) }),
      { maxLength: 3 },
    ),
    held: fc.array(fc.integer({ min: -30, max: 1500 }), { maxLength: 12 }),
  })
  .map(({ start, months, breaks, held: heldOffsets }): ReviewScheduleInput => {
    const startDate = fromDayNumber(start);
    return {
      startDate,
      plannedEndDate: addDays(addCalendarMonths(startDate, months), -1),
      breaks: breaks.map((b) => ({
        startDate: fromDayNumber(start + b.offset),
        endDate: fromDayNumber(start + b.offset + b.length),
      })),
      heldReviews: heldOffsets.map((o) => ({ heldOn: fromDayNumber(start + o) })),
    };
  });

const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7));

describe("properties of the schedule", () => {
  it("every due date is the month end 3 months after its anchor, pushed exactly by break days in its window", () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const breaks = closeBreaks(input.breaks ?? [], null);
        for (const r of reviewSchedule(input).reviews) {
          const unpushed = addDays(r.dueOn, -r.breakDays);
          expect(unpushed).toBe(endOfMonth(unpushed));
          expect(monthIndex(unpushed) - monthIndex(r.anchor)).toBe(3);
          expect(r.breakDays).toBe(daysCovered(breaks, addDays(r.anchor, 1), r.dueOn));
        }
      }),
      { numRuns: 400 },
    );
  });

  it("anchors chain (start, then held date or previous due date) in strictly later months", () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const { reviews } = reviewSchedule(input);
        reviews.forEach((r, i) => {
          expect(r.sequence).toBe(i + 1);
          if (i === 0) return expect(r.anchor).toBe(input.startDate);
          const previous = reviews[i - 1];
          expect(r.anchor).toBe(previous.heldOn ?? previous.dueOn);
          expect(monthIndex(r.anchor)).toBeGreaterThan(monthIndex(previous.anchor));
        });
      }),
      { numRuns: 400 },
    );
  });

  it("due dates are strictly increasing and at most 3 calendar months (plus breaks) apart when no review is held", () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const { reviews } = reviewSchedule({ ...input, heldReviews: [] });
        for (let i = 1; i < reviews.length; i++) {
          expect(toDayNumber(reviews[i].dueOn)).toBeGreaterThan(toDayNumber(reviews[i - 1].dueOn));
          expect(addDays(reviews[i].dueOn, -reviews[i].breakDays)).toBe(baseDueDate(reviews[i - 1].dueOn));
        }
      }),
      { numRuns: 400 },
    );
  });

  it("due dates are strictly increasing with held reviews when there are no breaks", () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const { reviews } = reviewSchedule({ ...input, breaks: [] });
        for (let i = 1; i < reviews.length; i++) {
          expect(toDayNumber(reviews[i].dueOn)).toBeGreaterThan(toDayNumber(reviews[i - 1].dueOn));
        }
      }),
      { numRuns: 400 },
    );
  });

  it("accounts for every held review once, and covers the programme to its planned end", () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const schedule = reviewSchedule(input);
        const expectedHeld = [...new Set((input.heldReviews ?? []).map((h) => h.heldOn))]
          .filter((d) => toDayNumber(d) >= toDayNumber(input.startDate))
          .sort();
        const placed = [
          ...schedule.reviews.flatMap((r) => (r.heldOn ? [r.heldOn] : [])),
          ...schedule.extraHeldReviews,
        ].sort();
        expect(placed).toEqual(expectedHeld);
        for (const r of schedule.reviews) {
          if (r.heldOn === null) expect(toDayNumber(r.dueOn)).toBeLessThanOrEqual(toDayNumber(input.plannedEndDate));
        }
        const last = schedule.reviews[schedule.reviews.length - 1];
        const nextAnchor = last ? (last.heldOn ?? last.dueOn) : input.startDate;
        const next = dueDateFrom(nextAnchor, closeBreaks(input.breaks ?? [], null)).dueOn;
        expect(toDayNumber(next)).toBeGreaterThan(toDayNumber(input.plannedEndDate));
      }),
      { numRuns: 400 },
    );
  });
});

// What a mutation run showed no test noticed.
describe("reviewSchedule: what a reader is told", () => {
  it("names both dates when the end is before the start", () => {
    expect(() => reviewSchedule({ startDate: "2025-08-01", plannedEndDate: "2025-07-31" })).toThrow(
      "Planned end 2025-07-31 is before the start 2025-08-01",
    );
  });

  it("pauses at the earliest open break, whatever order the breaks come in", () => {
    const breaks = [
      { startDate: "2026-03-01", endDate: null },
      { startDate: "2025-12-01", endDate: null },
    ];
    const s = reviewSchedule({ ...YEAR, breaks });
    expect(s.pausedFrom).toBe("2025-12-01");
    expect(s.reviews.map((r) => r.dueOn)).toEqual(["2025-11-30"]);
  });
});
