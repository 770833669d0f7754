/**
 * Sign-in throttling (Redis, per account and per IP) over real HTTP: five wrong passwords lock
 * the account for the window, thirty failures from one address lock the address, unknown
 * accounts are throttled exactly like real ones, and the lock lifts when the window ends.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createSchoolWithAdmin, createUser } from "../support/factories.ts";
import { comparablePage, SESSION_COOKIE, useTestServer, type TestClient, type TestResponse } from "../support/http.ts";
import { clearThrottle, expireThrottleWindows, keys } from "../support/redis.ts";

// Real argon2 sign-ins over HTTP: give each test room on a busy shared machine.
vi.setConfig({ testTimeout: 60_000 });

// A smaller per-address limit than production's 100 keeps the spraying test short.
const server = useTestServer({ env: { SIGNIN_IP_LIMIT: "30" } });
beforeEach(async () => {
  await clearThrottle();
});

const WRONG = "definitely-not-it-9";

function attempt(
  client: TestClient,
  identifier: string,
  password: string,
  extra: Record<string, string> = {},
): Promise<TestResponse> {
  return client.post("/login", { identifier, password, redirectTo: "/" }, { headers: extra });
}

async function failTimes(client: TestClient, identifier: string, times: number) {
  for (let i = 0; i < times; i++) {
    const response = await attempt(client, identifier, WRONG);
    expect(response.status, `wrong password #${i + 1} for ${identifier}`).toBe(400);
  }
}

function expectLockedOut(response: TestResponse) {
  expect(response.status).toBe(429);
  expect(response.text).toMatch(/Too many sign-in attempts\. Try again in (\d+) minutes?, or reset your password\./);
  const minutes = Number(/Try again in (\d+) minute/.exec(response.text)![1]);
  expect(minutes).toBeGreaterThanOrEqual(1);
  expect(minutes).toBeLessThanOrEqual(15);
  const retryAfter = Number(response.headers.get("retry-after"));
  expect(retryAfter, "Retry-After header in seconds").toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  expect(Math.ceil(retryAfter / 60)).toBe(minutes);
  expect(response.setCookies.some((c) => c.name === SESSION_COOKIE)).toBe(false);
}

describe("an account is locked after 5 wrong passwords", () => {
  it("refuses the 6th attempt with 429 and says when to try again, even with the right password", async () => {
    const { admin } = await createSchoolWithAdmin();
    const browser = server.client();
    await failTimes(browser, admin.email!, 5);

    const response = await attempt(browser, admin.email!, admin.password);

    expectLockedOut(response);
    expect(response.text).toContain("Try again in 15 minutes");
  });

  it("counts the account however its identifier is typed", async () => {
    const { admin } = await createSchoolWithAdmin();
    const browser = server.client();
    const spellings = [
      admin.email!,
      admin.email!.toUpperCase(),
      ` ${admin.email!} `,
      admin.email!.replace(/^./, (c) => c.toUpperCase()),
      admin.email!,
    ];
    for (const spelling of spellings) expect((await attempt(browser, spelling, WRONG)).status).toBe(400);

    expectLockedOut(await attempt(browser, admin.email!, admin.password));
  });

  it("lets the person in again once the window has passed", async () => {
    const { admin } = await createSchoolWithAdmin();
    const browser = server.client();
    await failTimes(browser, admin.email!, 5);
    expectLockedOut(await attempt(browser, admin.email!, admin.password));

    expect(await expireThrottleWindows()).toBeGreaterThan(0);

    const response = await attempt(browser, admin.email!, admin.password);
    expect(response.status).toBe(302);
    expect(browser.sessionToken).toBeDefined();
  });

  it("starts counting afresh after a successful sign-in", async () => {
    const { admin } = await createSchoolWithAdmin();
    const browser = server.client();
    await failTimes(browser, admin.email!, 4);
    expect((await attempt(browser, admin.email!, admin.password)).status).toBe(302);
    await failTimes(server.client(), admin.email!, 4);
    expect((await attempt(server.client(), admin.email!, admin.password)).status).toBe(302);
  });
});

describe("throttling per address", () => {
  it("leaves a different account from the same address unaffected by one account's lock", async () => {
    const { school, admin } = await createSchoolWithAdmin();
    const colleague = await createUser({ roles: [{ org: school, role: "TEACHER" }] });
    const browser = server.client();
    await failTimes(browser, admin.email!, 5);
    expectLockedOut(await attempt(browser, admin.email!, admin.password));

    expect((await attempt(browser, colleague.email!, colleague.password)).status).toBe(302);
  });

  it("locks every account from an address after 30 failures there, whatever X-Forwarded-For says", async () => {
    const { school } = await createSchoolWithAdmin();
    const bystander = await createUser({ roles: [{ org: school, role: "TEACHER" }] });
    const browser = server.client();
    // Six identifiers × five failures: no single account reaches its own limit of 5 + 1.
    for (let n = 0; n < 6; n++) {
      for (let i = 0; i < 5; i++) {
        const response = await attempt(browser, `spray${n}@example.org`, WRONG, {
          "X-Forwarded-For": `203.0.113.${n * 5 + i}`,
        });
        expect(response.status).toBe(400);
      }
    }

    const response = await attempt(browser, bystander.email!, bystander.password, {
      "X-Forwarded-For": "198.51.100.7",
    });
    expectLockedOut(response);
    // Only one address was counted: the proxy header is not trusted without TRUST_PROXY.
    expect(await keys("throttle:ip:*")).toHaveLength(1);
  });
});

describe("unknown accounts are throttled exactly like real ones", () => {
  it("locks an unknown email after 5 attempts with the same status, message and header", async () => {
    const { admin } = await createSchoolWithAdmin();
    const unknown = "nobody-here@example.org";
    const browser = server.client();
    await failTimes(browser, admin.email!, 5);
    await failTimes(browser, unknown, 5);

    const known = await attempt(browser, admin.email!, WRONG);
    const stranger = await attempt(browser, unknown, WRONG);

    expectLockedOut(known);
    expectLockedOut(stranger);
    expect(comparablePage(stranger.text, unknown)).toBe(comparablePage(known.text, admin.email!));
    expect(stranger.headers.get("retry-after")).toBeTruthy();
  });
});
