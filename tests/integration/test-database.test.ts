/**
 * The test harness itself: each file runs on its own copy of the migrated template, with its own
 * Redis key prefix, and testPrisma() talks to that copy.
 */
import { afterAll, describe, expect, inject, it } from "vitest";
import { testPrisma } from "../setup/db.ts";
import { runPrefix } from "../setup/test-database.ts";

const { runId, template } = inject("testDatabase");

describe("per-file test database", () => {
  it("points DATABASE_URL and REDIS_PREFIX at this file's own copies", () => {
    const database = new URL(process.env.DATABASE_URL!).pathname.slice(1);
    expect(database.startsWith(runPrefix(runId))).toBe(true);
    expect(database).not.toBe(template);
    expect(process.env.REDIS_PREFIX).toMatch(new RegExp(`^test:${runId}:[0-9a-f]{8}:$`));
  });

  it("gives testPrisma() a migrated database with the reference data", async () => {
    const prisma = testPrisma();
    expect(testPrisma()).toBe(prisma);
    expect(await prisma.district.count()).toBe(9);
    const org = await prisma.organisation.create({
      data: { name: "Tamworth Academy", kind: "SCHOOL", districtCode: "E07000199" },
    });
    expect(org.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(org.status).toBe("PENDING");
  });
});

afterAll(async () => {
  await testPrisma().$disconnect();
});
