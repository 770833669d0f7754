/**
 * The monthly report: the scheduler declaration, and the processor that builds last month's
 * snapshot and emails each council officer once, with protected figures and a link only.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser } from "../support/factories.ts";
import { SCHEDULES } from "../../app/jobs/definitions.ts";
import { processMonthlyReport, renderReportReady } from "../../workers/reports-worker.ts";
import ReportReadyEmail from "../../emails/report-ready.tsx";

let officerEmail: string;
let pupilLastName: string;

beforeAll(async () => {
  const council = await createOrganisation({ kind: "COUNCIL" });
  const school = await createOrganisation({ kind: "SCHOOL", districtCode: "E07000199" });
  officerEmail = (await createUser({ password: null, roles: [{ org: council, role: "COUNCIL_OFFICER" }] })).email!;
  await createUser({ password: null, roles: [{ org: council, role: "COUNCIL_OFFICER" }], disabled: true });
  const pathway = await testPrisma().pathway.create({
    data: { slug: "digital-foundations", title: "Digital foundations", audience: "PUPIL", hoursMin: 10, hoursMax: 12 },
  });
  const pupil = await createUser({
    password: null,
    lastName: "Unforgettable-Surname",
    roles: [{ org: school, role: "PUPIL" }],
  });
  pupilLastName = pupil.lastName;
  await testPrisma().enrolment.create({
    data: {
      userId: pupil.id,
      pathwayId: pathway.id,
      organisationId: school.id,
      startedOn: new Date("2026-10-12T00:00:00Z"),
    },
  });
});

test("the scheduler runs at 06:00 (UK time, as every schedule) on the 1st of each month", () => {
  expect(SCHEDULES.filter((s) => s.job === "report.build-last-month")).toEqual([
    expect.objectContaining({ id: "monthly-report", pattern: "0 6 1 * *" }),
  ]);
});

describe("processMonthlyReport", () => {
  test("builds last month's snapshot and emails each active council officer once, with no personal data", async () => {
    const sent: { to: string; subject: string; html: string; text: string }[] = [];
    const send = async (m: { to: string; subject: string; html: string; text: string }) => {
      sent.push(m);
    };
    const now = new Date("2026-11-01T06:00:00Z");
    const first = await processMonthlyReport({ now, send, appUrl: "https://skills.example" });
    expect(first).toMatchObject({ periodKey: "2026-10", recipients: 1, sent: 1 });
    const snapshot = await testPrisma().reportSnapshot.findUniqueOrThrow({ where: { id: first.snapshotId } });
    expect(snapshot).toMatchObject({ periodType: "month", periodKey: "2026-10", version: 1, builtById: null });
    expect(sent).toHaveLength(1);
    expect(sent[0].to).toBe(officerEmail);
    expect(sent[0].subject).toBe("Outcome report ready: October 2026");
    expect(sent[0].text).toContain(`https://skills.example/reports/${first.snapshotId}`);
    expect(sent[0].text).toContain("Starts on pathways: c"); // 1 start: protected
    expect(sent[0].html).not.toContain(pupilLastName);
    // A retry of the same job: same snapshot, no second email.
    const again = await processMonthlyReport({ now: new Date(now.getTime() + 60_000), send });
    expect(again).toMatchObject({ snapshotId: first.snapshotId, sent: 0 });
    expect(sent).toHaveLength(1);
  });
});

test("the email template renders HTML and text from its preview props", async () => {
  const email = await renderReportReady(ReportReadyEmail.PreviewProps);
  expect(email.subject).toBe("Outcome report ready: October 2026");
  expect(email.html).toContain("Read the full report");
  expect(email.text).toContain("Starts on pathways: 1,245");
});
