import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  academicYearOf,
  addCalendarMonths,
  addDays,
  closeBreaks,
  daysBetween,
  daysCovered,
  daysInclusive,
  daysInMonth,
  daysNotCovered,
  endOfMonth,
  formatLongDate,
  formatLongDateTime,
  formatShortDate,
  fromDayNumber,
  isLeapYear,
  isSameMonth,
  monthEndsBetween,
  toDayNumber,
  toIsoDate,
  todayInEngland,
  toUtcDate,
  weeksBetween,
} from "./dates.ts";

const anyDate = fc.integer({ min: toDayNumber("1990-01-01"), max: toDayNumber("2060-12-31") }).map(fromDayNumber);

describe("calendar basics", () => {
  it("knows leap years, including the century rules", () => {
    expect([2024, 2028, 2000].map(isLeapYear)).toEqual([true, true, true]);
    expect([2025, 2100, 1900].map(isLeapYear)).toEqual([false, false, false]);
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2027, 2)).toBe(28);
    expect(daysInMonth(2025, 11)).toBe(30);
  });

  it("rejects malformed and impossible dates", () => {
    for (const bad of [
      "2023-02-29",
      "2025-13-01",
      "2025-00-10",
      "2025-8-1",
      "",
      "2025-08-01T00:00:00Z",
      "2025-11-31",
    ]) {
      expect(() => toDayNumber(bad), bad).toThrow(RangeError);
    }
    expect(toDayNumber("2028-02-29")).toBe(toDayNumber("2028-02-28") + 1);
  });

  it("converts Postgres DATE values (UTC midnight) both ways", () => {
    expect(toIsoDate(new Date(Date.UTC(2025, 7, 1)))).toBe("2025-08-01");
    expect(toUtcDate("2028-02-29").toISOString()).toBe("2028-02-29T00:00:00.000Z");
    expect(() => toIsoDate(new Date("nonsense"))).toThrow(RangeError);
  });

  it("formats dates for people", () => {
    expect(formatLongDate("2025-08-01")).toBe("1 August 2025");
    expect(formatLongDate("2028-02-29")).toBe("29 February 2028");
    expect(formatShortDate("2025-08-01")).toBe("1 Aug 2025");
    expect(formatShortDate("2025-12-31")).toBe("31 Dec 2025");
  });

  it("tells the day and time as read in England, summer time included", () => {
    expect(formatLongDateTime("2026-01-15T14:05:00.000Z")).toBe("15 January 2026 at 14:05");
    expect(formatLongDateTime("2026-07-31T23:30:00.000Z")).toBe("1 August 2026 at 00:30");
  });

  it("takes today from the calendar in England, not the server's zone", () => {
    expect(todayInEngland(new Date("2026-01-15T23:59:00Z"))).toBe("2026-01-15");
    expect(todayInEngland(new Date("2026-07-15T23:30:00Z"))).toBe("2026-07-16");
  });
});

describe("addCalendarMonths", () => {
  it.each([
    ["2025-01-31", 1, "2025-02-28"],
    ["2028-01-31", 1, "2028-02-29"],
    ["2025-08-01", 3, "2025-11-01"],
    ["2025-11-30", 3, "2026-02-28"],
    ["2027-11-30", 3, "2028-02-29"],
    ["2028-02-29", 12, "2029-02-28"],
    ["2028-02-29", 48, "2032-02-29"],
    ["2025-03-31", -1, "2025-02-28"],
    ["2025-01-15", -1, "2024-12-15"],
    ["2025-11-30", 2, "2026-01-30"],
    ["2025-08-31", 0, "2025-08-31"],
    ["2025-08-31", 8, "2026-04-30"],
  ])("%s + %i months = %s", (date, months, expected) => {
    expect(addCalendarMonths(date, months)).toBe(expected);
  });

  it("refuses fractional months", () => {
    expect(() => addCalendarMonths("2025-01-01", 1.5)).toThrow(RangeError);
  });

  it("moves the month by exactly n and keeps the day unless the month is too short", () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -120, max: 120 }), (date, n) => {
        const result = addCalendarMonths(date, n);
        const [y, m, d] = date.split("-").map(Number);
        const [ry, rm, rd] = result.split("-").map(Number);
        expect(ry * 12 + rm - (y * 12 + m)).toBe(n);
        expect(rd).toBe(Math.min(d, daysInMonth(ry, rm)));
      }),
    );
  });
});

describe("day arithmetic", () => {
  it("counts days and weeks across leap days", () => {
    expect(daysBetween("2028-02-28", "2028-03-01")).toBe(2);
    expect(daysBetween("2027-02-28", "2027-03-01")).toBe(1);
    expect(daysBetween("2025-08-02", "2025-08-01")).toBe(-1);
    expect(weeksBetween("2025-08-01", "2026-07-31")).toBe(52);
    expect(daysInclusive("2025-08-01", "2026-07-31")).toBe(365);
    expect(daysInclusive("2027-08-01", "2028-07-31")).toBe(366);
    expect(daysInclusive("2025-08-02", "2025-08-01")).toBe(0);
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2025-12-31", 1)).toBe("2026-01-01");
  });

  it("round-trips day numbers and addDays/daysBetween", () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -2000, max: 2000 }), (date, n) => {
        expect(fromDayNumber(toDayNumber(date))).toBe(date);
        expect(daysBetween(date, addDays(date, n))).toBe(n);
      }),
    );
  });

  it("finds month ends, including 29 February", () => {
    expect(endOfMonth("2028-02-03")).toBe("2028-02-29");
    expect(endOfMonth("2100-02-03")).toBe("2100-02-28");
    expect(endOfMonth("2025-11-30")).toBe("2025-11-30");
    expect(monthEndsBetween("2025-08-15", "2025-11-02")).toEqual([
      "2025-08-31",
      "2025-09-30",
      "2025-10-31",
      "2025-11-30",
    ]);
    expect(monthEndsBetween("2028-01-31", "2028-03-01")).toEqual(["2028-01-31", "2028-02-29", "2028-03-31"]);
    expect(monthEndsBetween("2025-11-02", "2025-08-15")).toEqual([]);
    expect(isSameMonth("2025-08-01", "2025-08-31")).toBe(true);
    expect(isSameMonth("2025-08-31", "2024-08-31")).toBe(false);
  });
});

describe("academicYearOf (August to July, by starting year)", () => {
  it.each([
    ["2026-07-31", 2025],
    ["2026-08-01", 2026],
    ["2026-01-01", 2025],
    ["2025-12-31", 2025],
  ])("%s is in %i/…", (date, year) => {
    expect(academicYearOf(date)).toBe(year);
  });
});

describe("breaks in learning", () => {
  it("merges overlapping and touching breaks so no day counts twice", () => {
    const merged = closeBreaks(
      [
        { startDate: "2026-01-15", endDate: "2026-02-10" },
        { startDate: "2026-01-01", endDate: "2026-01-28" },
        { startDate: "2026-02-11", endDate: "2026-02-12" },
      ],
      null,
    );
    expect(merged).toEqual([{ startDate: "2026-01-01", endDate: "2026-02-12" }]);
    expect(daysCovered(merged, "2025-12-01", "2026-12-31")).toBe(43);
  });

  it("leaves out an open break unless told where it runs to", () => {
    const open = [{ startDate: "2026-03-01", endDate: null }];
    expect(closeBreaks(open, null)).toEqual([]);
    expect(closeBreaks(open, "2026-03-10")).toEqual([{ startDate: "2026-03-01", endDate: "2026-03-10" }]);
    expect(closeBreaks(open, "2026-02-28")).toEqual([]);
  });

  it("refuses a break that ends before it starts", () => {
    expect(() => closeBreaks([{ startDate: "2026-03-10", endDate: "2026-03-09" }], null)).toThrow(RangeError);
  });

  it("counts only the days inside the window", () => {
    const breaks = [{ startDate: "2026-03-01", endDate: "2026-03-31" }];
    expect(daysCovered(breaks, "2026-03-20", "2026-04-30")).toBe(12);
    expect(daysNotCovered(breaks, "2026-03-20", "2026-04-30")).toBe(30);
    expect(daysCovered(breaks, "2026-04-01", "2026-04-30")).toBe(0);
  });
});
