/**
 * The retention schedule, applied by a scheduled purge (the worker calls
 * `purgeExpiredRecords(now)` nightly). Domain notes: "apprenticeship evidence 6 years; pupil
 * records end with the school's retention period; expired sessions and used tokens are purged"
 * (the last is workers/maintenance-worker.ts purgeAuthData).
 *
 * - Apprenticeship evidence: for an apprenticeship that ended (achieved, withdrawn or completed)
 *   more than 6 years ago, the evidence goes: its progress entries, reviews (with addenda),
 *   training plan, gateway checklist and breaks. The apprenticeship row stays (starts and
 *   achievements in past report snapshots are protected aggregates and are never rebuilt).
 * - Pupils: a person whose only role is pupil, who is on no class list of a recent academic year
 *   and who has had no activity (membership, class move, learning record, session, placement)
 *   for `pupilYears` years (default 3, a sensible
 *   default a school's retention policy can change: *verify*) is anonymised in place, exactly
 *   as an erasure on request (app/models/data-rights.server.ts anonymisePerson).
 *
 * Counts (never ids of people) go to the audit log as "maintenance.retention-purge".
 */
import { db } from "~/db/client.server.ts";
import { anonymisePerson } from "~/models/data-rights.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { env } from "~/utils/env.server.ts";

export const APPRENTICESHIP_EVIDENCE_YEARS = 6;

export type RetentionOptions = { pupilYears?: number; batchSize?: number };

export type RetentionCounts = {
  apprenticeshipsPastRetention: number;
  evidenceEntries: number;
  reviews: number;
  trainingPlans: number;
  pupilsAnonymised: number;
};

function yearsBefore(now: Date, years: number): Date {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
}

export async function purgeExpiredRecords(
  now: Date = new Date(),
  options: RetentionOptions = {},
): Promise<RetentionCounts> {
  const pupilYears = options.pupilYears ?? env().RETENTION_PUPIL_YEARS;
  const batchSize = options.batchSize ?? 500;
  const counts: RetentionCounts = {
    apprenticeshipsPastRetention: 0,
    evidenceEntries: 0,
    reviews: 0,
    trainingPlans: 0,
    pupilsAnonymised: 0,
  };

  // ── apprenticeship evidence ──
  const evidenceCutoff = yearsBefore(now, APPRENTICESHIP_EVIDENCE_YEARS);
  const ended = await db().$queryRaw<{ id: string }[]>`
    SELECT a.id FROM apprenticeships a
    WHERE a.status IN ('COMPLETED', 'WITHDRAWN')
      AND COALESCE(a.achieved_on, a.withdrawn_on, a.planned_end_date) < ${evidenceCutoff}::date
      AND (EXISTS (SELECT 1 FROM progress_entries pe WHERE pe.apprenticeship_id = a.id)
        OR EXISTS (SELECT 1 FROM reviews r WHERE r.apprenticeship_id = a.id)
        OR EXISTS (SELECT 1 FROM training_plans tp WHERE tp.apprenticeship_id = a.id))`;
  for (let i = 0; i < ended.length; i += batchSize) {
    const ids = ended.slice(i, i + batchSize).map((r) => r.id);
    await db().$transaction(async (tx) => {
      // Corrections point at what they supersede: unlink before deleting the chain.
      await tx.progressEntry.updateMany({
        where: { apprenticeshipId: { in: ids }, supersedesId: { not: null } },
        data: { supersedesId: null },
      });
      counts.evidenceEntries += (await tx.progressEntry.deleteMany({ where: { apprenticeshipId: { in: ids } } })).count;
      counts.reviews += (await tx.review.deleteMany({ where: { apprenticeshipId: { in: ids } } })).count;
      counts.trainingPlans += (await tx.trainingPlan.deleteMany({ where: { apprenticeshipId: { in: ids } } })).count;
      await tx.gatewayCheck.deleteMany({ where: { apprenticeshipId: { in: ids } } });
      await tx.learningBreak.deleteMany({ where: { apprenticeshipId: { in: ids } } });
    });
    counts.apprenticeshipsPastRetention += ids.length;
  }

  // ── pupils whose school retention period has ended ──
  const pupilCutoff = yearsBefore(now, pupilYears);
  const pupils = await db().$queryRaw<{ id: string }[]>`
    SELECT u.id FROM users u
    WHERE u.erased_at IS NULL
      AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.role = 'PUPIL')
      AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.role <> 'PUPIL')
      -- still on a class list of a recent academic year: still on roll
      AND NOT EXISTS (SELECT 1 FROM cohort_members cm JOIN cohorts c ON c.id = cm.cohort_id
                      WHERE cm.user_id = u.id AND cm.left_at IS NULL AND c.academic_year >= ${pupilCutoff.getUTCFullYear()})
      AND GREATEST(
        u.created_at,
        (SELECT max(m.created_at) FROM memberships m WHERE m.user_id = u.id),
        (SELECT max(GREATEST(cm.joined_at, COALESCE(cm.left_at, cm.joined_at))) FROM cohort_members cm WHERE cm.user_id = u.id),
        (SELECT max(pe.created_at) FROM progress_entries pe WHERE pe.learner_id = u.id),
        (SELECT max(s.last_active_at) FROM sessions s WHERE s.user_id = u.id),
        (SELECT max(p.end_date)::timestamptz FROM placement_pupils pp JOIN placements p ON p.id = pp.placement_id WHERE pp.pupil_id = u.id)
      ) < ${pupilCutoff}
    LIMIT ${batchSize * 20}`;
  for (const { id } of pupils) {
    await db().$transaction((tx) => anonymisePerson(tx, id, now));
    counts.pupilsAnonymised++;
  }

  await audit({
    actorId: null,
    action: "maintenance.retention-purge",
    subjectType: "system",
    metadata: { ...counts, pupilYears },
  });
  return counts;
}
