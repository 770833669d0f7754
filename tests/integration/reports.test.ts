/**
 * Outcome reports end to end through real Postgres: a small hand-built county (two areas, two
 * schools, two employers) whose figures were worked out by hand, checked unrounded (an
 * organisation's own report) and protected (the council's report), plus tenancy, a
 * differencing attempt, the CSV and snapshot versioning.
 *
 * Period: academic year 2025/26 (1 Aug 2025 – 31 Jul 2026); "today" for reviews: 2026-09-01.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { testPrisma } from "../setup/db.ts";
import type { Actor } from "../../app/auth/permissions.ts";
import type { Role } from "../../app/generated/prisma/enums.ts";
import { DISCLOSURE_RULE_TEXT } from "../../app/domain/disclosure.ts";
import { parseCsv } from "../../app/domain/csv-decode.ts";
import { parsePeriod } from "../../app/domain/report-period.ts";
import { figuresToCsv } from "../../app/domain/report-csv.ts";
import type { FigureTable, ReportFigures } from "../../app/domain/report-figures.ts";
import {
  buildProtectedFigures,
  buildSnapshot,
  exportSnapshotCsv,
  getSnapshot,
  listBuildRequests,
  listSnapshots,
  organisationReport,
  protectedReport,
  requestReportBuild,
} from "../../app/models/reports.server.ts";

const TAMWORTH = "E07000199";
const LICHFIELD = "E07000194";
const YEAR = parsePeriod("academic-year", "2025/26")!;
const TODAY = "2026-09-01";
const d = (iso: string) => new Date(`${iso}T00:00:00Z`);

type Ids = Awaited<ReturnType<typeof seedCounty>>;
let ids: Ids;

function actor(
  userId: string,
  memberships: { organisationId: string; role: Role; kind?: "SCHOOL" | "EMPLOYER" | "PROVIDER" | "COUNCIL" }[],
): Actor {
  return {
    userId,
    displayName: "Test Person",
    memberships: memberships.map((m) => ({
      organisationId: m.organisationId,
      organisationName: "Org",
      organisationKind: m.kind ?? "SCHOOL",
      role: m.role,
    })),
  };
}

let personSeq = 0;
async function person(orgId: string, role: Role, extra: { yearGroup?: number; dateOfBirth?: Date } = {}) {
  const n = ++personSeq;
  const u = await testPrisma().user.create({
    data: {
      firstName: `First${n}`,
      lastName: `Surname${n}x`,
      username: role === "PUPIL" ? `pupil.report.${n}` : null,
      email: role === "PUPIL" ? null : `person${n}@report.example`,
      yearGroup: extra.yearGroup ?? null,
      dateOfBirth: extra.dateOfBirth ?? null,
      memberships: { create: [{ organisationId: orgId, role }] },
    },
    select: { id: true, firstName: true, lastName: true, username: true },
  });
  return u;
}

async function seedCounty() {
  const db = testPrisma();
  const org = (name: string, kind: "SCHOOL" | "EMPLOYER" | "PROVIDER" | "COUNCIL", districtCode: string) =>
    db.organisation.create({
      data: { name, kind, districtCode, status: "APPROVED", approvedAt: new Date() },
      select: { id: true },
    });
  const schoolA = await org("Tamworth Test Academy", "SCHOOL", TAMWORTH);
  const schoolB = await org("Lichfield Test School", "SCHOOL", LICHFIELD);
  const employer1 = await org("Tamworth Test Ltd", "EMPLOYER", TAMWORTH);
  const employer2 = await org("Lichfield Test Ltd", "EMPLOYER", LICHFIELD);
  const provider = await org("Test University", "PROVIDER", "E07000197");
  const council = await org("Test Council", "COUNCIL", "E07000197");

  await db.credential.createMany({
    data: [
      { code: "AB-900", name: "Microsoft 365 Fundamentals" },
      { code: "AZ-900", name: "Azure Fundamentals" },
    ],
  });
  await db.credential.create({
    data: {
      code: "MS-900",
      name: "Microsoft 365 Fundamentals (retired)",
      retiredOn: d("2026-03-31"),
      successorCode: "AB-900",
    },
  });
  const pathway = (
    slug: string,
    title: string,
    audience: "PUPIL" | "TEACHER",
    extra: { countsAsEncounter?: boolean; isCpd?: boolean } = {},
  ) => db.pathway.create({ data: { slug, title, audience, hoursMin: 1, hoursMax: 2, ...extra }, select: { id: true } });
  const foundations = await pathway("digital-foundations", "Digital foundations", "PUPIL");
  const explore = await pathway("explore-digital-future", "Explore the digital future", "PUPIL", {
    countsAsEncounter: true,
  });
  const educator = await pathway("educator-track", "Educator track", "TEACHER", { isCpd: true });
  // A hostile title: it must arrive in the CSV neutralised.
  await pathway("formula", '=HYPERLINK("http://evil.example","x")', "PUPIL");
  const std3 = await db.standard.create({
    data: { reference: "ST0120", title: "Digital support technician", level: 3, otjMinimumHours: 278 },
    select: { id: true },
  });
  const std6 = await db.standard.create({
    data: { reference: "ST0119", title: "Digital and technology solutions professional", level: 6 },
    select: { id: true },
  });
  await db.target.createMany({
    data: [
      {
        key: "digitally-skilled-apprentices",
        label: "Digitally skilled apprentices",
        targetValue: 900,
        startsOn: d("2025-08-01"),
        endsOn: d("2030-07-31"),
      },
      {
        key: "businesses-engaged",
        label: "Businesses engaged in digital innovation",
        targetValue: 100,
        startsOn: d("2025-08-01"),
        endsOn: d("2030-07-31"),
      },
    ],
  });

  // School A (Tamworth): 15 year-9 pupils on Digital foundations from 10 Sep 2025; 10 complete,
  // 5 withdraw. A 16th pupil (year 10) started the year before and is still active.
  const pupilsA = [];
  for (let i = 0; i < 15; i++) pupilsA.push(await person(schoolA.id, "PUPIL", { yearGroup: 9 }));
  const p16 = await person(schoolA.id, "PUPIL", { yearGroup: 10 });
  const enrolA = [];
  for (const [i, p] of pupilsA.entries()) {
    enrolA.push(
      await db.enrolment.create({
        data: {
          userId: p.id,
          pathwayId: foundations.id,
          organisationId: schoolA.id,
          startedOn: d("2025-09-10"),
          status: i < 10 ? "COMPLETED" : "WITHDRAWN",
          completedOn: i < 10 ? d("2026-03-01") : null,
          withdrawnOn: i < 10 ? null : d("2026-02-01"),
        },
        select: { id: true },
      }),
    );
  }
  await db.enrolment.create({
    data: { userId: p16.id, pathwayId: foundations.id, organisationId: schoolA.id, startedOn: d("2024-09-01") },
  });
  const teacher = await person(schoolA.id, "TEACHER");
  await db.enrolment.create({
    data: {
      userId: teacher.id,
      pathwayId: educator.id,
      organisationId: schoolA.id,
      startedOn: d("2025-09-01"),
      status: "COMPLETED",
      completedOn: d("2025-11-01"),
    },
  });

  // School B (Lichfield): 3 year-11 pupils start Explore on 1 Oct 2025; 2 complete it (a Gatsby 5 encounter).
  const pupilsB = [];
  for (let i = 0; i < 3; i++) pupilsB.push(await person(schoolB.id, "PUPIL", { yearGroup: 11 }));
  for (const [i, p] of pupilsB.entries()) {
    await db.enrolment.create({
      data: {
        userId: p.id,
        pathwayId: explore.id,
        organisationId: schoolB.id,
        startedOn: d("2025-10-01"),
        status: i < 2 ? "COMPLETED" : "ACTIVE",
        completedOn: i < 2 ? d("2026-01-15") : null,
      },
    });
  }

  // The ledger (school A). Counted: P1 120 min (a correction of a 60-minute entry), P4 60 min
  // module, P5–P10 600 min each → 3,780 minutes = 63 hours from 8 learners.
  const admin = await person(provider.id, "TUTOR");
  const entry = (learnerId: string, enrolmentId: string | null, data: Record<string, unknown>) =>
    db.progressEntry.create({
      data: {
        learnerId,
        enrolmentId,
        createdById: admin.id,
        kind: "LEARNING_TIME",
        occurredOn: d("2025-10-01"),
        ...data,
      },
      select: { id: true },
    });
  const original = await entry(pupilsA[0].id, enrolA[0].id, {
    minutes: 60,
    status: "VERIFIED",
    supersededAt: new Date("2025-10-05T10:00:00Z"),
  });
  await entry(pupilsA[0].id, enrolA[0].id, { minutes: 120, status: "VERIFIED", version: 2, supersedesId: original.id });
  await entry(pupilsA[1].id, enrolA[1].id, { minutes: 90, status: "PENDING" });
  await entry(pupilsA[2].id, enrolA[2].id, { minutes: 30, status: "REJECTED" });
  await entry(pupilsA[3].id, enrolA[3].id, { kind: "MODULE_COMPLETED", minutes: 60, status: "VERIFIED" });
  for (let i = 4; i < 10; i++)
    await entry(pupilsA[i].id, enrolA[i].id, { minutes: 600, status: "VERIFIED", occurredOn: d("2026-02-10") });
  // Credentials: MS-900 (retired → AB-900) and AB-900 verified; AZ-900 pending.
  await entry(pupilsA[0].id, enrolA[0].id, {
    kind: "CREDENTIAL",
    credentialCode: "MS-900",
    status: "VERIFIED",
    occurredOn: d("2026-03-15"),
  });
  await entry(pupilsA[1].id, enrolA[1].id, {
    kind: "CREDENTIAL",
    credentialCode: "AB-900",
    status: "VERIFIED",
    occurredOn: d("2026-04-15"),
  });
  await entry(pupilsA[2].id, enrolA[2].id, {
    kind: "CREDENTIAL",
    credentialCode: "AZ-900",
    status: "PENDING",
    occurredOn: d("2026-04-15"),
  });

  // Apprenticeships. A: employer 1 (Tamworth), aged 20 at start, level 3, 300 planned OTJ hours
  // over 1 Sep 2025 – 31 Dec 2026; verified latest OTJ = 1,200 + 600 minutes = 30 hours.
  const apprenticeA = await person(employer1.id, "APPRENTICE", { dateOfBirth: d("2005-01-01") });
  const apprenticeB = await person(employer2.id, "APPRENTICE", { dateOfBirth: d("1990-06-01") });
  const appA = await db.apprenticeship.create({
    data: {
      apprenticeId: apprenticeA.id,
      employerId: employer1.id,
      providerId: provider.id,
      standardId: std3.id,
      startDate: d("2025-09-01"),
      plannedEndDate: d("2026-12-31"),
      contractedWeeklyHours: 37.5,
      otjRegime: "STANDARD_MINIMUM",
      plannedOtjHours: 300,
    },
    select: { id: true },
  });
  // B: employer 2 (Lichfield), 25+, level 6, started 2024, achieved 1 Mar 2026 with all 600 hours.
  const appB = await db.apprenticeship.create({
    data: {
      apprenticeId: apprenticeB.id,
      employerId: employer2.id,
      providerId: provider.id,
      standardId: std6.id,
      startDate: d("2024-01-01"),
      plannedEndDate: d("2026-06-30"),
      contractedWeeklyHours: 37.5,
      otjRegime: "HOURS_6_PER_WEEK",
      plannedOtjHours: 600,
      status: "COMPLETED",
      achievedOn: d("2026-03-01"),
    },
    select: { id: true },
  });
  const otj = (learnerId: string, apprenticeshipId: string, data: Record<string, unknown>) =>
    db.progressEntry.create({
      data: {
        learnerId,
        apprenticeshipId,
        createdById: admin.id,
        kind: "OTJ_ACTIVITY",
        occurredOn: d("2025-11-01"),
        ...data,
      },
      select: { id: true },
    });
  const oldOtj = await otj(apprenticeA.id, appA.id, {
    minutes: 600,
    status: "VERIFIED",
    supersededAt: new Date("2025-11-03T09:00:00Z"),
  });
  await otj(apprenticeA.id, appA.id, { minutes: 1200, status: "VERIFIED", version: 2, supersedesId: oldOtj.id });
  await otj(apprenticeA.id, appA.id, { minutes: 600, status: "VERIFIED", occurredOn: d("2026-05-01") });
  await otj(apprenticeA.id, appA.id, { minutes: 300, status: "PENDING", occurredOn: d("2026-05-02") });
  await otj(apprenticeB.id, appB.id, { minutes: 36_000, status: "VERIFIED", occurredOn: d("2025-06-01") });

  // Reviews for A: #1 on time, signed 12 days after it was held; #2 late, signed the same day;
  // #3 due 31 May 2026 and never held.
  await db.review.create({
    data: {
      apprenticeshipId: appA.id,
      sequence: 1,
      dueOn: d("2025-11-30"),
      heldOn: d("2025-11-20"),
      status: "SIGNED",
      apprenticeSignedAt: new Date("2025-11-20T10:00:00Z"),
      employerSignedAt: new Date("2025-11-25T10:00:00Z"),
      tutorSignedAt: new Date("2025-12-02T10:00:00Z"),
    },
  });
  await db.review.create({
    data: {
      apprenticeshipId: appA.id,
      sequence: 2,
      dueOn: d("2026-02-28"),
      heldOn: d("2026-03-10"),
      status: "SIGNED",
      apprenticeSignedAt: new Date("2026-03-10T10:00:00Z"),
      employerSignedAt: new Date("2026-03-10T11:00:00Z"),
      tutorSignedAt: new Date("2026-03-10T12:00:00Z"),
    },
  });
  await db.review.create({ data: { apprenticeshipId: appA.id, sequence: 3, dueOn: d("2026-05-31") } });

  // Work experience: school A at employer 1 (P1 60 h, would host again; P16 30 h);
  // school B at employer 2 (Q1, year 11, 35 h; would not host again).
  const teacherId = teacher.id;
  const plA = await db.placement.create({
    data: {
      schoolId: schoolA.id,
      employerId: employer1.id,
      title: "IT support week",
      startDate: d("2026-06-01"),
      endDate: d("2026-06-12"),
      hours: 60,
      status: "COMPLETED",
      createdById: teacherId,
    },
    select: { id: true },
  });
  await db.placementPupil.create({
    data: {
      placementId: plA.id,
      pupilId: pupilsA[0].id,
      hoursAttended: 60,
      wouldHostAgain: true,
      feedbackAt: new Date("2026-06-13T10:00:00Z"),
    },
  });
  await db.placementPupil.create({ data: { placementId: plA.id, pupilId: p16.id, hoursAttended: 30 } });
  const plB = await db.placement.create({
    data: {
      schoolId: schoolB.id,
      employerId: employer2.id,
      title: "Data week",
      startDate: d("2026-06-22"),
      endDate: d("2026-07-01"),
      hours: 35,
      status: "COMPLETED",
      createdById: teacherId,
    },
    select: { id: true },
  });
  await db.placementPupil.create({
    data: {
      placementId: plB.id,
      pupilId: pupilsB[0].id,
      hoursAttended: 35,
      wouldHostAgain: false,
      feedbackAt: new Date("2026-07-02T10:00:00Z"),
    },
  });

  // Gatsby 5: an encounter at school A (with employer 1) attended by 12 of its pupils.
  const encounter = await db.encounter.create({
    data: {
      schoolId: schoolA.id,
      employerId: employer1.id,
      kind: "talk",
      title: "Careers in IT",
      occurredOn: d("2025-11-05"),
      createdById: teacherId,
    },
    select: { id: true },
  });
  await db.encounterAttendee.createMany({
    data: pupilsA.slice(0, 12).map((p) => ({ encounterId: encounter.id, pupilId: p.id })),
  });

  const schoolAdmin = await person(schoolA.id, "SCHOOL_ADMIN");
  const employerAdmin = await person(employer1.id, "EMPLOYER_ADMIN");
  const officer = await person(council.id, "COUNCIL_OFFICER");
  const partnershipAdmin = await person(provider.id, "PARTNERSHIP_ADMIN");
  return {
    schoolA: schoolA.id,
    schoolB: schoolB.id,
    employer1: employer1.id,
    employer2: employer2.id,
    explore: explore.id,
    people: [...pupilsA, p16, ...pupilsB, teacher, apprenticeA, apprenticeB],
    pupilsB,
    schoolAdmin: actor(schoolAdmin.id, [{ organisationId: schoolA.id, role: "SCHOOL_ADMIN" }]),
    employerAdmin: actor(employerAdmin.id, [
      { organisationId: employer1.id, role: "EMPLOYER_ADMIN", kind: "EMPLOYER" },
    ]),
    officer: actor(officer.id, [{ organisationId: council.id, role: "COUNCIL_OFFICER", kind: "COUNCIL" }]),
    partnershipAdmin: actor(partnershipAdmin.id, [
      { organisationId: provider.id, role: "PARTNERSHIP_ADMIN", kind: "PROVIDER" },
    ]),
  };
}

function table(figures: ReportFigures, id: string): FigureTable {
  const t = figures.tables.find((x) => x.id === id);
  if (!t) throw new Error(`no table ${id}`);
  return t;
}
function cell(figures: ReportFigures, tableId: string, rowKey: string, column: string) {
  const t = table(figures, tableId);
  const j = t.columns.findIndex((c) => c.key === column);
  if (j < 0) throw new Error(`no column ${column} in ${tableId}`);
  const row = rowKey === "total" ? t.total : t.rows.find((r) => r.key === rowKey);
  if (!row) throw new Error(`no row ${rowKey} in ${tableId}`);
  return row.cells[j];
}
const headline = (f: ReportFigures, key: string) => f.headline.find((h) => h.key === key)!.value;

beforeAll(async () => {
  ids = await seedCounty();
});

describe("an organisation's own report: unrounded figures that match the hand count", () => {
  test("school A sees its own learners exactly: starts, completions, hours, credentials, Gatsby", async () => {
    const f = await organisationReport(ids.schoolAdmin, ids.schoolA, YEAR);
    expect(f.protected).toBe(false);
    expect(f.rule).toBeNull();
    expect(headline(f, "starts")).toBe(16); // 15 pupils + 1 teacher
    expect(headline(f, "active_learners")).toBe(17); // + the year-10 pupil from last year
    expect(headline(f, "completions")).toBe(11);
    expect(cell(f, "area-learning", "total", "leavers")).toBe(16);
    expect(headline(f, "achievement_rate")).toBe(69); // 11 of 16
    expect(headline(f, "learning_hours")).toBe(63); // latest verified only: 120 + 60 + 6 × 600 minutes
    expect(headline(f, "teacher_cpd_completions")).toBe(1);
    expect(cell(f, "credentials", "AB-900", "credentials_awarded")).toBe(2); // MS-900 credited to AB-900
    expect(cell(f, "credentials", "AZ-900", "credentials_awarded")).toBe(0); // pending does not count
    expect(cell(f, "area-pupils", "total", "pupils")).toBe(16);
    expect(cell(f, "area-pupils", "total", "gatsby5_met")).toBe(12);
    expect(cell(f, "area-pupils", "total", "work_experience_hours")).toBe(90);
    expect(cell(f, "area-pupils", "total", "pupils_50_hours")).toBe(1);
    // Nothing from the other school.
    expect(cell(f, "area-learning", LICHFIELD, "starts")).toBe(0);
    expect(cell(f, "area-pupils", LICHFIELD, "pupils")).toBe(0);
  });

  test("employer 1 sees its apprenticeship: OTJ plan vs actual, reviews on time, median days to sign", async () => {
    const f = await organisationReport(ids.employerAdmin, ids.employer1, YEAR);
    expect(headline(f, "apprenticeship_starts")).toBe(1);
    expect(headline(f, "apprenticeship_achievements")).toBe(0);
    expect(headline(f, "otj_planned_hours")).toBe(300);
    expect(headline(f, "otj_actual_hours")).toBe(30); // superseded and pending entries excluded
    expect(cell(f, "area-apprenticeships", "total", "otj_on_track")).toBe(0); // 30 h < 205.7 h expected by 31 Jul 2026
    expect(cell(f, "area-reviews", "total", "reviews_due")).toBe(3);
    expect(cell(f, "area-reviews", "total", "reviews_on_time")).toBe(1);
    expect(cell(f, "area-reviews", "total", "reviews_fully_signed")).toBe(2);
    expect(headline(f, "median_days_to_sign")).toBe(6); // median of 12 and 0
    expect(cell(f, "apprenticeship-age", "19-24", "apprenticeship_starts")).toBe(1);
    expect(cell(f, "apprenticeship-level", "level-3", "apprentices_in_learning")).toBe(1);
    expect(headline(f, "placements_started")).toBe(1); // it hosted school A's placement
    expect(headline(f, "host_employers")).toBe(1);
  });

  test("tenancy: another organisation's report, or the partnership's, is a 404", async () => {
    await expect(organisationReport(ids.schoolAdmin, ids.schoolB, YEAR)).rejects.toMatchObject({ status: 404 });
    await expect(organisationReport(ids.officer, ids.schoolA, YEAR)).rejects.toMatchObject({ status: 404 });
    await expect(protectedReport(ids.schoolAdmin, YEAR)).rejects.toMatchObject({ status: 404 });
    const snap = await buildSnapshot(YEAR, null, { today: TODAY });
    await expect(getSnapshot(ids.schoolAdmin, snap.id)).rejects.toMatchObject({ status: 404 });
    await expect(exportSnapshotCsv(ids.employerAdmin, snap.id)).rejects.toMatchObject({ status: 404 });
    await expect(listSnapshots(ids.schoolAdmin)).rejects.toMatchObject({ status: 404 });
    await expect(requestReportBuild(ids.officer, YEAR)).rejects.toMatchObject({ status: 404 });
  });
});

describe("the council's report: protected figures", () => {
  let f: ReportFigures;
  beforeAll(async () => {
    f = await buildProtectedFigures(YEAR, TODAY);
  });

  test("counts of 1–4 are c, others round to 5, rates are worked out from the rounded counts", async () => {
    expect(f.protected).toBe(true);
    expect(f.rule).toBe(DISCLOSURE_RULE_TEXT);
    expect(headline(f, "starts")).toBe(20); // 19 true
    expect(headline(f, "active_learners")).toBe(20); // 20 true
    expect(headline(f, "completions")).toBe(15); // 13 true
    expect(headline(f, "achievement_rate")).toBe(75); // 15 of 20 as published (13 of 18 true)
    expect(cell(f, "area-learning", LICHFIELD, "starts")).toBe("c"); // 3
    expect(cell(f, "area-learning", TAMWORTH, "starts")).toBe("c"); // 16, hidden so Lichfield's 3 can't be worked out
    expect(cell(f, "area-learning", "E07000192", "starts")).toBe(0); // an empty area is 0
    expect(headline(f, "learning_hours")).toBe(60); // 63 h, rounded to 10
    expect(cell(f, "credentials", "AB-900", "credentials_awarded")).toBe("c"); // 2
    expect(headline(f, "apprenticeship_starts")).toBe("c"); // 1
    expect(headline(f, "median_days_to_sign")).toBe("c"); // 2 reviews: too few for a median
    expect(cell(f, "area-pupils", "total", "pupils")).toBe(20); // 19 true
    expect(headline(f, "gatsby5_rate")).toBe(75); // 15 of 20 as published (14 of 19 true)
    expect(headline(f, "gatsby6_rate")).toBe("c"); // 1 of 3
    expect(headline(f, "host_employers")).toBe("c"); // 1
    const target = f.targets.find((t) => t.key === "businesses-engaged")!;
    expect(target).toMatchObject({ targetValue: 100, achieved: "c", percent: "c" }); // 2 employers
  });

  test("no count cell anywhere is 1–4 or off the 5-grid", () => {
    const all: FigureTable[] = [...f.tables, f.trend, f.crossTab];
    for (const t of all) {
      t.columns.forEach((col, j) => {
        if (col.kind !== "count") return;
        for (const row of [...t.rows, t.total]) {
          const v = row.cells[j];
          if (typeof v === "number") expect(v % 5, `${t.id}/${row.key}/${col.key}`).toBe(0);
          else expect(["c", "x", "z"]).toContain(v);
        }
      });
    }
  });

  test("nothing about a person: no names, usernames or ids of learners in the figures", () => {
    const json = JSON.stringify(f);
    for (const p of ids.people) {
      expect(json).not.toContain(p.id);
      expect(json).not.toContain(p.lastName);
      if (p.username) expect(json).not.toContain(p.username);
    }
  });

  test("differencing: overlapping periods cannot reveal the small October group", async () => {
    // True starts: September 16 (Tamworth), October 3 (Lichfield), autumn term 19.
    const sep = parsePeriod("month", "2025-09")!;
    const oct = parsePeriod("month", "2025-10")!;
    const autumn = parsePeriod("term", "2025/26-autumn")!;
    const published = async () => {
      const [a, s, o] = await Promise.all([
        buildProtectedFigures(autumn, TODAY),
        buildProtectedFigures(sep, TODAY),
        buildProtectedFigures(oct, TODAY),
      ]);
      return {
        autumn: headline(a, "starts"),
        september: headline(s, "starts"),
        october: headline(o, "starts"),
        autumnLichfield: cell(a, "area-learning", LICHFIELD, "starts"),
        autumnTamworth: cell(a, "area-learning", TAMWORTH, "starts"),
        autumnPupils: cell(a, "learner-type", "pupil", "starts"),
      };
    };
    const before = await published();
    expect(before).toMatchObject({ autumn: 20, september: 15, october: "c", autumnLichfield: "c" });
    // autumn − September = 5, but the true October group is 3.
    expect((before.autumn as number) - (before.september as number)).not.toBe(3);
    // Make the October group 4: every published figure stays the same, so no one can tell 3 from 4.
    const extra = await person(ids.schoolB, "PUPIL", { yearGroup: 11 });
    const enrolment = await testPrisma().enrolment.create({
      data: { userId: extra.id, pathwayId: ids.explore, organisationId: ids.schoolB, startedOn: d("2025-10-20") },
      select: { id: true },
    });
    try {
      expect(await published()).toEqual(before);
    } finally {
      await testPrisma().enrolment.delete({ where: { id: enrolment.id } });
      await testPrisma().membership.deleteMany({ where: { userId: extra.id } });
      await testPrisma().user.delete({ where: { id: extra.id } });
    }
  });
});

describe("snapshots and the CSV", () => {
  test("a snapshot is versioned and immutable; a rebuild adds a version and the old one stays", async () => {
    const first = await buildSnapshot(YEAR, ids.partnershipAdmin.userId, { today: TODAY });
    const firstFigures = (await getSnapshot(ids.officer, first.id)).figures;
    // New verified learning arrives.
    const p = ids.people[10];
    await testPrisma().progressEntry.create({
      data: {
        learnerId: p.id,
        createdById: p.id,
        kind: "LEARNING_TIME",
        minutes: 6000,
        occurredOn: d("2026-05-05"),
        status: "VERIFIED",
        enrolmentId: (await testPrisma().enrolment.findFirst({ where: { userId: p.id }, select: { id: true } }))!.id,
      },
    });
    const second = await buildSnapshot(YEAR, ids.partnershipAdmin.userId, { today: TODAY });
    expect(second.version).toBe(first.version + 1);
    expect(second.dataVersion).not.toBe(first.dataVersion);
    // an opaque digest: it cannot tell a reader how many entries arrived between versions
    expect([first.dataVersion, second.dataVersion]).toEqual([
      expect.stringMatching(/^[0-9a-f]{16}$/),
      expect.stringMatching(/^[0-9a-f]{16}$/),
    ]);
    const reopened = await getSnapshot(ids.officer, first.id);
    expect(reopened.figures).toEqual(firstFigures);
    expect(reopened.versions[0].version).toBe(second.version);
    expect(reopened.versions.map((v) => v.id)).toContain(first.id);
    const latest = await getSnapshot(ids.officer, second.id);
    expect(headline(latest.figures, "learning_hours")).toBe(160); // 63 + 100 hours
    expect(headline(firstFigures, "learning_hours")).toBe(60);
  });

  test("versions: one more leaver who completed changes no published figure, so comparing versions shows nothing", async () => {
    const first = await buildSnapshot(YEAR, null, { today: TODAY });
    const before = (await getSnapshot(ids.officer, first.id)).figures;
    expect([
      headline(before, "completions"),
      cell(before, "area-learning", "total", "leavers"),
      headline(before, "achievement_rate"),
    ]).toEqual([15, 20, 75]); // 13 of 18
    // School B's one active October learner completes: 14 completions of 19 leavers.
    const active = await testPrisma().enrolment.findFirstOrThrow({
      where: { organisationId: ids.schoolB, status: "ACTIVE", startedOn: d("2025-10-01") },
      select: { id: true },
    });
    await testPrisma().enrolment.update({
      where: { id: active.id },
      data: { status: "COMPLETED", completedOn: d("2026-01-20") },
    });
    try {
      const second = await buildSnapshot(YEAR, null, { today: TODAY });
      expect(second.version).toBe(first.version + 1);
      const after = (await getSnapshot(ids.officer, second.id)).figures;
      expect(after).toEqual(before); // was 72% then 74%: exactly one new leaver, who completed
      expect((await exportSnapshotCsv(ids.officer, second.id)).csv).toBe(
        (await exportSnapshotCsv(ids.officer, first.id)).csv,
      );
    } finally {
      await testPrisma().enrolment.update({ where: { id: active.id }, data: { status: "ACTIVE", completedOn: null } });
    }
  });

  test("the CSV parses back: DfE columns, c cells, the rule on every row, formulas neutralised, export audited", async () => {
    const snap = await buildSnapshot(YEAR, null, { today: TODAY });
    const { csv, filename } = await exportSnapshotCsv(ids.officer, snap.id);
    expect(filename).toMatch(/^outcome-report-academic-year-2025-26-v\d+\.csv$/);
    const parsed = parseCsv(csv, { delimiter: "," });
    expect(parsed.problems).toEqual([]);
    const [header, ...records] = parsed.records.map((r) => r.cells);
    expect(header.slice(0, 3)).toEqual(["time_period", "time_identifier", "geographic_level"]);
    expect(header.slice(3, 11)).toEqual([
      "country_code",
      "country_name",
      "region_code",
      "region_name",
      "new_la_code",
      "la_name",
      "lad_code",
      "lad_name",
    ]);
    expect(header.at(-1)).toBe("disclosure_control");
    const col = (name: string) => header.indexOf(name);
    for (const r of records) {
      expect(r[col("time_period")]).toBe("202526");
      expect(r[col("time_identifier")]).toBe("Academic year");
      expect(r[col("disclosure_control")]).toBe(DISCLOSURE_RULE_TEXT);
    }
    const lichfield = records.find((r) => r[col("lad_code")] === LICHFIELD && r[col("breakdown_topic")] === "Total")!;
    expect(lichfield[col("starts")]).toBe("c");
    expect(lichfield[col("lad_name")]).toBe("Lichfield");
    const formula = records.find((r) => r[col("breakdown")].includes("HYPERLINK"))!;
    expect(formula[col("breakdown")].startsWith("'=")).toBe(true);
    const audits = await testPrisma().auditLog.findMany({ where: { action: "export.report", subjectId: snap.id } });
    expect(audits).toHaveLength(1);
    expect(audits[0].actorId).toBe(ids.officer.userId);
  });

  test("an organisation's unrounded figures can never be written as an export", async () => {
    const own = await organisationReport(ids.schoolAdmin, ids.schoolA, YEAR);
    expect(() => figuresToCsv(own)).toThrow();
  });

  test("Build now: an outbox row with ids only, and the request shows as queued then done", async () => {
    const term = parsePeriod("term", "2025/26-spring")!;
    const row = await requestReportBuild(ids.partnershipAdmin, term);
    const outbox = await testPrisma().outboxMessage.findUniqueOrThrow({ where: { id: row.id } });
    expect(outbox.topic).toBe("report.build");
    expect(outbox.payload).toEqual({
      periodType: "term",
      periodKey: "2025/26-spring",
      requestedById: ids.partnershipAdmin.userId,
    });
    expect((await listBuildRequests(ids.partnershipAdmin))[0]).toMatchObject({ id: row.id, status: "queued" });
    const { processReportBuild } = await import("../../workers/report-build.ts");
    await processReportBuild(outbox.payload);
    expect((await listBuildRequests(ids.partnershipAdmin))[0]).toMatchObject({ id: row.id, status: "done" });
  });
});
