/**
 * The outbox → relay → BullMQ → email worker → SMTP path, through real Postgres, Redis and an
 * in-process SMTP server (the mail catcher). Nothing of ours is mocked.
 */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createInvitation, requestPasswordReset } from "../../app/auth/account.server.ts";
import type { Actor } from "../../app/auth/permissions.ts";
import { hashToken } from "../../app/auth/tokens.ts";
import { disconnectDb } from "../../app/db/client.server.ts";
import { QUEUES } from "../../app/jobs/definitions.ts";
import { queuePrefix } from "../../app/jobs/queues.server.ts";
import { createMailTransport, type MailTransport } from "../../app/mail/transport.server.ts";
import { startMailCatcher, type CaughtMail, type MailCatcher } from "../../scripts/mail-catcher.ts";
import { closeConnection, producerConnection } from "../../workers/connection.ts";
import { dedupeKeyForOutbox, handleOutboxEmail, startEmailWorker } from "../../workers/email-worker.ts";
import { createRelay, type Relay } from "../../workers/relay.ts";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser } from "../support/factories.ts";

const prisma = testPrisma();
const APP_URL = "http://localhost:3000";
const FROM = "Staffordshire Digital Skills <no-reply@digitalskills.staffordshire.example>";

let catcher: MailCatcher;
let transport: MailTransport;
let worker: ReturnType<typeof startEmailWorker>;
const cleanups: Array<() => Promise<unknown>> = [];

async function ready(connection: Redis) {
  if (connection.status !== "ready") await new Promise((resolve) => connection.once("ready", resolve));
}

/** A relay on its own producer connection; closed at the end of the file. */
async function newRelay(
  url = "redis://127.0.0.1:6379",
  options: { batchSize?: number; leaseMs?: number } = {},
): Promise<Relay> {
  const connection = producerConnection("test-relay", url);
  const relay = createRelay({ connection, batchSize: options.batchSize, leaseMs: options.leaseMs });
  cleanups.push(async () => {
    await relay.stop();
    await closeConnection(connection);
  });
  if (!url.endsWith(":6390")) await ready(connection);
  return relay;
}

async function relayAll(relay: Relay) {
  let total = 0;
  for (;;) {
    const { dispatched } = await relay.relayOnce();
    total += dispatched;
    if (dispatched === 0) return total;
  }
}

let adminActor: Actor;
async function partnershipAdmin(): Promise<Actor> {
  if (adminActor) return adminActor;
  const provider = await createOrganisation({ kind: "PROVIDER", name: "Staffordshire University (test)" });
  const admin = await createUser({ roles: [{ org: provider, role: "PARTNERSHIP_ADMIN" }] });
  adminActor = {
    userId: admin.id,
    displayName: `${admin.firstName} ${admin.lastName}`,
    memberships: [
      {
        organisationId: provider.id,
        organisationName: provider.name,
        organisationKind: "PROVIDER",
        role: "PARTNERSHIP_ADMIN",
      },
    ],
  };
  return adminActor;
}

async function invite(email: string) {
  const actor = await partnershipAdmin();
  const school = await createOrganisation({ kind: "SCHOOL", name: `Rugeley Academy ${email.split("@")[0]}` });
  await createInvitation(actor, { organisationId: school.id, email, role: "TEACHER" });
  const token = await prisma.authToken.findFirstOrThrow({
    where: { email, kind: "INVITATION" },
    orderBy: { createdAt: "desc" },
  });
  const outbox = await prisma.outboxMessage.findFirstOrThrow({
    where: { topic: "email.invitation", payload: { path: ["tokenId"], equals: token.id } },
  });
  return { school, token, outbox };
}

const sentTo = (email: string) => (m: CaughtMail) => m.to.includes(email);
const linkIn = (text: string, path: string) => text.match(new RegExp(`${APP_URL}/${path}/([a-z0-9]+)`))?.[1];

async function outboxRow(id: string) {
  return prisma.outboxMessage.findUniqueOrThrow({ where: { id } });
}

beforeAll(async () => {
  catcher = await startMailCatcher({ port: 0 });
  transport = createMailTransport(catcher.url);
  worker = startEmailWorker({ transport, appUrl: APP_URL, from: FROM });
  await worker.worker.waitUntilReady();
});

afterAll(async () => {
  await worker?.worker.close();
  await closeConnection(worker.connection);
  for (const cleanup of cleanups.splice(0)) await cleanup();
  // Leave nothing of this file's queues behind in the shared Redis.
  const connection = producerConnection("test-cleanup");
  await ready(connection);
  for (const name of QUEUES) {
    const queue = new Queue(name, { connection, prefix: queuePrefix() });
    await queue.obliterate({ force: true });
    await queue.close();
  }
  await closeConnection(connection);
  transport?.close();
  await catcher?.close();
  await disconnectDb();
});

describe("invitation email", () => {
  it("arrives once with a link whose secret hashes to the token, then the secret is scrubbed", async () => {
    const email = "new.teacher@example.org";
    const { school, token, outbox } = await invite(email);
    expect(outbox.dispatchedAt).toBeNull();
    expect((outbox.payload as { secret?: string }).secret).toBeTruthy();

    const relay = await newRelay();
    expect(await relayAll(relay)).toBe(1);
    expect((await outboxRow(outbox.id)).dispatchedAt).not.toBeNull();

    const mail = await catcher.waitFor(sentTo(email));
    expect(mail.subject).toContain(school.name);
    expect(mail.from).toContain("no-reply@digitalskills.staffordshire.example");
    const secret = linkIn(mail.text, "invite");
    expect(secret, "the plain text carries the invitation link").toBeTruthy();
    expect(mail.html).toContain(`${APP_URL}/invite/${secret}`);
    expect(Buffer.from(hashToken(secret!)).equals(Buffer.from(token.tokenHash))).toBe(true);
    expect(mail.text).toContain("Teacher");
    expect(mail.text).toContain("7 days");

    await vi.waitFor(async () => {
      const row = await outboxRow(outbox.id);
      expect(row.payload).toEqual({ tokenId: token.id });
      // Done once sent, not when handed to Redis: the relay never hands it over again.
      expect(row.doneAt).not.toBeNull();
    });
    const log = await prisma.notificationLog.findUniqueOrThrow({ where: { dedupeKey: dedupeKeyForOutbox(outbox.id) } });
    expect(log).toMatchObject({ status: "sent", kind: "invitation" });

    // Nothing else comes later.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(catcher.messages().filter(sentTo(email))).toHaveLength(1);
  });

  it("never sends again when the job runs a second time after the mail went out", async () => {
    const email = "second.run@example.org";
    const { outbox } = await invite(email);
    await relayAll(await newRelay());
    await catcher.waitFor(sentTo(email));
    await vi.waitFor(async () => expect((await outboxRow(outbox.id)).payload).not.toHaveProperty("secret"));

    // The handler again, as a retry would run it…
    const again = await handleOutboxEmail({ outboxId: outbox.id }, { transport, from: FROM, appUrl: APP_URL });
    expect(again.outcome).toBe("already-sent");
    // …and a second job for the same row through the queue (as if the first had been trimmed).
    const connection = producerConnection("test-duplicate-job");
    await ready(connection);
    const queue = new Queue("email", { connection, prefix: queuePrefix() });
    const job = await queue.add("email.invitation", { outboxId: outbox.id }, { jobId: `${outbox.id}-again` });
    await vi.waitFor(async () => expect(await job.isCompleted()).toBe(true), { timeout: 5_000 });
    await queue.close();
    await closeConnection(connection);

    expect(catcher.messages().filter(sentTo(email))).toHaveLength(1);
  });

  it("skips, without an error, an invitation whose token was used or has expired", async () => {
    const email = "too.late@example.org";
    const { token, outbox } = await invite(email);
    await prisma.authToken.update({ where: { id: token.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const result = await handleOutboxEmail({ outboxId: outbox.id }, { transport, from: FROM, appUrl: APP_URL });
    expect(result).toMatchObject({ outcome: "suppressed", reason: "token expired" });
    expect((await outboxRow(outbox.id)).payload).toEqual({ tokenId: token.id });
    expect(catcher.messages().filter(sentTo(email))).toHaveLength(0);
    // Relayed later, its job finds the row handled and sends nothing.
    await relayAll(await newRelay());
  });
});

describe("password reset email", () => {
  it("arrives with a one-hour reset link for the account's own address", async () => {
    const user = await createUser({ email: "forgetful.tutor@example.org" });
    await requestPasswordReset(user.email!);
    await relayAll(await newRelay());
    const mail = await catcher.waitFor(sentTo(user.email!));
    expect(mail.subject).toBe("Reset your Staffordshire Digital Skills password");
    const secret = linkIn(mail.text, "reset-password");
    expect(secret).toBeTruthy();
    const token = await prisma.authToken.findUniqueOrThrow({ where: { tokenHash: hashToken(secret!) } });
    expect(token).toMatchObject({ kind: "PASSWORD_RESET", userId: user.id, usedAt: null });
    expect(mail.text).toContain("1 hour");
    expect(mail.text).toMatch(/didn't ask/);
    // Nothing about the person beyond their own address: not even their name.
    expect(mail.text).not.toContain(user.lastName);
  });
});

describe("two relays at once", () => {
  it("still send exactly one email per outbox row", async () => {
    const users = await Promise.all(
      Array.from({ length: 12 }, (_, i) => createUser({ email: `pair${i}@relays.example.org` })),
    );
    for (const user of users) await requestPasswordReset(user.email!);
    const [a, b] = await Promise.all([newRelay(undefined, { batchSize: 3 }), newRelay(undefined, { batchSize: 3 })]);
    let total = 0;
    for (;;) {
      const [ra, rb] = await Promise.all([a.relayOnce(), b.relayOnce()]);
      total += ra.dispatched + rb.dispatched;
      if (ra.dispatched + rb.dispatched === 0) break;
    }
    expect(total).toBe(12);
    const rows = await prisma.outboxMessage.findMany({ where: { topic: "email.password-reset" } });
    expect(rows.every((row) => row.dispatchedAt !== null)).toBe(true);

    await vi.waitFor(
      () => expect(catcher.messages().filter((m) => m.to[0]?.endsWith("@relays.example.org"))).toHaveLength(12),
      { timeout: 10_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const user of users) expect(catcher.messages().filter(sentTo(user.email!))).toHaveLength(1);
  });
});

describe("the same row handled twice (handed over again after Redis lost its job)", () => {
  it("sends once when the second attempt starts while the first is still sending", async () => {
    const slow = await startMailCatcher({ port: 0, delayMs: 300 });
    const slowTransport = createMailTransport(slow.url);
    cleanups.push(async () => {
      slowTransport.close();
      await slow.close();
    });
    const { outbox } = await invite("twice.at.once@example.org");
    const deps = { transport: slowTransport, from: FROM, appUrl: APP_URL };
    // The second waits on the row lock the first holds, then finds the send key recorded.
    const outcomes = await Promise.all([
      handleOutboxEmail({ outboxId: outbox.id }, deps),
      handleOutboxEmail({ outboxId: outbox.id }, deps),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["already-sent", "sent"]);
    expect(slow.messages()).toHaveLength(1);
    expect((await outboxRow(outbox.id)).doneAt).not.toBeNull();
  });

  it("sends twice only in the window we accept: the mail server took it, then the commit was lost", async () => {
    const email = "lost.commit@example.org";
    const { outbox } = await invite(email);
    // The message is delivered, then the attempt dies before its transaction commits.
    const dying = {
      sendMail: async (message: Parameters<MailTransport["sendMail"]>[0]) => {
        await transport.sendMail(message);
        throw new Error("connection lost after 250 OK");
      },
    } as unknown as MailTransport;
    await expect(
      handleOutboxEmail({ outboxId: outbox.id }, { transport: dying, from: FROM, appUrl: APP_URL }),
    ).rejects.toThrow(/connection lost/);
    const row = await outboxRow(outbox.id);
    expect(row.doneAt).toBeNull();
    expect(await prisma.notificationLog.findUnique({ where: { dedupeKey: dedupeKeyForOutbox(outbox.id) } })).toBeNull();
    // The retry cannot know the first got through: a duplicate link, never a lost one (decision 027).
    expect((await handleOutboxEmail({ outboxId: outbox.id }, { transport, from: FROM, appUrl: APP_URL })).outcome).toBe(
      "sent",
    );
    expect(catcher.messages().filter(sentTo(email))).toHaveLength(2);
    expect((await handleOutboxEmail({ outboxId: outbox.id }, { transport, from: FROM, appUrl: APP_URL })).outcome).toBe(
      "already-sent",
    );
    expect(catcher.messages().filter(sentTo(email))).toHaveLength(2);
  });
});

describe("a job that can never succeed", () => {
  it("is given up: its row is done with the reason, so the relay stops handing it over", async () => {
    // An email row whose payload no longer matches its schema: an UnrecoverableError, one attempt.
    const row = await prisma.outboxMessage.create({
      data: { topic: "email.invitation", payload: { tokenId: "not-a-token" } },
    });
    expect(await relayAll(await newRelay())).toBe(1);
    await vi.waitFor(async () => expect((await outboxRow(row.id)).doneAt).not.toBeNull(), { timeout: 10_000 });
    expect((await outboxRow(row.id)).lastError).toMatch(/^gave up after 1 attempt\(s\): .*does not match its schema/);
    // Even with a lease long past, a done row is never handed over again.
    const relay = await newRelay(undefined, { leaseMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await relay.relayOnce()).toEqual({ dispatched: 0, redisDown: false });
  });
});

describe("Redis unreachable", () => {
  it("keeps outbox rows pending, then delivers them once when Redis is back", async () => {
    const email = "during.outage@example.org";
    const { outbox } = await invite(email);

    const down = await newRelay("redis://127.0.0.1:6390");
    for (let i = 0; i < 3; i++) expect(await down.relayOnce()).toEqual({ dispatched: 0, redisDown: true });
    const waiting = await outboxRow(outbox.id);
    expect(waiting.dispatchedAt).toBeNull();
    expect(waiting.payload).toHaveProperty("secret");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(catcher.messages().filter(sentTo(email))).toHaveLength(0);

    expect(await relayAll(await newRelay())).toBeGreaterThanOrEqual(1);
    await catcher.waitFor(sentTo(email));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(catcher.messages().filter(sentTo(email))).toHaveLength(1);
  });
});
