/**
 * Applies the SQL migrations in prisma/migrations/<name>/migration.sql and records them in
 * `_prisma_migrations` exactly the way `prisma migrate deploy` does, because Prisma's native
 * schema engine cannot be downloaded on our machines (docs/decisions/003).
 * A database migrated here is seen as up to date by `prisma migrate deploy`, and vice versa.
 *
 * What matches Prisma:
 * - the table definition, the row shape (uuid id, sha256 hex checksum of the file's bytes,
 *   started_at, finished_at, applied_steps_count = 1, logs NULL on success);
 * - the advisory lock key (72707369, the one Prisma's engine takes on Postgres), so this runner,
 *   `prisma migrate deploy` and several app instances starting at once all queue behind it;
 * - migrations are applied in folder-name order; a checksum is accepted with CRLF or LF endings;
 * - refusal (with the migration's name) when an applied migration was edited, when one is
 *   recorded as failed (finished_at and rolled_back_at both NULL; clear it with
 *   `prisma migrate resolve` or by hand), or when the schema has tables but no history (P3005).
 *
 * Where it differs on purpose: each migration runs in its own transaction together with its
 * history row, so a failing migration leaves nothing behind (Postgres DDL is transactional) and
 * the next run simply retries it; Prisma instead records the failure. Consequently a migration
 * must not contain its own BEGIN/COMMIT or statements that cannot run in a transaction
 * (CREATE INDEX CONCURRENTLY): split such work out or apply it by hand.
 */
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

/** Prisma's own advisory lock key for migrations on PostgreSQL. */
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

/**
 * prisma/migrations under the working directory, the repository root, as for build/client: this
 * module runs from source (tsx) and bundled somewhere under build/server (npm run db:migrate).
 */
export const DEFAULT_MIGRATIONS_DIR = path.resolve("prisma/migrations");

export interface ApplyMigrationsOptions {
  log?: (line: string) => void;
  /** Folder holding `<name>/migration.sql`; defaults to the repository's prisma/migrations. */
  migrationsDir?: string;
}

interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
  /** Checksum with CRLF turned into LF: Prisma accepts either. */
  checksumLf: string;
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

export function migrationChecksum(sql: string | Buffer): string {
  return createHash("sha256").update(sql).digest("hex");
}

async function readLocalMigrations(dir: string): Promise<LocalMigration[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    throw new MigrationError(`Cannot read the migrations folder ${dir}: ${(error as Error).message}`);
  }
  const migrations: LocalMigration[] = [];
  for (const name of entries.sort()) {
    const folder = path.join(dir, name);
    if (!(await stat(folder)).isDirectory()) continue; // migration_lock.toml
    let bytes: Buffer;
    try {
      bytes = await readFile(path.join(folder, "migration.sql"));
    } catch {
      throw new MigrationError(`Migration folder ${name} has no migration.sql`);
    }
    const sql = bytes.toString("utf8");
    migrations.push({
      name,
      sql,
      checksum: migrationChecksum(bytes),
      checksumLf: migrationChecksum(sql.replace(/\r\n/g, "\n")),
    });
  }
  return migrations;
}

const CREATE_HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export async function applyMigrations(
  databaseUrl: string,
  options: ApplyMigrationsOptions = {},
): Promise<{ applied: string[] }> {
  const log = options.log ?? (() => {});
  const local = await readLocalMigrations(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);

  const client = new pg.Client({ connectionString: databaseUrl, application_name: "migrate" });
  await client.connect();
  try {
    // Session-level lock: held across the per-migration transactions, released on unlock/close.
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
    try {
      return await applyLocked(client, local, log);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end();
  }
}

async function applyLocked(
  client: pg.Client,
  local: LocalMigration[],
  log: (line: string) => void,
): Promise<{ applied: string[] }> {
  const { rows: exists } = await client.query<{ history: string | null }>(
    `SELECT to_regclass('"_prisma_migrations"')::text AS history`,
  );
  if (!exists[0]?.history) {
    // Prisma's P3005: never run the first migration over an existing, unrecorded schema.
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm')`,
    );
    if ((rows[0]?.n ?? 0) > 0) {
      throw new MigrationError(
        "The database schema is not empty but has no _prisma_migrations table; baseline it first (see Prisma's P3005).",
      );
    }
    await client.query(CREATE_HISTORY_TABLE);
  }

  const { rows: recorded } = await client.query<MigrationRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at, logs
       FROM "_prisma_migrations" ORDER BY started_at`,
  );

  const failed = recorded.find((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed) {
    throw new MigrationError(
      `Migration ${failed.migration_name} is recorded as failed in _prisma_migrations` +
        (failed.logs ? ` (${failed.logs.split("\n")[0]})` : "") +
        `. Fix the database, then mark it with \`prisma migrate resolve --applied|--rolled-back ${failed.migration_name}\` or set rolled_back_at.`,
    );
  }

  const applied = new Map<string, MigrationRow>();
  for (const row of recorded) {
    if (row.finished_at !== null && row.rolled_back_at === null) applied.set(row.migration_name, row);
  }

  for (const migration of local) {
    const row = applied.get(migration.name);
    if (row && row.checksum !== migration.checksum && row.checksum !== migration.checksumLf) {
      throw new MigrationError(
        `Migration ${migration.name} was modified after it was applied (checksum ${row.checksum} in the database, ` +
          `${migration.checksum} on disk). Never edit an applied migration: restore the file and add a new migration.`,
      );
    }
  }
  const localNames = new Set(local.map((m) => m.name));
  for (const name of applied.keys()) {
    if (!localNames.has(name))
      log(`Warning: migration ${name} is applied to the database but missing from the migrations folder`);
  }

  const done: string[] = [];
  for (const migration of local) {
    if (applied.has(migration.name)) continue;
    log(`Applying migration ${migration.name}`);
    await client.query("BEGIN");
    try {
      const id = randomUUID();
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), 0)`,
        [id, migration.checksum, migration.name],
      );
      // No parameters: pg uses the simple query protocol, which runs a multi-statement script.
      await client.query(migration.sql);
      await client.query(
        `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
        [id],
      );
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw new MigrationError(
        `Migration ${migration.name} failed and was rolled back (nothing of it was applied): ${(error as Error).message}`,
        { cause: error },
      );
    }
    done.push(migration.name);
  }
  return { applied: done };
}
