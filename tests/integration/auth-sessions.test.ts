/**
 * Sessions over real HTTP against the production build: fixation, sign-out, idle and absolute
 * expiry, ending sessions when an account is disabled or its password changes, hash-only
 * storage, and the cookie's flags.
 */
import { createHash } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import {
  createOrganisation,
  createSchoolWithAdmin,
  createUser,
  sessionIdOf,
  type TestUser,
} from "../support/factories.ts";
import { SESSION_COOKIE, useTestServer, type TestClient } from "../support/http.ts";
import { testPrisma } from "../setup/db.ts";

// Real argon2 sign-ins over HTTP: give each test room on a busy shared machine.
vi.setConfig({ testTimeout: 60_000 });

const server = useTestServer();

const MINUTE = 60_000;

async function signedIn(user: TestUser): Promise<TestClient> {
  const client = server.client();
  await client.signIn(user.email ?? user.username!, user.password);
  return client;
}

/** A page only a signed-in person can open: 200 when the session works, a redirect otherwise. */
async function expectSignedIn(client: TestClient) {
  const response = await client.get("/account");
  expect(response.status, "the session should still work").toBe(200);
}

async function expectSentToSignIn(client: TestClient) {
  const response = await client.get("/account");
  expect(response.status).toBe(302);
  expect(response.location).toBe("/login?redirectTo=%2Faccount");
}

const sessionRow = (token: string | undefined) =>
  testPrisma().session.findUnique({ where: { id: sessionIdOf(token) } });

describe("session fixation: sign-in always starts a new session", () => {
  it("ignores a made-up session cookie planted before sign-in", async () => {
    const { admin } = await createSchoolWithAdmin();
    const planted = "plantedsessionid0000000000.plantedsecret00000000000000000000";
    const victim = server.client();
    victim.setCookie(SESSION_COOKIE, planted);

    const response = await victim.signIn(admin.email!, admin.password);

    const issued = response.setCookies.find((c) => c.name === SESSION_COOKIE);
    expect(issued?.value).toMatch(/^[a-z2-7]{24}\.[a-z2-7]{32}$/);
    expect(issued?.value).not.toBe(planted);
    expect(await testPrisma().session.findUnique({ where: { id: sessionIdOf(planted) } })).toBeNull();
    const attacker = server.client();
    attacker.setCookie(SESSION_COOKIE, planted);
    await expectSentToSignIn(attacker);
  });

  it("never promotes a real session token planted before sign-in, and ends that session", async () => {
    const { school, admin: victimUser } = await createSchoolWithAdmin();
    const attackerUser = await createUser({ roles: [{ org: school, role: "TEACHER" }] });
    const attacker = await signedIn(attackerUser);
    const planted = attacker.sessionToken!;

    const victim = server.client();
    victim.setCookie(SESSION_COOKIE, planted);
    const response = await victim.signIn(victimUser.email!, victimUser.password);

    const issued = response.setCookies.find((c) => c.name === SESSION_COOKIE)!.value;
    expect(sessionIdOf(issued)).not.toBe(sessionIdOf(planted));
    expect((await sessionRow(issued))?.userId).toBe(victimUser.id);
    // The planted token never becomes the victim's session; the app retires it on sign-in.
    expect(await sessionRow(planted)).toBeNull();
    await expectSentToSignIn(attacker);
  });
});

describe("sign-out ends the session on the server", () => {
  it("refuses a copied cookie replayed after sign-out, and deletes the session row", async () => {
    const { admin } = await createSchoolWithAdmin();
    const browser = await signedIn(admin);
    const copied = browser.clone();
    const token = browser.sessionToken;
    expect(await sessionRow(token)).not.toBeNull();

    const response = await browser.post("/logout");

    expect(response.status).toBe(302);
    expect(response.location).toBe("/login?signedOut=1");
    const cleared = response.setCookies.find((c) => c.name === SESSION_COOKIE);
    expect(cleared?.value).toBe("");
    expect(cleared?.attributes["max-age"]).toBe("0");
    expect(await sessionRow(token)).toBeNull();
    await expectSentToSignIn(copied);
  });
});

describe("sessions expire when idle and after an absolute lifetime", () => {
  it("ends a staff session idle for longer than 2 hours, but not one idle for less", async () => {
    const { school } = await createSchoolWithAdmin();
    const teacher = await createUser({ roles: [{ org: school, role: "TEACHER" }] });
    const fresh = await signedIn(teacher);
    const stale = await signedIn(teacher);
    await testPrisma().session.update({
      where: { id: sessionIdOf(fresh.sessionToken) },
      data: { lastActiveAt: new Date(Date.now() - 119 * MINUTE) },
    });
    await testPrisma().session.update({
      where: { id: sessionIdOf(stale.sessionToken) },
      data: { lastActiveAt: new Date(Date.now() - 121 * MINUTE) },
    });

    await expectSignedIn(fresh);
    await expectSentToSignIn(stale);
    expect(await sessionRow(stale.sessionToken)).toBeNull();
  });

  it("ends a session past its absolute expiry even while it is in use", async () => {
    const { admin } = await createSchoolWithAdmin();
    const browser = await signedIn(admin);
    await testPrisma().session.update({
      where: { id: sessionIdOf(browser.sessionToken) },
      data: { lastActiveAt: new Date(), expiresAt: new Date(Date.now() - 1_000) },
    });

    await expectSentToSignIn(browser);
    expect(await sessionRow(browser.sessionToken)).toBeNull();
  });

  it("gives pupils the shorter policy: 1 hour idle and 8 hours in all, against 2 and 12 for staff", async () => {
    const school = await createOrganisation({ kind: "SCHOOL" });
    const pupil = await createUser({ roles: [{ org: school, role: "PUPIL" }] });
    const teacher = await createUser({ roles: [{ org: school, role: "TEACHER" }] });
    const pupilBrowser = await signedIn(pupil);
    const teacherBrowser = await signedIn(teacher);

    const hoursLeft = async (client: TestClient) =>
      ((await sessionRow(client.sessionToken))!.expiresAt.getTime() - Date.now()) / 3_600_000;
    expect(await hoursLeft(pupilBrowser)).toBeCloseTo(8, 1);
    expect(await hoursLeft(teacherBrowser)).toBeCloseTo(12, 1);

    const idle61 = new Date(Date.now() - 61 * MINUTE);
    await testPrisma().session.updateMany({
      where: { id: { in: [sessionIdOf(pupilBrowser.sessionToken), sessionIdOf(teacherBrowser.sessionToken)] } },
      data: { lastActiveAt: idle61 },
    });
    await expectSentToSignIn(pupilBrowser);
    await expectSignedIn(teacherBrowser);
  });
});

describe("disabling an account or changing a password ends sessions", () => {
  it("signs a person the partnership admin disables out of every browser at once", async () => {
    const { school } = await createSchoolWithAdmin();
    const partnership = await createOrganisation({ kind: "PROVIDER" });
    const admin = await createUser({ roles: [{ org: partnership, role: "PARTNERSHIP_ADMIN" }] });
    const teacher = await createUser({ roles: [{ org: school, role: "TEACHER" }] });
    const laptop = await signedIn(teacher);
    const phone = await signedIn(teacher);
    const adminBrowser = await signedIn(admin);

    const response = await adminBrowser.post(`/org/${school.id}/people`, { intent: "disable", userId: teacher.id });

    expect(response.status).toBe(200);
    expect(response.text).toContain("The account has been disabled and signed out everywhere.");
    expect(await testPrisma().session.count({ where: { userId: teacher.id } })).toBe(0);
    await expectSentToSignIn(laptop);
    await expectSentToSignIn(phone);
    await expectSignedIn(adminBrowser);
    // And the disabled person cannot simply sign in again.
    expect(
      (await server.client().post("/login", { identifier: teacher.email!, password: teacher.password })).status,
    ).toBe(400);
  });

  it("keeps the browser that changed the password signed in and signs out all the others", async () => {
    const { admin } = await createSchoolWithAdmin();
    const here = await signedIn(admin);
    const elsewhere = await signedIn(admin);
    const newPassword = "violet-harbour-canvas-77";

    const response = await here.post("/account", { currentPassword: admin.password, newPassword });

    expect(response.status).toBe(200);
    expect(response.text).toContain("Your password has been changed.");
    await expectSignedIn(here);
    await expectSentToSignIn(elsewhere);
    const remaining = await testPrisma().session.findMany({ where: { userId: admin.id }, select: { id: true } });
    expect(remaining).toEqual([{ id: sessionIdOf(here.sessionToken) }]);
    expect((await server.client().post("/login", { identifier: admin.email!, password: admin.password })).status).toBe(
      400,
    );
    await server.client().signIn(admin.email!, newPassword);
  });

  it("changes nothing when the current password is wrong", async () => {
    const { admin } = await createSchoolWithAdmin();
    const here = await signedIn(admin);
    const elsewhere = await signedIn(admin);

    const response = await here.post("/account", {
      currentPassword: "not-my-password-1",
      newPassword: "violet-harbour-canvas-77",
    });

    expect(response.status).toBe(400);
    expect(response.text).toContain("Your current password is not right.");
    await expectSignedIn(elsewhere);
  });
});

describe("the sessions table holds only a hash of each session secret", () => {
  it("stores SHA-256 of the secret and nothing from which the cookie could be rebuilt", async () => {
    const { admin } = await createSchoolWithAdmin();
    const browser = await signedIn(admin);
    const [id, secret] = browser.sessionToken!.split(".");

    const row = await testPrisma().session.findUniqueOrThrow({ where: { id } });
    expect(Buffer.from(row.secretHash).equals(createHash("sha256").update(secret).digest())).toBe(true);
    const [dump] = await testPrisma().$queryRaw<
      { text: string }[]
    >`SELECT string_agg(row_to_json(s)::text || encode(s.secret_hash, 'escape'), ' ') AS text FROM sessions s`;
    expect(dump.text).toContain(id);
    expect(dump.text).not.toContain(secret);
  });

  it("records each sign-in in the audit log with the session it starts", async () => {
    const { admin } = await createSchoolWithAdmin();
    await signedIn(admin);
    await signedIn(admin);
    const signIns = await testPrisma().auditLog.findMany({ where: { action: "auth.sign-in", subjectId: admin.id } });
    expect(signIns).toHaveLength(2);
    expect(signIns.every((row) => row.actorId === admin.id && row.subjectType === "user")).toBe(true);
    expect(await testPrisma().session.count({ where: { userId: admin.id } })).toBe(2);
  });

  it("refuses a cookie with the right session id but a wrong secret, and keeps the real session", async () => {
    const { admin } = await createSchoolWithAdmin();
    const browser = await signedIn(admin);
    const [id, secret] = browser.sessionToken!.split(".");
    const forged = server.client();
    const wrongSecret = [...secret].reverse().join("");

    for (const candidate of [wrongSecret, createHash("sha256").update(secret).digest("hex"), ""]) {
      forged.setCookie(SESSION_COOKIE, `${id}.${candidate}`);
      await expectSentToSignIn(forged);
    }
    await expectSignedIn(browser);
  });
});

describe("the session cookie in production", () => {
  it("is __Host- prefixed, HttpOnly, Secure, SameSite=Lax, Path=/ and has no Domain", async () => {
    const { admin } = await createSchoolWithAdmin();
    const response = await server.client().signIn(admin.email!, admin.password);

    const cookie = response.setCookies.find((c) => c.name === SESSION_COOKIE);
    expect(cookie, `Set-Cookie: ${response.headers.get("set-cookie")}`).toBeDefined();
    expect(cookie!.attributes.httponly).toBe(true);
    expect(cookie!.attributes.secure).toBe(true);
    expect(cookie!.attributes.samesite).toBe("Lax");
    expect(cookie!.attributes.path).toBe("/");
    expect(cookie!.attributes).not.toHaveProperty("domain");
    expect(Date.parse(cookie!.attributes.expires as string)).toBeGreaterThan(Date.now());
    expect(response.setCookies.some((c) => c.name === "dst_session")).toBe(false);
  });

  it("clears the cookie on sign-out with the same name and flags", async () => {
    const { admin } = await createSchoolWithAdmin();
    const browser = await signedIn(admin);
    const response = await browser.post("/logout");
    const cookie = response.setCookies.find((c) => c.name === SESSION_COOKIE);
    expect(cookie?.attributes).toMatchObject({
      httponly: true,
      secure: true,
      samesite: "Lax",
      path: "/",
      "max-age": "0",
    });
  });
});
