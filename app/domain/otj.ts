/**
 * Off-the-job (OTJ) training rules engine: pure functions, no I/O.
 *
 * Source: the apprenticeship funding rules (DfE/ESFA): "Apprenticeship funding rules 2025 to 2026"
 * for starts from 1 Aug 2025, the rules of the start's own year before that. The statutory-leave
 * deduction follows the funding rules' own worked calculation (2022/23 rules P43.2: "the
 * apprentice's statutory leave entitlement must be deducted … the equivalent of 5.6 weeks").
 *
 * Which regime applies depends only on the start date (`otjRegimeFor`):
 *   - PERCENT_20        start before 1 Aug 2022: at least 20% of contracted hours;
 *   - HOURS_6_PER_WEEK  start 1 Aug 2022 – 31 Jul 2025: 6 hours a week for 30+ contracted hours,
 *                       pro rata below 30 (6 × weekly ÷ 30);
 *   - STANDARD_MINIMUM  start from 1 Aug 2025: the standard's published minimum, less evidenced
 *                       prior learning, never below 187 hours; programme at least 8 months.
 *
 * Planned hours (`plannedOtjHours`), decisions:
 *   - Time in learning = days from the start date to the planned end date, both included, less
 *     days on closed breaks in learning. An open break (no end date) is left out of the plan:
 *     when the apprentice returns, its end date is recorded and the planned end date moves.
 *   - Both time-based regimes deduct statutory leave, 5.6 weeks per 365 days in learning, pro
 *     rata. 20% regime: 20% × weekly hours × working weeks (no 30-hour cap before Aug 2022).
 *     6-hour regime: 6 × min(weekly, 30) ÷ 30 × working weeks.
 *   - Results are rounded UP to whole hours (a minimum is never understated); the explanation
 *     shows the unrounded figure.
 *   - Prior learning is subtracted only in the STANDARD_MINIMUM regime; in the older regimes it
 *     shortens the planned duration instead, so subtracting it again would count it twice.
 *   - The 8-month minimum is checked on time in learning (breaks excluded): the day after the
 *     last in-learning day must be on or after start + 8 calendar months.
 *
 * Status (`otjStatus`), definitions:
 *   - Required to date = planned × (days in learning so far ÷ days in learning in the programme);
 *     the as-of day counts as elapsed, breaks pause the clock (an open break runs to the as-of
 *     date). In STANDARD_MINIMUM hours need not be spread evenly, so there this "required to
 *     date" is only a linear plan used for early warning, not a legal requirement.
 *   - Actual = verified minutes ÷ 60 (the caller passes verified entries only).
 *   - Forecast at planned end = actual + pace × days in learning still to come, pace = actual ÷
 *     days in learning so far. Before any day in learning has elapsed the pace is the planned
 *     pace. Remaining time assumes an open break ends on the as-of date. Never below actual.
 *   - RAG, checked in this order:
 *       red    no planned total can be worked out (standard without a published minimum);
 *       green  not started yet, or planned hours already met;
 *       red    the planned end date has passed and hours are short;
 *       green  actual ≥ required to date (on or ahead of plan; equivalently forecast ≥ planned);
 *       amber  forecast ≥ 90% of planned (behind, but within 10%);
 *       amber  behind by more than 10% but within the first 28 days in learning (a pace measured
 *              over a few days says little, so it can warn but not alarm);
 *       red    otherwise (forecast more than 10% short).
 *     Every test is monotone in actual hours, so adding verified hours never worsens the status.
 *
 * ILR `OTJActHours` (`otjActHoursForIlr`): whole hours actually completed, so minutes are
 * floored (119 minutes is 1 hour), never rounded up to hours not done.
 *
 * Dates are ISO 'YYYY-MM-DD' strings (see dates.ts); convert Prisma DATE values with toIsoDate,
 * and Decimal contracted hours with Number().
 */
import {
  addCalendarMonths,
  addDays,
  closeBreaks,
  daysNotCovered,
  formatLongDate,
  isBefore,
  isCovered,
  minDate,
  monthEndsBetween,
  toDayNumber,
  type DatePeriod,
  type IsoDate,
  type LearningBreak,
} from "./dates.ts";

import { formatMinutes } from "./progress-log.ts";

export type { IsoDate, LearningBreak } from "./dates.ts";

/** Mirrors the Prisma enum OtjRegime. */
export type OtjRegime = "PERCENT_20" | "HOURS_6_PER_WEEK" | "STANDARD_MINIMUM";

export const HOURS_6_REGIME_FROM: IsoDate = "2022-08-01";
export const STANDARD_MINIMUM_REGIME_FROM: IsoDate = "2025-08-01";
export const OTJ_FLOOR_HOURS = 187;
export const STATUTORY_LEAVE_WEEKS_PER_YEAR = 5.6;
export const FULL_TIME_WEEKLY_HOURS = 30;
export const MINIMUM_PROGRAMME_MONTHS = 8;
/** Amber while the forecast is within this share of the planned total. */
export const AMBER_TOLERANCE = 0.1;
/** Days in learning during which a shortfall is at worst amber. */
export const EARLY_GRACE_DAYS = 28;

export interface OtjStandard {
  reference: string;
  /** Published minimum OTJ hours (starts from 1 Aug 2025); null when not published. */
  otjMinimumHours: number | null;
}

export interface OtjPlanInput {
  startDate: IsoDate;
  /** Last day of the practical period (included). A changed end date is simply a new input. */
  plannedEndDate: IsoDate;
  contractedWeeklyHours: number;
  standard: OtjStandard;
  /** Evidenced recognition of prior learning, in hours. */
  priorLearningHours?: number;
  breaks?: readonly LearningBreak[];
}

export type OtjProblemCode = "NO_PUBLISHED_MINIMUM" | "PROGRAMME_TOO_SHORT";

export interface OtjProblem {
  code: OtjProblemCode;
  message: string;
}

export interface PlannedOtj {
  regime: OtjRegime;
  /** Whole hours; null when they cannot be worked out (see problems). */
  hours: number | null;
  explanation: string;
  problems: OtjProblem[];
}

export interface OtjStatusInput extends OtjPlanInput {
  /** Verified OTJ minutes up to the as-of date. */
  verifiedMinutes: number;
}

export type OtjRag = "green" | "amber" | "red";

export interface OtjStatus {
  asOf: IsoDate;
  regime: OtjRegime;
  plannedTotal: number | null;
  /** Pro-rata requirement (linear plan in STANDARD_MINIMUM); null without a planned total. */
  requiredToDate: number | null;
  actual: number;
  forecast: number;
  /** Hours behind the required-to-date figure (0 when on or ahead). */
  behindBy: number | null;
  /** Hours the forecast falls short of the planned total (0 when it reaches it). */
  forecastShortfall: number | null;
  rag: OtjRag;
  reason: string;
  daysInLearningElapsed: number;
  daysInLearningTotal: number;
  onBreak: boolean;
  /** How the planned total was computed. */
  explanation: string;
  problems: OtjProblem[];
}

export interface OtjVerifiedEntry {
  occurredOn: IsoDate;
  minutes: number;
}

export interface OtjSeriesInput extends OtjPlanInput {
  verifiedEntries: readonly OtjVerifiedEntry[];
}

/** One row of the chart's data table; hours, null where the line has no value. */
export interface OtjSeriesPoint {
  date: IsoDate;
  required: number | null;
  /** Cumulative verified hours up to this date; null after the as-of date. */
  actual: number | null;
  /** Forecast from the as-of date onwards; null before it. */
  forecast: number | null;
  isAsOf: boolean;
}

// ───────────────────────────── regime ─────────────────────────────

export function otjRegimeFor(startDate: IsoDate): OtjRegime {
  if (isBefore(startDate, HOURS_6_REGIME_FROM)) return "PERCENT_20";
  if (isBefore(startDate, STANDARD_MINIMUM_REGIME_FROM)) return "HOURS_6_PER_WEEK";
  return "STANDARD_MINIMUM";
}

// ───────────────────────────── planned hours ─────────────────────────────

export function plannedOtjHours(input: OtjPlanInput): PlannedOtj {
  validatePlanInput(input);
  const regime = otjRegimeFor(input.startDate);
  const result =
    regime === "PERCENT_20"
      ? percent20Plan(input)
      : regime === "HOURS_6_PER_WEEK"
        ? hours6Plan(input)
        : standardMinimumPlan(input);
  const problems = regime === "STANDARD_MINIMUM" ? [...result.problems, ...durationProblems(input)] : result.problems;
  return { regime, ...result, problems };
}

type RegimePlan = Omit<PlannedOtj, "regime">;

function validatePlanInput(input: OtjPlanInput): void {
  if (isBefore(input.plannedEndDate, input.startDate)) {
    throw new RangeError(`Planned end ${input.plannedEndDate} is before the start ${input.startDate}`);
  }
  requireNonNegative("contractedWeeklyHours", input.contractedWeeklyHours);
  requireNonNegative("priorLearningHours", input.priorLearningHours ?? 0);
}

function requireNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a number ≥ 0: ${value}`);
}

interface TimeBasis {
  programmeWeeks: number;
  breakWeeks: number;
  leaveWeeks: number;
  workingWeeks: number;
}

function timeBasis(input: OtjPlanInput): TimeBasis {
  const breaks = closeBreaks(input.breaks ?? [], null);
  const programmeDays = daysNotCovered([], input.startDate, input.plannedEndDate);
  const learningDays = daysNotCovered(breaks, input.startDate, input.plannedEndDate);
  const leaveWeeks = (STATUTORY_LEAVE_WEEKS_PER_YEAR * learningDays) / 365;
  return {
    programmeWeeks: programmeDays / 7,
    breakWeeks: (programmeDays - learningDays) / 7,
    leaveWeeks,
    workingWeeks: Math.max(0, learningDays / 7 - leaveWeeks),
  };
}

function describeWeeks(b: TimeBasis): string {
  const breaks = b.breakWeeks > 0 ? ` − ${weeks(b.breakWeeks)} weeks on breaks` : "";
  return (
    `${weeks(b.workingWeeks)} working weeks (${weeks(b.programmeWeeks)} weeks on programme${breaks}` +
    ` − ${weeks(b.leaveWeeks)} weeks' statutory leave)`
  );
}

function percent20Plan(input: OtjPlanInput): RegimePlan {
  const basis = timeBasis(input);
  const contracted = input.contractedWeeklyHours * basis.workingWeeks;
  const exact = 0.2 * contracted;
  const explanation =
    `20% × ${hours(input.contractedWeeklyHours)} hours a week × ${describeWeeks(basis)} = ` +
    `20% of ${hours(contracted)} contracted hours = ${roundedUp(exact)}${priorLearningNote(input)}`;
  return { hours: ceilHours(exact), explanation, problems: [] };
}

function hours6Plan(input: OtjPlanInput): RegimePlan {
  const basis = timeBasis(input);
  const weekly = input.contractedWeeklyHours;
  const weeklyOtj = (6 * Math.min(weekly, FULL_TIME_WEEKLY_HOURS)) / FULL_TIME_WEEKLY_HOURS;
  const exact = weeklyOtj * basis.workingWeeks;
  const rate =
    weekly >= FULL_TIME_WEEKLY_HOURS
      ? "6 hours a week (30+ contracted hours)"
      : `${hours(weeklyOtj)} hours a week (6 × ${hours(weekly)} ÷ 30, pro rata for ${hours(weekly)} contracted hours)`;
  const explanation = `${rate} × ${describeWeeks(basis)} = ${roundedUp(exact)}${priorLearningNote(input)}`;
  return { hours: ceilHours(exact), explanation, problems: [] };
}

function priorLearningNote(input: OtjPlanInput): string {
  const prior = input.priorLearningHours ?? 0;
  return prior > 0
    ? `. Prior learning (${hours(prior)} hours) is not subtracted under this regime: it shortens the planned duration instead.`
    : "";
}

function standardMinimumPlan(input: OtjPlanInput): RegimePlan {
  const { reference, otjMinimumHours: minimum } = input.standard;
  if (minimum === null) {
    const message =
      `Standard ${reference} has no published minimum OTJ hours, which starts from 1 August 2025 need. ` +
      `Record the minimum on the standard before agreeing the training plan.`;
    return { hours: null, explanation: message, problems: [{ code: "NO_PUBLISHED_MINIMUM", message }] };
  }
  requireNonNegative("otjMinimumHours", minimum);
  const prior = input.priorLearningHours ?? 0;
  const reduced = minimum - prior;
  const result = Math.max(OTJ_FLOOR_HOURS, ceilHours(reduced));
  const base =
    prior > 0
      ? `Standard ${reference} minimum ${hours(minimum)} hours − ${hours(prior)} hours prior learning = ${hours(reduced)} hours`
      : `Standard ${reference} minimum ${hours(minimum)} hours (no prior learning recorded)`;
  const floorNote = reduced < OTJ_FLOOR_HOURS ? `, raised to the ${OTJ_FLOOR_HOURS}-hour floor` : "";
  return { hours: result, explanation: base + floorNote, problems: [] };
}

function durationProblems(input: OtjPlanInput): OtjProblem[] {
  const breaks = closeBreaks(input.breaks ?? [], null);
  const learningDays = daysNotCovered(breaks, input.startDate, input.plannedEndDate);
  const endOfLearningExclusive = addDays(input.startDate, learningDays);
  const earliest = addCalendarMonths(input.startDate, MINIMUM_PROGRAMME_MONTHS);
  if (!isBefore(endOfLearningExclusive, earliest)) return [];
  return [
    {
      code: "PROGRAMME_TOO_SHORT",
      message:
        `The planned time in learning (${learningDays} days from ${formatLongDate(input.startDate)}) is shorter than ` +
        `the ${MINIMUM_PROGRAMME_MONTHS}-month minimum: it must run until at least ${formatLongDate(addDays(earliest, -1))}` +
        (breaks.length > 0 ? " plus the days on breaks." : "."),
    },
  ];
}

// ───────────────────────────── status ─────────────────────────────

interface Clock {
  breaks: DatePeriod[];
  totalDays: number;
  elapsedDays: number;
  onBreak: boolean;
}

/** Days in learning, with open breaks running to the as-of date. */
function clockAt(input: OtjPlanInput, asOf: IsoDate): Clock {
  const breaks = closeBreaks(input.breaks ?? [], asOf);
  return {
    breaks,
    totalDays: daysNotCovered(breaks, input.startDate, input.plannedEndDate),
    elapsedDays: elapsedDaysAt(input, breaks, asOf),
    onBreak: isCovered(breaks, asOf),
  };
}

function elapsedDaysAt(input: OtjPlanInput, breaks: readonly DatePeriod[], date: IsoDate): number {
  if (isBefore(date, input.startDate)) return 0;
  return daysNotCovered(breaks, input.startDate, minDate(date, input.plannedEndDate));
}

function requiredAt(planned: number, clock: Clock, elapsedDays: number): number {
  return clock.totalDays === 0 ? planned : (planned * elapsedDays) / clock.totalDays;
}

/** Hours per day in learning: the actual pace, or the planned pace before any day has elapsed. */
function paceOf(actual: number, planned: number | null, clock: Clock): number {
  if (clock.elapsedDays > 0) return actual / clock.elapsedDays;
  return clock.totalDays > 0 ? (planned ?? 0) / clock.totalDays : 0;
}

export function otjStatus(input: OtjStatusInput, asOf: IsoDate): OtjStatus {
  requireNonNegative("verifiedMinutes", input.verifiedMinutes);
  const plan = plannedOtjHours(input);
  const clock = clockAt(input, asOf);
  const actual = input.verifiedMinutes / 60;
  const forecast = actual + paceOf(actual, plan.hours, clock) * (clock.totalDays - clock.elapsedDays);
  const required = plan.hours === null ? null : requiredAt(plan.hours, clock, clock.elapsedDays);
  const judged = judge({
    input,
    asOf,
    planned: plan.hours,
    required,
    actual,
    forecast,
    clock,
    explanation: plan.explanation,
  });
  return {
    asOf,
    regime: plan.regime,
    plannedTotal: plan.hours,
    requiredToDate: required === null ? null : round2(required),
    actual: round2(actual),
    forecast: round2(forecast),
    behindBy: required === null ? null : round2(Math.max(0, required - actual)),
    forecastShortfall: plan.hours === null ? null : round2(Math.max(0, plan.hours - forecast)),
    rag: judged.rag,
    reason: judged.reason + (clock.onBreak ? " On a break in learning: the clock is paused." : ""),
    daysInLearningElapsed: clock.elapsedDays,
    daysInLearningTotal: clock.totalDays,
    onBreak: clock.onBreak,
    explanation: plan.explanation,
    problems: plan.problems,
  };
}

interface JudgeInput {
  input: OtjPlanInput;
  asOf: IsoDate;
  planned: number | null;
  required: number | null;
  actual: number;
  forecast: number;
  clock: Clock;
  explanation: string;
}

function judge(j: JudgeInput): { rag: OtjRag; reason: string } {
  const { input, asOf, planned, required, actual, forecast, clock } = j;
  if (planned === null || required === null) {
    return { rag: "red", reason: `The planned OTJ hours cannot be worked out. ${j.explanation}` };
  }
  if (isBefore(asOf, input.startDate)) {
    return {
      rag: "green",
      reason: `Not started yet: the apprenticeship starts on ${formatLongDate(input.startDate)}.`,
    };
  }
  if (actual >= planned) {
    return { rag: "green", reason: `Planned hours met: ${hours(actual)} of ${hours(planned)} hours verified.` };
  }
  if (isBefore(input.plannedEndDate, asOf)) {
    return {
      rag: "red",
      reason: `The planned end date (${formatLongDate(input.plannedEndDate)}) has passed and ${hoursWord(planned - actual)} of the planned ${hours(planned)} are still to be verified.`,
    };
  }
  if (actual >= required) {
    return {
      rag: "green",
      reason: `On plan: ${hours(actual)} hours verified, ${hours(required)} expected by now; at this pace ${hours(forecast)} hours by the planned end (planned ${hours(planned)}).`,
    };
  }
  const behind = `${hoursWord(required - actual)} behind plan; at this pace ${hoursWord(planned - forecast)} short at the planned end`;
  if (forecast >= planned * (1 - AMBER_TOLERANCE)) {
    return { rag: "amber", reason: `${behind} (within 10% of the planned ${hours(planned)}).` };
  }
  if (clock.elapsedDays <= EARLY_GRACE_DAYS) {
    return {
      rag: "amber",
      reason: `${behind}, but it is too early to judge the pace (first ${EARLY_GRACE_DAYS} days in learning).`,
    };
  }
  return { rag: "red", reason: `${behind}.` };
}

// ───────────────────────────── one day's entries ─────────────────────────────

/** A day has 24 hours: one apprentice's OTJ entries for one date never add up to more. */
export const MAX_OTJ_MINUTES_PER_DAY = 24 * 60;

/**
 * The refusal for an entry of `minutes` on a day that already holds `alreadyLogged` minutes of
 * the apprentice's OTJ (latest versions, not withdrawn or rejected), or null when it fits.
 */
export function otjDayLimitRefusal(alreadyLogged: number, minutes: number): string | null {
  if (alreadyLogged + minutes <= MAX_OTJ_MINUTES_PER_DAY) return null;
  const left = Math.max(0, MAX_OTJ_MINUTES_PER_DAY - alreadyLogged);
  return left === 0
    ? `You have already logged ${formatMinutes(alreadyLogged)} of off-the-job training on that day, which is the most a day can hold (24 hours). Check the date, or change one of that day's entries.`
    : `A day holds at most 24 hours of off-the-job training and you have already logged ${formatMinutes(alreadyLogged)} on that day, so enter ${formatMinutes(left)} or less.`;
}

// ───────────────────────────── ILR ─────────────────────────────

/** ILR OTJActHours: whole hours actually completed, so verified minutes are floored. */
export function otjActHoursForIlr(verifiedMinutes: number): number {
  requireNonNegative("verifiedMinutes", verifiedMinutes);
  return Math.floor(verifiedMinutes / 60);
}

// ───────────────────────────── chart series ─────────────────────────────

/**
 * Points for a plan-vs-actual chart and its data table: each month end from the start month to
 * the planned end, the planned end date itself, and the as-of date when it falls in the
 * programme. Required uses the same clock as otjStatus; actual is cumulative verified hours up
 * to each date (entries after the as-of date are ignored); forecast starts at the as-of date
 * from the actual figure and grows at the current pace, so its last point equals
 * otjStatus(...).forecast.
 */
export function otjSeries(input: OtjSeriesInput, asOf: IsoDate): OtjSeriesPoint[] {
  const plan = plannedOtjHours(input);
  const clock = clockAt(input, asOf);
  const entries = input.verifiedEntries.filter((e) => !isBefore(asOf, e.occurredOn));
  const actualAt = (date: IsoDate) => cumulativeHours(entries, date);
  const actualNow = actualAt(asOf);
  const pace = paceOf(actualNow, plan.hours, clock);
  return seriesDates(input, asOf).map((date) => {
    const elapsed = elapsedDaysAt(input, clock.breaks, date);
    const beforeAsOf = isBefore(date, asOf);
    return {
      date,
      required: plan.hours === null ? null : round2(requiredAt(plan.hours, clock, elapsed)),
      actual: isBefore(asOf, date) ? null : round2(actualAt(date)),
      forecast: beforeAsOf ? null : round2(actualNow + pace * (elapsed - clock.elapsedDays)),
      isAsOf: date === asOf,
    };
  });
}

function seriesDates(input: OtjPlanInput, asOf: IsoDate): IsoDate[] {
  const dates = new Set(
    monthEndsBetween(input.startDate, input.plannedEndDate).filter((d) => !isBefore(input.plannedEndDate, d)),
  );
  dates.add(input.plannedEndDate);
  if (!isBefore(asOf, input.startDate) && !isBefore(input.plannedEndDate, asOf)) dates.add(asOf);
  return [...dates].sort((a, b) => toDayNumber(a) - toDayNumber(b));
}

function cumulativeHours(entries: readonly OtjVerifiedEntry[], upTo: IsoDate): number {
  let minutes = 0;
  for (const e of entries) if (!isBefore(upTo, e.occurredOn)) minutes += e.minutes;
  return minutes / 60;
}

// ───────────────────────────── formatting ─────────────────────────────

const numberFormat = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });
const exactFormat = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });

/** 1,396.3 — hours for explanations, one decimal at most. */
function hours(value: number): string {
  return numberFormat.format(value);
}

function hoursWord(value: number): string {
  const text = hours(value);
  return `${text} ${text === "1" ? "hour" : "hours"}`;
}

function weeks(value: number): string {
  return value.toFixed(1);
}

function roundedUp(exact: number): string {
  const whole = ceilHours(exact);
  return Math.abs(whole - exact) < 1e-9
    ? `${whole} hours`
    : `${exactFormat.format(exact)}, rounded up to ${whole} hours`;
}

/** Rounds up to whole hours, ignoring floating-point dust (279.0000000001 is 279). */
function ceilHours(value: number): number {
  return Math.ceil(Math.round(value * 1e6) / 1e6);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
