/**
 * One-click unsubscribe over HTTP, against the production build:
 * - GET /unsubscribe/<token> shows a button and changes nothing (link scanners follow GETs);
 * - the RFC 8058 POST a mail client sends cross-site (no cookie, `List-Unsubscribe=One-Click`)
 *   is let through the origin check for that exact path and switches the category off;
 * - every other cross-site POST is still refused, and a forged token changes nothing;
 * - /account shows the preferences and saves them.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { isOneClickUnsubscribe } from "../../app/http/origin-check.server.ts";
import { testPrisma } from "../setup/db.ts";
import { createUser } from "../support/factories.ts";
import { startTestServer, visibleText, type TestServer } from "../support/http.ts";

vi.setConfig({ testTimeout: 60_000 });
const prisma = testPrisma();
let server: TestServer;
let token: (userId: string, category: "reminders" | "digest") => string;

beforeAll(async () => {
  server = await startTestServer({ env: { UNSUBSCRIBE_SECRET: randomBytes(32).toString("hex") } });
  ({ unsubscribeToken: token } = await import("../../app/models/notification-prefs.server.ts"));
}, 180_000);
afterAll(async () => {
  await server?.close();
});

const prefsOf = async (id: string) => (await prisma.user.findUniqueOrThrow({ where: { id } })).notificationPrefs;
const ONE_CLICK = { secFetchSite: "cross-site", origin: "https://mail.example.net" } as const;

describe("unsubscribe link", () => {
  it("GET asks for confirmation and changes nothing", async () => {
    const user = await createUser();
    const page = await server.client().get(`/unsubscribe/${token(user.id, "digest")}`);
    expect(page.status).toBe(200);
    const text = visibleText(page.text);
    expect(text).toContain("Stop digests of what is waiting for you");
    expect(page.text).toMatch(/<button[^>]*type="submit"[^>]*>Unsubscribe<\/button>/);
    expect(await prefsOf(user.id)).toEqual({});
  });

  it("the mail client's one-click POST works cross-site, without cookies, and only for that category", async () => {
    const user = await createUser();
    const response = await server
      .client()
      .post(`/unsubscribe/${token(user.id, "reminders")}`, { "List-Unsubscribe": "One-Click" }, ONE_CLICK);
    expect(response.status).toBe(200);
    expect(visibleText(response.text)).toContain("You have unsubscribed");
    expect(await prefsOf(user.id)).toEqual({ reminders: false });
    // Again (the person clicks too): still fine, nothing more changes.
    expect((await server.client().post(`/unsubscribe/${token(user.id, "reminders")}`, {}, ONE_CLICK)).status).toBe(200);
    expect(await prefsOf(user.id)).toEqual({ reminders: false });
  });

  it("a forged token changes nothing, and other cross-site POSTs are still refused", async () => {
    const user = await createUser();
    const forged = `${user.id}.digest.${"A".repeat(43)}`;
    const response = await server.client().post(`/unsubscribe/${forged}`, {}, ONE_CLICK);
    expect(response.status).toBe(404);
    expect(await prefsOf(user.id)).toEqual({});
    expect((await server.client().post(`/unsubscribe/${token(user.id, "digest")}/extra`, {}, ONE_CLICK)).status).toBe(
      403,
    );
    expect((await server.client().post("/account", { intent: "notifications" }, ONE_CLICK)).status).toBe(403);
    expect((await server.client().post(`/unsubscribe/${token(user.id, "digest")}.data`, {}, ONE_CLICK)).status).toBe(
      403,
    );
  });

  it("the exemption matches only POST to the exact token path", () => {
    const good = `/unsubscribe/${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}.digest.${"a".repeat(43)}`;
    expect(isOneClickUnsubscribe("POST", good)).toBe(true);
    expect(isOneClickUnsubscribe("PUT", good)).toBe(false);
    expect(isOneClickUnsubscribe("POST", `${good}/x`)).toBe(false);
    expect(isOneClickUnsubscribe("POST", "/account")).toBe(false);
    expect(isOneClickUnsubscribe("POST", good.replace(".digest.", ".all."))).toBe(false);
  });
});

describe("/account email preferences", () => {
  it("shows both check boxes ticked by default and saves the person's choice", async () => {
    const user = await createUser();
    const browser = server.client();
    await browser.signIn(user.email!, user.password);
    const page = await browser.get("/account");
    expect(page.text).toMatch(/<input[^>]*name="reminders"[^>]*checked/);
    expect(page.text).toContain("Weekly digests of what is waiting for me");
    const saved = await browser.post("/account", { intent: "notifications", digest: "on" });
    expect(saved.status).toBe(200);
    expect(visibleText(saved.text)).toContain("Your email choices have been saved.");
    expect(await prefsOf(user.id)).toEqual({ reminders: false, digest: true });
    const audit = await prisma.auditLog.findFirst({
      where: { action: "notifications.preferences", subjectId: user.id },
    });
    expect(audit?.metadata).toEqual({ reminders: false, digest: true });
  });
});
