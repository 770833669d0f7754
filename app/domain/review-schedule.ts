/**
 * Progress-review schedule for an apprenticeship: pure functions, no I/O.
 *
 * Source: "Apprenticeship funding rules 2025 to 2026" (DfE), progress reviews (rules 92 and 92.1):
 * at least every 3 calendar months, so a start on 1 Aug is due by 30 Nov; three-way (tutor,
 * employer, apprentice) and signed by all three.
 *
 * The due rule. A review is due by the LAST DAY of the calendar month that is three months
 * after the month of its anchor: 1 Aug → 30 Nov, 31 Aug → 30 Nov, 30 Nov → 28 Feb (29 Feb in
 * a leap year), 15 Dec → 31 Mar. ("Start + 3 months" alone would give 1 Nov for a 1 Aug
 * start, which contradicts that example.) Review n's anchor is:
 *   - the start date, for the first review;
 *   - the date review n−1 was held, whether early or late (holding a review restarts the clock);
 *   - review n−1's due date, while n−1 has not been held (the projected future schedule).
 * Held reviews fill the schedule in date order: the first held review is review 1, and so on.
 * A review held in the same calendar month as its anchor cannot move the next due date (the
 * rule works in whole months), so it is listed in `extraHeldReviews` and does not take a slot;
 * e.g. an induction review on the start date does not count as the first 3-monthly review.
 * Held dates before the start date are ignored; duplicates count once.
 *
 * Breaks in learning. The clock pauses during a break: a due date moves later by the number of
 * break days between its anchor (excluded) and the due date, and the days of a break that the
 * move itself brings into the window count too. A break's end date is its last day. An open
 * break (no end date) makes later due dates unknown: the schedule stops there (`pausedFrom`)
 * until the end date is recorded. A slot held before the open break began is still listed.
 *
 * Extent. Due dates are generated up to the planned end date (pass the current one; moving the
 * end date after a break is the caller's job); a held review is always listed, even after it.
 *
 * Dates are ISO 'YYYY-MM-DD' strings (see dates.ts).
 */
import {
  addCalendarMonths,
  addDays,
  closeBreaks,
  daysBetween,
  daysCovered,
  endOfMonth,
  isBefore,
  isSameMonth,
  toDayNumber,
  type DatePeriod,
  type IsoDate,
  type LearningBreak,
} from "./dates.ts";

export type { IsoDate, LearningBreak } from "./dates.ts";

export const REVIEW_INTERVAL_MONTHS = 3;

export interface HeldReview {
  heldOn: IsoDate;
}

export interface ReviewScheduleInput {
  startDate: IsoDate;
  plannedEndDate: IsoDate;
  breaks?: readonly LearningBreak[];
  heldReviews?: readonly HeldReview[];
}

export type ReviewAnchorKind = "start" | "held-review" | "previous-due-date";

export interface ScheduledReview {
  /** 1-based, as Review.sequence. */
  sequence: number;
  /** The date the 3-month clock ran from. */
  anchor: IsoDate;
  anchorKind: ReviewAnchorKind;
  dueOn: IsoDate;
  /** Days the due date moved because of breaks in learning. */
  breakDays: number;
  heldOn: IsoDate | null;
}

export interface ReviewSchedule {
  reviews: ScheduledReview[];
  /** Held reviews that took no slot (same calendar month as their anchor). */
  extraHeldReviews: IsoDate[];
  /** Start of the open break that stops the schedule; null when none does. */
  pausedFrom: IsoDate | null;
}

/** Three-way signatures, as calendar dates (the date part of each *SignedAt timestamp). */
export interface ReviewSignatures {
  openedOn: IsoDate;
  apprenticeSignedOn: IsoDate | null;
  employerSignedOn: IsoDate | null;
  tutorSignedOn: IsoDate | null;
}

// ───────────────────────────── the due rule ─────────────────────────────

/** Due date for a clock anchored on `anchor`, before any break: end of the month 3 months on. */
export function baseDueDate(anchor: IsoDate): IsoDate {
  return endOfMonth(addCalendarMonths(anchor, REVIEW_INTERVAL_MONTHS));
}

/** Due date with the clock paused for closed breaks after the anchor. */
export function dueDateFrom(
  anchor: IsoDate,
  breaks: readonly DatePeriod[] = [],
): { dueOn: IsoDate; breakDays: number } {
  const base = baseDueDate(anchor);
  let breakDays = 0;
  // Pushing the date can bring more break days into the window; repeat until it settles
  // (at most once per break, since the count only grows and is bounded by the total).
  for (;;) {
    const next = daysCovered(breaks, addDays(anchor, 1), addDays(base, breakDays));
    if (next === breakDays) return { dueOn: addDays(base, breakDays), breakDays };
    breakDays = next;
  }
}

// ───────────────────────────── the schedule ─────────────────────────────

export function reviewSchedule(input: ReviewScheduleInput): ReviewSchedule {
  if (isBefore(input.plannedEndDate, input.startDate)) {
    throw new RangeError(`Planned end ${input.plannedEndDate} is before the start ${input.startDate}`);
  }
  const breaks = closeBreaks(input.breaks ?? [], null);
  const openBreakStart = earliestOpenBreak(input.breaks ?? []);
  const held = heldDates(input);
  const reviews: ScheduledReview[] = [];
  const extraHeldReviews: IsoDate[] = [];
  let anchor = input.startDate;
  let anchorKind: ReviewAnchorKind = "start";
  let next = 0;

  for (;;) {
    while (next < held.length && isSameMonth(held[next], anchor)) {
      extraHeldReviews.push(held[next++]);
    }
    const heldOn = next < held.length ? held[next] : null;
    const { dueOn, breakDays } = dueDateFrom(anchor, breaks);
    const blockedByOpenBreak = openBreakStart !== null && !isBefore(dueOn, openBreakStart);
    if (blockedByOpenBreak && (heldOn === null || !isBefore(heldOn, openBreakStart))) {
      return { reviews, extraHeldReviews, pausedFrom: openBreakStart };
    }
    if (heldOn === null && isBefore(input.plannedEndDate, dueOn)) {
      return { reviews, extraHeldReviews, pausedFrom: null };
    }
    if (heldOn !== null) next++;
    reviews.push({ sequence: reviews.length + 1, anchor, anchorKind, dueOn, breakDays, heldOn });
    anchor = heldOn ?? dueOn;
    anchorKind = heldOn === null ? "previous-due-date" : "held-review";
  }
}

function heldDates(input: ReviewScheduleInput): IsoDate[] {
  const dates = new Set((input.heldReviews ?? []).map((r) => r.heldOn));
  return [...dates].filter((d) => !isBefore(d, input.startDate)).sort((a, b) => toDayNumber(a) - toDayNumber(b));
}

function earliestOpenBreak(breaks: readonly LearningBreak[]): IsoDate | null {
  const starts = breaks.filter((b) => b.endDate === null).map((b) => b.startDate);
  return starts.sort((a, b) => toDayNumber(a) - toDayNumber(b))[0] ?? null;
}

// ───────────────────────────── helpers for dashboards and reports ─────────────────────────────

function heldBy(review: ScheduledReview, asOf: IsoDate): boolean {
  return review.heldOn !== null && !isBefore(asOf, review.heldOn);
}

/** Not held by `asOf` and past its due date (the due date itself is still on time). */
export function isOverdue(review: ScheduledReview, asOf: IsoDate): boolean {
  return !heldBy(review, asOf) && isBefore(review.dueOn, asOf);
}

/** Days past the due date: up to `asOf` while unheld, up to the held date once held (0 if on time). */
export function daysOverdue(review: ScheduledReview, asOf: IsoDate): number {
  const until = heldBy(review, asOf) ? (review.heldOn as IsoDate) : asOf;
  return Math.max(0, daysBetween(review.dueOn, until));
}

/** Held on or before its due date (the "reviews held on time" measure). */
export function wasHeldOnTime(review: ScheduledReview): boolean {
  return review.heldOn !== null && !isBefore(review.dueOn, review.heldOn);
}

/** The first review not yet held at `asOf`, or null when every scheduled review is held. */
export function nextReviewDue(schedule: ReviewSchedule, asOf: IsoDate): ScheduledReview | null {
  return schedule.reviews.find((r) => !heldBy(r, asOf)) ?? null;
}

/** The date of the third signature, or null while any of the three is missing. */
export function allSignedOn(s: ReviewSignatures): IsoDate | null {
  const dates = [s.apprenticeSignedOn, s.employerSignedOn, s.tutorSignedOn];
  if (dates.some((d) => d === null)) return null;
  return (dates as IsoDate[]).sort((a, b) => toDayNumber(b) - toDayNumber(a))[0];
}

/**
 * Days a review opened on `openedOn` has waited for all three signatures: up to `asOf` while
 * unsigned, up to the third signature once signed (the "median days to all three signatures"
 * measure uses the signed figure).
 */
export function daysUnsigned(s: ReviewSignatures, asOf: IsoDate): number {
  const signedOn = allSignedOn(s);
  const until = signedOn !== null && !isBefore(asOf, signedOn) ? signedOn : asOf;
  return Math.max(0, daysBetween(s.openedOn, until));
}
