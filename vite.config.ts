import { reactRouter } from "@react-router/dev/vite";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  // The React Router plugin breaks component tests, so it is left out under Vitest.
  plugins: [!process.env.VITEST && reactRouter()],
  build: { sourcemap: false },
  // .data holds the embedded Postgres and caught mail: never watch it.
  server: { hmr: { port: Number(process.env.HMR_PORT ?? 24678) }, watch: { ignored: ["**/.data/**"] } },
});
