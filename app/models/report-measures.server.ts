/**
 * The outcome report's measures, counted by Postgres. Nothing here loads rows into JavaScript
 * to count them: each measure family is one SQL statement (CTEs, FILTER, GROUPING SETS) that
 * returns a handful of already-aggregated rows, UNROUNDED. Disclosure control happens in
 * reports.server.ts; nothing from this module may leave the server as it is.
 *
 * Scope: `{ kind: "all" }` (the partnership, for protected reports) or the organisations an
 * actor administers (`{ kind: "organisations", organisationIds }`); the scope is part of every
 * statement's WHERE clause.
 *
 * Definitions (also in docs/decisions/010-outcome-report-measures.md):
 * - Ledger: only entries that count (app/domain/counting.ts: the latest version, verified, and
 *   for OTJ done at work also confirmed by the workplace supervisor), as on the learner's pages.
 * - Where a learner is: the organisation of the enrolment (school/employer/provider), or the
 *   employer of the apprenticeship; its district is the area (ONS code).
 * - Learner type: from the learner's memberships (pupil before apprentice before teacher).
 * - Age band: pupils by (current) year group; others by age at the start of the enrolment or
 *   apprenticeship from date_of_birth (under 19 / 19–24 / 25+), "not recorded" without one.
 * - Level: from the apprenticeship standard (2 / 3 / 4+).
 * - Starts / completions / withdrawals: dated inside the period. Active: in learning on any day
 *   of the period.
 * - Learning hours: minutes of verified LEARNING_TIME and MODULE_COMPLETED entries dated in the
 *   period (OTJ activity is reported separately, so nothing is counted twice).
 * - Credentials: learners with a verified CREDENTIAL entry in the period, by exam code; a retired
 *   code is credited to the end of its successor chain (MS-900 → AB-900).
 * - OTJ: cumulative to the period end for apprenticeships in learning during the period;
 *   "expected to date" is planned hours × the share of the planned programme elapsed by the
 *   period end (all of it once achieved); on track = verified actual ≥ expected to date.
 * - Reviews: due in the period (up to today); on time = held on or before its due date (the
 *   schedule sets due dates 3 calendar months apart, pausing for breaks); days to full
 *   signature = last of the three signatures (UK date) minus the date held.
 * - Pupils: pupil memberships of schools in scope. Gatsby 5 = attended an encounter, or
 *   completed a pathway that counts as one, in the academic year up to the period end.
 *   Gatsby 6 by 16 = year 11 pupils with a completed placement by the period end. Work
 *   experience = hours attended on completed placements by the period end, for years 7–11
 *   (key stages 3–4), against the 50-hour entitlement.
 * - Host employers: employers with a "would host again" answer of yes by the period end.
 *   Businesses engaged: employers with an apprenticeship, placement or encounter in the window.
 */
import { createHash } from "node:crypto";
import { db } from "~/db/client.server.ts";
import { Prisma } from "~/generated/prisma/client.ts";
import type { ReportPeriod } from "~/domain/report-period.ts";
import { COUNTING_SQL, LATEST_VERIFIED_SQL } from "~/models/rule-sql.server.ts";

export type MeasureScope = { kind: "all" } | { kind: "organisations"; organisationIds: string[] };

/** One aggregated row: which breakdown (`dimension`), which category (`key`), the values. */
export interface GroupedRow<M extends string = string> {
  dimension: string;
  key: string;
  values: Record<M, number>;
}

type Sql = Prisma.Sql;
const { sql, join, raw } = Prisma;

function inScope(scope: MeasureScope, ...columns: Sql[]): Sql {
  if (scope.kind === "all") return sql`TRUE`;
  const ids = scope.organisationIds;
  if (ids.length === 0) return sql`FALSE`;
  return sql`(${join(
    columns.map((c) => sql`${c} = ANY(${ids}::uuid[])`),
    " OR ",
  )})`;
}

/**
 * GROUPING SETS over the named dimensions plus the grand total, with `dimension` naming the set
 * a row belongs to and `key` its category. Each dimension column must be non-null text.
 */
function groupingSets(dimensions: readonly string[]): { select: Sql; groupBy: Sql } {
  const cases = dimensions.map((d) => `WHEN GROUPING(${d}) = 0 THEN '${d}'`).join(" ");
  const select = raw(`CASE ${cases} ELSE 'total' END AS dimension, COALESCE(${dimensions.join(", ")}, 'all') AS key`);
  const groupBy = raw(`GROUP BY GROUPING SETS ((), ${dimensions.map((d) => `(${d})`).join(", ")})`);
  return { select, groupBy };
}

/**
 * Run one report statement with settings suited to a few big aggregations: enough work_mem
 * to sort and hash in memory, and no JIT (its compile time exceeds its gain on queries this size).
 */
export async function runReportQuery<T = Record<string, unknown>>(query: Sql): Promise<T[]> {
  return db().$transaction(
    async (tx) => {
      // Both settings in one round trip; set_config(…, true) is SET LOCAL.
      await tx.$queryRawUnsafe("SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)");
      return tx.$queryRaw<T[]>(query);
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

/** The same settings for a plain client (the bench's raw-SQL baseline). */
export const REPORT_SESSION_SETTINGS = ["SET work_mem = '64MB'", "SET jit = off"];

function toGrouped<M extends string>(rows: Record<string, unknown>[], measures: readonly M[]): GroupedRow<M>[] {
  return rows.map((row) => {
    const values = {} as Record<M, number>;
    for (const m of measures) {
      const v = row[m];
      values[m] = v === null || v === undefined ? 0 : Number(v);
    }
    return { dimension: String(row.dimension), key: String(row.key), values };
  });
}

/**
 * A user's learner type, from their memberships: pupil before apprentice before teacher, else
 * "other". Each list is hashed once per statement (a hashed subplan) and probed per row, which is
 * cheaper than aggregating every user's memberships and joining the result.
 */
function learnerType(userId: Sql): Sql {
  return sql`CASE WHEN ${userId} IN (SELECT user_id FROM memberships WHERE role = 'PUPIL') THEN 'pupil'
       WHEN ${userId} IN (SELECT user_id FROM memberships WHERE role = 'APPRENTICE') THEN 'apprentice'
       WHEN ${userId} IN (SELECT user_id FROM memberships WHERE role = 'TEACHER') THEN 'teacher'
       ELSE 'other' END`;
}

/** `isPupil`: whether the learner has a pupil membership (pupils are banded by year group). */
function ageBand(startColumn: Sql, isPupil: Sql): Sql {
  return sql`CASE WHEN u.year_group IS NOT NULL AND ${isPupil} THEN 'year-' || u.year_group
       WHEN u.date_of_birth IS NULL THEN 'not-recorded'
       WHEN ${startColumn} < (u.date_of_birth + interval '19 years')::date THEN 'under-19'
       WHEN ${startColumn} < (u.date_of_birth + interval '25 years')::date THEN '19-24'
       ELSE '25-plus' END`;
}

/** Months since year 0 (year × 12 + month): a cheap integer key for a calendar month. */
const monthNumber = (date: Sql) => sql`(date_part('year', ${date}) * 12 + date_part('month', ${date}))::int`;
/** The "YYYY-MM" name of a month number (formatted once per group, not once per row). */
const monthName = (number: Sql) =>
  sql`to_char(make_date((${number} - 1) / 12, (${number} - 1) % 12 + 1, 1), 'YYYY-MM')`;

// ─────────────────────────── enrolments (pathways) ───────────────────────────

export const ENROLMENT_MEASURES = [
  "starts",
  "active_learners",
  "active_enrolments",
  "completions",
  "leavers",
  "teacher_cpd_completions",
] as const;
export type EnrolmentMeasure = (typeof ENROLMENT_MEASURES)[number];
/** `area_learner_type` ("E07000199|pupil") feeds the area × learner-type table. */
export const ENROLMENT_DIMENSIONS = [
  "district",
  "organisation_kind",
  "pathway",
  "learner_type",
  "age_band",
  "start_month",
  "area_learner_type",
] as const;

/** Completed / withdrawn inside the period (on the enrolment aliased `e`). */
const enrolmentCompleted = (period: ReportPeriod) =>
  sql`(e.status = 'COMPLETED' AND e.completed_on BETWEEN ${period.from}::date AND ${period.to}::date)`;
const enrolmentWithdrawn = (period: ReportPeriod) =>
  sql`(e.status = 'WITHDRAWN' AND e.withdrawn_on BETWEEN ${period.from}::date AND ${period.to}::date)`;

export function enrolmentSql(period: ReportPeriod, scope: MeasureScope): Sql {
  const { select, groupBy } = groupingSets(ENROLMENT_DIMENSIONS);
  return sql`
    WITH e0 AS (
      SELECT e.id, e.user_id, e.organisation_id, e.pathway_id, e.status, e.started_on, e.completed_on, e.withdrawn_on,
             (e.completed_on IS NULL OR e.completed_on >= ${period.from}::date)
               AND (e.withdrawn_on IS NULL OR e.withdrawn_on >= ${period.from}::date) AS active,
             ${learnerType(sql`e.user_id`)} AS learner_type
      FROM enrolments e
      WHERE e.started_on <= ${period.to}::date AND ${inScope(scope, sql`e.organisation_id`)}
    ),
    -- A learner with several enrolments is counted once in "active learners", in the categories
    -- of their earliest active enrolment, so every breakdown partitions the total.
    e1 AS (
      SELECT e0.*, row_number() OVER (PARTITION BY user_id ORDER BY active DESC, started_on, id) = 1 AS primary_row FROM e0
    ),
    -- Counted once per combination of categories, so GROUPING SETS then adds up a few thousand
    -- rows rather than hashing every enrolment once per breakdown (months are named afterwards).
    per_category AS (
      SELECT o.district_code AS district, o.kind::text AS organisation_kind, p.slug AS pathway,
             e.learner_type,
             ${ageBand(sql`e.started_on`, sql`e.learner_type = 'pupil'`)} AS age_band,
             ${monthNumber(sql`e.started_on`)} AS start_month_number,
             o.district_code || '|' || e.learner_type AS area_learner_type,
             count(*) FILTER (WHERE e.started_on >= ${period.from}::date)::int AS starts,
             count(*) FILTER (WHERE e.active AND e.primary_row)::int AS active_learners,
             count(*) FILTER (WHERE e.active)::int AS active_enrolments,
             count(*) FILTER (WHERE ${enrolmentCompleted(period)})::int AS completions,
             count(*) FILTER (WHERE ${enrolmentCompleted(period)} OR ${enrolmentWithdrawn(period)})::int AS leavers,
             count(*) FILTER (WHERE ${enrolmentCompleted(period)} AND p.is_cpd AND e.learner_type = 'teacher')::int AS teacher_cpd_completions
      FROM e1 e
      JOIN organisations o ON o.id = e.organisation_id
      JOIN pathways p ON p.id = e.pathway_id
      JOIN users u ON u.id = e.user_id
      GROUP BY 1, 2, 3, 4, 5, 6, 7
    ),
    f AS (SELECT per_category.*, ${monthName(sql`start_month_number`)} AS start_month FROM per_category)
    SELECT ${select},
      COALESCE(sum(starts), 0)::int AS starts,
      COALESCE(sum(active_learners), 0)::int AS active_learners,
      COALESCE(sum(active_enrolments), 0)::int AS active_enrolments,
      COALESCE(sum(completions), 0)::int AS completions,
      COALESCE(sum(leavers), 0)::int AS leavers,
      COALESCE(sum(teacher_cpd_completions), 0)::int AS teacher_cpd_completions
    FROM f
    ${groupBy}`;
}

export async function enrolmentMeasures(
  period: ReportPeriod,
  scope: MeasureScope,
): Promise<GroupedRow<EnrolmentMeasure>[]> {
  return toGrouped(await runReportQuery(enrolmentSql(period, scope)), ENROLMENT_MEASURES);
}

// ─────────────────────────── the progress ledger ───────────────────────────

export const LEDGER_MEASURES = ["learning_minutes", "learners_with_hours", "modules_completed"] as const;
export type LedgerMeasure = (typeof LEDGER_MEASURES)[number];
export const LEDGER_DIMENSIONS = ["district", "organisation_kind", "pathway", "learner_type", "month"] as const;
/** The ledger's breakdowns that come from where an entry was logged (its enrolment or apprenticeship). */
const LEDGER_SOURCE_DIMENSIONS = ["district", "organisation_kind", "pathway"] as const;

/**
 * Entries counted in the ledger whose enrolment or apprenticeship is in scope: where the learner
 * is comes from the enrolment's organisation, else the apprenticeship's employer.
 */
function ledgerSourceInScope(scope: MeasureScope): Sql {
  if (scope.kind === "all") return sql`(pe.enrolment_id IS NOT NULL OR pe.apprenticeship_id IS NOT NULL)`;
  return sql`(pe.enrolment_id IN (SELECT id FROM enrolments WHERE ${inScope(scope, sql`organisation_id`)})
    OR (pe.enrolment_id IS NULL AND pe.apprenticeship_id IN (SELECT id FROM apprenticeships WHERE ${inScope(scope, sql`employer_id`)})))`;
}

/**
 * "Learners with hours" counts each learner once per category. One pass over the ledger (an
 * index-only scan of progress_entries_report_idx) sums the entries two ways at once: per month
 * (minutes and modules add up) and per learner and source, i.e. enrolment or apprenticeship,
 * which gives area, organisation type and pathway. Learners per category are then
 * count(DISTINCT learner_id) over the per-source rows (a sort of a few tens of thousands of rows
 * per breakdown, cheaper than hashing every learner-category pair). Learner type depends on the
 * learner alone and is looked up on the per-learner totals; those also carry a bitmask of the
 * period's months the learner logged in, which counts learners per month without hashing every
 * learner-month pair.
 */
export function ledgerSql(period: ReportPeriod, scope: MeasureScope): Sql {
  const { select, groupBy } = groupingSets(LEDGER_SOURCE_DIMENSIONS);
  const month = monthNumber(sql`pe.occurred_on`);
  const periodMonths = monthNumbersOf(period); // periodMonths[i] is bit i of a learner's months mask
  const learnersPerMonth = join(
    periodMonths.map((_, bit) => raw(`count(*) FILTER (WHERE months & ${2 ** bit}::bigint <> 0)`)),
    ", ",
  );
  return sql`
    WITH sums AS (
      SELECT pe.learner_id, pe.enrolment_id, pe.apprenticeship_id, ${month} AS month_number,
             GROUPING(${month}) = 0 AS by_month,
             sum(pe.minutes) AS minutes,
             count(*) FILTER (WHERE pe.kind = 'MODULE_COMPLETED') AS modules,
             bit_or(1::bigint << (${month} - ${periodMonths[0]}::int)) AS months
      FROM progress_entries pe
      WHERE ${LATEST_VERIFIED_SQL} AND pe.kind IN ('LEARNING_TIME', 'MODULE_COMPLETED')
        AND pe.occurred_on BETWEEN ${period.from}::date AND ${period.to}::date
        AND ${ledgerSourceInScope(scope)}
      GROUP BY GROUPING SETS ((pe.learner_id, pe.enrolment_id, pe.apprenticeship_id), (${month}))
    ),
    by_source AS (
      SELECT x.learner_id, x.minutes, x.modules, x.months,
             o.district_code AS district, o.kind::text AS organisation_kind, COALESCE(p.slug, 'apprenticeship') AS pathway
      FROM sums x
      LEFT JOIN enrolments e ON e.id = x.enrolment_id
      LEFT JOIN apprenticeships a ON a.id = x.apprenticeship_id
      JOIN organisations o ON o.id = COALESCE(e.organisation_id, a.employer_id)
      LEFT JOIN pathways p ON p.id = e.pathway_id
      WHERE NOT x.by_month
    ),
    per_learner AS (
      SELECT learner_id, sum(minutes) AS minutes, sum(modules) AS modules, bit_or(months) AS months
      FROM by_source
      GROUP BY learner_id
    ),
    month_learners AS (
      SELECT k.month_number, k.learners
      FROM (SELECT ARRAY[${learnersPerMonth}]::int[] AS counts FROM per_learner) t,
           unnest(${periodMonths}::int[], t.counts) AS k(month_number, learners)
    )
    SELECT ${select},
      COALESCE(sum(minutes), 0)::float8 AS learning_minutes,
      count(DISTINCT learner_id)::int AS learners_with_hours,
      COALESCE(sum(modules), 0)::int AS modules_completed
    FROM by_source
    ${groupBy}
    HAVING count(*) > 0 -- no grand-total row when nothing was logged (as for every other category)
    UNION ALL
    SELECT 'learner_type', ${learnerType(sql`c.learner_id`)},
      COALESCE(sum(minutes), 0)::float8, count(*)::int, COALESCE(sum(modules), 0)::int
    FROM per_learner c
    GROUP BY 2
    UNION ALL
    SELECT 'month', ${monthName(sql`m.month_number`)}, m.minutes::float8, ml.learners, m.modules::int
    FROM sums m
    JOIN month_learners ml ON ml.month_number = m.month_number
    WHERE m.by_month`;
}

/** The calendar months a period covers, as month numbers (see monthNumber), first to last. */
function monthNumbersOf(period: ReportPeriod): number[] {
  const number = (date: string) => {
    const [year, month] = date.split("-").map(Number);
    return year * 12 + month;
  };
  const first = number(period.from);
  const count = number(period.to) - first + 1;
  // Each month is one bit of a bigint mask; report periods span at most twelve months.
  if (count > 63) throw new Error(`Report period ${period.key} spans ${count} months; at most 63 are supported`);
  return Array.from({ length: count }, (_, i) => first + i);
}

export async function ledgerMeasures(period: ReportPeriod, scope: MeasureScope): Promise<GroupedRow<LedgerMeasure>[]> {
  return toGrouped(await runReportQuery(ledgerSql(period, scope)), LEDGER_MEASURES);
}

// ─────────────────────────── credentials ───────────────────────────

export interface CredentialRow {
  code: string;
  name: string;
  learners: number;
}

/** Learners awarded each credential in the period, retired codes credited to their successor. */
export function credentialSql(period: ReportPeriod, scope: MeasureScope): Sql {
  return sql`
    WITH RECURSIVE chain AS (
      SELECT code, code AS current_code, 0 AS depth FROM credentials WHERE successor_code IS NULL
      UNION ALL
      SELECT c.code, chain.current_code, chain.depth + 1
      FROM credentials c JOIN chain ON c.successor_code = chain.code
      WHERE chain.depth < 20
    ),
    awarded AS (
      SELECT DISTINCT pe.learner_id, COALESCE(chain.current_code, pe.credential_code) AS code
      FROM progress_entries pe
      LEFT JOIN chain ON chain.code = pe.credential_code
      LEFT JOIN enrolments e ON e.id = pe.enrolment_id
      LEFT JOIN apprenticeships a ON a.id = pe.apprenticeship_id
      WHERE ${LATEST_VERIFIED_SQL} AND pe.kind = 'CREDENTIAL'
        AND pe.credential_code IS NOT NULL
        AND pe.occurred_on BETWEEN ${period.from}::date AND ${period.to}::date
        AND ${inScope(scope, sql`COALESCE(e.organisation_id, a.employer_id)`)}
    )
    SELECT c.code, c.name, count(aw.learner_id)::int AS learners
    FROM credentials c
    LEFT JOIN awarded aw ON aw.code = c.code
    WHERE c.successor_code IS NULL
    GROUP BY c.code, c.name
    ORDER BY c.code`;
}

export async function credentialMeasures(period: ReportPeriod, scope: MeasureScope): Promise<CredentialRow[]> {
  const rows = await runReportQuery<{ code: string; name: string; learners: number }>(credentialSql(period, scope));
  return rows.map((r) => ({ code: r.code, name: r.name, learners: Number(r.learners) }));
}

// ─────────────────────────── apprenticeships and OTJ ───────────────────────────

export const APPRENTICESHIP_MEASURES = [
  "apprenticeship_starts",
  "apprenticeship_achievements",
  "apprenticeship_leavers",
  "apprentices_in_learning",
  "otj_planned_hours",
  "otj_expected_hours",
  "otj_actual_minutes",
  "otj_on_track",
] as const;
export type ApprenticeshipMeasure = (typeof APPRENTICESHIP_MEASURES)[number];
export const APPRENTICESHIP_DIMENSIONS = ["district", "level", "age_band", "start_month"] as const;

/** The apprentice also has a pupil membership (what learner type "pupil" means), looked up per apprenticeship. */
const APPRENTICE_IS_PUPIL = sql`EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = a.apprentice_id AND m.role = 'PUPIL')`;

export function apprenticeshipSql(period: ReportPeriod, scope: MeasureScope): Sql {
  const { select, groupBy } = groupingSets(APPRENTICESHIP_DIMENSIONS);
  return sql`
    WITH otj AS (
      SELECT pe.apprenticeship_id, sum(pe.minutes) AS minutes
      FROM progress_entries pe
      WHERE pe.apprenticeship_id IS NOT NULL AND pe.kind = 'OTJ_ACTIVITY' AND ${COUNTING_SQL}
        AND pe.occurred_on <= ${period.to}::date
      GROUP BY pe.apprenticeship_id
    ),
    f AS (
      SELECT a.start_date, a.achieved_on, a.withdrawn_on, a.planned_otj_hours,
             o.district_code AS district,
             CASE WHEN s.level <= 2 THEN 'level-2' WHEN s.level = 3 THEN 'level-3' ELSE 'level-4-plus' END AS level,
             ${ageBand(sql`a.start_date`, APPRENTICE_IS_PUPIL)} AS age_band,
             to_char(a.start_date, 'YYYY-MM') AS start_month,
             COALESCE(otj.minutes, 0) AS otj_minutes,
             a.start_date >= ${period.from}::date AS started,
             a.achieved_on BETWEEN ${period.from}::date AND ${period.to}::date AS achieved,
             a.withdrawn_on BETWEEN ${period.from}::date AND ${period.to}::date AS withdrawn,
             (a.achieved_on IS NULL OR a.achieved_on >= ${period.from}::date)
               AND (a.withdrawn_on IS NULL OR a.withdrawn_on >= ${period.from}::date) AS in_learning,
             CASE WHEN a.achieved_on IS NOT NULL AND a.achieved_on <= ${period.to}::date THEN a.planned_otj_hours::numeric
                  ELSE a.planned_otj_hours * LEAST(1, GREATEST(0,
                         (LEAST(${period.to}::date, a.planned_end_date) - a.start_date + 1)::numeric
                         / GREATEST(1, a.planned_end_date - a.start_date + 1)))
             END AS expected_hours
      FROM apprenticeships a
      JOIN organisations o ON o.id = a.employer_id
      JOIN standards s ON s.id = a.standard_id
      JOIN users u ON u.id = a.apprentice_id
      LEFT JOIN otj ON otj.apprenticeship_id = a.id
      WHERE a.start_date <= ${period.to}::date AND ${inScope(scope, sql`a.employer_id`, sql`a.provider_id`)}
    )
    SELECT ${select},
      count(*) FILTER (WHERE started)::int AS apprenticeship_starts,
      count(*) FILTER (WHERE achieved)::int AS apprenticeship_achievements,
      count(*) FILTER (WHERE achieved OR withdrawn)::int AS apprenticeship_leavers,
      count(*) FILTER (WHERE in_learning)::int AS apprentices_in_learning,
      COALESCE(sum(planned_otj_hours) FILTER (WHERE in_learning), 0)::float8 AS otj_planned_hours,
      COALESCE(sum(expected_hours) FILTER (WHERE in_learning), 0)::float8 AS otj_expected_hours,
      COALESCE(sum(otj_minutes) FILTER (WHERE in_learning), 0)::float8 AS otj_actual_minutes,
      count(*) FILTER (WHERE in_learning AND otj_minutes >= expected_hours * 60)::int AS otj_on_track
    FROM f
    ${groupBy}`;
}

export async function apprenticeshipMeasures(
  period: ReportPeriod,
  scope: MeasureScope,
): Promise<GroupedRow<ApprenticeshipMeasure>[]> {
  return toGrouped(await runReportQuery(apprenticeshipSql(period, scope)), APPRENTICESHIP_MEASURES);
}

// ─────────────────────────── progress reviews ───────────────────────────

export const REVIEW_MEASURES = [
  "reviews_due",
  "reviews_on_time",
  "reviews_fully_signed",
  "median_days_to_sign",
] as const;
export type ReviewMeasure = (typeof REVIEW_MEASURES)[number];
export const REVIEW_DIMENSIONS = ["district", "level"] as const;

export function reviewSql(period: ReportPeriod, scope: MeasureScope, today: string): Sql {
  const { select, groupBy } = groupingSets(REVIEW_DIMENSIONS);
  const dueUntil = today < period.to ? today : period.to;
  return sql`
    WITH f AS (
      SELECT o.district_code AS district,
             CASE WHEN s.level <= 2 THEN 'level-2' WHEN s.level = 3 THEN 'level-3' ELSE 'level-4-plus' END AS level,
             r.due_on BETWEEN ${period.from}::date AND ${dueUntil}::date AS due,
             r.held_on IS NOT NULL AND r.held_on <= r.due_on AS on_time,
             r.held_on BETWEEN ${period.from}::date AND ${period.to}::date
               AND r.apprentice_signed_at IS NOT NULL AND r.employer_signed_at IS NOT NULL AND r.tutor_signed_at IS NOT NULL AS signed,
             (GREATEST(r.apprentice_signed_at, r.employer_signed_at, r.tutor_signed_at) AT TIME ZONE 'Europe/London')::date - r.held_on AS days_to_sign
      FROM reviews r
      JOIN apprenticeships a ON a.id = r.apprenticeship_id
      JOIN organisations o ON o.id = a.employer_id
      JOIN standards s ON s.id = a.standard_id
      WHERE (r.due_on BETWEEN ${period.from}::date AND ${period.to}::date OR r.held_on BETWEEN ${period.from}::date AND ${period.to}::date)
        AND ${inScope(scope, sql`a.employer_id`, sql`a.provider_id`)}
    )
    SELECT ${select},
      count(*) FILTER (WHERE due)::int AS reviews_due,
      count(*) FILTER (WHERE due AND on_time)::int AS reviews_on_time,
      count(*) FILTER (WHERE signed)::int AS reviews_fully_signed,
      COALESCE(percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_sign) FILTER (WHERE signed), 0)::float8 AS median_days_to_sign
    FROM f
    ${groupBy}`;
}

export async function reviewMeasures(
  period: ReportPeriod,
  scope: MeasureScope,
  today: string,
): Promise<GroupedRow<ReviewMeasure>[]> {
  return toGrouped(await runReportQuery(reviewSql(period, scope, today)), REVIEW_MEASURES);
}

// ─────────────────────────── pupils: placements, Gatsby 5 and 6, work experience ───────────────────────────

export const PUPIL_MEASURES = [
  "pupils",
  "gatsby5_met",
  "year11_pupils",
  "gatsby6_met",
  "ks34_pupils",
  "work_experience_hours",
  "pupils_with_work_experience",
  "pupils_50_hours",
] as const;
export type PupilMeasure = (typeof PUPIL_MEASURES)[number];
export const PUPIL_DIMENSIONS = ["district", "year_group"] as const;

export function pupilSql(period: ReportPeriod, scope: MeasureScope): Sql {
  const { select, groupBy } = groupingSets(PUPIL_DIMENSIONS);
  return sql`
    WITH pupils AS (
      SELECT DISTINCT ON (m.user_id) m.user_id, o.district_code AS district,
             COALESCE('year-' || u.year_group, 'not-recorded') AS year_group, u.year_group AS yg
      FROM memberships m
      JOIN organisations o ON o.id = m.organisation_id AND o.kind = 'SCHOOL'
      JOIN users u ON u.id = m.user_id
      WHERE m.role = 'PUPIL' AND u.merged_into_id IS NULL AND ${inScope(scope, sql`m.organisation_id`)}
      ORDER BY m.user_id, m.created_at
    ),
    gatsby5 AS (
      SELECT ea.pupil_id AS user_id FROM encounter_attendees ea JOIN encounters en ON en.id = ea.encounter_id
      WHERE en.occurred_on BETWEEN ${period.academicYearStart}::date AND ${period.to}::date
      UNION
      SELECT e.user_id FROM enrolments e JOIN pathways p ON p.id = e.pathway_id
      WHERE p.counts_as_encounter AND e.status = 'COMPLETED'
        AND e.completed_on BETWEEN ${period.academicYearStart}::date AND ${period.to}::date
    ),
    placed AS (
      SELECT pp.pupil_id AS user_id, sum(COALESCE(pp.hours_attended, pl.hours)) AS hours
      FROM placement_pupils pp JOIN placements pl ON pl.id = pp.placement_id
      WHERE pl.status = 'COMPLETED' AND pl.end_date <= ${period.to}::date
      GROUP BY pp.pupil_id
    ),
    f AS (
      SELECT p.district, p.year_group, p.yg,
             g5.user_id IS NOT NULL AS g5, placed.user_id IS NOT NULL AS g6, COALESCE(placed.hours, 0) AS hours
      FROM pupils p
      LEFT JOIN gatsby5 g5 ON g5.user_id = p.user_id
      LEFT JOIN placed ON placed.user_id = p.user_id
    )
    SELECT ${select},
      count(*)::int AS pupils,
      count(*) FILTER (WHERE g5)::int AS gatsby5_met,
      count(*) FILTER (WHERE yg = 11)::int AS year11_pupils,
      count(*) FILTER (WHERE yg = 11 AND g6)::int AS gatsby6_met,
      count(*) FILTER (WHERE yg BETWEEN 7 AND 11)::int AS ks34_pupils,
      COALESCE(sum(hours) FILTER (WHERE yg BETWEEN 7 AND 11), 0)::float8 AS work_experience_hours,
      count(*) FILTER (WHERE yg BETWEEN 7 AND 11 AND hours > 0)::int AS pupils_with_work_experience,
      count(*) FILTER (WHERE yg BETWEEN 7 AND 11 AND hours >= 50)::int AS pupils_50_hours
    FROM f
    ${groupBy}`;
}

export async function pupilMeasures(period: ReportPeriod, scope: MeasureScope): Promise<GroupedRow<PupilMeasure>[]> {
  return toGrouped(await runReportQuery(pupilSql(period, scope)), PUPIL_MEASURES);
}

// ─────────────────────────── placements and employers ───────────────────────────

export const PLACEMENT_MEASURES = [
  "placements_started",
  "placements_completed",
  "pupils_placed",
  "host_employers",
  "businesses_engaged",
] as const;
export type PlacementMeasure = (typeof PLACEMENT_MEASURES)[number];
export const PLACEMENT_DIMENSIONS = ["district"] as const;

/**
 * Placements by the school's area; host employers and businesses engaged by the employer's
 * area. One statement: the two halves are unioned before grouping.
 */
export function placementSql(period: ReportPeriod, scope: MeasureScope): Sql {
  const { select, groupBy } = groupingSets(PLACEMENT_DIMENSIONS);
  const placementScope = inScope(scope, sql`pl.school_id`, sql`pl.employer_id`);
  return sql`
    WITH pl_rows AS (
      SELECT so.district_code AS district, pl.id AS placement_id,
             pl.status IN ('STARTED', 'COMPLETED') AND pl.start_date BETWEEN ${period.from}::date AND ${period.to}::date AS started,
             pl.status = 'COMPLETED' AND pl.end_date BETWEEN ${period.from}::date AND ${period.to}::date AS completed
      FROM placements pl JOIN organisations so ON so.id = pl.school_id
      WHERE ${placementScope}
    ),
    placed AS (
      SELECT DISTINCT so.district_code AS district, pp.pupil_id
      FROM placement_pupils pp JOIN placements pl ON pl.id = pp.placement_id JOIN organisations so ON so.id = pl.school_id
      WHERE pl.status IN ('STARTED', 'COMPLETED') AND pl.start_date BETWEEN ${period.from}::date AND ${period.to}::date AND ${placementScope}
    ),
    hosts AS (
      SELECT DISTINCT pl.employer_id FROM placement_pupils pp JOIN placements pl ON pl.id = pp.placement_id
      WHERE pp.would_host_again IS TRUE AND pp.feedback_at < (${period.to}::date + 1) AND ${placementScope}
    ),
    engaged AS (
      SELECT a.employer_id FROM apprenticeships a
      WHERE a.start_date <= ${period.to}::date AND COALESCE(a.achieved_on, a.withdrawn_on, ${period.to}::date) >= ${period.from}::date
        AND ${inScope(scope, sql`a.employer_id`, sql`a.provider_id`)}
      UNION
      SELECT pl.employer_id FROM placements pl
      WHERE pl.status <> 'CANCELLED' AND pl.start_date BETWEEN ${period.from}::date AND ${period.to}::date AND ${placementScope}
      UNION
      SELECT en.employer_id FROM encounters en
      WHERE en.employer_id IS NOT NULL AND en.occurred_on BETWEEN ${period.from}::date AND ${period.to}::date
        AND ${inScope(scope, sql`en.school_id`, sql`en.employer_id`)}
    ),
    f AS (
      SELECT district, placement_id, started, completed, NULL::uuid AS pupil_id, NULL::uuid AS host_id, NULL::uuid AS engaged_id FROM pl_rows
      UNION ALL SELECT district, NULL, FALSE, FALSE, pupil_id, NULL, NULL FROM placed
      UNION ALL SELECT eo.district_code, NULL, FALSE, FALSE, NULL, h.employer_id, NULL FROM hosts h JOIN organisations eo ON eo.id = h.employer_id
      UNION ALL SELECT eo.district_code, NULL, FALSE, FALSE, NULL, NULL, g.employer_id FROM engaged g JOIN organisations eo ON eo.id = g.employer_id
    )
    SELECT ${select},
      count(*) FILTER (WHERE started)::int AS placements_started,
      count(*) FILTER (WHERE completed)::int AS placements_completed,
      count(DISTINCT pupil_id)::int AS pupils_placed,
      count(DISTINCT host_id)::int AS host_employers,
      count(DISTINCT engaged_id)::int AS businesses_engaged
    FROM f
    ${groupBy}`;
}

export async function placementMeasures(
  period: ReportPeriod,
  scope: MeasureScope,
): Promise<GroupedRow<PlacementMeasure>[]> {
  return toGrouped(await runReportQuery(placementSql(period, scope)), PLACEMENT_MEASURES);
}

// ─────────────────────────── targets ───────────────────────────

export interface TargetRow {
  key: string;
  label: string;
  targetValue: number;
  startsOn: string;
  endsOn: string;
  /** Progress so far (window start to the period end); null when we do not measure this target. */
  achieved: number | null;
}

/**
 * Progress against the partnership's targets, cumulative from each target's start to the period
 * end. Known targets: digitally skilled apprentices (distinct apprentices who started a digital
 * standard) and businesses engaged (distinct employers with an apprenticeship, a placement or an
 * encounter). Other targets are listed with no figure (`x`) until a definition is agreed.
 */
export function targetSql(period: ReportPeriod, scope: MeasureScope): Sql {
  return sql`
    SELECT t.key, t.label, t.target_value, t.starts_on::text AS starts_on, t.ends_on::text AS ends_on,
      CASE t.key
        WHEN 'digitally-skilled-apprentices' THEN (
          SELECT count(DISTINCT a.apprentice_id) FROM apprenticeships a
          WHERE a.start_date BETWEEN t.starts_on AND LEAST(t.ends_on, ${period.to}::date)
            AND ${inScope(scope, sql`a.employer_id`, sql`a.provider_id`)})
        WHEN 'businesses-engaged' THEN (
          SELECT count(*) FROM (
            SELECT a.employer_id FROM apprenticeships a
            WHERE a.start_date <= LEAST(t.ends_on, ${period.to}::date)
              AND COALESCE(a.achieved_on, a.withdrawn_on, t.ends_on) >= t.starts_on
              AND ${inScope(scope, sql`a.employer_id`, sql`a.provider_id`)}
            UNION
            SELECT pl.employer_id FROM placements pl
            WHERE pl.status <> 'CANCELLED' AND pl.start_date BETWEEN t.starts_on AND LEAST(t.ends_on, ${period.to}::date)
              AND ${inScope(scope, sql`pl.school_id`, sql`pl.employer_id`)}
            UNION
            SELECT en.employer_id FROM encounters en
            WHERE en.employer_id IS NOT NULL AND en.occurred_on BETWEEN t.starts_on AND LEAST(t.ends_on, ${period.to}::date)
              AND ${inScope(scope, sql`en.school_id`, sql`en.employer_id`)}
          ) engaged)
      END::int AS achieved
    FROM targets t
    ORDER BY t.target_value DESC, t.key`;
}

export async function targetMeasures(period: ReportPeriod, scope: MeasureScope): Promise<TargetRow[]> {
  const rows = await db().$queryRaw<
    { key: string; label: string; target_value: number; starts_on: string; ends_on: string; achieved: number | null }[]
  >(targetSql(period, scope));
  return rows.map((r) => ({
    key: r.key,
    label: r.label,
    targetValue: Number(r.target_value),
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    achieved: r.achieved === null ? null : Number(r.achieved),
  }));
}

// ─────────────────────────── labels and data version ───────────────────────────

/** Titles for pathway slugs (category labels, not figures). */
export async function pathwayLabels(): Promise<Map<string, string>> {
  const rows = await db().$queryRaw<
    { slug: string; title: string }[]
  >`SELECT slug, title FROM pathways ORDER BY sort_order, title`;
  return new Map(rows.map((r) => [r.slug, r.title]));
}

/**
 * What the figures include: the number of ledger rows and the latest time any of them was
 * written or verified, plus the latest change to enrolments, apprenticeships and placements,
 * published as a digest (16 hex digits). Two builds with the same data version saw the same
 * ledger. A digest because the version is printed beside every version of a report: the plain
 * "e1000000@2026-10-31T12:00:00.000Z" would tell a reader that exactly one entry arrived
 * between two versions, and a rounded count that then moves from 5 to 10 was 7 and is 8. Cheap: the count is an index-only scan; the latest write is one index probe per
 * entry status on (status, created_at) and the latest verification one probe on verified_at
 * (max of GREATEST(created_at, verified_at) over rows = GREATEST of the two maxima).
 */
export async function dataVersion(): Promise<string> {
  const [row] = await db().$queryRaw<{ n: number; latest: Date | null }[]>`
    SELECT (SELECT count(*) FROM progress_entries)::int AS n,
           GREATEST(
             (SELECT max(last_created.at) FROM unnest(enum_range(NULL::entry_status)) AS s(status)
                CROSS JOIN LATERAL (SELECT max(created_at) AS at FROM progress_entries pe WHERE pe.status = s.status) AS last_created),
             (SELECT max(verified_at) FROM progress_entries),
             (SELECT max(updated_at) FROM enrolments),
             (SELECT max(updated_at) FROM apprenticeships),
             (SELECT max(updated_at) FROM placements),
             (SELECT max(updated_at) FROM reviews)
           ) AS latest`;
  const plain = `e${row.n}@${row.latest ? new Date(row.latest).toISOString() : "none"}`;
  return createHash("sha256").update(plain).digest("hex").slice(0, 16);
}

export interface RawMeasures {
  enrolments: GroupedRow<EnrolmentMeasure>[];
  ledger: GroupedRow<LedgerMeasure>[];
  credentials: CredentialRow[];
  apprenticeships: GroupedRow<ApprenticeshipMeasure>[];
  reviews: GroupedRow<ReviewMeasure>[];
  pupils: GroupedRow<PupilMeasure>[];
  placements: GroupedRow<PlacementMeasure>[];
  targets: TargetRow[];
  pathwayTitles: Map<string, string>;
}

/** Every measure family for a period and scope, unrounded. Statements run concurrently. */
export async function computeMeasures(period: ReportPeriod, scope: MeasureScope, today: string): Promise<RawMeasures> {
  const [enrolments, ledger, credentials, apprenticeships, reviews, pupils, placements, targets, pathwayTitles] =
    await Promise.all([
      enrolmentMeasures(period, scope),
      ledgerMeasures(period, scope),
      credentialMeasures(period, scope),
      apprenticeshipMeasures(period, scope),
      reviewMeasures(period, scope, today),
      pupilMeasures(period, scope),
      placementMeasures(period, scope),
      targetMeasures(period, scope),
      pathwayLabels(),
    ]);
  return { enrolments, ledger, credentials, apprenticeships, reviews, pupils, placements, targets, pathwayTitles };
}
