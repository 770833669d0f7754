/**
 * A watchdog for BullMQ workers. After a Redis restart or a network blip a worker can end up
 * alive but no longer consuming: its main loop has stopped, its blocking connection has ended
 * for good, or jobs sit in "waiting" while nothing becomes active. Every `intervalMs` the
 * watchdog checks each worker and, if it is stuck, closes it (force, bounded in time), drops
 * its connection and starts a fresh worker with a fresh connection, in the same process. It
 * logs every restart with the reason. While Redis itself is unreachable it only waits: a new
 * worker would not help, and BullMQ reconnects on its own once Redis is back.
 */
import { Queue, type Worker } from "bullmq";
import type { Redis } from "ioredis";
import { logger } from "~/utils/logger.server.ts";
import { closeConnection } from "./connection.ts";

const log = logger.child({ component: "watchdog" });

export type WorkerIncarnation = { worker: Worker; connection: Redis };

export type SupervisorOptions = {
  name: string;
  /** Creates a worker with its own connection (e.g. startEmailWorker). */
  start: () => WorkerIncarnation;
  prefix: string;
  intervalMs?: number;
  /** Jobs waiting and nothing started or finished for this long → stuck. */
  stuckAfterMs?: number;
  onRestart?: (reason: string) => void;
};

export type Supervisor = {
  current(): Worker;
  /** One check; returns the restart reason, or null when healthy. Tests call it directly. */
  check(): Promise<string | null>;
  stop(): Promise<void>;
  restarts(): number;
};

function timeout<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms))),
  ]).finally(() => clearTimeout(timer));
}

type Tracked = WorkerIncarnation & { queue: Queue; running: number; lastProgress: number };

export function superviseWorker(options: SupervisorOptions): Supervisor {
  const intervalMs = options.intervalMs ?? 30_000;
  const stuckAfterMs = options.stuckAfterMs ?? 120_000;
  let stopping = false;
  let restartCount = 0;
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<unknown> = Promise.resolve();

  function launch(): Tracked {
    const incarnation = options.start();
    const tracked: Tracked = {
      ...incarnation,
      queue: new Queue(incarnation.worker.name, { connection: incarnation.connection, prefix: options.prefix }),
      running: 0,
      lastProgress: Date.now(),
    };
    tracked.queue.on("error", () => undefined);
    const progress = () => (tracked.lastProgress = Date.now());
    incarnation.worker.on("active", () => {
      tracked.running++;
      progress();
    });
    incarnation.worker.on("completed", () => {
      tracked.running = Math.max(0, tracked.running - 1);
      progress();
    });
    incarnation.worker.on("failed", () => {
      tracked.running = Math.max(0, tracked.running - 1);
      progress();
    });
    incarnation.worker.on("drained", progress);
    return tracked;
  }

  let tracked = launch();

  async function retire(old: Tracked) {
    await timeout(old.worker.close(true), 5_000);
    await timeout(old.queue.close(), 2_000);
    await closeConnection(old.connection);
  }

  async function diagnose(t: Tracked): Promise<string | null> {
    if (!t.worker.isRunning()) return "worker is not running";
    const blocking = t.worker.getBackend().blockingConnection;
    if (blocking && (blocking.status === "closed" || blocking.status === "closing"))
      return "blocking connection closed";
    // Redis unreachable: nothing a restart would fix; BullMQ reconnects by itself.
    const ping = await timeout(
      t.connection.ping().catch(() => "down"),
      2_000,
    );
    if (ping !== "PONG") return null;
    if (t.running > 0 || Date.now() - t.lastProgress < stuckAfterMs) return null;
    const waiting = await timeout(
      t.queue.getWaitingCount().catch(() => 0),
      2_000,
    );
    if (typeof waiting === "number" && waiting > 0)
      return `${waiting} job(s) waiting with no progress for ${Math.round((Date.now() - t.lastProgress) / 1000)} s`;
    return null;
  }

  async function check(): Promise<string | null> {
    if (stopping) return null;
    const reason = await diagnose(tracked);
    if (!reason || stopping) return null;
    restartCount++;
    log.warn({ worker: options.name, reason, restarts: restartCount }, "watchdog: restarting worker");
    options.onRestart?.(reason);
    const old = tracked;
    tracked = launch();
    await retire(old);
    return reason;
  }

  function schedule() {
    if (stopping) return;
    timer = setTimeout(() => {
      checking = check()
        .catch((error: unknown) =>
          log.error(
            { worker: options.name, err: error instanceof Error ? error.message : String(error) },
            "watchdog check failed",
          ),
        )
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  }
  schedule();

  return {
    current: () => tracked.worker,
    check,
    restarts: () => restartCount,
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await checking.catch(() => undefined);
      await tracked.worker.close();
      await tracked.queue.close().catch(() => undefined);
      await closeConnection(tracked.connection);
    },
  };
}
