/**
 * Vitest globalSetup: once per run, builds a migrated template database with the project's own
 * migration runner (the same code production uses), hands its name to the workers through
 * `provide`, and at the end drops it and any per-file database a crashed worker left behind.
 * The Postgres server comes from TEST_DATABASE_URL (any database on it that we may connect to),
 * default postgresql://postgres@127.0.0.1:5432/postgres.
 */
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../../app/db/migrate.server.ts";
import {
  adminUrlFromEnv,
  databaseUrl,
  dropDatabasesWithPrefix,
  quoteIdent,
  runPrefix,
  withAdmin,
} from "./test-database.ts";

export default async function setup(project: TestProject) {
  const adminUrl = adminUrlFromEnv();
  // Time first so leftovers sort by age; random part so parallel runs never collide.
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  const template = `${runPrefix(runId)}template`;

  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(template)}`));
  try {
    await applyMigrations(databaseUrl(adminUrl, template));
  } catch (error) {
    await withAdmin(adminUrl, (client) => dropDatabasesWithPrefix(client, runPrefix(runId)));
    throw error;
  }

  project.provide("testDatabase", { adminUrl, runId, template });

  return async function teardown() {
    await withAdmin(adminUrl, (client) => dropDatabasesWithPrefix(client, runPrefix(runId)));
  };
}
