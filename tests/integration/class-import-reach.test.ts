/**
 * Matching never grants reach (decision 025), through real Postgres: a teacher at one school who
 * names another school's pupil by UPN or email, in a class list or on the People page, neither
 * attaches that pupil, nor writes to them, nor learns whether the identifier exists. The claim is
 * flagged for the partnership admin, who can merge the two records. And a school admin's
 * subject-access export of a pupil two schools hold carries only their own school's part.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser, type TestOrganisation } from "../support/factories.ts";
import { actorFor } from "../support/progress-fixtures.ts";
import type { Actor } from "../../app/auth/permissions.ts";
import { AccountError, createPupilAccount, requestPasswordReset } from "../../app/auth/account.server.ts";
import { upnCheckLetter } from "../../app/domain/class-list.ts";
import { confirmClassImport, previewClassImport } from "../../app/models/class-import.server.ts";
import { createClass } from "../../app/models/classes.server.ts";
import { listIdentityFlags } from "../../app/models/identity-flags.server.ts";
import { mergePeople } from "../../app/models/people-merge.server.ts";
import { subjectAccessRecord } from "../../app/models/data-rights.server.ts";
import { createSession, sessionPolicy } from "../../app/auth/session.server.ts";
import { SESSION_COOKIE, startTestServer, visibleText } from "../support/http.ts";

const prisma = testPrisma();
const csv = (text: string) => new TextEncoder().encode(text);
/** A valid UPN for serial n (LA 860, a made-up school). */
const upn = (n: number) => {
  const body = `86099992${String(n).padStart(4, "0")}`;
  return upnCheckLetter(body) + body;
};

let schoolA: TestOrganisation;
let admin: Actor;

beforeAll(async () => {
  schoolA = await createOrganisation({ kind: "SCHOOL" });
  const provider = await createOrganisation({ kind: "PROVIDER" });
  admin = await actorFor((await createUser({ roles: [{ org: provider, role: "PARTNERSHIP_ADMIN" }] })).id);
});

/** A pupil of school A who has signed in, with a UPN and (optionally) an email. */
async function pupilOfA(n: number, input: { email?: string | null; also?: TestOrganisation } = {}) {
  const roles = [
    { org: schoolA, role: "PUPIL" as const },
    ...(input.also ? [{ org: input.also, role: "PUPIL" as const }] : []),
  ];
  const pupil = await createUser({ roles, firstName: "Ruby", lastName: "Mover", email: input.email ?? null });
  await prisma.user.update({ where: { id: pupil.id }, data: { upn: upn(n), yearGroup: 9 } });
  return pupil;
}

/** Everything about a person another school could have changed. */
async function footprint(userId: string) {
  return prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      email: true,
      upn: true,
      firstName: true,
      lastName: true,
      yearGroup: true,
      dateOfBirth: true,
      updatedAt: true,
      memberships: { select: { organisationId: true, role: true }, orderBy: { organisationId: "asc" } },
      cohortMembers: { select: { cohortId: true, leftAt: true } },
      enrolments: { select: { id: true } },
    },
  });
}

/** A new school whose teacher uploads `rows` into a new class, confirms, and uploads it again. */
async function importAtNewSchool(rows: string[], school?: TestOrganisation) {
  const org = school ?? (await createOrganisation({ kind: "SCHOOL" }));
  const teacher = await actorFor((await createUser({ roles: [{ org, role: "TEACHER" }] })).id);
  const cohort = await createClass(teacher, { name: "9Z", yearGroup: 9, academicYear: 2026 });
  const file = csv(["UPN,Forename,Surname,Year,Email", ...rows].join("\n"));
  const first = await previewClassImport(teacher, cohort.id, file);
  if (!first.ok) throw new Error(first.problems.join(" "));
  const confirmed = await confirmClassImport(teacher, cohort.id, first.importId);
  const again = await previewClassImport(teacher, cohort.id, file);
  if (!again.ok) throw new Error(again.problems.join(" "));
  const members = await prisma.cohortMember.findMany({ where: { cohortId: cohort.id }, select: { userId: true } });
  return {
    org,
    teacher,
    cohort,
    members: members.map((m) => m.userId),
    seen: { preview: first.summary, confirmed, reimport: again.summary },
  };
}

describe("a class list naming another school's pupil by UPN", () => {
  it("leaves the pupil untouched whether both names, one name or no name agrees, and forgot-password sends the attacker nothing", async () => {
    const victim = await pupilOfA(1);
    const before = await footprint(victim.id);

    const control = await importAtNewSchool([`${upn(901)},Ruby,Mover,9,control@attacker.example`]);
    for (const [i, [first, last]] of [
      ["Ruby", "Mover"],
      ["Ruby", "Other"],
      ["Someone", "Mover"],
      ["Someone", "Else"],
    ].entries()) {
      const attack = await importAtNewSchool([`${upn(1)},${first},${last},9,thief${i}@attacker.example`]);
      // The teacher sees exactly what a UPN nobody holds gives: one new pupil, then unchanged.
      expect(attack.seen).toEqual(control.seen);
      expect(attack.members).not.toContain(victim.id);
      // Forgot password with the address they typed reaches only their own new pupil.
      await requestPasswordReset(`thief${i}@attacker.example`, `192.0.2.${i + 1}`);
    }
    expect(control.seen.preview).toMatchObject({ newPupils: 1, matched: 0, invalid: [] });
    expect(control.seen.reimport).toMatchObject({ newPupils: 0, unchanged: 1 });

    expect(await footprint(victim.id)).toEqual(before);
    expect(await prisma.authToken.count({ where: { userId: victim.id } })).toBe(0);
  });

  it("does not fill the UPN in when the teacher ticks 'this is the same pupil' for a row carrying it", async () => {
    const victim = await pupilOfA(2);
    const before = await footprint(victim.id);
    const schoolB = await createOrganisation({ kind: "SCHOOL" });
    const teacher = await actorFor((await createUser({ roles: [{ org: schoolB, role: "TEACHER" }] })).id);
    const own = await createUser({ roles: [{ org: schoolB, role: "PUPIL" }], firstName: "Amelia", lastName: "Twin" });
    const cohort = await createClass(teacher, { name: "9T", yearGroup: 9, academicYear: 2026 });
    const preview = await previewClassImport(
      teacher,
      cohort.id,
      csv(["UPN,Forename,Surname,Year", `${upn(2)},Amelia,Twin,9`].join("\n")),
    );
    if (!preview.ok) throw new Error(preview.problems.join(" "));
    expect(preview.summary.possibleDuplicates.map((d) => d.candidates.map((c) => c.userId))).toEqual([[own.id]]);
    const done = await confirmClassImport(teacher, cohort.id, preview.importId, { "2": own.id });
    expect(done).toMatchObject({ result: { confirmedSame: 1, created: 0 } });
    expect((await prisma.user.findUniqueOrThrow({ where: { id: own.id } })).upn).toBeNull();
    expect(await footprint(victim.id)).toEqual(before);
  });

  it("flags the claim for the partnership admin only, who can merge the two records", async () => {
    const victim = await pupilOfA(3);
    const attack = await importAtNewSchool([`${upn(3)},Ruby,Mover,9,`]);
    const [claimant] = attack.members;

    const flags = (await listIdentityFlags(admin)).filter((f) => f.holder.id === victim.id);
    expect(flags).toEqual([
      expect.objectContaining({
        kind: "UPN",
        value: upn(3),
        organisation: (await prisma.organisation.findUniqueOrThrow({ where: { id: attack.org.id } })).name,
        claimant: expect.objectContaining({ id: claimant }),
      }),
    ]);
    const audit = await prisma.auditLog.findFirstOrThrow({
      where: { action: "person.identifier-flagged", subjectId: victim.id },
    });
    expect(audit).toMatchObject({
      organisationId: attack.org.id,
      metadata: expect.objectContaining({ claimantId: claimant, kind: "UPN" }),
    });

    const notFound = await listIdentityFlags(attack.teacher).then(
      () => null,
      (e: unknown) => e,
    );
    expect((notFound as Response).status).toBe(404);

    // On the merge page, with a link that compares the two records.
    const server = await startTestServer();
    try {
      const page = async (userId: string) => {
        const client = server.client();
        client.setCookie(SESSION_COOKIE, (await createSession(userId, sessionPolicy(false))).token);
        return client.get("/admin/people/merge");
      };
      const seen = await page(admin.userId);
      expect(seen.status).toBe(200);
      expect(visibleText(seen.text)).toContain(`UPN ${upn(3)}`);
      expect(seen.text).toContain(`/admin/people/merge?keep=${victim.id}&amp;duplicate=${claimant}`);
      expect((await page(attack.teacher.userId)).status).toBe(404);
    } finally {
      await server.close();
    }

    // Same child: the admin merges the school's new record into the existing one; the flag closes
    // and the next upload of the list matches the child, now a pupil of both schools.
    await mergePeople(admin, { survivorId: victim.id, duplicateId: claimant });
    expect((await listIdentityFlags(admin)).filter((f) => f.holder.id === victim.id)).toEqual([]);
    const file = csv(["UPN,Forename,Surname,Year", `${upn(3)},Ruby,Mover,9`].join("\n"));
    const again = await previewClassImport(attack.teacher, attack.cohort.id, file);
    expect(again).toMatchObject({ ok: true, summary: { unchanged: 1, newPupils: 0 } });
  }, 120_000);
});

describe("a class list naming an address another account holds", () => {
  it("neither attaches nor reveals it: the same outcome as an address nobody holds", async () => {
    const staff = await createUser({ roles: [{ org: schoolA, role: "TEACHER" }] });
    const pupil = await pupilOfA(4, { email: "ruby.mover@schoola.example" });
    const [staffBefore, pupilBefore] = [await footprint(staff.id), await footprint(pupil.id)];

    const control = await importAtNewSchool([`${upn(904)},Ava,New,9,ava.new@schoolb.example`]);
    for (const address of [staff.email!, "ruby.mover@schoola.example"]) {
      const attack = await importAtNewSchool([`${upn(905 + (address === staff.email ? 0 : 1))},Ava,New,9,${address}`]);
      expect(attack.seen).toEqual(control.seen);
      const [created] = attack.members;
      expect((await prisma.user.findUniqueOrThrow({ where: { id: created } })).email).toBeNull();
    }
    expect(await footprint(staff.id)).toEqual(staffBefore);
    expect(await footprint(pupil.id)).toEqual(pupilBefore);
  });
});

describe("a pupil both schools hold", () => {
  it("is added to the second school's class, but its import writes none of their fields", async () => {
    const schoolB = await createOrganisation({ kind: "SCHOOL" });
    const shared = await pupilOfA(5, { also: schoolB });
    const before = await footprint(shared.id);
    const attack = await importAtNewSchool([`${upn(5)},Ruby,Mover,10,shared@attacker.example`], schoolB);
    expect(attack.members).toEqual([shared.id]);
    const after = await footprint(shared.id);
    expect(after).toMatchObject({ email: null, upn: upn(5), yearGroup: 9, updatedAt: before.updatedAt });
  });
});

describe("adding a pupil on the People page with a UPN", () => {
  it("answers the same for a UPN another school's pupil holds as for one nobody holds, never a 500", async () => {
    const victim = await pupilOfA(6);
    const before = await footprint(victim.id);
    const schoolB = await createOrganisation({ kind: "SCHOOL" });
    const teacher = await actorFor((await createUser({ roles: [{ org: schoolB, role: "TEACHER" }] })).id);
    const add = (value: string) =>
      createPupilAccount(teacher, {
        organisationId: schoolB.id,
        firstName: "Ruby",
        lastName: "Mover",
        yearGroup: 9,
        upn: value,
      });
    const outcome = async (value: string) => {
      const first = await add(value);
      const second = await add(value).then(
        () => null,
        (e: unknown) => e,
      );
      expect(second).toBeInstanceOf(AccountError);
      return {
        first: { username: typeof first.username, setupCode: /^[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(first.setupCode) },
        second: (second as Error).message,
        userId: first.userId,
      };
    };

    const known = await outcome(upn(6));
    const unknown = await outcome(upn(906));
    expect({ ...known, userId: null }).toEqual({ ...unknown, userId: null });
    expect(await footprint(victim.id)).toEqual(before);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: known.userId } })).upn).toBeNull();
    expect((await listIdentityFlags(admin)).filter((f) => f.holder.id === victim.id).map((f) => f.claimant.id)).toEqual(
      [known.userId],
    );
  });
});

describe("the subject-access export of a pupil two schools hold", () => {
  it("gives a school admin their own school's part of the record, and the partnership admin all of it", async () => {
    const schoolB = await createOrganisation({ kind: "SCHOOL" });
    const shared = await pupilOfA(7, { also: schoolB });
    await prisma.user.update({ where: { id: shared.id }, data: { dateOfBirth: new Date("2011-03-04T00:00:00Z") } });
    const teacherA = await createUser({ roles: [{ org: schoolA, role: "TEACHER" }] });
    const classAtA = await prisma.cohort.create({
      data: {
        organisationId: schoolA.id,
        teacherId: teacherA.id,
        name: "9A private",
        yearGroup: 9,
        academicYear: 2026,
      },
    });
    await prisma.cohortMember.create({ data: { cohortId: classAtA.id, userId: shared.id } });
    const pathway = await prisma.pathway.create({
      data: { slug: `reach-${shared.id}`, title: "School A's pathway", audience: "PUPIL", hoursMin: 1, hoursMax: 2 },
    });
    const enrolment = await prisma.enrolment.create({
      data: { userId: shared.id, pathwayId: pathway.id, organisationId: schoolA.id, cohortId: classAtA.id },
    });
    await prisma.progressEntry.create({
      data: {
        learnerId: shared.id,
        enrolmentId: enrolment.id,
        kind: "LEARNING_TIME",
        occurredOn: new Date("2026-10-01T00:00:00Z"),
        minutes: 30,
        description: "Written at school A",
        ksbCodes: [],
        createdById: shared.id,
      },
    });

    const adminB = await actorFor((await createUser({ roles: [{ org: schoolB, role: "SCHOOL_ADMIN" }] })).id);
    const { record } = await subjectAccessRecord(adminB, shared.id);
    expect(record.roles.map((r) => r.organisation)).toEqual([schoolB.name]);
    expect(record.person.dateOfBirth).toBeNull();
    expect({ classes: record.classes, enrolments: record.enrolments, progressEntries: record.progressEntries }).toEqual(
      { classes: [], enrolments: [], progressEntries: [] },
    );
    expect(JSON.stringify(record)).not.toContain("Written at school A");

    const whole = (await subjectAccessRecord(admin, shared.id)).record;
    expect(whole.classes).toHaveLength(1);
    expect(whole.progressEntries.map((e) => e.description)).toEqual(["Written at school A"]);
    expect(whole.person.dateOfBirth).toBeTruthy();
  });
});
