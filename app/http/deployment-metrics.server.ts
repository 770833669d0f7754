/**
 * Figures about the whole deployment rather than this process, read at scrape time by whichever
 * web process answers /metrics (never added up over a cluster): each BullMQ queue's job counts,
 * the outbox's oldest undone row and each job schedule's last run (app/jobs/health.server.ts,
 * from Postgres), emails sent and failed (counted in Redis by the email worker) and the worker
 * processes' heartbeats. Each source is bounded in time; one that fails or is slow reports
 * `dst_metrics_source_up{source} 0` and leaves its figures out instead of failing the scrape.
 */
import { Queue } from "bullmq";
import { Counter, Gauge, Registry } from "prom-client";
import { QUEUES } from "~/jobs/definitions.ts";
import { readEmailCounts } from "~/jobs/email-counts.server.ts";
import { outboxHealth, scheduleHealth } from "~/jobs/health.server.ts";
import { queuePrefix } from "~/jobs/queues.server.ts";
import { readHeartbeats } from "~/jobs/worker-heartbeat.server.ts";
import { probe } from "~/utils/health.server.ts";
import { connectRedis, redis } from "~/utils/redis.server.ts";

export const SCRAPE_SOURCE_TIMEOUT_MS = 1_000;
const QUEUE_STATES = ["waiting", "active", "failed", "delayed"] as const;

/** One registry per source, so a source that failed is left out of the answer, not shown as 0. */
const registries = {
  queues: new Registry(),
  outbox: new Registry(),
  schedules: new Registry(),
  emails: new Registry(),
  workers: new Registry(),
};
type Source = keyof typeof registries;
const upRegistry = new Registry();

const queueJobs = new Gauge({
  name: "dst_queue_jobs",
  help: "Jobs in each BullMQ queue, by state",
  labelNames: ["queue", "state"] as const,
  registers: [registries.queues],
});
const outboxUndone = new Gauge({
  name: "dst_outbox_undone_rows",
  help: "Outbox rows due and not yet done",
  registers: [registries.outbox],
});
const outboxAge = new Gauge({
  name: "dst_outbox_oldest_undone_age_seconds",
  help: "How long the oldest due outbox row has waited; 0 when none waits",
  registers: [registries.outbox],
});
const scheduleAge = new Gauge({
  name: "dst_job_schedule_last_run_age_seconds",
  help: "Time since each job schedule last ran (since declared, if never)",
  labelNames: ["schedule"] as const,
  registers: [registries.schedules],
});
const scheduleLate = new Gauge({
  name: "dst_job_schedule_late",
  help: "1 when a job schedule has missed a run (older than its own threshold)",
  labelNames: ["schedule"] as const,
  registers: [registries.schedules],
});
const emails = new Counter({
  name: "dst_emails_total",
  help: "Email job attempts by outcome, over all worker processes (failed: an attempt that threw, retried or given up)",
  labelNames: ["outcome"] as const,
  registers: [registries.emails],
});
const workerProcesses = new Gauge({
  name: "dst_worker_processes",
  help: "Worker processes with a fresh heartbeat (alive), and those of them ready",
  labelNames: ["state"] as const,
  registers: [registries.workers],
});
const sourceUp = new Gauge({
  name: "dst_metrics_source_up",
  help: "1 when a source of these figures answered within its time at this scrape",
  labelNames: ["source"] as const,
  registers: [upRegistry],
});

let queues: Queue[] | undefined;
/** Queue handles on the web's fail-fast Redis handle; created at the first scrape. */
function queueHandles(): Queue[] {
  return (queues ??= QUEUES.map((name) => {
    const queue = new Queue(name, { connection: redis(), prefix: queuePrefix() });
    queue.on("error", () => undefined);
    return queue;
  }));
}

async function readyRedis() {
  if (!(await connectRedis(SCRAPE_SOURCE_TIMEOUT_MS))) throw new Error("redis unavailable");
  return redis();
}

const SOURCES: Record<Source, () => Promise<void>> = {
  queues: async () => {
    await readyRedis();
    const counts = await Promise.all(queueHandles().map((queue) => queue.getJobCounts(...QUEUE_STATES)));
    queueJobs.reset();
    counts.forEach((count, i) =>
      QUEUE_STATES.forEach((state) => queueJobs.set({ queue: QUEUES[i], state }, count[state] ?? 0)),
    );
  },
  outbox: async () => {
    const outbox = await outboxHealth();
    outboxUndone.set(outbox.undone);
    outboxAge.set(outbox.oldestUndoneAgeMs / 1000);
  },
  schedules: async () => {
    const schedules = await scheduleHealth();
    scheduleAge.reset();
    scheduleLate.reset();
    for (const schedule of schedules) {
      if (schedule.ageMs !== null) scheduleAge.set({ schedule: schedule.id }, schedule.ageMs / 1000);
      scheduleLate.set({ schedule: schedule.id }, schedule.late ? 1 : 0);
    }
  },
  emails: async () => {
    const counts = await readEmailCounts(await readyRedis());
    emails.reset();
    for (const [outcome, count] of Object.entries(counts)) emails.inc({ outcome }, count);
  },
  workers: async () => {
    const beats = (await readHeartbeats(await readyRedis())).filter((entry) => entry.fresh);
    workerProcesses.set({ state: "alive" }, beats.length);
    workerProcesses.set({ state: "ready" }, beats.filter((entry) => entry.beat.ready).length);
  },
};

/** Reads every source in parallel; the figures of a source that failed are left out. */
export async function deploymentMetrics(): Promise<string> {
  const sources = Object.keys(SOURCES) as Source[];
  const statuses = await Promise.all(sources.map((source) => probe(SOURCES[source], SCRAPE_SOURCE_TIMEOUT_MS)));
  sources.forEach((source, i) => sourceUp.set({ source }, statuses[i] === "ok" ? 1 : 0));
  const texts = await Promise.all(
    [upRegistry, ...sources.filter((_, i) => statuses[i] === "ok").map((source) => registries[source])].map(
      (registry) => registry.metrics(),
    ),
  );
  return texts.join("\n");
}
