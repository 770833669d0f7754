/**
 * The ledger family of the outcome report (report-measures.server.ts `ledgerSql`) on the cases
 * its one-pass SQL has to get right: a learner with two enrolments in one area (counted once
 * there, once per pathway), entries in several months and on both ends of the period, an entry
 * with an enrolment and an apprenticeship (the enrolment decides), apprenticeship learning,
 * learner types from memberships (pupil > apprentice > teacher, else "other"), and what never
 * counts (superseded, pending, outside the period, no enrolment or apprenticeship, OTJ).
 *
 * Checked twice: against the hand count below, and against the definition written the plain
 * way (every entry joined to its categories, learners counted per category with GROUPING SETS
 * over learner_id, as the report first did) for several periods and scopes.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { testPrisma } from "../setup/db.ts";
import { parsePeriod, type ReportPeriod } from "../../app/domain/report-period.ts";
import { ledgerMeasures, type MeasureScope } from "../../app/models/report-measures.server.ts";
import type { Role } from "../../app/generated/prisma/enums.ts";

const TAMWORTH = "E07000199";
const LICHFIELD = "E07000194";
const YEAR = parsePeriod("academic-year", "2025/26")!;
const d = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** The ledger measures written the plain way: $1 from, $2 to, $3 organisation ids (null: all). */
const REFERENCE_SQL = `
  WITH learner_types AS (
    SELECT user_id, CASE WHEN bool_or(role = 'PUPIL') THEN 'pupil' WHEN bool_or(role = 'APPRENTICE') THEN 'apprentice' ELSE 'teacher' END AS learner_type
    FROM memberships WHERE role IN ('PUPIL', 'APPRENTICE', 'TEACHER') GROUP BY user_id
  ),
  f AS (
    SELECT pe.learner_id, pe.kind, pe.minutes, o.district_code AS district, o.kind::text AS organisation_kind,
           COALESCE(p.slug, 'apprenticeship') AS pathway, COALESCE(lt.learner_type, 'other') AS learner_type,
           to_char(pe.occurred_on, 'YYYY-MM') AS month
    FROM progress_entries pe
    LEFT JOIN enrolments e ON e.id = pe.enrolment_id
    LEFT JOIN apprenticeships a ON a.id = pe.apprenticeship_id
    JOIN organisations o ON o.id = COALESCE(e.organisation_id, a.employer_id)
    LEFT JOIN pathways p ON p.id = e.pathway_id
    LEFT JOIN learner_types lt ON lt.user_id = pe.learner_id
    WHERE pe.superseded_at IS NULL AND pe.status = 'VERIFIED' AND pe.kind IN ('LEARNING_TIME', 'MODULE_COMPLETED')
      AND pe.occurred_on BETWEEN $1::date AND $2::date
      AND ($3::uuid[] IS NULL OR COALESCE(e.organisation_id, a.employer_id) = ANY($3::uuid[]))
  ),
  per_learner AS (
    SELECT CASE WHEN GROUPING(district) = 0 THEN 'district' WHEN GROUPING(organisation_kind) = 0 THEN 'organisation_kind'
                WHEN GROUPING(pathway) = 0 THEN 'pathway' WHEN GROUPING(learner_type) = 0 THEN 'learner_type'
                WHEN GROUPING(month) = 0 THEN 'month' ELSE 'total' END AS dimension,
           COALESCE(district, organisation_kind, pathway, learner_type, month, 'all') AS key,
           sum(minutes) AS minutes, count(*) FILTER (WHERE kind = 'MODULE_COMPLETED') AS modules
    FROM f
    GROUP BY GROUPING SETS ((learner_id), (learner_id, district), (learner_id, organisation_kind), (learner_id, pathway), (learner_id, learner_type), (learner_id, month))
  )
  SELECT dimension, key, COALESCE(sum(minutes), 0)::float8 AS learning_minutes, count(*)::int AS learners_with_hours,
         COALESCE(sum(modules), 0)::int AS modules_completed
  FROM per_learner GROUP BY dimension, key`;

type Row = { dimension: string; key: string; values: Record<string, number> };
const byKey = (rows: Row[]) => Object.fromEntries(rows.map((r) => [`${r.dimension}|${r.key}`, r.values]));

async function reference(period: ReportPeriod, organisationIds: string[] | null): Promise<Row[]> {
  const rows = await testPrisma().$queryRawUnsafe<
    {
      dimension: string;
      key: string;
      learning_minutes: number;
      learners_with_hours: number;
      modules_completed: number;
    }[]
  >(REFERENCE_SQL, period.from, period.to, organisationIds);
  return rows.map((r) => ({
    dimension: r.dimension,
    key: r.key,
    values: {
      learning_minutes: Number(r.learning_minutes),
      learners_with_hours: Number(r.learners_with_hours),
      modules_completed: Number(r.modules_completed),
    },
  }));
}

let ids: Awaited<ReturnType<typeof seed>>;

async function seed() {
  const db = testPrisma();
  const org = (name: string, kind: "SCHOOL" | "EMPLOYER" | "PROVIDER", districtCode: string) =>
    db.organisation.create({
      data: { name, kind, districtCode, status: "APPROVED", approvedAt: new Date() },
      select: { id: true },
    });
  const school1 = await org("Ledger School One", "SCHOOL", TAMWORTH);
  const school2 = await org("Ledger School Two", "SCHOOL", TAMWORTH);
  const employer = await org("Ledger Employer", "EMPLOYER", LICHFIELD);
  const provider = await org("Ledger Provider", "PROVIDER", "E07000197");
  const pathway = (slug: string) =>
    db.pathway.create({
      data: { slug, title: slug, audience: "PUPIL", hoursMin: 1, hoursMax: 2 },
      select: { id: true },
    });
  const pathwayA = await pathway("ledger-a");
  const pathwayB = await pathway("ledger-b");
  const standard = await db.standard.create({
    data: { reference: "ST9001", title: "Ledger standard", level: 3 },
    select: { id: true },
  });

  let n = 0;
  const person = (memberships: { organisationId: string; role: Role }[]) =>
    db.user.create({
      data: {
        firstName: "Ledger",
        lastName: `Learner${++n}`,
        email: `ledger${n}@report.example`,
        memberships: { create: memberships },
      },
      select: { id: true },
    });
  const pupil = await person([{ organisationId: school1.id, role: "PUPIL" }]);
  const apprentice = await person([{ organisationId: employer.id, role: "APPRENTICE" }]);
  const teacherApprentice = await person([
    { organisationId: school1.id, role: "TEACHER" },
    { organisationId: employer.id, role: "APPRENTICE" },
  ]);
  const tutor = await person([{ organisationId: provider.id, role: "TUTOR" }]);
  const unsourced = await person([{ organisationId: school2.id, role: "PUPIL" }]);

  const enrol = (userId: string, organisationId: string, pathwayId: string) =>
    db.enrolment.create({
      data: { userId, organisationId, pathwayId, startedOn: d("2025-09-01") },
      select: { id: true },
    });
  const pupilA = await enrol(pupil.id, school1.id, pathwayA.id);
  const pupilB = await enrol(pupil.id, school2.id, pathwayB.id);
  const teacherA = await enrol(teacherApprentice.id, school1.id, pathwayA.id);
  const tutorB = await enrol(tutor.id, school2.id, pathwayB.id);
  const apprenticeship = await db.apprenticeship.create({
    data: {
      apprenticeId: apprentice.id,
      employerId: employer.id,
      providerId: provider.id,
      standardId: standard.id,
      startDate: d("2025-09-01"),
      plannedEndDate: d("2026-12-31"),
      contractedWeeklyHours: 30,
      otjRegime: "STANDARD_MINIMUM",
      plannedOtjHours: 300,
    },
    select: { id: true },
  });

  const entry = (
    learnerId: string,
    data: {
      enrolmentId?: string;
      apprenticeshipId?: string;
      kind?: "LEARNING_TIME" | "MODULE_COMPLETED" | "OTJ_ACTIVITY";
      occurredOn: string;
      minutes: number;
      status?: "VERIFIED" | "PENDING";
      supersededAt?: Date;
    },
  ) =>
    db.progressEntry.create({
      data: {
        learnerId,
        createdById: learnerId,
        kind: data.kind ?? "LEARNING_TIME",
        status: data.status ?? "VERIFIED",
        enrolmentId: data.enrolmentId,
        apprenticeshipId: data.apprenticeshipId,
        occurredOn: d(data.occurredOn),
        minutes: data.minutes,
        supersededAt: data.supersededAt,
      },
    });
  // The pupil: two enrolments in Tamworth, October on both, a module in January.
  await entry(pupil.id, { enrolmentId: pupilA.id, occurredOn: "2025-10-03", minutes: 60 });
  await entry(pupil.id, { enrolmentId: pupilB.id, occurredOn: "2025-10-20", minutes: 30 });
  await entry(pupil.id, { enrolmentId: pupilA.id, kind: "MODULE_COMPLETED", occurredOn: "2026-01-05", minutes: 45 });
  await entry(pupil.id, { enrolmentId: pupilA.id, occurredOn: "2025-07-31", minutes: 100 }); // the day before the year
  await entry(pupil.id, {
    enrolmentId: pupilB.id,
    occurredOn: "2025-10-21",
    minutes: 500,
    supersededAt: new Date("2025-10-22T09:00:00Z"),
  });
  // The apprentice: learning in November, a module on the last day of the year, OTJ (reported elsewhere).
  await entry(apprentice.id, { apprenticeshipId: apprenticeship.id, occurredOn: "2025-11-11", minutes: 120 });
  await entry(apprentice.id, {
    apprenticeshipId: apprenticeship.id,
    kind: "MODULE_COMPLETED",
    occurredOn: "2026-07-31",
    minutes: 20,
  });
  await entry(apprentice.id, {
    apprenticeshipId: apprenticeship.id,
    kind: "OTJ_ACTIVITY",
    occurredOn: "2025-11-12",
    minutes: 600,
  });
  // A teacher who is also an apprentice (learner type apprentice); one entry names both an
  // enrolment and an apprenticeship: the enrolment's school and pathway count.
  await entry(teacherApprentice.id, { enrolmentId: teacherA.id, occurredOn: "2026-07-31", minutes: 40 });
  await entry(teacherApprentice.id, {
    enrolmentId: teacherA.id,
    apprenticeshipId: apprenticeship.id,
    occurredOn: "2026-07-15",
    minutes: 25,
  });
  // A tutor on a pathway (no learner membership: "other"), on the first day of the year.
  await entry(tutor.id, { enrolmentId: tutorB.id, occurredOn: "2025-08-01", minutes: 15 });
  await entry(tutor.id, { enrolmentId: tutorB.id, occurredOn: "2025-09-01", minutes: 70, status: "PENDING" });
  // No enrolment or apprenticeship: nowhere to place it.
  await entry(unsourced.id, { occurredOn: "2025-10-01", minutes: 999 });

  return { school1: school1.id, school2: school2.id, employer: employer.id, provider: provider.id };
}

beforeAll(async () => {
  ids = await seed();
});

describe("the ledger family", () => {
  test("matches the hand count for the academic year", async () => {
    const rows = byKey(await ledgerMeasures(YEAR, { kind: "all" }));
    const v = (minutes: number, learners: number, modules: number) => ({
      learning_minutes: minutes,
      learners_with_hours: learners,
      modules_completed: modules,
    });
    expect(rows).toEqual({
      "total|all": v(60 + 30 + 45 + 120 + 20 + 40 + 25 + 15, 4, 2),
      [`district|${TAMWORTH}`]: v(60 + 30 + 45 + 40 + 25 + 15, 3, 1), // the pupil once, not once per school
      [`district|${LICHFIELD}`]: v(120 + 20, 1, 1),
      "organisation_kind|SCHOOL": v(215, 3, 1),
      "organisation_kind|EMPLOYER": v(140, 1, 1),
      "pathway|ledger-a": v(60 + 45 + 40 + 25, 2, 1),
      "pathway|ledger-b": v(30 + 15, 2, 0),
      "pathway|apprenticeship": v(140, 1, 1),
      "learner_type|pupil": v(135, 1, 1),
      "learner_type|apprentice": v(140 + 65, 2, 1),
      "learner_type|other": v(15, 1, 0),
      "month|2025-08": v(15, 1, 0),
      "month|2025-10": v(90, 1, 0), // two enrolments, one learner
      "month|2025-11": v(120, 1, 0),
      "month|2026-01": v(45, 1, 1),
      "month|2026-07": v(20 + 40 + 25, 2, 1),
    });
  });

  test("nothing logged in scope: no rows at all", async () => {
    expect(await ledgerMeasures(YEAR, { kind: "organisations", organisationIds: [ids.provider] })).toEqual([]);
    expect(await ledgerMeasures(YEAR, { kind: "organisations", organisationIds: [] })).toEqual([]);
  });

  const periods = [
    YEAR,
    parsePeriod("month", "2025-10")!,
    parsePeriod("term", "2025/26-summer")!,
    parsePeriod("financial-year", "2025-26")!,
    parsePeriod("academic-year", "2024/25")!,
  ];
  test.each(periods.map((p) => [p.key, p] as const))(
    "agrees with the plain definition for %s, partnership-wide and per organisation",
    async (_key, period) => {
      const scopes: [MeasureScope, string[] | null][] = [
        [{ kind: "all" }, null],
        [{ kind: "organisations", organisationIds: [ids.school1] }, [ids.school1]],
        [{ kind: "organisations", organisationIds: [ids.school2, ids.employer] }, [ids.school2, ids.employer]],
      ];
      for (const [scope, organisationIds] of scopes) {
        expect(byKey(await ledgerMeasures(period, scope))).toEqual(byKey(await reference(period, organisationIds)));
      }
    },
  );
});
