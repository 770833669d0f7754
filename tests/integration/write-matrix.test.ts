/**
 * The cross-organisation write matrix, generated: every form that takes a person's identifier
 * (tests/support/write-expectations.ts; every route with an action must have an entry) is
 * replayed by every role of one school and one employer (set 0 of the access matrix's world,
 * plus a tutor) with the identifiers of the other organisations' people (set 1, the partnership
 * admin, the other tutor), and, as a control, with a made-up identifier of the same kind and
 * otherwise the same values.
 *
 * What is asserted
 * - the victims' data does not change: people (email, names, date of birth, UPN, username,
 *   disabled, erased, merged, whether a password is set), their memberships, class memberships,
 *   enrolments, apprenticeships and placements, their number of sessions, and no password-reset
 *   email for one of them goes anywhere but their own address;
 * - the answer to a real identifier and to the made-up one is the same once what was typed,
 *   ids, nonces and times are taken out (each step of a flow, redirects by pattern), so nobody
 *   learns whether a person exists. People whom the attacker's organisation legitimately holds
 *   as well (a teacher at both schools) are only held to the first rule.
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
import { buildWorld, type World } from "../support/access-matrix.ts";
import { createUser, type TestUser } from "../support/factories.ts";
import { comparablePage, parseSetCookie, SESSION_COOKIE, startTestServer, type TestClient, type TestResponse, type TestServer } from "../support/http.ts";
import { clearThrottle } from "../support/redis.ts";
import { attackerInbox, WRITE_EXPECTATIONS, type Context, type Probe, type Step, type WriteForm } from "../support/write-expectations.ts";

vi.setConfig({ testTimeout: 600_000 });

/** The attacking side: both organisations' roles, and the tutor of set 0. */
const ATTACKERS = ["SCHOOL_ADMIN", "TEACHER", "PUPIL", "EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR", "APPRENTICE", "TUTOR"] as const satisfies readonly Role[];

type ManifestRoute = { id: string; module: Record<string, unknown> };

let server: TestServer;
let world: World;
let actionRoutes: string[];
let probes: Probe[];
let ctxBase: Omit<Context, "fresh">;
let victimIds: string[];
let victimOrgs: string[];
/** (user, organisation) memberships set 1 people legitimately have at set 0's organisations. */
let sharedPairs: Set<string>;
/** Each victim's own address, for telling where a reset link goes. */
let ownAddress: Map<string, string | null>;
const clients = new Map<ActorName, TestClient>();

const hex = () => randomBytes(5).toString("hex");
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function newUpn(): string {
  const body = Array.from({ length: 12 }, () => Math.floor(Math.random() * 10)).join("");
  return upnCheckLetter(body) + body;
}

beforeAll(async () => {
  server = await startTestServer();
  const build = (await import(pathToFileURL(path.resolve("build/server/index.js")).href)) as { routes: Record<string, ManifestRoute> };
  actionRoutes = Object.values(build.routes).filter((r) => typeof r.module.action === "function").map((r) => r.id);

  world = await buildWorld();
  const prisma = testPrisma();
  const [own, foreign] = world.sides;
  const marker = world.marker.foreign;

  // Victims look like real accounts: a password set, a UPN on the pupil, a date of birth on the apprentice, signed in somewhere.
  const { hashPassword } = await import("../../app/auth/password.server.ts");
  const hash = await hashPassword("victims-own-password-91");
  const pupilUpn = newUpn();
  const shared: TestUser[] = [
    await createUser({ firstName: "Shared", lastName: `${marker}Teach${hex()}`, email: `${marker.toLowerCase()}shared${hex()}@example.org`, roles: [{ org: foreign.school, role: "TEACHER" }, { org: own.school, role: "TEACHER" }] }),
    await createUser({ firstName: "Shared", lastName: `${marker}Super${hex()}`, email: `${marker.toLowerCase()}shared${hex()}@example.org`, roles: [{ org: foreign.employer, role: "WORKPLACE_SUPERVISOR" }, { org: own.employer, role: "WORKPLACE_SUPERVISOR" }] }),
  ];
  sharedPairs = new Set([`${shared[0].id}|${own.school.id}`, `${shared[1].id}|${own.employer.id}`]);
  const people: { who: string; user: TestUser; pupil?: boolean; held?: boolean }[] = [
    { who: "school admin", user: foreign.schoolAdmin },
    { who: "teacher", user: foreign.teacher },
    { who: "pupil", user: foreign.pupil, pupil: true },
    { who: "employer admin", user: foreign.employerAdmin },
    { who: "supervisor", user: foreign.supervisor },
    { who: "apprentice", user: foreign.apprentice },
    { who: "partnership admin", user: world.partnershipAdmin },
    { who: "tutor", user: foreign.tutor },
    { who: "shared teacher", user: shared[0], held: true },
    { who: "shared supervisor", user: shared[1], held: true },
  ];
  victimIds = people.map((p) => p.user.id);
  victimOrgs = [foreign.school.id, foreign.employer.id];
  await prisma.user.updateMany({ where: { id: { in: victimIds } }, data: { passwordHash: hash } });
  await prisma.user.update({ where: { id: foreign.pupil.id }, data: { upn: pupilUpn } });
  await prisma.user.update({ where: { id: foreign.apprentice.id }, data: { dateOfBirth: new Date("2006-05-06T00:00:00Z") } });
  const { createSession, sessionPolicy } = await import("../../app/auth/session.server.ts");
  for (const p of people) await createSession(p.user.id, sessionPolicy(Boolean(p.pupil)));
  ownAddress = new Map(people.map((p) => [p.user.id, p.user.email]));

  probes = [];
  for (const p of people) {
    const base = { firstName: p.user.firstName, lastName: p.user.lastName, yearGroup: 10, held: p.held, pupil: p.pupil };
    probes.push({ ...base, label: `${p.who} id`, kind: "userId", value: p.user.id });
    if (p.user.email) probes.push({ ...base, label: `${p.who} email`, kind: "email", value: p.user.email });
    if (p.user.username) probes.push({ ...base, label: `${p.who} username`, kind: "username", value: p.user.username });
  }
  const appr = people.find((p) => p.who === "apprentice")!.user;
  probes.push({ label: "apprentice email, wrong date of birth", kind: "email", value: appr.email!, firstName: appr.firstName, lastName: appr.lastName, yearGroup: 10, dateOfBirth: "2006-06-07" });
  const pupil = foreign.pupil;
  probes.push({ label: "pupil UPN, full name", kind: "upn", value: pupilUpn, firstName: pupil.firstName, lastName: pupil.lastName, yearGroup: 10, pupil: true });
  probes.push({ label: "pupil UPN, first name only", kind: "upn", value: pupilUpn, firstName: pupil.firstName, lastName: `Other${hex()}`, yearGroup: 10, pupil: true });
  probes.push({ label: "pupil UPN, surname only", kind: "upn", value: pupilUpn, firstName: `Other${hex()}`, lastName: pupil.lastName, yearGroup: 10, pupil: true });

  const teacherPathway = await prisma.pathway.create({ data: { slug: `teachers-${hex()}`, title: `Teaching digital ${hex()}`, audience: "TEACHER", hoursMin: 2, hoursMax: 4 }, select: { id: true } });
  const apprenticeship = await prisma.apprenticeship.findUniqueOrThrow({ where: { id: own.apprenticeshipId }, select: { standardId: true } });
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  ctxBase = {
    orgFor: (actor) => world.param("org", actor, 0),
    school: own.school.id,
    employer: own.employer.id,
    classId: own.classId,
    ownPupilId: own.pupil.id,
    supervisorId: own.supervisor.id,
    tutorId: own.tutor.id,
    standardId: apprenticeship.standardId,
    teacherPathwayId: teacherPathway.id,
    today,
    inAYear: isoDay(new Date(Date.parse(`${today}T00:00:00Z`) + 400 * 86_400_000)),
  };

  await remember();
  for (const role of ATTACKERS) {
    const { token } = await createSession(world.actorUserId(role), sessionPolicy(role === "PUPIL"));
    const client = server.client();
    client.setCookie(SESSION_COOKIE, token);
    clients.set(role, client);
  }
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
  for (const m of memberships) if (!sharedPairs.has(`${m.user_id}|${m.organisation_id}`)) lines.push(`membership ${m.user_id} ${m.organisation_id} ${m.role}`);
  const classes = await prisma.$queryRaw<Record<string, unknown>[]>`
    SELECT cm.cohort_id, cm.user_id, cm.left_at IS NOT NULL AS left FROM cohort_members cm JOIN cohorts c ON c.id = cm.cohort_id
    WHERE cm.user_id = ANY(${ids}::uuid[]) OR c.organisation_id = ANY(${orgs}::uuid[])`;
  for (const c of classes) lines.push(`class member ${JSON.stringify(c)}`);
  const enrolments = await prisma.$queryRaw<Record<string, unknown>[]>`
    SELECT user_id, pathway_id, organisation_id, cohort_id FROM enrolments WHERE user_id = ANY(${ids}::uuid[]) OR organisation_id = ANY(${orgs}::uuid[])`;
  // A person the attacker's organisation also holds may be enrolled there (a colleague's course).
  for (const e of enrolments) if (!sharedPairs.has(`${e.user_id}|${e.organisation_id}`)) lines.push(`enrolment ${JSON.stringify(e)}`);
  const apprenticeships = await prisma.$queryRaw<Record<string, unknown>[]>`
    SELECT id, apprentice_id, employer_id, supervisor_id, status::text FROM apprenticeships
    WHERE apprentice_id = ANY(${ids}::uuid[]) OR employer_id = ANY(${orgs}::uuid[]) OR supervisor_id = ANY(${ids}::uuid[])`;
  for (const a of apprenticeships) lines.push(`apprenticeship ${JSON.stringify(a)}`);
  const placements = await prisma.$queryRaw<Record<string, unknown>[]>`
    SELECT pp.placement_id, pp.pupil_id FROM placement_pupils pp WHERE pp.pupil_id = ANY(${ids}::uuid[])`;
  for (const p of placements) lines.push(`placement pupil ${JSON.stringify(p)}`);
  // A reset link for a victim's account that goes anywhere but their own address.
  const resets = await prisma.$queryRaw<{ user_id: string; email: string | null }[]>`
    SELECT t.user_id, u.email FROM outbox_messages o JOIN auth_tokens t ON t.id = (o.payload->>'tokenId')::uuid JOIN users u ON u.id = t.user_id
    WHERE o.topic = 'email.password-reset' AND t.user_id = ANY(${ids}::uuid[])`;
  for (const r of resets) if (r.email !== ownAddress.get(r.user_id)) lines.push(`reset link for ${r.user_id} sent to ${r.email}`);
  return new Set(lines);
}

/** The victims' rows as they were before the first form, to put back after a form changed them. */
let initial: { users: unknown; memberships: unknown; cohortMembers: unknown; enrolmentIds: string[]; apprenticeshipIds: string[]; placementPupils: unknown; snapshot: Set<string> };
let detached: string;

async function remember() {
  const prisma = testPrisma();
  const json = async (sql: string) => (await prisma.$queryRawUnsafe<{ rows: unknown }[]>(sql, victimIds, victimOrgs))[0].rows;
  initial = {
    users: await json(`SELECT coalesce(json_agg(u), '[]') AS rows FROM users u WHERE id = ANY($1::uuid[]) AND $2::uuid[] IS NOT NULL`),
    memberships: await json(`SELECT coalesce(json_agg(m), '[]') AS rows FROM memberships m WHERE user_id = ANY($1::uuid[]) OR organisation_id = ANY($2::uuid[])`),
    cohortMembers: await json(`SELECT coalesce(json_agg(cm), '[]') AS rows FROM cohort_members cm JOIN cohorts c ON c.id = cm.cohort_id WHERE cm.user_id = ANY($1::uuid[]) OR c.organisation_id = ANY($2::uuid[])`),
    enrolmentIds: (await json(`SELECT coalesce(json_agg(id), '[]') AS rows FROM enrolments WHERE user_id = ANY($1::uuid[]) OR organisation_id = ANY($2::uuid[])`)) as string[],
    apprenticeshipIds: (await json(`SELECT coalesce(json_agg(id), '[]') AS rows FROM apprenticeships WHERE apprentice_id = ANY($1::uuid[]) OR employer_id = ANY($2::uuid[])`)) as string[],
    placementPupils: await json(`SELECT coalesce(json_agg(pp), '[]') AS rows FROM placement_pupils pp WHERE pupil_id = ANY($1::uuid[]) AND $2::uuid[] IS NOT NULL`),
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
  await prisma.$executeRaw`UPDATE apprenticeships SET apprentice_id = ${detached}::uuid WHERE apprentice_id = ANY(${ids}::uuid[]) AND id <> ALL(${initial.apprenticeshipIds}::uuid[])`;
  const pupils = JSON.stringify(initial.placementPupils);
  await prisma.$executeRaw`
    DELETE FROM placement_pupils WHERE pupil_id = ANY(${ids}::uuid[])
      AND (placement_id, pupil_id) NOT IN (SELECT placement_id, pupil_id FROM json_populate_recordset(NULL::placement_pupils, ${pupils}::json))`;
  await prisma.$executeRaw`DELETE FROM outbox_messages o USING auth_tokens t WHERE o.topic = 'email.password-reset' AND t.id = (o.payload->>'tokenId')::uuid AND t.user_id = ANY(${ids}::uuid[])`;
  const { createSession, sessionPolicy } = await import("../../app/auth/session.server.ts");
  const signedOut = await prisma.user.findMany({ where: { id: { in: ids }, sessions: { none: {} } }, select: { id: true, username: true } });
  for (const u of signedOut) await createSession(u.id, sessionPolicy(u.username !== null));
  return diff(initial.snapshot, await snapshot());
}

function diff(before: Set<string>, after: Set<string>): string[] {
  return [...[...before].filter((l) => !after.has(l)).map((l) => `- ${l}`), ...[...after].filter((l) => !before.has(l)).map((l) => `+ ${l}`)];
}

// ───────────────────────────── requests ─────────────────────────────

async function upload(client: TestClient, pathname: string, field: string, filename: string, text: string): Promise<TestResponse> {
  const form = new FormData();
  form.set(field, new Blob([text], { type: "text/csv" }), filename);
  const cookie = [...client.cookies].map(([n, v]) => `${n}=${v}`).join("; ");
  const response = await fetch(new URL(pathname, client.baseUrl), {
    method: "POST",
    body: form,
    redirect: "manual",
    headers: { Origin: client.baseUrl, "Sec-Fetch-Site": "same-origin", "User-Agent": "Mozilla/5.0 (test client)", Accept: "text/html,*/*", ...(cookie ? { Cookie: cookie } : {}) },
  });
  return { status: response.status, headers: response.headers, text: await response.text(), location: response.headers.get("location"), setCookies: response.headers.getSetCookie().map(parseSetCookie) };
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

/**
 * What an answer says once the request's own typed values (identifier, fresh addresses and
 * names), ids, nonces, times, durations and one-time codes are taken out.
 */
function normalise(answer: TestResponse, typed: string[]): string {
  let text = comparablePage(answer.text);
  // Values the page generated for this request alone: a new pupil's username and setup code.
  for (const m of text.matchAll(/Username: <strong>([^<]+)<\/strong>|<code>([A-Z0-9]{4}-[A-Z0-9]{4})<\/code>/g)) text = text.replaceAll(m[1] ?? m[2], "«generated»");
  for (const value of typed.filter(Boolean).sort((a, b) => b.length - a.length)) {
    for (const v of new Set([value, value.toLowerCase(), value.toUpperCase(), encodeURIComponent(value)])) text = text.replaceAll(v, "«typed»");
  }
  text = text
    .replace(UUID, "«id»")
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?/g, "«time»")
    .replace(/\b\d+(\.\d+)?\s?ms\b/g, "«ms»")
    .replace(/\b[0-9a-f]{16,}\b/gi, "«hex»");
  const location = (answer.location ?? "").replace(UUID, "«id»");
  return `${answer.status} ${location}\n${text}`;
}

/** The first place two texts differ, with a little context. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const cut = (s: string) => s.slice(Math.max(0, i - 60), i + 100).replace(/\s+/g, " ");
  return `real: …${cut(a)}… / unknown: …${cut(b)}…`;
}

function control(probe: Probe): Probe {
  const t = hex();
  const value = { email: `nobody-${t}@example.org`, upn: newUpn(), username: `nobody${t}`, userId: randomUUID() }[probe.kind];
  return { ...probe, label: `unknown ${probe.kind}`, value, held: false };
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

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

// ───────────────────────────── the tests ─────────────────────────────

describe("the cross-organisation write matrix", () => {
  it("has an entry for every route with an action, and none for routes that no longer have one", () => {
    const missing = actionRoutes.filter((id) => !WRITE_EXPECTATIONS[id]);
    expect(missing, `add these routes to WRITE_EXPECTATIONS in tests/support/write-expectations.ts (which fields name a person?): ${missing.join(", ")}`).toEqual([]);
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
    const inboxes: string[] = [];

    for (const form of forms) {
      const actors: ActorName[] = form.actors === "public" ? ["SIGNED_OUT"] : [...ATTACKERS];
      for (const actor of actors) {
        const mine = probes.filter(form.takes);
        if (form.name === "forgot password") {
          for (const inbox of inboxes) mine.push({ label: "an attacker address that an import gave a victim", kind: "email", value: inbox, firstName: "", lastName: "", yearGroup: 10 });
        }
        const before = await snapshot();
        const controlStatuses: number[] = [];
        const one = async (probe: Probe) => {
          const real = { probe, ctx: { ...ctxBase, fresh: hex() } };
          const fake = { probe: control(probe), ctx: { ...ctxBase, fresh: hex() } };
          const answers: TestResponse[][] = [];
          const typed: string[][] = [];
          for (const { probe: p, ctx } of [real, fake]) {
            const steps = form.steps(p, ctx);
            typed.push(typedValues(steps));
            if (form.throttled) await clearThrottle();
            if (form.name.startsWith("class-list import") && p === probe) inboxes.push(attackerInbox(ctx.fresh));
            const client = actor === "SIGNED_OUT" ? server.client() : clients.get(actor)!;
            const got = await runSteps(client, steps);
            requests += got.length;
            answers.push(got);
          }
          tried++;
          identifiers.add(probe.label);
          roles.add(actor);
          controlStatuses.push(answers[1][0]?.status ?? 0);
          if (probe.held) return;
          const strip = [...new Set([...typed[0], ...typed[1]])].filter((v) => !typed[0].includes(v) || !typed[1].includes(v));
          const [a, b] = answers.map((list) => list.map((r) => normalise(r, strip)));
          const steps = Math.max(a.length, b.length);
          for (let i = 0; i < steps; i++) {
            if (a[i] === b[i]) continue;
            failures.push(`ANSWER ${form.name} | ${actor} | ${probe.label}: step ${i + 1} differs from an unknown ${probe.kind}: ${a[i] === undefined || b[i] === undefined ? "one flow stopped earlier" : firstDifference(a[i], b[i])}`);
            break;
          }
        };
        if (form.throttled || form.name.includes("import")) for (const probe of mine) await one(probe);
        else await pool(mine, 6, one);
        const changed = diff(before, await snapshot());
        if (changed.length) {
          failures.push(`STATE ${form.name} | ${actor}: changed the victims' data:\n    ${changed.join("\n    ")}`);
          const left = await restore();
          if (left.length) throw new Error(`could not put the victims' data back after ${form.name} | ${actor}:\n${left.join("\n")}`);
        }
        if (form.controlGetsThrough.includes(actor) && mine.length && !controlStatuses.some((s) => s > 0 && s < 400)) {
          failures.push(`SETUP ${form.name} | ${actor}: the unknown identifier never got past validation (statuses ${[...new Set(controlStatuses)].join(", ")}): fix the form's values in write-expectations.ts`);
        }
      }
    }

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.info(`write matrix: ${identifiers.size} identifiers × ${roles.size} roles × ${forms.length} forms → ${tried} (form, role, identifier) combinations, ${requests} requests, ${seconds} s; ${failures.length} failures`);
    expect(failures, `${failures.length} failures`).toEqual([]);
    expect(tried).toBeGreaterThan(500);
  });
});
