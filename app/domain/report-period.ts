/**
 * Reporting periods for the council's outcome report. Pure: no I/O.
 *
 * Four kinds, each with a stable key that appears in URLs, job payloads and snapshot rows:
 *
 * | type             | key          | dates (both ends included)          | DfE time_period / identifier |
 * |------------------|--------------|-------------------------------------|------------------------------|
 * | academic-year    | 2026/27      | 1 Aug 2026 – 31 Jul 2027            | 202627 / Academic year       |
 * | term             | 2026/27-autumn | 1 Aug – 31 Dec 2026               | 202627 / Autumn term         |
 * |                  | 2026/27-spring | 1 Jan – 31 Mar 2027               | 202627 / Spring term         |
 * |                  | 2026/27-summer | 1 Apr – 31 Jul 2027               | 202627 / Summer term         |
 * | month            | 2026-10      | 1 Oct – 31 Oct 2026                 | 2026 / October               |
 * | financial-year   | 2026-27      | 1 Apr 2026 – 31 Mar 2027            | 202627 / Financial year      |
 *
 * Terms: schools' real term dates vary by school and Easter moves, so the report uses fixed
 * calendar blocks that tile the academic year with no gaps or overlaps: autumn = August to
 * December (the summer holiday belongs to the autumn block, so nothing falls between terms),
 * spring = January to March, summer = April to July. A month, a term and a year therefore add
 * up exactly, and no two periods of one kind overlap.
 */
import { addCalendarMonths, assertIsoDate, daysInMonth, endOfMonth, MONTH_NAMES, type IsoDate } from "./dates.ts";
import { academicYearPeriod, type TimeIdentifier } from "./tidy-csv.ts";

export const PERIOD_TYPES = ["academic-year", "term", "month", "financial-year"] as const;
export type PeriodType = (typeof PERIOD_TYPES)[number];

export const PERIOD_TYPE_LABELS: Record<PeriodType, string> = {
  "academic-year": "Academic year",
  term: "Term",
  month: "Month",
  "financial-year": "Financial year",
};

export type Term = "autumn" | "spring" | "summer";

export interface ReportPeriod {
  type: PeriodType;
  key: string;
  label: string;
  /** First day of the period. */
  from: IsoDate;
  /** Last day of the period. */
  to: IsoDate;
  /** 1 August of the academic year the period ends in ("this year" for Gatsby benchmark 5). */
  academicYearStart: IsoDate;
  timePeriod: string;
  timeIdentifier: TimeIdentifier;
}

const pad2 = (n: number) => String(n).padStart(2, "0");
const yy = (year: number) => pad2((year + 1) % 100);

function academicYearStartOf(date: IsoDate): IsoDate {
  const [y, m] = date.split("-").map(Number);
  return `${m >= 8 ? y : y - 1}-08-01`;
}

function make(
  type: PeriodType,
  key: string,
  label: string,
  from: IsoDate,
  to: IsoDate,
  timePeriod: string,
  timeIdentifier: TimeIdentifier,
): ReportPeriod {
  return { type, key, label, from, to, academicYearStart: academicYearStartOf(to), timePeriod, timeIdentifier };
}

/** The period for a type and key, or null when the key is malformed. */
export function parsePeriod(type: string, key: string): ReportPeriod | null {
  let m: RegExpExecArray | null;
  switch (type) {
    case "academic-year": {
      m = /^(\d{4})\/(\d{2})$/.exec(key);
      if (!m) return null;
      const y = Number(m[1]);
      if (m[2] !== yy(y) || y < 2000 || y > 2100) return null;
      return make(
        "academic-year",
        key,
        `Academic year ${key}`,
        `${y}-08-01`,
        `${y + 1}-07-31`,
        academicYearPeriod(y),
        "Academic year",
      );
    }
    case "term": {
      m = /^(\d{4})\/(\d{2})-(autumn|spring|summer)$/.exec(key);
      if (!m) return null;
      const y = Number(m[1]);
      if (m[2] !== yy(y) || y < 2000 || y > 2100) return null;
      const term = m[3] as Term;
      const ay = `${y}/${yy(y)}`;
      if (term === "autumn")
        return make(
          "term",
          key,
          `Autumn term ${ay} (August to December)`,
          `${y}-08-01`,
          `${y}-12-31`,
          academicYearPeriod(y),
          "Autumn term",
        );
      if (term === "spring")
        return make(
          "term",
          key,
          `Spring term ${ay} (January to March)`,
          `${y + 1}-01-01`,
          `${y + 1}-03-31`,
          academicYearPeriod(y),
          "Spring term",
        );
      return make(
        "term",
        key,
        `Summer term ${ay} (April to July)`,
        `${y + 1}-04-01`,
        `${y + 1}-07-31`,
        academicYearPeriod(y),
        "Summer term",
      );
    }
    case "month": {
      m = /^(\d{4})-(\d{2})$/.exec(key);
      if (!m) return null;
      const y = Number(m[1]);
      const mo = Number(m[2]);
      if (mo < 1 || mo > 12 || y < 2000 || y > 2100) return null;
      return make(
        "month",
        key,
        `${MONTH_NAMES[mo - 1]} ${y}`,
        `${key}-01`,
        `${key}-${pad2(daysInMonth(y, mo))}`,
        String(y),
        MONTH_NAMES[mo - 1],
      );
    }
    case "financial-year": {
      m = /^(\d{4})-(\d{2})$/.exec(key);
      if (!m) return null;
      const y = Number(m[1]);
      if (m[2] !== yy(y) || y < 2000 || y > 2100) return null;
      return make(
        "financial-year",
        key,
        `Financial year ${y}-${m[2]} (April to March)`,
        `${y}-04-01`,
        `${y + 1}-03-31`,
        academicYearPeriod(y),
        "Financial year",
      );
    }
    default:
      return null;
  }
}

/** The period of a type that contains `date`. */
export function periodContaining(type: PeriodType, date: IsoDate): ReportPeriod {
  assertIsoDate(date);
  const [y, m] = date.split("-").map(Number);
  const ayStart = m >= 8 ? y : y - 1;
  const ay = `${ayStart}/${yy(ayStart)}`;
  let key: string;
  if (type === "academic-year") key = ay;
  else if (type === "term") key = `${ay}-${m >= 8 ? "autumn" : m <= 3 ? "spring" : "summer"}`;
  else if (type === "month") key = date.slice(0, 7);
  else {
    const fy = m >= 4 ? y : y - 1;
    key = `${fy}-${yy(fy)}`;
  }
  return parsePeriod(type, key)!;
}

/** Last calendar month before the one containing `today` (what the monthly schedule builds). */
export function previousMonth(today: IsoDate): ReportPeriod {
  return periodContaining("month", endOfMonth(addCalendarMonths(`${today.slice(0, 7)}-01`, -1)));
}

/** Periods offered on the reports page: current and previous of each kind, newest first. */
export function offeredPeriods(today: IsoDate): ReportPeriod[] {
  const back = (months: number) => addCalendarMonths(`${today.slice(0, 7)}-01`, -months);
  const seen = new Set<string>();
  const out: ReportPeriod[] = [];
  const add = (p: ReportPeriod) => {
    const id = `${p.type}:${p.key}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(p);
    }
  };
  add(periodContaining("academic-year", today));
  add(periodContaining("academic-year", back(12)));
  add(periodContaining("term", today));
  add(periodContaining("term", back(4)));
  add(periodContaining("term", back(8)));
  for (let i = 0; i < 3; i++) add(periodContaining("month", back(i)));
  add(periodContaining("financial-year", today));
  add(periodContaining("financial-year", back(12)));
  return out;
}

/** The months (YYYY-MM) a period covers, in order: the x-axis of the trend chart. */
export function monthsOf(period: Pick<ReportPeriod, "from" | "to">): { key: string; label: string }[] {
  const out: { key: string; label: string }[] = [];
  for (let d = period.from; d <= period.to; d = addCalendarMonths(d, 1)) {
    const [y, m] = d.split("-").map(Number);
    out.push({ key: d.slice(0, 7), label: `${MONTH_NAMES[m - 1].slice(0, 3)} ${y}` });
  }
  return out;
}
