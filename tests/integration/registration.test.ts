/**
 * A school or employer asks to join, over real HTTP: the request creates a pending
 * organisation and signs its first admin in; a clash with an existing account is explained
 * without echoing the password; and one network can make only ten requests an hour, so the form
 * cannot be used to test addresses quickly or to make the server hash passwords in bulk.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { REGISTER_LIMIT } from "../../app/auth/throttle.server.ts";
import { testPrisma } from "../setup/db.ts";
import { createSchoolWithAdmin } from "../support/factories.ts";
import { SESSION_COOKIE, useTestServer } from "../support/http.ts";
import { clearThrottle, expireThrottleWindows } from "../support/redis.ts";

// Every request hashes a password with argon2: give the tests room on a busy machine.
vi.setConfig({ testTimeout: 90_000 });

const server = useTestServer();
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

describe("asking to join", () => {
  it("creates the organisation as pending and signs its first admin in", async () => {
    const browser = server.client();
    const form = school();
    const response = await browser.post("/register", form);
    expect(response.status).toBe(302);
    expect(response.location).toBe("/?registered=1");
    expect(response.setCookies.some((c) => c.name === SESSION_COOKIE)).toBe(true);
    const organisation = await testPrisma().organisation.findUniqueOrThrow({ where: { urn: form.urn }, select: { status: true, memberships: { select: { role: true, user: { select: { email: true } } } } } });
    expect(organisation.status).toBe("PENDING");
    expect(organisation.memberships).toEqual([{ role: "SCHOOL_ADMIN", user: { email: form.email } }]);
  });

  it("explains a clash with an existing account, creates nothing and never sends the password back", async () => {
    const { admin } = await createSchoolWithAdmin();
    const form = school({ email: admin.email! });
    const response = await server.client().post("/register", form);
    expect(response.status).toBe(400);
    expect(response.text).toContain("An account with that email address already exists.");
    expect(response.text).toContain(form.name); // what was typed is kept for the next try…
    expect(response.text).not.toContain(PASSWORD); // …except the password, not even in the page's data
    expect(await testPrisma().organisation.count({ where: { urn: form.urn } })).toBe(0);
  });
});

describe("requests from one network", () => {
  it(`are limited to ${REGISTER_LIMIT.perClient} an hour, with a message and Retry-After, and allowed again after the hour`, async () => {
    for (let i = 0; i < REGISTER_LIMIT.perClient; i++) {
      // Clashing requests count too: they are what someone testing addresses would send.
      const response = await server.client().post("/register", school({ districtCode: "E07000192", password: "short" }));
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
    expect(await testPrisma().organisation.count({ where: { urn: refused.urn } })).toBe(0);

    expect(await expireThrottleWindows()).toBeGreaterThan(0);
    const again = await server.client().post("/register", refused);
    expect(again.status).toBe(302);
    expect(await testPrisma().organisation.count({ where: { urn: refused.urn } })).toBe(1);
  });

  it("does not count a form that fails validation", async () => {
    for (let i = 0; i < REGISTER_LIMIT.perClient + 2; i++) {
      expect((await server.client().post("/register", school({ email: "not-an-email" }))).status).toBe(400);
    }
    expect((await server.client().post("/register", school())).status).toBe(302);
  });
});
