/**
 * The worker process's heartbeat (app/jobs/worker-heartbeat.server.ts): every 15 s it writes
 * whether it is ready, that is Postgres answers and each queue worker the watchdogs supervise
 * (workers/watchdog.ts) is running. Redis answering is shown by the beat arriving at all. A host's
 * check reads it with `npm run worker:probe` (workers/probe.ts); the web's /metrics counts them.
 */
import type { Redis } from "ioredis";
import {
  HEARTBEAT_INTERVAL_MS,
  removeHeartbeat,
  writeHeartbeat,
  type Heartbeat,
} from "~/jobs/worker-heartbeat.server.ts";
import { pingDb } from "~/db/client.server.ts";
import { probe } from "~/utils/health.server.ts";
import { logger } from "~/utils/logger.server.ts";
import type { Supervisor } from "./watchdog.ts";

const log = logger.child({ component: "heartbeat" });

/** One beat: what it wrote. Tests call it directly. */
export async function beat(connection: Redis, supervisors: readonly Supervisor[]): Promise<Heartbeat> {
  const postgres = await probe(pingDb);
  const workers = Object.fromEntries(
    supervisors.map((supervisor) => [supervisor.current().name, supervisor.current().isRunning()]),
  );
  const heartbeat: Heartbeat = {
    at: Date.now(),
    ready: postgres === "ok" && Object.values(workers).every(Boolean),
    postgres,
    workers,
  };
  // The worker connection waits out a Redis outage; bound the write so beats never pile up.
  if ((await probe(() => writeHeartbeat(connection, heartbeat), 5_000)) === "down")
    log.warn("could not write the heartbeat to Redis");
  return heartbeat;
}

export function startHeartbeat(options: {
  connection: Redis;
  supervisors: readonly Supervisor[];
  intervalMs?: number;
}) {
  let running: Promise<unknown> | undefined;
  const tick = () => {
    if (running) return; // the previous beat is still waiting: skip rather than pile up
    running = beat(options.connection, options.supervisors)
      .catch((error: unknown) =>
        log.error({ err: error instanceof Error ? error.message : String(error) }, "heartbeat failed"),
      )
      .finally(() => (running = undefined));
  };
  tick();
  const timer = setInterval(tick, options.intervalMs ?? HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await probe(() => removeHeartbeat(options.connection), 1_000);
    },
  };
}
