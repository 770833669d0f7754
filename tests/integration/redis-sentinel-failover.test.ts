/**
 * Redis behind Sentinel fails over in the middle of a run (a planned `SENTINEL FAILOVER`, as for
 * maintenance of the primary's host). The web app and the real worker process are configured with
 * REDIS_SENTINELS / REDIS_SENTINEL_NAME only (no REDIS_URL), while invitation emails are being
 * sent and people sign in. Nothing is lost: every email arrives exactly once, every sign-in
 * during the failover works, the sign-in failures counted before it still count after it, and
 * every connection has moved to the new primary.
 *
 * Real Postgres, a real SMTP server (the mail catcher), the worker process (`workers/main.ts` as a
 * child, in production mode), the web app in this process, and a primary, a replica and a sentinel
 * of the test's own (tests/support/redis-sentinel.ts). The outbox lease is shortened so a job
 * written to the old primary after the switch (lost with it) comes back quickly.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { disconnectDb } from "../../app/db/client.server.ts";
import { startMailCatcher } from "../../scripts/mail-catcher.ts";
import { stopChild } from "../../scripts/services.ts";
import { testPrisma } from "../setup/db.ts";
import { inviteInBulk } from "../support/bulk-invitations.ts";
import { createSchoolWithAdmin } from "../support/factories.ts";
import { startTestServer, type TestServer } from "../support/http.ts";
import { SENTINEL_NAME, startSentinelGroup, type SentinelGroup } from "../support/redis-sentinel.ts";

const prisma = testPrisma();
// Enough to be mid-run at the failover on a busy 2-core machine (2 to 8 emails a second there).
const EMAILS = 40;
const LEASE_SECONDS = 3;
const ROOT = path.resolve(import.meta.dirname, "../..");
const WRONG = "definitely-not-it-9";

const cleanups: Array<() => Promise<unknown>> = [];
const savedEnv = {
  REDIS_URL: process.env.REDIS_URL,
  REDIS_SENTINELS: process.env.REDIS_SENTINELS,
  REDIS_SENTINEL_NAME: process.env.REDIS_SENTINEL_NAME,
};
let group: SentinelGroup;
let server: TestServer;
let catcher: Awaited<ReturnType<typeof startMailCatcher>>;
let worker: ChildProcess;

beforeAll(async () => {
  group = await startSentinelGroup();
  cleanups.push(() => group.stop());
  catcher = await startMailCatcher({ port: 0 });
  cleanups.push(() => catcher.close());
  // The app learns where Redis is from the sentinels only.
  delete process.env.REDIS_URL;
  const sentinelEnv = { REDIS_SENTINELS: `127.0.0.1:${group.sentinelPort}`, REDIS_SENTINEL_NAME: SENTINEL_NAME };
  // The worker process starts (slowly, on a busy machine) while the web app does.
  worker = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...sentinelEnv,
      NODE_ENV: "production",
      SMTP_URL: catcher.url,
      APP_URL: "https://skills.example.org",
      MAIL_FROM: "Staffordshire Digital Skills <no-reply@digitalskills.staffordshire.example>",
      LOG_LEVEL: "warn",
      OUTBOX_LEASE_SECONDS: String(LEASE_SECONDS),
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  cleanups.push(() => stopChild(worker, 10_000));
  server = await startTestServer({ env: sentinelEnv });
  cleanups.push(() => server.close());
}, 240_000);

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await disconnectDb();
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** Names of the clients connected to the Redis on `port` (CLIENT SETNAME, set by app/utils/redis-options.server.ts). */
async function clientNames(port: number): Promise<string[]> {
  const client = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1 });
  try {
    const list = (await client.client("LIST")) as string;
    return list
      .split("\n")
      .map((line) => /\bname=(\S*)/.exec(line)?.[1] ?? "")
      .filter(Boolean);
  } finally {
    client.disconnect();
  }
}

describe("Redis fails over to its replica in the middle of a run", () => {
  it("loses no email, no sign-in and no throttle count", { timeout: 120_000 }, async () => {
    const started = performance.now();
    const { admin: guessed } = await createSchoolWithAdmin();
    const { admin: teacher } = await createSchoolWithAdmin();
    const addresses = Array.from({ length: EMAILS }, (_, i) => `teacher${i}@failover.example.org`);
    await inviteInBulk(addresses);

    // Three wrong passwords before the failover, counted in the primary.
    for (let i = 0; i < 3; i++)
      expect(
        (await server.client().post("/login", { identifier: guessed.email!, password: WRONG, redirectTo: "/" })).status,
      ).toBe(400);

    await vi.waitFor(() => expect(catcher.messages().length).toBeGreaterThanOrEqual(EMAILS / 4), {
      timeout: 60_000,
      interval: 10,
    });
    const receivedAtFailover = catcher.messages().length;
    expect(receivedAtFailover).toBeLessThan(EMAILS);

    // People keep signing in while the primary changes.
    let signingIn = true;
    const signIns: { status: number; ms: number }[] = [];
    const signInLoop = (async () => {
      while (signingIn) {
        const start = performance.now();
        const response = await server
          .client()
          .post("/login", { identifier: teacher.email!, password: teacher.password, redirectTo: "/" });
        signIns.push({ status: response.status, ms: performance.now() - start });
      }
    })();

    const failoverStart = performance.now();
    await group.failover();
    const promoted = performance.now();
    // The web app's handle and the worker's connections reconnect to the new primary by themselves.
    await vi.waitFor(
      async () =>
        expect(await clientNames(group.replicaPort)).toEqual(
          expect.arrayContaining(["web", "relay", "worker:email", "worker:control"]),
        ),
      { timeout: 15_000, interval: 50 },
    );
    const reconnected = performance.now();
    await vi.waitFor(() => expect(signIns.length).toBeGreaterThanOrEqual(3), { timeout: 15_000, interval: 50 });
    signingIn = false;
    await signInLoop;
    expect(
      signIns.filter((s) => s.status !== 302),
      "every sign-in during the failover succeeds",
    ).toEqual([]);

    // Two more wrong passwords after it: five in all, so the account is locked even for the right one.
    for (let i = 0; i < 2; i++)
      expect(
        (await server.client().post("/login", { identifier: guessed.email!, password: WRONG, redirectTo: "/" })).status,
      ).toBe(400);
    expect(
      (
        await server
          .client()
          .post("/login", { identifier: guessed.email!, password: guessed.password, redirectTo: "/" })
      ).status,
    ).toBe(429);
    const newPrimary = new Redis({ port: group.replicaPort, host: "127.0.0.1", maxRetriesPerRequest: 1 });
    cleanups.push(async () => newPrimary.disconnect());
    const accountKey = `${process.env.REDIS_PREFIX}throttle:acct:${createHash("sha256").update(guessed.email!.toLowerCase()).digest("hex").slice(0, 32)}`;
    expect(await newPrimary.get(accountKey), "the count went on in the new primary").toBe("5");

    // Every email arrives, once.
    await vi.waitFor(() => expect(catcher.messages().length).toBeGreaterThanOrEqual(EMAILS), {
      timeout: 60_000,
      interval: 50,
    });
    const lastEmail = performance.now();
    await new Promise((resolve) => setTimeout(resolve, LEASE_SECONDS * 1000 + 1_000)); // room for a duplicate to show up, if one were coming
    const received = catcher.messages().filter((m) => m.to[0]?.endsWith("@failover.example.org"));
    const perAddress = new Map<string, number>();
    for (const m of received) perAddress.set(m.to[0]!, (perAddress.get(m.to[0]!) ?? 0) + 1);
    expect([...perAddress.entries()].filter(([, count]) => count !== 1)).toEqual([]);
    expect(addresses.filter((address) => !perAddress.has(address))).toEqual([]);
    expect(await prisma.outboxMessage.count({ where: { topic: "email.invitation", doneAt: null } })).toBe(0);
    expect(await group.primaryNow()).toBe(group.replicaPort);

    await stopChild(worker, 10_000);
    expect(worker.exitCode).toBe(0);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const slowest = Math.max(...signIns.map((x) => x.ms));
    console.info(
      `[sentinel-failover] ${EMAILS} emails, each received once (${receivedAtFailover} before the failover); promotion ${s(promoted - failoverStart)}, all connections on the new primary after ${s(reconnected - failoverStart)}; ${signIns.length} sign-ins during it, slowest ${Math.round(slowest)} ms; all ${EMAILS} sent ${s(lastEmail - started)} after they were written`,
    );
  });
});
