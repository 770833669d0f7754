/**
 * The migration runner (app/db/migrate.server.ts): idempotent, Prisma-compatible history rows,
 * safe under concurrent start-up, and refusing to continue over edited or failed migrations.
 * Throwaway migrations live in a temp folder; throwaway databases carry the run's prefix so the
 * global teardown removes them even if this file crashes.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { applyMigrations, DEFAULT_MIGRATIONS_DIR } from "../../app/db/migrate.server.ts";
import { databaseUrl, quoteIdent, runPrefix, withAdmin } from "../setup/test-database.ts";

const { adminUrl, runId } = inject("testDatabase");
const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe("the project's migrations", () => {
  it("are already applied to this file's database (copied from the template): a second run applies nothing", async () => {
    const url = process.env.DATABASE_URL!;
    const lines: string[] = [];
    expect(await applyMigrations(url, { log: (l) => lines.push(l) })).toEqual({ applied: [] });
    expect(lines).toEqual([]);
  });

  it("are recorded the way prisma migrate deploy records them", async () => {
    const url = process.env.DATABASE_URL!;
    const names = (await readdir(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    const rows = await query<{
      id: string;
      checksum: string;
      migration_name: string;
      finished_at: Date | null;
      logs: string | null;
      rolled_back_at: Date | null;
      started_at: Date;
      applied_steps_count: number;
    }>(url, `SELECT * FROM _prisma_migrations ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const file = await readFile(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(sha256(file));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row).toMatchObject({ logs: null, rolled_back_at: null, applied_steps_count: 1 });
    }
    const columns = await query<{
      column_name: string;
      data_type: string;
      is_nullable: string;
      column_default: string | null;
      character_maximum_length: number | null;
    }>(
      url,
      `SELECT column_name, data_type, is_nullable, column_default, character_maximum_length
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(
      columns.map((c) => [c.column_name, c.data_type, c.character_maximum_length, c.is_nullable, c.column_default]),
    ).toEqual([
      ["id", "character varying", 36, "NO", null],
      ["checksum", "character varying", 64, "NO", null],
      ["finished_at", "timestamp with time zone", null, "YES", null],
      ["migration_name", "character varying", 255, "NO", null],
      ["logs", "text", null, "YES", null],
      ["rolled_back_at", "timestamp with time zone", null, "YES", null],
      ["started_at", "timestamp with time zone", null, "NO", "now()"],
      ["applied_steps_count", "integer", null, "NO", "0"],
    ]);
  });
});

describe("applyMigrations on a throwaway folder and database", () => {
  let dir: string;
  let database: string;
  let url: string;

  const write = async (name: string, sql: string) => {
    await mkdir(path.join(dir, name), { recursive: true });
    await writeFile(path.join(dir, name, "migration.sql"), sql);
  };
  const run = () => applyMigrations(url, { migrationsDir: dir });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "migrations-"));
    await writeFile(path.join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');
    await write(
      "20260101000000_init",
      `CREATE TABLE "things" ("id" INTEGER NOT NULL, CONSTRAINT "things_pkey" PRIMARY KEY ("id"));\n`,
    );
    await write("20260102000000_seed", `INSERT INTO "things" ("id") VALUES (1), (2);\n`);
    database = `${runPrefix(runId)}m${randomBytes(4).toString("hex")}`;
    await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(database)}`));
    url = databaseUrl(adminUrl, database);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`));
  });

  it("applies pending migrations in order, once", async () => {
    expect(await run()).toEqual({ applied: ["20260101000000_init", "20260102000000_seed"] });
    expect(await run()).toEqual({ applied: [] });
    await write("20260103000000_more", `INSERT INTO "things" ("id") VALUES (3);\n`);
    expect(await run()).toEqual({ applied: ["20260103000000_more"] });
    expect(await query(url, `SELECT count(*)::int AS n FROM things`)).toEqual([{ n: 3 }]);
    const rows = await query<{ migration_name: string; checksum: string }>(
      url,
      `SELECT migration_name, checksum FROM _prisma_migrations ORDER BY started_at`,
    );
    expect(rows).toEqual([
      {
        migration_name: "20260101000000_init",
        checksum: sha256(await readFile(path.join(dir, "20260101000000_init", "migration.sql"))),
      },
      { migration_name: "20260102000000_seed", checksum: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { migration_name: "20260103000000_more", checksum: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
  });

  it("refuses to go on when an applied migration was edited, naming it", async () => {
    await run();
    await write("20260102000000_seed", `INSERT INTO "things" ("id") VALUES (1), (2), (99);\n`);
    await write("20260103000000_more", `INSERT INTO "things" ("id") VALUES (3);\n`);
    await expect(run()).rejects.toThrow(/20260102000000_seed was modified after it was applied/);
    // Nothing after the check ran either.
    expect(await query(url, `SELECT count(*)::int AS n FROM _prisma_migrations`)).toEqual([{ n: 2 }]);
  });

  it("accepts a file whose only change is CRLF line endings (as Prisma does)", async () => {
    await run();
    const file = path.join(dir, "20260102000000_seed", "migration.sql");
    await writeFile(file, (await readFile(file, "utf8")).replace(/\n/g, "\r\n"));
    expect(await run()).toEqual({ applied: [] });
  });

  it("rolls back a failing migration completely and names it; the next run retries it", async () => {
    await write("20260103000000_broken", `CREATE TABLE "half" ("id" INTEGER);\nINSERT INTO "nope" VALUES (1);\n`);
    await expect(run()).rejects.toThrow(/Migration 20260103000000_broken failed and was rolled back.*"nope"/);
    expect(await query(url, `SELECT migration_name FROM _prisma_migrations ORDER BY 1`)).toEqual([
      { migration_name: "20260101000000_init" },
      { migration_name: "20260102000000_seed" },
    ]);
    expect(await query(url, `SELECT to_regclass('half') AS t`)).toEqual([{ t: null }]);
    await write("20260103000000_broken", `CREATE TABLE "half" ("id" INTEGER);\n`);
    expect(await run()).toEqual({ applied: ["20260103000000_broken"] });
  });

  it("refuses while a migration is recorded as failed (e.g. by prisma migrate deploy)", async () => {
    await run();
    await query(
      url,
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs) VALUES ($1, $2, '20260103000000_more', 'ERROR: boom')`,
      [randomUUID(), "0".repeat(64)],
    );
    await write("20260103000000_more", `SELECT 1;\n`);
    await expect(run()).rejects.toThrow(/20260103000000_more is recorded as failed/);
    await query(url, `UPDATE _prisma_migrations SET rolled_back_at = now() WHERE finished_at IS NULL`);
    expect(await run()).toEqual({ applied: ["20260103000000_more"] });
  });

  it("refuses a non-empty database that has no migration history (Prisma's P3005)", async () => {
    await query(url, `CREATE TABLE "legacy" ("id" INTEGER)`);
    await expect(run()).rejects.toThrow(/not empty but has no _prisma_migrations/);
  });

  it("applies each migration exactly once when several processes start together", async () => {
    const results = await Promise.all([run(), run(), run(), run()]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(["20260101000000_init", "20260102000000_seed"]);
    expect(await query(url, `SELECT count(*)::int AS n FROM _prisma_migrations`)).toEqual([{ n: 2 }]);
  });
});
