import type { Config } from "@react-router/dev/config";

// Server-rendered app served by our own Express server (server.ts); see docs/decisions/001.
export default {
  ssr: true,
  appDirectory: "app",
  buildDirectory: "build",
  // Several server entries (vite.config.ts): each keeps its own name; the routes stay index.js.
  serverBuildFile: "[name].js",
} satisfies Config;
