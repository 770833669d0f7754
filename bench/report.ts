/**
 * `npm run bench -- report`: the council's outcome report at county scale.
 *
 * Generates, with set-based SQL (generate_series) in its own database (bench_report, dropped
 * afterwards): 300 organisations, 60,000 learners (45,000 pupils, 3,000 teachers, 12,000
 * apprentices), ~82,500 enrolments, 12,000 apprenticeships, 1,000,000 progress entries (70%
 * pathway learning, 30% OTJ; verified / pending / rejected / superseded mixed), 36,000 reviews,
 * 5,000 placements (10,000 placed pupils) and 2,000 encounters (40,000 attendances).
 *
 * Then, in the same run:
 * - build: `buildSnapshot` (the real function: every measure family, disclosure control,
 *   data version, the insert), academic year 2025/26; median of 3;
 * - baseline: the same aggregates (the same hand-written family queries) as ONE SQL statement
 *   sent straight through pg, with no Prisma, no JavaScript shaping and no protection; median of 3;
 * - open: reading one stored snapshot by id (`getSnapshot`, what the report page does); median of 20.
 * Goals: build < 2 s, build ≤ 1.5 × baseline, open < 50 ms.
 *
 * The build runs the families concurrently on separate connections; the baseline is one
 * statement, so one backend. Both use the same family SQL (report-measures.server.ts), so a
 * faster family query speeds up both sides alike. The machine is shared: note `uptime` beside
 * the figures.
 *
 * Profiling: BENCH_KEEP=1 keeps the database (and reuses it next run: migrations are applied,
 * nothing is regenerated); BENCH_FAMILIES=1 also prints each family statement's time on its own
 * (median of 3, through pg) before the build.
 */
import { performance } from "node:perf_hooks";
import pg from "pg";
import { applyMigrations } from "../app/db/migrate.server.ts";
import { admin, dbUrl } from "./support.ts";

const DB_NAME = "bench_report";
const GOAL_BUILD_MS = 2000;
const GOAL_RATIO = 1.5;
const GOAL_OPEN_MS = 50;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const id = (prefix: string, n: string) => `md5('${prefix}' || ${n})::uuid`;

/** The county, set-based. Deterministic ids: md5(prefix || n)::uuid. */
const GENERATE = [
  `INSERT INTO organisations (id, name, kind, status, district_code, approved_at, updated_at)
   SELECT ${id("o", "n")}, 'Org ' || n,
          (CASE WHEN n <= 200 THEN 'SCHOOL' WHEN n <= 290 THEN 'EMPLOYER' ELSE 'PROVIDER' END)::organisation_kind,
          'APPROVED', (ARRAY['E07000192','E07000193','E07000194','E07000195','E07000196','E07000197','E07000198','E07000199','E06000021'])[(n % 9) + 1],
          now(), now()
   FROM generate_series(1, 300) n`,
  `INSERT INTO credentials (code, name) VALUES ('AB-900','M365'), ('AZ-900','Azure'), ('AI-901','AI'), ('MO-200','Excel'), ('MIE','Educator')`,
  `INSERT INTO credentials (code, name, retired_on, successor_code) VALUES ('MS-900','M365 old','2026-03-31','AB-900'), ('AI-900','AI old','2026-06-30','AI-901')`,
  `INSERT INTO pathways (id, slug, title, audience, hours_min, hours_max, counts_as_encounter, is_cpd, updated_at)
   SELECT ${id("p", "k")}, 'pathway-' || k, 'Pathway ' || k,
          (CASE WHEN k <= 3 THEN 'PUPIL' WHEN k = 4 THEN 'TEACHER' ELSE 'APPRENTICE' END)::audience,
          5, 10, k = 3, k = 4, now()
   FROM generate_series(1, 8) k`,
  `INSERT INTO standards (id, reference, title, level, otj_minimum_hours)
   SELECT ${id("s", "k")}, 'ST' || k, 'Standard ' || k, (ARRAY[2,3,3,6])[k], 300 FROM generate_series(1, 4) k`,
  `INSERT INTO targets (key, label, target_value, starts_on, ends_on, updated_at) VALUES
   ('digitally-skilled-apprentices', 'Digitally skilled apprentices', 900, '2025-08-01', '2030-07-31', now()),
   ('businesses-engaged', 'Businesses engaged', 100, '2025-08-01', '2030-07-31', now())`,
  // 60,000 learners + 300 staff: pupils 1–45,000, teachers –48,000, apprentices –60,000.
  `INSERT INTO users (id, username, email, first_name, last_name, year_group, date_of_birth, updated_at)
   SELECT ${id("u", "n")},
          CASE WHEN n <= 45000 THEN 'pupil' || n END,
          CASE WHEN n > 45000 THEN 'person' || n || '@bench.example' END,
          'First', 'Last' || n,
          CASE WHEN n <= 45000 THEN 7 + n % 7 END,
          CASE WHEN n > 48000 THEN DATE '1985-01-01' + (n % 7000) END,
          now()
   FROM generate_series(1, 60300) n`,
  `INSERT INTO memberships (user_id, organisation_id, role)
   SELECT ${id("u", "n")},
          CASE WHEN n <= 48000 THEN ${id("o", "(n % 200 + 1)")} WHEN n <= 60000 THEN ${id("o", "(201 + n % 90)")} ELSE ${id("o", "(291 + n % 10)")} END,
          (CASE WHEN n <= 45000 THEN 'PUPIL' WHEN n <= 48000 THEN 'TEACHER' WHEN n <= 60000 THEN 'APPRENTICE' ELSE 'TUTOR' END)::role
   FROM generate_series(1, 60300) n`,
  // Enrolments: every learner one (id e1-n), half the pupils a second.
  `INSERT INTO enrolments (id, user_id, pathway_id, organisation_id, status, started_on, completed_on, withdrawn_on, updated_at)
   SELECT ${id("e1-", "n")}, ${id("u", "n")},
          CASE WHEN n <= 45000 THEN ${id("p", "(n % 3 + 1)")} WHEN n <= 48000 THEN ${id("p", "4")} ELSE ${id("p", "(5 + n % 4)")} END,
          CASE WHEN n <= 48000 THEN ${id("o", "(n % 200 + 1)")} ELSE ${id("o", "(201 + n % 90)")} END,
          (CASE WHEN n % 5 = 0 THEN 'COMPLETED' WHEN n % 11 = 0 THEN 'WITHDRAWN' ELSE 'ACTIVE' END)::enrolment_status,
          DATE '2025-02-01' + (n % 700 - 350),
          CASE WHEN n % 5 = 0 THEN DATE '2025-02-01' + (n % 700 - 350) + 90 END,
          CASE WHEN n % 5 <> 0 AND n % 11 = 0 THEN DATE '2025-02-01' + (n % 700 - 350) + 60 END,
          now()
   FROM generate_series(1, 60000) n`,
  `INSERT INTO enrolments (id, user_id, pathway_id, organisation_id, status, started_on, updated_at)
   SELECT ${id("e2-", "n")}, ${id("u", "n")}, ${id("p", "((n + 1) % 3 + 1)")}, ${id("o", "(n % 200 + 1)")}, 'ACTIVE', DATE '2025-09-01' + (n % 300), now()
   FROM generate_series(2, 45000, 2) n`,
  `INSERT INTO apprenticeships (id, apprentice_id, employer_id, provider_id, standard_id, start_date, planned_end_date, contracted_weekly_hours, otj_regime, planned_otj_hours, status, achieved_on, updated_at)
   SELECT ${id("a", "k")}, ${id("u", "(48000 + k)")}, ${id("o", "(201 + (48000 + k) % 90)")}, ${id("o", "(291 + k % 10)")}, ${id("s", "(k % 4 + 1)")},
          DATE '2024-09-01' + (k % 600), DATE '2024-09-01' + (k % 600) + 540, 37.5, 'STANDARD_MINIMUM', 300,
          (CASE WHEN k % 6 = 0 AND DATE '2024-09-01' + (k % 600) + 520 <= DATE '2026-07-31' THEN 'COMPLETED' ELSE 'ACTIVE' END)::apprenticeship_status,
          CASE WHEN k % 6 = 0 AND DATE '2024-09-01' + (k % 600) + 520 <= DATE '2026-07-31' THEN DATE '2024-09-01' + (k % 600) + 520 END,
          now()
   FROM generate_series(1, 12000) k`,
  // 700,000 pathway entries and 300,000 OTJ entries.
  `INSERT INTO progress_entries (learner_id, enrolment_id, kind, credential_code, occurred_on, minutes, status, superseded_at, created_by_id)
   SELECT ${id("u", "u")}, ${id("e1-", "u")},
          (CASE WHEN i % 97 = 0 THEN 'CREDENTIAL' WHEN i % 10 = 0 THEN 'MODULE_COMPLETED' ELSE 'LEARNING_TIME' END)::entry_kind,
          CASE WHEN i % 97 = 0 THEN (ARRAY['MS-900','AB-900','AZ-900','AI-900','AI-901','MO-200'])[i % 6 + 1] END,
          DATE '2024-09-01' + (i % 700), 30 + i % 90,
          (CASE WHEN i % 10 < 8 THEN 'VERIFIED' WHEN i % 10 = 8 THEN 'PENDING' ELSE 'REJECTED' END)::entry_status,
          CASE WHEN i % 20 = 1 THEN now() END,
          ${id("u", "u")}
   FROM (SELECT i, (i - 1) % 48000 + 1 AS u FROM generate_series(1, 700000) i) g`,
  `INSERT INTO progress_entries (learner_id, apprenticeship_id, kind, occurred_on, minutes, activity_type, status, superseded_at, created_by_id)
   SELECT ${id("u", "(48000 + k)")}, ${id("a", "k")}, 'OTJ_ACTIVITY', DATE '2024-09-01' + (i % 700), 60 + i % 240, 'workshop',
          (CASE WHEN i % 10 < 8 THEN 'VERIFIED' WHEN i % 10 = 8 THEN 'PENDING' ELSE 'REJECTED' END)::entry_status,
          CASE WHEN i % 20 = 1 THEN now() END,
          ${id("u", "(48000 + k)")}
   FROM (SELECT i, (i - 1) % 12000 + 1 AS k FROM generate_series(1, 300000) i) g`,
  `INSERT INTO reviews (apprenticeship_id, sequence, due_on, held_on, status, apprentice_signed_at, employer_signed_at, tutor_signed_at, updated_at)
   SELECT ${id("a", "k")}, s, DATE '2024-09-01' + (k % 600) + 91 * s,
          CASE WHEN (k + s) % 7 <> 0 THEN DATE '2024-09-01' + (k % 600) + 91 * s + ((k + s) % 11) - 5 END,
          (CASE WHEN (k + s) % 7 <> 0 THEN 'SIGNED' ELSE 'SCHEDULED' END)::review_status,
          CASE WHEN (k + s) % 7 <> 0 THEN (DATE '2024-09-01' + (k % 600) + 91 * s)::timestamptz + interval '1 day' END,
          CASE WHEN (k + s) % 7 <> 0 THEN (DATE '2024-09-01' + (k % 600) + 91 * s)::timestamptz + ((k % 20) || ' days')::interval END,
          CASE WHEN (k + s) % 7 <> 0 THEN (DATE '2024-09-01' + (k % 600) + 91 * s)::timestamptz + ((k % 30) || ' days')::interval END,
          now()
   FROM generate_series(1, 12000) k, generate_series(1, 3) s`,
  `INSERT INTO placements (id, school_id, employer_id, title, start_date, end_date, hours, status, created_by_id, updated_at)
   SELECT ${id("pl", "k")}, ${id("o", "(k % 200 + 1)")}, ${id("o", "(201 + k % 90)")}, 'Placement ' || k,
          DATE '2025-09-01' + (k % 300), DATE '2025-09-01' + (k % 300) + 9, 35,
          (CASE WHEN k % 3 = 0 THEN 'STARTED' ELSE 'COMPLETED' END)::placement_status, ${id("u", "(45001 + k % 3000)")}, now()
   FROM generate_series(1, 5000) k`,
  `INSERT INTO placement_pupils (placement_id, pupil_id, hours_attended, would_host_again, feedback_at)
   SELECT ${id("pl", "k")}, ${id("u", "((k * 2 + j) % 45000 + 1)")}, 20 + (k + j) % 40,
          CASE WHEN k % 4 = 0 THEN true WHEN k % 4 = 1 THEN false END, CASE WHEN k % 4 < 2 THEN now() END
   FROM generate_series(1, 5000) k, generate_series(0, 1) j`,
  `INSERT INTO encounters (id, school_id, employer_id, kind, title, occurred_on, created_by_id)
   SELECT ${id("en", "k")}, ${id("o", "(k % 200 + 1)")}, ${id("o", "(201 + k % 90)")}, 'talk', 'Talk ' || k, DATE '2025-09-01' + (k % 300), ${id("u", "(45001 + k % 3000)")}
   FROM generate_series(1, 2000) k`,
  `INSERT INTO encounter_attendees (encounter_id, pupil_id)
   SELECT ${id("en", "k")}, ${id("u", "((k * 20 + j) % 45000 + 1)")} FROM generate_series(1, 2000) k, generate_series(0, 19) j`,
  `VACUUM ANALYZE`,
];

export async function main() {
  // BENCH_KEEP=1 keeps the generated database afterwards and reuses it next time (for profiling).
  const keep = process.env.BENCH_KEEP === "1";
  const exists = (await admin(`SELECT 1 FROM pg_database WHERE datname = $1`, [DB_NAME])).rowCount === 1;
  const reuse = keep && exists;
  if (!reuse) {
    await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${DB_NAME}`);
  }
  const benchUrl = dbUrl(DB_NAME);
  try {
    await applyMigrations(benchUrl);
    const client = new pg.Client({ connectionString: benchUrl });
    await client.connect();
    const genStart = performance.now();
    if (reuse) await client.query(`DELETE FROM report_snapshots`);
    else for (const statement of GENERATE) await client.query(statement);
    const counts = (
      await client.query(`SELECT (SELECT count(*) FROM users WHERE username IS NOT NULL OR date_of_birth IS NOT NULL OR id IN (SELECT user_id FROM memberships WHERE role = 'TEACHER'))::int AS learners,
      (SELECT count(*) FROM organisations)::int AS organisations, (SELECT count(*) FROM progress_entries)::int AS entries,
      (SELECT count(*) FROM placements)::int AS placements, (SELECT count(*) FROM enrolments)::int AS enrolments`)
    ).rows[0];
    console.log(`Generated in ${((performance.now() - genStart) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);

    // The app reads DATABASE_URL on first use: point it at the bench database before importing.
    process.env.DATABASE_URL = benchUrl;
    process.env.LOG_LEVEL ??= "silent";
    const { parsePeriod } = await import("../app/domain/report-period.ts");
    const reports = await import("../app/models/reports.server.ts");
    const measures = await import("../app/models/report-measures.server.ts");
    const { Prisma } = await import("../app/generated/prisma/client.ts");
    const { disconnectDb } = await import("../app/db/client.server.ts");
    const period = parsePeriod("academic-year", "2025/26")!;
    const today = "2026-09-01";
    const scope = { kind: "all" as const };

    // One statement with every family's aggregate, sent straight through pg.
    const sql = Prisma.sql`SELECT
      (SELECT json_agg(t) FROM (${measures.enrolmentSql(period, scope)}) t) AS enrolments,
      (SELECT json_agg(t) FROM (${measures.ledgerSql(period, scope)}) t) AS ledger,
      (SELECT json_agg(t) FROM (${measures.credentialSql(period, scope)}) t) AS credentials,
      (SELECT json_agg(t) FROM (${measures.apprenticeshipSql(period, scope)}) t) AS apprenticeships,
      (SELECT json_agg(t) FROM (${measures.reviewSql(period, scope, today)}) t) AS reviews,
      (SELECT json_agg(t) FROM (${measures.pupilSql(period, scope)}) t) AS pupils,
      (SELECT json_agg(t) FROM (${measures.placementSql(period, scope)}) t) AS placements,
      (SELECT json_agg(t) FROM (${measures.targetSql(period, scope)}) t) AS targets`;
    const text = sql.text;
    // The same session settings the report statements use (work_mem, no JIT), so the two sides differ only in the path.
    for (const setting of measures.REPORT_SESSION_SETTINGS) await client.query(setting);

    if (process.env.BENCH_FAMILIES === "1") {
      const families = {
        enrolment: measures.enrolmentSql(period, scope),
        ledger: measures.ledgerSql(period, scope),
        credential: measures.credentialSql(period, scope),
        apprenticeship: measures.apprenticeshipSql(period, scope),
        review: measures.reviewSql(period, scope, today),
        pupil: measures.pupilSql(period, scope),
        placement: measures.placementSql(period, scope),
        target: measures.targetSql(period, scope),
      };
      for (const [name, statement] of Object.entries(families)) {
        const times: number[] = [];
        for (let i = 0; i < 3; i++) {
          const t = performance.now();
          await client.query(statement.text, statement.values as unknown[]);
          times.push(performance.now() - t);
        }
        console.log(
          `  family ${name.padEnd(15)} median ${median(times).toFixed(0).padStart(5)} ms  [${times.map((x) => x.toFixed(0)).join(", ")}]`,
        );
      }
      const t = performance.now();
      await measures.dataVersion();
      console.log(
        `  dataVersion            ${(performance.now() - t).toFixed(0).padStart(5)} ms (first call, via Prisma)`,
      );
    }

    // Warm both paths once (plans, caches), then alternate runs so neither gets a warmer cache.
    await client.query(text, sql.values as unknown[]);
    await reports.buildSnapshot(period, null, { today });
    const baseline: number[] = [];
    const build: number[] = [];
    let snapshotId = "";
    for (let i = 0; i < 3; i++) {
      let t = performance.now();
      await client.query(text, sql.values as unknown[]);
      baseline.push(performance.now() - t);
      t = performance.now();
      snapshotId = (await reports.buildSnapshot(period, null, { today })).id;
      build.push(performance.now() - t);
    }
    const officer = {
      userId: "00000000-0000-4000-8000-000000000000",
      displayName: "Bench",
      memberships: [
        {
          organisationId: "00000000-0000-4000-8000-000000000001",
          organisationName: "Council",
          organisationKind: "COUNCIL" as const,
          role: "COUNCIL_OFFICER" as const,
        },
      ],
    };
    const open: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t = performance.now();
      await reports.getSnapshot(officer, snapshotId);
      open.push(performance.now() - t);
    }
    open.shift();
    const bytes = (
      await client.query(`SELECT length(figures::text) AS n FROM report_snapshots WHERE id = $1`, [snapshotId])
    ).rows[0].n;
    await client.end();
    await disconnectDb();

    const b = median(build);
    const r = median(baseline);
    const o = median(open);
    const ratio = b / r;
    console.log(
      `Build one report (buildSnapshot, academic year 2025/26): median ${b.toFixed(0)} ms  [${build.map((x) => x.toFixed(0)).join(", ")}]`,
    );
    console.log(
      `Same aggregates as one SQL statement via pg:            median ${r.toFixed(0)} ms  [${baseline.map((x) => x.toFixed(0)).join(", ")}]`,
    );
    console.log(`Ratio build / raw SQL: ${ratio.toFixed(2)} (goal ≤ ${GOAL_RATIO})`);
    console.log(
      `Open a stored snapshot (getSnapshot, ${bytes} bytes of JSON): median ${o.toFixed(1)} ms (goal < ${GOAL_OPEN_MS} ms)`,
    );
    const pass = b < GOAL_BUILD_MS && ratio <= GOAL_RATIO && o < GOAL_OPEN_MS;
    console.log(
      JSON.stringify({
        bench: "report",
        value: Math.round(b),
        unit: "ms",
        baseline: Math.round(r),
        ratio: Number(ratio.toFixed(2)),
        goal: `build < ${GOAL_BUILD_MS} ms, ≤ ${GOAL_RATIO}× raw SQL, open < ${GOAL_OPEN_MS} ms (open ${o.toFixed(1)} ms)`,
        pass,
      }),
    );
  } finally {
    if (!keep) await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  }
}
