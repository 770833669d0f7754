/**
 * The report routes through the real production server: who can reach what. A council officer
 * reaches protected aggregates only (and no route that lists people); school admins reach their
 * own organisation's figures only; the CSV is an audited attachment; "Build now" writes an
 * outbox row with ids only.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser, DEFAULT_PASSWORD, type TestUser } from "../support/factories.ts";
import { startTestServer, type TestServer } from "../support/http.ts";
import { DISCLOSURE_RULE_TEXT } from "../../app/domain/disclosure.ts";
import { parsePeriod } from "../../app/domain/report-period.ts";

let server: TestServer;
let officer: TestUser;
let schoolAdmin: TestUser;
let admin: TestUser;
let schoolId: string;
let otherSchoolId: string;
let pupilIds: string[];
let snapshotId: string;

beforeAll(async () => {
  server = await startTestServer();
  const council = await createOrganisation({ kind: "COUNCIL" });
  const provider = await createOrganisation({ kind: "PROVIDER" });
  const school = await createOrganisation({ kind: "SCHOOL", districtCode: "E07000199" });
  const other = await createOrganisation({ kind: "SCHOOL", districtCode: "E07000194" });
  schoolId = school.id;
  otherSchoolId = other.id;
  officer = await createUser({ roles: [{ org: council, role: "COUNCIL_OFFICER" }] });
  schoolAdmin = await createUser({ roles: [{ org: school, role: "SCHOOL_ADMIN" }] });
  admin = await createUser({ roles: [{ org: provider, role: "PARTNERSHIP_ADMIN" }] });
  const pathway = await testPrisma().pathway.create({
    data: { slug: "digital-foundations", title: "Digital foundations", audience: "PUPIL", hoursMin: 10, hoursMax: 12 },
  });
  pupilIds = [];
  // 7 pupils at the Tamworth school, 2 at the Lichfield one, all starting in October 2025.
  for (const [org, n] of [
    [school, 7],
    [other, 2],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const u = await testPrisma().user.create({
        data: {
          firstName: "Pupil",
          lastName: `Routeson${i}${org.id.slice(0, 4)}`,
          username: `route.pupil.${org.id.slice(0, 6)}.${i}`,
          yearGroup: 8,
          memberships: { create: [{ organisationId: org.id, role: "PUPIL" }] },
        },
        select: { id: true },
      });
      pupilIds.push(u.id);
      await testPrisma().enrolment.create({
        data: {
          userId: u.id,
          pathwayId: pathway.id,
          organisationId: org.id,
          startedOn: new Date("2025-10-01T00:00:00Z"),
        },
      });
    }
  }
  const { buildSnapshot } = await import("../../app/models/reports.server.ts");
  snapshotId = (await buildSnapshot(parsePeriod("academic-year", "2025/26")!, null)).id;
}, 240_000);

afterAll(async () => {
  await server?.close();
});

describe("council officer", () => {
  test("lands on the reports list, opens the report with its rule, charts and tables", async () => {
    const c = server.client();
    await c.signIn(officer.email!, DEFAULT_PASSWORD);
    const list = await c.get("/reports");
    expect(list.status).toBe(200);
    expect(list.text).toContain(`/reports/${snapshotId}`);
    expect(list.text).not.toContain("Build now"); // officers read; they do not build
    const page = await c.get(`/reports/${snapshotId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(DISCLOSURE_RULE_TEXT.slice(0, 60));
    expect(page.text).toMatch(/<svg[^>]*role="img"[^>]*aria-describedby=/);
    for (const id of pupilIds) expect(page.text).not.toContain(id);
    expect(page.text).not.toContain("Routeson");
    const print = await c.get(`/reports/${snapshotId}/print`);
    expect(print.status).toBe(200);
    expect(print.text.replaceAll("<!-- -->", "")).toContain(
      "Staffordshire Digital Skills Partnership: outcome report, Academic year 2025/26",
    );
  });

  test("downloads the CSV as an attachment; the download is audit-logged", async () => {
    const c = server.client();
    await c.signIn(officer.email!, DEFAULT_PASSWORD);
    const csv = await c.get(`/reports/${snapshotId}.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toMatch(
      /^attachment; filename="outcome-report-academic-year-2025-26-v1\.csv"$/,
    );
    expect(csv.text.startsWith("time_period,time_identifier,geographic_level,")).toBe(true);
    // Lichfield's 2 starts are c; Tamworth's 7 are hidden too (else 9 − 7 gives Lichfield away).
    const lichfield = csv.text.split("\r\n").find((l) => l.includes(",E07000194,Lichfield,Total,Total,"))!;
    expect(lichfield.split(",")[13]).toBe("c");
    const audits = await testPrisma().auditLog.count({
      where: { action: "export.report", subjectId: snapshotId, actorId: officer.id },
    });
    expect(audits).toBe(1);
  });

  test("cannot reach a row about a person: own-organisation reports and people pages are 404", async () => {
    const c = server.client();
    await c.signIn(officer.email!, DEFAULT_PASSWORD);
    expect((await c.get(`/reports/org/${schoolId}`)).status).toBe(404);
    expect((await c.get(`/org/${schoolId}/people`)).status).toBe(404);
    expect((await c.get(`/people/${pupilIds[0]}`)).status).toBe(404);
    expect((await c.post("/reports", { period: "academic-year:2025/26" })).status).toBe(404);
  });
});

describe("school admin", () => {
  test("sees its own organisation's figures unrounded, and nothing else", async () => {
    const c = server.client();
    await c.signIn(schoolAdmin.email!, DEFAULT_PASSWORD);
    const own = await c.get(`/reports/org/${schoolId}?type=academic-year&key=2025%2F26`);
    expect(own.status).toBe(200);
    expect(own.text).toContain("Unrounded figures for your own organisation");
    expect(own.text.replaceAll("<!-- -->", "")).toMatch(/Starts on pathways<\/dt><dd>7<\/dd>/);
    expect((await c.get(`/reports/org/${otherSchoolId}`)).status).toBe(404);
    expect((await c.get(`/reports/${snapshotId}`)).status).toBe(404);
    expect((await c.get(`/reports/${snapshotId}.csv`)).status).toBe(404);
  });
});

describe("partnership admin", () => {
  test("Build now queues a report.build outbox row and shows it as waiting", async () => {
    const c = server.client();
    await c.signIn(admin.email!, DEFAULT_PASSWORD);
    const posted = await c.post("/reports", { period: "month:2025-10" });
    expect(posted.status).toBe(200);
    expect(posted.text.replaceAll("<!-- -->", "")).toContain("Build requested for October 2025");
    const rows = await testPrisma().outboxMessage.findMany({ where: { topic: "report.build" } });
    expect(rows).toHaveLength(1);
    expect(rows[0].payload).toEqual({ periodType: "month", periodKey: "2025-10", requestedById: admin.id });
    const list = await c.get("/reports");
    expect(list.text).toContain("Waiting to start");
    // A period that does not exist is a form error in words, and queues nothing.
    const bad = await c.post("/reports", { period: "month:2025-13" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Choose a period from the list.");
    expect(await testPrisma().outboxMessage.count({ where: { topic: "report.build" } })).toBe(1);
  });
});
