import { describe, expect, it } from "vitest";
import { gatsbyStatus, percent, summariseByYearGroup, yearGroupOn, type GatsbyInput } from "./gatsby.ts";

const base: GatsbyInput = { yearGroup: 9, encounterDates: [], encounterPathwayCompletions: [], placements: [] };
const today = "2026-11-20"; // academic year 2026/27

describe("yearGroupOn", () => {
  it("is one lower per academic year back, and the same within the year", () => {
    expect(yearGroupOn("2026-09-01", 9, today)).toBe(9);
    expect(yearGroupOn("2026-07-31", 9, today)).toBe(8);
    expect(yearGroupOn("2024-10-01", 9, today)).toBe(7);
  });
});

describe("benchmark 5", () => {
  it("is not met without an encounter", () => {
    expect(gatsbyStatus(base, today).benchmark5).toEqual({ met: false, encounters: 0 });
  });
  it("is met by an encounter attended this academic year", () => {
    expect(gatsbyStatus({ ...base, encounterDates: ["2026-08-01"] }, today).benchmark5.met).toBe(true);
  });
  it("is not met by an encounter last academic year (31 July) or a future one", () => {
    const status = gatsbyStatus({ ...base, encounterDates: ["2026-07-31", "2026-12-01"] }, today);
    expect(status.benchmark5.met).toBe(false);
  });
  it("is met by completing a pathway that counts as an encounter this year", () => {
    const status = gatsbyStatus({ ...base, encounterPathwayCompletions: ["2026-10-10"] }, today);
    expect(status.benchmark5).toEqual({ met: true, encounters: 1 });
  });
});

describe("benchmark 6", () => {
  const placement = (endDate: string, status = "COMPLETED", hours = 30, hoursAttended: number | null = null) => ({
    endDate,
    status,
    hours,
    hoursAttended,
  });

  it("by 16: not yet met for a year 9 pupil without a placement; missed for a year 12 pupil", () => {
    expect(gatsbyStatus(base, today).benchmark6By16.state).toBe("not-yet-met");
    expect(gatsbyStatus({ ...base, yearGroup: 12 }, today).benchmark6By16.state).toBe("missed");
  });
  it("by 16: met by a completed placement in year 11 or before; planned or started ones do not count", () => {
    expect(gatsbyStatus({ ...base, placements: [placement("2026-10-01")] }, today).benchmark6By16.state).toBe("met");
    expect(
      gatsbyStatus({ ...base, placements: [placement("2026-10-01", "STARTED")] }, today).benchmark6By16.state,
    ).toBe("not-yet-met");
    expect(
      gatsbyStatus({ ...base, placements: [placement("2026-10-01", "PLANNED")] }, today).benchmark6By16.state,
    ).toBe("not-yet-met");
  });
  it("by 16: a placement in year 12 does not count for it; by 18 needs a second", () => {
    // Year 13 now: the placement last year was in year 12.
    const status = gatsbyStatus({ ...base, yearGroup: 13, placements: [placement("2026-03-01")] }, today);
    expect(status.benchmark6By16.state).toBe("missed");
    expect(status.benchmark6By18).toEqual({ state: "not-yet-met", placements: 1 });
    const two = gatsbyStatus(
      { ...base, yearGroup: 13, placements: [placement("2024-03-01"), placement("2026-10-01")] },
      today,
    );
    expect(two.benchmark6By16.state).toBe("met");
    expect(two.benchmark6By18.state).toBe("met");
  });
});

describe("work-experience hours", () => {
  it("counts hours attended when recorded, else planned hours, only for completed placements in KS3–4", () => {
    const status = gatsbyStatus(
      {
        ...base,
        yearGroup: 12,
        placements: [
          { endDate: "2025-06-01", status: "COMPLETED", hours: 30, hoursAttended: 28 }, // year 10
          { endDate: "2026-06-01", status: "COMPLETED", hours: 20, hoursAttended: null }, // year 11
          { endDate: "2026-10-01", status: "COMPLETED", hours: 35, hoursAttended: 35 }, // year 12: KS5
          { endDate: "2026-06-02", status: "CANCELLED", hours: 35, hoursAttended: null },
        ],
      },
      today,
    );
    expect(status.workExperience).toEqual({ hours: 48, entitlement: 50, met: false, remaining: 2 });
  });
  it("is met at exactly 50 hours", () => {
    const status = gatsbyStatus(
      { ...base, placements: [{ endDate: "2026-10-01", status: "COMPLETED", hours: 50, hoursAttended: null }] },
      today,
    );
    expect(status.workExperience.met).toBe(true);
    expect(status.workExperience.remaining).toBe(0);
  });
});

describe("school summary", () => {
  it("counts per year group and gives percentages", () => {
    const met = gatsbyStatus(
      {
        ...base,
        encounterDates: ["2026-09-10"],
        placements: [{ endDate: "2026-10-01", status: "COMPLETED", hours: 50, hoursAttended: null }],
      },
      today,
    );
    const notMet = gatsbyStatus(base, today);
    const rows = summariseByYearGroup([
      { yearGroup: 9, status: met },
      { yearGroup: 9, status: notMet },
      { yearGroup: 7, status: notMet },
    ]);
    expect(rows.map((r) => r.yearGroup)).toEqual([7, 9]);
    expect(rows[1]).toMatchObject({
      pupils: 2,
      benchmark5Met: 1,
      benchmark6By16Met: 1,
      entitlementMet: 1,
      totalHours: 50,
    });
    expect(percent(rows[1].benchmark5Met, rows[1].pupils)).toBe(50);
    expect(percent(0, 0)).toBeNull();
  });
});

// What a mutation run showed no test noticed: the boundaries a pupil's record sits on.
describe("boundaries of the benchmarks", () => {
  const placement = (endDate: string, status = "COMPLETED") => ({ endDate, status, hours: 30, hoursAttended: null });

  it("benchmark 5 counts an encounter held today", () => {
    expect(gatsbyStatus({ ...base, encounterDates: [today] }, today).benchmark5).toEqual({ met: true, encounters: 1 });
  });

  it("benchmark 5 does not count a pathway completed last academic year", () => {
    expect(gatsbyStatus({ ...base, encounterPathwayCompletions: ["2026-07-31"] }, today).benchmark5).toEqual({
      met: false,
      encounters: 0,
    });
  });

  it("a placement marked completed counts from its end date, today included, not before", () => {
    expect(gatsbyStatus({ ...base, placements: [placement(today)] }, today).benchmark6By16.placements).toBe(1);
    expect(gatsbyStatus({ ...base, placements: [placement("2026-11-21")] }, today).benchmark6By16.placements).toBe(0);
    expect(gatsbyStatus({ ...base, placements: [placement("2026-11-21")] }, today).workExperience.hours).toBe(0);
  });

  it("by 16 counts a placement that ended in year 11 itself", () => {
    // A year 12 pupil today was in year 11 in 2025/26.
    const s = gatsbyStatus({ ...base, yearGroup: 12, placements: [placement("2026-06-30")] }, today);
    expect(s.benchmark6By16).toEqual({ state: "met", placements: 1 });
  });

  it("the school summary counts pupils meeting benchmark 6 by 16 and by 18 separately", () => {
    const one = gatsbyStatus({ ...base, yearGroup: 13, placements: [placement("2025-06-30")] }, today);
    const two = gatsbyStatus(
      { ...base, yearGroup: 13, placements: [placement("2025-06-30"), placement("2026-10-01")] },
      today,
    );
    const none = gatsbyStatus({ ...base, yearGroup: 13 }, today);
    const [row] = summariseByYearGroup([
      { yearGroup: 13, status: one },
      { yearGroup: 13, status: two },
      { yearGroup: 13, status: none },
    ]);
    expect(row).toMatchObject({ pupils: 3, benchmark6By16Met: 2, benchmark6By18Met: 1 });
  });

  it("percentages are part over whole, rounded", () => {
    expect(percent(3, 4)).toBe(75);
    expect(percent(1, 3)).toBe(33);
  });
});
