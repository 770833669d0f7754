/**
 * The catalogue through real Postgres: import preview (new / updated with changed fields /
 * unchanged / invalid with reasons), apply in one transaction, idempotent re-import by uid, the
 * admin-only reach of a stored import, and retired exam codes credited to their successors.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testPrisma } from "../setup/db.ts";
import type { Actor } from "../../app/auth/permissions.ts";
import { disconnectDb } from "../../app/db/client.server.ts";
import { creditedCredential, creditedCodes } from "../../app/domain/credentials.ts";
import {
  applyCatalogueImport,
  CatalogueError,
  getCatalogue,
  getCatalogueImport,
  previewCatalogueImport,
} from "../../app/models/catalogue.server.ts";

const prisma = testPrisma();
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));

let admin: Actor;
let otherAdmin: Actor;
let teacher: Actor;

async function actorIn(kind: "PROVIDER" | "SCHOOL", role: "PARTNERSHIP_ADMIN" | "TEACHER"): Promise<Actor> {
  const org = await prisma.organisation.create({
    data: { name: `Org ${Math.random()}`, kind, status: "APPROVED", districtCode: "E07000197" },
    select: { id: true, name: true },
  });
  const user = await prisma.user.create({
    data: {
      email: `${Math.random()}@example.org`,
      firstName: "A",
      lastName: "B",
      memberships: { create: { organisationId: org.id, role } },
    },
    select: { id: true },
  });
  return {
    userId: user.id,
    displayName: "A B",
    memberships: [{ organisationId: org.id, organisationName: org.name, organisationKind: kind, role }],
  };
}

beforeAll(async () => {
  admin = await actorIn("PROVIDER", "PARTNERSHIP_ADMIN");
  otherAdmin = await actorIn("PROVIDER", "PARTNERSHIP_ADMIN");
  teacher = await actorIn("SCHOOL", "TEACHER");
  // What the seed holds before the first import: one module with an older duration and title.
  await prisma.module.create({
    data: {
      uid: "learn.wwl.describe-cloud-compute",
      title: "Describe cloud compute",
      durationMinutes: 35,
      levels: ["beginner"],
      roles: ["student"],
      products: [],
      url: "https://learn.microsoft.com/en-gb/training/modules/describe-cloud-compute/",
    },
  });
  await prisma.credential.createMany({
    data: [
      { code: "AB-900", name: "Microsoft 365 Copilot and Agent Administration Fundamentals" },
      { code: "AI-901", name: "Microsoft Azure AI Fundamentals" },
      { code: "AZ-900", name: "Microsoft Azure Fundamentals" },
    ],
  });
  await prisma.credential.createMany({
    data: [
      {
        code: "MS-900",
        name: "Microsoft 365 Fundamentals",
        retiredOn: new Date("2026-03-31T00:00:00Z"),
        successorCode: "AB-900",
      },
      {
        code: "AI-900",
        name: "Microsoft Azure AI Fundamentals (retired)",
        retiredOn: new Date("2026-06-30T00:00:00Z"),
        successorCode: "AI-901",
      },
    ],
  });
});
afterAll(async () => {
  await disconnectDb();
});

describe("catalogue import", () => {
  it("previews the Learn JSON: new, updated with the changed fields, invalid rows with reasons; nothing written", async () => {
    const before = await prisma.module.count();
    const outcome = await previewCatalogueImport(admin, fixture("learn-catalogue.json"));
    if (!outcome.ok) throw new Error(outcome.problems.join(" "));
    const { preview } = outcome;
    expect(preview.new).toHaveLength(13);
    expect(preview.updated).toHaveLength(1);
    expect(preview.updated[0].uid).toBe("learn.wwl.describe-cloud-compute");
    const fields = Object.fromEntries(preview.updated[0].changes.map((c) => [c.field, [c.before, c.after]]));
    expect(fields.durationMinutes).toEqual(["35", "34"]);
    expect(fields.title).toEqual(["Describe cloud compute", "Describe cloud computing"]);
    expect(preview.unchanged).toBe(0);
    expect(preview.invalid.map((r) => r.row)).toEqual([15, 16]);
    expect(preview.invalid[0].reasons.join(" ")).toMatch(/duration_in_minutes should be more than 0/);
    expect(await prisma.module.count()).toBe(before);
    const job = await prisma.importJob.findUniqueOrThrow({ where: { id: outcome.importId } });
    expect(job).toMatchObject({ kind: "catalogue", status: "preview" });
    expect(job.fileText).toContain("describe-cloud-compute");
  });

  it("applies in one transaction, audit-logged with counts, and a re-import of the same file changes nothing", async () => {
    const outcome = await previewCatalogueImport(admin, fixture("learn-catalogue.json"));
    if (!outcome.ok) throw new Error(outcome.problems.join(" "));
    const before = await prisma.module.count();
    const result = await applyCatalogueImport(admin, outcome.importId);
    expect(result).toEqual({ created: 13, updated: 1, unchanged: 0, invalid: 2 });
    expect(await prisma.module.count()).toBe(before + 13);
    expect(await prisma.module.findUniqueOrThrow({ where: { uid: "learn.wwl.describe-cloud-compute" } })).toMatchObject(
      { durationMinutes: 34, title: "Describe cloud computing" },
    );
    const log = await prisma.auditLog.findFirstOrThrow({
      where: { action: "catalogue.import", subjectId: outcome.importId },
    });
    expect(log.metadata).toEqual({ created: 13, updated: 1, unchanged: 0, invalid: 2 });
    await expect(applyCatalogueImport(admin, outcome.importId)).rejects.toBeInstanceOf(CatalogueError);

    const snapshot = await prisma.module.findMany({ orderBy: { uid: "asc" }, select: { uid: true, updatedAt: true } });
    const again = await previewCatalogueImport(admin, fixture("learn-catalogue.json"));
    if (!again.ok) throw new Error(again.problems.join(" "));
    expect(again.preview).toMatchObject({ new: [], updated: [], unchanged: 14 });
    expect(await applyCatalogueImport(admin, again.importId)).toEqual({
      created: 0,
      updated: 0,
      unchanged: 14,
      invalid: 2,
    });
    expect(await prisma.module.findMany({ orderBy: { uid: "asc" }, select: { uid: true, updatedAt: true } })).toEqual(
      snapshot,
    );

    // The CSV shape of the same modules is unchanged too; its own bad rows are explained.
    const fromCsv = await previewCatalogueImport(admin, fixture("learn-catalogue.csv"));
    if (!fromCsv.ok) throw new Error(fromCsv.problems.join(" "));
    expect(fromCsv.preview.invalid.map((r) => [r.row, r.reasons.join(" ")])).toEqual([
      [6, expect.stringMatching(/whole number of minutes/)],
      [7, expect.stringMatching(/https:\/\/ address on learn.microsoft.com/)],
    ]);
  });

  it("refuses a file it cannot read, with the reason", async () => {
    const outcome = await previewCatalogueImport(admin, new TextEncoder().encode("{ not json"));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.problems[0]).toMatch(/not valid JSON/);
  });

  it("keeps a stored import within the reach of the admin's organisation, and away from teachers (404)", async () => {
    const outcome = await previewCatalogueImport(admin, fixture("learn-catalogue.csv"));
    if (!outcome.ok) throw new Error(outcome.problems.join(" "));
    for (const outsider of [otherAdmin, teacher]) {
      const error = await applyCatalogueImport(outsider, outcome.importId).then(
        () => null,
        (e: unknown) => e,
      );
      expect((error as Response).status).toBe(404);
    }
    const error = await getCatalogue(teacher).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as Response).status).toBe(404);
    expect((await getCatalogueImport(admin, outcome.importId)).status).toBe("preview");
  });
});

describe("retired exam codes", () => {
  it("are listed with their successors and credited to them", async () => {
    const { credentials } = await getCatalogue(admin);
    const retired = credentials.filter((c) => c.retiredOn).map((c) => [c.code, c.successorCode]);
    expect(retired).toEqual([
      ["AI-900", "AI-901"],
      ["MS-900", "AB-900"],
    ]);
    expect(creditedCredential("MS-900", credentials)).toBe("AB-900");
    expect(creditedCredential("AI-900", credentials)).toBe("AI-901");
    expect(creditedCodes(["MS-900", "AB-900", "AZ-900"], credentials).sort()).toEqual(["AB-900", "AZ-900"]);
  });
});
