import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Mutation testing (stryker.config.json) runs only the pure rules' unit tests in app/domain: no
// database template, no Redis, nothing that waits on I/O, so each mutant's run stays short.
export default defineConfig({
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  test: {
    include: ["app/domain/**/*.test.ts"],
    // Stryker's instrumented code runs several times slower on a shared CPU: the property tests
    // and the 2 MB class-list test need far more than Vitest's default 5 s.
    testTimeout: 60_000,
  },
});
