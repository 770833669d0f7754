/**
 * `npm run worker` is how production starts workers (docs/operations.md), so it runs them as
 * production, like `npm start` does the web process: the same start-up checks, and no
 * development signing key for unsubscribe links.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/services.ts";
import { ensureProductionBuild } from "../support/http.ts";

describe("npm run worker", () => {
  it(
    "applies the production checks: refuses to start without a public address, naming it",
    { timeout: 240_000 },
    async () => {
      await ensureProductionBuild(); // npm run worker runs build/server/worker.js
      const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent" };
      delete env.APP_URL;
      // Its own process group, so a worker that does start (the fault) can be stopped whole.
      const child = spawn("npm", ["run", "--silent", "worker"], {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const stillRunning = new Promise<"running">((resolve) => setTimeout(() => resolve("running"), 30_000).unref());
      const outcome = await Promise.race([exited, stillRunning]);
      if (outcome === "running") process.kill(-child.pid!, "SIGKILL");

      expect(outcome, output).not.toBe("running");
      expect(outcome).not.toBe(0);
      expect(output).toContain("APP_URL: must be set in production");
    },
  );
});
