/**
 * Where every Redis connection goes: REDIS_URL or Sentinel, the password and TLS, and the
 * settings refused at start-up with a message naming them (decision 036).
 */
import { afterEach, describe, expect, it } from "vitest";
import { env, resetEnvForTests } from "./env.server.ts";
import { describeRedisTarget, redisOptions } from "./redis-options.server.ts";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvForTests();
});

const REDIS_SETTINGS = [
  "REDIS_URL",
  "REDIS_SENTINELS",
  "REDIS_SENTINEL_NAME",
  "REDIS_SENTINEL_PASSWORD",
  "REDIS_PASSWORD",
  "REDIS_TLS",
];

function withEnv(values: Record<string, string>) {
  process.env = { ...saved };
  for (const key of REDIS_SETTINGS) delete process.env[key];
  Object.assign(process.env, values);
  resetEnvForTests();
}

const sentinel = { REDIS_SENTINELS: "10.0.0.1:26379, sentinel-b:26380,[fd00::3]", REDIS_SENTINEL_NAME: "mymaster" };

describe("Redis through Sentinel", () => {
  it("asks the sentinels for the named primary, with both passwords, on every kind of connection", () => {
    withEnv({ ...sentinel, REDIS_SENTINEL_PASSWORD: "s3ntinel", REDIS_PASSWORD: "redis-pass" });
    for (const role of ["fail-fast", "wait"] as const) {
      const { url, options } = redisOptions("web", role);
      expect(url).toBeUndefined();
      expect(options).toMatchObject({
        sentinels: [
          { host: "10.0.0.1", port: 26379 },
          { host: "sentinel-b", port: 26380 },
          { host: "fd00::3", port: 26379 },
        ],
        name: "mymaster",
        sentinelPassword: "s3ntinel",
        password: "redis-pass",
        connectionName: "web",
      });
      expect(options.tls).toBeUndefined();
    }
    expect(describeRedisTarget()).toBe("sentinel mymaster via 10.0.0.1:26379,sentinel-b:26380,fd00::3:26379");
  });

  it("keeps BullMQ's rule for workers and fails fast elsewhere", () => {
    withEnv(sentinel);
    expect(redisOptions("worker:email", "wait").options.maxRetriesPerRequest).toBeNull();
    expect(redisOptions("web", "fail-fast").options).toMatchObject({
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
  });

  it("uses TLS to the sentinels and to Redis with REDIS_TLS=1", () => {
    withEnv({ ...sentinel, REDIS_TLS: "1" });
    expect(redisOptions("web", "fail-fast").options).toMatchObject({
      tls: {},
      sentinelTLS: {},
      enableTLSForSentinelMode: true,
    });
  });

  it("reconnects when a demoted primary answers READONLY", () => {
    withEnv(sentinel);
    const readonly = new Error("READONLY You can't write against a read only replica.");
    expect(redisOptions("w", "wait").options.reconnectOnError?.(readonly)).toBe(2);
    expect(redisOptions("w", "fail-fast").options.reconnectOnError?.(readonly)).toBe(1);
    expect(redisOptions("w", "wait").options.reconnectOnError?.(new Error("ERR other"))).toBe(false);
  });
});

describe("Redis at one URL", () => {
  it("uses REDIS_URL, and REDIS_PASSWORD when the URL has none", () => {
    withEnv({ REDIS_URL: "redis://cache.internal:6380", REDIS_PASSWORD: "redis-pass" });
    expect(redisOptions("web", "fail-fast")).toMatchObject({
      url: "redis://cache.internal:6380",
      options: { password: "redis-pass" },
    });
    expect(describeRedisTarget()).toBe("cache.internal:6380");
  });

  it("uses the URL a test passes over the environment", () => {
    withEnv(sentinel);
    const { url, options } = redisOptions("probe", "fail-fast", "redis://127.0.0.1:7000");
    expect(url).toBe("redis://127.0.0.1:7000");
    expect(options.sentinels).toBeUndefined();
  });
});

describe("settings refused at start-up", () => {
  it.each([
    [{ REDIS_SENTINELS: "10.0.0.1:26379" }, "REDIS_SENTINEL_NAME: must be set with REDIS_SENTINELS"],
    [{ REDIS_SENTINEL_NAME: "mymaster" }, "REDIS_SENTINELS: must be set with REDIS_SENTINEL_NAME"],
    [
      { ...sentinel, REDIS_URL: "redis://127.0.0.1:6379" },
      "REDIS_URL: set either REDIS_URL or REDIS_SENTINELS, not both",
    ],
    [{ REDIS_SENTINEL_PASSWORD: "x" }, "REDIS_SENTINEL_PASSWORD: only means something with REDIS_SENTINELS"],
    [{ ...sentinel, REDIS_SENTINELS: "10.0.0.1:port" }, `REDIS_SENTINELS: "10.0.0.1:port" is not host:port`],
    [{ ...sentinel, REDIS_SENTINELS: "10.0.0.1:26379,,10.0.0.2:26379" }, `REDIS_SENTINELS: "" is not host:port`],
    [{ ...sentinel, REDIS_SENTINELS: "10.0.0.1:70000" }, `REDIS_SENTINELS: "10.0.0.1:70000" is not host:port`],
    [{ ...sentinel, REDIS_SENTINELS: "fd00::3:26379" }, `REDIS_SENTINELS: "fd00::3:26379" is not host:port`],
    [{ REDIS_TLS: "yes" }, "REDIS_TLS:"],
  ])("%o", (values, message) => {
    withEnv(values);
    expect(() => env()).toThrow(message);
  });
});
