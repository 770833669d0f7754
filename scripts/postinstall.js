// Generates the Prisma client after install without Prisma's engine download (see docs/decisions/003).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

// An install without devDependencies (npm ci --omit=dev on a host that runs a build made
// elsewhere) has no Prisma CLI and needs no generated client: the build holds it.
if (!existsSync("prisma/schema.prisma") || !existsSync("node_modules/prisma")) process.exit(0);
const result = spawnSync("npx", ["prisma", "generate"], {
  stdio: "inherit",
  env: { PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false", ...process.env },
});
process.exit(result.status ?? 1);
