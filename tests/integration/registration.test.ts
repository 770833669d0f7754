/**
 * A school or employer asks to join, over real HTTP, with its emails sent by the real email
 * handler to an in-process SMTP server. The form answers "check your email" whether or not the
 * address has an account, so it cannot be used to learn who has one; an existing account is left
 * as it was and its owner is told by email; only the link sent to a new address creates the
 * organisation and signs its first admin in, once, within a day. One network can make only ten
 * requests an hour, so the form cannot make the server hash passwords in bulk.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { REGISTER_LIMIT } from "../../app/auth/throttle.server.ts";
import { hashToken } from "../../app/auth/tokens.ts";
import { startMailCatcher, type CaughtMail, type MailCatcher } from "../../scripts/mail-catcher.ts";
import { testPrisma } from "../setup/db.ts";
import { createSchoolWithAdmin } from "../support/factories.ts";
import { comparablePage, SESSION_COOKIE, useTestServer, visibleText } from "../support/http.ts";
import { clearThrottle, expireThrottleWindows } from "../support/redis.ts";

// Every request hashes a password with argon2: give the tests room on a busy machine.
vi.setConfig({ testTimeout: 90_000 });

const server = useTestServer();
const prisma = testPrisma();
const APP_URL = "http://localhost:3000";
let catcher: MailCatcher;

beforeAll(async () => {
  catcher = await startMailCatcher({ port: 0 });
});
afterAll(async () => {
  await catcher?.close();
});
beforeEach(async () => {
  await clearThrottle();
});

const PASSWORD = "a-long-enough-passphrase-7";
let serial = 0;

function school(overrides: Record<string, string> = {}): Record<string, string> {
  serial++;
  return {
    kind: "SCHOOL",
    name: `Registration Test Academy ${serial}`,
    districtCode: "E07000192",
    urn: String(700000 + serial),
    firstName: "Rhiannon",
    lastName: "Ashby",
    email: `head${serial}@registration.example`,
    password: PASSWORD,
    ...overrides,
  };
}

/** Sends every email waiting in the outbox through the relay and the email worker, and returns what arrived. */
async function deliverEmails(): Promise<CaughtMail[]> {
  catcher.clear();
  const child = spawn(process.execPath, ["--import", "tsx", "tests/support/run-email-jobs.ts"], {
    env: { ...process.env, MAIL_CATCHER_URL: catcher.url, APP_URL, NODE_ENV: "development", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.on("exit", resolve));
  const outcome = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as { completed?: number; failed?: string[] };
  expect(outcome, out.slice(-1500)).toMatchObject({ failed: [] });
  return catcher.messages();
}

const confirmLinkIn = (mail: CaughtMail) => mail.text.match(new RegExp(`${APP_URL}(/register/confirm/[a-z0-9]+)`))?.[1];

/** Asks to join with each form (new addresses) and returns the path of the link each email carries, in order. */
async function requestLinks(...forms: Record<string, string>[]): Promise<string[]> {
  for (const form of forms) expect((await server.client().post("/register", form)).status).toBe(200);
  const links = (await deliverEmails()).map((m) => ({ to: m.to, link: confirmLinkIn(m) }));
  const found: string[] = [];
  for (const form of forms) {
    // One address may have asked more than once: the link whose secret hashes to this request's token.
    const pending = await prisma.pendingRegistration.findFirstOrThrow({
      where: { urn: form.urn, token: { email: form.email } },
      select: { token: { select: { tokenHash: true } } },
    });
    const hash = Buffer.from(pending.token.tokenHash).toString("hex");
    const match = links.find(
      (l) =>
        l.to.includes(form.email) &&
        l.link &&
        Buffer.from(hashToken(l.link.split("/").at(-1)!)).toString("hex") === hash,
    );
    expect(match, `the email to ${form.email} carries the confirmation link`).toBeTruthy();
    found.push(match!.link!);
  }
  return found;
}

describe("asking to join", () => {
  it("answers the same page for an address with an account and one without, naming the address typed", async () => {
    const { admin } = await createSchoolWithAdmin();
    const base = school();
    const unknown = { ...base, email: `nobody-${serial}@registration.example` };
    const known = { ...base, email: admin.email! };
    const answers = [await server.client().post("/register", unknown), await server.client().post("/register", known)];
    for (const [i, answer] of answers.entries()) {
      const email = [unknown, known][i].email;
      expect(answer.status).toBe(200);
      expect(answer.setCookies.some((c) => c.name === SESSION_COOKIE)).toBe(false);
      expect(visibleText(answer.text)).toContain("Check your email");
      expect(visibleText(answer.text)).toMatch(
        new RegExp(`We(?:'|&#x27;|&#39;)ve sent a link to <strong>${email}</strong> to confirm your request`),
      );
      expect(answer.text).not.toContain(PASSWORD);
    }
    expect(comparablePage(answers[0].text, unknown.email)).toBe(comparablePage(answers[1].text, known.email));
    // Nothing is created yet, for either.
    expect(await prisma.organisation.count({ where: { urn: base.urn } })).toBe(0);
    expect(await prisma.user.count({ where: { email: unknown.email } })).toBe(0);
  });

  it("keeps a new address's request, with the password only as its hash, and sends it a confirmation link", async () => {
    const form = school();
    await requestLinks(form);
    const pending = await prisma.pendingRegistration.findFirstOrThrow({
      where: { urn: form.urn },
      include: { token: { select: { kind: true, email: true, expiresAt: true, createdAt: true } } },
    });
    expect(pending).toMatchObject({
      kind: "SCHOOL",
      name: form.name,
      firstName: "Rhiannon",
      token: { kind: "REGISTRATION", email: form.email },
    });
    expect(pending.passwordHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(await prisma.pendingRegistration.findMany())).not.toContain(PASSWORD);
    expect(
      Math.abs(pending.token.expiresAt.getTime() - pending.token.createdAt.getTime() - 24 * 60 * 60 * 1000),
    ).toBeLessThan(60_000);
  });

  it("leaves an existing account as it was and tells its owner, with sign-in and forgot-password links", async () => {
    const { admin } = await createSchoolWithAdmin();
    const before = await prisma.user.findUniqueOrThrow({
      where: { id: admin.id },
      include: { memberships: true, sessions: true },
    });
    const form = school({
      email: admin.email!,
      firstName: "Someone",
      lastName: "Else",
      password: "another-long-passphrase-9",
    });
    expect((await server.client().post("/register", form)).status).toBe(200);

    const mails = (await deliverEmails()).filter((m) => m.to.includes(admin.email!));
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe("You already have a Staffordshire Digital Skills account");
    expect(mails[0].text).toContain(`${APP_URL}/login`);
    expect(mails[0].text).toContain(`${APP_URL}/forgot-password`);
    expect(mails[0].text).not.toContain("/register/confirm/");
    expect(mails[0].text).not.toContain(form.name); // nothing the requester typed reaches the owner

    const after = await prisma.user.findUniqueOrThrow({
      where: { id: admin.id },
      include: { memberships: true, sessions: true },
    });
    expect(after).toEqual(before);
    expect(await prisma.organisation.count({ where: { urn: form.urn } })).toBe(0);
    expect(await prisma.pendingRegistration.count({ where: { urn: form.urn } })).toBe(0);
    expect(await prisma.authToken.count({ where: { email: admin.email!, kind: "REGISTRATION" } })).toBe(0);
  });

  it("sends at most three emails an hour to one address, with the same answer after that", async () => {
    const email = `often-${serial}@registration.example`;
    for (let i = 0; i < REGISTER_LIMIT.perAddress + 2; i++) {
      const answer = await server.client().post("/register", school({ email }));
      expect(answer.status).toBe(200);
      expect(visibleText(answer.text)).toContain("Check your email");
    }
    expect((await deliverEmails()).filter((m) => m.to.includes(email))).toHaveLength(REGISTER_LIMIT.perAddress);
  });
});

describe("the confirmation link", () => {
  it("shows the request without acting on it; confirming creates the organisation as pending and signs its first admin in", async () => {
    const form = school();
    const link = (await requestLinks(form))[0];

    const browser = server.client();
    const page = await browser.get(link);
    expect(page.status).toBe(200);
    expect(visibleText(page.text)).toContain(form.name);
    expect(visibleText(page.text)).toContain("Confirm and send the request");
    // A mail scanner that opens the link creates nothing.
    expect(await prisma.organisation.count({ where: { urn: form.urn } })).toBe(0);

    const confirmed = await browser.post(link);
    expect(confirmed.status).toBe(302);
    expect(confirmed.location).toBe("/?registered=1");
    expect(confirmed.setCookies.some((c) => c.name === SESSION_COOKIE)).toBe(true);
    const organisation = await prisma.organisation.findUniqueOrThrow({
      where: { urn: form.urn },
      select: {
        status: true,
        name: true,
        memberships: { select: { role: true, user: { select: { email: true, firstName: true } } } },
      },
    });
    expect(organisation).toEqual({
      status: "PENDING",
      name: form.name,
      memberships: [{ role: "SCHOOL_ADMIN", user: { email: form.email, firstName: "Rhiannon" } }],
    });
    expect(await prisma.pendingRegistration.count({ where: { urn: form.urn } })).toBe(0);
    // The password chosen on the form is the account's password.
    expect(
      (await server.client().post("/login", { identifier: form.email, password: PASSWORD, redirectTo: "/" })).status,
    ).toBe(302);
  });

  it("works once", async () => {
    const form = school();
    const link = (await requestLinks(form))[0];
    expect((await server.client().post(link)).status).toBe(302);
    const again = await server.client().post(link);
    expect(again.status).toBe(400);
    expect(visibleText(again.text)).toContain("This link has expired");
    expect(visibleText((await server.client().get(link)).text)).toContain("This link has expired");
    expect(await prisma.organisation.count({ where: { urn: form.urn } })).toBe(1);
    expect(await prisma.user.count({ where: { email: form.email } })).toBe(1);
  });

  it("expires after a day", async () => {
    const form = school();
    const link = (await requestLinks(form))[0];
    await prisma.authToken.updateMany({
      where: { email: form.email, kind: "REGISTRATION" },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(visibleText((await server.client().get(link)).text)).toContain("This link has expired");
    const answer = await server.client().post(link);
    expect(answer.status).toBe(400);
    expect(answer.setCookies.some((c) => c.name === SESSION_COOKIE)).toBe(false);
    expect(await prisma.organisation.count({ where: { urn: form.urn } })).toBe(0);
    expect(await prisma.user.count({ where: { email: form.email } })).toBe(0);
  });

  it("answers a made-up or altered link with the expired page or a 400, never a 500", async () => {
    const form = school();
    const link = (await requestLinks(form))[0];
    const altered = link.slice(0, -1) + (link.endsWith("a") ? "b" : "a");
    for (const path of [
      altered,
      "/register/confirm/not-a-token",
      `/register/confirm/${"x".repeat(5000)}`,
      "/register/confirm/%00%27%3Cscript%3E",
    ]) {
      const page = await server.client().get(path);
      expect({ path, status: page.status }).toEqual({ path, status: 200 });
      expect(visibleText(page.text)).toContain("This link has expired");
      const posted = await server.client().post(path);
      expect({ path, status: posted.status }).toEqual({ path, status: 400 });
    }
    expect(await prisma.organisation.count({ where: { urn: form.urn } })).toBe(0);
  });

  it("refuses a form with fields the page does not have", async () => {
    const form = school();
    const link = (await requestLinks(form))[0];
    expect((await server.client().post(link, { role: "PARTNERSHIP_ADMIN" })).status).toBe(400);
    expect(await prisma.organisation.count({ where: { urn: form.urn } })).toBe(0);
  });

  it("checks again when used: an address or URN registered since the request is explained, and nothing is created", async () => {
    const first = school();
    const sameUrn = school({ urn: first.urn });
    const sameEmail = school({ email: first.email });
    const links = await requestLinks(first, sameUrn, sameEmail);
    expect((await server.client().post(links[0])).status).toBe(302);

    const urnAnswer = await server.client().post(links[1]);
    expect(urnAnswer.status).toBe(400);
    expect(visibleText(urnAnswer.text)).toContain("A school with that URN is already registered.");
    expect(await prisma.user.count({ where: { email: sameUrn.email } })).toBe(0);

    const emailAnswer = await server.client().post(links[2]);
    expect(emailAnswer.status).toBe(400);
    expect(visibleText(emailAnswer.text)).toContain("An account with this email address already exists.");
    expect(await prisma.organisation.count({ where: { urn: sameEmail.urn } })).toBe(0);
  });
});

describe("requests from one network", () => {
  it(`are limited to ${REGISTER_LIMIT.perClient} an hour, with a message and Retry-After, and allowed again after the hour`, async () => {
    for (let i = 0; i < REGISTER_LIMIT.perClient; i++) {
      // Refused requests count too: each one could make the server hash a password.
      const response = await server
        .client()
        .post("/register", school({ districtCode: "E07000192", password: "short" }));
      expect(response.status, `request ${i + 1}`).toBe(400);
    }
    const refused = school();
    const response = await server.client().post("/register", refused);
    expect(response.status).toBe(429);
    expect(response.text).toMatch(/Too many requests to join from your network\. Try again in (60|59) minutes\./);
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(59 * 60);
    expect(retryAfter).toBeLessThanOrEqual(60 * 60);
    expect(response.text).not.toContain(PASSWORD);
    expect(await prisma.pendingRegistration.count({ where: { urn: refused.urn } })).toBe(0);

    expect(await expireThrottleWindows()).toBeGreaterThan(0);
    const again = await server.client().post("/register", refused);
    expect(again.status).toBe(200);
    expect(await prisma.pendingRegistration.count({ where: { urn: refused.urn } })).toBe(1);
  });

  it("does not count a form that fails validation", async () => {
    for (let i = 0; i < REGISTER_LIMIT.perClient + 2; i++) {
      expect((await server.client().post("/register", school({ email: "not-an-email" }))).status).toBe(400);
    }
    expect((await server.client().post("/register", school())).status).toBe(200);
  });
});
