/**
 * Three-way progress reviews of an apprenticeship: the materialised schedule, the tutor's content,
 * the three signatures, locking and addenda.
 *
 * Schedule. The due dates come from app/domain/review-schedule.ts only. `ensureReviewSchedule`
 * writes them as Review rows (status SCHEDULED) for the whole apprenticeship and recomputes the
 * rows not yet opened whenever it runs, so a review held early or a break in learning moves every
 * later due date. Opened reviews (OPEN, SIGNED) are never renumbered or moved; scheduled rows keep
 * their ids (a link to one stays valid) and only their sequence/due date change.
 *
 * Sign-off order (docs/decisions/0xx in the report): the tutor opens the review (held date; the
 * OTJ figures are copied from the ledger at that moment, never typed), completes the content and
 * signs first; the tutor's signature fixes the content. The employer (employer admin, or the
 * apprentice's own workplace supervisor) and the apprentice then sign in either order, each with
 * an optional comment, in one step. The third signature locks the review (locked_at, SIGNED).
 * Once the content is fixed, a correction is an addendum by any of the three parties.
 *
 * Tenancy: a review is reachable only through an apprenticeship the actor may see
 * (app/auth/reach.server.ts `apprenticeshipsVisibleTo`); anything else is a 404, and so is an action by someone
 * who is not the party it needs.
 */
import { z } from "zod";
import { db, type Tx } from "~/db/client.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import type { ReviewStatus } from "~/generated/prisma/enums.ts";
import type { Actor } from "~/auth/permissions.ts";
import { assertIsoDate, isBefore, toIsoDate, toUtcDate, type IsoDate, todayInEngland } from "~/domain/dates.ts";
import { daysOverdue, daysUnsigned, reviewSchedule } from "~/domain/review-schedule.ts";
import { apprenticeshipPartiesOf, apprenticeshipsVisibleTo, reviewsVisibleTo } from "~/auth/reach.server.ts";
import { otjStatuses } from "~/models/otj-status.server.ts";
import { audit } from "~/utils/audit.server.ts";
import type { FieldErrors } from "~/utils/forms.ts";
import {
  KSB_RATINGS,
  MAX_ACTIONS,
  REVIEW_PARTIES,
  REVIEW_PARTY_LABELS,
  REVIEW_STATUS_LABELS,
  type KsbRating,
  type ReviewParty,
} from "~/models/reviews.shared.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName, type PersonName } from "~/domain/names.ts";

export {
  KSB_RATING_LABELS,
  KSB_RATINGS,
  MAX_ACTIONS,
  REVIEW_PARTIES,
  REVIEW_PARTY_LABELS,
  REVIEW_STATUS_LABELS,
  type KsbRating,
  type ReviewParty,
} from "~/models/reviews.shared.ts";

/** A refusal the person can act on (shown on the page, status 400). */
export class ReviewError extends Error {
  constructor(readonly errors: FieldErrors) {
    super(Object.values(errors)[0] ?? "The review could not be saved.");
  }
}

// ───────────────────────────── vocabulary ─────────────────────────────

export type ReviewAction = { text: string; owner: ReviewParty; dueOn: IsoDate };
export type ReviewOtjSnapshot = {
  asOf: IsoDate;
  plannedTotal: number | null;
  requiredToDate: number | null;
  actual: number;
  forecast: number;
  rag: "green" | "amber" | "red";
  reason: string;
};
export type ReviewContent = {
  progress?: string;
  support?: string;
  ksbRatings?: Record<string, KsbRating>;
  actions?: ReviewAction[];
  comments?: Partial<Record<ReviewParty, string>>;
  otj?: ReviewOtjSnapshot;
};

// ───────────────────────────── the schedule ─────────────────────────────

type Signatures = { tutorSignedAt: Date | null; employerSignedAt: Date | null; apprenticeSignedAt: Date | null };

export function waitingFor(r: Signatures & { status: ReviewStatus }): ReviewParty[] {
  if (r.status === "SCHEDULED") return [];
  return REVIEW_PARTIES.filter((p) => !r[`${p}SignedAt`]);
}

function daysUnsignedOf(r: Signatures & { heldOn: Date | null; status: ReviewStatus }, today: IsoDate): number | null {
  if (r.status === "SCHEDULED" || !r.heldOn) return null;
  const on = (d: Date | null) => (d ? toIsoDate(d) : null);
  return daysUnsigned(
    {
      openedOn: toIsoDate(r.heldOn),
      tutorSignedOn: on(r.tutorSignedAt),
      employerSignedOn: on(r.employerSignedAt),
      apprenticeSignedOn: on(r.apprenticeSignedAt),
    },
    today,
  );
}

/** "Waiting for the employer and the apprentice", for lists. */
export function waitingLabel(parties: readonly ReviewParty[]): string {
  if (parties.length === 0) return "Signed by all three";
  const names = parties.map((p) => `the ${p === "tutor" ? "tutor" : p}`);
  return `Waiting for ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`}`;
}

/**
 * Writes the review schedule of one apprenticeship as Review rows. Idempotent; cheap when nothing
 * changed (one read). Opened reviews stay as they are; SCHEDULED rows are moved, renumbered, added
 * or removed to match review-schedule.ts. Completed and withdrawn apprenticeships have no future
 * reviews. No actor: callers have already scoped the apprenticeship.
 */
export async function ensureReviewSchedule(apprenticeshipId: string, client?: Tx): Promise<void> {
  if (!client) return db().$transaction((tx) => ensureReviewSchedule(apprenticeshipId, tx));
  const tx = client;
  // One writer per apprenticeship: two first visits at once must not both insert review 1.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`review-schedule:${apprenticeshipId}`}))`;
  const a = await tx.apprenticeship.findUnique({
    where: { id: apprenticeshipId },
    select: {
      startDate: true,
      plannedEndDate: true,
      status: true,
      breaks: { select: { startDate: true, endDate: true } },
      reviews: {
        orderBy: { sequence: "asc" },
        select: { id: true, sequence: true, dueOn: true, heldOn: true, status: true },
      },
    },
  });
  if (!a) return;
  const opened = a.reviews.filter((r) => r.status !== "SCHEDULED");
  const scheduled = a.reviews.filter((r) => r.status === "SCHEDULED");
  let future: IsoDate[] = [];
  if (a.status !== "COMPLETED" && a.status !== "WITHDRAWN") {
    const schedule = reviewSchedule({
      startDate: toIsoDate(a.startDate),
      plannedEndDate: toIsoDate(a.plannedEndDate),
      breaks: a.breaks.map((b) => ({
        startDate: toIsoDate(b.startDate),
        endDate: b.endDate ? toIsoDate(b.endDate) : null,
      })),
      heldReviews: opened.filter((r) => r.heldOn).map((r) => ({ heldOn: toIsoDate(r.heldOn!) })),
    });
    future = schedule.reviews.filter((r) => r.heldOn === null).map((r) => r.dueOn);
  }
  const base = opened.reduce((max, r) => Math.max(max, r.sequence), 0);
  const desired = future.map((dueOn, i) => ({ sequence: base + 1 + i, dueOn }));
  const unchanged =
    scheduled.length === desired.length &&
    scheduled.every((r, i) => r.sequence === desired[i].sequence && toIsoDate(r.dueOn) === desired[i].dueOn);
  if (unchanged) return;

  const kept = scheduled.slice(0, desired.length);
  const removed = scheduled.slice(desired.length);
  if (removed.length)
    await tx.review.deleteMany({ where: { id: { in: removed.map((r) => r.id) }, status: "SCHEDULED" } });
  // Renumbering can collide with the unique (apprenticeship, sequence): park the rows first.
  if (kept.some((r, i) => r.sequence !== desired[i].sequence)) {
    await tx.review.updateMany({
      where: { id: { in: kept.map((r) => r.id) } },
      data: { sequence: { increment: 100_000 } },
    });
  }
  for (const [i, r] of kept.entries()) {
    if (r.sequence !== desired[i].sequence || toIsoDate(r.dueOn) !== desired[i].dueOn) {
      await tx.review.update({
        where: { id: r.id },
        data: { sequence: desired[i].sequence, dueOn: toUtcDate(desired[i].dueOn) },
      });
    }
  }
  const added = desired.slice(kept.length);
  if (added.length) {
    await tx.review.createMany({
      data: added.map((d) => ({ apprenticeshipId, sequence: d.sequence, dueOn: toUtcDate(d.dueOn) })),
    });
  }
}

// ───────────────────────────── reading ─────────────────────────────

const personName = (p: PersonName | null | undefined) => (p ? fullName(p) : null);

async function visibleApprenticeship(actor: Actor, apprenticeshipId: string, tx: Tx = db()) {
  if (!isUuid(apprenticeshipId)) notFound();
  const a = await tx.apprenticeship.findFirst({
    where: { AND: [{ id: apprenticeshipId }, apprenticeshipsVisibleTo(actor)] },
    select: {
      id: true,
      apprenticeId: true,
      employerId: true,
      providerId: true,
      tutorId: true,
      supervisorId: true,
      status: true,
      startDate: true,
      plannedEndDate: true,
      plannedOtjHours: true,
      apprentice: { select: { firstName: true, lastName: true } },
      employer: { select: { name: true } },
      standard: {
        select: {
          reference: true,
          title: true,
          level: true,
          ksbs: { select: { code: true, text: true }, orderBy: { code: "asc" } },
        },
      },
    },
  });
  if (!a) notFound();
  return a;
}

/** KSB codes in the order K, S, B and then by number (K2 before K10). */
function sortKsbs<T extends { code: string }>(ksbs: T[]): T[] {
  const rank = (code: string) => ["K", "S", "B"].indexOf(code[0]) * 10_000 + (Number(code.slice(1)) || 0);
  return [...ksbs].sort((a, b) => rank(a.code) - rank(b.code) || a.code.localeCompare(b.code));
}

/** The schedule of one apprenticeship (materialised first), for its reviews page. */
export async function listApprenticeshipReviews(
  actor: Actor,
  apprenticeshipId: string,
  today: IsoDate = todayInEngland(),
) {
  const a = await visibleApprenticeship(actor, apprenticeshipId);
  await ensureReviewSchedule(a.id);
  const rows = await db().review.findMany({
    where: { apprenticeshipId: a.id },
    orderBy: { sequence: "asc" },
    select: {
      id: true,
      sequence: true,
      dueOn: true,
      heldOn: true,
      status: true,
      tutorSignedAt: true,
      employerSignedAt: true,
      apprenticeSignedAt: true,
      lockedAt: true,
    },
  });
  const parties = apprenticeshipPartiesOf(actor, a);
  const nextScheduled = rows.find((r) => r.status === "SCHEDULED");
  return {
    apprenticeship: {
      id: a.id,
      apprenticeName: personName(a.apprentice)!,
      employerName: a.employer.name,
      standard: `${a.standard.title} (${a.standard.reference}, level ${a.standard.level})`,
      startDate: toIsoDate(a.startDate),
      plannedEndDate: toIsoDate(a.plannedEndDate),
      status: a.status,
    },
    canOpen: parties.includes("tutor") && Boolean(nextScheduled),
    nextScheduledId: nextScheduled?.id ?? null,
    reviews: rows.map((r) => toRow(r, today)),
  };
}

function toRow(
  r: Signatures & { id: string; sequence: number; dueOn: Date; heldOn: Date | null; status: ReviewStatus },
  today: IsoDate,
) {
  const dueOn = toIsoDate(r.dueOn);
  const heldOn = r.heldOn ? toIsoDate(r.heldOn) : null;
  const waiting = waitingFor(r);
  return {
    id: r.id,
    sequence: r.sequence,
    dueOn,
    heldOn,
    status: r.status,
    statusLabel: REVIEW_STATUS_LABELS[r.status],
    overdueDays: daysOverdue(
      { sequence: r.sequence, anchor: dueOn, anchorKind: "start", dueOn, breakDays: 0, heldOn },
      today,
    ),
    daysUnsigned: daysUnsignedOf(r, today),
    waitingFor: waiting,
    waitingLabel: r.status === "SCHEDULED" ? "Not held yet" : waitingLabel(waiting),
  };
}

/**
 * Reviews for the /reviews list: every apprenticeship the actor may see (a tutor's caseload, an
 * employer's apprentices, an apprentice's own), the reviews awaiting signatures and the next
 * review due of each, overdue first.
 */
export async function listReviewsForActor(actor: Actor, today: IsoDate = todayInEngland()) {
  const apprenticeships = await db().apprenticeship.findMany({
    where: { AND: [apprenticeshipsVisibleTo(actor), { status: { in: ["ACTIVE", "BREAK", "GATEWAY"] } }] },
    select: { id: true },
    take: 500,
  });
  for (const a of apprenticeships) await ensureReviewSchedule(a.id);
  const ids = apprenticeships.map((a) => a.id);
  const select = {
    id: true,
    sequence: true,
    dueOn: true,
    heldOn: true,
    status: true,
    tutorSignedAt: true,
    employerSignedAt: true,
    apprenticeSignedAt: true,
    apprenticeship: {
      select: {
        id: true,
        apprentice: { select: { firstName: true, lastName: true } },
        employer: { select: { name: true } },
        standard: { select: { reference: true } },
      },
    },
  } satisfies Prisma.ReviewSelect;
  const [open, scheduled] = await Promise.all([
    db().review.findMany({
      where: { apprenticeshipId: { in: ids }, status: "OPEN" },
      orderBy: [{ heldOn: "asc" }, { sequence: "asc" }],
      select,
    }),
    db().review.findMany({
      where: { apprenticeshipId: { in: ids }, status: "SCHEDULED" },
      orderBy: [{ dueOn: "asc" }],
      distinct: ["apprenticeshipId"],
      select,
    }),
  ]);
  const withPerson = (r: (typeof open)[number]) => ({
    ...toRow(r, today),
    apprenticeshipId: r.apprenticeship.id,
    apprenticeName: personName(r.apprenticeship.apprentice)!,
    employerName: r.apprenticeship.employer.name,
    standardReference: r.apprenticeship.standard.reference,
  });
  const due = scheduled.map(withPerson).sort((x, y) => x.dueOn.localeCompare(y.dueOn));
  return { awaitingSignatures: open.map(withPerson), due };
}

/** One review with everything its page shows; 404 outside reach. */
export async function getReview(actor: Actor, reviewId: string, today: IsoDate = todayInEngland()) {
  if (!isUuid(reviewId)) notFound();
  const review = await db().review.findFirst({
    where: { id: reviewId, ...reviewsVisibleTo(actor) },
    include: { addenda: { orderBy: { createdAt: "asc" } } },
  });
  if (!review) notFound();
  const a = await visibleApprenticeship(actor, review.apprenticeshipId);
  const signerIds = [
    review.tutorSignedById,
    review.employerSignedById,
    review.apprenticeSignedById,
    ...review.addenda.map((x) => x.authorId),
  ].filter((id): id is string => Boolean(id));
  const people = signerIds.length
    ? await db().user.findMany({
        where: { id: { in: signerIds } },
        select: { id: true, firstName: true, lastName: true },
      })
    : [];
  const nameOf = (id: string | null) => personName(people.find((p) => p.id === id)) ?? null;
  const content = (review.content ?? {}) as ReviewContent;
  const myParties = apprenticeshipPartiesOf(actor, a);
  const waiting = waitingFor(review);
  const contentFixed = review.tutorSignedAt !== null;
  const earlierOpenOrScheduled =
    review.status === "SCHEDULED"
      ? await db().review.count({
          where: { apprenticeshipId: a.id, status: "SCHEDULED", sequence: { lt: review.sequence } },
        })
      : 0;
  return {
    id: review.id,
    sequence: review.sequence,
    dueOn: toIsoDate(review.dueOn),
    heldOn: review.heldOn ? toIsoDate(review.heldOn) : null,
    status: review.status,
    statusLabel: REVIEW_STATUS_LABELS[review.status],
    lockedAt: review.lockedAt?.toISOString() ?? null,
    otjHoursAtReview: review.otjHoursAtReview === null ? null : Number(review.otjHoursAtReview),
    content,
    apprenticeship: {
      id: a.id,
      apprenticeName: personName(a.apprentice)!,
      employerName: a.employer.name,
      standard: `${a.standard.title} (${a.standard.reference}, level ${a.standard.level})`,
      startDate: toIsoDate(a.startDate),
      plannedEndDate: toIsoDate(a.plannedEndDate),
      plannedOtjHours: a.plannedOtjHours,
    },
    ksbs: sortKsbs(a.standard.ksbs),
    signatures: REVIEW_PARTIES.map((party) => ({
      party,
      label: REVIEW_PARTY_LABELS[party],
      signedAt: review[`${party}SignedAt`]?.toISOString() ?? null,
      signedBy: nameOf(review[`${party}SignedById`]),
      comment: content.comments?.[party] ?? "",
    })),
    waitingFor: waiting,
    waitingLabel: review.status === "SCHEDULED" ? "Not held yet" : waitingLabel(waiting),
    daysUnsigned: daysUnsignedOf(review, today),
    addenda: review.addenda.map((x) => ({
      id: x.id,
      text: x.text,
      author: nameOf(x.authorId),
      createdAt: x.createdAt.toISOString(),
    })),
    myParties,
    /** What this person can do now. */
    can: {
      open: review.status === "SCHEDULED" && myParties.includes("tutor") && earlierOpenOrScheduled === 0,
      edit: review.status === "OPEN" && !contentFixed && myParties.includes("tutor"),
      sign:
        review.status === "OPEN"
          ? myParties.filter((p) => !review[`${p}SignedAt`] && (p === "tutor" || contentFixed))
          : [],
      addendum: contentFixed && myParties.length > 0,
    },
    contentFixed,
  };
}

export type ReviewView = Awaited<ReturnType<typeof getReview>>;

// ───────────────────────────── changing ─────────────────────────────

async function lockedReview(tx: Tx, actor: Actor, reviewId: string) {
  if (!isUuid(reviewId)) notFound();
  // Row lock: two signatures at the same moment are applied one after the other.
  const locked = await tx.$queryRaw<
    { id: string }[]
  >`SELECT r.id FROM reviews r WHERE r.id = ${reviewId}::uuid FOR UPDATE`;
  if (locked.length === 0) notFound();
  const review = await tx.review.findFirst({ where: { id: reviewId, ...reviewsVisibleTo(actor) } });
  if (!review) notFound();
  const a = await visibleApprenticeship(actor, review.apprenticeshipId, tx);
  return { review, a, parties: apprenticeshipPartiesOf(actor, a) };
}

const isoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a date.")
  .refine((s) => {
    try {
      assertIsoDate(s);
      return true;
    } catch {
      return false;
    }
  }, "Enter a real date.");

/**
 * The tutor opens the next review: records the date it was held and copies the OTJ figures from
 * the ledger as at that date. Later scheduled reviews move (holding a review restarts the clock).
 */
export async function openReview(
  actor: Actor,
  reviewId: string,
  heldOnInput: string,
  today: IsoDate = todayInEngland(),
) {
  const held = isoDate.safeParse(heldOnInput);
  if (!held.success) throw new ReviewError({ heldOn: "Enter the date the review was held, for example 2026-11-20." });
  const heldOn = held.data;
  return db().$transaction(async (tx) => {
    const { review, a, parties } = await lockedReview(tx, actor, reviewId);
    if (!parties.includes("tutor")) notFound();
    if (review.status !== "SCHEDULED") throw new ReviewError({ form: "This review has already been opened." });
    const earlier = await tx.review.count({
      where: { apprenticeshipId: a.id, status: "SCHEDULED", sequence: { lt: review.sequence } },
    });
    if (earlier > 0) throw new ReviewError({ form: "Open the earlier scheduled review first." });
    if (isBefore(today, heldOn)) throw new ReviewError({ heldOn: "The date held cannot be in the future." });
    if (isBefore(heldOn, toIsoDate(a.startDate)))
      throw new ReviewError({ heldOn: "The date held cannot be before the apprenticeship started." });
    const lastHeld = await tx.review.findFirst({
      where: { apprenticeshipId: a.id, heldOn: { not: null } },
      orderBy: { heldOn: "desc" },
      select: { heldOn: true },
    });
    if (lastHeld?.heldOn && isBefore(heldOn, toIsoDate(lastHeld.heldOn)))
      throw new ReviewError({ heldOn: "The date held cannot be before the previous review." });

    const [otj] = await otjStatuses(actor, { apprenticeshipIds: [a.id] }, heldOn);
    const snapshot: ReviewOtjSnapshot | undefined = otj
      ? {
          asOf: heldOn,
          plannedTotal: otj.status.plannedTotal,
          requiredToDate: otj.status.requiredToDate,
          actual: otj.status.actual,
          forecast: otj.status.forecast,
          rag: otj.status.rag,
          reason: otj.status.reason,
        }
      : undefined;
    const ratings = Object.fromEntries(a.standard.ksbs.map((k) => [k.code, "NOT_STARTED" as KsbRating]));
    const content: ReviewContent = {
      progress: "",
      support: "",
      ksbRatings: ratings,
      actions: [],
      comments: {},
      ...(snapshot ? { otj: snapshot } : {}),
    };
    const updated = await tx.review.updateMany({
      where: { id: review.id, status: "SCHEDULED" },
      data: { status: "OPEN", heldOn: toUtcDate(heldOn), content, otjHoursAtReview: snapshot ? snapshot.actual : null },
    });
    if (updated.count !== 1) throw new ReviewError({ form: "This review has already been opened." });
    await audit(
      {
        actorId: actor.userId,
        action: "review.open",
        subjectType: "review",
        subjectId: review.id,
        organisationId: a.providerId,
        metadata: { apprenticeshipId: a.id, sequence: review.sequence },
      },
      tx,
    );
    await ensureReviewSchedule(a.id, tx);
    return { id: review.id };
  });
}

/** The content form's fields for a standard's KSBs (strict: an unknown field is an error). */
export function reviewContentSchema(ksbCodes: readonly string[]) {
  const shape: Record<string, z.ZodType> = {
    intent: z.literal("save"),
    progress: z.string().trim().max(5000, "Keep progress to 5,000 characters or fewer."),
    support: z.string().trim().max(5000, "Keep support and wellbeing to 5,000 characters or fewer."),
  };
  for (const code of ksbCodes) shape[`ksb_${code}`] = z.enum(KSB_RATINGS, { message: `Choose a rating for ${code}.` });
  for (let i = 0; i < MAX_ACTIONS; i++) {
    shape[`action${i}Text`] = z.string().trim().max(500, "Keep each action to 500 characters or fewer.").optional();
    shape[`action${i}Owner`] = z.enum(["", ...REVIEW_PARTIES]).optional();
    shape[`action${i}Due`] = z.string().trim().optional();
  }
  return z.object(shape);
}

/** Turns the parsed form into content, or field errors (an action needs an owner and a date). */
export function contentFromForm(
  ksbCodes: readonly string[],
  data: Record<string, unknown>,
):
  | { ok: true; value: Pick<ReviewContent, "progress" | "support" | "ksbRatings" | "actions"> }
  | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const actions: ReviewAction[] = [];
  for (let i = 0; i < MAX_ACTIONS; i++) {
    const text = String(data[`action${i}Text`] ?? "").trim();
    const owner = String(data[`action${i}Owner`] ?? "");
    const due = String(data[`action${i}Due`] ?? "").trim();
    if (!text && !owner && !due) continue;
    if (!text) errors[`action${i}Text`] = `Describe action ${i + 1}, or clear its owner and date.`;
    if (!REVIEW_PARTIES.includes(owner as ReviewParty)) errors[`action${i}Owner`] = `Choose who owns action ${i + 1}.`;
    if (!isoDate.safeParse(due).success) errors[`action${i}Due`] = `Enter a date for action ${i + 1}.`;
    if (text && REVIEW_PARTIES.includes(owner as ReviewParty) && isoDate.safeParse(due).success)
      actions.push({ text, owner: owner as ReviewParty, dueOn: due });
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const ksbRatings = Object.fromEntries(ksbCodes.map((code) => [code, data[`ksb_${code}`] as KsbRating]));
  return {
    ok: true,
    value: { progress: String(data.progress ?? ""), support: String(data.support ?? ""), ksbRatings, actions },
  };
}

/** The tutor saves the content; allowed while the review is open and before the tutor signs. */
export async function saveReviewContent(
  actor: Actor,
  reviewId: string,
  value: Pick<ReviewContent, "progress" | "support" | "ksbRatings" | "actions">,
) {
  return db().$transaction(async (tx) => {
    const { review, a, parties } = await lockedReview(tx, actor, reviewId);
    if (!parties.includes("tutor")) notFound();
    if (review.status !== "OPEN" || review.tutorSignedAt || review.lockedAt) {
      throw new ReviewError({ form: "This review can no longer be changed. Add an addendum to correct it." });
    }
    const codes = new Set(a.standard.ksbs.map((k) => k.code));
    const ratings = Object.fromEntries(Object.entries(value.ksbRatings ?? {}).filter(([code]) => codes.has(code)));
    const content = {
      ...((review.content ?? {}) as ReviewContent),
      progress: value.progress,
      support: value.support,
      ksbRatings: ratings,
      actions: value.actions,
    };
    await tx.review.update({ where: { id: review.id }, data: { content } });
    await audit(
      {
        actorId: actor.userId,
        action: "review.update",
        subjectType: "review",
        subjectId: review.id,
        organisationId: a.providerId,
        metadata: { apprenticeshipId: a.id, actions: value.actions?.length ?? 0 },
      },
      tx,
    );
  });
}

/**
 * One party signs (check box + optional comment), in one step. Order: the tutor first (the
 * tutor's signature fixes the content), then the employer and the apprentice in either order.
 * The third signature locks the review. A person who is not that party: 404.
 */
export async function signReview(actor: Actor, reviewId: string, party: ReviewParty, comment = "") {
  const note = comment.trim();
  if (note.length > 2000) throw new ReviewError({ comment: "Keep your comment to 2,000 characters or fewer." });
  return db().$transaction(async (tx) => {
    const { review, a, parties } = await lockedReview(tx, actor, reviewId);
    if (!parties.includes(party)) notFound();
    if (review.status !== "OPEN" || review.lockedAt)
      throw new ReviewError({
        form:
          review.status === "SIGNED"
            ? "This review is already signed by all three and locked."
            : "The tutor has not opened this review yet.",
      });
    if (review[`${party}SignedAt`]) throw new ReviewError({ form: "You have already signed this review." });
    const content = (review.content ?? {}) as ReviewContent;
    if (party !== "tutor" && !review.tutorSignedAt) {
      throw new ReviewError({
        form: "The tutor has not finished this review yet. You can sign once the tutor has completed and signed it.",
      });
    }
    if (party === "tutor" && !content.progress?.trim()) {
      throw new ReviewError({ form: "Record progress against the training plan before you sign." });
    }
    const now = new Date();
    const signed = {
      tutor: review.tutorSignedAt,
      employer: review.employerSignedAt,
      apprentice: review.apprenticeSignedAt,
      [party]: now,
    };
    const allSigned = REVIEW_PARTIES.every((p) => signed[p]);
    const newContent: ReviewContent = note ? { ...content, comments: { ...content.comments, [party]: note } } : content;
    await tx.review.update({
      where: { id: review.id },
      data: {
        [`${party}SignedAt`]: now,
        [`${party}SignedById`]: actor.userId,
        content: newContent,
        ...(allSigned ? { lockedAt: now, status: "SIGNED" as const } : {}),
      },
    });
    const organisationId = party === "employer" ? a.employerId : party === "tutor" ? a.providerId : null;
    await audit(
      {
        actorId: actor.userId,
        action: "review.sign",
        subjectType: "review",
        subjectId: review.id,
        organisationId,
        metadata: { apprenticeshipId: a.id, party, locked: allSigned },
      },
      tx,
    );
    if (allSigned)
      await audit(
        {
          actorId: actor.userId,
          action: "review.lock",
          subjectType: "review",
          subjectId: review.id,
          organisationId: a.providerId,
          metadata: { apprenticeshipId: a.id },
        },
        tx,
      );
    return { locked: allSigned };
  });
}

/** A correction to a review whose content is fixed: any of its three parties may add one. */
export async function addReviewAddendum(actor: Actor, reviewId: string, text: string) {
  const body = text.trim();
  if (!body) throw new ReviewError({ addendum: "Enter the correction or addition." });
  if (body.length > 4000) throw new ReviewError({ addendum: "Keep the addendum to 4,000 characters or fewer." });
  return db().$transaction(async (tx) => {
    const { review, a, parties } = await lockedReview(tx, actor, reviewId);
    if (parties.length === 0) notFound();
    if (!review.tutorSignedAt)
      throw new ReviewError({
        addendum: "The review can still be edited by the tutor; addenda are for reviews whose content is fixed.",
      });
    const row = await tx.reviewAddendum.create({
      data: { reviewId: review.id, authorId: actor.userId, text: body },
      select: { id: true },
    });
    await audit(
      {
        actorId: actor.userId,
        action: "review.addendum",
        subjectType: "review",
        subjectId: review.id,
        organisationId: a.providerId,
        metadata: { apprenticeshipId: a.id, addendumId: row.id },
      },
      tx,
    );
    return row;
  });
}
