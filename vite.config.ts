import { reactRouter } from "@react-router/dev/vite";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The production server build (`react-router build`) compiles the web server and the worker with
// the routes, each entry one module graph: build/server/index.js (the routes), server.js
// (server.ts, which imports them), worker.js (workers/main.ts), probe.js (workers/probe.ts, a
// worker host's health check) and migrate.js (scripts/migrate.ts).
// Output names follow serverBuildFile ("[name].js") in react-router.config.ts.
// See docs/decisions/035-compiled-production-build.md.
const serverEntries = {
  index: "virtual:react-router/server-build",
  server: "./server.ts",
  worker: "./workers/main.ts",
  probe: "./workers/probe.ts",
  migrate: "./scripts/migrate.ts",
};

export default defineConfig({
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  // The React Router plugin breaks component tests, so it is left out under Vitest.
  plugins: [!process.env.VITEST && reactRouter()],
  build: { sourcemap: false },
  environments: { ssr: { build: { rollupOptions: { input: serverEntries } } } },
  // .data holds the embedded Postgres and caught mail: never watch it.
  server: { hmr: { port: Number(process.env.HMR_PORT ?? 24678) }, watch: { ignored: ["**/.data/**"] } },
});
