/**
 * The optional breached-password check (k-anonymity range query) against a small range server
 * this test starts, since the real one is out of reach here: a password listed there is refused
 * with its own reason; the request carries only the first 5 hex characters of the SHA-1, never
 * the password or the rest of its hash; padding lines do not count; and a slow, failing or absent
 * service lets the password through (fail open) rather than stopping anyone.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { passwordProblem } from "../../app/auth/password-check.server.ts";
import { BREACHED_PASSWORD_MESSAGE } from "../../app/auth/password-policy.ts";
import { resetEnvForTests } from "../../app/utils/env.server.ts";
import { useTestServer, visibleText } from "../support/http.ts";
import { clearThrottle } from "../support/redis.ts";

vi.setConfig({ testTimeout: 60_000 });

const sha1 = (text: string) => createHash("sha1").update(text, "utf8").digest("hex").toUpperCase();

// Strong by the estimate, so only the breach check can refuse them.
const BREACHED = "velvet otter copper heron";
const PADDED_ONLY = "marmalade tundra banjo kiln";
const SLOW = "quince lagoon saddle ember";
const FAILING = "walrus pepper violet anvil";

const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
const rangeServer = createServer((request, response) => {
  requests.push({ url: request.url ?? "", headers: request.headers });
  const prefix = (request.url ?? "").split("/").at(-1) ?? "";
  if (prefix === sha1(SLOW).slice(0, 5)) return; // never answers
  if (prefix === sha1(FAILING).slice(0, 5)) return response.writeHead(503).end("busy");
  // Real answers list hundreds of suffixes; padding adds more with a count of 0.
  const lines = [
    "0018A45C4D1DEF81644B54AB7F969B88D65:3",
    "00D4F6E8FA6EECAD2A3AA415EEC418D38EC:12",
    "011053FD0102E94D6AE2F8B83D76FAF94F6:0",
  ];
  if (prefix === sha1(BREACHED).slice(0, 5)) lines.push(`${sha1(BREACHED).slice(5)}:1402`);
  if (prefix === sha1(PADDED_ONLY).slice(0, 5)) lines.push(`${sha1(PADDED_ONLY).slice(5)}:0`);
  response.writeHead(200, { "Content-Type": "text/plain" }).end(lines.join("\r\n"));
});
await new Promise<void>((resolve) => rangeServer.listen(0, "127.0.0.1", resolve));
const RANGE_URL = `http://127.0.0.1:${(rangeServer.address() as AddressInfo).port}/range/`;
afterAll(async () => {
  rangeServer.closeAllConnections();
  await new Promise((resolve) => rangeServer.close(resolve));
});

/** Runs with the check pointed at `url` (or off), as the process environment would set it. */
function useBreachCheck(url: string | undefined, timeoutMs = "400") {
  beforeEach(() => {
    if (url) process.env.PASSWORD_BREACH_CHECK_URL = url;
    else delete process.env.PASSWORD_BREACH_CHECK_URL;
    process.env.PASSWORD_BREACH_CHECK_TIMEOUT_MS = timeoutMs;
    resetEnvForTests();
    requests.length = 0;
  });
  afterEach(() => {
    delete process.env.PASSWORD_BREACH_CHECK_URL;
    delete process.env.PASSWORD_BREACH_CHECK_TIMEOUT_MS;
    resetEnvForTests();
  });
}

describe("with the breach check turned on", () => {
  useBreachCheck(RANGE_URL);

  it("refuses a password the range lists, saying it appeared in a breach", async () => {
    expect(await passwordProblem(BREACHED)).toBe(BREACHED_PASSWORD_MESSAGE);
    expect(BREACHED_PASSWORD_MESSAGE).toMatch(/^This password has appeared in a data breach/);
  });

  it("sends only the first 5 hex characters of the SHA-1, asking for a padded answer", async () => {
    await passwordProblem(BREACHED);
    expect(requests).toHaveLength(1);
    const [{ url, headers }] = requests;
    expect(url).toBe(`/range/${sha1(BREACHED).slice(0, 5)}`);
    expect(url).toMatch(/^\/range\/[0-9A-F]{5}$/);
    const sent = `${url} ${JSON.stringify(headers)}`.toUpperCase();
    expect(sent).not.toContain(BREACHED.toUpperCase());
    expect(sent).not.toContain(sha1(BREACHED).slice(5));
    expect(sent).not.toContain(encodeURIComponent(BREACHED).toUpperCase());
    expect(headers["add-padding"]).toBe("true");
  });

  it("does not count a padding line (count 0) as a breach", async () => {
    expect(await passwordProblem(PADDED_ONLY)).toBeNull();
    expect(requests).toHaveLength(1);
  });

  it("accepts an unlisted password", async () => {
    expect(await passwordProblem("heron quince tundra saddle")).toBeNull();
  });

  it("never asks about a password the rules already refuse", async () => {
    expect(await passwordProblem("short")).toBe("Use at least 10 characters.");
    expect(await passwordProblem("password1234")).toMatch(/^This password would be easy to guess/);
    expect(requests).toHaveLength(0);
  });

  it("fails open, and quickly, when the service does not answer in time or answers with an error", async () => {
    const started = Date.now();
    expect(await passwordProblem(SLOW)).toBeNull();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await passwordProblem(FAILING)).toBeNull();
    expect(requests.map((r) => r.url)).toEqual([
      `/range/${sha1(SLOW).slice(0, 5)}`,
      `/range/${sha1(FAILING).slice(0, 5)}`,
    ]);
  });
});

describe("with the breach check pointed at nothing", () => {
  useBreachCheck("http://127.0.0.1:1/range/");
  it("fails open", async () => {
    expect(await passwordProblem(BREACHED)).toBeNull();
  });
});

describe("with the breach check off (the default)", () => {
  useBreachCheck(undefined);
  it("asks nobody", async () => {
    expect(await passwordProblem(BREACHED)).toBeNull();
    expect(requests).toHaveLength(0);
  });
});

describe("over HTTP, with the app started with the check on", () => {
  const server = useTestServer({ env: { PASSWORD_BREACH_CHECK_URL: RANGE_URL } });
  beforeEach(async () => {
    await clearThrottle();
    requests.length = 0;
  });

  it("refuses a breached password when asking to join, at the password field", async () => {
    const response = await server.client().post("/register", {
      kind: "SCHOOL",
      name: "Breach Check Academy",
      districtCode: "E07000192",
      urn: "765431",
      firstName: "Owain",
      lastName: "Price",
      email: "head@breach-check.example",
      password: BREACHED,
    });
    expect(response.status).toBe(400);
    expect(visibleText(response.text)).toContain(
      `id="field-password-error"><span class="visually-hidden">Error: </span>${BREACHED_PASSWORD_MESSAGE}`,
    );
    expect(requests.map((r) => r.url)).toEqual([`/range/${sha1(BREACHED).slice(0, 5)}`]);
  });
});
