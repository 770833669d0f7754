/**
 * Drift guard: the database our migrations build must be exactly what schema.prisma describes.
 * Fails when someone edits the schema without writing the migration (or the other way round).
 * The database is this file's copy of the run's template (migrated by app/db/migrate.server.ts),
 * so it is the result of the real migration files run through the real runner.
 */
import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDatamodel, type Datamodel } from "../setup/dmmf.ts";
import { diffSchema, introspect, type DatabaseSchema } from "../setup/schema-diff.ts";

const schemaText = readFileSync(new URL("../../prisma/schema.prisma", import.meta.url), "utf8");

let client: pg.Client;
let db: DatabaseSchema;
let datamodel: Datamodel;

beforeAll(async () => {
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  db = await introspect(client);
  datamodel = getDatamodel(schemaText);
});
afterAll(async () => {
  await client?.end();
});

describe("schema.prisma and the migrated database", () => {
  it("agree on every enum, table, column, index and foreign key", () => {
    expect(datamodel.models.length).toBeGreaterThan(20);
    expect(db.tables.length).toBe(datamodel.models.length);
    expect(diffSchema(datamodel, db)).toEqual([]);
  });

  it("holds the nine ONS districts the app needs in production", async () => {
    const { rows } = await client.query<{ code: string; name: string }>(
      `SELECT code, name FROM districts ORDER BY code`,
    );
    expect(rows.map((r) => r.code)).toEqual([
      "E06000021",
      "E07000192",
      "E07000193",
      "E07000194",
      "E07000195",
      "E07000196",
      "E07000197",
      "E07000198",
      "E07000199",
    ]);
    expect(rows.find((r) => r.code === "E07000195")?.name).toBe("Newcastle-under-Lyme");
  });
});

describe("the drift check itself", () => {
  it("reports a field added to schema.prisma without a migration, naming the column", () => {
    const altered = schemaText.replace(/(model User \{\n)/, '$1  nickname String? @map("nick_name")\n');
    expect(altered).not.toBe(schemaText);
    expect(diffSchema(getDatamodel(altered), db)).toEqual([
      `column "users"."nick_name" is in schema.prisma but not in the database`,
    ]);
  });

  it("reports changed types, nullability, defaults, enum values, indexes and ON DELETE", () => {
    const altered = schemaText
      .replace(
        'otjHoursAtReview     Decimal?     @map("otj_hours_at_review") @db.Decimal(8, 2)',
        'otjHoursAtReview     Decimal?     @map("otj_hours_at_review") @db.Decimal(10, 2)',
      )
      .replace("sector        String?", "sector        String")
      .replace('description String   @default("")', "description String")
      .replace("  SUSPENDED\n", "  SUSPENDED\n  ARCHIVED\n")
      .replace('  @@index([expiresAt])\n  @@map("sessions")', '  @@map("sessions")')
      .replace(
        "user User @relation(fields: [userId], references: [id], onDelete: Cascade)\n\n  @@index([userId])",
        "user User @relation(fields: [userId], references: [id])\n\n  @@index([userId])",
      );
    const diff = diffSchema(getDatamodel(altered), db);
    expect(diff).toEqual(
      expect.arrayContaining([
        `column "reviews"."otj_hours_at_review" is numeric(8,2) in the database, schema.prisma says numeric(10,2)`,
        `column "organisations"."sector" is nullable in the database, schema.prisma says NOT NULL`,
        `column "pathways"."description" has default ''::text in the database, schema.prisma says no default`,
        `enum "organisation_status" has values (PENDING, APPROVED, SUSPENDED) in the database, schema.prisma says (PENDING, APPROVED, SUSPENDED, ARCHIVED)`,
        `index "sessions_expires_at_idx" on "sessions"(expires_at) is in the database but not in schema.prisma`,
        `foreign key "sessions_user_id_fkey" "sessions"(user_id) → "users"(id) ON DELETE RESTRICT ON UPDATE CASCADE is in schema.prisma but not in the database`,
      ]),
    );
    expect(diff).toHaveLength(7); // the Cascade FK also shows as "in the database but not in schema.prisma"
  });

  it("reports a column and a table that exist only in the database", async () => {
    await client.query("BEGIN");
    try {
      await client.query(`ALTER TABLE "users" ADD COLUMN "shoe_size" INTEGER`);
      await client.query(`CREATE TABLE "scratch" ("id" INTEGER PRIMARY KEY)`);
      const diff = diffSchema(datamodel, await introspect(client));
      expect(diff).toEqual([
        `table "scratch" is in the database but not in schema.prisma`,
        `column "users"."shoe_size" is in the database but not in schema.prisma`,
      ]);
    } finally {
      await client.query("ROLLBACK");
    }
  });
});
