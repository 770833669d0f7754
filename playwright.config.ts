/**
 * Browser journeys against the production build (tests/e2e). The global setup creates a fresh
 * database, migrates and seeds it, starts a mail catcher, the production web server and the
 * worker process, and removes all of it afterwards: see tests/e2e/support/global-setup.ts.
 *
 *   npm run build && npm run test:e2e     (npm test does both, and everything else)
 */
import { execFileSync } from "node:child_process";
import { defineConfig, devices } from "@playwright/test";

// One free port per run, chosen here (synchronously) so the runner and its workers, which
// inherit the runner's environment, agree on the base URL.
if (!process.env.E2E_PORT) {
  process.env.E2E_PORT = execFileSync(process.execPath, [
    "-e",
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
  ]).toString();
}
// http://localhost is a secure context for Chromium, so the production cookie (`Secure`,
// `__Host-` prefix) is stored and sent over plain HTTP here.
const baseURL = `http://localhost:${process.env.E2E_PORT}`;
const ci = Boolean(process.env.CI);

export default defineConfig({
  testDir: "tests/e2e",
  globalSetup: "./tests/e2e/support/global-setup.ts",
  outputDir: "test-results/e2e",
  // 2 cores shared by the browser, the web server, the worker and Postgres.
  workers: 2,
  fullyParallel: true,
  forbidOnly: ci,
  retries: ci ? 1 : 0,
  // Generous: the machines are small and shared; a journey takes 5–15 s when the machine is idle.
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: process.env.E2E_JSON_REPORT
    ? [["list"], ["json", { outputFile: process.env.E2E_JSON_REPORT }]]
    : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    locale: "en-GB",
    timezoneId: "Europe/London",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
});
