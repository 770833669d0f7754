/**
 * The layering is enforced by ESLint (eslint.config.js, no-restricted-imports), and `npm test`
 * runs `eslint .`, so a forbidden import fails the run. These cases lint small snippets as if they
 * sat at the given path, with the repository's own config, and check each boundary both ways:
 * the forbidden import is an error and the allowed neighbour is not.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const eslint = new ESLint({ cwd: root });
const RULE = "@typescript-eslint/no-restricted-imports";

async function boundaryErrors(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  const fatal = result.messages.filter((m) => m.fatal);
  expect(fatal, `${file} did not parse`).toEqual([]);
  return result.messages.filter((m) => m.ruleId === RULE && m.severity === 2);
}

const forbidden: [string, string, string][] = [
  // app/domain: pure rules, no I/O
  ["app/domain", "app/domain/x.ts", `import { prisma } from "~/db/client.server.ts";`],
  ["app/domain", "app/domain/x.ts", `import { prisma } from "../db/client.server.ts";`],
  ["app/domain", "app/domain/x.ts", `export { prisma } from "~/db/client.server.ts";`],
  ["app/domain", "app/domain/x.ts", `import { listEntries } from "~/models/progress.server.ts";`],
  ["app/domain", "app/domain/x.ts", `import { statusLabel } from "../models/placements.shared.ts";`],
  ["app/domain", "app/domain/x.ts", `import { Prisma } from "~/generated/prisma/client.ts";`],
  ["app/domain", "app/domain/x.ts", `import { Prisma } from "../generated/prisma/client.ts";`],
  ["app/domain", "app/domain/x.ts", `import { readFileSync } from "node:fs";`],
  ["app/domain", "app/domain/x.ts", `import { readFile } from "fs/promises";`],
  ["app/domain", "app/domain/x.ts", `import { spawn } from "node:child_process";`],
  ["app/domain", "app/domain/x.ts", `import { createServer } from "node:http";`],
  ["app/domain", "app/domain/x.ts", `import { connect } from "node:net";`],
  ["app/domain", "app/domain/x.ts", `import pg from "pg";`],
  ["app/domain", "app/domain/x.ts", `import { Redis } from "ioredis";`],
  ["app/domain", "app/domain/x.ts", `import { Queue } from "bullmq";`],
  ["app/domain", "app/domain/x.ts", `import nodemailer from "nodemailer";`],
  ["app/domain", "app/domain/x.ts", `import { redirect } from "react-router";`],
  ["app/domain", "app/domain/x.ts", `import { createRequestHandler } from "@react-router/express";`],
  ["app/domain", "app/domain/x.ts", `import { enqueue } from "~/jobs/outbox.server.ts";`],
  // app/ never imports workers/
  ["app", "app/routes/x.tsx", `import { relay } from "../../workers/relay.ts";`],
  ["app", "app/models/x.server.ts", `import { connection } from "../../workers/connection.ts";`],
  ["app", "app/domain/x.ts", `import { schedules } from "../../workers/schedules.ts";`],
  // emails/ receive props and never query
  ["emails", "emails/x.tsx", `import { prisma } from "~/db/client.server.ts";`],
  ["emails", "emails/x.tsx", `import { prisma } from "../app/db/client.server.ts";`],
  ["emails", "emails/x.tsx", `import { listEntries } from "~/models/progress.server.ts";`],
  ["emails", "emails/x.tsx", `import { statusLabel } from "../app/models/placements.shared.ts";`],
  ["emails", "emails/x.tsx", `import { env } from "../app/utils/env.server.ts";`],
  ["emails", "emails/components/x.tsx", `import { statusLabel } from "~/models/placements.shared.ts";`],
  // components never import *.server
  ["app/components", "app/components/x.tsx", `import { listEntries } from "~/models/progress.server.ts";`],
  ["app/components", "app/components/x.tsx", `import { listEntries } from "../models/progress.server.ts";`],
  ["app/components", "app/components/x.tsx", `import { logger } from "~/utils/logger.server";`],
  // models take the actor's reach from app/auth/reach.server.ts, never from memberships directly
  ["app/models", "app/models/x.server.ts", `import { orgsWith } from "~/auth/permissions.ts";`],
  ["app/models", "app/models/x.server.ts", `import { can, hasRole } from "../auth/permissions.ts";`],
  ["app/models", "app/models/x.server.ts", `import { relay } from "../../workers/relay.ts";`],
];

const allowed: [string, string, string][] = [
  ["app/domain", "app/domain/x.ts", `import { z } from "zod";\nimport { todayInEngland } from "./dates.ts";`],
  ["app/domain", "app/domain/x.ts", `import type { Role } from "~/generated/prisma/client.ts";`],
  ["app/domain", "app/domain/x.ts", `import { Role } from "~/generated/prisma/enums.ts";`],
  ["app/domain", "app/domain/x.test.ts", `import { readFileSync } from "node:fs";`],
  [
    "app",
    "app/models/x.server.ts",
    `import { prisma } from "~/db/client.server.ts";\nimport { JOBS } from "~/jobs/definitions.ts";`,
  ],
  ["emails", "emails/x.tsx", `import { Text } from "react-email";\nimport { Layout } from "./components/layout.tsx";`],
  ["emails", "emails/x.tsx", `import type { Role } from "~/generated/prisma/enums.ts";`],
  [
    "app/components",
    "app/components/x.tsx",
    `import { otjStatus } from "~/domain/otj.ts";\nimport type { PlacementStatus } from "~/models/placements.shared.ts";`,
  ],
  ["workers", "workers/x.ts", `import { prisma } from "../app/db/client.server.ts";`],
  [
    "app/models",
    "app/models/x.server.ts",
    `import { can, type Actor } from "~/auth/permissions.ts";\nimport { classesVisibleTo } from "~/auth/reach.server.ts";`,
  ],
];

describe("import boundaries in eslint.config.js", () => {
  it.each(forbidden)("%s: %s may not have %s", async (_layer, file, code) => {
    expect((await boundaryErrors(file, code)).length).toBeGreaterThan(0);
  });

  it.each(allowed)("%s: %s may have %s", async (_layer, file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});
