/**
 * Children's data rights over HTTP, against the production build: subject access (JSON and a
 * printable page), erasure on request (preview, confirm, what stays and what goes), the audit
 * log search, and the retention purge. Also: after sign-ins, a reset request and the email job
 * that concerns a person have run, neither Redis (keys and values under this file's prefix)
 * nor the log output holds their name or email.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Logs on, captured: set before any app module (and its pino logger) is imported.
const captured = vi.hoisted(() => {
  process.env.LOG_LEVEL = "debug";
  return { lines: [] as string[] };
});

import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser, type TestUser } from "../support/factories.ts";
import { SESSION_COOKIE, startTestServer, visibleText, type TestClient, type TestServer } from "../support/http.ts";
import { keys, testRedis } from "../support/redis.ts";

vi.setConfig({ testTimeout: 120_000 });

const prisma = testPrisma();
const tag = () => randomBytes(4).toString("hex");

// Every write to stdout/stderr (pino writes with fs.writeSync/fs.write on fd 1) is kept, not shown.
const originalWriteSync = fs.writeSync;
const originalWrite = fs.write;
function captureLogs() {
  const keep = (fd: number, data: unknown) => {
    if (fd !== 1 && fd !== 2) return false;
    captured.lines.push(typeof data === "string" ? data : Buffer.isBuffer(data) ? data.toString("utf8") : String(data));
    return true;
  };
  (fs as { writeSync: unknown }).writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
    if (keep(fd, data)) return typeof data === "string" ? Buffer.byteLength(data) : (data as Buffer).length;
    return (originalWriteSync as (...a: unknown[]) => number)(fd, data, ...rest);
  }) as typeof fs.writeSync;
  (fs as { write: unknown }).write = ((fd: number, data: unknown, ...rest: unknown[]) => {
    if (keep(fd, data)) {
      const cb = rest.find((r) => typeof r === "function") as ((e: null, n: number) => void) | undefined;
      cb?.(null, typeof data === "string" ? Buffer.byteLength(data) : (data as Buffer).length);
      return;
    }
    return (originalWrite as (...a: unknown[]) => void)(fd, data, ...rest);
  }) as typeof fs.write;
}

let server: TestServer;
let school: { id: string };
let otherSchool: { id: string };
let admin: TestUser;
let schoolAdmin: TestUser;
let otherSchoolAdmin: TestUser;
let teacher: TestUser;
let pupil: TestUser;

async function clientFor(user: TestUser, pupilOnly = false): Promise<TestClient> {
  const { createSession, sessionPolicy } = await import("../../app/auth/session.server.ts");
  const { token } = await createSession(user.id, sessionPolicy(pupilOnly));
  const client = server.client();
  client.setCookie(SESSION_COOKIE, token);
  return client;
}

beforeAll(async () => {
  captureLogs();
  server = await startTestServer();
  school = await createOrganisation({ kind: "SCHOOL" });
  otherSchool = await createOrganisation({ kind: "SCHOOL" });
  const provider = await createOrganisation({ kind: "PROVIDER" });
  admin = await createUser({ roles: [{ org: provider, role: "PARTNERSHIP_ADMIN" }], password: null });
  schoolAdmin = await createUser({ roles: [{ org: school, role: "SCHOOL_ADMIN" }], password: null });
  otherSchoolAdmin = await createUser({ roles: [{ org: otherSchool, role: "SCHOOL_ADMIN" }], password: null });
  teacher = await createUser({ roles: [{ org: school, role: "TEACHER" }], password: null });
  pupil = await createUser({
    roles: [{ org: school, role: "PUPIL" }],
    firstName: `Quilla${tag()}`,
    lastName: `Marchbanks${tag()}`,
    password: null,
  });
}, 240_000);

afterAll(async () => {
  (fs as { writeSync: unknown }).writeSync = originalWriteSync;
  (fs as { write: unknown }).write = originalWrite;
  await server?.close();
});

/** A pupil with a class, an enrolment, learning notes and a placement reflection. */
async function pupilWithRecord(schoolId: string, teacherId: string) {
  const t = tag();
  const person = await createUser({
    roles: [{ org: { id: schoolId }, role: "PUPIL" }],
    firstName: `Ottoline${t}`,
    lastName: `Fairweather${t}`,
    password: null,
  });
  await prisma.user.update({ where: { id: person.id }, data: { upn: `A${t.toUpperCase()}12345`.slice(0, 13) } });
  const pathway = await prisma.pathway.create({
    data: { slug: `p-${t}`, title: `Digital foundations ${t}`, audience: "PUPIL", hoursMin: 1, hoursMax: 2 },
    select: { id: true },
  });
  const cohort = await prisma.cohort.create({
    data: { organisationId: schoolId, teacherId, name: `9${t}`, yearGroup: 9, academicYear: 2026 },
    select: { id: true },
  });
  await prisma.cohortMember.create({ data: { cohortId: cohort.id, userId: person.id } });
  const enrolment = await prisma.enrolment.create({
    data: { userId: person.id, pathwayId: pathway.id, organisationId: schoolId, cohortId: cohort.id },
    select: { id: true },
  });
  for (let i = 0; i < 3; i++) {
    await prisma.progressEntry.create({
      data: {
        learnerId: person.id,
        enrolmentId: enrolment.id,
        kind: "LEARNING_TIME",
        occurredOn: new Date("2026-10-01T00:00:00Z"),
        minutes: 30 + i,
        description: `I built a website about my dog Biscuit ${t}-${i}`,
        ksbCodes: [],
        createdById: person.id,
        status: "VERIFIED",
        verifierComment: `Well done Ottoline${t}`,
      },
    });
  }
  const employer = await createOrganisation({ kind: "EMPLOYER" });
  await prisma.placement.create({
    data: {
      schoolId,
      employerId: employer.id,
      title: `Office week ${t}`,
      startDate: new Date("2026-06-01T00:00:00Z"),
      endDate: new Date("2026-06-05T00:00:00Z"),
      hours: 35,
      createdById: teacherId,
      pupils: {
        create: [
          {
            pupilId: person.id,
            consentGivenBy: `Parent of Ottoline${t}`,
            consentDate: new Date("2026-05-01T00:00:00Z"),
            consentMethod: "form",
            reflection: `My week at the office ${t}`,
            feedback: { attendance: 4, comment: `Ottoline${t} was great` },
          },
        ],
      },
    },
  });
  return { person, t, enrolmentId: enrolment.id };
}

describe("subject access", () => {
  it("gives a partnership admin the whole record as JSON within seconds, audit-logged", async () => {
    const { person, t } = await pupilWithRecord(school.id, teacher.id);
    const client = await clientFor(admin);
    const started = Date.now();
    const response = await client.get(`/people/${person.id}/export.json`);
    const elapsed = Date.now() - started;
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="subject-access-/);
    expect(elapsed).toBeLessThan(5_000);
    const record = JSON.parse(response.text);
    expect(record.person).toMatchObject({
      id: person.id,
      firstName: person.firstName,
      lastName: person.lastName,
      username: person.username,
    });
    expect(record.person.upn).toBeTruthy();
    expect(record.classes).toHaveLength(1);
    expect(record.enrolments[0].pathway).toBe(`Digital foundations ${t}`);
    expect(record.progressEntries.map((e: { description: string }) => e.description)).toContain(
      `I built a website about my dog Biscuit ${t}-0`,
    );
    expect(record.placements[0].reflection).toBe(`My week at the office ${t}`);
    expect(JSON.stringify(record)).not.toMatch(/passwordHash|secretHash|tokenHash/);
    const audit = await prisma.auditLog.findFirst({
      where: { action: "export.subject-access", subjectId: person.id, actorId: admin.id },
    });
    expect(audit?.metadata).toMatchObject({ format: "json", progressEntries: 3, placements: 1 });
  });

  it("gives the pupil's own school admin the record, and nobody else", async () => {
    const { person } = await pupilWithRecord(school.id, teacher.id);
    expect((await (await clientFor(schoolAdmin)).get(`/people/${person.id}/export.json`)).status).toBe(200);
    for (const other of [otherSchoolAdmin, teacher, pupil]) {
      const response = await (await clientFor(other, other === pupil)).get(`/people/${person.id}/export.json`);
      expect(response.status, `${other.lastName}`).toBe(404);
      expect(response.text).not.toContain(person.lastName);
    }
    // A school admin cannot export a colleague (not a pupil) either.
    expect((await (await clientFor(schoolAdmin)).get(`/people/${teacher.id}/export.json`)).status).toBe(404);
    expect((await server.client().get(`/people/${person.id}/export.json`)).location).toMatch(/^\/login/);
  });

  it("shows a readable page that prints, with the same content", async () => {
    const { person, t } = await pupilWithRecord(school.id, teacher.id);
    const response = await (await clientFor(admin)).get(`/people/${person.id}/record`);
    expect(response.status).toBe(200);
    const text = visibleText(response.text);
    expect(text).toContain(`<h1>Personal record: ${person.firstName} ${person.lastName}</h1>`);
    expect(text).toContain(`I built a website about my dog Biscuit ${t}-2`);
    expect(text).toContain("Download as JSON");
    expect(
      await prisma.auditLog.count({
        where: {
          action: "export.subject-access",
          subjectId: person.id,
          metadata: { path: ["format"], equals: "page" },
        },
      }),
    ).toBe(1);
  });
});

describe("erasure on request", () => {
  it("previews, then erases: identity gone, rows kept for counts, snapshots untouched, signed out everywhere", async () => {
    const { person, t, enrolmentId } = await pupilWithRecord(school.id, teacher.id);
    const pupilClient = await clientFor(person, true);
    expect((await pupilClient.get("/account")).status).toBe(200);
    const { buildSnapshot, periodOrNotFound } = await import("../../app/models/reports.server.ts");
    const snapshot = await buildSnapshot(periodOrNotFound("academic-year", "2026/27"), null);
    const snapshotBefore = await prisma.reportSnapshot.findUniqueOrThrow({ where: { id: snapshot.id } });
    const rowsBefore = {
      entries: await prisma.progressEntry.count({ where: { learnerId: person.id } }),
      enrolments: await prisma.enrolment.count({ where: { userId: person.id } }),
    };

    const adminClient = await clientFor(admin);
    const preview = await adminClient.get(`/people/${person.id}/erase`);
    expect(preview.status).toBe(200);
    expect(visibleText(preview.text)).toContain(`Erase ${person.firstName} ${person.lastName}&#x27;s record`);
    expect(await prisma.user.findUniqueOrThrow({ where: { id: person.id }, select: { erasedAt: true } })).toEqual({
      erasedAt: null,
    });

    // Without the confirmation box: nothing happens.
    expect((await adminClient.post(`/people/${person.id}/erase`, {})).status).toBe(400);
    // Only partnership admins: the pupil's own school admin cannot erase.
    expect((await (await clientFor(schoolAdmin)).post(`/people/${person.id}/erase`, { confirm: "yes" })).status).toBe(
      404,
    );
    expect((await prisma.user.findUniqueOrThrow({ where: { id: person.id } })).erasedAt).toBeNull();

    const done = await adminClient.post(`/people/${person.id}/erase`, { confirm: "yes" });
    expect(done.status).toBe(200);
    expect(visibleText(done.text)).toContain("Record erased");

    const after = await prisma.user.findUniqueOrThrow({ where: { id: person.id } });
    expect(after).toMatchObject({
      firstName: "Erased",
      lastName: "person",
      email: null,
      username: null,
      upn: null,
      dateOfBirth: null,
      passwordHash: null,
    });
    expect(after.erasedAt).toBeInstanceOf(Date);
    expect(await prisma.session.count({ where: { userId: person.id } })).toBe(0);
    expect(await prisma.authToken.count({ where: { userId: person.id } })).toBe(0);
    expect((await pupilClient.get("/account")).location).toMatch(/^\/login/);

    const entries = await prisma.progressEntry.findMany({ where: { learnerId: person.id } });
    expect(entries).toHaveLength(rowsBefore.entries);
    for (const e of entries) expect([e.description, e.verifierComment]).toEqual(["", null]);
    expect(await prisma.enrolment.count({ where: { id: enrolmentId } })).toBe(rowsBefore.enrolments);
    const placement = await prisma.placementPupil.findFirstOrThrow({ where: { pupilId: person.id } });
    expect(placement).toMatchObject({ reflection: null, consentGivenBy: null, hoursAttended: null });
    expect(JSON.stringify(placement.feedback)).not.toContain(t);
    expect(await prisma.reportSnapshot.findUniqueOrThrow({ where: { id: snapshot.id } })).toEqual(snapshotBefore);

    // Nothing that identifies them in any row of the database.
    const dump = await prisma.$queryRawUnsafe<{ hit: number }[]>(
      `SELECT count(*)::int AS hit FROM (SELECT to_jsonb(u)::text AS t FROM users u UNION ALL SELECT to_jsonb(p)::text FROM progress_entries p UNION ALL SELECT to_jsonb(pp)::text FROM placement_pupils pp UNION ALL SELECT to_jsonb(a)::text FROM audit_log a) x WHERE t LIKE $1`,
      `%${t}%`,
    );
    expect(dump[0].hit).toBe(0);

    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: "person.erase", subjectId: person.id } });
    expect(audit.actorId).toBe(admin.id);
    expect(audit.metadata).toMatchObject({ progressEntriesBlanked: 3, reflectionsBlanked: 1 });

    // The erased record no longer appears on their school's people page, and cannot be erased twice.
    expect((await adminClient.post(`/people/${person.id}/erase`, { confirm: "yes" })).status).toBe(400);
    // The school admin can no longer export it; a partnership admin still can (it now holds no identity).
    expect((await (await clientFor(schoolAdmin)).get(`/people/${person.id}/export.json`)).status).toBe(404);
  });

  it("refuses to let a partnership admin erase themselves", async () => {
    const response = await (await clientFor(admin)).post(`/people/${admin.id}/erase`, { confirm: "yes" });
    expect(response.status).toBe(400);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: admin.id } })).erasedAt).toBeNull();
  });
});

describe("no personal data in Redis or logs", () => {
  it("after sign-in attempts, a reset request and the email job for a person, neither Redis nor the log holds their name or email", async () => {
    const t = tag();
    const employer = await createOrganisation({ kind: "EMPLOYER" });
    const person = await createUser({
      roles: [{ org: employer, role: "APPRENTICE" }],
      firstName: `Peregrine${t}`,
      lastName: `Oakhampton${t}`,
      email: `peregrine.${t}@example.org`,
    });
    const identifiers = [person.firstName, person.lastName, person.email!, person.email!.split("@")[0]];

    const client = server.client();
    await client.post("/login", { identifier: person.email!, password: "wrong-password-123456", redirectTo: "/" });
    await client.signIn(person.email!, person.password);
    await client.get("/account");
    await server.client().post("/forgot-password", { email: person.email! });
    expect(await prisma.outboxMessage.count({ where: { topic: "email.password-reset" } })).toBeGreaterThan(0);

    // Run the jobs that concern the person in a worker process of their own (its logs captured too).
    const child = spawnSync(process.execPath, ["--import", "tsx", "tests/support/run-email-jobs.ts"], {
      env: { ...process.env, NODE_ENV: "development", LOG_LEVEL: "debug", SERVICE_NAME: "worker" },
      encoding: "utf8",
      timeout: 60_000,
    });
    captured.lines.push(child.stdout, child.stderr);
    const outcome = JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}") as {
      relayed: number;
      completed: number;
      failed: string[];
    };
    expect(outcome, child.stderr.slice(-1500)).toMatchObject({ failed: [] });
    expect(outcome.completed).toBeGreaterThan(0);

    // Redis: every key under this file's prefix, names and values.
    const redis = testRedis();
    const found = await keys("*");
    expect(found.length).toBeGreaterThan(0);
    const dump: string[] = [];
    for (const key of found) {
      dump.push(key);
      const type = await redis.type(key);
      if (type === "string") dump.push((await redis.get(key)) ?? "");
      else if (type === "hash") dump.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === "list") dump.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === "set") dump.push(JSON.stringify(await redis.smembers(key)));
      else if (type === "zset") dump.push(JSON.stringify(await redis.zrange(key, "0", "-1")));
      else if (type === "stream") dump.push(JSON.stringify(await redis.xrange(key, "-", "+")));
    }
    const redisText = dump.join("\n").toLowerCase();
    for (const id of identifiers) expect(redisText, `Redis holds ${id}`).not.toContain(id.toLowerCase());

    // Logs: the request log and the workers' logs were written (we asked for debug) and hold none of it.
    const logText = captured.lines.join("").toLowerCase();
    expect(logText).toContain('"url":"/login"');
    for (const id of identifiers) expect(logText, `the log holds ${id}`).not.toContain(id.toLowerCase());
  });
});

describe("the audit log search", () => {
  it("finds events by action, actor, subject and date, a page at a time, for partnership admins only", async () => {
    const subject = `subject-${tag()}`;
    const rows = Array.from({ length: 60 }, (_, i) => ({
      actorId: admin.id,
      action: "test.search",
      subjectType: "user",
      subjectId: subject,
      metadata: { i },
      createdAt: new Date(Date.UTC(2026, 8, 1 + (i % 20))),
    }));
    await prisma.auditLog.createMany({ data: rows });
    await prisma.auditLog.create({
      data: { actorId: schoolAdmin.id, action: "test.other", subjectType: "user", subjectId: subject },
    });
    const client = await clientFor(admin);

    const first = visibleText((await client.get(`/admin/audit?subject=${subject}&action=test.search`)).text);
    expect(first).toContain("60 events match. Showing 1 to 50.");
    expect(first).toContain("Next page");
    const second = visibleText((await client.get(`/admin/audit?subject=${subject}&action=test.search&page=2`)).text);
    expect(second).toContain("Showing 51 to 60.");

    expect(
      visibleText((await client.get(`/admin/audit?subject=${subject}&actor=${schoolAdmin.email}`)).text),
    ).toContain("1 event match.");
    expect(
      visibleText((await client.get(`/admin/audit?subject=${subject}&from=2026-09-01&to=2026-09-02`)).text),
    ).toContain("6 events match.");
    const bad = await client.get(`/admin/audit?from=yesterday`);
    expect(visibleText(bad.text)).toContain("Enter the start date as a date");

    for (const other of [schoolAdmin, teacher])
      expect((await (await clientFor(other)).get("/admin/audit")).status).toBe(404);
  });
});

describe("the retention purge", () => {
  it("removes apprenticeship evidence six years after the end and anonymises long-gone pupils, with counts in the audit log", async () => {
    const { purgeExpiredRecords } = await import("../../app/models/retention.server.ts");
    const t = tag();
    const employer = await createOrganisation({ kind: "EMPLOYER" });
    const provider = await createOrganisation({ kind: "PROVIDER" });
    const apprentice = await createUser({ roles: [{ org: employer, role: "APPRENTICE" }], password: null });
    const standard = await prisma.standard.create({
      data: { reference: `ST8${t}`, title: "Data technician", level: 3 },
      select: { id: true },
    });
    const make = (end: string, status: "COMPLETED" | "ACTIVE") =>
      prisma.apprenticeship.create({
        data: {
          apprenticeId: apprentice.id,
          employerId: employer.id,
          providerId: provider.id,
          standardId: standard.id,
          startDate: new Date("2017-01-01T00:00:00Z"),
          plannedEndDate: new Date(`${end}T00:00:00Z`),
          achievedOn: status === "COMPLETED" ? new Date(`${end}T00:00:00Z`) : null,
          contractedWeeklyHours: 30,
          otjRegime: "PERCENT_20",
          plannedOtjHours: 300,
          status,
        },
        select: { id: true },
      });
    const old = await make("2019-03-31", "COMPLETED");
    const recent = await make("2024-03-31", "COMPLETED");
    for (const a of [old, recent]) {
      await prisma.progressEntry.create({
        data: {
          learnerId: apprentice.id,
          apprenticeshipId: a.id,
          kind: "OTJ_ACTIVITY",
          occurredOn: new Date("2018-01-01T00:00:00Z"),
          minutes: 60,
          ksbCodes: [],
          createdById: apprentice.id,
        },
      });
      await prisma.review.create({
        data: { apprenticeshipId: a.id, sequence: 1, dueOn: new Date("2018-03-01T00:00:00Z") },
      });
    }
    const gone = await createUser({ roles: [{ org: school, role: "PUPIL" }], password: null, firstName: `Gone${t}` });
    await prisma.$executeRaw`UPDATE users SET created_at = '2018-01-01' WHERE id = ${gone.id}::uuid`;
    await prisma.$executeRaw`UPDATE memberships SET created_at = '2018-01-01' WHERE user_id = ${gone.id}::uuid`;
    const active = await createUser({ roles: [{ org: school, role: "PUPIL" }], password: null, firstName: `Here${t}` });

    const counts = await purgeExpiredRecords(new Date("2026-11-01T03:00:00Z"), { pupilYears: 3 });
    expect(counts.apprenticeshipsPastRetention).toBeGreaterThanOrEqual(1);
    expect(await prisma.progressEntry.count({ where: { apprenticeshipId: old.id } })).toBe(0);
    expect(await prisma.review.count({ where: { apprenticeshipId: old.id } })).toBe(0);
    expect(await prisma.apprenticeship.count({ where: { id: old.id } })).toBe(1); // kept for counts
    expect(await prisma.progressEntry.count({ where: { apprenticeshipId: recent.id } })).toBe(1);
    expect(await prisma.review.count({ where: { apprenticeshipId: recent.id } })).toBe(1);

    expect(await prisma.user.findUniqueOrThrow({ where: { id: gone.id } })).toMatchObject({
      firstName: "Erased",
      username: null,
    });
    expect(await prisma.user.findUniqueOrThrow({ where: { id: active.id } })).toMatchObject({
      firstName: `Here${t}`,
      erasedAt: null,
    });

    const audit = await prisma.auditLog.findFirstOrThrow({
      where: { action: "maintenance.retention-purge" },
      orderBy: { createdAt: "desc" },
    });
    expect(audit.metadata).toMatchObject({
      evidenceEntries: counts.evidenceEntries,
      pupilsAnonymised: counts.pupilsAnonymised,
      pupilYears: 3,
    });
    expect(counts.pupilsAnonymised).toBeGreaterThanOrEqual(1);

    // Idempotent: a second run finds nothing new.
    const again = await purgeExpiredRecords(new Date("2026-11-01T03:00:00Z"), { pupilYears: 3 });
    expect(again).toMatchObject({ apprenticeshipsPastRetention: 0, evidenceEntries: 0, pupilsAnonymised: 0 });
  });
});
