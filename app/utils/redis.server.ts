/**
 * The web app's Redis handle (throttling, queue producers), a "fail-fast" connection
 * (app/utils/redis-options.server.ts): commands fail at once when Redis is down, so a page never
 * hangs waiting for it; callers decide what a failure means (throttling counts in memory; email
 * goes through the Postgres outbox).
 */
import type { Redis } from "ioredis";
import { env } from "~/utils/env.server.ts";
import { logger } from "~/utils/logger.server.ts";
import { createRedis } from "~/utils/redis-options.server.ts";

let client: Redis | undefined;

export function redis(): Redis {
  if (!client) {
    client = createRedis("web", "fail-fast");
    client.on("error", (error) => logger.warn({ err: error.message }, "redis unavailable"));
  }
  return client;
}

/**
 * Resolves once the handle is connected, or false after `timeoutMs`: a web process waits for it
 * before it listens, so its first requests are throttled like the rest, but it still starts
 * (and answers) when Redis is down.
 */
export function connectRedis(timeoutMs = 3_000): Promise<boolean> {
  const handle = redis();
  if (handle.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      handle.off("ready", onReady);
      resolve(false);
    }, timeoutMs);
    handle.once("ready", onReady);
  });
}

/** Every key the app writes is under the run's prefix. */
export function redisKey(...parts: string[]): string {
  return env().REDIS_PREFIX + parts.join(":");
}

export async function disconnectRedis() {
  const current = client;
  client = undefined;
  current?.disconnect();
}
