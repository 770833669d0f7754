import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addCalendarMonths, addDays, fromDayNumber, toDayNumber } from "./dates.ts";
import {
  OTJ_FLOOR_HOURS,
  otjActHoursForIlr,
  otjDayLimitRefusal,
  otjRegimeFor,
  otjSeries,
  otjStatus,
  plannedOtjHours,
  type OtjPlanInput,
  type OtjRag,
} from "./otj.ts";

const ST0120 = { reference: "ST0120", otjMinimumHours: 384 };

/** A 365-day programme (both ends included) on the given start date. */
function yearFrom(startDate: string, extra: Partial<OtjPlanInput> = {}): OtjPlanInput {
  return {
    startDate,
    plannedEndDate: addDays(addCalendarMonths(startDate, 12), -1),
    contractedWeeklyHours: 30,
    standard: ST0120,
    ...extra,
  };
}

/** Working weeks in a programme of `days` days in learning: days ÷ 7 less 5.6 weeks per 365 days. */
const workingWeeks = (days: number) => days / 7 - (5.6 * days) / 365;

describe("otjRegimeFor: the regime depends only on the start date", () => {
  it.each([
    ["1990-01-01", "PERCENT_20"],
    ["2022-07-31", "PERCENT_20"],
    ["2022-08-01", "HOURS_6_PER_WEEK"],
    ["2025-07-31", "HOURS_6_PER_WEEK"],
    ["2025-08-01", "STANDARD_MINIMUM"],
    ["2040-02-29", "STANDARD_MINIMUM"],
  ])("a start on %s is %s", (start, regime) => {
    expect(otjRegimeFor(start)).toBe(regime);
  });

  it("switches exactly on 1 Aug 2022 and 1 Aug 2025 (property)", () => {
    const boundaries = [
      { from: "2022-08-01", before: "PERCENT_20", after: "HOURS_6_PER_WEEK" },
      { from: "2025-08-01", before: "HOURS_6_PER_WEEK", after: "STANDARD_MINIMUM" },
    ] as const;
    for (const b of boundaries) {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 1095 }), (k) => {
          expect(otjRegimeFor(addDays(b.from, k))).toBe(b.after);
          expect(otjRegimeFor(addDays(b.from, -(k + 1)))).toBe(b.before);
        }),
      );
    }
  });
});

describe("plannedOtjHours: 20% regime (starts before 1 Aug 2022)", () => {
  it("is 20% of contracted hours over working weeks, statutory leave removed, rounded up", () => {
    const plan = plannedOtjHours(yearFrom("2021-08-01"));
    // 365 days = 52.14 weeks − 5.6 weeks' leave = 46.54 weeks × 30 h × 20% = 279.26 → 280
    expect(plan.regime).toBe("PERCENT_20");
    expect(plan.hours).toBe(280);
    expect(plan.explanation).toBe(
      "20% × 30 hours a week × 46.5 working weeks (52.1 weeks on programme − 5.6 weeks' statutory leave) = " +
        "20% of 1,396.3 contracted hours = 279.26, rounded up to 280 hours",
    );
    expect(plan.problems).toEqual([]);
  });

  it("has no 30-hour cap: more contracted hours mean more OTJ", () => {
    expect(plannedOtjHours(yearFrom("2021-08-01", { contractedWeeklyHours: 37.5 })).hours).toBe(350); // 349.07
    expect(plannedOtjHours(yearFrom("2021-08-01", { contractedWeeklyHours: 40 })).hours).toBe(373); // 372.34
    expect(plannedOtjHours(yearFrom("2021-08-01", { contractedWeeklyHours: 20 })).hours).toBe(187); // 186.17
  });

  it("scales with a two-year programme", () => {
    const plan = plannedOtjHours({ ...yearFrom("2020-09-01"), plannedEndDate: "2022-08-31" });
    expect(plan.hours).toBe(Math.ceil(0.2 * 30 * workingWeeks(730))); // 558.51 → 559
    expect(plan.hours).toBe(559);
  });

  it("does not subtract prior learning again (it shortens the duration instead) and says so", () => {
    const plan = plannedOtjHours(yearFrom("2021-08-01", { priorLearningHours: 40 }));
    expect(plan.hours).toBe(280);
    expect(plan.explanation).toContain("Prior learning (40 hours) is not subtracted");
  });
});

describe("plannedOtjHours: 6 hours a week (starts 1 Aug 2022 – 31 Jul 2025)", () => {
  it("is 6 hours a week over working weeks for 30+ contracted hours", () => {
    const plan = plannedOtjHours(yearFrom("2022-08-01"));
    expect(plan.regime).toBe("HOURS_6_PER_WEEK");
    expect(plan.hours).toBe(280); // 6 × 46.54 = 279.26
    expect(plan.explanation).toBe(
      "6 hours a week (30+ contracted hours) × 46.5 working weeks (52.1 weeks on programme − 5.6 weeks' statutory leave) = 279.26, rounded up to 280 hours",
    );
  });

  it("caps at 6 hours a week however long the working week", () => {
    for (const weekly of [30, 37.5, 40, 48]) {
      expect(plannedOtjHours(yearFrom("2022-09-01", { contractedWeeklyHours: weekly })).hours).toBe(280);
    }
  });

  it.each([
    [20, 4, 187], // 4 × 46.54 = 186.17
    [15, 3, 140], // 139.63
    [24, 4.8, 224], // 223.41
    [29.5, 5.9, 275], // 274.60
  ])("is pro rata below 30 hours: %s hours → %s a week → %s hours", (weekly, perWeek, expected) => {
    const plan = plannedOtjHours(yearFrom("2023-01-15", { contractedWeeklyHours: weekly }));
    expect(plan.hours).toBe(expected);
    expect(plan.hours).toBe(Math.ceil(perWeek * workingWeeks(365)));
    expect(plan.explanation).toContain(`pro rata for ${weekly} contracted hours`);
  });

  it("counts a leap year's extra day (366 days in learning)", () => {
    const plan = plannedOtjHours({ ...yearFrom("2023-09-01"), plannedEndDate: "2024-08-31" });
    expect(plan.hours).toBe(281); // 6 × (366/7 − 5.6 × 366/365) = 280.02 → 281
  });

  it("excludes closed breaks from the weeks in learning", () => {
    const plan = plannedOtjHours(
      yearFrom("2022-08-01", { breaks: [{ startDate: "2023-01-01", endDate: "2023-01-28" }] }),
    );
    expect(plan.hours).toBe(Math.ceil(6 * workingWeeks(337))); // 257.83 → 258
    expect(plan.hours).toBe(258);
    expect(plan.explanation).toContain("52.1 weeks on programme − 4.0 weeks on breaks − 5.2 weeks' statutory leave");
  });

  it("counts overlapping breaks once", () => {
    const overlapping = plannedOtjHours(
      yearFrom("2022-08-01", {
        breaks: [
          { startDate: "2023-01-01", endDate: "2023-01-28" },
          { startDate: "2023-01-15", endDate: "2023-02-10" },
        ],
      }),
    );
    const single = plannedOtjHours(
      yearFrom("2022-08-01", { breaks: [{ startDate: "2023-01-01", endDate: "2023-02-10" }] }),
    );
    expect(overlapping.hours).toBe(single.hours);
    expect(single.hours).toBe(Math.ceil(6 * workingWeeks(365 - 41)));
  });

  it("leaves an open break out of the plan until it has an end date", () => {
    const open = plannedOtjHours(yearFrom("2022-08-01", { breaks: [{ startDate: "2023-01-01", endDate: null }] }));
    expect(open.hours).toBe(280);
  });

  it("recomputes when the planned end date changes", () => {
    const original = plannedOtjHours(yearFrom("2023-02-01"));
    const extended = plannedOtjHours({ ...yearFrom("2023-02-01"), plannedEndDate: "2024-07-31" });
    expect(original.hours).toBe(280);
    expect(extended.hours).toBe(Math.ceil(6 * workingWeeks(547))); // 1 Feb 2023 – 31 Jul 2024 (leap day inside)
    expect(extended.hours).toBe(419);
  });
});

describe("boundaries between regimes give different plans for the same programme", () => {
  it("31 Jul 2022 (20%, no cap) vs 1 Aug 2022 (6 hours a week) for a 40-hour week", () => {
    expect(plannedOtjHours(yearFrom("2022-07-31", { contractedWeeklyHours: 40 }))).toMatchObject({
      regime: "PERCENT_20",
      hours: 373,
    });
    expect(plannedOtjHours(yearFrom("2022-08-01", { contractedWeeklyHours: 40 }))).toMatchObject({
      regime: "HOURS_6_PER_WEEK",
      hours: 280,
    });
  });

  it("31 Jul 2025 (6 hours a week) vs 1 Aug 2025 (standard minimum)", () => {
    expect(plannedOtjHours(yearFrom("2025-07-31"))).toMatchObject({ regime: "HOURS_6_PER_WEEK", hours: 280 });
    expect(plannedOtjHours(yearFrom("2025-08-01"))).toMatchObject({ regime: "STANDARD_MINIMUM", hours: 384 });
  });
});

describe("plannedOtjHours: standard minimum (starts from 1 Aug 2025)", () => {
  it("is the published minimum, independent of contracted hours and duration", () => {
    const plan = plannedOtjHours(yearFrom("2025-08-01", { contractedWeeklyHours: 16 }));
    expect(plan).toEqual({
      regime: "STANDARD_MINIMUM",
      hours: 384,
      explanation: "Standard ST0120 minimum 384 hours (no prior learning recorded)",
      problems: [],
    });
    expect(plannedOtjHours({ ...yearFrom("2025-08-01"), plannedEndDate: "2027-07-31" }).hours).toBe(384);
  });

  it("subtracts evidenced prior learning", () => {
    const plan = plannedOtjHours(yearFrom("2025-09-01", { priorLearningHours: 40 }));
    expect(plan.hours).toBe(344);
    expect(plan.explanation).toBe("Standard ST0120 minimum 384 hours − 40 hours prior learning = 344 hours");
  });

  it.each([
    [196, 188, false],
    [197, 187, false],
    [198, 187, true],
    [300, 187, true],
    [5000, 187, true],
  ])("never goes below the 187-hour floor (prior learning %i → %i)", (prior, expected, raised) => {
    const plan = plannedOtjHours(yearFrom("2025-09-01", { priorLearningHours: prior }));
    expect(plan.hours).toBe(expected);
    expect(plan.explanation.endsWith("raised to the 187-hour floor")).toBe(raised);
  });

  it("raises a published minimum below 187 to the floor too", () => {
    expect(
      plannedOtjHours(yearFrom("2025-09-01", { standard: { reference: "ST9999", otjMinimumHours: 150 } })).hours,
    ).toBe(187);
  });

  it("explains, rather than guesses, when the standard has no published minimum", () => {
    const plan = plannedOtjHours(yearFrom("2025-09-01", { standard: { reference: "ST0973", otjMinimumHours: null } }));
    expect(plan.hours).toBeNull();
    expect(plan.problems.map((p) => p.code)).toEqual(["NO_PUBLISHED_MINIMUM"]);
    expect(plan.explanation).toContain("Standard ST0973 has no published minimum OTJ hours");
  });

  it("never plans below 187 hours (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: toDayNumber("2025-08-01"), max: toDayNumber("2040-12-31") }).map(fromDayNumber),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.double({ min: 1, max: 60, noNaN: true }),
        (start, months, minimum, prior, weekly) => {
          const plan = plannedOtjHours({
            startDate: start,
            plannedEndDate: addCalendarMonths(start, months),
            contractedWeeklyHours: weekly,
            standard: { reference: "ST0001", otjMinimumHours: minimum },
            priorLearningHours: prior,
          });
          expect(plan.hours).toBeGreaterThanOrEqual(OTJ_FLOOR_HOURS);
          expect(Number.isInteger(plan.hours)).toBe(true);
        },
      ),
    );
  });
});

describe("minimum programme length of 8 months (standard-minimum regime)", () => {
  const codes = (input: OtjPlanInput) => plannedOtjHours(input).problems.map((p) => p.code);

  it("accepts exactly 8 months and flags one day less", () => {
    expect(codes({ ...yearFrom("2025-08-01"), plannedEndDate: "2026-03-31" })).toEqual([]);
    expect(codes({ ...yearFrom("2025-08-01"), plannedEndDate: "2026-03-30" })).toEqual(["PROGRAMME_TOO_SHORT"]);
    expect(plannedOtjHours({ ...yearFrom("2025-08-01"), plannedEndDate: "2026-03-30" }).problems[0].message).toContain(
      "must run until at least 31 March 2026",
    );
  });

  it("measures time in learning, so a break needs a later end date", () => {
    const breaks = [{ startDate: "2025-12-01", endDate: "2025-12-10" }];
    expect(codes({ ...yearFrom("2025-08-01", { breaks }), plannedEndDate: "2026-04-10" })).toEqual([]);
    expect(codes({ ...yearFrom("2025-08-01", { breaks }), plannedEndDate: "2026-04-09" })).toEqual([
      "PROGRAMME_TOO_SHORT",
    ]);
  });

  it("clamps at month ends and handles 29 February 2028", () => {
    expect(codes({ ...yearFrom("2027-06-30"), plannedEndDate: "2028-02-28" })).toEqual([]);
    expect(codes({ ...yearFrom("2027-06-30"), plannedEndDate: "2028-02-27" })).toEqual(["PROGRAMME_TOO_SHORT"]);
  });

  it("is not applied to the earlier regimes", () => {
    expect(codes({ ...yearFrom("2024-08-01"), plannedEndDate: "2024-12-31" })).toEqual([]);
  });
});

describe("plannedOtjHours: invalid input", () => {
  it("throws on an end before the start, negative hours or bad dates", () => {
    expect(() => plannedOtjHours({ ...yearFrom("2025-08-01"), plannedEndDate: "2025-07-31" })).toThrow(RangeError);
    expect(() => plannedOtjHours(yearFrom("2025-08-01", { contractedWeeklyHours: -1 }))).toThrow(RangeError);
    expect(() => plannedOtjHours(yearFrom("2025-08-01", { priorLearningHours: Number.NaN }))).toThrow(RangeError);
    expect(() => plannedOtjHours({ ...yearFrom("2025-08-01"), startDate: "2025-02-30" })).toThrow(RangeError);
  });
});

// ───────────────────────────── status ─────────────────────────────

/** 1 Aug 2025 – 31 Jul 2026 (365 days); a standard minimum of 365 hours makes the plan 1 hour a day. */
const HOUR_A_DAY = yearFrom("2025-08-01", { standard: { reference: "ST0365", otjMinimumHours: 365 } });
const status = (input: OtjPlanInput, hours: number, asOf: string) =>
  otjStatus({ ...input, verifiedMinutes: hours * 60 }, asOf);
// 8 Nov 2025 is day 100 in learning (31 + 30 + 31 + 8).
const DAY_100 = "2025-11-08";

describe("otjStatus: required, actual and forecast", () => {
  it("pro-rates the plan over days in learning, counting the as-of day", () => {
    const s = status(yearFrom("2025-08-01"), 100, "2026-01-31");
    expect(s.daysInLearningElapsed).toBe(184);
    expect(s.daysInLearningTotal).toBe(365);
    expect(s.plannedTotal).toBe(384);
    expect(s.requiredToDate).toBe(193.58); // 384 × 184 / 365
    expect(s.actual).toBe(100);
    expect(s.forecast).toBe(198.37); // 100 + (100/184) × 181
    expect(s.behindBy).toBe(93.58);
    expect(s.forecastShortfall).toBe(185.63);
  });

  it("reaches the planned total on the planned end date", () => {
    expect(status(HOUR_A_DAY, 0, "2026-07-31").requiredToDate).toBe(365);
    expect(status(HOUR_A_DAY, 0, "2025-08-01").requiredToDate).toBe(1);
  });

  it("forecasts with the plan's pace before the start, and with actual pace after", () => {
    const before = status(HOUR_A_DAY, 0, "2025-07-20");
    expect(before).toMatchObject({ rag: "green", forecast: 365, requiredToDate: 0 });
    expect(before.reason).toBe("Not started yet: the apprenticeship starts on 1 August 2025.");
    expect(status(HOUR_A_DAY, 50, DAY_100).forecast).toBe(182.5); // 50 + 0.5 × 265
  });

  it("converts verified minutes to hours", () => {
    expect(otjStatus({ ...HOUR_A_DAY, verifiedMinutes: 90 }, DAY_100).actual).toBe(1.5);
  });
});

describe("otjStatus: red/amber/green", () => {
  it("is green on or ahead of plan", () => {
    const s = status(HOUR_A_DAY, 100, DAY_100);
    expect(s.rag).toBe("green");
    expect(s.reason).toBe(
      "On plan: 100 hours verified, 100 expected by now; at this pace 365 hours by the planned end (planned 365).",
    );
  });

  it("is amber when behind but the forecast is within 10% (boundary exactly at 90%)", () => {
    const s = status(HOUR_A_DAY, 90, DAY_100); // forecast 90 + 0.9 × 265 = 328.5 = 90% of 365
    expect(s.rag).toBe("amber");
    expect(s.reason).toBe(
      "10 hours behind plan; at this pace 36.5 hours short at the planned end (within 10% of the planned 365).",
    );
  });

  it("is red when the forecast is more than 10% short", () => {
    const s = status(HOUR_A_DAY, 89.9, DAY_100);
    expect(s.rag).toBe("red");
    expect(s.reason).toBe("10.1 hours behind plan; at this pace 36.9 hours short at the planned end.");
  });

  it("reads like the product copy for a real standard", () => {
    expect(status(yearFrom("2025-08-01"), 100, "2026-01-31").reason).toBe(
      "93.6 hours behind plan; at this pace 185.6 hours short at the planned end.",
    );
  });

  it("is at worst amber during the first 28 days in learning", () => {
    expect(status(HOUR_A_DAY, 0, "2025-08-10").rag).toBe("amber");
    expect(status(HOUR_A_DAY, 0, "2025-08-28").rag).toBe("amber");
    expect(status(HOUR_A_DAY, 0, "2025-08-28").reason).toContain("too early to judge the pace");
    expect(status(HOUR_A_DAY, 0, "2025-08-29").rag).toBe("red");
  });

  it("is green once the planned hours are met, even early", () => {
    const s = status(HOUR_A_DAY, 365, "2025-09-15");
    expect(s.rag).toBe("green");
    expect(s.reason).toBe("Planned hours met: 365 of 365 hours verified.");
  });

  it("is red after the planned end date while hours are short, green when met", () => {
    const short = status(HOUR_A_DAY, 364, "2026-08-01");
    expect(short.rag).toBe("red");
    expect(short.reason).toBe(
      "The planned end date (31 July 2026) has passed and 1 hour of the planned 365 are still to be verified.",
    );
    expect(short.forecast).toBe(364);
    expect(status(HOUR_A_DAY, 365, "2026-08-01").rag).toBe("green");
    expect(status(HOUR_A_DAY, 364, "2026-07-31").rag).toBe("amber"); // on the end date itself, 99.7%
  });

  it("is red, with the reason, when there is no planned total", () => {
    const s = status(
      yearFrom("2025-08-01", { standard: { reference: "ST0973", otjMinimumHours: null } }),
      500,
      DAY_100,
    );
    expect(s).toMatchObject({ rag: "red", plannedTotal: null, requiredToDate: null, actual: 500 });
    expect(s.reason).toContain("cannot be worked out");
    expect(s.reason).toContain("ST0973");
  });

  it("works the same way in the 6-hour regime", () => {
    // 1 Aug 2022 – 31 Jul 2023, 30 hours: planned 280; day 100 is 8 Nov 2022.
    const input = yearFrom("2022-08-01");
    expect(status(input, 76.72, "2022-11-08").rag).toBe("green"); // required 280 × 100/365 = 76.71
    expect(status(input, 70, "2022-11-08").rag).toBe("amber");
    expect(status(input, 60, "2022-11-08").rag).toBe("red");
  });
});

describe("otjStatus: breaks in learning pause the clock", () => {
  const withBreak = yearFrom("2025-08-01", {
    standard: { reference: "ST0365", otjMinimumHours: 365 },
    breaks: [{ startDate: "2025-11-01", endDate: "2025-11-30" }],
  });

  it("does not grow the requirement during a break", () => {
    const lastDayBefore = status(withBreak, 0, "2025-10-31");
    const duringBreak = status(withBreak, 0, "2025-11-20");
    const lastDayOfBreak = status(withBreak, 0, "2025-11-30");
    expect(lastDayBefore.daysInLearningElapsed).toBe(92);
    expect(duringBreak.daysInLearningElapsed).toBe(92);
    expect(lastDayOfBreak.requiredToDate).toBe(lastDayBefore.requiredToDate);
    expect(lastDayBefore.requiredToDate).toBe(100.24); // 365 × 92 / 335
    expect(status(withBreak, 0, "2025-12-01").daysInLearningElapsed).toBe(93);
  });

  it("says the clock is paused while on a break", () => {
    const s = status(withBreak, 0, "2025-11-20");
    expect(s.onBreak).toBe(true);
    expect(s.reason.endsWith("On a break in learning: the clock is paused.")).toBe(true);
    expect(status(withBreak, 0, "2025-12-01").onBreak).toBe(false);
  });

  it("pauses for an open break up to the as-of date", () => {
    const open = { ...withBreak, breaks: [{ startDate: "2025-11-01", endDate: null }] };
    const s = status(open, 90, "2025-12-15");
    expect(s.daysInLearningElapsed).toBe(92);
    expect(s.daysInLearningTotal).toBe(365 - 45);
    expect(s.requiredToDate).toBe(104.94); // 365 × 92 / 320
    expect(s.onBreak).toBe(true);
  });

  it("keeps a 6-hour-regime apprentice on plan across a break", () => {
    const input = yearFrom("2022-08-01", { breaks: [{ startDate: "2023-01-01", endDate: "2023-01-31" }] });
    const planned = plannedOtjHours(input).hours as number; // 334 days in learning
    expect(planned).toBe(Math.ceil(6 * workingWeeks(334)));
    const s = status(input, 0, "2023-01-31");
    expect(s.requiredToDate).toBe(Math.round(((planned * 153) / 334) * 100) / 100); // Aug–Dec = 153 days
  });
});

describe("otjStatus: a changed end date recomputes everything", () => {
  it("spreads the same standard minimum over longer time", () => {
    const original = status(HOUR_A_DAY, 90, DAY_100);
    const extended = status({ ...HOUR_A_DAY, plannedEndDate: "2026-10-31" }, 90, DAY_100); // 457 days
    expect(original.rag).toBe("amber");
    expect(extended.daysInLearningTotal).toBe(457);
    expect(extended.requiredToDate).toBe(79.87); // 365 × 100 / 457
    expect(extended.rag).toBe("green");
  });

  it("grows the plan in the 6-hour regime", () => {
    const original = status(yearFrom("2023-02-01"), 100, "2023-08-01");
    const extended = status({ ...yearFrom("2023-02-01"), plannedEndDate: "2024-07-31" }, 100, "2023-08-01");
    expect(original.plannedTotal).toBe(280);
    expect(extended.plannedTotal).toBe(419);
    expect(extended.forecast).toBeGreaterThan(original.forecast);
  });
});

describe("otjActHoursForIlr: whole hours actually completed (floor)", () => {
  it.each([
    [0, 0],
    [59, 0],
    [60, 1],
    [119, 1],
    [120, 2],
    [16_845, 280], // 280.75 hours is reported as 280, never 281
  ])("%i minutes → %i hours", (minutes, expected) => {
    expect(otjActHoursForIlr(minutes)).toBe(expected);
  });

  it("refuses negative or non-numeric minutes", () => {
    expect(() => otjActHoursForIlr(-1)).toThrow(RangeError);
    expect(() => otjActHoursForIlr(Number.NaN)).toThrow(RangeError);
  });
});

describe("otjSeries: chart points with a data table", () => {
  const entries = [
    { occurredOn: "2025-08-20", minutes: 600 },
    { occurredOn: "2025-10-31", minutes: 1200 },
    { occurredOn: "2025-11-10", minutes: 600 },
    { occurredOn: "2025-11-20", minutes: 6000 }, // after the as-of date: not counted
  ];
  const input = { ...HOUR_A_DAY, verifiedEntries: entries };
  // Built inside each test (a mutation run activates its mutant only once the tests start).
  const points = () => otjSeries(input, "2025-11-15");

  it("has a point per month end, the as-of date and the planned end", () => {
    expect(points().map((p) => p.date)).toEqual([
      "2025-08-31",
      "2025-09-30",
      "2025-10-31",
      "2025-11-15",
      "2025-11-30",
      "2025-12-31",
      "2026-01-31",
      "2026-02-28",
      "2026-03-31",
      "2026-04-30",
      "2026-05-31",
      "2026-06-30",
      "2026-07-31",
    ]);
    expect(
      points()
        .filter((p) => p.isAsOf)
        .map((p) => p.date),
    ).toEqual(["2025-11-15"]);
  });

  it("shows required to date at each point", () => {
    expect(points().map((p) => p.required)).toEqual([31, 61, 92, 107, 122, 153, 184, 212, 243, 273, 304, 334, 365]);
  });

  it("shows cumulative verified hours up to the as-of date only", () => {
    expect(points().map((p) => p.actual)).toEqual([
      10,
      10,
      30,
      40,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it("forecasts from the as-of date, ending at otjStatus's forecast", () => {
    const forecast = points().map((p) => p.forecast);
    expect(forecast.slice(0, 3)).toEqual([null, null, null]);
    expect(forecast[3]).toBe(40);
    const pace = 40 / 107;
    expect(forecast[4]).toBe(Math.round((40 + pace * 15) * 100) / 100);
    const s = otjStatus({ ...HOUR_A_DAY, verifiedMinutes: 2400 }, "2025-11-15");
    expect(forecast[forecast.length - 1]).toBe(s.forecast);
  });

  it("ends on a planned end date that is not a month end, and follows leap years", () => {
    const dates = otjSeries({ ...input, startDate: "2027-11-10", plannedEndDate: "2028-08-15" }, "2028-02-29").map(
      (p) => p.date,
    );
    expect(dates.slice(0, 4)).toEqual(["2027-11-30", "2027-12-31", "2028-01-31", "2028-02-29"]);
    expect(dates[dates.length - 1]).toBe("2028-08-15");
    expect(dates).not.toContain("2028-08-31");
  });

  it("has no forecast line once the planned end has passed", () => {
    const after = otjSeries(input, "2026-09-01");
    expect(after.every((p) => p.forecast === null)).toBe(true);
    expect(after[after.length - 1].actual).toBe(140); // every entry, the 20 Nov one included
  });
});

// ───────────────────────────── properties across all regimes ─────────────────────────────

const RANK: Record<OtjRag, number> = { red: 0, amber: 1, green: 2 };

const arbitraryProgramme = fc
  .record({
    start: fc.integer({ min: toDayNumber("2019-01-01"), max: toDayNumber("2030-12-31") }),
    lengthDays: fc.integer({ min: 0, max: 1500 }),
    weekly: fc.double({ min: 0, max: 48, noNaN: true }),
    minimum: fc.option(fc.integer({ min: 0, max: 1500 }), { nil: null }),
    prior: fc.integer({ min: 0, max: 600 }),
    breakAt: fc.option(
      fc.record({
        offset: fc.integer({ min: -30, max: 1500 }),
        length: fc.integer({ min: 0, max: 200 }),
        open: fc.boolean(),
      }),
      {
        nil: null,
      },
    ),
  })
  .map(({ start, lengthDays, weekly, minimum, prior, breakAt }): OtjPlanInput => {
    const startDate = fromDayNumber(start);
    const breakStart = breakAt && fromDayNumber(start + breakAt.offset);
    return {
      startDate,
      plannedEndDate: fromDayNumber(start + lengthDays),
      contractedWeeklyHours: weekly,
      standard: { reference: "ST0001", otjMinimumHours: minimum },
      priorLearningHours: prior,
      breaks:
        breakAt && breakStart
          ? [{ startDate: breakStart, endDate: breakAt.open ? null : addDays(breakStart, breakAt.length) }]
          : [],
    };
  });

const arbitraryAsOf = (input: OtjPlanInput) =>
  fc
    .integer({ min: toDayNumber(input.startDate) - 60, max: toDayNumber(input.plannedEndDate) + 60 })
    .map(fromDayNumber);

describe("properties of the status", () => {
  it("adding verified hours never worsens the status", () => {
    fc.assert(
      fc.property(
        arbitraryProgramme.chain((input) => fc.tuple(fc.constant(input), arbitraryAsOf(input))),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 1, max: 30_000 }),
        ([input, asOf], minutes, more) => {
          const before = otjStatus({ ...input, verifiedMinutes: minutes }, asOf);
          const after = otjStatus({ ...input, verifiedMinutes: minutes + more }, asOf);
          expect(RANK[after.rag]).toBeGreaterThanOrEqual(RANK[before.rag]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("never forecasts below the actual hours", () => {
    fc.assert(
      fc.property(
        arbitraryProgramme.chain((input) => fc.tuple(fc.constant(input), arbitraryAsOf(input))),
        fc.integer({ min: 0, max: 60_000 }),
        ([input, asOf], minutes) => {
          const s = otjStatus({ ...input, verifiedMinutes: minutes }, asOf);
          expect(s.forecast).toBeGreaterThanOrEqual(s.actual);
          if (s.requiredToDate !== null && s.plannedTotal !== null) {
            expect(s.requiredToDate).toBeLessThanOrEqual(s.plannedTotal);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("never plans a fractional or negative number of hours, and a longer programme never needs fewer", () => {
    fc.assert(
      fc.property(arbitraryProgramme, fc.integer({ min: 1, max: 400 }), (input, moreDays) => {
        const plan = plannedOtjHours(input);
        const longer = plannedOtjHours({ ...input, plannedEndDate: addDays(input.plannedEndDate, moreDays) });
        if (plan.hours === null) return;
        expect(Number.isInteger(plan.hours) && plan.hours >= 0).toBe(true);
        expect(longer.hours as number).toBeGreaterThanOrEqual(plan.hours);
      }),
      { numRuns: 300 },
    );
  });

  it("the series' forecast ends where the status forecast does", () => {
    fc.assert(
      fc.property(
        arbitraryProgramme.chain((input) => fc.tuple(fc.constant(input), arbitraryAsOf(input))),
        fc.array(fc.record({ offset: fc.integer({ min: 0, max: 1500 }), minutes: fc.integer({ min: 0, max: 600 }) }), {
          maxLength: 20,
        }),
        ([input, asOf], raw) => {
          fc.pre(!(toDayNumber(asOf) > toDayNumber(input.plannedEndDate)));
          const verifiedEntries = raw.map((e) => ({
            occurredOn: addDays(input.startDate, e.offset),
            minutes: e.minutes,
          }));
          const points = otjSeries({ ...input, verifiedEntries }, asOf);
          const counted = verifiedEntries.filter((e) => toDayNumber(e.occurredOn) <= toDayNumber(asOf));
          const s = otjStatus({ ...input, verifiedMinutes: counted.reduce((sum, e) => sum + e.minutes, 0) }, asOf);
          expect(points[points.length - 1].forecast).toBe(s.forecast);
          const actuals = points.map((p) => p.actual).filter((a): a is number => a !== null);
          expect(actuals).toEqual([...actuals].sort((a, b) => a - b));
        },
      ),
      { numRuns: 200 },
    );
  });
});

// ───────────────────────────── what a mutation run showed no test noticed ─────────────────────────────

describe("refusals name the figure at fault", () => {
  it("says which input was wrong and what it was", () => {
    expect(() => plannedOtjHours({ ...yearFrom("2025-08-01"), plannedEndDate: "2025-07-31" })).toThrow(
      "Planned end 2025-07-31 is before the start 2025-08-01",
    );
    expect(() => plannedOtjHours(yearFrom("2025-08-01", { contractedWeeklyHours: -1 }))).toThrow(
      "contractedWeeklyHours must be a number ≥ 0: -1",
    );
    expect(() => plannedOtjHours(yearFrom("2025-08-01", { priorLearningHours: Number.NaN }))).toThrow(
      "priorLearningHours must be a number ≥ 0: NaN",
    );
    expect(() =>
      plannedOtjHours(yearFrom("2025-08-01", { standard: { reference: "ST0001", otjMinimumHours: -5 } })),
    ).toThrow("otjMinimumHours must be a number ≥ 0: -5");
    expect(() => otjStatus({ ...yearFrom("2025-08-01"), verifiedMinutes: -1 }, DAY_100)).toThrow(
      "verifiedMinutes must be a number ≥ 0: -1",
    );
    expect(() => otjActHoursForIlr(-1)).toThrow("verifiedMinutes must be a number ≥ 0: -1");
  });
});

describe("what the tutor is told when the plan cannot be agreed", () => {
  it("asks for the standard's minimum to be recorded when none is published", () => {
    const plan = plannedOtjHours(yearFrom("2025-08-01", { standard: { reference: "ST0973", otjMinimumHours: null } }));
    expect(plan.explanation).toBe(
      "Standard ST0973 has no published minimum OTJ hours, which starts from 1 August 2025 need. " +
        "Record the minimum on the standard before agreeing the training plan.",
    );
  });

  it("names the days in learning and the last day the programme must reach, and mentions breaks only when there are some", () => {
    const short = plannedOtjHours({ ...yearFrom("2025-08-01"), plannedEndDate: "2026-03-30" });
    expect(short.problems[0].message).toBe(
      "The planned time in learning (242 days from 1 August 2025) is shorter than the 8-month minimum: it must run until at least 31 March 2026.",
    );
    const breaks = [{ startDate: "2025-12-01", endDate: "2025-12-10" }];
    const withBreak = plannedOtjHours({ ...yearFrom("2025-08-01", { breaks }), plannedEndDate: "2026-04-09" });
    expect(withBreak.problems[0].message).toBe(
      "The planned time in learning (242 days from 1 August 2025) is shorter than the 8-month minimum: it must run until at least 31 March 2026 plus the days on breaks.",
    );
  });
});

describe("an explanation shows a whole-hour result as it is", () => {
  it("says '1,629 hours' without 'rounded up' when the exact figure is whole", () => {
    // 2,555 days in learning = 365 weeks less 39.2 weeks' leave = 325.8 working weeks; 20% of 25 hours a week.
    const plan = plannedOtjHours({
      startDate: "2014-01-01",
      plannedEndDate: addDays("2014-01-01", 2554),
      contractedWeeklyHours: 25,
      standard: ST0120,
    });
    expect(plan.hours).toBe(1629);
    expect(plan.explanation).toMatch(/= 1629 hours$/);
    expect(plan.explanation).not.toContain("rounded up");
  });
});

describe("otjStatus without a planned total", () => {
  it("shows no shortfall figures rather than a made-up 0", () => {
    const s = status(yearFrom("2025-08-01", { standard: { reference: "ST0973", otjMinimumHours: null } }), 10, DAY_100);
    expect(s).toMatchObject({ behindBy: null, forecastShortfall: null });
  });

  it("draws no required line on the chart", () => {
    const points = otjSeries(
      { ...yearFrom("2025-08-01", { standard: { reference: "ST0973", otjMinimumHours: null } }), verifiedEntries: [] },
      DAY_100,
    );
    expect(points.length).toBeGreaterThan(0);
    expect(points.every((p) => p.required === null)).toBe(true);
  });
});

describe("otjDayLimitRefusal: a day holds at most 24 hours of OTJ", () => {
  it("accepts an entry that brings the day to exactly 24 hours", () => {
    expect(otjDayLimitRefusal(1380, 60)).toBeNull();
    expect(otjDayLimitRefusal(0, 1440)).toBeNull();
  });

  it("says how much is left when the entry is too long", () => {
    expect(otjDayLimitRefusal(1380, 61)).toBe(
      "A day holds at most 24 hours of off-the-job training and you have already logged 23 h on that day, so enter 1 h or less.",
    );
    expect(otjDayLimitRefusal(0, 1441)).toBe(
      "A day holds at most 24 hours of off-the-job training and you have already logged 0 min on that day, so enter 24 h or less.",
    );
  });

  it("says the day is full when nothing is left, even if it already holds more", () => {
    const full =
      "of off-the-job training on that day, which is the most a day can hold (24 hours). Check the date, or change one of that day's entries.";
    expect(otjDayLimitRefusal(1440, 30)).toBe(`You have already logged 24 h ${full}`);
    expect(otjDayLimitRefusal(1500, 10)).toBe(`You have already logged 25 h ${full}`);
  });
});
