/**
 * The set-up every queue worker shares, so each worker file holds only what its queue does:
 * - its own worker connection (workers/connection.ts: commands wait out a Redis restart), which
 *   the watchdog replaces wholesale and the caller closes (BullMQ leaves a caller's one open);
 * - the queue prefix (REDIS_PREFIX), a default concurrency the caller may lower or raise;
 * - failed jobs and worker errors logged under the worker's own component.
 * BullMQ's production guide: https://docs.bullmq.io/guide/going-to-production
 */
import { Worker, type Processor } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { QueueName } from "~/jobs/definitions.ts";
import { queuePrefix } from "~/jobs/queues.server.ts";
import { workerConnection } from "./connection.ts";

export type QueueWorkerOptions = {
  /** Worker connection (maxRetriesPerRequest: null). The caller closes it. */
  connection: Redis;
  prefix?: string;
  concurrency?: number;
};

type Definition<O extends QueueWorkerOptions> = {
  queue: QueueName;
  concurrency: number;
  log: Logger;
  /** The processor for these options, and what to release when the worker closes. */
  setup: (options: O) => { processor: Processor; onClosed?: () => void };
  /** Bookkeeping listeners (outbox rows given up, scheduled runs recorded), applied in order. */
  listeners?: ((worker: Worker, options: QueueWorkerOptions) => Worker)[];
};

export function defineWorker<O extends QueueWorkerOptions>({
  queue,
  concurrency,
  log,
  setup,
  listeners = [],
}: Definition<O>) {
  function create(options: O): Worker {
    const { processor, onClosed } = setup(options);
    const worker = new Worker(queue, processor, {
      connection: options.connection,
      prefix: options.prefix ?? queuePrefix(),
      concurrency: options.concurrency ?? concurrency,
      name: queue,
    });
    worker.on("failed", (job, error) =>
      log.warn(
        { jobId: job?.id, name: job?.name, attempt: job?.attemptsMade, err: error.message },
        `${queue} job failed`,
      ),
    );
    worker.on("error", (error) => log.error({ err: error.message }, `${queue} worker error`));
    if (onClosed) worker.on("closed", onClosed);
    return listeners.reduce((w, listen) => listen(w, options), worker);
  }

  /** A worker with its own connection, for the watchdog (workers/run.ts). */
  function start(options: Omit<O, "connection"> & { redisUrl?: string } = {} as Omit<O, "connection">) {
    const connection = workerConnection(`worker:${queue}`, options.redisUrl);
    return { worker: create({ ...options, connection } as O), connection };
  }

  return { create, start };
}
