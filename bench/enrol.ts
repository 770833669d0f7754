/**
 * `npm run bench -- enrol`: class-list import of a 1,000-row and a 5,000-row file through the
 * real import (parse + validate + match + set-based write in one transaction, the same
 * runClassImport the web app and the worker use), beside a raw multi-row INSERT of the same
 * shape of rows (users + memberships + cohort_members) in the same run.
 *
 * Goal: the 5,000-row import under 3 s and within 3× the raw insert.
 * Uses its own database (bench_enrol, dropped afterwards). The class is not enrolled in a
 * pathway, so both sides write the same three tables.
 */
import { performance } from "node:perf_hooks";
import pg from "pg";
import { applyMigrations } from "../app/db/migrate.server.ts";
import { admin, freshDatabase } from "./support.ts";
import { upnCheckLetter } from "../app/domain/class-list.ts";

const DB_NAME = "bench_enrol";
const GOAL_MS = 3000;
const GOAL_RATIO = 3;

const FIRST = [
  "Amelia",
  "Oliver",
  "Isla",
  "Jack",
  "Zoë",
  "Siân",
  "Harry",
  "Evie-Mae",
  "Leo",
  "Ava",
  "Noah",
  "Grace",
  "Kacper",
  "Freya",
  "Arlo",
  "Maisie",
  "Alfie",
  "Ruby",
  "Theo",
  "Poppy",
];
const LAST = [
  "Bennett",
  "Hulme",
  "Bloor",
  "Salt",
  "Degg",
  "Machin",
  "Nowak",
  "Pickerill",
  "Wain",
  "Lovatt",
  "Beech",
  "Goodwin",
  "Plant",
  "Birks",
  "Podmore",
  "O'Neill",
  "Shah",
  "Evans",
  "Hughes",
  "Turner",
];

function upn(serial: number, school: string): string {
  const body = `860${school}${String(serial).padStart(5, "0")}`;
  return upnCheckLetter(body) + body;
}

type Row = { upn: string; first: string; last: string; year: number; reg: string };

function rowsFor(n: number, school: string): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    upn: upn(i, school),
    first: FIRST[i % FIRST.length],
    last: `${LAST[Math.floor(i / FIRST.length) % LAST.length]}`,
    year: 7 + (i % 5),
    reg: `${7 + (i % 5)}${"ABCD"[i % 4]}`,
  }));
}

function csvFor(rows: Row[]): Uint8Array {
  const lines = [
    "UPN,Legal Surname,Legal Forename,Preferred Forename,Year,Reg Group",
    ...rows.map((r) => `${r.upn},${r.last},${r.first},,Year ${r.year},${r.reg}`),
  ];
  return new TextEncoder().encode(lines.join("\r\n") + "\r\n");
}

export async function main() {
  const benchUrl = await freshDatabase(DB_NAME);
  process.env.DATABASE_URL = benchUrl;
  process.env.LOG_LEVEL ??= "silent";
  await applyMigrations(benchUrl);

  const { db, disconnectDb } = await import("../app/db/client.server.ts");
  const { previewClassImport, runClassImport } = await import("../app/models/class-import.server.ts");
  const raw = new pg.Client({ connectionString: benchUrl });
  await raw.connect();

  try {
    const school = await db().organisation.create({
      data: { name: "Bench Academy", kind: "SCHOOL", status: "APPROVED", districtCode: "E07000192" },
      select: { id: true, name: true },
    });
    const teacher = await db().user.create({
      data: {
        email: "bench.teacher@example.org",
        firstName: "Bench",
        lastName: "Teacher",
        memberships: { create: { organisationId: school.id, role: "TEACHER" } },
      },
      select: { id: true },
    });
    const actor = {
      userId: teacher.id,
      displayName: "Bench Teacher",
      memberships: [
        {
          organisationId: school.id,
          organisationName: school.name,
          organisationKind: "SCHOOL" as const,
          role: "TEACHER" as const,
        },
      ],
    };
    let classNo = 0;
    const newClass = () =>
      db().cohort.create({
        data: {
          organisationId: school.id,
          name: `Bench ${++classNo}`,
          yearGroup: 9,
          academicYear: 2026,
          teacherId: teacher.id,
        },
        select: { id: true },
      });

    async function timedImport(rows: Row[]) {
      const cohort = await newClass();
      const bytes = csvFor(rows);
      const t0 = performance.now();
      const preview = await previewClassImport(actor, cohort.id, bytes);
      const t1 = performance.now();
      if (!preview.ok) throw new Error(preview.problems.join(" "));
      if (preview.summary.newPupils !== rows.length)
        throw new Error(
          `expected ${rows.length} new pupils, preview says ${preview.summary.newPupils} (invalid: ${preview.summary.invalid.length})`,
        );
      const result = await runClassImport(preview.importId, { from: ["preview"] });
      const t2 = performance.now();
      if (result.created !== rows.length) throw new Error(`created ${result.created} of ${rows.length}`);
      return { dryRunMs: t1 - t0, importMs: t2 - t1 };
    }

    async function timedRaw(rows: Row[]) {
      const cohort = await newClass();
      const t0 = performance.now();
      await raw.query("BEGIN");
      const params: unknown[] = [];
      const values = rows.map((r, i) => {
        params.push(`raw${i}x${r.upn.toLowerCase()}`, r.first, r.last, r.upn, r.year);
        const b = i * 5;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, now())`;
      });
      const users = await raw.query<{ id: string }>(
        `INSERT INTO users (username, first_name, last_name, upn, year_group, updated_at) VALUES ${values.join(",")} RETURNING id`,
        params,
      );
      const ids = users.rows.map((u) => u.id);
      await raw.query(
        `INSERT INTO memberships (user_id, organisation_id, role) VALUES ${ids.map((_, i) => `($${i + 2}, $1, 'PUPIL')`).join(",")}`,
        [school.id, ...ids],
      );
      await raw.query(
        `INSERT INTO cohort_members (cohort_id, user_id) VALUES ${ids.map((_, i) => `($1, $${i + 2})`).join(",")}`,
        [cohort.id, ...ids],
      );
      await raw.query("COMMIT");
      return performance.now() - t0;
    }

    // Warm-up (JIT, connection pools, plan caches), not reported.
    await timedImport(rowsFor(50, "0001"));
    await timedRaw(rowsFor(50, "0002"));

    const figures: Record<number, { dryRunMs: number; importMs: number; rawMs: number }> = {};
    let school4 = 10;
    for (const n of [1000, 5000]) {
      const rawMs = await timedRaw(rowsFor(n, String(++school4).padStart(4, "0")));
      const { dryRunMs, importMs } = await timedImport(rowsFor(n, String(++school4).padStart(4, "0")));
      figures[n] = { dryRunMs, importMs, rawMs };
      console.log(
        `${n.toLocaleString("en-GB").padStart(5)} rows: dry run ${dryRunMs.toFixed(0)} ms; import (parse + validate + match + write) ${importMs.toFixed(0)} ms; ` +
          `raw multi-row INSERT ${rawMs.toFixed(0)} ms; ratio ${(importMs / rawMs).toFixed(2)}×; dry run + import ${(dryRunMs + importMs).toFixed(0)} ms`,
      );
    }
    const big = figures[5000];
    const ratio = big.importMs / big.rawMs;
    const pass = big.importMs < GOAL_MS && ratio <= GOAL_RATIO;
    console.log(
      JSON.stringify({
        bench: "enrol",
        value: Math.round(big.importMs),
        unit: "ms",
        baseline: Math.round(big.rawMs),
        ratio: Math.round(ratio * 100) / 100,
        goal: `5,000-row import < ${GOAL_MS} ms and <= ${GOAL_RATIO}x the raw multi-row INSERT`,
        pass,
      }),
    );
  } finally {
    await raw.end();
    await disconnectDb();
    await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  }
}
