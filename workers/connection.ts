/**
 * Redis connections for the worker process (made by app/utils/redis-options.server.ts, so
 * REDIS_URL or Sentinel applies), the BullMQ production guide's way:
 * - worker connections retry every command forever (`maxRetriesPerRequest: null`): a worker
 *   waits out a Redis restart instead of failing jobs;
 * - producer connections (the relay's queue handles) fail fast (`enableOfflineQueue: false`):
 *   the relay leaves outbox rows in Postgres and tries again on the next poll;
 * - Redis must never evict keys (`maxmemory-policy noeviction`), or jobs vanish silently. The
 *   worker refuses to start otherwise. A managed Redis that disables CONFIG only gets a warning.
 *
 * We pass ioredis instances to BullMQ (it cannot load ioredis itself from native ESM). BullMQ
 * leaves a caller's instance open, so whoever creates a connection closes it.
 */
import type { Redis } from "ioredis";
import { logger } from "~/utils/logger.server.ts";
import { createRedis } from "~/utils/redis-options.server.ts";

const log = logger.child({ component: "redis" });

function withErrorLog(client: Redis, name: string): Redis {
  // Without a listener ioredis prints every reconnect failure; the relay and watchdog report
  // outages once, so keep these at debug.
  client.on("error", (error: Error) => log.debug({ connection: name, err: error.message }, "redis connection error"));
  return client;
}

/** For BullMQ workers (and their blocking duplicates): commands wait for Redis to come back. */
export function workerConnection(name: string, url?: string): Redis {
  return withErrorLog(createRedis(name, "wait", url), name);
}

/** For producers (queue handles that only add jobs): commands fail at once while Redis is down. */
export function producerConnection(name: string, url?: string): Redis {
  return withErrorLog(createRedis(name, "fail-fast", url), name);
}

export async function closeConnection(client: Redis): Promise<void> {
  if (client.status === "end") return;
  try {
    await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
  } catch {
    // already closed or never connected
  }
  client.disconnect();
}

export type EvictionVerdict =
  | { verdict: "ok"; policy: string }
  | { verdict: "refuse"; policy: string; message: string }
  | { verdict: "warn"; message: string };

/**
 * Judges the answer to `CONFIG GET maxmemory-policy` (a flat [name, value] array, or the error
 * thrown when CONFIG is disabled). Pure, so the refusal can be tested without touching the
 * shared Redis server's configuration.
 */
export function judgeEvictionPolicy(result: unknown): EvictionVerdict {
  if (result instanceof Error) {
    return {
      verdict: "warn",
      message: `Could not read Redis' maxmemory-policy (${result.message}); CONFIG is probably disabled on a managed Redis. Make sure its eviction policy is "noeviction", or queued jobs can be lost.`,
    };
  }
  const pairs = Array.isArray(result) ? result : [];
  const index = pairs.findIndex((item) => String(item).toLowerCase() === "maxmemory-policy");
  const policy = index >= 0 ? String(pairs[index + 1] ?? "") : "";
  if (!policy)
    return { verdict: "warn", message: 'Redis did not report a maxmemory-policy; make sure it is "noeviction".' };
  if (policy === "noeviction") return { verdict: "ok", policy };
  return {
    verdict: "refuse",
    policy,
    message: `Redis' maxmemory-policy is "${policy}"; BullMQ needs "noeviction", or Redis may silently delete queued jobs under memory pressure. Set "maxmemory-policy noeviction" in redis.conf (or CONFIG SET maxmemory-policy noeviction) and start the worker again.`,
  };
}

export class EvictionPolicyError extends Error {}

/** Reads the policy and throws EvictionPolicyError unless it is noeviction (warns if unreadable). */
export async function assertNoEviction(client: Pick<Redis, "config">): Promise<EvictionVerdict> {
  let result: unknown;
  try {
    result = await client.config("GET", "maxmemory-policy");
  } catch (error) {
    result = error instanceof Error ? error : new Error(String(error));
  }
  const verdict = judgeEvictionPolicy(result);
  if (verdict.verdict === "refuse") throw new EvictionPolicyError(verdict.message);
  if (verdict.verdict === "warn") log.warn(verdict.message);
  return verdict;
}
