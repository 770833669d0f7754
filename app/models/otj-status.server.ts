/**
 * Off-the-job status: for each apprenticeship the actor may read, the RAG status against the
 * planned hours (app/domain/otj.ts), what waits for the supervisor or the tutor, and whether
 * learning was logged before the training plan was signed; and one apprenticeship's chart series.
 * What counts is app/domain/counting.ts. Reach: app/auth/reach.server.ts `apprenticeshipsVisibleTo`.
 */
import { db } from "~/db/client.server.ts";
import { Prisma } from "~/generated/prisma/client.ts";
import type { Actor } from "~/auth/permissions.ts";
import { apprenticeshipsVisibleTo } from "~/auth/reach.server.ts";
import { toIsoDate, toUtcDate, type IsoDate, todayInEngland } from "~/domain/dates.ts";
import { planFullySignedAt } from "~/domain/training-plan.ts";
import { otjSeries, otjStatus, type OtjSeriesPoint, type OtjStatus } from "~/domain/otj.ts";
import {
  AWAITING_SUPERVISOR_SQL,
  COUNTING_SQL,
  COUNTING_WHERE,
  LOGGED_BEFORE_PLAN_SIGNED_SQL,
} from "~/models/rule-sql.server.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";

export type ApprenticeshipOtj = {
  apprenticeshipId: string;
  apprenticeName: string;
  standard: string;
  employerName: string;
  status: OtjStatus;
  awaitingConfirmation: number;
  pending: number;
  planSignedAt: Date | null;
  /** Entries logged or dated before the training plan was signed by all three (any, while unsigned):
   *  app/domain/training-plan.ts loggedBeforePlanSigned, in one query for a list. */
  loggedBeforePlanSigned: number;
};

const APPRENTICESHIP_OTJ_SELECT = {
  id: true,
  startDate: true,
  plannedEndDate: true,
  contractedWeeklyHours: true,
  priorLearningHours: true,
  apprentice: { select: { firstName: true, lastName: true } },
  employer: { select: { name: true } },
  standard: { select: { reference: true, title: true, otjMinimumHours: true } },
  breaks: { select: { startDate: true, endDate: true } },
  trainingPlan: { select: { apprenticeSignedAt: true, employerSignedAt: true, tutorSignedAt: true } },
} satisfies Prisma.ApprenticeshipSelect;

type ApprenticeshipOtjRow = Prisma.ApprenticeshipGetPayload<{ select: typeof APPRENTICESHIP_OTJ_SELECT }>;

function planInput(a: ApprenticeshipOtjRow) {
  return {
    startDate: toIsoDate(a.startDate),
    plannedEndDate: toIsoDate(a.plannedEndDate),
    contractedWeeklyHours: Number(a.contractedWeeklyHours),
    standard: { reference: a.standard.reference, otjMinimumHours: a.standard.otjMinimumHours },
    priorLearningHours: a.priorLearningHours,
    breaks: a.breaks.map((b) => ({
      startDate: toIsoDate(b.startDate),
      endDate: b.endDate ? toIsoDate(b.endDate) : null,
    })),
  };
}

/**
 * OTJ status (RAG with its reason) for every apprenticeship the actor may read, or the given ids:
 * two queries whatever the number of apprentices.
 */
export async function otjStatuses(
  actor: Actor,
  filter: { apprenticeshipIds?: string[]; activeOnly?: boolean } = {},
  asOf: IsoDate = todayInEngland(),
): Promise<ApprenticeshipOtj[]> {
  const where: Prisma.ApprenticeshipWhereInput = {
    AND: [
      apprenticeshipsVisibleTo(actor),
      filter.apprenticeshipIds ? { id: { in: filter.apprenticeshipIds.filter((id) => isUuid(id)) } } : {},
      filter.activeOnly ? { status: { in: ["ACTIVE", "BREAK"] } } : {},
    ],
  };
  const apprenticeships = await db().apprenticeship.findMany({
    where,
    select: APPRENTICESHIP_OTJ_SELECT,
    orderBy: [{ apprentice: { lastName: "asc" } }, { startDate: "asc" }],
  });
  if (apprenticeships.length === 0) return [];
  const ids = apprenticeships.map((a) => a.id);
  const sums = await db().$queryRaw<
    { apprenticeship_id: string; verified: number; awaiting: number; pending: number; first_otj: Date | null }[]
  >`
    SELECT pe.apprenticeship_id,
      COALESCE(sum(pe.minutes) FILTER (WHERE ${COUNTING_SQL} AND pe.occurred_on <= ${toUtcDate(asOf)}::date), 0)::int AS verified,
      count(*) FILTER (WHERE ${AWAITING_SUPERVISOR_SQL})::int AS awaiting,
      count(*) FILTER (WHERE pe.superseded_at IS NULL AND pe.status = 'PENDING')::int AS pending
    FROM progress_entries pe
    WHERE pe.kind = 'OTJ_ACTIVITY' AND pe.apprenticeship_id = ANY(${ids}::uuid[])
    GROUP BY pe.apprenticeship_id`;
  const before = await db().$queryRaw<{ apprenticeship_id: string; n: number }[]>`
    SELECT pe.apprenticeship_id, count(*)::int AS n
    FROM progress_entries pe
    JOIN apprenticeships a ON a.id = pe.apprenticeship_id
    LEFT JOIN training_plans tp ON tp.apprenticeship_id = a.id
    WHERE pe.superseded_at IS NULL AND pe.apprenticeship_id = ANY(${ids}::uuid[]) AND ${LOGGED_BEFORE_PLAN_SIGNED_SQL}
    GROUP BY pe.apprenticeship_id`;
  const byId = new Map(sums.map((s) => [s.apprenticeship_id, s]));
  const beforeById = new Map(before.map((b) => [b.apprenticeship_id, b.n]));
  return apprenticeships.map((a) => {
    const s = byId.get(a.id);
    return {
      apprenticeshipId: a.id,
      apprenticeName: fullName(a.apprentice),
      standard: `${a.standard.reference} ${a.standard.title}`,
      employerName: a.employer.name,
      status: otjStatus({ ...planInput(a), verifiedMinutes: Number(s?.verified ?? 0) }, asOf),
      awaitingConfirmation: Number(s?.awaiting ?? 0),
      pending: Number(s?.pending ?? 0),
      planSignedAt: planFullySignedAt(a.trainingPlan),
      loggedBeforePlanSigned: Number(beforeById.get(a.id) ?? 0),
    };
  });
}

/** One apprenticeship's OTJ status with its chart series; 404 outside reach. */
export async function apprenticeshipOtj(
  actor: Actor,
  apprenticeshipId: string,
  asOf: IsoDate = todayInEngland(),
): Promise<ApprenticeshipOtj & { series: OtjSeriesPoint[] }> {
  if (!isUuid(apprenticeshipId)) notFound();
  const [summary] = await otjStatuses(actor, { apprenticeshipIds: [apprenticeshipId] }, asOf);
  if (!summary) notFound();
  const a = await db().apprenticeship.findUniqueOrThrow({
    where: { id: apprenticeshipId },
    select: APPRENTICESHIP_OTJ_SELECT,
  });
  const verified = await db().progressEntry.findMany({
    where: { ...COUNTING_WHERE, apprenticeshipId, kind: "OTJ_ACTIVITY" },
    select: { occurredOn: true, minutes: true },
  });
  const series = otjSeries(
    {
      ...planInput(a),
      verifiedEntries: verified.map((e) => ({ occurredOn: toIsoDate(e.occurredOn), minutes: e.minutes })),
    },
    asOf,
  );
  return { ...summary, series };
}
