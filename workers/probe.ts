/**
 * A worker host's liveness/readiness check (`npm run worker:probe`, e.g. a container's
 * HEALTHCHECK or an orchestrator's exec probe): exits 0 when a worker process on this host has
 * written a fresh heartbeat saying it is ready (workers/heartbeat.ts), 1 otherwise, and prints
 * one JSON line saying what it found. `--live` asks only for a fresh heartbeat, ready or not.
 */
import { hostname } from "node:os";
import { Redis } from "ioredis";
import { readHeartbeats } from "~/jobs/worker-heartbeat.server.ts";
import { redisOptions } from "~/utils/redis-options.server.ts";
import { closeConnection } from "./connection.ts";

const liveOnly = process.argv.includes("--live");
// One try, bounded: a probe that waits for Redis to come back would outlast its own timeout.
// REDIS_URL or the Sentinel settings, as the workers themselves use (decision 036).
const target = redisOptions("worker:probe", "fail-fast");
const probeOptions = {
  ...target.options,
  lazyConnect: true,
  connectTimeout: 2_000,
  maxRetriesPerRequest: 1,
  retryStrategy: () => null,
};
const connection = target.url ? new Redis(target.url, probeOptions) : new Redis(probeOptions);
connection.on("error", () => undefined);
let found: Awaited<ReturnType<typeof readHeartbeats>> = [];
let error: string | undefined;
try {
  await connection.connect();
  found = (await readHeartbeats(connection)).filter((entry) => entry.process.startsWith(`${hostname()}:`));
} catch (failure) {
  error = failure instanceof Error ? failure.message : String(failure);
}
await closeConnection(connection);
const ok = found.some((entry) => entry.fresh && (liveOnly || entry.beat.ready));
process.stdout.write(
  `${JSON.stringify({ ok, check: liveOnly ? "live" : "ready", processes: found.map(({ process, fresh, beat }) => ({ process, fresh, ...beat })), ...(error ? { error } : {}) })}\n`,
);
process.exit(ok ? 0 : 1);
