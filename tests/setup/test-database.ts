/**
 * Shared by the global setup (main process) and the per-file setup (workers): names and URLs of
 * the databases one test run creates. Everything a run creates starts with `test_<runid>_`, so a
 * run only ever drops its own databases even when other people's runs share the server.
 */
import pg from "pg";

export const DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

export interface TestDatabaseContext {
  /** URL of a maintenance database used for CREATE/DROP DATABASE. */
  adminUrl: string;
  runId: string;
  /** The migrated database every test file's database is copied from. */
  template: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    testDatabase: TestDatabaseContext;
  }
}

export function adminUrlFromEnv(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_ADMIN_URL;
}

export function runPrefix(runId: string): string {
  return `test_${runId}_`;
}

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: "vitest-setup" });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops every database whose name starts with the prefix (FORCE closes leftover connections). */
export async function dropDatabasesWithPrefix(client: pg.Client, prefix: string): Promise<string[]> {
  const { rows } = await client.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
    [prefix],
  );
  for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
  return rows.map((r) => r.datname);
}
