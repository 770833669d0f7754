/**
 * Gatsby benchmarks 5 and 6 and the Youth Guarantee work-experience entitlement for one pupil:
 * pure functions, no I/O. Sources: "Careers guidance and access for education and training
 * providers" (DfE statutory guidance, benchmark 6 strengthened from September 2025) and the
 * Careers & Enterprise Company's Gatsby benchmark pages.
 *
 * - Benchmark 5 (this academic year): at least one meaningful employer encounter in the current
 *   academic year (August–July): an encounter the pupil attended, or a pathway completed this
 *   year whose `counts_as_encounter` is set. Applies from year 7 (age 11).
 * - Benchmark 6: an experience of a workplace by 16 and another by 18. Pupils carry a year
 *   group, never a date of birth, so "by 16" means a COMPLETED placement that ended while the
 *   pupil was in year 11 or below, and "by 18" means at least two completed placements that
 *   ended by year 13 (the second is "another" workplace experience). The year group at a date
 *   is derived from the current year group: one lower per academic year back.
 *   Each is "met", "not yet met" (still time: the pupil has not finished year 11 / year 13), or
 *   "missed" (the pupil is past that year without it).
 * - Work-experience hours: completed placements that ended in key stages 3–4 (years 7–11),
 *   counting the hours attended when recorded, else the placement's planned hours, against the
 *   50-hour (two weeks) entitlement.
 *
 * Dates are ISO 'YYYY-MM-DD' strings (dates.ts).
 */
import { academicYearOf, type IsoDate } from "./dates.ts";

export const WORK_EXPERIENCE_ENTITLEMENT_HOURS = 50;
export const BENCHMARK6_BY16_LAST_YEAR = 11;
export const BENCHMARK6_BY18_LAST_YEAR = 13;
export const KS4_LAST_YEAR = 11;

export type BenchmarkState = "met" | "not-yet-met" | "missed";

export interface GatsbyPlacement {
  endDate: IsoDate;
  /** Placement status; only COMPLETED placements count. */
  status: string;
  hours: number;
  hoursAttended: number | null;
}

export interface GatsbyInput {
  /** The pupil's current year group (7–13). */
  yearGroup: number;
  /** Dates of encounters the pupil attended. */
  encounterDates: readonly IsoDate[];
  /** Completion dates of pathways that count as an encounter. */
  encounterPathwayCompletions: readonly IsoDate[];
  placements: readonly GatsbyPlacement[];
}

export interface GatsbyStatus {
  academicYear: number;
  benchmark5: { met: boolean; encounters: number };
  benchmark6By16: { state: BenchmarkState; placements: number };
  benchmark6By18: { state: BenchmarkState; placements: number };
  workExperience: { hours: number; entitlement: number; met: boolean; remaining: number };
}

/** The pupil's year group on a date, from their current year group today. */
export function yearGroupOn(date: IsoDate, currentYearGroup: number, today: IsoDate): number {
  return currentYearGroup - (academicYearOf(today) - academicYearOf(date));
}

function hoursOf(p: GatsbyPlacement): number {
  return Math.max(0, p.hoursAttended ?? p.hours);
}

function stateFor(count: number, needed: number, currentYearGroup: number, lastYear: number): BenchmarkState {
  if (count >= needed) return "met";
  return currentYearGroup > lastYear ? "missed" : "not-yet-met";
}

export function gatsbyStatus(input: GatsbyInput, today: IsoDate): GatsbyStatus {
  const academicYear = academicYearOf(today);
  const thisYear = (d: IsoDate) => academicYearOf(d) === academicYear && d <= today;
  const encounters =
    input.encounterDates.filter(thisYear).length + input.encounterPathwayCompletions.filter(thisYear).length;

  const completed = input.placements.filter((p) => p.status === "COMPLETED" && p.endDate <= today);
  const yearAtEnd = (p: GatsbyPlacement) => yearGroupOn(p.endDate, input.yearGroup, today);
  const by16 = completed.filter((p) => yearAtEnd(p) <= BENCHMARK6_BY16_LAST_YEAR).length;
  const by18 = completed.filter((p) => yearAtEnd(p) <= BENCHMARK6_BY18_LAST_YEAR).length;
  const hours = completed.filter((p) => yearAtEnd(p) <= KS4_LAST_YEAR).reduce((sum, p) => sum + hoursOf(p), 0);

  return {
    academicYear,
    benchmark5: { met: encounters > 0, encounters },
    benchmark6By16: { state: stateFor(by16, 1, input.yearGroup, BENCHMARK6_BY16_LAST_YEAR), placements: by16 },
    benchmark6By18: { state: stateFor(by18, 2, input.yearGroup, BENCHMARK6_BY18_LAST_YEAR), placements: by18 },
    workExperience: {
      hours,
      entitlement: WORK_EXPERIENCE_ENTITLEMENT_HOURS,
      met: hours >= WORK_EXPERIENCE_ENTITLEMENT_HOURS,
      remaining: Math.max(0, WORK_EXPERIENCE_ENTITLEMENT_HOURS - hours),
    },
  };
}

export const BENCHMARK_STATE_LABELS: Record<BenchmarkState, string> = {
  met: "Met",
  "not-yet-met": "Not yet met",
  missed: "Missed",
};

export interface YearGroupSummary {
  yearGroup: number;
  pupils: number;
  benchmark5Met: number;
  benchmark6By16Met: number;
  benchmark6By18Met: number;
  entitlementMet: number;
  totalHours: number;
}

/** Per-year-group counts for a school page (percentages are worked out from these). */
export function summariseByYearGroup(
  pupils: readonly { yearGroup: number; status: GatsbyStatus }[],
): YearGroupSummary[] {
  const byYear = new Map<number, YearGroupSummary>();
  for (const { yearGroup, status } of pupils) {
    const row = byYear.get(yearGroup) ?? {
      yearGroup,
      pupils: 0,
      benchmark5Met: 0,
      benchmark6By16Met: 0,
      benchmark6By18Met: 0,
      entitlementMet: 0,
      totalHours: 0,
    };
    row.pupils++;
    if (status.benchmark5.met) row.benchmark5Met++;
    if (status.benchmark6By16.state === "met") row.benchmark6By16Met++;
    if (status.benchmark6By18.state === "met") row.benchmark6By18Met++;
    if (status.workExperience.met) row.entitlementMet++;
    row.totalHours += status.workExperience.hours;
    byYear.set(yearGroup, row);
  }
  return [...byYear.values()].sort((a, b) => a.yearGroup - b.yearGroup);
}

/** A whole-number percentage, or null when there is nobody to divide by. */
export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((100 * part) / whole);
}
