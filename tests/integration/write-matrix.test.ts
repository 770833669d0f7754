/**
 * The cross-organisation write matrix, generated: every form that takes a person's identifier
 * (tests/support/write-expectations.ts; every route with an action must have an entry) is
 * replayed by every role of one school and one employer (set 0 of the access matrix's world,
 * plus a tutor) with the identifiers of the other organisations' people (set 1, the partnership
 * admin, the other tutor, a pending enrolment of set 1's employer), and, as a control, with a
 * made-up identifier of the same kind and otherwise the same values.
 *
 * What is asserted
 * - the victims' data does not change: people (email, names, date of birth, UPN, username,
 *   disabled, erased, merged, whether a password is set), their memberships, class memberships,
 *   enrolments, apprenticeships and placements, their number of sessions, set 1's pending
 *   enrolments, and no password-reset email for one of them goes anywhere but their own address;
 * - the answer to a real identifier and to its control is the same once what was typed, ids,
 *   nonces and times are taken out (each step of a flow, redirects by pattern), so nobody learns
 *   whether a person exists.
 *
 * Equal histories, by construction. The forms write (invitations, new pupils, identity flags), so
 * a page after the tenth request shows what the nine before left. The control therefore never
 * runs on set 0: it runs on `world.mirror`, a copy of set 0 (its own school, employer, people and
 * tutor, the same names), signed in as the copy's member of the same role, in the same order, one
 * request at a time on each side. Each real identifier has ONE control identifier, used wherever
 * and as often as the real one, so "the school already claimed this UPN" on one side is "the copy
 * already holds this UPN" on the other. Values generated per request (an attacker's inbox, a
 * placement title) are fresh on both sides and taken out as typed; the copy's own names, emails
 * and organisation names are replaced by set 0's before comparing. Counts in lists ("6
 * invitations") are left in: they must agree.
 *
 * Shared people. Two people are held by set 1 and by set 0 too (a teacher at both schools, a
 * supervisor at both employers); their control is a person the copy holds in the same way. What
 * the attacker's organisation may legitimately do to them is what it may do to any of its own:
 * their memberships, pathway enrolments and apprenticeships AT the attacker's organisation are
 * not the victims' data and are left out of the comparison (an employer enrolling its own
 * supervisor as an apprentice). Their own record is compared like anyone's: no field of it
 * (date of birth, email, names, UPN) may change, because the other organisation holds it too.
 *
 * One server, one world; state is compared around each (form, role) group, so a change is
 * attributed to the form and the role that made it, and later forms run on what earlier ones
 * left (as an attacker's chain would).
 */
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { upnCheckLetter } from "../../app/domain/class-list.ts";
import type { Role } from "../../app/generated/prisma/enums.ts";
import { testPrisma } from "../setup/db.ts";
import type { ActorName } from "../support/access-expectations.ts";
import { buildWorld, type Side, type World } from "../support/access-matrix.ts";
import { createUser, type TestUser } from "../support/factories.ts";
import { actorFor } from "../support/progress-fixtures.ts";
import {
  comparablePage,
  parseSetCookie,
  SESSION_COOKIE,
  startTestServer,
  type TestClient,
  type TestResponse,
  type TestServer,
} from "../support/http.ts";
import { clearThrottle } from "../support/redis.ts";
import {
  attackerInbox,
  WRITE_EXPECTATIONS,
  type Context,
  type IdKind,
  type Probe,
  type Step,
  type WriteForm,
} from "../support/write-expectations.ts";

vi.setConfig({ testTimeout: 600_000 });

/** The attacking side: both organisations' roles, and the tutor of set 0. */
const ATTACKERS = [
  "SCHOOL_ADMIN",
  "TEACHER",
  "PUPIL",
  "EMPLOYER_ADMIN",
  "WORKPLACE_SUPERVISOR",
  "APPRENTICE",
  "TUTOR",
] as const satisfies readonly Role[];

type ManifestRoute = { id: string; module: Record<string, unknown> };

/** One side of the comparison: set 0 for the real identifiers, its copy for the controls. */
type Lane = { ctx: Omit<Context, "fresh">; clients: Map<ActorName, TestClient>; inboxes: string[] };

let server: TestServer;
let world: World;
let actionRoutes: string[];
let probes: Probe[];
/** Each real identifier's one control identifier, for the forms of the attacking organisations (replayed on the copy). */
let controlOf: Map<string, string>;
/**
 * Each real identifier's control for the signed-out forms: one that nothing ever attaches to an
 * account (an import on the copy attaches its control addresses, as it may any address nobody
 * holds), so sign-in, reset and registration always compare an existing identifier with one that
 * exists nowhere.
 */
let publicControlOf: Map<string, string>;
let lanes: { real: Lane; control: Lane };
/** What tells set 0 and its copy apart in a page (surnames, emails, usernames, organisation, class and placement names), each with one token for both. */
let twins: [string, string][];
/** When the matrix started: usernames of pupils made since then were generated by a request. */
let startedAt: Date;
let victimIds: string[];
let victimOrgs: string[];
/** (user, organisation) pairs where a shared person is legitimately held by an attacking organisation. */
let sharedPairs: Set<string>;
/** Each victim's own address, for telling where a reset link goes. */
let ownAddress: Map<string, string | null>;

const hex = () => randomBytes(5).toString("hex");
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function newUpn(): string {
  const body = Array.from({ length: 12 }, () => Math.floor(Math.random() * 10)).join("");
  return upnCheckLetter(body) + body;
}

/** A made-up identifier of the same kind, known nowhere. */
function unknownOfKind(kind: IdKind): string {
  const t = hex();
  return {
    email: `nobody-${t}@example.org`,
    upn: newUpn(),
    username: `nobody${t}`,
    userId: randomUUID(),
    pendingEnrolmentId: randomUUID(),
  }[kind];
}

beforeAll(async () => {
  server = await startTestServer();
  const build = (await import(pathToFileURL(path.resolve("build/server/index.js")).href)) as {
    routes: Record<string, ManifestRoute>;
  };
  actionRoutes = Object.values(build.routes)
    .filter((r) => typeof r.module.action === "function")
    .map((r) => r.id);

  world = await buildWorld({ mirror: true });
  const prisma = testPrisma();
  const [own, foreign] = world.sides;
  const copy = world.mirror!;
  const marker = world.marker.foreign;

  // Victims look like real accounts: a password set, a UPN on the pupil, a date of birth on the apprentice, signed in somewhere.
  const { hashPassword } = await import("../../app/auth/password.server.ts");
  const hash = await hashPassword("victims-own-password-91");
  const pupilUpn = newUpn();
  const sharedPerson = (kind: "Teach" | "Super", attackerOrg: { id: string }) =>
    createUser({
      firstName: "Shared",
      lastName: `${marker}${kind}${hex()}`,
      email: `${marker.toLowerCase()}shared${hex()}@example.org`,
      roles:
        kind === "Teach"
          ? [
              { org: foreign.school, role: "TEACHER" },
              { org: attackerOrg, role: "TEACHER" },
            ]
          : [
              { org: foreign.employer, role: "WORKPLACE_SUPERVISOR" },
              { org: attackerOrg, role: "WORKPLACE_SUPERVISOR" },
            ],
    });
  const shared = [await sharedPerson("Teach", own.school), await sharedPerson("Super", own.employer)];
  // Their controls: people held by set 1 and by the copy in the same way.
  const sharedCopies = [await sharedPerson("Teach", copy.school), await sharedPerson("Super", copy.employer)];
  sharedPairs = new Set([
    `${shared[0].id}|${own.school.id}`,
    `${shared[1].id}|${own.employer.id}`,
    `${sharedCopies[0].id}|${copy.school.id}`,
    `${sharedCopies[1].id}|${copy.employer.id}`,
  ]);
  const people: { who: string; user: TestUser; pupil?: boolean; held?: TestUser }[] = [
    { who: "school admin", user: foreign.schoolAdmin },
    { who: "teacher", user: foreign.teacher },
    { who: "pupil", user: foreign.pupil, pupil: true },
    { who: "employer admin", user: foreign.employerAdmin },
    { who: "supervisor", user: foreign.supervisor },
    { who: "apprentice", user: foreign.apprentice },
    { who: "partnership admin", user: world.partnershipAdmin },
    { who: "tutor", user: foreign.tutor },
    { who: "shared teacher", user: shared[0], held: sharedCopies[0] },
    { who: "shared supervisor", user: shared[1], held: sharedCopies[1] },
  ];
  victimIds = [...people.map((p) => p.user.id), ...sharedCopies.map((u) => u.id)];
  victimOrgs = [foreign.school.id, foreign.employer.id];
  await prisma.user.updateMany({ where: { id: { in: victimIds } }, data: { passwordHash: hash } });
  await prisma.user.update({ where: { id: foreign.pupil.id }, data: { upn: pupilUpn } });
  await prisma.user.update({
    where: { id: foreign.apprentice.id },
    data: { dateOfBirth: new Date("2006-05-06T00:00:00Z") },
  });
  const { createSession, sessionPolicy } = await import("../../app/auth/session.server.ts");
  for (const id of victimIds) await createSession(id, sessionPolicy(id === foreign.pupil.id));
  ownAddress = new Map([...people.map((p) => p.user), ...sharedCopies].map((u) => [u.id, u.email]));

  const apprenticeship = await prisma.apprenticeship.findUniqueOrThrow({
    where: { id: own.apprenticeshipId },
    select: { standardId: true },
  });
  const today = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/London",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date());
  const inAYear = isoDay(new Date(Date.parse(`${today}T00:00:00Z`) + 400 * 86_400_000));

  // Set 1's employer has invited someone to an apprenticeship; the invitation waits for them.
  const { enrolApprentice } = await import("../../app/models/enrolment-invitations.server.ts");
  const { EnrolmentSchema } = await import("../../app/models/apprenticeship-fields.ts");
  const pending = await enrolApprentice(
    await actorFor(foreign.employerAdmin.id),
    foreign.employer.id,
    EnrolmentSchema.parse({
      email: `${marker.toLowerCase()}pending${hex()}@example.org`,
      firstName: "Pending",
      lastName: `${marker}Invitee`,
      upn: "",
      dateOfBirth: "2006-05-06",
      standardId: apprenticeship.standardId,
      startDate: today,
      plannedEndDate: inAYear,
      contractedWeeklyHours: "37.5",
      priorLearningHours: "0",
      englishMaths: "auto",
      tutorId: foreign.tutor.id,
      supervisorId: foreign.supervisor.id,
      pathwayId: "",
    }),
  );
  if (!pending.ok || pending.kind !== "invited")
    throw new Error(`set 1's pending enrolment was not made: ${JSON.stringify(pending)}`);

  probes = [];
  controlOf = new Map();
  for (const p of people) {
    const base = {
      firstName: p.user.firstName,
      lastName: p.user.lastName,
      yearGroup: 10,
      held: Boolean(p.held),
      pupil: p.pupil,
    };
    probes.push({ ...base, label: `${p.who} id`, kind: "userId", value: p.user.id });
    if (p.held) controlOf.set(p.user.id, p.held.id);
    if (p.user.email) {
      probes.push({ ...base, label: `${p.who} email`, kind: "email", value: p.user.email });
      if (p.held) controlOf.set(p.user.email, p.held.email!);
    }
    if (p.user.username) probes.push({ ...base, label: `${p.who} username`, kind: "username", value: p.user.username });
  }
  const appr = foreign.apprentice;
  probes.push({
    label: "apprentice email, wrong date of birth",
    kind: "email",
    value: appr.email!,
    firstName: appr.firstName,
    lastName: appr.lastName,
    yearGroup: 10,
    dateOfBirth: "2006-06-07",
  });
  const pupil = foreign.pupil;
  probes.push({
    label: "pupil UPN, full name",
    kind: "upn",
    value: pupilUpn,
    firstName: pupil.firstName,
    lastName: pupil.lastName,
    yearGroup: 10,
    pupil: true,
  });
  probes.push({
    label: "pupil UPN, first name only",
    kind: "upn",
    value: pupilUpn,
    firstName: pupil.firstName,
    lastName: `Other${hex()}`,
    yearGroup: 10,
    pupil: true,
  });
  probes.push({
    label: "pupil UPN, surname only",
    kind: "upn",
    value: pupilUpn,
    firstName: `Other${hex()}`,
    lastName: pupil.lastName,
    yearGroup: 10,
    pupil: true,
  });
  probes.push({
    label: "set 1 employer's pending enrolment id",
    kind: "pendingEnrolmentId",
    value: pending.pendingEnrolmentId,
    firstName: "Pending",
    lastName: `${marker}Invitee`,
    yearGroup: 10,
  });
  for (const p of probes) if (!controlOf.has(p.value)) controlOf.set(p.value, unknownOfKind(p.kind));
  publicControlOf = new Map(probes.map((p) => [p.value, unknownOfKind(p.kind)]));

  const teacherPathway = await prisma.pathway.create({
    data: {
      slug: `teachers-${hex()}`,
      title: `Teaching digital ${hex()}`,
      audience: "TEACHER",
      hoursMin: 2,
      hoursMax: 4,
    },
    select: { id: true },
  });
  const contextOf = (side: Side, orgFor: (actor: ActorName) => string): Omit<Context, "fresh"> => ({
    orgFor,
    school: side.school.id,
    employer: side.employer.id,
    classId: side.classId,
    ownPupilId: side.pupil.id,
    supervisorId: side.supervisor.id,
    tutorId: side.tutor.id,
    standardId: apprenticeship.standardId,
    teacherPathwayId: teacherPathway.id,
    today,
    inAYear,
  });
  const ownOrg = (actor: ActorName) => world.param("org", actor, 0);
  const copyOrg = (actor: ActorName) =>
    ({ [own.school.id]: copy.school.id, [own.employer.id]: copy.employer.id })[ownOrg(actor)] ?? ownOrg(actor);
  const sideUser = (side: Side, role: (typeof ATTACKERS)[number]) =>
    ({
      SCHOOL_ADMIN: side.schoolAdmin,
      TEACHER: side.teacher,
      PUPIL: side.pupil,
      EMPLOYER_ADMIN: side.employerAdmin,
      WORKPLACE_SUPERVISOR: side.supervisor,
      APPRENTICE: side.apprentice,
      TUTOR: side.tutor,
    })[role].id;
  lanes = {
    real: { ctx: contextOf(own, ownOrg), clients: new Map(), inboxes: [] },
    control: { ctx: contextOf(copy, copyOrg), clients: new Map(), inboxes: [] },
  };
  for (const [side, lane] of [
    [own, lanes.real],
    [copy, lanes.control],
  ] as const) {
    for (const role of ATTACKERS) {
      const { token } = await createSession(sideUser(side, role), sessionPolicy(role === "PUPIL"));
      const client = server.client();
      client.setCookie(SESSION_COOKIE, token);
      lane.clients.set(role, client);
    }
  }

  // What tells the copy from set 0 in a page: its people's surnames, emails and usernames, its organisations', class's and placement's names.
  const groups: string[][] = [];
  for (const key of Object.keys(own) as (keyof Side)[]) {
    const [a, b] = [own[key], copy[key]];
    if (typeof a !== "object" || typeof b !== "object") continue;
    for (const field of ["lastName", "email", "username", "name"] as const) {
      const [x, y] = [(a as Record<string, unknown>)[field], (b as Record<string, unknown>)[field]];
      if (typeof x === "string" && typeof y === "string" && x !== y) groups.push([x, y]);
    }
  }
  for (const [i, person] of shared.entries()) groups.push([person.lastName, sharedCopies[i].lastName]);
  groups.push(
    [
      (await prisma.cohort.findUniqueOrThrow({ where: { id: own.classId } })).name,
      (await prisma.cohort.findUniqueOrThrow({ where: { id: copy.classId } })).name,
    ],
    [
      (await prisma.placement.findUniqueOrThrow({ where: { id: own.placementId } })).title,
      (await prisma.placement.findUniqueOrThrow({ where: { id: copy.placementId } })).title,
    ],
  );
  // A real identifier and its controls are one token too: a list of earlier invitations shows earlier probes' addresses on each side.
  for (const [real, fake] of controlOf) {
    if (UUID_ONLY.test(real)) continue;
    for (const f of [(v: string) => v, (v: string) => v.toLowerCase(), (v: string) => v.toUpperCase()])
      groups.push([f(real), f(fake), f(publicControlOf.get(real)!)]);
  }
  // Each group becomes one token on both sides: a partnership-wide list (all employers) then reads the same in the same order.
  twins = groups
    .flatMap((group, i) => group.map((value): [string, string] => [value, `«set 0 ${i}»`]))
    .sort((a, b) => b[0].length - a[0].length);
  startedAt = new Date();

  await remember();
}, 300_000);

afterAll(async () => {
  await server?.close();
});

// ───────────────────────────── the victims' data ─────────────────────────────

/** Every victim row as a line of text, so two snapshots can be diffed line by line. */
async function snapshot(): Promise<Set<string>> {
  const prisma = testPrisma();
  const ids = victimIds;
  const orgs = victimOrgs;
  const lines: string[] = [];
  const users = await prisma.$queryRaw<Record<string, unknown>[]>`
    SELECT id, email, first_name, last_name, date_of_birth, upn, username, year_group, disabled_at IS NOT NULL AS disabled,
           erased_at IS NOT NULL AS erased, merged_into_id, password_hash IS NOT NULL AS has_password,
           (SELECT count(*)::int FROM sessions s WHERE s.user_id = u.id) AS sessions
    FROM users u WHERE id = ANY(${ids}::uuid[])`;
  for (const u of users) lines.push(`user ${JSON.stringify(u)}`);
  const memberships = await prisma.$queryRaw<{ user_id: string; organisation_id: string; role: string }[]>`
    SELECT user_id, organisation_id, role::text FROM memberships WHERE user_id = ANY(${ids}::uuid[]) OR organisation_id = ANY(${orgs}::uuid[])`;
  for (const m of memberships)
    if (!sharedPairs.has(`${m.user_id}|${m.organisation_id}`))
      lines.push(`membership ${m.user_id} ${m.organisation_id} ${m.role}`);
  const classes = await prisma.$queryRaw<Record<string, unknown>[]>`
    SELECT cm.cohort_id, cm.user_id, cm.left_at IS NOT NULL AS left FROM cohort_members cm JOIN cohorts c ON c.id = cm.cohort_id
    WHERE cm.user_id = ANY(${ids}::uuid[]) OR c.organisation_id = ANY(${orgs}::uuid[])`;
  for (const c of classes) lines.push(`class member ${JSON.stringify(c)}`);
  const enrolments = await prisma.$queryRaw<Record<string, unknown>[]>`
    SELECT user_id, pathway_id, organisation_id, cohort_id FROM enrolments WHERE user_id = ANY(${ids}::uuid[]) OR organisation_id = ANY(${orgs}::uuid[])`;
  // A person the attacker's organisation also holds may be enrolled there (a colleague's course).
  for (const e of enrolments)
    if (!sharedPairs.has(`${e.user_id}|${e.organisation_id}`)) lines.push(`enrolment ${JSON.stringify(e)}`);
  const apprenticeships = await prisma.$queryRaw<Record<string, unknown>[]>`
    SELECT id, apprentice_id, employer_id, supervisor_id, status::text FROM apprenticeships
    WHERE apprentice_id = ANY(${ids}::uuid[]) OR employer_id = ANY(${orgs}::uuid[]) OR supervisor_id = ANY(${ids}::uuid[])`;
  // An attacking employer may enrol its own supervisor (a shared person) as its apprentice.
  for (const a of apprenticeships)
    if (!sharedPairs.has(`${a.apprentice_id}|${a.employer_id}`)) lines.push(`apprenticeship ${JSON.stringify(a)}`);
  const pending = await prisma.$queryRaw<Record<string, unknown>[]>`
    SELECT pe.id, pe.employer_id, pe.invitation_id, pe.problem_at IS NOT NULL AS problem, t.used_at IS NOT NULL AS used
    FROM pending_enrolments pe JOIN auth_tokens t ON t.id = pe.invitation_id WHERE pe.employer_id = ANY(${orgs}::uuid[])`;
  for (const p of pending) lines.push(`pending enrolment ${JSON.stringify(p)}`);
  const placements = await prisma.$queryRaw<Record<string, unknown>[]>`
    SELECT pp.placement_id, pp.pupil_id FROM placement_pupils pp WHERE pp.pupil_id = ANY(${ids}::uuid[])`;
  for (const p of placements) lines.push(`placement pupil ${JSON.stringify(p)}`);
  // A reset link for a victim's account that goes anywhere but their own address.
  const resets = await prisma.$queryRaw<{ user_id: string; email: string | null }[]>`
    SELECT t.user_id, u.email FROM outbox_messages o JOIN auth_tokens t ON t.id = (o.payload->>'tokenId')::uuid JOIN users u ON u.id = t.user_id
    WHERE o.topic = 'email.password-reset' AND t.user_id = ANY(${ids}::uuid[])`;
  for (const r of resets)
    if (r.email !== ownAddress.get(r.user_id)) lines.push(`reset link for ${r.user_id} sent to ${r.email}`);
  return new Set(lines);
}

/** The victims' rows as they were before the first form, to put back after a form changed them. */
let initial: {
  users: unknown;
  memberships: unknown;
  cohortMembers: unknown;
  enrolmentIds: string[];
  apprenticeshipIds: string[];
  placementPupils: unknown;
  pending: unknown;
  snapshot: Set<string>;
};
let detached: string;

async function remember() {
  const prisma = testPrisma();
  const json = async (sql: string) =>
    (await prisma.$queryRawUnsafe<{ rows: unknown }[]>(sql, victimIds, victimOrgs))[0].rows;
  initial = {
    users: await json(
      `SELECT coalesce(json_agg(u), '[]') AS rows FROM users u WHERE id = ANY($1::uuid[]) AND $2::uuid[] IS NOT NULL`,
    ),
    memberships: await json(
      `SELECT coalesce(json_agg(m), '[]') AS rows FROM memberships m WHERE user_id = ANY($1::uuid[]) OR organisation_id = ANY($2::uuid[])`,
    ),
    cohortMembers: await json(
      `SELECT coalesce(json_agg(cm), '[]') AS rows FROM cohort_members cm JOIN cohorts c ON c.id = cm.cohort_id WHERE cm.user_id = ANY($1::uuid[]) OR c.organisation_id = ANY($2::uuid[])`,
    ),
    enrolmentIds: (await json(
      `SELECT coalesce(json_agg(id), '[]') AS rows FROM enrolments WHERE user_id = ANY($1::uuid[]) OR organisation_id = ANY($2::uuid[])`,
    )) as string[],
    apprenticeshipIds: (await json(
      `SELECT coalesce(json_agg(id), '[]') AS rows FROM apprenticeships WHERE apprentice_id = ANY($1::uuid[]) OR employer_id = ANY($2::uuid[])`,
    )) as string[],
    placementPupils: await json(
      `SELECT coalesce(json_agg(pp), '[]') AS rows FROM placement_pupils pp WHERE pupil_id = ANY($1::uuid[]) AND $2::uuid[] IS NOT NULL`,
    ),
    pending: await json(
      `SELECT coalesce(json_agg(pe), '[]') AS rows FROM pending_enrolments pe WHERE employer_id = ANY($2::uuid[]) AND $1::uuid[] IS NOT NULL`,
    ),
    snapshot: await snapshot(),
  };
  detached = (await createUser({ firstName: "Detached", lastName: "Capture" })).id;
}

/**
 * Puts the victims' rows back as they were, so the next form starts from the same world and a
 * change is blamed on the form that made it (not on an earlier form's capture).
 */
async function restore(): Promise<string[]> {
  const prisma = testPrisma();
  const ids = victimIds;
  const orgs = victimOrgs;
  const users = JSON.stringify(initial.users);
  await prisma.$executeRaw`
    UPDATE users u SET (email, first_name, last_name, date_of_birth, upn, username, year_group, disabled_at, erased_at, merged_into_id, password_hash)
      = (r.email, r.first_name, r.last_name, r.date_of_birth, r.upn, r.username, r.year_group, r.disabled_at, r.erased_at, r.merged_into_id, r.password_hash)
    FROM json_populate_recordset(NULL::users, ${users}::json) r WHERE u.id = r.id`;
  const memberships = JSON.stringify(initial.memberships);
  await prisma.$executeRaw`
    DELETE FROM memberships WHERE (user_id = ANY(${ids}::uuid[]) OR organisation_id = ANY(${orgs}::uuid[]))
      AND id NOT IN (SELECT id FROM json_populate_recordset(NULL::memberships, ${memberships}::json))`;
  await prisma.$executeRaw`INSERT INTO memberships SELECT * FROM json_populate_recordset(NULL::memberships, ${memberships}::json) ON CONFLICT DO NOTHING`;
  const members = JSON.stringify(initial.cohortMembers);
  await prisma.$executeRaw`
    DELETE FROM cohort_members cm USING cohorts c WHERE c.id = cm.cohort_id AND (cm.user_id = ANY(${ids}::uuid[]) OR c.organisation_id = ANY(${orgs}::uuid[]))
      AND (cm.cohort_id, cm.user_id) NOT IN (SELECT cohort_id, user_id FROM json_populate_recordset(NULL::cohort_members, ${members}::json))`;
  await prisma.$executeRaw`
    INSERT INTO cohort_members SELECT * FROM json_populate_recordset(NULL::cohort_members, ${members}::json)
    ON CONFLICT (cohort_id, user_id) DO UPDATE SET left_at = EXCLUDED.left_at, joined_at = EXCLUDED.joined_at`;
  await prisma.$executeRaw`DELETE FROM enrolments WHERE (user_id = ANY(${ids}::uuid[]) OR organisation_id = ANY(${orgs}::uuid[])) AND id <> ALL(${initial.enrolmentIds}::uuid[])`;
  // A captured apprenticeship is handed to a stand-in rather than deleted (reviews hang off it).
  await prisma.$executeRaw`
    UPDATE apprenticeships SET apprentice_id = ${detached}::uuid WHERE apprentice_id = ANY(${ids}::uuid[]) AND id <> ALL(${initial.apprenticeshipIds}::uuid[])
      AND apprentice_id::text || '|' || employer_id::text <> ALL(${[...sharedPairs]}::text[])`;
  const pupils = JSON.stringify(initial.placementPupils);
  await prisma.$executeRaw`
    DELETE FROM placement_pupils WHERE pupil_id = ANY(${ids}::uuid[])
      AND (placement_id, pupil_id) NOT IN (SELECT placement_id, pupil_id FROM json_populate_recordset(NULL::placement_pupils, ${pupils}::json))`;
  const pending = JSON.stringify(initial.pending);
  await prisma.$executeRaw`
    INSERT INTO pending_enrolments SELECT * FROM json_populate_recordset(NULL::pending_enrolments, ${pending}::json)
    ON CONFLICT (id) DO UPDATE SET invitation_id = EXCLUDED.invitation_id, problem_at = EXCLUDED.problem_at`;
  await prisma.$executeRaw`UPDATE auth_tokens SET used_at = NULL WHERE id IN (SELECT invitation_id FROM json_populate_recordset(NULL::pending_enrolments, ${pending}::json))`;
  await prisma.$executeRaw`DELETE FROM outbox_messages o USING auth_tokens t WHERE o.topic = 'email.password-reset' AND t.id = (o.payload->>'tokenId')::uuid AND t.user_id = ANY(${ids}::uuid[])`;
  const { createSession, sessionPolicy } = await import("../../app/auth/session.server.ts");
  const signedOut = await prisma.user.findMany({
    where: { id: { in: ids }, sessions: { none: {} } },
    select: { id: true, username: true },
  });
  for (const u of signedOut) await createSession(u.id, sessionPolicy(u.username !== null));
  return diff(initial.snapshot, await snapshot());
}

function diff(before: Set<string>, after: Set<string>): string[] {
  return [
    ...[...before].filter((l) => !after.has(l)).map((l) => `- ${l}`),
    ...[...after].filter((l) => !before.has(l)).map((l) => `+ ${l}`),
  ];
}

// ───────────────────────────── requests ─────────────────────────────

async function upload(
  client: TestClient,
  pathname: string,
  field: string,
  filename: string,
  text: string,
): Promise<TestResponse> {
  const form = new FormData();
  form.set(field, new Blob([text], { type: "text/csv" }), filename);
  const cookie = [...client.cookies].map(([n, v]) => `${n}=${v}`).join("; ");
  const response = await fetch(new URL(pathname, client.baseUrl), {
    method: "POST",
    body: form,
    redirect: "manual",
    headers: {
      Origin: client.baseUrl,
      "Sec-Fetch-Site": "same-origin",
      "User-Agent": "Mozilla/5.0 (test client)",
      Accept: "text/html,*/*",
      ...(cookie ? { Cookie: cookie } : {}),
    },
  });
  return {
    status: response.status,
    headers: response.headers,
    text: await response.text(),
    location: response.headers.get("location"),
    setCookies: response.headers.getSetCookie().map(parseSetCookie),
  };
}

/** Runs a form's steps as a browser would; stops when a step has nowhere to go. */
async function runSteps(client: TestClient, steps: Step[]): Promise<TestResponse[]> {
  const answers: TestResponse[] = [];
  let review: string | null = null;
  for (const step of steps) {
    const previous = answers.at(-1);
    let answer: TestResponse;
    if ("post" in step) answer = await client.post(step.post, new URLSearchParams(step.fields));
    else if ("upload" in step) {
      answer = await upload(client, step.upload, step.field, step.filename, step.text);
      review = answer.status >= 300 && answer.status < 400 ? answer.location : null;
    } else if ("follow" in step) {
      if (!previous?.location || previous.status < 300 || previous.status >= 400) break;
      answer = await client.get(previous.location);
    } else {
      if (!review) break;
      answer = await client.post(review, new URLSearchParams(step.postToReview));
    }
    answers.push(answer);
  }
  return answers;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const UUID_ONLY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A value fresh for one request: the n-th probe's, on the real (r) or the control (c) side; both read as the same token. */
const freshValue = (n: number, side: "r" | "c") => `zz${n}${side}zz`;
const FRESH = /zz(\d+)[rc]zz/g;
let freshCount = 0;

/**
 * What an answer says once the request's own typed values (identifier, fresh addresses and
 * names), ids, nonces, times, durations and one-time codes are taken out.
 */
function normalise(answer: TestResponse, typed: string[], generated: string[]): string {
  let text = flattenStream(comparablePage(answer.text));
  let location = answer.location ?? "";
  for (const [value, token] of twins) {
    text = text.replaceAll(value, token);
    location = location.replaceAll(value, token);
  }
  // Values the page generated for one request: new pupils' usernames and setup codes.
  for (const m of text.matchAll(/<code>([A-Z0-9]{4}-[A-Z0-9]{4})<\/code>/g))
    text = text.replaceAll(m[1], "«generated»");
  for (const username of generated) text = text.replaceAll(username, "«generated»");
  // Ids first: an id typed into a form and an id in a list are both just ids.
  text = text.replace(UUID, "«id»").replace(FRESH, "«fresh $1»");
  location = location.replace(FRESH, "«fresh $1»");
  for (const value of typed.filter(Boolean).sort((a, b) => b.length - a.length)) {
    for (const v of new Set([value, value.toLowerCase(), value.toUpperCase(), encodeURIComponent(value)]))
      text = text.replaceAll(v, "«typed»");
  }
  text = text
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?/g, "«time»")
    .replace(/\b\d+(\.\d+)?\s?ms\b/g, "«ms»")
    .replace(/\b[0-9a-f]{16,}\b/gi, "«hex»");
  return `${answer.status} ${location.replace(UUID, "«id»")}\n${text}`;
}

/**
 * The loader data React Router streams into the page, written out as plain JSON. Its encoding
 * (turbo-stream) refers to a value the second time it appears by the index of the first, so the
 * same data with a different id typed earlier in the form is encoded differently.
 */
function flattenStream(text: string): string {
  return text.replace(/streamController\.enqueue\(("(?:[^"\\]|\\.)*")\)/g, (whole, literal: string) => {
    const chunk = JSON.parse(literal) as string;
    const decoded = chunk
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [, label, body] = /^(P\d+:)?(.*)$/s.exec(line)!;
        const values = JSON.parse(body) as unknown[];
        const at = (i: unknown, depth: number): unknown => {
          if (typeof i !== "number" || i < 0 || depth > 50) return i;
          const v = values[i];
          if (Array.isArray(v)) return typeof v[0] === "string" ? v : v.map((x) => at(x, depth + 1));
          if (v && typeof v === "object")
            return Object.fromEntries(
              Object.entries(v).map(([k, x]) => [String(values[Number(k.slice(1))]), at(x, depth + 1)]),
            );
          return v;
        };
        return `${label ?? ""}${JSON.stringify(at(0, 0))}`;
      });
    return `streamController.enqueue(${JSON.stringify(decoded.join("\n"))})`;
  });
}

/** The first place two texts differ, with a little context. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const cut = (s: string) => s.slice(Math.max(0, i - 60), i + 100).replace(/\s+/g, " ");
  return `real: …${cut(a)}… / control: …${cut(b)}…`;
}

/** The probe's control: its one made-up identifier (or a person the copy holds as set 0 holds this one). */
function control(probe: Probe, form: WriteForm): Probe {
  return {
    ...probe,
    label: `control of ${probe.label}`,
    value: (form.actors === "public" ? publicControlOf : controlOf).get(probe.value)!,
  };
}

/** The values of a step list that differ from another's (the identifier and the fresh ones). */
function typedValues(steps: Step[]): string[] {
  const out: string[] = [];
  for (const s of steps) {
    if ("post" in s) out.push(...s.fields.map(([, v]) => v));
    if ("postToReview" in s) out.push(...s.postToReview.map(([, v]) => v));
    if ("upload" in s) out.push(...s.text.split(/[\r\n,]+/));
  }
  return out;
}

// ───────────────────────────── the tests ─────────────────────────────

describe("the cross-organisation write matrix", () => {
  it("has an entry for every route with an action, and none for routes that no longer have one", () => {
    const missing = actionRoutes.filter((id) => !WRITE_EXPECTATIONS[id]);
    expect(
      missing,
      `add these routes to WRITE_EXPECTATIONS in tests/support/write-expectations.ts (which fields name a person?): ${missing.join(", ")}`,
    ).toEqual([]);
    const stale = Object.keys(WRITE_EXPECTATIONS).filter((id) => !actionRoutes.includes(id));
    expect(stale, "entries for routes without an action").toEqual([]);
  });

  it("lets no school or employer change another organisation's people, or learn whether an identifier exists", async () => {
    const started = Date.now();
    const failures: string[] = [];
    let tried = 0;
    let requests = 0;
    const identifiers = new Set<string>();
    const roles = new Set<string>();
    const forms: WriteForm[] = [];
    for (const [, spec] of Object.entries(WRITE_EXPECTATIONS)) if ("forms" in spec) forms.push(...spec.forms);
    // Password resets come last, so a victim's email replaced by an attacker's address earlier is tried too.
    forms.sort((a, b) => Number(a.name === "forgot password") - Number(b.name === "forgot password"));

    /** Runs one side's requests for a probe; the real side on set 0, the control side on its copy. */
    const runSide = async (form: WriteForm, actor: ActorName, lane: Lane, probe: Probe, n: number) => {
      const ctx = { ...lane.ctx, fresh: freshValue(n, lane === lanes.real ? "r" : "c") };
      const steps = form.steps(probe, ctx);
      if (form.throttled) await clearThrottle();
      if (form.name.startsWith("class-list import")) lane.inboxes.push(attackerInbox(ctx.fresh));
      const client = actor === "SIGNED_OUT" ? server.client() : lane.clients.get(actor)!;
      const got = await runSteps(client, steps);
      requests += got.length;
      return { typed: typedValues(steps), answers: got };
    };

    for (const form of forms) {
      const actors: ActorName[] = form.actors === "public" ? ["SIGNED_OUT"] : [...ATTACKERS];
      for (const actor of actors) {
        const mine = probes.filter(form.takes);
        const controls = mine.map((probe) => control(probe, form));
        if (form.name === "forgot password") {
          // An address an import gave a victim, and the one the same import gave its control on the copy.
          for (const [i, inbox] of lanes.real.inboxes.entries()) {
            const base = { kind: "email" as const, firstName: "", lastName: "", yearGroup: 10 };
            mine.push({ ...base, label: "an attacker address that an import gave a victim", value: inbox });
            controls.push({
              ...base,
              label: "an attacker address that an import gave its control",
              value: lanes.control.inboxes[i],
            });
          }
        }
        const ns = mine.map(() => ++freshCount);
        const before = await snapshot();
        type Outcome = Awaited<ReturnType<typeof runSide>>;
        const real: Outcome[] = [];
        const fake: Outcome[] = [];
        if (form.throttled) {
          // Public, throttled forms: one request at a time, the counters cleared before each.
          for (const [i, probe] of mine.entries()) {
            real.push(await runSide(form, actor, lanes.real, probe, ns[i]));
            fake.push(await runSide(form, actor, lanes.control, controls[i], ns[i]));
          }
        } else {
          // Each side in order, one request at a time, so both see the same history; the two sides run side by side.
          await Promise.all([
            (async () => {
              for (const [i, probe] of mine.entries()) real.push(await runSide(form, actor, lanes.real, probe, ns[i]));
            })(),
            (async () => {
              for (const [i, probe] of controls.entries())
                fake.push(await runSide(form, actor, lanes.control, probe, ns[i]));
            })(),
          ]);
        }
        const generated = (
          await testPrisma().user.findMany({
            where: { createdAt: { gte: startedAt }, username: { not: null } },
            select: { username: true },
          })
        )
          .map((u) => u.username!)
          .sort((a, b) => b.length - a.length);
        for (const [i, probe] of mine.entries()) {
          tried++;
          identifiers.add(probe.label);
          roles.add(actor);
          const typed = [real[i].typed, fake[i].typed];
          const strip = [...new Set([...typed[0], ...typed[1]])].filter(
            (v) => !typed[0].includes(v) || !typed[1].includes(v),
          );
          const [a, b] = [real[i], fake[i]].map((side) => side.answers.map((r) => normalise(r, strip, generated)));
          for (let step = 0; step < Math.max(a.length, b.length); step++) {
            if (a[step] === b[step]) continue;
            failures.push(
              `ANSWER ${form.name} | ${actor} | ${probe.label}: step ${step + 1} differs from its control: ${a[step] === undefined || b[step] === undefined ? "one flow stopped earlier" : firstDifference(a[step], b[step])}`,
            );
            break;
          }
        }
        const changed = diff(before, await snapshot());
        if (changed.length) {
          failures.push(`STATE ${form.name} | ${actor}: changed the victims' data:\n    ${changed.join("\n    ")}`);
          const left = await restore();
          if (left.length)
            throw new Error(`could not put the victims' data back after ${form.name} | ${actor}:\n${left.join("\n")}`);
        }
        const controlStatuses = fake.map((f) => f.answers[0]?.status ?? 0);
        if (form.controlGetsThrough.includes(actor) && mine.length && !controlStatuses.some((s) => s > 0 && s < 400)) {
          failures.push(
            `SETUP ${form.name} | ${actor}: the control identifier never got past validation (statuses ${[...new Set(controlStatuses)].join(", ")}): fix the form's values in write-expectations.ts`,
          );
        }
      }
    }

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.info(
      `write matrix: ${identifiers.size} identifiers × ${roles.size} roles × ${forms.length} forms → ${tried} (form, role, identifier) combinations, ${requests} requests, ${seconds} s; ${failures.length} failures`,
    );
    expect(failures, `${failures.length} failures`).toEqual([]);
    expect(tried).toBeGreaterThan(500);
  });
});
