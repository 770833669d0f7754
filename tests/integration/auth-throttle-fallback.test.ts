/**
 * Sign-in throttling while Redis is unreachable: the counters fall back to the web process's
 * memory with the same limits, so guessing is still stopped after five wrong passwords; once
 * Redis answers again the verdicts come from Redis again (decision 036).
 *
 * Over real HTTP, against a redis-server of the test's own on a free port, which the test stops
 * and starts again (the shared Redis on 6379 is never stopped).
 */
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findFreePort, startRedisServer, stopChild } from "../../scripts/services.ts";
import { createSchoolWithAdmin } from "../support/factories.ts";
import { startTestServer, type TestServer } from "../support/http.ts";

vi.setConfig({ testTimeout: 60_000 });

const WRONG = "definitely-not-it-9";
let port: number;
let redis: Awaited<ReturnType<typeof startRedisServer>>;
let server: TestServer;

beforeAll(async () => {
  port = await findFreePort();
  redis = await startRedisServer({ port, log: () => undefined });
  server = await startTestServer({ env: { REDIS_URL: redis.url } });
}, 240_000);

afterAll(async () => {
  await server?.close();
  await stopChild(redis.child);
});

const attempt = (identifier: string, password: string) =>
  server.client().post("/login", { identifier, password, redirectTo: "/" });

async function failTimes(identifier: string, times: number) {
  for (let i = 0; i < times; i++)
    expect((await attempt(identifier, WRONG)).status, `wrong password #${i + 1}`).toBe(400);
}

/** The account's failure count as Redis holds it (the key app/auth/throttle.server.ts writes). */
async function countInRedis(identifier: string): Promise<string | null> {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  try {
    return await client.get(
      `${process.env.REDIS_PREFIX}throttle:acct:${createHash("sha256").update(identifier.toLowerCase()).digest("hex").slice(0, 32)}`,
    );
  } finally {
    client.disconnect();
  }
}

/** Until the web app's handle ("web") is connected to the Redis on `port` again. */
async function webReconnected() {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  try {
    await vi.waitFor(async () => expect(String(await client.client("LIST"))).toMatch(/\bname=web\b/), {
      timeout: 15_000,
      interval: 100,
    });
  } finally {
    client.disconnect();
  }
}

describe("sign-in throttling while Redis is unreachable", () => {
  it("still locks an account after 5 wrong passwords, counting in memory, and counts in Redis again once it is back", async () => {
    const { admin: before } = await createSchoolWithAdmin();
    const { admin: during } = await createSchoolWithAdmin();
    const { admin: after } = await createSchoolWithAdmin();

    // Redis up: failures are counted there.
    await failTimes(before.email!, 2);
    expect(await countInRedis(before.email!)).toBe("2");

    // Redis down: the same limit holds, from memory.
    await stopChild(redis.child);
    await failTimes(during.email!, 5);
    const locked = await attempt(during.email!, during.password);
    expect(locked.status, "locked out although Redis is down").toBe(429);
    expect(locked.text).toContain("Too many sign-in attempts. Try again in 15 minutes");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(14 * 60);

    // Redis back (empty: it kept nothing): verdicts and counts come from Redis again.
    redis = await startRedisServer({ port, log: () => undefined });
    await webReconnected();
    expect((await attempt(during.email!, during.password)).status, "the count kept in memory no longer decides").toBe(
      302,
    );
    await failTimes(after.email!, 5);
    expect(await countInRedis(after.email!)).toBe("5");
    expect((await attempt(after.email!, after.password)).status).toBe(429);
  });
});
