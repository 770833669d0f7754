/**
 * Vitest setupFiles module: runs in the worker before each test FILE. It copies the run's
 * migrated template into a database of the file's own (CREATE DATABASE … TEMPLATE, ~0.1 s) and
 * points DATABASE_URL at it before the test file is imported, and gives the file its own Redis
 * key prefix (REDIS_PREFIX). Files therefore never see each other's rows or jobs and can run in
 * parallel. The database is dropped (FORCE) after the file; the global teardown catches leftovers.
 */
import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { databaseUrl, quoteIdent, runPrefix, withAdmin } from "./test-database.ts";

const context = inject("testDatabase");
if (!context) throw new Error("tests/setup/global-setup.ts did not run: add it to globalSetup in the vitest config");
const { adminUrl, runId, template } = context;
const fileId = randomBytes(4).toString("hex");
const database = `${runPrefix(runId)}${fileId}`;

const previous = { DATABASE_URL: process.env.DATABASE_URL, REDIS_PREFIX: process.env.REDIS_PREFIX };

await withAdmin(adminUrl, (client) =>
  client.query(`CREATE DATABASE ${quoteIdent(database)} TEMPLATE ${quoteIdent(template)}`),
);
process.env.DATABASE_URL = databaseUrl(adminUrl, database);
process.env.REDIS_PREFIX = `test:${runId}:${fileId}:`;

type Cleanup = () => Promise<void>;
const cleanups = ((globalThis as { __testDatabaseCleanups?: Cleanup[] }).__testDatabaseCleanups ??= []);

// Registered first, so (hooks run as a stack) it runs after the test file's own afterAll hooks.
afterAll(async () => {
  await Promise.allSettled(cleanups.splice(0).map((cleanup) => cleanup()));
  await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`));
  for (const [key, value] of Object.entries(previous)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});
