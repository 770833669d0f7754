/**
 * The write matrix's table: for every route of the React Router manifest that has an action,
 * which forms take a person's identifier (email, UPN, username, user id) and how to fill them,
 * or why the route takes none. Pure data and request builders, no I/O; the test
 * (tests/integration/write-matrix.test.ts) replays every form as every role of the attacking
 * school and employer, once with each identifier of the other organisations' people and once
 * with its control (a made-up identifier, the same one wherever that identifier is used, replayed
 * on a copy of the attacking organisations), and compares the answers and the victims' data.
 *
 * A route with an action and no entry here fails the test, naming it, so a new form cannot ship
 * without someone deciding whether it matches people.
 */
import type { ActorName } from "./access-expectations.ts";

/** `pendingEnrolmentId`: an employer's invitation to an apprenticeship, waiting for a person to accept. */
export type IdKind = "email" | "upn" | "username" | "userId" | "pendingEnrolmentId";

/** One identifier of a person of the victim side, with what an attacker would type beside it. */
export type Probe = {
  label: string;
  kind: IdKind;
  value: string;
  firstName: string;
  lastName: string;
  yearGroup: number;
  dateOfBirth?: string;
  /** The attacker's organisation legitimately holds this person too (their control is a person the copy holds in the same way). */
  held?: boolean;
  /** A pupil (for forms that only make sense for pupils). */
  pupil?: boolean;
};

/** What the builders need of the world, seen from the attacker's side (set 0). */
export type Context = {
  /** A fresh token per request, for addresses the attacker controls and new names. */
  fresh: string;
  orgFor: (actor: ActorName) => string;
  school: string;
  employer: string;
  classId: string;
  ownPupilId: string;
  supervisorId: string;
  tutorId: string;
  standardId: string;
  teacherPathwayId: string;
  today: string;
  inAYear: string;
};

/** An address only the attacker reads. */
export const attackerInbox = (fresh: string) => `inbox-${fresh}@attacker.example`;

type Fields = [string, string][];
export type Step =
  | { post: string; fields: Fields }
  | { upload: string; field: string; filename: string; text: string }
  /** GET the Location of the previous answer (the page the browser lands on). */
  | { follow: true }
  /** POST to the Location of the answer before last (the import review page). */
  | { postToReview: Fields };

export type WriteForm = {
  name: string;
  /** Which identifiers this form is tried with. */
  takes: (probe: Probe) => boolean;
  /** "attackers": every role of the attacking school and employer and a tutor; "public": signed out. */
  actors: "attackers" | "public";
  steps: (probe: Probe, ctx: Context) => Step[];
  /** Actors for whom the unknown identifier must get through validation (else the probe proves nothing). */
  controlGetsThrough: readonly ActorName[];
  /** One request at a time, with the throttle counters cleared before each (sign-in style forms). */
  throttled?: boolean;
};

export type WriteExpectation = { forms: WriteForm[] } | { none: string };

const isEmail = (p: Probe) => p.kind === "email";
const isUpn = (p: Probe) => p.kind === "upn";
const isUserId = (p: Probe) => p.kind === "userId";
const isPendingEnrolment = (p: Probe) => p.kind === "pendingEnrolmentId";

function enrolmentFields(intent: "preview" | "confirm", p: Probe, ctx: Context): Fields {
  return [
    ["intent", intent],
    ["email", p.kind === "email" ? p.value : attackerInbox(ctx.fresh)],
    ["firstName", p.firstName],
    ["lastName", p.lastName],
    ["upn", p.kind === "upn" ? p.value : ""],
    ["dateOfBirth", p.dateOfBirth ?? "2006-05-06"],
    ["standardId", ctx.standardId],
    ["startDate", ctx.today],
    ["plannedEndDate", ctx.inAYear],
    ["contractedWeeklyHours", "37.5"],
    ["priorLearningHours", "0"],
    ["englishMaths", "auto"],
    ["tutorId", ctx.tutorId],
    ["supervisorId", ctx.supervisorId],
    ["pathwayId", ""],
  ];
}

function classListCsv(p: Probe, ctx: Context): string {
  // The pupil's email column is filled with the attacker's own address: a matched pupil without
  // an email must not get this one (it would receive their password resets).
  const upn = p.kind === "upn" ? p.value : "";
  const email = p.kind === "email" ? p.value : attackerInbox(ctx.fresh);
  return `UPN,Legal Forename,Legal Surname,Year,Email\r\n${upn},${p.firstName},${p.lastName},${p.yearGroup},${email}\r\n`;
}

const importFlow =
  (csv: (p: Probe, ctx: Context) => string, confirm: (p: Probe) => Fields) =>
  (p: Probe, ctx: Context): Step[] => [
    { upload: `/classes/${ctx.classId}/import`, field: "file", filename: "class.csv", text: csv(p, ctx) },
    { follow: true },
    { postToReview: confirm(p) },
    { follow: true },
  ];

const SCHOOL_STAFF = ["SCHOOL_ADMIN", "TEACHER"] as const;

export const WRITE_EXPECTATIONS: Record<string, WriteExpectation> = {
  // ── forms that match or name a person ──
  "routes/employer.apprentices.new": {
    forms: [
      {
        name: "enrolment preview",
        takes: (p) => isEmail(p) || isUpn(p),
        actors: "attackers",
        steps: (p, ctx) => [{ post: "/employer/apprentices/new", fields: enrolmentFields("preview", p, ctx) }],
        controlGetsThrough: ["EMPLOYER_ADMIN"],
      },
      {
        name: "enrolment confirm",
        takes: (p) => isEmail(p) || isUpn(p),
        actors: "attackers",
        steps: (p, ctx) => [
          { post: "/employer/apprentices/new", fields: enrolmentFields("confirm", p, ctx) },
          { follow: true },
        ],
        controlGetsThrough: ["EMPLOYER_ADMIN"],
      },
    ],
  },
  "routes/employer.apprentices._index": {
    // Another employer's pending enrolment must answer like an id that exists nowhere (404) and stay as it was.
    forms: [
      {
        name: "cancel a pending enrolment",
        takes: isPendingEnrolment,
        actors: "attackers",
        steps: (p) => [
          {
            post: "/employer/apprentices",
            fields: [
              ["intent", "cancel"],
              ["pendingEnrolmentId", p.value],
            ],
          },
        ],
        controlGetsThrough: [],
      },
      {
        name: "resend a pending enrolment",
        takes: isPendingEnrolment,
        actors: "attackers",
        steps: (p) => [
          {
            post: "/employer/apprentices",
            fields: [
              ["intent", "resend"],
              ["pendingEnrolmentId", p.value],
            ],
          },
        ],
        controlGetsThrough: [],
      },
    ],
  },
  "routes/org.$orgId.people": {
    forms: [
      {
        name: "invite by email",
        takes: isEmail,
        actors: "attackers",
        steps: (p, ctx) => [
          {
            post: `/org/${ctx.orgFor("TEACHER")}/people`,
            fields: [
              ["intent", "invite"],
              ["email", p.value],
              ["role", "TEACHER"],
            ],
          },
        ],
        controlGetsThrough: ["SCHOOL_ADMIN"],
      },
      {
        name: "invite by email (employer)",
        takes: isEmail,
        actors: "attackers",
        steps: (p, ctx) => [
          {
            post: `/org/${ctx.orgFor("EMPLOYER_ADMIN")}/people`,
            fields: [
              ["intent", "invite"],
              ["email", p.value],
              ["role", "WORKPLACE_SUPERVISOR"],
            ],
          },
        ],
        controlGetsThrough: ["EMPLOYER_ADMIN"],
      },
      {
        name: "add pupil with UPN",
        takes: isUpn,
        actors: "attackers",
        steps: (p, ctx) => [
          {
            post: `/org/${ctx.orgFor("TEACHER")}/people`,
            fields: [
              ["intent", "create-pupil"],
              ["firstName", p.firstName],
              ["lastName", p.lastName],
              ["yearGroup", String(p.yearGroup)],
              ["upn", p.value],
            ],
          },
        ],
        // The school admin adds the pupil first; the teacher then meets that pupil on both sides (the claimed UPN, the copy's own pupil).
        controlGetsThrough: ["SCHOOL_ADMIN"],
      },
      {
        name: "remove (school)",
        takes: isUserId,
        actors: "attackers",
        steps: (p, ctx) => [
          {
            post: `/org/${ctx.orgFor("TEACHER")}/people`,
            fields: [
              ["intent", "remove"],
              ["userId", p.value],
            ],
          },
        ],
        controlGetsThrough: [],
      },
      {
        name: "remove (employer)",
        takes: isUserId,
        actors: "attackers",
        steps: (p, ctx) => [
          {
            post: `/org/${ctx.orgFor("EMPLOYER_ADMIN")}/people`,
            fields: [
              ["intent", "remove"],
              ["userId", p.value],
            ],
          },
        ],
        controlGetsThrough: [],
      },
      {
        name: "disable (school)",
        takes: isUserId,
        actors: "attackers",
        steps: (p, ctx) => [
          {
            post: `/org/${ctx.orgFor("TEACHER")}/people`,
            fields: [
              ["intent", "disable"],
              ["userId", p.value],
            ],
          },
        ],
        controlGetsThrough: [],
      },
      {
        name: "disable (employer)",
        takes: isUserId,
        actors: "attackers",
        steps: (p, ctx) => [
          {
            post: `/org/${ctx.orgFor("EMPLOYER_ADMIN")}/people`,
            fields: [
              ["intent", "disable"],
              ["userId", p.value],
            ],
          },
        ],
        controlGetsThrough: [],
      },
    ],
  },
  "routes/classes.$classId.import._index": {
    forms: [
      {
        name: "class-list import (UPN/email columns) and confirm",
        takes: (p) => isUpn(p) || isEmail(p),
        actors: "attackers",
        steps: importFlow(classListCsv, () => [["intent", "confirm"]]),
        controlGetsThrough: SCHOOL_STAFF,
      },
    ],
  },
  "routes/classes.$classId.import.$importId": {
    forms: [
      {
        // The review step's "this is the same pupil" tick names an existing record by id.
        name: "import review: same pupil as <userId>",
        takes: (p) => isUserId(p) && Boolean(p.pupil),
        actors: "attackers",
        steps: importFlow(
          // Fresh names: the pupils earlier probes created at the attacker's school must not show up as candidates in one run and not the other.
          (p, ctx) => `Legal Forename,Legal Surname,Year\r\nSame${ctx.fresh},Probe${ctx.fresh},${p.yearGroup}\r\n`,
          (p) => [
            ["intent", "confirm"],
            ["same", `2:${p.value}`],
          ],
        ),
        controlGetsThrough: SCHOOL_STAFF,
      },
    ],
  },
  "routes/admin.people.merge": {
    // The identity flags listed on the page are links to a merge preview (the loader); the action still takes the two ids.
    forms: [
      {
        name: "merge (victim kept)",
        takes: isUserId,
        actors: "attackers",
        steps: (p, ctx) => [
          {
            post: "/admin/people/merge",
            fields: [
              ["survivorId", p.value],
              ["duplicateId", ctx.ownPupilId],
              ["confirm", "yes"],
            ],
          },
        ],
        controlGetsThrough: [],
      },
      {
        name: "merge (victim merged away)",
        takes: isUserId,
        actors: "attackers",
        steps: (p, ctx) => [
          {
            post: "/admin/people/merge",
            fields: [
              ["survivorId", ctx.ownPupilId],
              ["duplicateId", p.value],
              ["confirm", "yes"],
            ],
          },
        ],
        controlGetsThrough: [],
      },
    ],
  },
  "routes/people.$userId_.erase": {
    forms: [
      {
        name: "erase",
        takes: isUserId,
        actors: "attackers",
        steps: (p) => [{ post: `/people/${p.value}/erase`, fields: [["confirm", "yes"]] }],
        controlGetsThrough: [],
      },
    ],
  },
  "routes/placements.new": {
    forms: [
      {
        name: "placement with pupilId",
        takes: (p) => isUserId(p) && !p.held,
        actors: "attackers",
        steps: (p, ctx) => [
          {
            post: "/placements/new",
            fields: [
              ["schoolId", ctx.school],
              ["employerId", ctx.employer],
              ["supervisorId", ""],
              ["title", `Probe ${ctx.fresh}`],
              ["startDate", ctx.today],
              ["endDate", ctx.today],
              ["hours", "7"],
              ["pupilId", ctx.ownPupilId],
              ["pupilId", p.value],
            ],
          },
        ],
        controlGetsThrough: [],
      },
      {
        name: "placement with supervisorId",
        takes: (p) => isUserId(p) && !p.held,
        actors: "attackers",
        steps: (p, ctx) => [
          {
            post: "/placements/new",
            fields: [
              ["schoolId", ctx.school],
              ["employerId", ctx.employer],
              ["supervisorId", p.value],
              ["title", `Probe ${ctx.fresh}`],
              ["startDate", ctx.today],
              ["endDate", ctx.today],
              ["hours", "7"],
              ["pupilId", ctx.ownPupilId],
            ],
          },
        ],
        controlGetsThrough: [],
      },
    ],
  },
  "routes/educator": {
    forms: [
      {
        name: "enrol a colleague",
        takes: isUserId,
        actors: "attackers",
        steps: (p, ctx) => [
          {
            post: "/educator",
            fields: [
              ["intent", "enrol-colleague"],
              ["userId", p.value],
              ["pathwayId", ctx.teacherPathwayId],
            ],
          },
        ],
        controlGetsThrough: [],
      },
    ],
  },
  "routes/login": {
    forms: [
      {
        name: "sign in",
        takes: (p) => isEmail(p) || p.kind === "username",
        actors: "public",
        throttled: true,
        steps: (p) => [
          {
            post: "/login",
            fields: [
              ["identifier", p.value],
              ["password", "not-their-password-77"],
              ["redirectTo", "/"],
            ],
          },
        ],
        controlGetsThrough: [],
      },
    ],
  },
  "routes/forgot-password": {
    forms: [
      {
        name: "forgot password",
        takes: isEmail,
        actors: "public",
        throttled: true,
        steps: (p) => [{ post: "/forgot-password", fields: [["email", p.value]] }],
        controlGetsThrough: ["SIGNED_OUT"],
      },
    ],
  },
  "routes/register": {
    forms: [
      {
        name: "register an organisation",
        takes: isEmail,
        actors: "public",
        throttled: true,
        steps: (p, ctx) => [
          {
            post: "/register",
            fields: [
              ["name", `Probe employer ${ctx.fresh}`],
              ["kind", "EMPLOYER"],
              ["districtCode", "E07000192"],
              ["urn", ""],
              ["companyNumber", ""],
              ["sector", ""],
              ["firstName", p.firstName],
              ["lastName", p.lastName],
              ["email", p.value],
              ["password", "amber-kettle-orbit-42"],
            ],
          },
        ],
        controlGetsThrough: ["SIGNED_OUT"],
      },
    ],
  },
  "routes/setup": {
    forms: [
      {
        name: "pupil setup code",
        takes: (p) => p.kind === "username",
        actors: "public",
        throttled: true,
        steps: (p) => [
          {
            post: "/setup",
            fields: [
              ["username", p.value],
              ["code", "ABCD-EFGH"],
              ["password", "amber-kettle-orbit-42"],
            ],
          },
        ],
        controlGetsThrough: [],
      },
    ],
  },

  // ── forms that take no person identifier ──
  "routes/account": { none: "the signed-in person's own password and preferences" },
  "routes/admin.catalogue.import": { none: "catalogue files (modules, pathways), no people" },
  "routes/admin.organisations": { none: "an organisation id and a status" },
  "routes/apprenticeships.$id": {
    none: "signs or changes the plan of the apprenticeship in the path (ids of records, covered by the access matrix)",
  },
  "routes/apprenticeships.$id_.gateway": { none: "a party and ticks for the apprenticeship in the path" },
  "routes/classes.$classId._index": { none: "a pathway id for the class in the path" },
  "routes/classes.$classId.setup-codes": { none: "prints codes for the class in the path" },
  "routes/classes.new": { none: "a class name, year group and academic year" },
  "routes/employer.inbox": { none: "an entry id" },
  "routes/encounters.new": { none: "a class id and an employer id: attendees come from the class" },
  "routes/invite.$token": {
    none: "the secret token, sent to the invited address, names the invitation (and any pending enrolment); the form takes names and a password, and an existing account must be signed in as itself",
  },
  "routes/register_.confirm.$token": { none: "the confirmation token carries the request; the form takes nothing" },
  "routes/learning_.entries.$entryId": { none: "withdraws or corrects the entry in the path" },
  "routes/log": { none: "the learner's own progress entry" },
  "routes/logout": { none: "ends the actor's own session" },
  "routes/placements.$placementId": { none: "prerequisites, consent, feedback for the placement in the path" },
  "routes/placements.mine": { none: "a pupil's own reflection on a placement id" },
  "routes/reports._index": { none: "a report period" },
  "routes/reset-password.$token": { none: "the token names the account; the form takes a password" },
  "routes/reviews.$reviewId": { none: "opens, signs or adds to the review in the path" },
  "routes/unsubscribe.$token": { none: "the signed token names the person" },
  "routes/verify": { none: "entry ids" },
};
