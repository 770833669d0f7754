/**
 * Reminder and digest rules: who is due which email, given facts. Pure functions, no I/O; the
 * sweep (workers/reminder-sweep.ts) and the reminder worker (workers/reminders-worker.ts) load the
 * facts with set-based SQL (app/models/reminders.server.ts) and ask these rules.
 *
 * Kinds and their preference category (users.notification_prefs { reminders, digest }):
 *   otj-reminder   apprentice   reminders  no verified OTJ in 14 days, or the OTJ RAG turned amber/red
 *   review-due     apprentice   reminders  a review due in the next 7 days, or open and awaiting their signature
 *   inbox-digest   employer     digest     items waiting in their inbox for over 3 days (counts only)
 *   teacher-digest teacher      digest     weekly: per class, pupils with no verified progress in 14 days and entries to verify
 *   tutor-digest   tutor        digest     weekly: reviews due soon, overdue and awaiting the tutor's signature
 *
 * Period: every kind is keyed by the ISO week of the day it is due ("2026-W19"), so a person
 * gets at most ONE email of a kind per week, however many learners, reviews or items it covers
 * and however often the sweep runs. The daily sweep catches people the day they become due;
 * the weekly digests go out on Monday.
 *
 * "Turned amber or red" (decision): the RAG at the time of each OTJ reminder is recorded in the
 * notification_log row's kind ("otj-reminder:amber"). A RAG of amber or red is "turned" when it
 * differs from the RAG of the last OTJ reminder sent (none yet counts as green). So an apprentice
 * hears once when they fall to amber, again if it worsens to red, and not every week it stays red
 * (the 14-day rule still nudges them if they stop logging altogether).
 *
 * Quiet hours: no sends 20:00–07:00 UK time; a job met in quiet hours waits until 07:00.
 */
import { addDays, isBefore, toDayNumber, type IsoDate } from "./dates.ts";
import { otjStatus, type OtjRag, type OtjStatusInput } from "./otj.ts";

export const REMINDER_KINDS = ["otj-reminder", "review-due", "inbox-digest", "teacher-digest", "tutor-digest"] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

export type PreferenceCategory = "reminders" | "digest";

export const KIND_CATEGORY: Record<ReminderKind, PreferenceCategory> = {
  "otj-reminder": "reminders",
  "review-due": "reminders",
  "inbox-digest": "digest",
  "teacher-digest": "digest",
  "tutor-digest": "digest",
};

/** Which sweep finds each kind: the daily one (07:30) or the Monday digest (07:30). */
export const KIND_CADENCE: Record<ReminderKind, "daily" | "weekly"> = {
  "otj-reminder": "daily",
  "review-due": "daily",
  "inbox-digest": "daily",
  "teacher-digest": "weekly",
  "tutor-digest": "weekly",
};

export const NO_OTJ_DAYS = 14;
export const REVIEW_SOON_DAYS = 7;
export const INBOX_WAITING_DAYS = 3;
export const TUTOR_DUE_SOON_DAYS = 14;
export const QUIET_FROM_HOUR = 20;
export const QUIET_UNTIL_HOUR = 7;

// ───────────────────────────── keys and periods ─────────────────────────────

/** ISO 8601 week of a date: "2026-W19" (weeks start on Monday; week 1 holds 4 January). */
export function isoWeek(date: IsoDate): string {
  const day = toDayNumber(date);
  const weekday = (((day + 3) % 7) + 7) % 7; // 0 = Monday (1970-01-01 was a Thursday)
  const thursday = day - weekday + 3;
  const year = new Date(thursday * 86_400_000).getUTCFullYear();
  const firstThursday = toDayNumber(`${year}-01-04`) - ((((toDayNumber(`${year}-01-04`) + 3) % 7) + 7) % 7) + 3;
  const week = 1 + Math.round((thursday - firstThursday) / 7);
  return `${year}-W${String(week).padStart(2, "0")}`;
}

export const PERIOD_PATTERN = /^\d{4}-W\d{2}$/;

export function periodFor(_kind: ReminderKind, today: IsoDate): string {
  return isoWeek(today);
}

/** notification_log.dedupe_key: the (person, kind, period) that may be emailed once. */
export function reminderDedupeKey(userId: string, kind: ReminderKind, period: string): string {
  return `reminder:${userId}:${kind}:${period}`;
}

/**
 * BullMQ job id for the same triple. BullMQ refuses custom ids with ':' (its own key separator),
 * so the job id spells the dedupe key with dots; it is the same key, one-to-one.
 */
export function reminderJobId(userId: string, kind: ReminderKind, period: string): string {
  return `reminder.${userId}.${kind}.${period}`;
}

// ───────────────────────────── who may receive ─────────────────────────────

export type NotificationPrefs = { reminders: boolean; digest: boolean };

/** users.notification_prefs, read leniently: anything but an explicit false means "yes". */
export function parsePrefs(value: unknown): NotificationPrefs {
  const v = (value && typeof value === "object" ? value : {}) as Record<string, unknown>;
  return { reminders: v.reminders !== false, digest: v.digest !== false };
}

export type Recipient = {
  email: string | null;
  disabled: boolean;
  erased: boolean;
  prefs: NotificationPrefs;
  /** For pupils: whether each of their schools turned pupil reminders on; null for non-pupils. */
  pupilSchoolsEnabled: boolean[] | null;
};

/**
 * May this person get an email of this kind? Needs an address, an active account, the
 * preference not switched off, and — for pupils (children) — a school that turned reminders on.
 */
export function mayReceive(recipient: Recipient, kind: ReminderKind): boolean {
  if (!recipient.email || recipient.disabled || recipient.erased) return false;
  if (!recipient.prefs[KIND_CATEGORY[kind]]) return false;
  if (recipient.pupilSchoolsEnabled && !recipient.pupilSchoolsEnabled.some(Boolean)) return false;
  return true;
}

// ───────────────────────────── apprentice: OTJ ─────────────────────────────

export type OtjFact = {
  userId: string;
  apprenticeshipId: string;
  /** ACTIVE only: apprentices on a break or at gateway are not nagged. */
  status: string;
  plan: Omit<OtjStatusInput, "verifiedMinutes">;
  verifiedMinutes: number;
  /** Latest occurred_on of a counting (verified) OTJ entry. */
  lastVerifiedOtjOn: IsoDate | null;
  /** RAG recorded with the last OTJ reminder sent to this person, if any. */
  lastRagSent: OtjRag | null;
};

export type OtjReason = "no-recent-otj" | "rag-turned";

export type OtjReminder = {
  apprenticeshipId: string;
  reasons: OtjReason[];
  rag: OtjRag;
  actualHours: number;
  requiredHours: number | null;
  plannedHours: number | null;
  /** Days since the last verified OTJ (or since the start when there is none). */
  daysSinceOtj: number;
  hadAnyOtj: boolean;
};

export function otjReminderFor(fact: OtjFact, today: IsoDate): OtjReminder | null {
  if (fact.status !== "ACTIVE") return null;
  if (isBefore(today, fact.plan.startDate)) return null;
  const status = otjStatus({ ...fact.plan, verifiedMinutes: fact.verifiedMinutes }, today);
  if (status.onBreak) return null;
  const since =
    fact.lastVerifiedOtjOn && !isBefore(fact.lastVerifiedOtjOn, fact.plan.startDate)
      ? fact.lastVerifiedOtjOn
      : fact.plan.startDate;
  const daysSinceOtj = toDayNumber(today) - toDayNumber(since);
  const reasons: OtjReason[] = [];
  const plannedMet = status.plannedTotal !== null && status.actual >= status.plannedTotal;
  if (daysSinceOtj >= NO_OTJ_DAYS && !plannedMet) reasons.push("no-recent-otj");
  if (status.rag !== "green" && status.rag !== (fact.lastRagSent ?? "green")) reasons.push("rag-turned");
  if (reasons.length === 0) return null;
  return {
    apprenticeshipId: fact.apprenticeshipId,
    reasons,
    rag: status.rag,
    actualHours: Math.floor(status.actual * 10) / 10,
    requiredHours: status.requiredToDate === null ? null : Math.ceil(status.requiredToDate * 10) / 10,
    plannedHours: status.plannedTotal,
    daysSinceOtj,
    hadAnyOtj: fact.lastVerifiedOtjOn !== null,
  };
}

/** The worst RAG among a person's reminders (what is recorded as "last RAG sent"). */
export function worstRag(rags: readonly OtjRag[]): OtjRag {
  return rags.includes("red") ? "red" : rags.includes("amber") ? "amber" : "green";
}

/** notification_log.kind for an OTJ reminder, carrying the RAG it reported. */
export function otjLogKind(rag: OtjRag): string {
  return `otj-reminder:${rag}`;
}

export function ragFromLogKind(kind: string | null | undefined): OtjRag | null {
  const rag = kind?.split(":")[1];
  return rag === "green" || rag === "amber" || rag === "red" ? rag : null;
}

// ───────────────────────────── apprentice: reviews ─────────────────────────────

export type ReviewFact = {
  userId: string;
  reviewId: string;
  sequence: number;
  status: "SCHEDULED" | "OPEN" | "SIGNED";
  dueOn: IsoDate;
  apprenticeSigned: boolean;
};

export type ReviewReminderItem = {
  reviewId: string;
  sequence: number;
  dueOn: IsoDate;
  reason: "due-soon" | "awaiting-signature";
};

/** A review due within 7 days (not yet held), or held and waiting for the apprentice to sign. */
export function reviewReminderFor(fact: ReviewFact, today: IsoDate): ReviewReminderItem | null {
  if (fact.status === "OPEN" && !fact.apprenticeSigned)
    return { reviewId: fact.reviewId, sequence: fact.sequence, dueOn: fact.dueOn, reason: "awaiting-signature" };
  if (
    fact.status === "SCHEDULED" &&
    !isBefore(fact.dueOn, today) &&
    !isBefore(addDays(today, REVIEW_SOON_DAYS), fact.dueOn)
  ) {
    return { reviewId: fact.reviewId, sequence: fact.sequence, dueOn: fact.dueOn, reason: "due-soon" };
  }
  return null;
}

// ───────────────────────────── employer: inbox digest ─────────────────────────────

export const INBOX_ITEM_KINDS = ["otj", "reviews", "placements", "feedback", "gateway"] as const;
export type InboxItemKind = (typeof INBOX_ITEM_KINDS)[number];
export type InboxWaiting = Record<InboxItemKind, number>;

/** One digest when anything has waited over 3 days (the SQL counts only such items). */
export function inboxDigestFor(waiting: Partial<InboxWaiting>): (InboxWaiting & { total: number }) | null {
  const counts = Object.fromEntries(INBOX_ITEM_KINDS.map((k) => [k, Math.max(0, waiting[k] ?? 0)])) as InboxWaiting;
  const total = INBOX_ITEM_KINDS.reduce((sum, k) => sum + counts[k], 0);
  return total > 0 ? { ...counts, total } : null;
}

// ───────────────────────────── teacher: weekly digest ─────────────────────────────

/**
 * Per class: how many pupils are stuck and how many entries wait for verification. Counts and
 * class names only, never a pupil's name: an email can be forwarded, printed or read over a
 * shoulder, and the class page (behind sign-in) says who.
 */
export type ClassFact = { classId: string; className: string; stuckPupils: number; entriesToVerify: number };

export function teacherDigestFor(
  classes: readonly ClassFact[],
): { classes: ClassFact[]; stuckPupils: number; entriesToVerify: number } | null {
  const relevant = classes
    .filter((c) => c.stuckPupils > 0 || c.entriesToVerify > 0)
    .sort((a, b) => a.className.localeCompare(b.className));
  if (relevant.length === 0) return null;
  return {
    classes: relevant,
    stuckPupils: relevant.reduce((s, c) => s + c.stuckPupils, 0),
    entriesToVerify: relevant.reduce((s, c) => s + c.entriesToVerify, 0),
  };
}

// ───────────────────────────── tutor: caseload digest ─────────────────────────────

export type TutorReviewFact = { status: "SCHEDULED" | "OPEN" | "SIGNED"; dueOn: IsoDate; tutorSigned: boolean };

export type TutorDigest = { overdue: number; dueSoon: number; awaitingYourSignature: number };

/**
 * Overdue: not yet held and past its due date. Due soon: not yet held, due within 14 days.
 * Awaiting your signature: held (open) and the tutor has not signed.
 */
export function tutorDigestFor(reviews: readonly TutorReviewFact[], today: IsoDate): TutorDigest | null {
  const horizon = addDays(today, TUTOR_DUE_SOON_DAYS);
  let overdue = 0;
  let dueSoon = 0;
  let awaitingYourSignature = 0;
  for (const r of reviews) {
    if (r.status === "SCHEDULED" && isBefore(r.dueOn, today)) overdue++;
    else if (r.status === "SCHEDULED" && !isBefore(horizon, r.dueOn)) dueSoon++;
    if (r.status === "OPEN" && !r.tutorSigned) awaitingYourSignature++;
  }
  return overdue + dueSoon + awaitingYourSignature > 0 ? { overdue, dueSoon, awaitingYourSignature } : null;
}

// ───────────────────────────── quiet hours ─────────────────────────────

const LONDON = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** Wall-clock time in England for an instant. */
export function londonTime(now: Date): { date: IsoDate; hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(LONDON.formatToParts(now).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** The instant a wall-clock time in England happens (07:00 is never inside a clock change). */
export function londonInstant(date: IsoDate, hour: number): Date {
  const guess = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)), hour);
  const wall = londonTime(new Date(guess));
  const wallMs = Date.UTC(
    Number(wall.date.slice(0, 4)),
    Number(wall.date.slice(5, 7)) - 1,
    Number(wall.date.slice(8, 10)),
    wall.hour,
    wall.minute,
    wall.second,
  );
  return new Date(guess - (wallMs - guess));
}

export function inQuietHours(now: Date): boolean {
  const { hour } = londonTime(now);
  return hour >= QUIET_FROM_HOUR || hour < QUIET_UNTIL_HOUR;
}

/** When a send that comes up now may go: now outside quiet hours, else the next 07:00 in England. */
export function nextSendTime(now: Date): Date {
  const t = londonTime(now);
  if (t.hour >= QUIET_UNTIL_HOUR && t.hour < QUIET_FROM_HOUR) return now;
  const day = t.hour >= QUIET_FROM_HOUR ? addDays(t.date, 1) : t.date;
  return londonInstant(day, QUIET_UNTIL_HOUR);
}
