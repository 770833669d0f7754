/**
 * Calendar-date helpers for the pure rules (OTJ engine, review schedule).
 *
 * Representation: an ISO calendar date string 'YYYY-MM-DD' (type `IsoDate`). Chosen over
 * UTC-midnight Date objects because strings are immutable, compare correctly with < and >,
 * survive JSON (loaders, the training plan's JSON content) unchanged, and cannot pick up a
 * time of day or a time zone by accident. Postgres DATE columns arrive from Prisma as
 * UTC-midnight Dates: convert them at the edge with `toIsoDate`, and back with `toUtcDate`.
 *
 * Internally a date is a day number (whole days since 1970-01-01), so arithmetic is integer
 * arithmetic with no daylight-saving surprises. Every function validates its input and throws
 * a RangeError on a malformed or impossible date (e.g. '2023-02-29').
 *
 * Period conventions used by the callers: a period [from, to] includes both ends (a planned
 * end date is the last day of the programme; a break's end date is its last day).
 */

/** 'YYYY-MM-DD', a calendar date with no time and no zone. */
export type IsoDate = string;

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The months' English names, January first: the one list every label and identifier uses. */
export const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

interface Ymd {
  year: number;
  month: number; // 1–12
  day: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month, month 1–12. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parse(date: IsoDate): Ymd {
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`Not an ISO calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`No such calendar date: ${date}`);
  }
  return { year, month, day };
}

function format({ year, month, day }: Ymd): IsoDate {
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Throws a RangeError unless `date` is a real 'YYYY-MM-DD' date; returns it unchanged. */
export function assertIsoDate(date: IsoDate): IsoDate {
  parse(date);
  return date;
}

/** Whole days since 1970-01-01. */
export function toDayNumber(date: IsoDate): number {
  const { year, month, day } = parse(date);
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export function fromDayNumber(dayNumber: number): IsoDate {
  if (!Number.isInteger(dayNumber)) throw new RangeError(`Day number must be whole: ${dayNumber}`);
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The calendar date of a Date in UTC: right for Postgres DATE values (UTC midnight). */
export function toIsoDate(value: Date): IsoDate {
  if (Number.isNaN(value.getTime())) throw new RangeError("Invalid Date");
  return value.toISOString().slice(0, 10);
}

/** A UTC-midnight Date, the shape Prisma writes to a DATE column. */
export function toUtcDate(date: IsoDate): Date {
  return new Date(toDayNumber(date) * MS_PER_DAY);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Signed whole days from `from` to `to` (to − from): 1 Jan → 2 Jan is 1. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** Signed weeks from `from` to `to`, fractional (days ÷ 7). */
export function weeksBetween(from: IsoDate, to: IsoDate): number {
  return daysBetween(from, to) / 7;
}

/** Days in the inclusive period [from, to]; 0 when `to` is before `from`. */
export function daysInclusive(from: IsoDate, to: IsoDate): number {
  return Math.max(0, daysBetween(from, to) + 1);
}

/**
 * Adds calendar months, clamping to the end of a shorter month:
 * 31 Jan + 1 month = 28 Feb (29 Feb in a leap year); 30 Nov + 3 months = 28/29 Feb.
 */
export function addCalendarMonths(date: IsoDate, months: number): IsoDate {
  if (!Number.isInteger(months)) throw new RangeError(`Months must be whole: ${months}`);
  const { year, month, day } = parse(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const newYear = Math.floor(monthIndex / 12);
  const newMonth = monthIndex - newYear * 12 + 1;
  return format({ year: newYear, month: newMonth, day: Math.min(day, daysInMonth(newYear, newMonth)) });
}

/** The last day of the month `date` falls in. */
export function endOfMonth(date: IsoDate): IsoDate {
  const { year, month } = parse(date);
  return format({ year, month, day: daysInMonth(year, month) });
}

/** Academic year (August to July) by its starting year: 2026-07-31 → 2025, 2026-08-01 → 2026. */
export function academicYearOf(date: IsoDate): number {
  const { year, month } = parse(date);
  return month >= 8 ? year : year - 1;
}

export function isBefore(a: IsoDate, b: IsoDate): boolean {
  return toDayNumber(a) < toDayNumber(b);
}

export function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return isBefore(b, a) ? b : a;
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return isBefore(a, b) ? b : a;
}

/** True when both dates fall in the same calendar month. */
export function isSameMonth(a: IsoDate, b: IsoDate): boolean {
  const [x, y] = [parse(a), parse(b)];
  return x.year === y.year && x.month === y.month;
}

/** Month ends from the month of `from` to the month of `to`, inclusive; [] when to < from. */
export function monthEndsBetween(from: IsoDate, to: IsoDate): IsoDate[] {
  if (isBefore(to, from)) return [];
  const ends: IsoDate[] = [];
  const last = endOfMonth(to);
  for (let end = endOfMonth(from); !isBefore(last, end); end = endOfMonth(addCalendarMonths(end, 1))) {
    ends.push(end);
  }
  return ends;
}

// Built once: constructing an Intl formatter (which toLocaleDateString with options does on every
// call) costs far more than using one; it was the largest single cost of a supervisor's inbox
// (hundreds of dates) under load.
const LONDON_ISO_DATE = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});
const SHORT_DATE = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});
const LONG_DATE_TIME = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "Europe/London",
});

/**
 * Today's date in England (the UK calendar day, whatever the server's zone): a date logged late
 * in the evening is still today.
 */
export function todayInEngland(now: Date = new Date()): IsoDate {
  return LONDON_ISO_DATE.format(now);
}

// ───────────────────────────── formatting for people ─────────────────────────────

/** '2025-08-01' → '1 Aug 2025', for tables and lists. */
export function formatShortDate(date: IsoDate): string {
  return SHORT_DATE.format(new Date(`${date}T00:00:00Z`));
}

/** '2025-08-01' → '1 August 2025', for explanations read by people. */
export function formatLongDate(date: IsoDate): string {
  const { year, month, day } = parse(date);
  return `${day} ${MONTH_NAMES[month - 1]} ${year}`;
}

/** An instant (ISO timestamp) as people in England read it: '1 August 2025 at 14:05'. */
export function formatLongDateTime(instant: string): string {
  return LONG_DATE_TIME.format(new Date(instant));
}

// ───────────────────────────── periods and breaks in learning ─────────────────────────────

/** A run of days, both ends included. */
export interface DatePeriod {
  startDate: IsoDate;
  endDate: IsoDate;
}

/**
 * A break in learning (the shape of the LearningBreak row): `endDate` is the last day of the
 * break (the apprentice is back in learning the next day); null while the break is open.
 */
export interface LearningBreak {
  startDate: IsoDate;
  endDate: IsoDate | null;
}

/**
 * Closed, merged, sorted periods for a list of breaks. An open break runs to `openUntil`
 * (e.g. the as-of date); with `openUntil` null an open break is left out, because its length
 * is not known yet. Overlapping or touching breaks are merged so no day counts twice.
 */
export function closeBreaks(breaks: readonly LearningBreak[], openUntil: IsoDate | null): DatePeriod[] {
  const closed: DatePeriod[] = [];
  for (const b of breaks) {
    if (b.endDate !== null && isBefore(b.endDate, b.startDate)) {
      throw new RangeError(`A break cannot end (${b.endDate}) before it starts (${b.startDate})`);
    }
    const endDate = b.endDate ?? openUntil;
    if (endDate !== null && !isBefore(endDate, b.startDate)) closed.push({ startDate: b.startDate, endDate });
  }
  return mergePeriods(closed);
}

function mergePeriods(periods: DatePeriod[]): DatePeriod[] {
  const sorted = [...periods].sort((a, b) => toDayNumber(a.startDate) - toDayNumber(b.startDate));
  const merged: DatePeriod[] = [];
  for (const p of sorted) {
    const last = merged[merged.length - 1];
    if (last && daysBetween(last.endDate, p.startDate) <= 1) {
      last.endDate = maxDate(last.endDate, p.endDate);
    } else {
      merged.push({ ...p });
    }
  }
  return merged;
}

/** Days of the inclusive period [from, to] that fall inside the (merged) periods. */
export function daysCovered(periods: readonly DatePeriod[], from: IsoDate, to: IsoDate): number {
  let days = 0;
  for (const p of periods) days += daysInclusive(maxDate(p.startDate, from), minDate(p.endDate, to));
  return days;
}

/** Days of the inclusive period [from, to] that fall outside the (merged) periods. */
export function daysNotCovered(periods: readonly DatePeriod[], from: IsoDate, to: IsoDate): number {
  return daysInclusive(from, to) - daysCovered(periods, from, to);
}

/** True when `date` falls inside one of the periods. */
export function isCovered(periods: readonly DatePeriod[], date: IsoDate): boolean {
  return daysCovered(periods, date, date) > 0;
}
