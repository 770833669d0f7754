import type { Config } from "@react-router/dev/config";

// Server-rendered app served by our own Express server (server.ts); see docs/decisions/001.
export default {
  ssr: true,
  appDirectory: "app",
  buildDirectory: "build",
} satisfies Config;
