/**
 * Open redirects: after sign-in the app only ever sends people to a path on this site. A
 * `redirectTo` naming another site, in any disguise, lands on the home page instead.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSchoolWithAdmin, type TestUser } from "../support/factories.ts";
import { startTestServer, type TestServer } from "../support/http.ts";

// Real argon2 sign-ins over HTTP: give each test room on a busy shared machine.
vi.setConfig({ testTimeout: 60_000 });

let server: TestServer;
let admin: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  ({ admin } = await createSchoolWithAdmin());
}, 180_000);
afterAll(async () => {
  await server?.close();
});

async function landingAfterSignIn(redirectTo: string): Promise<string | null> {
  const response = await server
    .client()
    .post("/login", { identifier: admin.email!, password: admin.password, redirectTo });
  expect(response.status).toBe(302);
  return response.location;
}

describe("sign-in never redirects to another site", () => {
  const hostile = [
    "https://evil.example",
    "http://evil.example/account",
    "//evil.example",
    "//evil.example/%2F..",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https:evil.example",
    " //evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "\u0000//evil.example",
  ];
  for (const target of hostile) {
    it(`lands on / for redirectTo ${JSON.stringify(target)}`, async () => {
      expect(await landingAfterSignIn(target)).toBe("/");
    });
  }
});

describe("sign-in honours a path on this site", () => {
  it("goes to /account when asked", async () => {
    expect(await landingAfterSignIn("/account")).toBe("/account");
  });

  it("keeps the query string of the page that asked for sign-in", async () => {
    expect(await landingAfterSignIn("/account?tab=password")).toBe("/account?tab=password");
  });

  it("returns to the page that sent a signed-out visitor to sign in", async () => {
    const browser = server.client();
    const bounced = await browser.get("/account");
    expect(bounced.status).toBe(302);
    const redirectTo = new URL(bounced.location!, server.baseUrl).searchParams.get("redirectTo")!;
    expect(redirectTo).toBe("/account");

    const response = await browser.post("/login", { identifier: admin.email!, password: admin.password, redirectTo });
    expect(response.location).toBe("/account");
    expect((await browser.get(response.location!)).status).toBe(200);
  });

  it("returns to the page, not React Router's data URL, when a client navigation found the visitor signed out", async () => {
    // Loaders see the raw request: a client navigation asks for /verify.data?_routes=….
    for (const [asked, page] of [
      ["/verify.data?class=abc&_routes=root%2Croutes%2Fverify", "/verify?class=abc"],
      ["/account.data?_routes=root%2Croutes%2Faccount", "/account"],
    ]) {
      const answer = await server.client().get(asked);
      const redirect = /"redirect","([^"]+)"/.exec(answer.text)?.[1];
      expect(new URL(redirect!, server.baseUrl).searchParams.get("redirectTo"), asked).toBe(page);
    }
  });
});
