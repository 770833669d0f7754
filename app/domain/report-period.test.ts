import { describe, expect, test } from "vitest";
import { monthsOf, offeredPeriods, parsePeriod, periodContaining, previousMonth } from "./report-period.ts";

describe("report periods", () => {
  test("academic year, terms, month and financial year have the documented dates and DfE time fields", () => {
    expect(parsePeriod("academic-year", "2026/27")).toMatchObject({
      from: "2026-08-01",
      to: "2027-07-31",
      timePeriod: "202627",
      timeIdentifier: "Academic year",
    });
    expect(parsePeriod("term", "2026/27-autumn")).toMatchObject({
      from: "2026-08-01",
      to: "2026-12-31",
      timePeriod: "202627",
      timeIdentifier: "Autumn term",
    });
    expect(parsePeriod("term", "2026/27-spring")).toMatchObject({
      from: "2027-01-01",
      to: "2027-03-31",
      timeIdentifier: "Spring term",
    });
    expect(parsePeriod("term", "2026/27-summer")).toMatchObject({
      from: "2027-04-01",
      to: "2027-07-31",
      timeIdentifier: "Summer term",
    });
    expect(parsePeriod("month", "2028-02")).toMatchObject({
      from: "2028-02-01",
      to: "2028-02-29",
      timePeriod: "2028",
      timeIdentifier: "February",
      academicYearStart: "2027-08-01",
    });
    expect(parsePeriod("financial-year", "2026-27")).toMatchObject({
      from: "2026-04-01",
      to: "2027-03-31",
      timePeriod: "202627",
      timeIdentifier: "Financial year",
    });
  });

  test("malformed or inconsistent keys are refused", () => {
    for (const [type, key] of [
      ["academic-year", "2026/28"],
      ["month", "2026-13"],
      ["term", "2026/27-winter"],
      ["financial-year", "2026/27"],
      ["week", "2026-01"],
      ["month", "'; DROP"],
    ]) {
      expect(parsePeriod(type, key)).toBeNull();
    }
  });

  test("the terms tile the academic year, and the months tile a term", () => {
    const year = parsePeriod("academic-year", "2025/26")!;
    expect(monthsOf(year)).toHaveLength(12);
    expect(monthsOf(parsePeriod("term", "2025/26-autumn")!).map((m) => m.key)).toEqual([
      "2025-08",
      "2025-09",
      "2025-10",
      "2025-11",
      "2025-12",
    ]);
  });

  test("period containing a date, last month, and the offered list", () => {
    expect(periodContaining("term", "2026-03-31").key).toBe("2025/26-spring");
    expect(periodContaining("financial-year", "2026-03-31").key).toBe("2025-26");
    expect(previousMonth("2026-01-01").key).toBe("2025-12");
    const offered = offeredPeriods("2026-10-15").map((p) => `${p.type}:${p.key}`);
    expect(offered).toContain("academic-year:2026/27");
    expect(offered).toContain("month:2026-09");
    expect(new Set(offered).size).toBe(offered.length);
  });
});
