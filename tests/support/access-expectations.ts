/**
 * Who may open what: the expectations half of the access matrix, pure data (no I/O), so the
 * integration test (tests/integration/access-matrix.test.ts, through
 * tests/support/access-matrix.ts) and the browser accessibility sweep
 * (tests/e2e/a11y-every-page.spec.ts) read the same table. See access-matrix.ts for the
 * meaning of own/foreign.
 */
import type { Role } from "../../app/generated/prisma/enums.ts";

export const ROLES = [
  "PARTNERSHIP_ADMIN",
  "TUTOR",
  "COUNCIL_OFFICER",
  "SCHOOL_ADMIN",
  "TEACHER",
  "PUPIL",
  "EMPLOYER_ADMIN",
  "WORKPLACE_SUPERVISOR",
  "APPRENTICE",
] as const satisfies readonly Role[];
export type ActorName = Role | "SIGNED_OUT";
export const ACTORS: readonly ActorName[] = [...ROLES, "SIGNED_OUT"];

/**
 * "page": 200 with the page (or file); "login": a redirect to /login; "404": not found (also
 * for records outside reach: never 403); "redirect": a redirect somewhere other than /login.
 */
export type Answer = "page" | "login" | "404" | "redirect";

/** What a route param is filled with (see World.param). */
export type ParamKind =
  "apprenticeship" | "class" | "importJob" | "entry" | "placement" | "review" | "snapshot" | "org" | "user" | "token";

export type RouteExpectation = {
  /** How each `:param` of the path is filled. */
  params?: Record<string, ParamKind>;
  /** Answers on the actor's own records. Roles left out get "404"; SIGNED_OUT defaults to "login". */
  own: Partial<Record<ActorName, Answer>>;
  /**
   * Roles whose reach is partnership-wide on this route: they get their `own` answer on foreign
   * records too. Everyone else gets "404" on foreign records (SIGNED_OUT keeps its answer).
   */
  foreignReach?: readonly ActorName[];
  /** Roles that may legitimately see the other set's people on this route (partnership-wide reach). */
  mayShowForeignPeople?: readonly ActorName[];
  /** No POST probes for this route, with the reason (e.g. it signs the actor out). */
  skipActions?: string;
};

const page = (...roles: ActorName[]): Partial<Record<ActorName, Answer>> =>
  Object.fromEntries(roles.map((r) => [r, "page"]));
const everyone = (answer: Answer): Partial<Record<ActorName, Answer>> =>
  Object.fromEntries(ACTORS.map((r) => [r, answer]));
const signedIn = (answer: Answer): Partial<Record<ActorName, Answer>> =>
  Object.fromEntries(ROLES.map((r) => [r, answer]));
const PA = ["PARTNERSHIP_ADMIN"] as const;
const APPRENTICESHIP_PARTIES = page(
  "PARTNERSHIP_ADMIN",
  "TUTOR",
  "EMPLOYER_ADMIN",
  "WORKPLACE_SUPERVISOR",
  "APPRENTICE",
);
const SCHOOL_STAFF = page("SCHOOL_ADMIN", "TEACHER");

export const EXPECTATIONS: Record<string, RouteExpectation> = {
  // ── public pages ──
  "routes/_index": { own: everyone("page"), mayShowForeignPeople: PA },
  "routes/accessibility": { own: everyone("page") },
  "routes/privacy": { own: everyone("page") },
  "routes/healthz": { own: everyone("page") },
  "routes/login": { own: { ...signedIn("redirect"), SIGNED_OUT: "page" } },
  "routes/logout": {
    own: everyone("redirect"),
    skipActions: "signs the actor out (tests/integration/auth-sessions.test.ts covers it)",
  },
  "routes/forgot-password": { own: everyone("page") },
  "routes/register": { own: everyone("page") },
  "routes/register_.confirm.$token": { params: { token: "token" }, own: everyone("page") },
  "routes/setup": { own: everyone("page") },
  // Tokens are the credential: an unknown one is "not usable" for everyone.
  "routes/invite.$token": { params: { token: "token" }, own: everyone("page") },
  "routes/reset-password.$token": { params: { token: "token" }, own: everyone("page") },
  "routes/unsubscribe.$token": { params: { token: "token" }, own: everyone("404") },

  // ── every signed-in person ──
  "routes/account": { own: signedIn("page") },
  "routes/apprenticeships._index": { own: signedIn("page") },

  // ── partnership admins ──
  "routes/admin.catalogue._index": { own: page("PARTNERSHIP_ADMIN") },
  "routes/admin.catalogue.import": { own: page("PARTNERSHIP_ADMIN") },
  "routes/admin.enrolments": { own: page("PARTNERSHIP_ADMIN"), mayShowForeignPeople: PA },
  "routes/admin.organisations": { own: page("PARTNERSHIP_ADMIN"), foreignReach: PA, mayShowForeignPeople: PA },
  "routes/admin.people.merge": { own: page("PARTNERSHIP_ADMIN"), mayShowForeignPeople: PA },
  // The mail catcher's viewer exists only in development: 404 for everyone in production.
  "routes/dev.mail": { own: everyone("404") },

  // ── apprenticeships ──
  "routes/apprenticeships.$id": {
    params: { id: "apprenticeship" },
    own: APPRENTICESHIP_PARTIES,
    foreignReach: PA,
    mayShowForeignPeople: PA,
  },
  "routes/apprenticeships.$id_.gateway": {
    params: { id: "apprenticeship" },
    own: APPRENTICESHIP_PARTIES,
    foreignReach: PA,
    mayShowForeignPeople: PA,
  },
  "routes/apprenticeships.$id_.otj-history": {
    params: { id: "apprenticeship" },
    own: APPRENTICESHIP_PARTIES,
    foreignReach: PA,
    mayShowForeignPeople: PA,
  },
  "routes/apprenticeships.$id_.otj-history[.csv]": {
    params: { id: "apprenticeship" },
    own: APPRENTICESHIP_PARTIES,
    foreignReach: PA,
    mayShowForeignPeople: PA,
  },
  "routes/apprenticeships.$id_.reviews": {
    params: { id: "apprenticeship" },
    own: APPRENTICESHIP_PARTIES,
    foreignReach: PA,
    mayShowForeignPeople: PA,
  },
  "routes/employer.apprentices._index": { own: page("EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR") },
  "routes/employer.apprentices.new": { own: page("EMPLOYER_ADMIN") },
  "routes/employer.inbox": { own: page("EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR") },
  "routes/employer.otj": { own: page("EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR") },
  "routes/tutor.apprentices": { own: page("TUTOR") },
  "routes/reviews._index": { own: page("TUTOR", "EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR", "APPRENTICE") },
  "routes/reviews.$reviewId": {
    params: { reviewId: "review" },
    own: APPRENTICESHIP_PARTIES,
    foreignReach: PA,
    mayShowForeignPeople: PA,
  },

  // ── classes ──
  "routes/classes._index": { own: SCHOOL_STAFF },
  "routes/classes.new": { own: SCHOOL_STAFF },
  "routes/classes.$classId._index": { params: { classId: "class" }, own: SCHOOL_STAFF },
  "routes/classes.$classId.import._index": { params: { classId: "class" }, own: SCHOOL_STAFF },
  "routes/classes.$classId.import.$importId": {
    params: { classId: "class", importId: "importJob" },
    own: SCHOOL_STAFF,
  },
  "routes/classes.$classId.setup-codes": { params: { classId: "class" }, own: SCHOOL_STAFF },
  "routes/educator": { own: SCHOOL_STAFF },

  // ── learning and verifying ──
  "routes/learning": { own: page("PUPIL", "TEACHER", "APPRENTICE") },
  "routes/log": { own: page("PUPIL", "TEACHER", "APPRENTICE") },
  // The learner and the people who verify or confirm it; a school admin does not verify progress.
  "routes/learning_.entries.$entryId": {
    params: { entryId: "entry" },
    own: page("PARTNERSHIP_ADMIN", "TUTOR", "TEACHER", "PUPIL", "APPRENTICE", "EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR"),
    foreignReach: PA,
    mayShowForeignPeople: PA,
  },
  "routes/verify": { own: page("TEACHER", "TUTOR", "EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR") },

  // ── people ──
  "routes/org.$orgId.people": {
    params: { orgId: "org" },
    own: page("PARTNERSHIP_ADMIN", "TUTOR", "SCHOOL_ADMIN", "TEACHER", "EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR"),
    foreignReach: PA,
    mayShowForeignPeople: PA,
  },
  // A person's page is for their organisations' staff; a tutor reaches caseload apprentices
  // through /tutor/apprentices and the apprenticeship pages, not here.
  "routes/people.$userId": {
    params: { userId: "user" },
    own: page("PARTNERSHIP_ADMIN", "SCHOOL_ADMIN", "TEACHER", "EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR"),
    foreignReach: PA,
    mayShowForeignPeople: PA,
  },

  // ── children's data rights: subject access for partnership admins and the pupil's school ──
  "routes/people.$userId_.export[.json]": {
    params: { userId: "user" },
    own: page("PARTNERSHIP_ADMIN", "SCHOOL_ADMIN"),
    foreignReach: PA,
    mayShowForeignPeople: PA,
  },
  "routes/people.$userId_.record": {
    params: { userId: "user" },
    own: page("PARTNERSHIP_ADMIN", "SCHOOL_ADMIN"),
    foreignReach: PA,
    mayShowForeignPeople: PA,
  },
  "routes/people.$userId_.erase": {
    params: { userId: "user" },
    own: page("PARTNERSHIP_ADMIN"),
    foreignReach: PA,
    mayShowForeignPeople: PA,
  },
  "routes/admin.audit": { own: page("PARTNERSHIP_ADMIN"), mayShowForeignPeople: PA },

  // ── placements and encounters ──
  "routes/placements._index": {
    own: { ...page("SCHOOL_ADMIN", "TEACHER", "EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR"), PUPIL: "redirect" },
  },
  // Pupils see their placements at /placements/mine.
  "routes/placements.$placementId": {
    params: { placementId: "placement" },
    own: page("SCHOOL_ADMIN", "TEACHER", "EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR"),
  },
  "routes/placements.gatsby": { own: SCHOOL_STAFF },
  "routes/placements.hosts": { own: SCHOOL_STAFF },
  "routes/placements.mine": { own: page("PUPIL") },
  "routes/placements.new": { own: SCHOOL_STAFF },
  "routes/encounters.new": { own: SCHOOL_STAFF },

  // ── reports (protected aggregates only) ──
  "routes/reports._index": { own: page("PARTNERSHIP_ADMIN", "COUNCIL_OFFICER", "SCHOOL_ADMIN", "EMPLOYER_ADMIN") },
  "routes/reports.$snapshotId": {
    params: { snapshotId: "snapshot" },
    own: page("PARTNERSHIP_ADMIN", "COUNCIL_OFFICER"),
  },
  "routes/reports.$snapshotId_.print": {
    params: { snapshotId: "snapshot" },
    own: page("PARTNERSHIP_ADMIN", "COUNCIL_OFFICER"),
  },
  "routes/reports.$snapshotId[.csv]": {
    params: { snapshotId: "snapshot" },
    own: page("PARTNERSHIP_ADMIN", "COUNCIL_OFFICER"),
  },
  "routes/reports.org.$orgId": { params: { orgId: "org" }, own: page("SCHOOL_ADMIN", "EMPLOYER_ADMIN") },
};

/** Express routes outside the React Router manifest, probed the same way. */
export const EXTRA_ROUTES: Record<string, RouteExpectation & { path: string }> = {
  "express:/admin/queues": {
    path: "/admin/queues",
    own: page("PARTNERSHIP_ADMIN"),
    skipActions: "Bull Board's own API; guarded by the same check (tests/integration/workers-dashboard.test.ts)",
  },
};

/** The answer an actor should get on a route for a fill ("own" or anything foreign). */
export function expectedAnswer(spec: RouteExpectation, actor: ActorName, fill: "own" | "foreign"): Answer {
  const own = spec.own[actor] ?? (actor === "SIGNED_OUT" ? "login" : "404");
  if (fill === "own" || actor === "SIGNED_OUT" || !spec.params) return own;
  if (Object.values(spec.params).every((k) => k === "token" || k === "snapshot")) return own; // nothing organisation-bound
  return spec.foreignReach?.includes(actor) ? own : own === "page" || own === "redirect" ? "404" : own;
}
