/**
 * Redis access for tests, confined to this test file's own key prefix (REDIS_PREFIX, set by
 * tests/setup/per-file-database.ts): look at, expire or clear the app's throttle counters.
 */
import { Redis } from "ioredis";
import { afterAll } from "vitest";

let client: Redis | undefined;

export function testRedis(): Redis {
  if (!client) {
    client = new Redis(process.env.REDIS_URL_FOR_TESTS ?? "redis://127.0.0.1:6379", {
      lazyConnect: false,
      maxRetriesPerRequest: 1,
    });
    const created = client;
    afterAll(async () => {
      await created.quit().catch(() => created.disconnect());
      if (client === created) client = undefined;
    });
  }
  return client;
}

function prefix(): string {
  const value = process.env.REDIS_PREFIX;
  if (!value?.startsWith("test:"))
    throw new Error("REDIS_PREFIX is not a test prefix: is tests/setup/per-file-database.ts in vitest setupFiles?");
  return value;
}

/** This file's keys matching a pattern under the prefix, e.g. "throttle:*". */
export async function keys(pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await testRedis().scan(cursor, "MATCH", prefix() + pattern, "COUNT", 500);
    cursor = next;
    found.push(...batch);
  } while (cursor !== "0");
  return found;
}

/** Forgets every sign-in failure counted in this file (accounts and IPs). */
export async function clearThrottle(): Promise<void> {
  const found = await keys("throttle:*");
  if (found.length) await testRedis().del(...found);
}

/** Ends every throttle window now, as if its 15 minutes had passed. */
export async function expireThrottleWindows(): Promise<number> {
  const found = await keys("throttle:*");
  for (const key of found) await testRedis().pexpire(key, 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  return found.length;
}
