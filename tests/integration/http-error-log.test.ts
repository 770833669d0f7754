/**
 * A 500 is logged at error level with the request's id, the id the person was given back
 * (X-Request-Id), so an operator can find it. The web server runs as `npm start` does (the
 * compiled build/server/server.js), in its own process with the log on stdout, against a database that is not there: every sign-in
 * attempt then fails on our side.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findFreePort, ROOT, stopChild, waitForHttp } from "../../scripts/services.ts";
import { ensureProductionBuild } from "../support/http.ts";

vi.setConfig({ testTimeout: 60_000 });

let child: ChildProcess;
let baseUrl: string;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  await ensureProductionBuild();
  const port = await findFreePort();
  const noDatabase = await findFreePort();
  baseUrl = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ["build/server/server.js"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      WEB_CONCURRENCY: "1",
      LOG_LEVEL: "info",
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${noDatabase}/nothing`,
      APP_URL: "http://localhost:3000",
      SMTP_URL: "smtp://127.0.0.1:1025",
      MAIL_FROM: "Tests <tests@example.org>",
      AUTH_THROTTLE: "on",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let rest = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    rest += chunk.toString("utf8");
    const complete = rest.split("\n");
    rest = complete.pop() ?? "";
    for (const line of complete) if (line.startsWith("{")) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  await waitForHttp(`${baseUrl}/login`, { timeoutMs: 60_000, isAlive: () => child.exitCode === null });
}, 240_000);

afterAll(async () => {
  if (child) await stopChild(child);
});

describe("a request that fails on our side", () => {
  it("answers 500 with a request id, and logs the failure and the answer at error level under that id", async () => {
    const response = await fetch(`${baseUrl}/login`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: baseUrl,
        "Sec-Fetch-Site": "same-origin",
      },
      body: new URLSearchParams({ identifier: "someone@example.org", password: "a-password-of-some-length" }),
      redirect: "manual",
    });
    await response.text();
    expect(response.status).toBe(500);
    const id = response.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await vi.waitFor(
      () =>
        expect(
          lines.some((l) => l.reqId === id && (l.res as { statusCode?: number } | undefined)?.statusCode === 500),
        ).toBe(true),
      { timeout: 5_000 },
    );
    const mine = lines.filter((l) => l.reqId === id);
    const answer = mine.find((l) => (l.res as { statusCode?: number } | undefined)?.statusCode === 500);
    expect(answer?.level).toBe(50); // pino's "error"
    const failure = mine.find((l) => l.msg === "request failed" && l.err);
    expect(failure?.level).toBe(50);
    // Nothing about this request was logged below error level, and no line lacks its id.
    expect(
      lines.filter(
        (l) => (l.res as { statusCode?: number } | undefined)?.statusCode === 500 && (l.level !== 50 || !l.reqId),
      ),
    ).toEqual([]);
  });

  it("logs a failing loader through React Router's handleError, at error level under the request's id", async () => {
    // A session cookie makes the root loader look the session up in the database that is not there.
    const response = await fetch(`${baseUrl}/privacy`, {
      headers: { Cookie: "__Host-dst_session=some-session-id.some-secret" },
    });
    await response.text();
    expect(response.status).toBe(500);
    const id = response.headers.get("x-request-id");
    await vi.waitFor(() => expect(lines.some((l) => l.reqId === id && l.msg === "request failed")).toBe(true), {
      timeout: 5_000,
    });
    const failure = lines.find((l) => l.reqId === id && l.msg === "request failed");
    expect(failure?.level).toBe(50);
    expect((failure?.err as { message?: string } | undefined)?.message).toBeTruthy();
  });

  it("logs an ordinary answer at info level, with its id", async () => {
    const response = await fetch(`${baseUrl}/privacy`);
    await response.text();
    const id = response.headers.get("x-request-id");
    await vi.waitFor(() => expect(lines.some((l) => l.reqId === id)).toBe(true), { timeout: 5_000 });
    expect(lines.find((l) => l.reqId === id)?.level).toBe(30);
  });
});
