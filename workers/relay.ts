/**
 * The outbox relay: hands rows written by the web app (app/jobs/outbox.server.ts) to BullMQ.
 *
 * Each poll claims a small batch of rows that are due and not done, and either never handed
 * over or handed over longer than the lease ago, with `FOR UPDATE SKIP LOCKED` inside one
 * Postgres transaction; adds one job per row (job id = outbox id, data `{ outboxId }`; BullMQ
 * ignores a second add with an id it still holds), stamps the rows dispatched and commits. The
 * handler marks a row done when its job finishes (decision 027). So:
 * - two relays never claim the same row (the second skips locked rows), nor a row whose
 *   handler is running (the handler holds its lock);
 * - a crash between the add and the commit leaves the row undispatched; the next poll adds it
 *   again and BullMQ dedupes by job id;
 * - a job Redis lost (restarted without persistence, a failover) is added again once the
 *   lease runs out, and the handler's notification_log key keeps it to one email;
 * - while Redis is down the relay does not claim anything: rows wait in Postgres, nothing is
 *   lost, and the outage is logged once, not on every poll.
 */
import { Queue, type Job, type Worker } from "bullmq";
import type { Redis } from "ioredis";
import { db } from "~/db/client.server.ts";
import { OUTBOX_TOPICS, type OutboxJobData, type QueueName } from "~/jobs/definitions.ts";
import { markOutboxDone, outboxLeaseMs } from "~/jobs/outbox.server.ts";
import { OUTBOX_JOB_OPTIONS, queuePrefix } from "~/jobs/queues.server.ts";
import { logger } from "~/utils/logger.server.ts";
import { closeConnection, producerConnection } from "./connection.ts";

const log = logger.child({ component: "relay" });

/** A topic the relay does not know is parked for an hour (a newer web app than worker?). */
const UNKNOWN_TOPIC_RETRY_MS = 60 * 60 * 1000;
const ADD_TIMEOUT_MS = 5_000;
const STARTUP_GRACE_MS = 5_000;

export type RelayOptions = {
  /** Producer connection; created from REDIS_URL or Sentinel when omitted (and then closed by stop()). */
  connection?: Redis;
  prefix?: string;
  batchSize?: number;
  intervalMs?: number;
  /** Hand a row over again when it is not done this long after (OUTBOX_LEASE_SECONDS by default). */
  leaseMs?: number;
};

export type RelayResult = { dispatched: number; redisDown: boolean };

export type Relay = {
  /** One poll: claim, enqueue, mark. What the loop runs; tests call it directly. */
  relayOnce(): Promise<RelayResult>;
  /** Starts polling every intervalMs (the worker process does this). */
  start(): void;
  /** Stops polling, waits for the poll in flight, closes queues (and the connection it made). */
  stop(): Promise<void>;
};

type ClaimedRow = { id: string; topic: string; handed_before: boolean };

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function createRelay(options: RelayOptions = {}): Relay {
  const ownsConnection = !options.connection;
  const connection = options.connection ?? producerConnection("relay");
  const prefix = options.prefix ?? queuePrefix();
  const batchSize = options.batchSize ?? 20;
  const intervalMs = options.intervalMs ?? 500;
  const leaseMs = options.leaseMs ?? outboxLeaseMs();
  const queues = new Map<QueueName, Queue>();
  let outage = false;
  // A connection still making its first connect is not an outage: stay quiet for a moment.
  let everReady = connection.status === "ready";
  const createdAt = Date.now();
  connection.on("ready", () => (everReady = true));
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  let stopped = false;

  function queueFor(name: QueueName): Queue {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection, prefix });
      queue.on("error", (error) => log.debug({ queue: name, err: error.message }, "queue error"));
      queues.set(name, queue);
    }
    return queue;
  }

  function noteOutage(error?: unknown) {
    if (!outage) {
      outage = true;
      log.warn(
        { err: error instanceof Error ? error.message : undefined },
        "Redis unavailable: outbox rows stay in Postgres until it is back",
      );
    }
  }

  async function relayOnce(): Promise<RelayResult> {
    if (connection.status !== "ready") {
      if (everReady || Date.now() - createdAt > STARTUP_GRACE_MS) noteOutage();
      return { dispatched: 0, redisDown: true };
    }
    let failed = false;
    const dispatched = await db().$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<ClaimedRow[]>`
          SELECT id::text AS id, topic, dispatched_at IS NOT NULL AS handed_before
          FROM outbox_messages
          WHERE done_at IS NULL AND available_at <= now()
            AND (dispatched_at IS NULL OR dispatched_at <= now() - ${leaseMs}::int * interval '1 millisecond')
          ORDER BY available_at, id
          LIMIT ${batchSize}
          FOR UPDATE SKIP LOCKED`;
        const done: string[] = [];
        for (const row of rows) {
          const topic = OUTBOX_TOPICS[row.topic as keyof typeof OUTBOX_TOPICS];
          if (!topic) {
            log.error({ outboxId: row.id, topic: row.topic }, "outbox row with an unknown topic; parked for an hour");
            await tx.$executeRaw`
              UPDATE outbox_messages
              SET available_at = ${new Date(Date.now() + UNKNOWN_TOPIC_RETRY_MS)}, attempts = attempts + 1, last_error = ${`unknown topic ${row.topic}`}
              WHERE id = ${row.id}::uuid`;
            continue;
          }
          const data: OutboxJobData = { outboxId: row.id };
          try {
            await withTimeout(
              queueFor(topic.queue).add(row.topic, data, { ...OUTBOX_JOB_OPTIONS, jobId: row.id }),
              ADD_TIMEOUT_MS,
              "queue add",
            );
            done.push(row.id);
          } catch (error) {
            // Redis went away mid-batch: keep what was added, leave the rest for the next poll.
            failed = true;
            noteOutage(error);
            await tx.$executeRaw`
              UPDATE outbox_messages SET attempts = attempts + 1, last_error = ${error instanceof Error ? error.message.slice(0, 500) : "enqueue failed"}
              WHERE id = ${row.id}::uuid`;
            break;
          }
        }
        const again = rows.filter((row) => row.handed_before && done.includes(row.id)).length;
        // Usually a no-op (Redis still holds the job, a long queue); many at once after Redis lost its data.
        if (again > 0) log.info({ rows: again, leaseMs }, "outbox rows not done within their lease handed over again");
        if (done.length > 0) {
          await tx.$executeRaw`
            UPDATE outbox_messages SET dispatched_at = now(), attempts = attempts + 1, last_error = NULL
            WHERE id = ANY(${done}::uuid[])`;
        }
        return done.length;
      },
      { timeout: 30_000, maxWait: 5_000 },
    );
    if (!failed && outage) {
      outage = false;
      log.info("Redis is back: relaying outbox rows again");
    }
    if (dispatched > 0) log.debug({ dispatched }, "outbox rows relayed");
    return { dispatched, redisDown: failed };
  }

  function schedule(delay: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = relayOnce()
        .then((result) => schedule(result.dispatched === batchSize ? 0 : intervalMs))
        .catch((error: unknown) => {
          log.error({ err: error instanceof Error ? error.message : String(error) }, "relay poll failed");
          schedule(intervalMs * 4);
        });
    }, delay);
  }

  return {
    relayOnce,
    start() {
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight.catch(() => undefined);
      await Promise.allSettled([...queues.values()].map((queue) => queue.close()));
      queues.clear();
      if (ownsConnection) await closeConnection(connection);
    },
  };
}

/**
 * The other end of the lease: an outbox job that fails for the last time (attempts used up, or
 * an UnrecoverableError) is marked done with its reason, so the relay stops handing it over;
 * the job stays in BullMQ's failed set for a manual retry, and `last_error` says why.
 */
export function markGivenUpOutboxJobs(worker: Worker): Worker {
  worker.on("failed", (job: Job | undefined, error: Error) => {
    const outboxId = (job?.data as Partial<OutboxJobData> | undefined)?.outboxId;
    // finishedOn is set only when BullMQ moves the job to the failed set, not on a retry.
    if (!job?.finishedOn || typeof outboxId !== "string") return;
    markOutboxDone(outboxId, { lastError: `gave up after ${job.attemptsMade} attempt(s): ${error.message}` }).catch(
      (failure: unknown) =>
        log.error(
          { outboxId, err: failure instanceof Error ? failure.message : String(failure) },
          "could not mark a given-up outbox row",
        ),
    );
  });
  return worker;
}
