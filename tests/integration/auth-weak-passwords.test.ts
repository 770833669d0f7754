/**
 * Every page that sets a password refuses a guessable one over real HTTP: 400, the reason shown
 * at the password field (and in the error summary), the other fields kept for the next try, the
 * password never echoed, and nothing written: no request stored, no link or code spent, the old
 * password still the one that works.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createAuthToken, createOrganisation, createSchoolWithAdmin, createUser } from "../support/factories.ts";
import { SESSION_COOKIE, useTestServer, visibleText, type TestResponse } from "../support/http.ts";
import { clearThrottle } from "../support/redis.ts";
import { testPrisma } from "../setup/db.ts";

vi.setConfig({ testTimeout: 60_000 });

const server = useTestServer();
beforeEach(async () => {
  await clearThrottle();
});

const GUESSABLE = "Staffordshire2026";
const COUNTY_REASON = "It uses your name, your email address or the name of this service or county.";

/** The reason is at the field named (its error paragraph) and the password is nowhere in the page. */
function expectRefusedAtField(response: TestResponse, field: string, reason: string, password: string) {
  expect(response.status).toBe(400);
  const text = visibleText(response.text);
  expect(text).toContain("This password would be easy to guess.");
  expect(text).toMatch(
    new RegExp(
      `id="field-${field}-error"><span class="visually-hidden">Error: </span>This password would be easy to guess\\. [^<]*${reason.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`,
    ),
  );
  expect(text).toContain(`href="#field-${field}"`);
  expect(response.text).not.toContain(password);
}

describe("a guessable password is refused, saying why", () => {
  it("when asking to join: the request is not stored and the form keeps what was typed", async () => {
    const response = await server.client().post("/register", {
      kind: "SCHOOL",
      name: "Weak Password Academy",
      districtCode: "E07000192",
      urn: "765432",
      firstName: "Rhiannon",
      lastName: "Ashby",
      email: "head@weak-password.example",
      password: GUESSABLE,
    });
    expectRefusedAtField(response, "password", COUNTY_REASON, GUESSABLE);
    const text = visibleText(response.text);
    for (const kept of ["Weak Password Academy", "765432", "Rhiannon", "Ashby", "head@weak-password.example"])
      expect(text).toContain(`value="${kept}"`);
    expect(await testPrisma().pendingRegistration.count()).toBe(0);
  });

  it("when asking to join with one's own name in the password", async () => {
    const password = "RhiannonAshby1";
    const response = await server.client().post("/register", {
      kind: "EMPLOYER",
      name: "Ashby Joinery",
      districtCode: "E07000192",
      firstName: "Rhiannon",
      lastName: "Ashby",
      email: "rhiannon@ashby-joinery.example",
      password,
    });
    expectRefusedAtField(response, "password", COUNTY_REASON, password);
  });

  it("on a reset link: the link still works and the old password is unchanged", async () => {
    const { admin } = await createSchoolWithAdmin();
    const { secret } = await createAuthToken({ kind: "PASSWORD_RESET", userId: admin.id });
    expectRefusedAtField(
      await server.client().post(`/reset-password/${secret}`, { password: "password1234" }),
      "password",
      "commonly used password.",
      "password1234",
    );
    expect((await server.client().signIn(admin.email!, admin.password)).status).toBe(302);
    expect(
      (await server.client().post(`/reset-password/${secret}`, { password: "heron-quince-tundra-8" })).status,
    ).toBe(302);
  });

  it("when accepting an invitation: no account is made, the names are kept and the link still works", async () => {
    const school = await createOrganisation({ kind: "SCHOOL" });
    const email = "carys.morgan@weak-invite.example";
    const { secret } = await createAuthToken({ kind: "INVITATION", email, organisationId: school.id, role: "TEACHER" });
    const password = "CarysMorgan2026";
    const response = await server
      .client()
      .post(`/invite/${secret}`, { firstName: "Carys", lastName: "Morgan", password });
    expectRefusedAtField(response, "password", COUNTY_REASON, password);
    expect(visibleText(response.text)).toContain('value="Carys"');
    expect(response.setCookies.some((c) => c.name === SESSION_COOKIE)).toBe(false);
    expect(await testPrisma().user.count({ where: { email } })).toBe(0);
    expect(
      (
        await server
          .client()
          .post(`/invite/${secret}`, { firstName: "Carys", lastName: "Morgan", password: "heron-quince-tundra-8" })
      ).status,
    ).toBe(302);
  });

  it("when a pupil sets up their account: the username and code are kept, and trying again is not counted as a guess", async () => {
    const school = await createOrganisation({ kind: "SCHOOL" });
    const pupil = await createUser({
      password: null,
      firstName: "Megan",
      lastName: "Oakes",
      roles: [{ org: school, role: "PUPIL" }],
    });
    const { secret: code } = await createAuthToken({ kind: "SETUP_CODE", userId: pupil.id });
    // More tries than the setup throttle allows wrong codes (5): none of these is a wrong code.
    for (const password of ["MeganOakes123", "qwertyuiop", "aaaaaaaaaaaa", "1234567890", "football123", "Megan2026!"]) {
      const response = await server.client().post("/setup", { username: pupil.username!, code, password });
      expectRefusedAtField(response, "password", "", password);
      expect(visibleText(response.text)).toContain(`value="${pupil.username}"`);
    }
    expect(
      (await server.client().post("/setup", { username: pupil.username!, code, password: "heron-quince-tundra-8" }))
        .status,
    ).toBe(302);
  });

  it("when changing one's password on the account page: the old one still works", async () => {
    const { admin } = await createSchoolWithAdmin();
    const browser = server.client();
    await browser.signIn(admin.email!, admin.password);
    const response = await browser.post("/account", { currentPassword: admin.password, newPassword: "Summer2026!" });
    expectRefusedAtField(response, "newPassword", "Three or more random words", "Summer2026!");
    expect((await server.client().signIn(admin.email!, admin.password)).status).toBe(302);
  });
});
