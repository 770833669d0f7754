/**
 * Every Redis connection the app opens (the web handle, the queue dashboard, the workers' and the
 * relay's) is made here, so REDIS_URL or the Sentinel settings, the password and TLS apply to all
 * of them alike (decision 036). Two kinds, after BullMQ's production guide
 * (https://docs.bullmq.io/guide/going-to-production):
 * - "fail-fast" (web pages, producers): commands fail at once while Redis is unreachable, so a
 *   page never waits for it and callers decide what a failure means;
 * - "wait" (BullMQ workers): commands wait for Redis to come back (`maxRetriesPerRequest: null`,
 *   which BullMQ requires of workers), so a restart or a failover delays jobs rather than fails them.
 *
 * With Sentinel, ioredis asks the sentinels for the current primary on every (re)connection and
 * listens for their "+switch-master" announcement, so connections move to a new primary by
 * themselves; a READONLY answer (a connection still on a demoted primary) also makes one start over.
 */
import { Redis, type RedisOptions } from "ioredis";
import { env } from "~/utils/env.server.ts";

export type RedisRole = "fail-fast" | "wait";

const ROLE_OPTIONS: Record<RedisRole, RedisOptions> = {
  "fail-fast": { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 },
  wait: { maxRetriesPerRequest: null },
};

/** Where Redis is and how to reach it: from `url` when given (tests), else from the environment. */
function targetOptions(url: string | undefined): { url?: string; options: RedisOptions } {
  const config = env();
  const tls = config.REDIS_TLS ? { tls: {} } : {};
  const password = config.REDIS_PASSWORD ? { password: config.REDIS_PASSWORD } : {};
  if (url || !config.REDIS_SENTINELS) {
    // ioredis lets the URL's own password (and rediss://) win over these.
    return { url: url ?? config.REDIS_URL, options: { ...password, ...tls } };
  }
  return {
    options: {
      sentinels: config.REDIS_SENTINELS,
      name: config.REDIS_SENTINEL_NAME,
      // Reconnect as soon as a sentinel announces a new primary, rather than writing on to the
      // old one until Sentinel turns it into a replica (several seconds, writes then lost).
      failoverDetector: true,
      ...(config.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: config.REDIS_SENTINEL_PASSWORD } : {}),
      ...password,
      ...(config.REDIS_TLS ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
    },
  };
}

/** The ioredis options for a connection of this role (exported for tests of the settings). */
export function redisOptions(name: string, role: RedisRole, url?: string): { url?: string; options: RedisOptions } {
  const target = targetOptions(url);
  return {
    url: target.url,
    options: {
      ...target.options,
      ...ROLE_OPTIONS[role],
      connectionName: name,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
      // 2: reconnect and send the command again (workers wait anyway); 1: reconnect, fail it.
      reconnectOnError: (error) => (error.message.startsWith("READONLY") ? (role === "wait" ? 2 : 1) : false),
    },
  };
}

/** A new connection; its owner adds an "error" listener and closes it. */
export function createRedis(name: string, role: RedisRole, url?: string): Redis {
  const { url: target, options } = redisOptions(name, role, url);
  return target ? new Redis(target, options) : new Redis(options);
}

/** For start-up logs: the host, or the sentinels and the primary's name (never a password). */
export function describeRedisTarget(): string {
  const config = env();
  if (!config.REDIS_SENTINELS) {
    try {
      return new URL(config.REDIS_URL).host;
    } catch {
      return "(REDIS_URL is not a URL)";
    }
  }
  return `sentinel ${config.REDIS_SENTINEL_NAME} via ${config.REDIS_SENTINELS.map((s) => `${s.host}:${s.port}`).join(",")}`;
}
