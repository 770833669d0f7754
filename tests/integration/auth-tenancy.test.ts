/**
 * Tenancy over HTTP: a school's staff see their own school's people and nothing else. A record
 * in another school answers exactly like one that does not exist (404, same page), and a form
 * cannot be bent to act on another organisation or grant another role.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createOrganisation, createUser, type TestOrganisation, type TestUser } from "../support/factories.ts";
import { comparablePage, startTestServer, visibleText, type TestClient, type TestServer } from "../support/http.ts";
import { clearThrottle } from "../support/redis.ts";
import { testPrisma } from "../setup/db.ts";

// Real argon2 sign-ins over HTTP: give each test room on a busy shared machine.
vi.setConfig({ testTimeout: 60_000 });

let server: TestServer;
let schoolA: TestOrganisation;
let schoolB: TestOrganisation;
let adminA: TestUser;
let teacherA: TestUser;
let pupilA: TestUser;
let pupilB: TestUser;
let adminBrowser: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  schoolA = await createOrganisation({ kind: "SCHOOL", name: "Ashcombe Park School" });
  schoolB = await createOrganisation({ kind: "SCHOOL", name: "Brindley Heath Academy" });
  adminA = await createUser({ roles: [{ org: schoolA, role: "SCHOOL_ADMIN" }] });
  teacherA = await createUser({ roles: [{ org: schoolA, role: "TEACHER" }] });
  pupilA = await createUser({ firstName: "Alfie", lastName: "Ashcombe", roles: [{ org: schoolA, role: "PUPIL" }] });
  pupilB = await createUser({ firstName: "Bella", lastName: "Brindley", roles: [{ org: schoolB, role: "PUPIL" }] });
  adminBrowser = server.client();
  await adminBrowser.signIn(adminA.email!, adminA.password);
}, 180_000);
afterAll(async () => {
  await server?.close();
});

const invitations = () =>
  testPrisma().authToken.findMany({
    where: { kind: "INVITATION" },
    select: { organisationId: true, role: true, email: true },
  });

describe("another school's records answer 404, exactly like records that do not exist", () => {
  it("shows a pupil of the admin's own school", async () => {
    const response = await adminBrowser.get(`/people/${pupilA.id}`);
    expect(response.status).toBe(200);
    expect(visibleText(response.text)).toContain("Alfie Ashcombe");
  });

  it("answers 404 for a pupil of another school, with the same page as for a made-up id", async () => {
    const other = await adminBrowser.get(`/people/${pupilB.id}`);
    const missing = await adminBrowser.get(`/people/${randomUUID()}`);

    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(other.text).not.toContain("Bella");
    expect(comparablePage(other.text)).toBe(comparablePage(missing.text));
  });

  it("leaks nothing through the data request either", async () => {
    const other = await adminBrowser.get(`/people/${pupilB.id}.data`);
    const missing = await adminBrowser.get(`/people/${randomUUID()}.data`);
    expect(other.status).toBe(missing.status);
    expect(other.text).not.toContain("Bella");
    expect(comparablePage(other.text)).toBe(comparablePage(missing.text));
  });

  it("lists the admin's own school on its People page, without the other school's pupils", async () => {
    const response = await adminBrowser.get(`/org/${schoolA.id}/people`);
    expect(response.status).toBe(200);
    expect(response.text).toContain("Alfie");
    expect(response.text).not.toContain("Bella");
  });

  it("answers 404 for another school's People page, with the same page as for a made-up id", async () => {
    const other = await adminBrowser.get(`/org/${schoolB.id}/people`);
    const missing = await adminBrowser.get(`/org/${randomUUID()}/people`);

    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(other.text).not.toContain("Brindley");
    expect(comparablePage(other.text)).toBe(comparablePage(missing.text));
  });

  it("answers 404 to a pupil opening their school's People page", async () => {
    const pupilBrowser = server.client();
    await pupilBrowser.signIn(pupilA.username!, pupilA.password);
    expect((await pupilBrowser.get(`/org/${schoolA.id}/people`)).status).toBe(404);
    expect((await pupilBrowser.get(`/people/${teacherA.id}`)).status).toBe(404);
  });

  it("grants nothing through a suspended school", async () => {
    const suspended = await createOrganisation({ kind: "SCHOOL", status: "SUSPENDED" });
    const admin = await createUser({ roles: [{ org: suspended, role: "SCHOOL_ADMIN" }] });
    const pupil = await createUser({ roles: [{ org: suspended, role: "PUPIL" }] });
    const browser = server.client();
    await clearThrottle();
    await browser.signIn(admin.email!, admin.password);
    expect((await browser.get(`/org/${suspended.id}/people`)).status).toBe(404);
    expect((await browser.get(`/people/${pupil.id}`)).status).toBe(404);
  });
});

describe("the People page's forms act only on the admin's own school, with its own roles", () => {
  const peopleOfA = () => `/org/${schoolA.id}/people`;

  it("refuses an invitation carrying an extra organisationId field, and creates none", async () => {
    const response = await adminBrowser.post(peopleOfA(), {
      intent: "invite",
      email: "smuggled@example.org",
      role: "TEACHER",
      organisationId: schoolB.id,
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain("The form contained fields it should not have.");
    expect(await invitations()).toEqual([]);
  });

  it.each(["PARTNERSHIP_ADMIN", "EMPLOYER_ADMIN", "COUNCIL_OFFICER", "SUPERUSER"])(
    "refuses to invite someone as %s into a school, and creates none",
    async (role) => {
      const response = await adminBrowser.post(peopleOfA(), {
        intent: "invite",
        email: `as-${role.toLowerCase()}@example.org`,
        role,
      });
      expect(response.status).toBe(400);
      expect(await invitations()).toEqual([]);
    },
  );

  it("refuses to invite into another school, whatever the form says", async () => {
    const response = await adminBrowser.post(`/org/${schoolB.id}/people`, {
      intent: "invite",
      email: "into-b@example.org",
      role: "TEACHER",
    });
    expect(response.status).toBe(404);
    expect(await invitations()).toEqual([]);
  });

  it("refuses a teacher's invitation (teachers cannot invite staff)", async () => {
    const browser = server.client();
    await browser.signIn(teacherA.email!, teacherA.password);
    const response = await browser.post(peopleOfA(), {
      intent: "invite",
      email: "by-teacher@example.org",
      role: "SCHOOL_ADMIN",
    });
    expect(response.status).toBe(404);
    expect(await invitations()).toEqual([]);
  });

  it("refuses to disable a pupil of another school from the admin's own page", async () => {
    const response = await adminBrowser.post(peopleOfA(), { intent: "disable", userId: pupilB.id });
    expect(response.status).toBe(404);
    expect((await testPrisma().user.findUniqueOrThrow({ where: { id: pupilB.id } })).disabledAt).toBeNull();
  });

  it("refuses to create a pupil in another school", async () => {
    const before = await testPrisma().membership.count({ where: { organisationId: schoolB.id } });
    const response = await adminBrowser.post(`/org/${schoolB.id}/people`, {
      intent: "create-pupil",
      firstName: "Sneaky",
      lastName: "Pupil",
      yearGroup: "9",
    });
    expect(response.status).toBe(404);
    expect(await testPrisma().membership.count({ where: { organisationId: schoolB.id } })).toBe(before);
  });

  // Last, because it creates the one invitation the tests above check is absent.
  it("invites a teacher into the admin's own school when the form is as the page sends it", async () => {
    const response = await adminBrowser.post(peopleOfA(), {
      intent: "invite",
      email: "new.teacher@example.org",
      role: "TEACHER",
    });
    expect(response.status).toBe(200);
    expect(response.text).toContain("Invitation sent to new.teacher@example.org.");
    expect(await invitations()).toEqual([
      { organisationId: schoolA.id, role: "TEACHER", email: "new.teacher@example.org" },
    ]);
  });
});
