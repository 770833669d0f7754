/**
 * Disabling is scoped: an organisation's admin removes a person from their own organisation
 * (memberships and class places there), and only the partnership admin disables an account
 * everywhere. Another organisation's admin reaches nobody: 404, the same answer as for an id that
 * does not exist, and nothing changes.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { createOrganisation, createUser, type TestUser } from "../support/factories.ts";
import { comparablePage, useTestServer, visibleText, type TestClient } from "../support/http.ts";
import { createApprenticeship, createSchoolClass } from "../support/progress-fixtures.ts";
import { testPrisma } from "../setup/db.ts";

// Real argon2 sign-ins over HTTP: give each test room on a busy shared machine.
vi.setConfig({ testTimeout: 60_000 });

const server = useTestServer();

async function signedIn(user: TestUser): Promise<TestClient> {
  const client = server.client();
  await client.signIn(user.email ?? user.username!, user.password);
  return client;
}

/** What a person holds that removal or disabling could change. */
async function stateOf(userId: string) {
  const prisma = testPrisma();
  const [user, memberships, sessions, classes] = await Promise.all([
    prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: { disabledAt: true, email: true, firstName: true, lastName: true, dateOfBirth: true },
    }),
    prisma.membership.findMany({
      where: { userId },
      select: { organisationId: true, role: true },
      orderBy: [{ organisationId: "asc" }, { role: "asc" }],
    }),
    prisma.session.count({ where: { userId } }),
    prisma.cohortMember.findMany({ where: { userId }, select: { cohortId: true, leftAt: true } }),
  ]);
  return { user, memberships, sessions, classes };
}

describe("another organisation's admin", () => {
  it("cannot disable or remove a person of another organisation: 404 as for an unknown id, nothing changes", async () => {
    const schoolA = await createOrganisation({ kind: "SCHOOL" });
    const teacherA = await createUser({ roles: [{ org: schoolA, role: "TEACHER" }] });
    const teacherBrowser = await signedIn(teacherA);
    const employerB = await createOrganisation({ kind: "EMPLOYER" });
    const attacker = await signedIn(await createUser({ roles: [{ org: employerB, role: "EMPLOYER_ADMIN" }] }));
    const before = await stateOf(teacherA.id);

    for (const intent of ["disable", "remove"]) {
      for (const page of [`/org/${employerB.id}/people`, `/org/${schoolA.id}/people`]) {
        const known = await attacker.post(page, { intent, userId: teacherA.id });
        const unknown = await attacker.post(page, { intent, userId: randomUUID() });
        expect(known.status, `${intent} on ${page}`).toBe(404);
        expect(unknown.status).toBe(404);
        expect(comparablePage(known.text)).toBe(comparablePage(unknown.text));
      }
    }

    expect(await stateOf(teacherA.id)).toEqual(before);
    expect((await teacherBrowser.get("/account")).status).toBe(200);
  });

  it("holding a membership of the person (as a capture left it) can end only that membership, never the account", async () => {
    const schoolA = await createOrganisation({ kind: "SCHOOL" });
    const employerB = await createOrganisation({ kind: "EMPLOYER" });
    const teacherA = await createUser({
      roles: [
        { org: schoolA, role: "TEACHER" },
        { org: employerB, role: "WORKPLACE_SUPERVISOR" },
      ],
    });
    const teacherBrowser = await signedIn(teacherA);
    const attacker = await signedIn(await createUser({ roles: [{ org: employerB, role: "EMPLOYER_ADMIN" }] }));

    expect(
      (await attacker.post(`/org/${employerB.id}/people`, { intent: "disable", userId: teacherA.id })).status,
    ).toBe(404);
    expect((await attacker.post(`/org/${employerB.id}/people`, { intent: "remove", userId: teacherA.id })).status).toBe(
      200,
    );

    const after = await stateOf(teacherA.id);
    expect(after.user.disabledAt).toBeNull();
    expect(after.memberships).toEqual([{ organisationId: schoolA.id, role: "TEACHER" }]);
    expect((await teacherBrowser.get(`/org/${schoolA.id}/people`)).status).toBe(200);
  });
});

describe("an organisation's admin", () => {
  it("cannot disable an account everywhere, even of their own people", async () => {
    const school = await createOrganisation({ kind: "SCHOOL" });
    const admin = await signedIn(await createUser({ roles: [{ org: school, role: "SCHOOL_ADMIN" }] }));
    const teacher = await createUser({ roles: [{ org: school, role: "TEACHER" }] });
    const before = await stateOf(teacher.id);

    expect((await admin.get(`/org/${school.id}/people`)).text).not.toContain("Disable account");
    expect((await admin.post(`/org/${school.id}/people`, { intent: "disable", userId: teacher.id })).status).toBe(404);
    expect(await stateOf(teacher.id)).toEqual(before);
  });

  it("removes a person from their own organisation only: other memberships, sessions and sign-in stay", async () => {
    const schoolA = await createOrganisation({ kind: "SCHOOL", name: "Ashcombe Park School" });
    const schoolB = await createOrganisation({ kind: "SCHOOL", name: "Brindley Heath Academy" });
    const adminUser = await createUser({ roles: [{ org: schoolA, role: "SCHOOL_ADMIN" }] });
    const admin = await signedIn(adminUser);
    const teacher = await createUser({
      firstName: "Tess",
      lastName: "Twoschools",
      roles: [
        { org: schoolA, role: "TEACHER" },
        { org: schoolB, role: "TEACHER" },
      ],
    });
    const teacherBrowser = await signedIn(teacher);

    const page = visibleText((await admin.get(`/org/${schoolA.id}/people`)).text);
    expect(page).toContain("Remove from Ashcombe Park School</strong> ends a person");
    expect(page).toContain("Their account stays");
    const response = await admin.post(`/org/${schoolA.id}/people`, { intent: "remove", userId: teacher.id });

    expect(response.status).toBe(200);
    expect(visibleText(response.text)).toContain(
      "Tess Twoschools has been removed from Ashcombe Park School. Their account, and any other organisations they belong to, are unchanged.",
    );
    const after = await stateOf(teacher.id);
    expect(after.memberships).toEqual([{ organisationId: schoolB.id, role: "TEACHER" }]);
    expect(after.user.disabledAt).toBeNull();
    expect(after.sessions).toBe(1);
    // The removal takes effect at once: no reach into the school, while the other school still works.
    expect((await teacherBrowser.get(`/org/${schoolA.id}/people`)).status).toBe(404);
    expect((await teacherBrowser.get(`/org/${schoolB.id}/people`)).status).toBe(200);
    expect((await admin.get(`/people/${teacher.id}`)).status).toBe(404);
    expect(
      (await server.client().post("/login", { identifier: teacher.email!, password: teacher.password })).status,
    ).toBe(302);
    const audit = await testPrisma().auditLog.findFirst({
      where: { action: "membership.remove", subjectId: teacher.id },
    });
    expect(audit).toMatchObject({
      actorId: adminUser.id,
      organisationId: schoolA.id,
      metadata: { roles: ["TEACHER"] },
    });
  });

  it("removes a pupil from the school and its classes, keeping the account and its record", async () => {
    const { school, pupils, cohortId } = await createSchoolClass({ pupils: 2 });
    const admin = await signedIn(await createUser({ roles: [{ org: school, role: "SCHOOL_ADMIN" }] }));
    const [leaving, staying] = pupils;

    expect((await admin.post(`/org/${school.id}/people`, { intent: "remove", userId: leaving.id })).status).toBe(200);

    const after = await stateOf(leaving.id);
    expect(after.memberships).toEqual([]);
    expect(after.user.disabledAt).toBeNull();
    expect(after.classes).toEqual([{ cohortId, leftAt: expect.any(Date) }]);
    expect((await stateOf(staying.id)).classes).toEqual([{ cohortId, leftAt: null }]);
  });

  it("refuses to remove an apprentice whose apprenticeship with the employer has not ended, saying why", async () => {
    const f = await createApprenticeship();
    const admin = await signedIn(f.employerAdmin);
    const before = await stateOf(f.apprentice.id);

    const response = await admin.post(`/org/${f.employer.id}/people`, { intent: "remove", userId: f.apprentice.id });

    expect(response.status).toBe(400);
    expect(visibleText(response.text)).toContain("has an apprenticeship with");
    expect(visibleText(response.text)).toContain("must be completed or withdrawn before they can be removed");
    expect(await stateOf(f.apprentice.id)).toEqual(before);

    await testPrisma().apprenticeship.update({
      where: { id: f.apprenticeshipId },
      data: { status: "WITHDRAWN", withdrawnOn: new Date() },
    });
    expect(
      (await admin.post(`/org/${f.employer.id}/people`, { intent: "remove", userId: f.apprentice.id })).status,
    ).toBe(200);
    expect((await stateOf(f.apprentice.id)).memberships).toEqual([]);
  });
});

describe("the partnership admin", () => {
  it("still disables an account everywhere", async () => {
    const school = await createOrganisation({ kind: "SCHOOL" });
    const employer = await createOrganisation({ kind: "EMPLOYER" });
    const person = await createUser({
      roles: [
        { org: school, role: "TEACHER" },
        { org: employer, role: "WORKPLACE_SUPERVISOR" },
      ],
    });
    const browser = await signedIn(person);
    const partnership = await createOrganisation({ kind: "PROVIDER" });
    const admin = await signedIn(await createUser({ roles: [{ org: partnership, role: "PARTNERSHIP_ADMIN" }] }));

    expect((await admin.get(`/org/${school.id}/people`)).text).toContain("Disable account");
    const response = await admin.post(`/org/${employer.id}/people`, { intent: "disable", userId: person.id });

    expect(response.status).toBe(200);
    expect(response.text).toContain("The account has been disabled and signed out everywhere.");
    const after = await stateOf(person.id);
    expect(after.user.disabledAt).not.toBeNull();
    expect(after.sessions).toBe(0);
    expect((await browser.get("/account")).status).toBe(302);
  });
});
