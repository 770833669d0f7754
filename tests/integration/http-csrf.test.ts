/**
 * Cross-site request forgery: every state-changing request from another site is refused with
 * 403 before it reaches a route (page routes, their `.data` requests and resource routes
 * alike), and changes nothing. The same requests from our own origin work.
 */
import { describe, expect, it, vi } from "vitest";
import { createSchoolWithAdmin, sessionIdOf } from "../support/factories.ts";
import { SESSION_COOKIE, useTestServer, type PostOptions, type TestClient } from "../support/http.ts";
import { testPrisma } from "../setup/db.ts";

// Real argon2 sign-ins over HTTP: give each test room on a busy shared machine.
vi.setConfig({ testTimeout: 60_000 });

const server = useTestServer();

/** What a forged request from another site looks like, in the ways browsers can send it. */
const CROSS_SITE: Record<string, PostOptions> = {
  "Sec-Fetch-Site: cross-site": { secFetchSite: "cross-site", origin: "https://evil.example" },
  "Sec-Fetch-Site: same-site (a sibling subdomain)": {
    secFetchSite: "same-site",
    origin: "https://evil.staffordshire.example",
  },
  "Origin: https://evil.example, no Sec-Fetch-Site (older browser)": {
    secFetchSite: null,
    origin: "https://evil.example",
  },
  "Origin: null (sandboxed frame, data: URL)": { secFetchSite: null, origin: "null" },
  "Origin: our host on another port": { secFetchSite: null, origin: "http://127.0.0.1:1" },
};

async function signedInAdmin() {
  const { school, admin } = await createSchoolWithAdmin();
  const browser = server.client();
  await browser.signIn(admin.email!, admin.password);
  return { school, admin, browser };
}

function expectRefused(response: { status: number; text: string; setCookies: unknown[] }) {
  expect(response.status).toBe(403);
  expect(response.text).toBe("This request came from another site and was refused.");
  expect(response.setCookies).toEqual([]);
}

describe("cross-site POSTs to page routes are refused and change nothing", () => {
  for (const [label, forged] of Object.entries(CROSS_SITE)) {
    describe(label, () => {
      it("refuses a sign-in to /login, and no session is created", async () => {
        const { admin } = await createSchoolWithAdmin();
        const response = await server
          .client()
          .post("/login", { identifier: admin.email!, password: admin.password, redirectTo: "/" }, forged);
        expectRefused(response);
        expect(await testPrisma().session.count({ where: { userId: admin.id } })).toBe(0);
      });

      it("refuses a sign-out on /logout, and the session still works", async () => {
        const { browser } = await signedInAdmin();
        expectRefused(await browser.post("/logout", {}, forged));
        expect(await testPrisma().session.count({ where: { id: sessionIdOf(browser.sessionToken) } })).toBe(1);
        expect((await browser.get("/account")).status).toBe(200);
      });

      it("refuses a password change on /account, and the password is unchanged", async () => {
        const { admin, browser } = await signedInAdmin();
        const before = await testPrisma().user.findUniqueOrThrow({
          where: { id: admin.id },
          select: { passwordHash: true },
        });
        expectRefused(
          await browser.post(
            "/account",
            { currentPassword: admin.password, newPassword: "forged-new-password-1" },
            forged,
          ),
        );
        const after = await testPrisma().user.findUniqueOrThrow({
          where: { id: admin.id },
          select: { passwordHash: true },
        });
        expect(after.passwordHash).toBe(before.passwordHash);
      });
    });
  }

  it("refuses an invitation forged onto the People page, and none is created", async () => {
    const { school, browser } = await signedInAdmin();
    const response = await browser.post(
      `/org/${school.id}/people`,
      { intent: "invite", email: "mallory@example.org", role: "SCHOOL_ADMIN" },
      CROSS_SITE["Sec-Fetch-Site: cross-site"],
    );
    expectRefused(response);
    expect(await testPrisma().authToken.count({ where: { kind: "INVITATION" } })).toBe(0);
  });
});

describe("cross-site requests to data and resource routes are refused too", () => {
  it("refuses POST /account.data (the request the app's own forms make with JavaScript)", async () => {
    const { admin, browser } = await signedInAdmin();
    const before = await testPrisma().user.findUniqueOrThrow({
      where: { id: admin.id },
      select: { passwordHash: true },
    });
    for (const forged of Object.values(CROSS_SITE)) {
      expectRefused(
        await browser.post(
          "/account.data",
          { currentPassword: admin.password, newPassword: "forged-new-password-1" },
          forged,
        ),
      );
    }
    const after = await testPrisma().user.findUniqueOrThrow({
      where: { id: admin.id },
      select: { passwordHash: true },
    });
    expect(after.passwordHash).toBe(before.passwordHash);
  });

  it("refuses POST /logout.data, and the session survives", async () => {
    const { browser } = await signedInAdmin();
    expectRefused(await browser.post("/logout.data", {}, CROSS_SITE["Sec-Fetch-Site: cross-site"]));
    expect((await browser.get("/account")).status).toBe(200);
  });

  it("refuses a cross-site POST to the /healthz resource route", async () => {
    expectRefused(
      await server
        .client()
        .post("/healthz", {}, CROSS_SITE["Origin: https://evil.example, no Sec-Fetch-Site (older browser)"]),
    );
  });

  it("refuses PUT, PATCH and DELETE from another site as well", async () => {
    const { browser } = await signedInAdmin();
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const response = await fetch(new URL("/logout", server.baseUrl), {
        method,
        headers: {
          Cookie: `${SESSION_COOKIE}=${browser.sessionToken}`,
          Origin: "https://evil.example",
          "Sec-Fetch-Site": "cross-site",
        },
        redirect: "manual",
      });
      expect(response.status, method).toBe(403);
    }
    expect((await browser.get("/account")).status).toBe(200);
  });
});

describe("same-origin requests work", () => {
  it("signs in, changes a password and signs out when the browser says the request is ours", async () => {
    const { admin } = await createSchoolWithAdmin();
    const browser: TestClient = server.client();
    await browser.signIn(admin.email!, admin.password);

    const changed = await browser.post("/account", {
      currentPassword: admin.password,
      newPassword: "violet-harbour-canvas-77",
    });
    expect(changed.status).toBe(200);
    expect(changed.text).toContain("Your password has been changed.");

    const viaData = await browser.post("/account.data", {
      currentPassword: "violet-harbour-canvas-77",
      newPassword: "maple-river-signal-58",
    });
    expect(viaData.status).toBe(200);

    const out = await browser.post("/logout");
    expect(out.status).toBe(302);
    expect(await testPrisma().session.count({ where: { userId: admin.id } })).toBe(0);
  });

  it("accepts a POST with only a matching Origin (no Sec-Fetch-Site)", async () => {
    const { admin } = await createSchoolWithAdmin();
    const response = await server
      .client()
      .post("/login", { identifier: admin.email!, password: admin.password, redirectTo: "/" }, { secFetchSite: null });
    expect(response.status).toBe(302);
  });

  it("lets GET requests from other sites through (links into the app must work)", async () => {
    const response = await server
      .client()
      .get("/login", { headers: { "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example" } });
    expect(response.status).toBe(200);
  });
});
