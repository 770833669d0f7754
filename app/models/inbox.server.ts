/**
 * The employer's inbox: everything waiting on an employer admin or a workplace supervisor across
 * their people, oldest first. Five kinds of item:
 *   - at-work OTJ activities to confirm (app/domain/awaiting-confirmation.ts; confirming goes
 *     through verification.server.ts `verifyEntries`);
 *   - reviews to sign (open, signed by the tutor, not yet by the employer);
 *   - placements to confirm (planned, an employer prerequisite missing);
 *   - placement feedback to give (started or completed, no feedback for a pupil yet);
 *   - gateway checks (the tutor has confirmed, the employer has not).
 *
 * Scope: an employer admin sees their employer's apprenticeships and placements; a workplace
 * supervisor only the apprentices they supervise and the placements naming them
 * (app/auth/reach.server.ts `inboxReachOf`). `inboxCount` is ONE SQL statement (for the
 * navigation on every page).
 */
import { db } from "~/db/client.server.ts";
import type { Actor } from "~/auth/permissions.ts";
import { inboxReachOf } from "~/auth/reach.server.ts";
import { toIsoDate, type IsoDate, todayInEngland } from "~/domain/dates.ts";
import { daysUnsigned } from "~/domain/review-schedule.ts";
import { AWAITING_SUPERVISOR_SQL, AWAITING_SUPERVISOR_WHERE } from "~/models/rule-sql.server.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";

export type InboxCounts = {
  otj: number;
  reviews: number;
  placements: number;
  feedback: number;
  gateway: number;
  total: number;
};

/** Counts for the navigation, in one statement; null for people without an inbox. */
export async function inboxCount(actor: Actor): Promise<InboxCounts | null> {
  const s = inboxReachOf(actor);
  if (!s) return null;
  const [row] = await db().$queryRaw<Omit<InboxCounts, "total">[]>`
    WITH ap AS (
      SELECT a.id, a.status, a.gateway_date FROM apprenticeships a
      WHERE a.employer_id = ANY(${s.admin}::uuid[]) OR (a.supervisor_id = ${actor.userId}::uuid AND a.employer_id = ANY(${s.supervisor}::uuid[]))
    ), pl AS (
      SELECT p.id, p.status, p.risk_assessment_at, p.insurance_confirmed_at, p.health_safety_at FROM placements p
      WHERE p.employer_id = ANY(${s.admin}::uuid[]) OR (p.supervisor_id = ${actor.userId}::uuid AND p.employer_id = ANY(${s.supervisor}::uuid[]))
    )
    SELECT
      (SELECT count(*) FROM progress_entries pe JOIN ap ON ap.id = pe.apprenticeship_id
        WHERE ${AWAITING_SUPERVISOR_SQL} AND pe.learner_id <> ${actor.userId}::uuid)::int AS otj,
      (SELECT count(*) FROM reviews r JOIN ap ON ap.id = r.apprenticeship_id
        WHERE r.status = 'OPEN' AND r.tutor_signed_at IS NOT NULL AND r.employer_signed_at IS NULL)::int AS reviews,
      (SELECT count(*) FILTER (WHERE pl.status = 'PLANNED' AND (pl.risk_assessment_at IS NULL OR pl.insurance_confirmed_at IS NULL OR pl.health_safety_at IS NULL)) FROM pl)::int AS placements,
      (SELECT count(*) FROM placement_pupils pp JOIN pl ON pl.id = pp.placement_id
        WHERE pl.status IN ('STARTED', 'COMPLETED') AND pp.feedback_at IS NULL)::int AS feedback,
      (SELECT count(*) FROM gateway_checks g JOIN ap ON ap.id = g.apprenticeship_id
        WHERE ap.status = 'ACTIVE' AND ap.gateway_date IS NULL AND g.tutor_confirmed_at IS NOT NULL AND g.employer_confirmed_at IS NULL)::int AS gateway`;
  const counts = {
    otj: Number(row.otj),
    reviews: Number(row.reviews),
    placements: Number(row.placements),
    feedback: Number(row.feedback),
    gateway: Number(row.gateway),
  };
  return { ...counts, total: counts.otj + counts.reviews + counts.placements + counts.feedback + counts.gateway };
}

export type InboxItem =
  | {
      kind: "otj";
      key: string;
      since: string;
      entryId: string;
      apprenticeName: string;
      occurredOn: IsoDate;
      minutes: number;
      activityType: string | null;
      description: string;
    }
  | {
      kind: "review";
      key: string;
      since: string;
      reviewId: string;
      apprenticeName: string;
      sequence: number;
      heldOn: IsoDate | null;
      daysUnsigned: number;
      waitingFor: string[];
    }
  | {
      kind: "placement";
      key: string;
      since: string;
      placementId: string;
      title: string;
      schoolName: string;
      startDate: IsoDate;
      endDate: IsoDate;
      pupilCount: number;
      confirmed: { riskAssessment: boolean; insurance: boolean; healthSafety: boolean };
    }
  | {
      kind: "feedback";
      key: string;
      since: string;
      placementId: string;
      pupilId: string;
      pupilName: string;
      title: string;
      schoolName: string;
    }
  | {
      kind: "gateway";
      key: string;
      since: string;
      apprenticeshipId: string;
      apprenticeName: string;
      englishMathsRequired: boolean;
      englishMathsMet: boolean;
    };

/**
 * The oldest things waiting, at most 50: a sitting's worth, and a page a phone can carry. The
 * counts (inboxCount) give the whole number; dealing with these brings the next ones in.
 */
export const INBOX_PAGE_SIZE = 50;

/** The oldest items waiting on the actor (INBOX_PAGE_SIZE at most). 404 for people without an inbox. */
export async function inboxItems(actor: Actor, today: IsoDate = todayInEngland()): Promise<InboxItem[]> {
  const s = inboxReachOf(actor);
  if (!s) notFound();
  const [otj, reviews, placements, feedback, gateway] = await Promise.all([
    db().progressEntry.findMany({
      where: { ...AWAITING_SUPERVISOR_WHERE, learnerId: { not: actor.userId }, apprenticeship: s.apprenticeships },
      orderBy: [{ createdAt: "asc" }],
      take: INBOX_PAGE_SIZE,
      select: {
        id: true,
        createdAt: true,
        occurredOn: true,
        minutes: true,
        activityType: true,
        description: true,
        learner: { select: { firstName: true, lastName: true } },
      },
    }),
    db().review.findMany({
      where: {
        status: "OPEN",
        tutorSignedAt: { not: null },
        employerSignedAt: null,
        apprenticeship: s.apprenticeships,
      },
      orderBy: [{ tutorSignedAt: "asc" }],
      take: INBOX_PAGE_SIZE,
      select: {
        id: true,
        sequence: true,
        heldOn: true,
        tutorSignedAt: true,
        apprenticeSignedAt: true,
        apprenticeship: { select: { apprentice: { select: { firstName: true, lastName: true } } } },
      },
    }),
    db().placement.findMany({
      where: {
        AND: [
          s.placements,
          { status: "PLANNED" },
          { OR: [{ riskAssessmentAt: null }, { insuranceConfirmedAt: null }, { healthSafetyAt: null }] },
        ],
      },
      orderBy: [{ createdAt: "asc" }],
      take: INBOX_PAGE_SIZE,
      select: {
        id: true,
        title: true,
        createdAt: true,
        startDate: true,
        endDate: true,
        riskAssessmentAt: true,
        insuranceConfirmedAt: true,
        healthSafetyAt: true,
        school: { select: { name: true } },
        _count: { select: { pupils: true } },
      },
    }),
    db().placementPupil.findMany({
      where: { feedbackAt: null, placement: { AND: [s.placements, { status: { in: ["STARTED", "COMPLETED"] } }] } },
      orderBy: [{ placement: { startDate: "asc" } }],
      take: INBOX_PAGE_SIZE,
      select: {
        placementId: true,
        pupilId: true,
        pupil: { select: { firstName: true, lastName: true } },
        placement: { select: { title: true, startDate: true, school: { select: { name: true } } } },
      },
    }),
    db().gatewayCheck.findMany({
      where: {
        tutorConfirmedAt: { not: null },
        employerConfirmedAt: null,
        apprenticeship: { AND: [s.apprenticeships, { status: "ACTIVE", gatewayDate: null }] },
      },
      orderBy: [{ tutorConfirmedAt: "asc" }],
      take: INBOX_PAGE_SIZE,
      select: {
        apprenticeshipId: true,
        tutorConfirmedAt: true,
        englishMathsMet: true,
        apprenticeship: {
          select: { englishMathsRequired: true, apprentice: { select: { firstName: true, lastName: true } } },
        },
      },
    }),
  ]);
  const items: InboxItem[] = [
    ...otj.map((e): InboxItem => ({
      kind: "otj",
      key: `otj-${e.id}`,
      since: e.createdAt.toISOString(),
      entryId: e.id,
      apprenticeName: fullName(e.learner),
      occurredOn: toIsoDate(e.occurredOn),
      minutes: e.minutes,
      activityType: e.activityType,
      description: e.description,
    })),
    ...reviews.map((r): InboxItem => ({
      kind: "review",
      key: `review-${r.id}`,
      since: r.tutorSignedAt!.toISOString(),
      reviewId: r.id,
      apprenticeName: fullName(r.apprenticeship.apprentice),
      sequence: r.sequence,
      heldOn: r.heldOn ? toIsoDate(r.heldOn) : null,
      daysUnsigned: r.heldOn
        ? daysUnsigned(
            {
              openedOn: toIsoDate(r.heldOn),
              tutorSignedOn: toIsoDate(r.tutorSignedAt!),
              employerSignedOn: null,
              apprenticeSignedOn: r.apprenticeSignedAt ? toIsoDate(r.apprenticeSignedAt) : null,
            },
            today,
          )
        : 0,
      waitingFor: ["employer", ...(r.apprenticeSignedAt ? [] : ["apprentice"])],
    })),
    ...placements.map((p): InboxItem => ({
      kind: "placement",
      key: `placement-${p.id}`,
      since: p.createdAt.toISOString(),
      placementId: p.id,
      title: p.title,
      schoolName: p.school.name,
      startDate: toIsoDate(p.startDate),
      endDate: toIsoDate(p.endDate),
      pupilCount: p._count.pupils,
      confirmed: {
        riskAssessment: Boolean(p.riskAssessmentAt),
        insurance: Boolean(p.insuranceConfirmedAt),
        healthSafety: Boolean(p.healthSafetyAt),
      },
    })),
    ...feedback.map((f): InboxItem => ({
      kind: "feedback",
      key: `feedback-${f.placementId}-${f.pupilId}`,
      since: f.placement.startDate.toISOString(),
      placementId: f.placementId,
      pupilId: f.pupilId,
      pupilName: fullName(f.pupil),
      title: f.placement.title,
      schoolName: f.placement.school.name,
    })),
    ...gateway.map((g): InboxItem => ({
      kind: "gateway",
      key: `gateway-${g.apprenticeshipId}`,
      since: g.tutorConfirmedAt!.toISOString(),
      apprenticeshipId: g.apprenticeshipId,
      apprenticeName: fullName(g.apprenticeship.apprentice),
      englishMathsRequired: g.apprenticeship.englishMathsRequired,
      englishMathsMet: g.englishMathsMet,
    })),
  ];
  // Each kind's oldest INBOX_PAGE_SIZE hold the oldest INBOX_PAGE_SIZE of all of them.
  return items.sort((a, b) => a.since.localeCompare(b.since) || a.key.localeCompare(b.key)).slice(0, INBOX_PAGE_SIZE);
}
