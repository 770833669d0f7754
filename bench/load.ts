/**
 * `npm run bench -- load`: a mixed workload against the production build.
 *
 * 50 concurrent signed-in users, in the four groups of the product, for BENCH_DURATION_S
 * (default 60) seconds, all in one run so the latency figures cover the mix. A person reads a
 * page before the next click, so each user asks for a page every BENCH_PACE_S seconds (default
 * 2: brisker than anyone logging, verifying or reading a report); the goal is judged on that run
 * (docs/decisions/020-load-bench-user-model.md). A second run without pauses (autocannon: every
 * connection sends its next request the moment an answer arrives, for half as long) shows the
 * capacity and what queueing does past it. What each group does:
 * - 13 teachers: their class grid (30 pupils), the verification queue, home;
 * - 13 apprentices: the log form, a real POST /log of off-the-job learning (same-origin
 *   headers, a fresh client reference each time), their learning dashboard;
 * - 12 workplace supervisors: the employer inbox and the verification queue;
 * - 12 council officers: the reports list and a stored county report.
 * Beforehand, in the same run, a bare route (/healthz: one Postgres and one Redis ping) is
 * measured the same two ways with 50 users. The server runs in a child process
 * (bench/load-server.ts) whose event-loop delay is read over IPC for each phase.
 *
 * Data (its own database bench_load, dropped afterwards), moderate rather than the full county
 * of bench/report.ts (whose generator is not exported and takes minutes on this machine):
 * 40 schools × (a class of 30 + 150 other pupils), 24,000 pupil learning entries; 20 employers
 * × 20 apprentices with 40 off-the-job entries and 4 reviews each (16,000 entries); one stored
 * report snapshot built from all of it. Goal: zero errors, p99 < 300 ms (paced users).
 */
import { fork, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import autocannon from "autocannon";
import pg from "pg";
import { applyMigrations } from "../app/db/migrate.server.ts";
import { admin, ensureProductionBuild, freshDatabase, productionEnv, ROOT, serverNodeArgs } from "./support.ts";

const DB_NAME = "bench_load";
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 60);
const BARE_DURATION_S = Math.max(5, Math.round(DURATION_S / 4));
const SATURATION_DURATION_S = Math.max(5, Math.round(DURATION_S / 2));
const PACE_S = Number(process.env.BENCH_PACE_S ?? 2);
const GOAL_P99_MS = 300;
const COOKIE = "__Host-dst_session";
const GROUPS = { teacher: 13, apprentice: 13, supervisor: 12, council: 12 } as const;
type Group = keyof typeof GROUPS;

const id = (prefix: string, n: string) => `md5('${prefix}' || ${n})::uuid`;

/** Set-based generation; deterministic ids md5(prefix || n)::uuid. */
const GENERATE = [
  `INSERT INTO organisations (id, name, kind, status, district_code, approved_at, updated_at)
   SELECT ${id("school", "n")}, 'School ' || n, 'SCHOOL', 'APPROVED',
          (ARRAY['E07000192','E07000193','E07000194','E07000195','E07000196','E07000197','E07000198','E07000199','E06000021'])[(n % 9) + 1], now(), now()
   FROM generate_series(1, 40) n`,
  `INSERT INTO organisations (id, name, kind, status, district_code, approved_at, updated_at)
   SELECT ${id("employer", "n")}, 'Employer ' || n, 'EMPLOYER', 'APPROVED',
          (ARRAY['E07000192','E07000193','E07000194','E07000195','E07000196','E07000197','E07000198','E07000199','E06000021'])[(n % 9) + 1], now(), now()
   FROM generate_series(1, 20) n`,
  `INSERT INTO organisations (id, name, kind, status, district_code, approved_at, updated_at) VALUES
     (${id("provider", "'1'")}, 'University', 'PROVIDER', 'APPROVED', 'E07000197', now(), now()),
     (${id("council", "'1'")}, 'County council', 'COUNCIL', 'APPROVED', 'E07000197', now(), now())`,
  `INSERT INTO pathways (id, slug, title, audience, hours_min, hours_max, updated_at) VALUES (${id("pathway", "'1'")}, 'digital-foundations', 'Digital foundations', 'PUPIL', 10, 12, now())`,
  `INSERT INTO modules (id, uid, title, duration_minutes, levels, roles, products, url, updated_at)
   SELECT ${id("module", "i")}, 'learn.load-' || i, 'Module ' || i, 20 + i, ARRAY['beginner'], ARRAY['student'], ARRAY[]::text[], 'https://learn.microsoft.com/training/modules/load-' || i || '/', now()
   FROM generate_series(1, 10) i`,
  `INSERT INTO pathway_modules (pathway_id, module_id, position) SELECT ${id("pathway", "'1'")}, ${id("module", "i")}, i FROM generate_series(1, 10) i`,
  `INSERT INTO standards (id, reference, title, level, otj_minimum_hours) VALUES (${id("standard", "'1'")}, 'ST0120', 'Digital support technician', 3, 278)`,
  `INSERT INTO ksbs (standard_id, code, text) SELECT ${id("standard", "'1'")}, c, 'KSB ' || c FROM unnest(ARRAY['K1','K2','S1','S2','B1']) c`,
  // Staff: a teacher per school; an admin and a supervisor per employer; tutors; council officers.
  `INSERT INTO users (id, email, first_name, last_name, updated_at) SELECT ${id("teacher", "n")}, 'teacher' || n || '@load.example', 'Teacher', 'T' || n, now() FROM generate_series(1, 40) n`,
  `INSERT INTO memberships (user_id, organisation_id, role) SELECT ${id("teacher", "n")}, ${id("school", "n")}, 'TEACHER' FROM generate_series(1, 40) n`,
  `INSERT INTO users (id, email, first_name, last_name, updated_at) SELECT ${id("supervisor", "n")}, 'supervisor' || n || '@load.example', 'Supervisor', 'S' || n, now() FROM generate_series(1, 20) n`,
  `INSERT INTO memberships (user_id, organisation_id, role) SELECT ${id("supervisor", "n")}, ${id("employer", "n")}, 'WORKPLACE_SUPERVISOR' FROM generate_series(1, 20) n`,
  `INSERT INTO users (id, email, first_name, last_name, updated_at) SELECT ${id("tutor", "n")}, 'tutor' || n || '@load.example', 'Tutor', 'U' || n, now() FROM generate_series(1, 5) n`,
  `INSERT INTO memberships (user_id, organisation_id, role) SELECT ${id("tutor", "n")}, ${id("provider", "'1'")}, 'TUTOR' FROM generate_series(1, 5) n`,
  `INSERT INTO users (id, email, first_name, last_name, updated_at) SELECT ${id("officer", "n")}, 'officer' || n || '@load.example', 'Officer', 'O' || n, now() FROM generate_series(1, 12) n`,
  `INSERT INTO memberships (user_id, organisation_id, role) SELECT ${id("officer", "n")}, ${id("council", "'1'")}, 'COUNCIL_OFFICER' FROM generate_series(1, 12) n`,
  // Pupils: 180 per school; the first 30 are the teacher's class.
  `INSERT INTO users (id, username, first_name, last_name, year_group, updated_at)
   SELECT ${id("pupil", "n")}, 'pupil' || n, 'Pupil', 'P' || n, 7 + (n % 5), now() FROM generate_series(1, 7200) n`,
  `INSERT INTO memberships (user_id, organisation_id, role) SELECT ${id("pupil", "n")}, ${id("school", "((n - 1) / 180 + 1)")}, 'PUPIL' FROM generate_series(1, 7200) n`,
  `INSERT INTO cohorts (id, organisation_id, teacher_id, name, year_group, academic_year, updated_at)
   SELECT ${id("cohort", "n")}, ${id("school", "n")}, ${id("teacher", "n")}, '9L', 9, CASE WHEN extract(month FROM current_date) >= 8 THEN extract(year FROM current_date)::int ELSE extract(year FROM current_date)::int - 1 END, now()
   FROM generate_series(1, 40) n`,
  `INSERT INTO cohort_pathways (cohort_id, pathway_id) SELECT ${id("cohort", "n")}, ${id("pathway", "'1'")} FROM generate_series(1, 40) n`,
  `INSERT INTO cohort_members (cohort_id, user_id, joined_at)
   SELECT ${id("cohort", "((n - 1) / 180 + 1)")}, ${id("pupil", "n")}, now() - interval '60 days' FROM generate_series(1, 7200) n WHERE (n - 1) % 180 < 30`,
  `INSERT INTO enrolments (id, user_id, pathway_id, organisation_id, cohort_id, started_on, updated_at)
   SELECT ${id("enrolment", "n")}, ${id("pupil", "n")}, ${id("pathway", "'1'")}, ${id("school", "((n - 1) / 180 + 1)")},
          CASE WHEN (n - 1) % 180 < 30 THEN ${id("cohort", "((n - 1) / 180 + 1)")} END, current_date - 90, now()
   FROM generate_series(1, 7200) n`,
  `INSERT INTO progress_entries (learner_id, enrolment_id, kind, module_id, occurred_on, minutes, status, created_by_id, ksb_codes)
   SELECT ${id("pupil", "n")}, ${id("enrolment", "n")}, 'MODULE_COMPLETED', ${id("module", "k")}, current_date - (k * 5), 30,
          (CASE WHEN k < 3 THEN 'VERIFIED' ELSE 'PENDING' END)::entry_status, ${id("pupil", "n")}, ARRAY[]::text[]
   FROM generate_series(1, 7200) n, generate_series(1, 3) k`,
  `INSERT INTO progress_entries (learner_id, enrolment_id, kind, occurred_on, minutes, status, created_by_id, ksb_codes)
   SELECT ${id("pupil", "n")}, ${id("enrolment", "n")}, 'LEARNING_TIME', current_date - (n % 60), 25, 'VERIFIED', ${id("pupil", "n")}, ARRAY[]::text[]
   FROM generate_series(1, 7200) n`,
  // Apprentices: 20 per employer with tutor, supervisor, 40 OTJ entries and 4 reviews each.
  `INSERT INTO users (id, email, first_name, last_name, date_of_birth, updated_at)
   SELECT ${id("apprentice", "n")}, 'apprentice' || n || '@load.example', 'Apprentice', 'A' || n, date '2005-01-01' + n, now() FROM generate_series(1, 400) n`,
  `INSERT INTO memberships (user_id, organisation_id, role) SELECT ${id("apprentice", "n")}, ${id("employer", "((n - 1) / 20 + 1)")}, 'APPRENTICE' FROM generate_series(1, 400) n`,
  `INSERT INTO apprenticeships (id, apprentice_id, employer_id, provider_id, standard_id, tutor_id, supervisor_id, start_date, planned_end_date, contracted_weekly_hours, otj_regime, planned_otj_hours, updated_at)
   SELECT ${id("apprenticeship", "n")}, ${id("apprentice", "n")}, ${id("employer", "((n - 1) / 20 + 1)")}, ${id("provider", "'1'")}, ${id("standard", "'1'")},
          ${id("tutor", "(n % 5 + 1)")}, ${id("supervisor", "((n - 1) / 20 + 1)")}, current_date - 300, current_date + 300, 37.5, 'STANDARD_MINIMUM', 278, now()
   FROM generate_series(1, 400) n`,
  `INSERT INTO progress_entries (learner_id, apprenticeship_id, kind, occurred_on, minutes, activity_type, description, ksb_codes, at_work, status, created_by_id)
   SELECT ${id("apprentice", "n")}, ${id("apprenticeship", "n")}, 'OTJ_ACTIVITY', current_date - (k * 7), 120, 'workshop', 'Workshop ' || k, ARRAY['K1'], k % 2 = 0,
          (CASE WHEN k < 35 THEN 'VERIFIED' ELSE 'PENDING' END)::entry_status, ${id("apprentice", "n")}
   FROM generate_series(1, 400) n, generate_series(1, 40) k`,
  `INSERT INTO reviews (apprenticeship_id, sequence, due_on, held_on, status, apprentice_signed_at, employer_signed_at, tutor_signed_at, updated_at)
   SELECT ${id("apprenticeship", "n")}, s, current_date - 300 + s * 90, CASE WHEN s < 4 THEN current_date - 300 + s * 90 END,
          (CASE WHEN s < 3 THEN 'SIGNED' WHEN s = 3 THEN 'OPEN' ELSE 'SCHEDULED' END)::review_status,
          CASE WHEN s < 4 THEN now() END, CASE WHEN s < 3 THEN now() END, CASE WHEN s < 3 THEN now() END, now()
   FROM generate_series(1, 400) n, generate_series(1, 4) s`,
  `ANALYZE`,
];

type User = { group: Group; token: string; classId?: string; apprenticeshipId?: string };
type Context = { user?: User };

function todayIso(): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/London",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date());
}

function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; base: string }> {
  const child = fork(`${ROOT}bench/load-server.ts`, [], {
    cwd: ROOT,
    env,
    execArgv: [...serverNodeArgs(), "--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not start within 90 s")), 90_000);
    child.once("exit", (code) => reject(new Error(`the server exited (${code})`)));
    child.on("message", (m: { type: string; port?: number }) => {
      if (m.type === "listening") {
        clearTimeout(timer);
        resolve({ child, base: `http://127.0.0.1:${m.port}` });
      }
    });
  });
}

function lag(child: ChildProcess): Promise<{ p50: number; p99: number; max: number; mean: number }> {
  return new Promise((resolve) => {
    const onMessage = (m: { type: string; p50: number; p99: number; max: number; mean: number }) => {
      if (m.type !== "lag") return;
      child.off("message", onMessage);
      resolve(m);
    };
    child.on("message", onMessage);
    child.send({ type: "lag" });
  });
}

type Figures = {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  statuses: Record<string, number>;
  requests: number;
};

function figures(result: autocannon.Result): Figures {
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, (s as { count: number }).count]),
  );
  const bad = Object.entries(statuses)
    .filter(([code]) => Number(code) >= 400)
    .reduce((n, [, c]) => n + c, 0);
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + bad,
    statuses,
    requests: result.requests.total,
  };
}

type Step = { method: "GET" | "POST"; path: string; body?: string; headers?: Record<string, string> };

/**
 * People at a pace: each user asks for its next page PACE_S seconds after the previous one was
 * asked for (at once when an answer took longer than that), starts staggered across one pace.
 * autocannon cannot pace a connection below one request a second, hence this small loop.
 */
async function pacedRun<U>(
  users: U[],
  stepOf: (u: U, n: number) => Step,
  cookieOf: (u: U) => string | null,
  base: string,
  seconds: number,
  onStatus: (u: U, status: number) => void = () => {},
): Promise<Figures> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const until = Date.now() + seconds * 1000;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await Promise.all(
    users.map(async (u, i) => {
      await sleep((i * PACE_S * 1000) / users.length);
      for (let n = 0; Date.now() < until; n++) {
        const s = stepOf(u, n);
        const cookie = cookieOf(u);
        const started = performance.now();
        try {
          const r = await fetch(`${base}${s.path}`, {
            method: s.method,
            body: s.body,
            headers: { ...s.headers, ...(cookie ? { cookie } : {}) },
            redirect: "manual",
          });
          await r.arrayBuffer();
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          if (r.status >= 400) errors++;
          onStatus(u, r.status);
        } catch {
          errors++;
        }
        const took = performance.now() - started;
        latencies.push(took);
        await sleep(Math.max(0, PACE_S * 1000 - took));
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return {
    rps: Math.round(latencies.length / seconds),
    p50: at(0.5),
    p99: at(0.99),
    errors,
    statuses,
    requests: latencies.length,
  };
}

export async function main() {
  ensureProductionBuild();
  const url = await freshDatabase(DB_NAME);
  let server: ChildProcess | undefined;
  try {
    await applyMigrations(url);
    const started = Date.now();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      for (const sql of GENERATE) await c.query(sql);
    } finally {
      await c.end();
    }
    console.log(`data generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const redisPrefix = `bench:load:${process.pid}:`;
    process.env.DATABASE_URL = url;
    process.env.REDIS_PREFIX = redisPrefix;
    const { createSession, sessionPolicy } = await import("../app/auth/session.server.ts");
    const { buildSnapshot, periodOrNotFound } = await import("../app/models/reports.server.ts");
    const y = Number(todayIso().slice(0, 4)) - (Number(todayIso().slice(5, 7)) >= 8 ? 0 : 1);
    const snapshot = await buildSnapshot(
      periodOrNotFound("academic-year", `${y}/${String((y + 1) % 100).padStart(2, "0")}`),
      null,
    );

    // The same ids as Postgres' md5(text)::uuid, computed here (checked once against Postgres).
    const md5uuid = (prefix: string, n: number) => {
      const h = createHash("md5").update(`${prefix}${n}`).digest("hex");
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    };
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    const fromPostgres = (await check.query(`SELECT md5('teacher' || 1)::uuid::text AS id`)).rows[0].id as string;
    await check.end();
    if (md5uuid("teacher", 1) !== fromPostgres) throw new Error("md5 ids differ from Postgres'");

    const users: User[] = [];
    const policy = sessionPolicy(false);
    for (let i = 1; i <= GROUPS.teacher; i++)
      users.push({
        group: "teacher",
        token: (await createSession(md5uuid("teacher", i), policy)).token,
        classId: md5uuid("cohort", i),
      });
    for (let i = 1; i <= GROUPS.apprentice; i++) {
      const n = (i - 1) * 20 + 1; // one apprentice per employer
      users.push({
        group: "apprentice",
        token: (await createSession(md5uuid("apprentice", n), policy)).token,
        apprenticeshipId: md5uuid("apprenticeship", n),
      });
    }
    for (let i = 1; i <= GROUPS.supervisor; i++)
      users.push({ group: "supervisor", token: (await createSession(md5uuid("supervisor", i), policy)).token });
    for (let i = 1; i <= GROUPS.council; i++)
      users.push({ group: "council", token: (await createSession(md5uuid("officer", i), policy)).token });

    const started2 = await startServer({
      ...process.env,
      ...productionEnv(),
      DATABASE_URL: url,
      LOG_LEVEL: "silent",
      REDIS_PREFIX: redisPrefix,
    });
    const child = started2.child;
    server = child;
    const base = started2.base;

    // What each group does, step by step (every connection is one person and loops its steps).
    const today = todayIso();
    const steps: Record<
      Group,
      ((u: User) => { method: "GET" | "POST"; path: string; body?: string; headers?: Record<string, string> })[]
    > = {
      teacher: [
        (u) => ({ method: "GET", path: `/classes/${u.classId}` }),
        () => ({ method: "GET", path: "/verify" }),
        () => ({ method: "GET", path: "/" }),
      ],
      apprentice: [
        () => ({ method: "GET", path: "/log?kind=otj" }),
        (u) => ({
          method: "POST",
          path: "/log",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            origin: base,
            "sec-fetch-site": "same-origin",
          },
          body: new URLSearchParams({
            kind: "OTJ_ACTIVITY",
            clientRef: `load-${randomBytes(8).toString("hex")}`,
            apprenticeshipId: u.apprenticeshipId!,
            occurredOn: today,
            minutes: "30",
            activityType: "workshop",
            description: "Load test workshop on network basics",
            ksbCodes: "K1",
            atWork: "yes",
            evidenceUrl: "",
          }).toString(),
        }),
        () => ({ method: "GET", path: "/learning" }),
      ],
      supervisor: [
        () => ({ method: "GET", path: "/employer/inbox" }),
        () => ({ method: "GET", path: "/verify" }),
        () => ({ method: "GET", path: "/employer/inbox" }),
      ],
      council: [
        () => ({ method: "GET", path: "/reports" }),
        () => ({ method: "GET", path: `/reports/${snapshot.id}` }),
        () => ({ method: "GET", path: `/reports/${snapshot.id}` }),
      ],
    };

    // Sanity: every step answers as it should for its person before anything is measured.
    for (const group of Object.keys(steps) as Group[]) {
      const u = users.find((x) => x.group === group)!;
      for (const step of steps[group]) {
        const s = step(u);
        const r = await fetch(`${base}${s.path}`, {
          method: s.method,
          body: s.body,
          headers: { ...s.headers, cookie: `${COOKIE}=${u.token}` },
          redirect: "manual",
        });
        const ok =
          s.method === "POST"
            ? r.status === 303 && (r.headers.get("location") ?? "").includes("logged=")
            : r.status === 200;
        if (!ok)
          throw new Error(`${group} ${s.method} ${s.path} answered ${r.status} ${(await r.text()).slice(0, 300)}`);
      }
    }

    const connections = users.length;
    let next = 0;
    const byGroup: Record<Group, Record<string, number>> = { teacher: {}, apprentice: {}, supervisor: {}, council: {} };
    const request = (index: number): autocannon.Request =>
      ({
        method: "GET",
        path: "/",
        setupRequest: (req: autocannon.Request, context: Context) => {
          context.user ??= users[next++ % users.length];
          const u = context.user;
          const s = steps[u.group][index](u);
          return {
            ...req,
            method: s.method,
            path: s.path,
            body: s.body,
            headers: { ...s.headers, cookie: `${COOKIE}=${u.token}` },
          };
        },
        onResponse: (status: number, _body: string, context: Context) => {
          const g = byGroup[context.user!.group];
          g[status] = (g[status] ?? 0) + 1;
        },
      }) as autocannon.Request;

    // Warm-up, then the bare route, then the mix; event-loop delay reset before each phase.
    await autocannon({ url: base, connections: 8, duration: 3, requests: [request(0), request(1), request(2)] });
    next = 0;
    for (const group of Object.values(byGroup)) for (const status of Object.keys(group)) delete group[status];
    child.send({ type: "lag-reset" });
    const bare = await pacedRun(
      users,
      () => ({ method: "GET", path: "/healthz" }),
      () => null,
      base,
      BARE_DURATION_S,
    );
    const bareLag = await lag(child);
    child.send({ type: "lag-reset" });
    const bareSaturated = figures(await autocannon({ url: `${base}/healthz`, connections, duration: BARE_DURATION_S }));
    const bareSaturatedLag = await lag(child);
    child.send({ type: "lag-reset" });
    const countStatus = (u: User, status: number) => {
      byGroup[u.group][status] = (byGroup[u.group][status] ?? 0) + 1;
    };
    const mixed = await pacedRun(
      users,
      (u, n) => steps[u.group][n % 3](u),
      (u) => `${COOKIE}=${u.token}`,
      base,
      DURATION_S,
      countStatus,
    );
    const mixedLag = await lag(child);
    const pacedByGroup = structuredClone(byGroup);
    child.send({ type: "lag-reset" });
    const saturated = figures(
      await autocannon({
        url: base,
        connections,
        duration: SATURATION_DURATION_S,
        requests: [request(0), request(1), request(2)],
      }),
    );
    const saturatedLag = await lag(child);

    console.log(
      `\nload: ${connections} signed-in users (${Object.entries(GROUPS)
        .map(([g, n]) => `${n} ${g}s`)
        .join(
          ", ",
        )}), production build, ${BARE_DURATION_S} s bare, ${DURATION_S} s paced (a page every ${PACE_S} s per user), ${SATURATION_DURATION_S} s without pauses\n`,
    );
    console.log(
      "phase".padEnd(24),
      "req/s".padStart(7),
      "requests".padStart(9),
      "p50 ms".padStart(7),
      "p99 ms".padStart(7),
      "errors".padStart(7),
      "loop p50".padStart(9),
      "loop p99".padStart(9),
      "loop max".padStart(9),
    );
    const row = (name: string, f: Figures, l: { p50: number; p99: number; max: number }) =>
      console.log(
        name.padEnd(24),
        String(f.rps).padStart(7),
        String(f.requests).padStart(9),
        String(f.p50).padStart(7),
        String(f.p99).padStart(7),
        String(f.errors).padStart(7),
        `${l.p50} ms`.padStart(9),
        `${l.p99} ms`.padStart(9),
        `${l.max} ms`.padStart(9),
      );
    row(`/healthz, paced (${PACE_S} s)`, bare, bareLag);
    row(`mixed, paced (${PACE_S} s)`, mixed, mixedLag);
    row("/healthz, no pauses", bareSaturated, bareSaturatedLag);
    row("mixed, no pauses", saturated, saturatedLag);
    console.log("\nstatus codes by group (paced):", JSON.stringify(pacedByGroup));
    console.log("status codes by group (paced and unpaced):", JSON.stringify(byGroup));
    const posted = await (async () => {
      const c2 = new pg.Client({ connectionString: url });
      await c2.connect();
      try {
        return (
          await c2.query(
            `SELECT count(*)::int AS n FROM progress_entries WHERE description = 'Load test workshop on network basics'`,
          )
        ).rows[0].n as number;
      } finally {
        await c2.end();
      }
    })();
    console.log(`off-the-job entries logged during the run: ${posted}`);
    const pass = mixed.errors === 0 && saturated.errors === 0 && mixed.p99 < GOAL_P99_MS;
    console.log(
      `\nGoal: zero errors and p99 < ${GOAL_P99_MS} ms for 50 users with a page every ${PACE_S} s each: ${pass ? "met" : "NOT met"}.`,
    );
    console.log(
      JSON.stringify({
        bench: "load",
        value: mixed.p99,
        unit: "ms (p99, mixed workload, 50 users)",
        baseline: bare.p99,
        ratio: bare.p99 > 0 ? Math.round((mixed.p99 / bare.p99) * 100) / 100 : null,
        goal: `0 errors, p99 < ${GOAL_P99_MS}`,
        pass,
        rps: mixed.rps,
        p50: mixed.p50,
        errors: mixed.errors,
        eventLoopP99Ms: mixedLag.p99,
        eventLoopMaxMs: mixedLag.max,
        bareRps: bare.rps,
        bareP50: bare.p50,
        bareEventLoopP99Ms: bareLag.p99,
        durationS: DURATION_S,
        paceS: PACE_S,
        logged: posted,
        saturated: {
          rps: saturated.rps,
          p50: saturated.p50,
          p99: saturated.p99,
          errors: saturated.errors,
          eventLoopP99Ms: saturatedLag.p99,
          bareRps: bareSaturated.rps,
          bareP99: bareSaturated.p99,
        },
      }),
    );
  } finally {
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server!.once("exit", r));
    }
    const { disconnectDb } = await import("../app/db/client.server.ts");
    await disconnectDb().catch(() => {});
    await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  }
}
