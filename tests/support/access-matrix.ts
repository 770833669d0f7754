/**
 * The access matrix: what every route of the app answers to every role (and to a signed-out
 * visitor), on the actor's own organisation's records and on another organisation's.
 *
 * - `EXPECTATIONS` (tests/support/access-expectations.ts) maps each route id of the React Router manifest (build/server/index.js
 *   `routes`) to its expected answers. A route in the manifest without an entry fails
 *   tests/integration/access-matrix.test.ts with a message naming it, so a new page cannot ship
 *   without someone deciding who may open it.
 * - `buildWorld()` makes two of everything (schools, employers, their people and records; one
 *   provider with two tutors, each with a caseload; the council) straight through the test
 *   Prisma client, independent of any UI flow. Every person in the second set ("foreign") has
 *   the marker `ForeignMarker` in their name, email and username; every person in the first set
 *   ("own") has `OwnMarker`. The test looks for those markers in every answer.
 *
 * The actors are always members of set 0. "own" fills route params with set-0 records, "foreign"
 * with their set-1 counterparts; routes with two params also get "mixed" fills (one foreign).
 */
import { randomBytes } from "node:crypto";
import type { Role } from "../../app/generated/prisma/enums.ts";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser, type TestOrganisation, type TestUser } from "./factories.ts";

export {
  ACTORS,
  EXPECTATIONS,
  EXTRA_ROUTES,
  expectedAnswer,
  ROLES,
  type ActorName,
  type Answer,
  type ParamKind,
  type RouteExpectation,
} from "./access-expectations.ts";
import type { ActorName, ParamKind } from "./access-expectations.ts";

// ───────────────────────────── the world ─────────────────────────────

export type Side = {
  school: TestOrganisation;
  employer: TestOrganisation;
  schoolAdmin: TestUser;
  teacher: TestUser;
  pupil: TestUser;
  employerAdmin: TestUser;
  supervisor: TestUser;
  apprentice: TestUser;
  tutor: TestUser;
  classId: string;
  enrolmentId: string;
  importJobId: string;
  pupilEntryId: string;
  apprenticeshipId: string;
  apprenticeEntryId: string;
  reviewId: string;
  placementId: string;
};

export type World = {
  marker: { own: string; foreign: string };
  provider: TestOrganisation;
  council: TestOrganisation;
  partnershipAdmin: TestUser;
  councilOfficer: TestUser;
  snapshotId: string;
  sides: [Side, Side];
  /**
   * On request, a copy of set 0's shape (its own school, employer, people and records; set 0's
   * tutor): the write matrix's control side, so a control request runs on an organisation
   * whose history is the same as the one the real request runs on.
   */
  mirror?: Side;
  /** Every set-0 id with its set-1 counterpart, for replaying own forms against foreign records. */
  counterpart: Map<string, string>;
  /** The set-0 user acting as each role. */
  actorUserId: (role: Role) => string;
  /** The id a param is filled with, for an actor, from side 0 (own) or side 1 (foreign). */
  param: (kind: ParamKind, actor: ActorName, side: 0 | 1) => string;
};

const hex = () => randomBytes(4).toString("hex");
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

async function person(marker: string, role: Role, org: TestOrganisation, label: string): Promise<TestUser> {
  const t = hex();
  const pupil = role === "PUPIL";
  return createUser({
    firstName: `${label}`,
    lastName: `${marker}${t}`,
    email: pupil ? null : `${marker.toLowerCase()}${t}@example.org`,
    username: pupil ? `${marker.toLowerCase()}${t}` : null,
    password: null,
    roles: [{ org, role }],
  });
}

async function buildSide(
  index: 0 | 1,
  marker: string,
  shared: { provider: TestOrganisation; pathwayId: string; moduleId: string; standardId: string; tutor: TestUser },
): Promise<Side> {
  const prisma = testPrisma();
  const school = await createOrganisation({ kind: "SCHOOL", name: `School ${index} ${hex()}` });
  const employer = await createOrganisation({ kind: "EMPLOYER", name: `Employer ${index} ${hex()}` });
  const [schoolAdmin, teacher, pupil, employerAdmin, supervisor, apprentice] = await Promise.all([
    person(marker, "SCHOOL_ADMIN", school, "Sadmin"),
    person(marker, "TEACHER", school, "Teach"),
    person(marker, "PUPIL", school, "Pup"),
    person(marker, "EMPLOYER_ADMIN", employer, "Eadmin"),
    person(marker, "WORKPLACE_SUPERVISOR", employer, "Super"),
    person(marker, "APPRENTICE", employer, "Appr"),
  ]);
  await prisma.user.update({ where: { id: pupil.id }, data: { yearGroup: 10 } });

  const cohort = await prisma.cohort.create({
    data: {
      organisationId: school.id,
      teacherId: teacher.id,
      name: `10${index}${hex()}`,
      yearGroup: 10,
      academicYear: academicYearNow(),
    },
    select: { id: true },
  });
  const classId = cohort.id;
  await prisma.cohortPathway.create({ data: { cohortId: classId, pathwayId: shared.pathwayId } });
  await prisma.cohortMember.create({
    data: { cohortId: classId, userId: pupil.id, joinedAt: new Date(Date.now() - 30 * 86_400_000) },
  });
  const enrolment = await prisma.enrolment.create({
    data: { userId: pupil.id, pathwayId: shared.pathwayId, organisationId: school.id, cohortId: classId },
    select: { id: true },
  });
  const pupilEntry = await prisma.progressEntry.create({
    data: {
      learnerId: pupil.id,
      enrolmentId: enrolment.id,
      kind: "MODULE_COMPLETED",
      moduleId: shared.moduleId,
      occurredOn: day(todayIso()),
      minutes: 30,
      description: `Learning note ${marker}`,
      ksbCodes: [],
      createdById: pupil.id,
    },
    select: { id: true },
  });
  const importJob = await prisma.importJob.create({
    data: {
      organisationId: school.id,
      cohortId: classId,
      createdById: teacher.id,
      kind: "class-list",
      status: "preview",
      fileText: `first_name,last_name\nNew,${marker}Import${hex()}\n`,
      totalRows: 1,
      summary: {},
    },
    select: { id: true },
  });

  const apprenticeship = await prisma.apprenticeship.create({
    data: {
      apprenticeId: apprentice.id,
      employerId: employer.id,
      providerId: shared.provider.id,
      standardId: shared.standardId,
      tutorId: shared.tutor.id,
      supervisorId: supervisor.id,
      startDate: day("2025-09-01"),
      plannedEndDate: day("2027-02-28"),
      contractedWeeklyHours: 37.5,
      otjRegime: "STANDARD_MINIMUM",
      plannedOtjHours: 278,
    },
    select: { id: true },
  });
  const apprenticeEntry = await prisma.progressEntry.create({
    data: {
      learnerId: apprentice.id,
      apprenticeshipId: apprenticeship.id,
      kind: "OTJ_ACTIVITY",
      occurredOn: day(todayIso()),
      minutes: 120,
      activityType: "workshop",
      description: `Workshop note ${marker}`,
      ksbCodes: ["K1"],
      atWork: true,
      createdById: apprentice.id,
    },
    select: { id: true },
  });
  const { ensureReviewSchedule } = await import("../../app/models/reviews.server.ts");
  await ensureReviewSchedule(apprenticeship.id);
  const review = await prisma.review.findFirstOrThrow({
    where: { apprenticeshipId: apprenticeship.id },
    orderBy: { sequence: "asc" },
    select: { id: true },
  });

  const placement = await prisma.placement.create({
    data: {
      schoolId: school.id,
      employerId: employer.id,
      supervisorId: supervisor.id,
      title: `Placement ${index} ${hex()}`,
      startDate: day(addDaysIso(todayIso(), 14)),
      endDate: day(addDaysIso(todayIso(), 18)),
      hours: 35,
      createdById: teacher.id,
      pupils: { create: [{ pupilId: pupil.id }] },
    },
    select: { id: true },
  });

  return {
    school,
    employer,
    schoolAdmin,
    teacher,
    pupil,
    employerAdmin,
    supervisor,
    apprentice,
    tutor: shared.tutor,
    classId,
    enrolmentId: enrolment.id,
    importJobId: importJob.id,
    pupilEntryId: pupilEntry.id,
    apprenticeshipId: apprenticeship.id,
    apprenticeEntryId: apprenticeEntry.id,
    reviewId: review.id,
    placementId: placement.id,
  };
}

function todayIso(): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/London",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date());
}
function addDaysIso(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
function academicYearNow(): number {
  const [y, m] = todayIso().split("-").map(Number);
  return m >= 8 ? y : y - 1;
}

export async function buildWorld(options: { mirror?: boolean } = {}): Promise<World> {
  const prisma = testPrisma();
  const marker = { own: "OwnMarker", foreign: "ForeignMarker" };
  const provider = await createOrganisation({ kind: "PROVIDER", name: `University ${hex()}` });
  const council = await createOrganisation({ kind: "COUNCIL", name: `County council ${hex()}` });
  const partnershipAdmin = await person("Admin", "PARTNERSHIP_ADMIN", provider, "Padmin");
  const councilOfficer = await person("Council", "COUNCIL_OFFICER", council, "Officer");
  const tutors = [await person("Tutor", "TUTOR", provider, "Tutor"), await person("Tutor", "TUTOR", provider, "Tutor")];

  const t = hex();
  const pathway = await prisma.pathway.create({
    data: {
      slug: `matrix-${t}`,
      title: `Digital foundations ${t}`,
      audience: "PUPIL",
      hoursMin: 10,
      hoursMax: 12,
      modules: {
        create: [
          {
            position: 0,
            module: {
              create: {
                uid: `learn.matrix-${t}`,
                title: `Computer basics ${t}`,
                durationMinutes: 30,
                levels: ["beginner"],
                roles: ["student"],
                products: [],
                url: `https://learn.microsoft.com/training/modules/matrix-${t}/`,
              },
            },
          },
        ],
      },
    },
    select: { id: true, modules: { select: { moduleId: true } } },
  });
  const standard = await prisma.standard.create({
    data: {
      reference: `ST9${t}`,
      title: `Digital support technician ${t}`,
      level: 3,
      otjMinimumHours: 278,
      ksbs: {
        create: [
          { code: "K1", text: "Knowledge one" },
          { code: "S1", text: "Skill one" },
          { code: "B1", text: "Behaviour one" },
        ],
      },
    },
    select: { id: true },
  });
  const shared = { provider, pathwayId: pathway.id, moduleId: pathway.modules[0].moduleId, standardId: standard.id };
  const sides: [Side, Side] = [
    await buildSide(0, marker.own, { ...shared, tutor: tutors[0] }),
    await buildSide(1, marker.foreign, { ...shared, tutor: tutors[1] }),
  ];

  const { buildSnapshot, periodOrNotFound } = await import("../../app/models/reports.server.ts");
  const y = academicYearNow();
  const snapshot = await buildSnapshot(
    periodOrNotFound("academic-year", `${y}/${String((y + 1) % 100).padStart(2, "0")}`),
    partnershipAdmin.id,
  );

  // The copy shares set 0's tutor: the provider's tutors are listed to every employer, and one more would sit in a different place in that list.
  const mirror = options.mirror ? await buildSide(0, marker.own, { ...shared, tutor: tutors[0] }) : undefined;

  const counterpart = new Map<string, string>();
  for (const key of Object.keys(sides[0]) as (keyof Side)[]) {
    const a = sides[0][key] as string | { id: string };
    const b = sides[1][key] as string | { id: string };
    if (typeof a === "string" && typeof b === "string") counterpart.set(a, b);
    else if (typeof a === "object" && typeof b === "object") counterpart.set(a.id, b.id);
  }

  const own = sides[0];
  const byRole: Record<Role, string> = {
    PARTNERSHIP_ADMIN: partnershipAdmin.id,
    TUTOR: own.tutor.id,
    COUNCIL_OFFICER: councilOfficer.id,
    SCHOOL_ADMIN: own.schoolAdmin.id,
    TEACHER: own.teacher.id,
    PUPIL: own.pupil.id,
    EMPLOYER_ADMIN: own.employerAdmin.id,
    WORKPLACE_SUPERVISOR: own.supervisor.id,
    APPRENTICE: own.apprentice.id,
  };
  const schoolSide = (actor: ActorName) =>
    ["SCHOOL_ADMIN", "TEACHER", "PUPIL", "PARTNERSHIP_ADMIN", "COUNCIL_OFFICER", "SIGNED_OUT"].includes(actor);

  const param = (kind: ParamKind, actor: ActorName, side: 0 | 1): string => {
    const s = sides[side];
    switch (kind) {
      case "apprenticeship":
        return s.apprenticeshipId;
      case "class":
        return s.classId;
      case "importJob":
        return s.importJobId;
      case "entry":
        return schoolSide(actor) ? s.pupilEntryId : s.apprenticeEntryId;
      case "placement":
        return s.placementId;
      case "review":
        return s.reviewId;
      case "snapshot":
        return snapshot.id;
      case "token":
        return `matrix${"x".repeat(40)}`;
      case "org":
        if (actor === "TUTOR") return side === 0 ? provider.id : s.school.id;
        if (actor === "COUNCIL_OFFICER") return side === 0 ? council.id : s.school.id;
        return schoolSide(actor) ? s.school.id : s.employer.id;
      case "user":
        return schoolSide(actor) ? s.pupil.id : s.apprentice.id;
    }
  };

  return {
    marker,
    provider,
    council,
    partnershipAdmin,
    councilOfficer,
    snapshotId: snapshot.id,
    sides,
    mirror,
    counterpart,
    actorUserId: (role) => byRole[role],
    param,
  };
}
