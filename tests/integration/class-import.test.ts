/**
 * Classes and class-list import through real Postgres: dry run (counts and reasons), confirm,
 * idempotent re-upload, all-or-nothing on a failure mid-write, matching by UPN then email
 * among the school's own pupils (class-import-reach.test.ts covers other schools), possible duplicates, moving class keeps history,
 * setup codes, the background path, tenancy (404), and the class grid's constant query count.
 */
import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testPrisma } from "../setup/db.ts";
import type { Actor } from "../../app/auth/permissions.ts";
import type { Role } from "../../app/generated/prisma/enums.ts";
import { hashToken } from "../../app/auth/tokens.ts";
import { upnCheckLetter } from "../../app/domain/class-list.ts";
import { disconnectDb } from "../../app/db/client.server.ts";
import { createClass, enrolClassInPathway, getClass, loadClassGrid } from "../../app/models/classes.server.ts";
import {
  BACKGROUND_THRESHOLD,
  confirmClassImport,
  getClassImport,
  ImportError,
  previewClassImport,
} from "../../app/models/class-import.server.ts";
import { generateSetupCodes } from "../../app/models/setup-codes.server.ts";
import { processClassImport } from "../../workers/imports-worker.ts";

const prisma = testPrisma();
const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/class-lists/${name}`, import.meta.url)));
const csv = (text: string) => new TextEncoder().encode(text);
/** A valid UPN for serial n (LA 860, a made-up school). */
const upn = (n: number, school = "7777") => {
  const body = `860${school}20${String(n).padStart(3, "0")}`;
  return upnCheckLetter(body) + body;
};

let seq = 0;
async function school(name = "School") {
  return prisma.organisation.create({
    data: { name: `${name} ${++seq}`, kind: "SCHOOL", status: "APPROVED", districtCode: "E07000192" },
    select: { id: true, name: true },
  });
}
async function staff(org: { id: string; name: string }, role: Role = "TEACHER"): Promise<Actor> {
  const user = await prisma.user.create({
    data: {
      email: `staff${++seq}@example.org`,
      firstName: "Staff",
      lastName: `Member${seq}`,
      memberships: { create: { organisationId: org.id, role } },
    },
    select: { id: true },
  });
  return {
    userId: user.id,
    displayName: "Staff",
    memberships: [{ organisationId: org.id, organisationName: org.name, organisationKind: "SCHOOL", role }],
  };
}
async function pupil(
  org: { id: string },
  data: { firstName: string; lastName: string; yearGroup?: number; upn?: string; email?: string },
) {
  return prisma.user.create({
    data: {
      ...data,
      yearGroup: data.yearGroup ?? 9,
      username: `p${++seq}x`,
      memberships: { create: { organisationId: org.id, role: "PUPIL" } },
    },
    select: { id: true },
  });
}
async function pathwayWithModules(n = 3) {
  const slug = `test-pathway-${++seq}`;
  return prisma.pathway.create({
    data: {
      slug,
      title: `Digital foundations ${seq}`,
      audience: "PUPIL",
      hoursMin: 10,
      hoursMax: 12,
      modules: {
        create: Array.from({ length: n }, (_, i) => ({
          position: i,
          module: {
            create: {
              uid: `learn.test.${slug}.m${i}`,
              title: `Module ${i + 1}`,
              durationMinutes: 30,
              levels: ["beginner"],
              roles: [],
              products: [],
              url: `https://learn.microsoft.com/training/modules/${slug}-m${i}/`,
            },
          },
        })),
      },
    },
    select: { id: true, modules: { select: { moduleId: true }, orderBy: { position: "asc" } } },
  });
}
async function counts() {
  const [users, memberships, members, enrolments] = await Promise.all([
    prisma.user.count(),
    prisma.membership.count(),
    prisma.cohortMember.count(),
    prisma.enrolment.count(),
  ]);
  return { users, memberships, members, enrolments };
}
async function expectNotFound(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Response);
  expect((error as Response).status).toBe(404);
}
async function previewOk(actor: Actor, classId: string, bytes: Uint8Array) {
  const outcome = await previewClassImport(actor, classId, bytes);
  if (!outcome.ok) throw new Error(`preview failed: ${outcome.problems.join(" ")}`);
  return outcome;
}

const year = 2026;
let schoolA: { id: string; name: string };
let teacherA: Actor;

beforeAll(async () => {
  schoolA = await school("Chase");
  teacherA = await staff(schoolA);
});
afterAll(async () => {
  await disconnectDb();
});

describe("dry run", () => {
  it("counts a realistic 30-pupil export as 30 new pupils and writes nothing but the stored preview", async () => {
    const cohort = await createClass(teacherA, { name: "9X dry run", yearGroup: 9, academicYear: year });
    const before = await counts();
    const outcome = await previewOk(teacherA, cohort.id, fixture("year9-class-30.csv"));
    expect(outcome.summary).toMatchObject({
      fileRows: 30,
      validRows: 30,
      newPupils: 30,
      matched: 0,
      unchanged: 0,
      possibleDuplicates: [],
      invalid: [],
    });
    expect(await counts()).toEqual(before);
    const job = await prisma.importJob.findUniqueOrThrow({ where: { id: outcome.importId } });
    expect(job).toMatchObject({ status: "preview", kind: "class-list", cohortId: cohort.id, totalRows: 30 });
    expect(job.fileText).toContain("Pickerill");
  });

  it("lists invalid rows with their row numbers and plain-English reasons", async () => {
    const cohort = await createClass(teacherA, { name: "9X invalid", yearGroup: 9, academicYear: year });
    const outcome = await previewOk(teacherA, cohort.id, fixture("invalid-upns.csv"));
    const lines = outcome.summary.invalid.map((r) => r.line);
    expect(lines).toEqual(expect.arrayContaining([2, 6, 7]));
    const byLine = new Map(outcome.summary.invalid.map((r) => [r.line, r.reasons.join(" ")]));
    expect(byLine.get(2)).toMatch(/^Row 2: the UPN 'A12345' is not a valid UPN/);
    expect(byLine.get(6)).toMatch(/Row 6: no legal first name/);
    expect(byLine.get(7)).toMatch(/Row 7: no surname/);
  });

  it("refuses a file without the columns it needs, with a clear message", async () => {
    const cohort = await createClass(teacherA, { name: "9X missing", yearGroup: 9, academicYear: year });
    const outcome = await previewClassImport(teacherA, cohort.id, fixture("missing-column.csv"));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.problems.join(" ")).toMatch(/missing/);
  });
});

describe("confirm and re-upload", () => {
  it("writes pupils, memberships, class membership and pathway enrolments in one go, then a re-upload changes nothing", async () => {
    const cohort = await createClass(teacherA, { name: "9X confirm", yearGroup: 9, academicYear: year });
    const pathway = await pathwayWithModules();
    await enrolClassInPathway(teacherA, cohort.id, pathway.id);
    const before = await counts();

    const first = await previewOk(teacherA, cohort.id, fixture("year9-class-30.csv"));
    const confirmed = await confirmClassImport(teacherA, cohort.id, first.importId);
    expect(confirmed).toEqual({
      queued: false,
      result: { created: 30, matched: 0, unchanged: 0, moved: 0, confirmedSame: 0, enrolmentsCreated: 30, invalid: 0 },
    });

    const after = await counts();
    expect(after).toEqual({
      users: before.users + 30,
      memberships: before.memberships + 30,
      members: before.members + 30,
      enrolments: before.enrolments + 30,
    });
    const siân = await prisma.user.findFirstOrThrow({
      where: { lastName: "Pickerill" },
      select: { firstName: true, username: true, upn: true, yearGroup: true, email: true, passwordHash: true },
    });
    expect(siân).toMatchObject({
      firstName: "Siân",
      upn: "L860450116929",
      yearGroup: 9,
      email: null,
      passwordHash: null,
    });
    expect(siân.username).toMatch(/^sianp\d{4}$/);
    const job = await prisma.importJob.findUniqueOrThrow({ where: { id: first.importId } });
    expect(job.status).toBe("done");
    expect(job.fileText).toBeNull();
    const log = await prisma.auditLog.findFirstOrThrow({ where: { action: "class.import", subjectId: cohort.id } });
    expect(log.metadata).toMatchObject({ created: 30, enrolmentsCreated: 30, importJobId: first.importId });

    // A second confirm of the same preview is refused.
    await expect(confirmClassImport(teacherA, cohort.id, first.importId)).rejects.toBeInstanceOf(ImportError);

    // Re-uploading the same file: everything unchanged, and confirming writes nothing.
    const again = await previewOk(teacherA, cohort.id, fixture("year9-class-30.csv"));
    expect(again.summary).toMatchObject({ newPupils: 0, matched: 0, unchanged: 30 });
    const stamp = await prisma.user.findFirstOrThrow({ where: { lastName: "Pickerill" }, select: { updatedAt: true } });
    const second = await confirmClassImport(teacherA, cohort.id, again.importId);
    expect(second).toMatchObject({
      queued: false,
      result: { created: 0, matched: 0, unchanged: 30, enrolmentsCreated: 0 },
    });
    expect(await counts()).toEqual(after);
    expect(
      (await prisma.user.findFirstOrThrow({ where: { lastName: "Pickerill" }, select: { updatedAt: true } })).updatedAt,
    ).toEqual(stamp.updatedAt);
  });

  it("writes nothing at all when the database fails part-way through the write", async () => {
    const cohort = await createClass(teacherA, { name: "9X failing", yearGroup: 9, academicYear: year });
    const pathway = await pathwayWithModules();
    await enrolClassInPathway(teacherA, cohort.id, pathway.id);
    const body = [
      "UPN,Forename,Surname,Year",
      ...Array.from({ length: 12 }, (_, i) => `${upn(100 + i)},Pupil,Failing${i},9`),
    ].join("\n");
    const outcome = await previewOk(teacherA, cohort.id, csv(body));
    const before = await counts();
    const auditsBefore = await prisma.auditLog.count({ where: { action: "class.import" } });

    // Enrolments are the last table written: users, memberships and class rows are already in
    // the transaction when this unique violation fires.
    await prisma.$executeRawUnsafe(`
      CREATE FUNCTION fail_enrolment() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'provoked' USING ERRCODE = 'unique_violation'; END $$`);
    await prisma.$executeRawUnsafe(
      `CREATE TRIGGER fail_enrolment BEFORE INSERT ON enrolments FOR EACH ROW EXECUTE FUNCTION fail_enrolment()`,
    );
    try {
      const error = await confirmClassImport(teacherA, cohort.id, outcome.importId).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ImportError);
      expect((error as Error).message).toMatch(/nothing was saved/);
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER fail_enrolment ON enrolments`);
      await prisma.$executeRawUnsafe(`DROP FUNCTION fail_enrolment()`);
    }
    expect(await counts()).toEqual(before);
    expect(await prisma.user.count({ where: { lastName: { startsWith: "Failing" } } })).toBe(0);
    expect(await prisma.auditLog.count({ where: { action: "class.import" } })).toBe(auditsBefore);
    expect((await prisma.importJob.findUniqueOrThrow({ where: { id: outcome.importId } })).status).toBe("failed");
  });
});

describe("matching", () => {
  it("matches by UPN, then by email, only among the school's own pupils; another school's pupils and other accounts' emails are never attached", async () => {
    const schoolB = await school("Trent");
    const byUpn = await pupil(schoolA, { firstName: "Harry", lastName: "Upnmatch", upn: upn(201), yearGroup: 8 });
    const byEmail = await pupil(schoolA, {
      firstName: "Grace",
      lastName: "Emailmatch",
      email: "grace.e@pupils.example.org",
    });
    const elsewhere = await pupil(schoolB, { firstName: "Ruby", lastName: "Mover", upn: upn(203) });
    const other = await pupil(schoolB, { firstName: "Noah", lastName: "Other", upn: upn(204) });
    const teacherB = await staff(schoolB);
    const staffEmail = (await prisma.user.findUniqueOrThrow({ where: { id: teacherB.userId } })).email!;
    const cohort = await createClass(teacherA, { name: "9X matching", yearGroup: 9, academicYear: year });

    const file = [
      "UPN,Forename,Surname,Year,Email",
      `${upn(201)},Harry,Upnmatch,9,`, // by UPN; year group moves 8 → 9
      `${upn(202)},Grace,Emailmatch,9,grace.e@pupils.example.org`, // by email; UPN filled in
      `${upn(203)},Ruby,Mover,9,`, // another school's pupil, names agreeing: a new pupil here, UPN left off (decision 025)
      `${upn(204)},Someone,Else,9,`, // another school's pupil, names differing: the same
      `,Ava,Newpupil,9,ava.new@pupils.example.org`, // new
      `,Staff,Clash,9,${staffEmail}`, // a member of staff's email: a new pupil, email left off
    ].join("\n");
    const preview = await previewOk(teacherA, cohort.id, csv(file));
    // Nothing in the preview tells the teacher which identifiers someone else holds.
    expect(preview.summary).toMatchObject({ newPupils: 4, matched: 2, unchanged: 0, invalid: [] });

    const usersBefore = await prisma.user.count();
    const { result } = (await confirmClassImport(teacherA, cohort.id, preview.importId)) as {
      result: { created: number; matched: number };
    };
    expect(result).toMatchObject({ created: 4, matched: 2 });
    expect(await prisma.user.count()).toBe(usersBefore + 4);
    expect(await prisma.user.findUniqueOrThrow({ where: { id: byUpn.id } })).toMatchObject({ yearGroup: 9 });
    expect(await prisma.user.findUniqueOrThrow({ where: { id: byEmail.id } })).toMatchObject({ upn: upn(202) });
    for (const theirs of [elsewhere, other]) {
      const memberships = await prisma.membership.findMany({
        where: { userId: theirs.id },
        select: { organisationId: true },
      });
      expect(memberships.map((m) => m.organisationId)).toEqual([schoolB.id]);
    }
    expect(
      await prisma.membership.findMany({
        where: { userId: teacherB.userId },
        select: { organisationId: true, role: true },
      }),
    ).toEqual([{ organisationId: schoolB.id, role: "TEACHER" }]);
    const created = await prisma.user.findMany({
      where: { lastName: { in: ["Mover", "Else", "Clash"] }, memberships: { some: { organisationId: schoolA.id } } },
      select: { upn: true, email: true },
    });
    expect(created).toHaveLength(3);
    expect(created.every((u) => u.upn === null && u.email === null)).toBe(true);
    const members = await prisma.cohortMember.findMany({ where: { cohortId: cohort.id, leftAt: null } });
    expect(members.map((m) => m.userId)).toEqual(expect.arrayContaining([byUpn.id, byEmail.id]));
    expect(members.map((m) => m.userId)).not.toContain(elsewhere.id);
    expect(members).toHaveLength(6);

    // Uploading the same list again changes nothing: the pupils left without a UPN or email are
    // found again by the school's own earlier claim of it.
    const again = await previewOk(teacherA, cohort.id, csv(file));
    expect(again.summary).toMatchObject({ newPupils: 0, matched: 0, unchanged: 6, invalid: [] });
  });

  it("shows possible duplicates for the teacher to check: new unless ticked as the same pupil", async () => {
    const amelia = await pupil(schoolA, { firstName: "Amelia", lastName: "Dupcheck", yearGroup: 9 });
    const oliver = await pupil(schoolA, { firstName: "Oliver", lastName: "Dupcheck", yearGroup: 9 });
    const cohort = await createClass(teacherA, { name: "9X duplicates", yearGroup: 9, academicYear: year });
    const file = [
      "UPN,Forename,Surname,Year",
      `${upn(301)},Amelia,Dupcheck,9`,
      `${upn(302)},Oliver,Dupcheck,9`,
      `${upn(303)},Oliver,Dupcheck,10`,
    ].join("\n");
    const preview = await previewOk(teacherA, cohort.id, csv(file));
    expect(preview.summary.newPupils).toBe(3);
    expect(preview.summary.possibleDuplicates.map((d) => [d.line, d.candidates.map((c) => c.userId)])).toEqual([
      [2, [amelia.id]],
      [3, [oliver.id]],
    ]);
    // Ticking a pupil who is not a candidate for that row is ignored.
    const result = await confirmClassImport(teacherA, cohort.id, preview.importId, { "3": oliver.id, "4": amelia.id });
    expect(result).toMatchObject({ result: { created: 2, matched: 1, confirmedSame: 1 } });
    expect(await prisma.user.count({ where: { firstName: "Amelia", lastName: "Dupcheck" } })).toBe(2);
    expect(await prisma.user.count({ where: { firstName: "Oliver", lastName: "Dupcheck" } })).toBe(2); // the Year 10 one is new
    expect(await prisma.user.findUniqueOrThrow({ where: { id: oliver.id } })).toMatchObject({ upn: upn(302) });
    expect(await prisma.user.findUniqueOrThrow({ where: { id: amelia.id } })).toMatchObject({ upn: null });
  });

  it("moving class keeps history: the old class row gets left_at, the pupil is not duplicated", async () => {
    const from = await createClass(teacherA, { name: "9A move", yearGroup: 9, academicYear: year });
    const to = await createClass(teacherA, { name: "9B move", yearGroup: 9, academicYear: year });
    const file = ["UPN,Forename,Surname,Year", `${upn(401)},Mia,Mover,9`, `${upn(402)},Leo,Mover,9`].join("\n");
    await confirmClassImport(teacherA, from.id, (await previewOk(teacherA, from.id, csv(file))).importId);
    const users = await prisma.user.count();
    const preview = await previewOk(teacherA, to.id, csv(file));
    expect(preview.summary).toMatchObject({ newPupils: 0, matched: 2, moving: 2 });
    const done = await confirmClassImport(teacherA, to.id, preview.importId);
    expect(done).toMatchObject({ result: { moved: 2, created: 0 } });
    expect(await prisma.user.count()).toBe(users);
    const rows = await prisma.cohortMember.findMany({
      where: { user: { lastName: "Mover", firstName: { in: ["Mia", "Leo"] } } },
      orderBy: { joinedAt: "asc" },
    });
    expect(rows.filter((r) => r.cohortId === from.id).every((r) => r.leftAt !== null)).toBe(true);
    expect(rows.filter((r) => r.cohortId === to.id).every((r) => r.leftAt === null)).toBe(true);
    expect(rows).toHaveLength(4);
    expect((await loadClassGrid(teacherA, from.id)).pupils).toHaveLength(0);
    expect((await loadClassGrid(teacherA, to.id)).pupils).toHaveLength(2);
  });
});

describe("setup codes", () => {
  it("prints fresh hashed codes for pupils without a password, revoking older ones, audit-logged", async () => {
    const cohort = await createClass(teacherA, { name: "9X codes", yearGroup: 9, academicYear: year });
    const file = ["UPN,Forename,Surname,Year", `${upn(501)},Zoë,Codes,9`, `${upn(502)},Siân,Codes,9`].join("\n");
    await confirmClassImport(teacherA, cohort.id, (await previewOk(teacherA, cohort.id, csv(file))).importId);
    const first = await generateSetupCodes(teacherA, cohort.id);
    expect(first.lines.map((l) => l.name).sort()).toEqual(["Siân Codes", "Zoë Codes"]);
    const second = await generateSetupCodes(teacherA, cohort.id);
    const tokenFor = (code: string) => prisma.authToken.findUniqueOrThrow({ where: { tokenHash: hashToken(code) } });
    const old = await tokenFor(first.lines[0].code);
    const fresh = await tokenFor(second.lines[0].code);
    expect(old.expiresAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(fresh.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
    expect(fresh.kind).toBe("SETUP_CODE");
    expect(await prisma.auditLog.count({ where: { action: "class.setup-codes", subjectId: cohort.id } })).toBe(2);
  });
});

describe("background import", () => {
  it(`queues files over ${BACKGROUND_THRESHOLD} rows through the outbox and the worker writes them with progress`, async () => {
    const cohort = await createClass(teacherA, { name: "Year 9 all", yearGroup: 9, academicYear: year });
    const rows = BACKGROUND_THRESHOLD + 50;
    const body = [
      "UPN,Forename,Surname,Year",
      ...Array.from(
        { length: rows },
        (_, i) => `${upn(i, "8888")},Pupil${String.fromCharCode(65 + (i % 26))},Bulk${i},9`,
      ),
    ].join("\n");
    const preview = await previewOk(teacherA, cohort.id, csv(body));
    expect(await confirmClassImport(teacherA, cohort.id, preview.importId)).toEqual({ queued: true });
    const outbox = await prisma.outboxMessage.findFirstOrThrow({
      where: { topic: "import.class-list" },
      orderBy: { createdAt: "desc" },
    });
    expect(outbox.payload).toEqual({ importJobId: preview.importId });
    expect((await getClassImport(teacherA, cohort.id, preview.importId)).job.status).toBe("queued");
    expect(await prisma.user.count({ where: { lastName: { startsWith: "Bulk" } } })).toBe(0);

    // Watch progress from another connection while the worker writes.
    const watcher = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await watcher.connect();
    const seen = new Set<number>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const { rows: r } = await watcher.query<{ processed_rows: number }>(
          `SELECT processed_rows FROM import_jobs WHERE id = $1`,
          [preview.importId],
        );
        seen.add(r[0].processed_rows);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const outcome = await processClassImport(preview.importId);
    watching = false;
    await watch;
    await watcher.end();

    expect(outcome).toMatchObject({ status: "done", result: { created: rows } });
    const { job } = await getClassImport(teacherA, cohort.id, preview.importId);
    expect(job).toMatchObject({ status: "done", processedRows: rows, totalRows: rows });
    expect(await prisma.user.count({ where: { lastName: { startsWith: "Bulk" } } })).toBe(rows);
    expect([...seen].some((n) => n > 0 && n < rows) || seen.has(0)).toBe(true);
    // Redelivery of the same job does nothing.
    expect(await processClassImport(preview.importId)).toMatchObject({ status: "skipped" });
    expect(await prisma.user.count({ where: { lastName: { startsWith: "Bulk" } } })).toBe(rows);
  });
});

describe("tenancy", () => {
  it("a teacher cannot see, import into, enrol or print codes for another school's class (404)", async () => {
    const other = await school("Elsewhere");
    const otherTeacher = await staff(other);
    const cohort = await createClass(teacherA, { name: "9X private", yearGroup: 9, academicYear: year });
    const pathway = await pathwayWithModules(1);
    const preview = await previewOk(teacherA, cohort.id, fixture("year9-class-30.csv"));

    await expectNotFound(getClass(otherTeacher, cohort.id));
    await expectNotFound(loadClassGrid(otherTeacher, cohort.id));
    await expectNotFound(previewClassImport(otherTeacher, cohort.id, fixture("year9-class-30.csv")));
    await expectNotFound(getClassImport(otherTeacher, cohort.id, preview.importId));
    await expectNotFound(confirmClassImport(otherTeacher, cohort.id, preview.importId));
    await expectNotFound(enrolClassInPathway(otherTeacher, cohort.id, pathway.id));
    await expectNotFound(generateSetupCodes(otherTeacher, cohort.id));
    // Their own class id with our import id does not reach it either.
    const theirs = await createClass(otherTeacher, { name: "9X theirs", yearGroup: 9, academicYear: year });
    await expectNotFound(confirmClassImport(otherTeacher, theirs.id, preview.importId));
    await expectNotFound(getClass(otherTeacher, "not-a-uuid"));
    expect((await prisma.importJob.findUniqueOrThrow({ where: { id: preview.importId } })).status).toBe("preview");
  });
});

describe("class enrolment and the grid", () => {
  it("enrolling a class twice creates enrolments once", async () => {
    const cohort = await createClass(teacherA, { name: "9X enrol", yearGroup: 9, academicYear: year });
    const file = ["UPN,Forename,Surname,Year", `${upn(601)},Ella,Enrol,9`, `${upn(602)},Finn,Enrol,9`].join("\n");
    await confirmClassImport(teacherA, cohort.id, (await previewOk(teacherA, cohort.id, csv(file))).importId);
    const pathway = await pathwayWithModules(2);
    expect(await enrolClassInPathway(teacherA, cohort.id, pathway.id)).toMatchObject({ enrolmentsCreated: 2 });
    expect(await enrolClassInPathway(teacherA, cohort.id, pathway.id)).toMatchObject({ enrolmentsCreated: 0 });
    expect(await prisma.enrolment.count({ where: { pathwayId: pathway.id } })).toBe(2);
  });

  it("shows verified completions only, and uses the same number of SQL queries for 5 and 30 pupils", async () => {
    const pathway = await pathwayWithModules(4);
    async function classOf(size: number, tag: string) {
      const cohort = await createClass(teacherA, { name: `Grid ${tag}`, yearGroup: 9, academicYear: year });
      await enrolClassInPathway(teacherA, cohort.id, pathway.id);
      const body = [
        "UPN,Forename,Surname,Year",
        ...Array.from({ length: size }, (_, i) => `${upn(i, tag)},Grid,Pupil${tag}${String(i).padStart(2, "0")},9`),
      ].join("\n");
      await confirmClassImport(teacherA, cohort.id, (await previewOk(teacherA, cohort.id, csv(body))).importId);
      const members = await prisma.cohortMember.findMany({ where: { cohortId: cohort.id }, select: { userId: true } });
      // Every pupil completed module 1 (verified), and module 2 logged but still pending.
      await prisma.progressEntry.createMany({
        data: members.flatMap((m) => [
          {
            learnerId: m.userId,
            kind: "MODULE_COMPLETED" as const,
            moduleId: pathway.modules[0].moduleId,
            occurredOn: new Date(),
            status: "VERIFIED" as const,
            createdById: m.userId,
          },
          {
            learnerId: m.userId,
            kind: "MODULE_COMPLETED" as const,
            moduleId: pathway.modules[1].moduleId,
            occurredOn: new Date(),
            status: "PENDING" as const,
            createdById: m.userId,
          },
        ]),
      });
      return cohort.id;
    }
    const small = await classOf(5, "5551");
    const large = await classOf(30, "5552");

    const original = pg.Client.prototype.query;
    let queries = 0;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      queries++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    const measure = async (id: string) => {
      queries = 0;
      const grid = await loadClassGrid(teacherA, id);
      return { queries, grid };
    };
    try {
      const a = await measure(small);
      const b = await measure(large);
      expect(a.grid.pupils).toHaveLength(5);
      expect(b.grid.pupils).toHaveLength(30);
      expect(b.grid.modules).toHaveLength(4);
      expect(b.grid.pupils.every((p) => p.completedCount === 1 && p.percent === 25)).toBe(true);
      expect(a.queries).toBeGreaterThan(0);
      expect(b.queries).toBe(a.queries);
      expect(a.queries).toBeLessThanOrEqual(6);
    } finally {
      pg.Client.prototype.query = original;
    }
  });
});
