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
    // Stryker's instrumented code runs slower, and the CPU is shared: the property tests need
    // the same headroom as in vitest.config.ts.
    testTimeout: 20_000,
  },
});
