/**
 * The progress pages through the real production server, as a browser without JavaScript would
 * use them: the log form posts and redirects with a notice; a resend with the same client_ref is
 * one entry; validation messages appear on the page; the verification queue bulk-approves;
 * another learner's entry is a 404; the OTJ history downloads as a neutralised CSV.
 */
import { describe, expect, it } from "vitest";
import { testPrisma } from "../setup/db.ts";
import { useTestServer } from "../support/http.ts";
import { createApprenticeship, createSchoolClass } from "../support/progress-fixtures.ts";

const server = useTestServer();

async function signedIn(identifier: string, password: string) {
  const client = server.client();
  await client.signIn(identifier, password);
  return client;
}

const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(new Date());

describe("the log form without JavaScript", () => {
  it("logs an OTJ activity, redirects with a notice and a link to change it; a resend is one entry", async () => {
    const f = await createApprenticeship({ startDate: "2025-09-01", plannedEndDate: "2027-06-30" });
    const client = await signedIn(f.apprentice.email!, f.apprentice.password);
    const page = await client.get("/log");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Log learning");
    const clientRef = /name="clientRef" value="([^"]+)"/.exec(page.text)?.[1];
    expect(clientRef).toBeTruthy();

    const form = new URLSearchParams({
      kind: "OTJ_ACTIVITY",
      clientRef: clientRef!,
      occurredOn: today(),
      minutes: "75",
      activityType: "shadowing",
      description: "Shadowed the service desk",
      atWork: "yes",
      evidenceUrl: "",
    });
    form.append("ksbCodes", "K1");
    form.append("ksbCodes", "S1");
    const first = await client.post("/log", form);
    expect(first.status).toBe(303);
    expect(first.location).toMatch(/^\/log\?kind=otj&logged=[0-9a-f-]{36}$/);
    const notice = await client.get(first.location!);
    expect(notice.text).toContain("Logged");
    expect(notice.text).toContain("1 h 15 min of off-the-job training (shadowing)");
    expect(notice.text).toMatch(/href="\/learning\/entries\/[0-9a-f-]{36}"/);

    const again = await client.post("/log", form);
    expect(again.status).toBe(303);
    expect(again.location).toContain("again=1");
    expect(await testPrisma().progressEntry.count({ where: { learnerId: f.apprentice.id } })).toBe(1);
  });

  it("shows each validation message on the page with a 400", async () => {
    const f = await createApprenticeship();
    const client = await signedIn(f.apprentice.email!, f.apprentice.password);
    const form = new URLSearchParams({
      kind: "OTJ_ACTIVITY",
      occurredOn: "2099-01-01",
      minutes: "0",
      activityType: "learn-module",
      description: "",
      atWork: "yes",
      englishMaths: "yes",
    });
    const response = await client.post("/log", form);
    expect(response.status).toBe(400);
    expect(response.text).toContain("There is a problem");
    expect(response.text).toContain("English and maths up to level 2 do not count as off-the-job training");
    const fixed = new URLSearchParams({
      kind: "OTJ_ACTIVITY",
      occurredOn: "2099-01-01",
      minutes: "0",
      activityType: "learn-module",
      description: "",
      atWork: "yes",
    });
    const second = await client.post("/log", fixed);
    expect(second.status).toBe(400);
    expect(second.text).toContain("Enter at least 1 minute.");
    expect(second.text).toContain("Say what you learnt.");
    expect(second.text).toContain("Choose at least one knowledge, skill or behaviour");
    expect(await testPrisma().progressEntry.count({ where: { learnerId: f.apprentice.id } })).toBe(0);
  });

  it("refuses a third 12-hour entry on one day, and minutes written as hex, with a message on the field", async () => {
    const f = await createApprenticeship({ startDate: "2025-09-01", plannedEndDate: "2027-06-30" });
    const client = await signedIn(f.apprentice.email!, f.apprentice.password);
    const otj = (minutes: string) =>
      new URLSearchParams([
        ["kind", "OTJ_ACTIVITY"],
        ["occurredOn", today()],
        ["minutes", minutes],
        ["activityType", "project"],
        ["description", "Rebuilt the lab"],
        ["atWork", "no"],
        ["ksbCodes", "K1"],
      ]);

    const hex = await client.post("/log", otj("0x10"));
    expect(hex.status).toBe(400);
    expect(hex.text).toContain("Enter the time in minutes, as a number.");

    expect((await client.post("/log", otj("720"))).status).toBe(303);
    expect((await client.post("/log", otj("720"))).status).toBe(303);
    const third = await client.post("/log", otj("720"));
    expect(third.status).toBe(400);
    expect(third.text).toContain("which is the most a day can hold (24 hours)");
    const rows = await testPrisma().progressEntry.findMany({
      where: { learnerId: f.apprentice.id },
      select: { minutes: true },
    });
    expect(rows.map((r) => r.minutes)).toEqual([720, 720]);
  });
});

describe("verification and tenancy over HTTP", () => {
  it("a teacher bulk-approves from /verify; pupils' dashboards show verified progress", async () => {
    const { teacher, pupils, pathway, cohortId } = await createSchoolClass({ pupils: 2 });
    for (const p of pupils) {
      const client = await signedIn(p.username!, p.password);
      const logged = await client.post("/log", {
        kind: "MODULE_COMPLETED",
        moduleId: pathway.modules[0].moduleId,
        occurredOn: today(),
      });
      expect(logged.status).toBe(303);
    }
    const teacherClient = await signedIn(teacher.email!, teacher.password);
    const queue = await teacherClient.get(`/verify?class=${cohortId}`);
    expect(queue.status).toBe(200);
    const ids = [...queue.text.matchAll(/form="bulk-teacher" id="select-([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(ids).toHaveLength(2);
    const body = new URLSearchParams({ intent: "approve", role: "verifier" });
    for (const id of ids) body.append("entryId", id);
    const approved = await teacherClient.post("/verify", body);
    expect(approved.status).toBe(200);
    expect(approved.text).toContain("Approved 2 entries.");

    const grid = await teacherClient.get(`/classes/${cohortId}`);
    expect(grid.status).toBe(200);
    expect(grid.text).toContain("No entries are waiting for verification.");

    const pupilClient = await signedIn(pupils[0].username!, pupils[0].password);
    const dashboard = await pupilClient.get("/learning");
    expect(dashboard.text).toContain(`1 of ${pathway.modules.length} modules verified`);
  });

  it("pages a long queue: 50 oldest first, the true total, a link to the newer ones that keeps the class", async () => {
    const { teacher, pupils, cohortId } = await createSchoolClass({ pupils: 1 });
    const rows = Array.from({ length: 53 }, (_, i) => ({
      learnerId: pupils[0].id,
      kind: "LEARNING_TIME" as const,
      occurredOn: new Date("2026-11-18"),
      minutes: 10 + i,
      status: "PENDING" as const,
      createdById: pupils[0].id,
      ksbCodes: [],
      createdAt: new Date(Date.UTC(2026, 10, 18, 9, 0, i)),
    }));
    await testPrisma().progressEntry.createMany({ data: rows });
    const teacherClient = await signedIn(teacher.email!, teacher.password);
    const selectable = (html: string) => [...html.matchAll(/form="bulk-teacher" id="select-([0-9a-f-]{36})"/g)].length;

    const first = await teacherClient.get(`/verify?class=${cohortId}`);
    expect(first.text).toContain("(53)");
    expect(first.text).toContain("Showing 1 to 50 of 53, oldest first.");
    expect(selectable(first.text)).toBe(50);
    expect(first.text).toMatch(new RegExp(`href="/verify\\?class=${cohortId}&amp;page=2"[^>]*>Newer entries<`));

    const second = await teacherClient.get(`/verify?class=${cohortId}&page=2`);
    expect(second.text).toContain("Showing 51 to 53 of 53, oldest first.");
    expect(selectable(second.text)).toBe(3);
    expect(second.text).toMatch(new RegExp(`href="/verify\\?class=${cohortId}"[^>]*>Older entries<`));
    // A page number that is not a page shows the first page rather than an error.
    expect(selectable((await teacherClient.get(`/verify?class=${cohortId}&page=abc`)).text)).toBe(50);
  });

  it("404s: another pupil's entry, a teacher of another school verifying, a supervisor elsewhere, the OTJ history of someone else", async () => {
    const mine = await createSchoolClass({ pupils: 2 });
    const other = await createSchoolClass({ pupils: 1 });
    const alice = await signedIn(mine.pupils[0].username!, mine.pupils[0].password);
    await alice.post("/log", { kind: "LEARNING_TIME", minutes: "30", occurredOn: today() });
    const entry = await testPrisma().progressEntry.findFirstOrThrow({ where: { learnerId: mine.pupils[0].id } });

    const bob = await signedIn(mine.pupils[1].username!, mine.pupils[1].password);
    expect((await bob.get(`/learning/entries/${entry.id}`)).status).toBe(404);
    expect(
      (await bob.post(`/learning/entries/${entry.id}`, { intent: "correct", minutes: "1", reason: "x" })).status,
    ).toBe(404);

    const strangerTeacher = await signedIn(other.teacher.email!, other.teacher.password);
    expect(
      (await strangerTeacher.post("/verify", { intent: "approve", role: "verifier", entryId: entry.id })).status,
    ).toBe(404);
    expect((await testPrisma().progressEntry.findUniqueOrThrow({ where: { id: entry.id } })).status).toBe("PENDING");

    const f = await createApprenticeship();
    const g = await createApprenticeship();
    const apprentice = await signedIn(f.apprentice.email!, f.apprentice.password);
    const logged = await apprentice.post(
      "/log",
      new URLSearchParams([
        ["kind", "OTJ_ACTIVITY"],
        ["occurredOn", today()],
        ["minutes", "60"],
        ["activityType", "project"],
        ["description", "Built a backup script"],
        ["atWork", "yes"],
        ["ksbCodes", "K1"],
      ]),
    );
    expect(logged.status).toBe(303);
    const otj = await testPrisma().progressEntry.findFirstOrThrow({ where: { learnerId: f.apprentice.id } });
    const elsewhere = await signedIn(g.supervisor.email!, g.supervisor.password);
    expect((await elsewhere.post("/verify", { intent: "approve", role: "supervisor", entryId: otj.id })).status).toBe(
      404,
    );
    expect((await elsewhere.get(`/apprenticeships/${f.apprenticeshipId}/otj-history`)).status).toBe(404);
    expect((await elsewhere.get(`/apprenticeships/${f.apprenticeshipId}/otj-history.csv`)).status).toBe(404);

    const supervisor = await signedIn(f.supervisor.email!, f.supervisor.password);
    const confirmed = await supervisor.post("/verify", { intent: "approve", role: "supervisor", entryId: otj.id });
    expect(confirmed.text).toContain("Confirmed 1 entry.");
  });

  it("the OTJ history downloads as CSV with formula-looking text neutralised, and the download is audited", async () => {
    const f = await createApprenticeship();
    const apprentice = await signedIn(f.apprentice.email!, f.apprentice.password);
    await apprentice.post(
      "/log",
      new URLSearchParams([
        ["kind", "OTJ_ACTIVITY"],
        ["occurredOn", today()],
        ["minutes", "60"],
        ["activityType", "project"],
        ["description", "x"],
        ["atWork", "no"],
        ["ksbCodes", "K1"],
      ]),
    );
    const entry = await testPrisma().progressEntry.findFirstOrThrow({ where: { learnerId: f.apprentice.id } });
    const corrected = await apprentice.post(`/learning/entries/${entry.id}`, {
      intent: "correct",
      minutes: "45",
      reason: '=HYPERLINK("http://evil")',
    });
    expect(corrected.status).toBe(303);
    const tutor = await signedIn(f.tutor.email!, f.tutor.password);
    const csv = await tutor.get(`/apprenticeships/${f.apprenticeshipId}/otj-history.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = csv.text.trim().split("\r\n");
    expect(lines[0]).toBe(
      "changed_at,event,by,entry_id,version,supersedes_id,activity_date,minutes,activity_type,ksb_codes,at_work,reason_or_comment",
    );
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain("Corrected (version 2)");
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(await testPrisma().auditLog.count({ where: { action: "export.otj-history", actorId: f.tutor.id } })).toBe(1);
    const page = await tutor.get(`/apprenticeships/${f.apprenticeshipId}/otj-history`);
    expect(page.text).toContain("Corrected (version 2)");
  });
});
