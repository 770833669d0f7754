import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Unit and integration tests. Integration tests talk to the real Postgres and Redis
// (tests/setup/global-setup.ts prepares a template database once per run).
export default defineConfig({
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  test: {
    include: [
      "app/**/*.test.{ts,tsx}",
      "tests/**/*.test.{ts,tsx}",
      "workers/**/*.test.ts",
      "emails/**/*.test.{ts,tsx}",
    ],
    exclude: ["tests/e2e/**", "node_modules/**"],
    // One migrated template per run; every test file gets its own copy of it and its own Redis
    // key prefix (DATABASE_URL and REDIS_PREFIX are set before the file is imported).
    globalSetup: ["tests/setup/global-setup.ts"],
    setupFiles: ["tests/setup/per-file-database.ts"],
    pool: "forks",
    // Vitest's default (cores − 1) runs one file at a time on a 2-core machine, yet integration
    // files mostly wait on Postgres, Redis and timers: two at a time took the run from 314 s to
    // about 180 s here, with every timing test still passing.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
