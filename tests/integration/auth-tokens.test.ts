/**
 * One-time secrets over HTTP: password reset links (single use, one hour, stored hashed),
 * invitation links (single use, stored hashed) and pupils' paper setup codes (single use; a
 * wrong code reads exactly like a wrong username).
 */
import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createAuthToken, createOrganisation, createSchoolWithAdmin, createUser } from "../support/factories.ts";
import { comparablePage, SESSION_COOKIE, useTestServer, visibleText } from "../support/http.ts";
import { clearThrottle } from "../support/redis.ts";
import { testPrisma } from "../setup/db.ts";

// Real argon2 sign-ins over HTTP: give each test room on a busy shared machine.
vi.setConfig({ testTimeout: 60_000 });

const server = useTestServer();
beforeEach(async () => {
  await clearThrottle();
});

const sha256 = (text: string) => createHash("sha256").update(text).digest();

/** The secret the worker would put in the email: the newest outbox row for the topic. */
async function secretFromOutbox(topic: "email.password-reset" | "email.invitation"): Promise<string> {
  const message = await testPrisma().outboxMessage.findFirstOrThrow({
    where: { topic },
    orderBy: { createdAt: "desc" },
  });
  return (message.payload as { secret: string }).secret;
}

/** Everything in auth_tokens as text, to search for a secret that must not be there. */
async function authTokensDump(): Promise<string> {
  const [row] = await testPrisma().$queryRaw<
    { text: string | null }[]
  >`SELECT string_agg(row_to_json(t)::text || encode(t.token_hash, 'escape'), ' ') AS text FROM auth_tokens t`;
  return row.text ?? "";
}

const canSignIn = async (identifier: string, password: string) =>
  (await server.client().post("/login", { identifier, password, redirectTo: "/" })).status === 302;

describe("password reset links", () => {
  it("are stored only as a hash, and last one hour", async () => {
    const { admin } = await createSchoolWithAdmin();
    const response = await server.client().post("/forgot-password", { email: admin.email! });
    expect(response.status).toBe(200);

    const secret = await secretFromOutbox("email.password-reset");
    const token = await testPrisma().authToken.findFirstOrThrow({
      where: { userId: admin.id, kind: "PASSWORD_RESET" },
    });
    expect(Buffer.from(token.tokenHash).equals(sha256(secret))).toBe(true);
    expect(await authTokensDump()).not.toContain(secret);
    expect(token.expiresAt.getTime() - token.createdAt.getTime()).toBeCloseTo(60 * 60 * 1000, -4);
  });

  it("work once: set the password, sign out every session, then refuse a second use", async () => {
    const { admin } = await createSchoolWithAdmin();
    const signedIn = server.client();
    await signedIn.signIn(admin.email!, admin.password);
    await server.client().post("/forgot-password", { email: admin.email! });
    const secret = await secretFromOutbox("email.password-reset");

    expect((await server.client().get(`/reset-password/${secret}`)).text).toContain("Choose a new password");
    const first = await server.client().post(`/reset-password/${secret}`, { password: "first-new-password-31" });
    expect(first.status).toBe(302);
    expect(first.location).toBe("/login?reset=1");
    expect(await testPrisma().session.count({ where: { userId: admin.id } })).toBe(0);
    expect((await signedIn.get("/account")).status).toBe(302);

    const second = await server.client().post(`/reset-password/${secret}`, { password: "second-new-password-62" });
    expect(second.status).toBe(400);
    expect(second.text).toContain("This reset link has expired or has already been used.");
    expect((await server.client().get(`/reset-password/${secret}`)).text).toContain("This link has expired");
    expect(await canSignIn(admin.email!, "second-new-password-62")).toBe(false);
    expect(await canSignIn(admin.email!, "first-new-password-31")).toBe(true);
  });

  it("stop working after one hour", async () => {
    const { admin } = await createSchoolWithAdmin();
    const { secret } = await createAuthToken({
      kind: "PASSWORD_RESET",
      userId: admin.id,
      expiresAt: new Date(Date.now() - 1_000),
    });

    expect((await server.client().get(`/reset-password/${secret}`)).text).toContain("This link has expired");
    const response = await server.client().post(`/reset-password/${secret}`, { password: "too-late-password-44" });
    expect(response.status).toBe(400);
    expect(await canSignIn(admin.email!, admin.password)).toBe(true);
  });

  it("still work just inside the hour", async () => {
    const { admin } = await createSchoolWithAdmin();
    const { secret } = await createAuthToken({
      kind: "PASSWORD_RESET",
      userId: admin.id,
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect((await server.client().post(`/reset-password/${secret}`, { password: "just-in-time-pass-45" })).status).toBe(
      302,
    );
  });

  it("are replaced by a newer link: the earlier one stops working", async () => {
    const { admin } = await createSchoolWithAdmin();
    await server.client().post("/forgot-password", { email: admin.email! });
    const earlier = await secretFromOutbox("email.password-reset");
    await new Promise((resolve) => setTimeout(resolve, 5));
    await server.client().post("/forgot-password", { email: admin.email! });
    const later = await secretFromOutbox("email.password-reset");
    expect(later).not.toBe(earlier);

    expect(
      (await server.client().post(`/reset-password/${earlier}`, { password: "old-link-password-46" })).status,
    ).toBe(400);
    expect((await server.client().post(`/reset-password/${later}`, { password: "new-link-password-47" })).status).toBe(
      302,
    );
  });

  it("cannot be stood in for by an invitation or setup secret", async () => {
    const { school, admin } = await createSchoolWithAdmin();
    const { secret } = await createAuthToken({
      kind: "INVITATION",
      email: admin.email!,
      organisationId: school.id,
      role: "TEACHER",
      userId: admin.id,
    });
    expect(
      (await server.client().post(`/reset-password/${secret}`, { password: "wrong-kind-password-48" })).status,
    ).toBe(400);
  });
});

describe("invitation links", () => {
  it("are stored only as a hash and work once", async () => {
    const { school, admin } = await createSchoolWithAdmin();
    const adminBrowser = server.client();
    await adminBrowser.signIn(admin.email!, admin.password);
    const invited = "invited.teacher@example.org";
    expect(
      (await adminBrowser.post(`/org/${school.id}/people`, { intent: "invite", email: invited, role: "TEACHER" }))
        .status,
    ).toBe(200);
    const secret = await secretFromOutbox("email.invitation");
    expect(await authTokensDump()).not.toContain(secret);

    const page = await server.client().get(`/invite/${secret}`);
    expect(visibleText(page.text)).toContain(`Join ${school.name}`);
    const newcomer = server.client();
    const accepted = await newcomer.post(`/invite/${secret}`, {
      firstName: "Ivy",
      lastName: "Invited",
      password: "ivy-joins-the-school-1",
    });
    expect(accepted.status).toBe(302);
    expect(accepted.location).toBe("/?welcome=1");
    expect(newcomer.sessionToken).toBeDefined();

    const replay = await server
      .client()
      .post(`/invite/${secret}`, { firstName: "Mallory", lastName: "Replay", password: "mallory-replays-it-2" });
    expect(replay.status).toBe(400);
    expect(replay.setCookies.some((c) => c.name === SESSION_COOKIE)).toBe(false);
    expect((await server.client().get(`/invite/${secret}`)).text).toContain("This invitation has expired");

    const users = await testPrisma().user.findMany({
      where: { email: invited },
      select: { firstName: true, memberships: { select: { organisationId: true, role: true } } },
    });
    expect(users).toEqual([{ firstName: "Ivy", memberships: [{ organisationId: school.id, role: "TEACHER" }] }]);
  });

  it("do not take over an existing account: its owner must be signed in", async () => {
    const { school } = await createSchoolWithAdmin();
    const existing = await createUser({ roles: [] });
    const { secret } = await createAuthToken({
      kind: "INVITATION",
      email: existing.email!,
      organisationId: school.id,
      role: "SCHOOL_ADMIN",
    });
    const response = await server.client().post(`/invite/${secret}`, {});
    expect(response.status).toBe(400);
    expect(await testPrisma().membership.count({ where: { userId: existing.id } })).toBe(0);
  });
});

describe("pupils' setup codes", () => {
  const FAILURE =
    "That username and setup code do not match, or the code has expired. Ask your teacher for a new code.";

  async function pupilWithCode(expiresAt?: Date) {
    const school = await createOrganisation({ kind: "SCHOOL" });
    const pupil = await createUser({ password: null, roles: [{ org: school, role: "PUPIL" }] });
    const { secret: code } = await createAuthToken({ kind: "SETUP_CODE", userId: pupil.id, expiresAt });
    return { pupil, code };
  }

  it("are stored only as a hash and set the pupil's password once", async () => {
    const { pupil, code } = await pupilWithCode();
    expect(await authTokensDump()).not.toContain(code);

    const browser = server.client();
    const first = await browser.post("/setup", { username: pupil.username!, code, password: "my-own-password-11" });
    expect(first.status).toBe(302);
    expect(browser.sessionToken).toBeDefined();

    const again = await server
      .client()
      .post("/setup", { username: pupil.username!, code, password: "someone-elses-pass-12" });
    expect(again.status).toBe(400);
    expect(again.text).toContain(FAILURE);
    expect(await canSignIn(pupil.username!, "someone-elses-pass-12")).toBe(false);
    expect(await canSignIn(pupil.username!, "my-own-password-11")).toBe(true);
  });

  it("accept the code typed in lower case and without the dash", async () => {
    const { pupil, code } = await pupilWithCode();
    const typed = code.replace("-", "").toLowerCase();
    expect(
      (
        await server
          .client()
          .post("/setup", { username: pupil.username!.toUpperCase(), code: typed, password: "typed-loosely-pass-13" })
      ).status,
    ).toBe(302);
  });

  it("answer a wrong code exactly like a wrong username", async () => {
    const { pupil, code } = await pupilWithCode();
    const wrongCode = code.startsWith("A") ? "BBBB-CCCC" : "AAAA-BBBB";
    const wrongCodeAnswer = await server
      .client()
      .post("/setup", { username: pupil.username!, code: wrongCode, password: "any-password-here-14" });
    const wrongUserAnswer = await server
      .client()
      .post("/setup", { username: "nosuchpupil9999", code, password: "any-password-here-14" });

    expect(wrongCodeAnswer.status).toBe(400);
    expect(wrongUserAnswer.status).toBe(400);
    expect(wrongCodeAnswer.text).toContain(FAILURE);
    expect(comparablePage(wrongCodeAnswer.text, pupil.username!, wrongCode)).toBe(
      comparablePage(wrongUserAnswer.text, "nosuchpupil9999", code),
    );
    // The right pair still works afterwards.
    expect(
      (await server.client().post("/setup", { username: pupil.username!, code, password: "any-password-here-14" }))
        .status,
    ).toBe(302);
  });

  it("answer an expired code like a wrong one", async () => {
    const { pupil, code } = await pupilWithCode(new Date(Date.now() - 1_000));
    const response = await server
      .client()
      .post("/setup", { username: pupil.username!, code, password: "expired-code-pass-15" });
    expect(response.status).toBe(400);
    expect(response.text).toContain(FAILURE);
  });

  it("cannot be redeemed for another pupil's username", async () => {
    const { code } = await pupilWithCode();
    const { pupil: other } = await pupilWithCode();
    const response = await server
      .client()
      .post("/setup", { username: other.username!, code, password: "borrowed-code-pass-16" });
    expect(response.status).toBe(400);
    expect(response.text).toContain(FAILURE);
  });

  it("are throttled: the 6th guess for a username gets 429 with Retry-After", async () => {
    const { pupil, code } = await pupilWithCode();
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await server
            .client()
            .post("/setup", { username: pupil.username!, code: `ZZZZ-ZZZ${i + 2}`, password: "guessing-pass-17" })
        ).status,
      ).toBe(400);
    }
    const blocked = await server
      .client()
      .post("/setup", { username: pupil.username!, code, password: "guessing-pass-17" });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toMatch(/Try again in \d+ minutes?/);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
