/**
 * `npm run bench -- reminders`:
 * 1. generates 100,000 apprentices, all due an OTJ reminder (set-based SQL, bench_reminders DB);
 * 2. baseline: raw BullMQ addBulk of 100,000 trivial jobs in chunks of 1,000;
 * 3. the daily sweep: select who is due (set-based SQL + the pure rules) and enqueue one job per
 *    person with addBulk in chunks of 1,000;
 * 4. the reminders worker's send rate to a local SMTP sink (mail catcher) for 2,000 emails;
 * 5. react-email render time per email (p50, p99 over 1,000 renders, NODE_ENV=production).
 * Goals: the sweep enqueues 100,000 in under 20 s and at no less than a quarter of the raw
 * addBulk rate (ratio sweep/raw ≤ 4); render p50 under 5 ms.
 * Queues live under a private prefix, obliterated afterwards; the database is dropped.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { applyMigrations } from "../app/db/migrate.server.ts";
import { admin, freshDatabase, productionEnv } from "./support.ts";

const DB_NAME = "bench_reminders";
const LEARNERS = Number(process.env.BENCH_LEARNERS ?? 100_000);
const SEND_SAMPLE = Number(process.env.BENCH_SEND_SAMPLE ?? 2_000);
const RENDERS = 1_000;
const CHUNK = 1_000;
const GOAL_SWEEP_S = 20;
const GOAL_RATIO = 4;
const GOAL_RENDER_P50_MS = 5;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export async function main() {
  // React's production build and the app's production checks, as in the deployed worker.
  Object.assign(process.env, productionEnv(), {
    UNSUBSCRIBE_SECRET: process.env.UNSUBSCRIBE_SECRET ?? randomBytes(32).toString("hex"),
  });
  process.env.LOG_LEVEL ??= "silent";
  process.env.REDIS_PREFIX = `bench:reminders:${randomBytes(3).toString("hex")}:`;
  const benchUrl = await freshDatabase(DB_NAME);
  process.env.DATABASE_URL = benchUrl;
  await applyMigrations(benchUrl);

  const { Queue, QueueEvents } = await import("bullmq");
  const { disconnectDb } = await import("../app/db/client.server.ts");
  const { queuePrefix } = await import("../app/jobs/queues.server.ts");
  const { todayInEngland } = await import("../app/domain/dates.ts");
  const { londonInstant, isoWeek, reminderJobId } = await import("../app/domain/reminders.ts");
  const { renderEmail } = await import("../app/mail/render.server.ts");
  const { createMailTransport } = await import("../app/mail/transport.server.ts");
  const { startMailCatcher } = await import("../scripts/mail-catcher.ts");
  const { closeConnection, workerConnection } = await import("../workers/connection.ts");
  const { runSweep } = await import("../workers/reminder-sweep.ts");
  const { createRemindersWorker } = await import("../workers/reminders-worker.ts");

  const raw = new pg.Client({ connectionString: benchUrl });
  await raw.connect();
  const connection = workerConnection("bench-reminders");
  const prefix = queuePrefix();
  const queues: Array<{ obliterate: (o: { force: boolean }) => Promise<void>; close: () => Promise<void> }> = [];
  const queue = (name: string) => {
    const q = new Queue(name, { connection, prefix });
    queues.push(q);
    return q;
  };

  try {
    // ── 1. data: LEARNERS apprentices, started 30 days ago, no OTJ logged ──
    let t = performance.now();
    const [employer] = (
      await raw.query(
        `INSERT INTO organisations (name, kind, status, district_code, updated_at) VALUES ('Bench Employer Ltd', 'EMPLOYER', 'APPROVED', 'E07000197', now()) RETURNING id`,
      )
    ).rows;
    const [provider] = (
      await raw.query(
        `INSERT INTO organisations (name, kind, status, district_code, updated_at) VALUES ('Bench University', 'PROVIDER', 'APPROVED', 'E07000197', now()) RETURNING id`,
      )
    ).rows;
    const [standard] = (
      await raw.query(
        `INSERT INTO standards (reference, title, level, otj_minimum_hours) VALUES ('ST0120', 'Digital support technician', 3, 300) RETURNING id`,
      )
    ).rows;
    await raw.query(
      `INSERT INTO users (email, first_name, last_name, updated_at) SELECT 'learner' || g || '@bench.example.org', 'Bench', 'Learner' || g, now() FROM generate_series(1, $1::int) g`,
      [LEARNERS],
    );
    await raw.query(
      `INSERT INTO memberships (user_id, organisation_id, role) SELECT id, $1::uuid, 'APPRENTICE' FROM users`,
      [employer.id],
    );
    await raw.query(
      `INSERT INTO apprenticeships (apprentice_id, employer_id, provider_id, standard_id, start_date, planned_end_date, contracted_weekly_hours, otj_regime, planned_otj_hours, updated_at)
       SELECT id, $1::uuid, $2::uuid, $3::uuid, current_date - 30, current_date + 370, 37.5, 'STANDARD_MINIMUM', 300, now() FROM users`,
      [employer.id, provider.id, standard.id],
    );
    await raw.query("ANALYZE");
    console.log(
      `generated ${LEARNERS.toLocaleString("en-GB")} apprentices due a reminder in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    // ── 2. baseline: raw addBulk of trivial jobs ──
    const rawQueue = queue("bench-raw");
    t = performance.now();
    for (let i = 0; i < LEARNERS; i += CHUNK) {
      await rawQueue.addBulk(
        Array.from({ length: Math.min(CHUNK, LEARNERS - i) }, (_, j) => ({ name: "trivial", data: { i: i + j } })),
      );
    }
    const rawS = (performance.now() - t) / 1000;
    console.log(
      `raw addBulk: ${LEARNERS.toLocaleString("en-GB")} trivial jobs in ${rawS.toFixed(2)} s (${Math.round(LEARNERS / rawS).toLocaleString("en-GB")} jobs/s)`,
    );
    await rawQueue.obliterate({ force: true });

    // ── 3. the sweep ──
    const now = londonInstant(todayInEngland(), 10);
    const reminders = queue("reminders");
    t = performance.now();
    const sweep = await runSweep("daily", { queue: reminders, now });
    const sweepS = (performance.now() - t) / 1000;
    const waiting = await reminders.getWaitingCount();
    console.log(
      `sweep: ${sweep.enqueued.toLocaleString("en-GB")} reminders selected and enqueued in ${sweepS.toFixed(2)} s (${Math.round(sweep.enqueued / sweepS).toLocaleString("en-GB")} jobs/s); ${waiting.toLocaleString("en-GB")} waiting in Redis (select ${(sweep.selectMs / 1000).toFixed(2)} s, enqueue ${(sweep.enqueueMs / 1000).toFixed(2)} s)`,
    );
    t = performance.now();
    const again = await runSweep("daily", { queue: reminders, now });
    console.log(
      `sweep again: ${again.enqueued.toLocaleString("en-GB")} offered, ${(await reminders.getWaitingCount()).toLocaleString("en-GB")} waiting (BullMQ deduped by job id) in ${((performance.now() - t) / 1000).toFixed(2)} s`,
    );
    await reminders.obliterate({ force: true });

    // ── 4. send rate to a local SMTP sink ──
    const catcher = await startMailCatcher({ port: 0 });
    const transport = createMailTransport(catcher.url);
    const period = isoWeek(todayInEngland(now));
    const sample = (await raw.query(`SELECT id::text AS id FROM users ORDER BY email LIMIT $1`, [SEND_SAMPLE]))
      .rows as { id: string }[];
    await reminders.addBulk(
      sample.map((u) => ({
        name: "reminder.send",
        data: { userId: u.id, kind: "otj-reminder", period },
        opts: { jobId: reminderJobId(u.id, "otj-reminder", period), removeOnComplete: true },
      })),
    );
    const events = new QueueEvents("reminders", { connection: workerConnection("bench-events"), prefix });
    await events.waitUntilReady();
    let completed = 0;
    let failed = 0;
    const allDone = new Promise<void>((resolve) => {
      const check = () => completed + failed >= SEND_SAMPLE && resolve();
      events.on("completed", () => (completed++, check()));
      events.on("failed", () => (failed++, check()));
    });
    t = performance.now();
    const worker = createRemindersWorker({
      connection: workerConnection("bench-worker"),
      prefix,
      transport,
      appUrl: "https://digitalskills.staffordshire.example",
      now: () => now,
      concurrency: 8,
    });
    await allDone;
    const sendS = (performance.now() - t) / 1000;
    await worker.close();
    await events.close();
    console.log(
      `send: ${catcher.messages().length.toLocaleString("en-GB")} emails (${failed} failed) rendered, sent and logged in ${sendS.toFixed(2)} s = ${(SEND_SAMPLE / sendS).toFixed(0)} emails/s (concurrency 8, 3 pooled SMTP connections)`,
    );
    transport.close();
    await catcher.close();
    await reminders.obliterate({ force: true });

    // ── 5. render time ──
    const props = {
      firstName: "Jordan",
      reasons: ["no-recent-otj" as const],
      rag: "amber" as const,
      actualHours: 12.5,
      requiredHours: 20,
      plannedHours: 300,
      daysSinceOtj: 16,
      hadAnyOtj: true,
      logUrl: "https://digitalskills.staffordshire.example/log",
      unsubscribeUrl: "https://digitalskills.staffordshire.example/unsubscribe/x",
    };
    for (let i = 0; i < 50; i++) await renderEmail("apprentice-otj-reminder", props);
    const times: number[] = [];
    for (let i = 0; i < RENDERS; i++) {
      const s = performance.now();
      await renderEmail("apprentice-otj-reminder", { ...props, actualHours: i % 40 });
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    const p50 = percentile(times, 50);
    const p99 = percentile(times, 99);
    console.log(
      `render (HTML + plain text, NODE_ENV=production): p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms over ${RENDERS} renders`,
    );

    const ratio = sweepS / rawS;
    const pass =
      sweep.enqueued === LEARNERS && sweepS < GOAL_SWEEP_S && ratio <= GOAL_RATIO && p50 < GOAL_RENDER_P50_MS;
    console.log(
      JSON.stringify({
        bench: "reminders",
        value: Number(sweepS.toFixed(2)),
        unit: "s",
        baseline: Number(rawS.toFixed(2)),
        ratio: Number(ratio.toFixed(2)),
        goal: `sweep of ${LEARNERS} < ${GOAL_SWEEP_S} s and ≤ ${GOAL_RATIO}× raw addBulk; render p50 < ${GOAL_RENDER_P50_MS} ms (p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms; send ${(SEND_SAMPLE / sendS).toFixed(0)}/s)`,
        pass,
      }),
    );
  } finally {
    for (const q of queues) {
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    await closeConnection(connection);
    await raw.end();
    await disconnectDb();
    await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  }
}
