/**
 * /metrics against the real app, Redis, Postgres, email worker and an SMTP server the test
 * starts (decision 038): a request moves its route's counter and histogram under the route's
 * id, never its path; a queued job moves the queue counts; an email sent or failed through the
 * email worker (another process) moves the email counters; a worker heartbeat shows up, and the
 * worker host's probe reads it. Only the bearer token opens it (the loopback rule without a
 * token is unit-tested in app/http/metrics-access.test.ts).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { SCHEDULES } from "../../app/jobs/definitions.ts";
import { queuePrefix } from "../../app/jobs/queues.server.ts";
import { removeHeartbeat, writeHeartbeat } from "../../app/jobs/worker-heartbeat.server.ts";
import { startMailCatcher } from "../../scripts/mail-catcher.ts";
import { createSchoolWithAdmin } from "../support/factories.ts";
import { useTestServer } from "../support/http.ts";

vi.setConfig({ testTimeout: 60_000 });

const TOKEN = "metrics-test-token-0123456789abcdef-0123";
const server = useTestServer({ env: { METRICS_TOKEN: TOKEN } });

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true });
afterAll(() => redis.disconnect());

async function scrape(): Promise<string> {
  const response = await server.client().get("/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  return response.text;
}

/** The sum of every sample of `name` whose labels include `labels` (0 when there is none). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => have[key] === value)) sum += Number(match[3]);
  }
  return sum;
}

/** Scrapes until `read` gives `expected`: the request's own figures are recorded as its response closes. */
async function eventually(read: (text: string) => number, expected: number) {
  await vi.waitFor(async () => expect(read(await scrape())).toBe(expected), { timeout: 10_000, interval: 200 });
}

describe("who may read /metrics", () => {
  it("answers the app's 404 without the token or with a wrong one, even from loopback, and 200 with it", async () => {
    expect((await server.client().get("/metrics")).status).toBe(404);
    expect((await server.client().get("/metrics", { headers: { Authorization: `Bearer ${TOKEN}x` } })).status).toBe(
      404,
    );
    expect((await server.client().get("/metrics", { headers: { Authorization: `Basic ${TOKEN}` } })).status).toBe(404);
    const response = await server.client().get("/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});

describe("request metrics", () => {
  it("count two apprenticeships under one route label, never their ids, and unknown paths as unmatched", async () => {
    const route = { route: "routes/apprenticeships.$id", method: "GET" };
    const before = await scrape();
    const [first, second, invented] = [randomUUID(), randomUUID(), randomUUID()];
    expect((await server.client().get(`/apprenticeships/${first}`)).status).toBe(302); // signed out → sign in
    expect((await server.client().get(`/apprenticeships/${second}`)).status).toBe(302);
    expect((await server.client().get(`/no-such-page/${invented}`)).status).toBe(404);

    await eventually(
      (text) => sample(text, "http_requests_total", { ...route, status_class: "3xx" }),
      sample(before, "http_requests_total", { ...route, status_class: "3xx" }) + 2,
    );
    const after = await scrape();
    expect(sample(after, "http_request_duration_seconds_count", route)).toBe(
      sample(before, "http_request_duration_seconds_count", route) + 2,
    );
    expect(sample(after, "http_requests_total", { route: "unmatched", status_class: "4xx" })).toBe(
      sample(before, "http_requests_total", { route: "unmatched", status_class: "4xx" }) + 1,
    );
    for (const raw of [first, second, invented, "no-such-page"]) expect(after).not.toContain(raw);
  });

  it("include the event-loop delay and the Postgres pool in use", async () => {
    await createSchoolWithAdmin();
    await server.client().post("/login", { identifier: "nobody@example.org", password: "not-a-password-1" });
    const text = await scrape();
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
    expect(sample(text, "dst_pg_pool_connections")).toBeGreaterThan(0);
    expect(sample(text, "dst_pg_pool_max_connections")).toBeGreaterThan(0);
  });
});

describe("deployment metrics", () => {
  it("count a queued job by queue and state", async () => {
    const queue = new Queue("reports", { connection: redis, prefix: queuePrefix() });
    try {
      const before = await scrape();
      await queue.add("metrics-test", { n: 1 });
      await queue.add("metrics-test-later", { n: 2 }, { delay: 60_000 });
      const after = await scrape();
      expect(sample(after, "dst_queue_jobs", { queue: "reports", state: "waiting" })).toBe(
        sample(before, "dst_queue_jobs", { queue: "reports", state: "waiting" }) + 1,
      );
      expect(sample(after, "dst_queue_jobs", { queue: "reports", state: "delayed" })).toBe(
        sample(before, "dst_queue_jobs", { queue: "reports", state: "delayed" }) + 1,
      );
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it("count emails sent and failed by the email worker in its own process", async () => {
    const working = await startMailCatcher({ port: 0 });
    const failing = await startMailCatcher({ port: 0, failRate: 1 });
    try {
      const before = await scrape();
      const { admin } = await createSchoolWithAdmin();
      expect((await server.client().post("/forgot-password", { email: admin.email! })).status).toBe(200);
      expect(await runEmailJobs(working.url)).toMatchObject({ completed: 1, failed: [] });
      expect(working.messages()).toHaveLength(1);

      const other = await createSchoolWithAdmin();
      expect((await server.client().post("/forgot-password", { email: other.admin.email! })).status).toBe(200);
      expect(await runEmailJobs(failing.url)).toMatchObject({ completed: 0, failed: [expect.stringContaining("451")] });

      const after = await scrape();
      expect(sample(after, "dst_emails_total", { outcome: "sent" })).toBe(
        sample(before, "dst_emails_total", { outcome: "sent" }) + 1,
      );
      expect(sample(after, "dst_emails_total", { outcome: "failed" })).toBe(
        sample(before, "dst_emails_total", { outcome: "failed" }) + 1,
      );
      // The failed one waits for its retry: the outbox still holds it undone.
      expect(sample(after, "dst_outbox_undone_rows")).toBeGreaterThanOrEqual(1);
    } finally {
      await working.close();
      await failing.close();
    }
  }, 180_000); // two worker processes start here; on a busy shared machine each can take half a minute

  it("give every job schedule's state, and say every source answered", async () => {
    const text = await scrape();
    for (const schedule of SCHEDULES) expect(text).toContain(`dst_job_schedule_late{schedule="${schedule.id}"}`);
    for (const source of ["queues", "outbox", "schedules", "emails", "workers"])
      expect(sample(text, "dst_metrics_source_up", { source })).toBe(1);
  });

  it("count a worker's fresh heartbeat, which the worker host's probe also reads", async () => {
    await writeHeartbeat(redis, { at: Date.now(), ready: true, postgres: "ok", workers: { email: true } });
    const text = await scrape();
    expect(sample(text, "dst_worker_processes", { state: "alive" })).toBe(1);
    expect(sample(text, "dst_worker_processes", { state: "ready" })).toBe(1);
    // This test process wrote it, as "<this host>:<pid>": the probe on this host finds it.
    expect(await runProbe()).toBe(0);
    await removeHeartbeat(redis);
    expect(await runProbe()).toBe(1);
    expect(sample(await scrape(), "dst_worker_processes", { state: "alive" })).toBe(0);
  });
});

/** Runs a script in a process of its own, asynchronously: the mail catchers and the app live in this one. */
async function run(script: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, NODE_ENV: "development", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, out };
}

async function runEmailJobs(catcherUrl: string): Promise<{ completed?: number; failed?: string[] }> {
  const { out } = await run("tests/support/run-email-jobs.ts", { MAIL_CATCHER_URL: catcherUrl });
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as { completed?: number; failed?: string[] };
}

async function runProbe(): Promise<number | null> {
  return (await run("workers/probe.ts")).code;
}
