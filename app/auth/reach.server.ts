/**
 * Reach: what each actor may see or change, for every record type, in one file. `permissions.ts`
 * says which roles grant a permission; this file says which rows a permission reaches. Every model
 * builds its `where` (or its SQL array of organisation ids) from a function here, named for the
 * record; anything outside reach answers 404 in the model.
 *
 * Who may see or change what ("in O": a membership with that role in organisation O; "named": the
 * row names the actor in that column):
 *
 *   Record                   | Sees                                              | Changes
 *   -------------------------|---------------------------------------------------|-----------------------------------------
 *   apprenticeship           | the apprentice; tutor named, in its provider;     | plan/review/gateway: each party signs
 *                            | supervisor named, in its employer; employer       | for itself (apprenticeshipPartiesOf);
 *                            | admins of its employer; partnership admin (all)   | plan details: employer admin of employer
 *   employer's apprentice    | employer admins of the employer; the named        | –
 *     list, tutor caseload   | supervisor; a tutor their own caseload            |
 *   enrolment (new, pending) | employer admins (apprentice:enrol) of the employer| the same
 *   training plan, review,   | through the apprenticeship                        | the party signing (see above)
 *     gateway check          |                                                   |
 *   progress entry           | the learner; its verifiers; OTJ entries: the      | learner: logs (OTJ: apprentices only),
 *                            | employer side of the apprenticeship; partnership  | corrects; verifier: verifies, corrects;
 *                            | admin (all, read-only)                            | employer side: confirms at-work OTJ
 *     verifier               | teacher: non-OTJ entries of pupils and teachers   |
 *                            | of their school, not their own; tutor: entries of |
 *                            | their caseload's apprentices, not their own       |
 *   inbox                    | employer admins of the employer; the named        | (acts through the records above)
 *                            | supervisor (apprenticeships and placements)       |
 *   class (cohort)           | school admins and teachers of the school          | the same
 *   placement                | school staff (placement:manage) of its school;    | school side: consent, start, complete;
 *                            | employer admins of the host; the named supervisor | host side: checks, feedback;
 *                            | in the host; a pupil only their own row           | pupil: own reflection
 *   encounter, Gatsby        | school staff (placement:manage) of the school;    | school staff: log for their classes
 *                            | a pupil their own Gatsby status                   |
 *   catalogue import         | partnership admin                                 | the same
 *   organisation, person     | those holding the permission in that organisation | –
 *                            | (people:read for people); partnership admin (all) |
 *   subject access export    | school admins: pupils of their schools (not       | erasure: partnership admin
 *                            | erased); partnership admin (everyone)             |
 *   own-organisation report  | school and employer admins of that organisation   | –
 *   educator pathways        | teachers and school admins at a school            | self; school admins: colleagues too
 *
 * Where a role is read "at an employer" or "at a provider" the organisation's kind is checked as
 * well; the older readers (placements, the employer's list, the caseload, plan signatures) read
 * the role at any organisation. Roles are only ever granted at their kind of organisation
 * (ROLES_BY_ORG_KIND), so the two readings agree; each function keeps the reading it had.
 */
import type { Prisma } from "~/generated/prisma/client.ts";
import type { OrganisationKind, Role } from "~/generated/prisma/enums.ts";
import type { PlanParty } from "~/domain/training-plan.ts";
import { can, hasRole, orgsWith, type Actor, type Permission } from "~/auth/permissions.ts";

/** The organisations where the actor holds `role` (and, when `kind` is given, of that kind). */
function orgsWhereRole(actor: Actor, role: Role, kind?: OrganisationKind): string[] {
  return [
    ...new Set(
      actor.memberships
        .filter((m) => m.role === role && (!kind || m.organisationKind === kind))
        .map((m) => m.organisationId),
    ),
  ];
}

// ───────────────────────────── the employer side ─────────────────────────────

/** Employers where the actor is an admin, and where they are a workplace supervisor. */
export type EmployerSide = { admin: string[]; supervisor: string[] };

function employerSideOf(actor: Actor, kind?: "EMPLOYER"): EmployerSide {
  return {
    admin: orgsWhereRole(actor, "EMPLOYER_ADMIN", kind),
    supervisor: orgsWhereRole(actor, "WORKPLACE_SUPERVISOR", kind),
  };
}

/** Rows (apprenticeships, placements) of the admin's employer, or naming the supervisor at theirs. */
function hostedOr(actor: Actor, side: EmployerSide) {
  return [
    ...(side.admin.length ? [{ employerId: { in: side.admin } }] : []),
    ...(side.supervisor.length ? [{ supervisorId: actor.userId, employerId: { in: side.supervisor } }] : []),
  ];
}

// ───────────────────────────── apprenticeships ─────────────────────────────

/**
 * Who may read an apprenticeship: the apprentice; their tutor, at the provider where they tutor;
 * their workplace supervisor, at the employer where they supervise; that employer's admins; and
 * partnership admins, who may read everything.
 */
export function apprenticeshipsVisibleTo(actor: Actor): Prisma.ApprenticeshipWhereInput {
  if (can(actor, "audit:read")) return {};
  const or: Prisma.ApprenticeshipWhereInput[] = [{ apprenticeId: actor.userId }];
  const employers = orgsWhereRole(actor, "EMPLOYER_ADMIN", "EMPLOYER");
  if (employers.length) or.push({ employerId: { in: employers } });
  const supervising = orgsWhereRole(actor, "WORKPLACE_SUPERVISOR", "EMPLOYER");
  if (supervising.length) or.push({ supervisorId: actor.userId, employerId: { in: supervising } });
  const providers = orgsWhereRole(actor, "TUTOR", "PROVIDER");
  if (providers.length) or.push({ tutorId: actor.userId, providerId: { in: providers } });
  return { OR: or };
}

/**
 * The employer side of an apprenticeship, at an employer: its admins, or the named workplace
 * supervisor. They confirm at-work OTJ and see the inbox. Null: the actor is on no employer side.
 */
export function apprenticeshipsHostedBy(actor: Actor): Prisma.ApprenticeshipWhereInput | null {
  const or = hostedOr(actor, employerSideOf(actor, "EMPLOYER"));
  return or.length ? { OR: or } : null;
}

/** The employer's list of apprentices: admins all of their employer's, supervisors those they supervise. Null: neither. */
export function employerApprenticesOf(actor: Actor): Prisma.ApprenticeshipWhereInput | null {
  const or = hostedOr(actor, employerSideOf(actor));
  return or.length ? { OR: or } : null;
}

/** A tutor's caseload: apprenticeships naming them as tutor at a provider where they tutor. Null: not a tutor. */
export function caseloadOf(actor: Actor): Prisma.ApprenticeshipWhereInput | null {
  const providers = orgsWhereRole(actor, "TUTOR");
  return providers.length ? { tutorId: actor.userId, providerId: { in: providers } } : null;
}

/** The apprentice's own apprenticeships. */
export function ownApprenticeships(actor: Actor): Prisma.ApprenticeshipWhereInput {
  return { apprenticeId: actor.userId };
}

type Parties = {
  apprenticeId: string;
  employerId: string;
  supervisorId: string | null;
  tutorId: string | null;
  providerId: string;
};

/** Which of the three parties (training plan, reviews, gateway) the actor acts as on this apprenticeship. */
export function apprenticeshipPartiesOf(actor: Actor, a: Parties): PlanParty[] {
  const parties: PlanParty[] = [];
  if (a.apprenticeId === actor.userId) parties.push("apprentice");
  const employerAdmin = actor.memberships.some((m) => m.role === "EMPLOYER_ADMIN" && m.organisationId === a.employerId);
  const supervisor =
    a.supervisorId === actor.userId &&
    actor.memberships.some((m) => m.role === "WORKPLACE_SUPERVISOR" && m.organisationId === a.employerId);
  if (employerAdmin || supervisor) parties.push("employer");
  if (
    a.tutorId === actor.userId &&
    actor.memberships.some((m) => m.role === "TUTOR" && m.organisationId === a.providerId)
  )
    parties.push("tutor");
  return parties;
}

/** Only the employer's admins change a plan's dates and hours (before all three have signed). */
export function mayChangeTrainingPlan(actor: Actor, a: { employerId: string }): boolean {
  return actor.memberships.some((m) => m.role === "EMPLOYER_ADMIN" && m.organisationId === a.employerId);
}

/** Reviews of apprenticeships the actor may read. */
export function reviewsVisibleTo(actor: Actor): Prisma.ReviewWhereInput {
  return { apprenticeship: apprenticeshipsVisibleTo(actor) };
}

// ───────────────────────────── enrolment ─────────────────────────────

/** Employers for which the actor enrols apprentices. */
export function enrollingEmployersOf(actor: Actor): string[] {
  return orgsWith(actor, "apprentice:enrol");
}

/** Invitations to an apprenticeship, not yet accepted, of the employers where the actor enrols. */
export function pendingEnrolmentsInReachOf(actor: Actor): Prisma.PendingEnrolmentWhereInput {
  return { employerId: { in: enrollingEmployersOf(actor) } };
}

// ───────────────────────────── progress entries ─────────────────────────────

/** Schools where the actor teaches (their classes' entries go to them for verification). */
export function schoolsWhereTeaching(actor: Actor): string[] {
  return orgsWhereRole(actor, "TEACHER", "SCHOOL");
}

/** Providers where the actor tutors. */
export function providersWhereTutoring(actor: Actor): string[] {
  return orgsWhereRole(actor, "TUTOR", "PROVIDER");
}

/** Entries a teacher or tutor may verify (null: none). */
export function progressEntriesVerifiableBy(actor: Actor): Prisma.ProgressEntryWhereInput | null {
  if (!can(actor, "progress:verify")) return null;
  const or: Prisma.ProgressEntryWhereInput[] = [];
  const schools = schoolsWhereTeaching(actor);
  if (schools.length > 0) {
    or.push({
      kind: { not: "OTJ_ACTIVITY" },
      learnerId: { not: actor.userId },
      learner: { memberships: { some: { organisationId: { in: schools }, role: { in: ["PUPIL", "TEACHER"] } } } },
    });
  }
  const providers = providersWhereTutoring(actor);
  if (providers.length > 0) {
    const caseload = { tutorId: actor.userId, providerId: { in: providers } };
    or.push({ learnerId: { not: actor.userId }, apprenticeship: caseload });
    or.push({
      learnerId: { not: actor.userId },
      apprenticeshipId: null,
      learner: { apprenticeships: { some: caseload } },
    });
  }
  return or.length > 0 ? { OR: or } : null;
}

/** At-work OTJ activities the actor confirms as the employer side of the apprenticeship (null: none). */
export function progressEntriesConfirmableBy(actor: Actor): Prisma.ProgressEntryWhereInput | null {
  const apprenticeship = apprenticeshipsHostedBy(actor);
  if (!apprenticeship) return null;
  return { kind: "OTJ_ACTIVITY", atWork: true, learnerId: { not: actor.userId }, apprenticeship };
}

/** Entries the actor may read: own, verifiable, OTJ of apprenticeships they host, or everything for auditors. */
export function progressEntriesReadableBy(actor: Actor): Prisma.ProgressEntryWhereInput {
  if (can(actor, "audit:read")) return {};
  const or: Prisma.ProgressEntryWhereInput[] = [{ learnerId: actor.userId }];
  const verifier = progressEntriesVerifiableBy(actor);
  if (verifier) or.push(verifier);
  const hosted = apprenticeshipsHostedBy(actor);
  if (hosted) or.push({ kind: "OTJ_ACTIVITY", apprenticeship: hosted });
  return { OR: or };
}

/** Entries the actor may correct or withdraw: their own, and those they may verify (never a supervisor). */
export function progressEntriesCorrectableBy(actor: Actor): Prisma.ProgressEntryWhereInput {
  const verifier = progressEntriesVerifiableBy(actor);
  return { OR: [{ learnerId: actor.userId }, ...(verifier ? [verifier] : [])] };
}

/** Only apprentices log off-the-job training. */
export function mayLogOtj(actor: Actor): boolean {
  return hasRole(actor, "APPRENTICE");
}

// ───────────────────────────── the employer's inbox ─────────────────────────────

/**
 * What the employer's inbox reaches: the apprenticeships and placements of the admin's employer,
 * or naming the supervisor at theirs, as `where`s and as the id arrays for its SQL count. Null:
 * the actor has no inbox.
 */
export function inboxReachOf(actor: Actor) {
  const side = employerSideOf(actor, "EMPLOYER");
  if (!side.admin.length && !side.supervisor.length) return null;
  const apprenticeships: Prisma.ApprenticeshipWhereInput = { OR: hostedOr(actor, side) };
  const placements: Prisma.PlacementWhereInput = { OR: hostedOr(actor, side) };
  return { ...side, apprenticeships, placements };
}

// ───────────────────────────── classes ─────────────────────────────

/** The schools in which the actor may manage classes. */
export function classSchoolsOf(actor: Actor): string[] {
  return orgsWith(actor, "class:manage");
}

/** Classes of those schools. */
export function classesVisibleTo(actor: Actor): Prisma.CohortWhereInput {
  return { organisationId: { in: classSchoolsOf(actor) } };
}

// ───────────────────────────── placements, encounters, Gatsby ─────────────────────────────

/** Schools whose placements, encounters and Gatsby figures the actor manages. */
export function placementSchoolsOf(actor: Actor): string[] {
  return [
    ...new Set(actor.memberships.filter((m) => m.organisationKind === "SCHOOL").map((m) => m.organisationId)),
  ].filter((id) => orgsWith(actor, "placement:manage").includes(id));
}

/** The host side of a placement: admins of the host employer, or the placement's own supervisor. */
export function placementsHostedBy(actor: Actor): Prisma.PlacementWhereInput[] {
  return hostedOr(actor, employerSideOf(actor));
}

/** Placements the actor may see as school staff or as the host. */
export function placementsVisibleTo(actor: Actor): Prisma.PlacementWhereInput {
  const or: Prisma.PlacementWhereInput[] = [...placementsHostedBy(actor)];
  const schools = placementSchoolsOf(actor);
  if (schools.length) or.push({ schoolId: { in: schools } });
  return or.length ? { OR: or } : { id: { in: [] } };
}

/** Which side of a loaded placement the actor is on: the school's, the host's, both or neither. */
export function placementSideOf(
  actor: Actor,
  p: { schoolId: string; employerId: string; supervisorId: string | null },
) {
  const side = employerSideOf(actor);
  const school = placementSchoolsOf(actor).includes(p.schoolId);
  const host =
    side.admin.includes(p.employerId) || (p.supervisorId === actor.userId && side.supervisor.includes(p.employerId));
  return { school, host };
}

/** A pupil's own rows of their placements (feedback read, reflection written). */
export function ownPlacementRows(actor: Actor): Prisma.PlacementPupilWhereInput {
  return { pupilId: actor.userId };
}

// ───────────────────────────── catalogue ─────────────────────────────

/** Organisations through which the actor manages the catalogue (partnership admin); [] for everyone else. */
export function catalogueAdminOrgsOf(actor: Actor): string[] {
  return orgsWith(actor, "catalogue:manage");
}

// ───────────────────────────── organisations and people ─────────────────────────────

/** An organisation's page opens for those holding `permission` in it, and for partnership admins. */
export function mayOpenOrganisation(actor: Actor, organisationId: string, permission: Permission): boolean {
  return hasRole(actor, "PARTNERSHIP_ADMIN") || orgsWith(actor, permission).includes(organisationId);
}

/** People the actor may read (people:read in one of their organisations), and which of their memberships show. */
export function peopleVisibleTo(actor: Actor): {
  people: Prisma.UserWhereInput;
  memberships: Prisma.MembershipWhereInput;
} {
  if (hasRole(actor, "PARTNERSHIP_ADMIN")) return { people: {}, memberships: {} };
  const scope = orgsWith(actor, "people:read");
  return {
    people: { memberships: { some: { organisationId: { in: scope } } } },
    memberships: { organisationId: { in: scope } },
  };
}

/**
 * Whose record the actor may export (subject access): "everyone" for partnership admins, else the
 * schools whose pupils' records they may export (their export covers what those schools hold);
 * null without the permission.
 */
export function subjectAccessReachOf(actor: Actor): "everyone" | string[] | null {
  if (!can(actor, "person:export")) return null;
  return hasRole(actor, "PARTNERSHIP_ADMIN") ? "everyone" : orgsWith(actor, "person:export");
}

/** Organisations whose own, unrounded report the actor may open, with their names. */
export function ownReportOrganisationsOf(actor: Actor): { id: string; name: string }[] {
  const ids = new Set(orgsWith(actor, "report:own-org"));
  return actor.memberships
    .filter((m) => ids.has(m.organisationId))
    .filter((m, i, all) => all.findIndex((x) => x.organisationId === m.organisationId) === i)
    .map((m) => ({ id: m.organisationId, name: m.organisationName }));
}

// ───────────────────────────── educator pathways ─────────────────────────────

/** Schools through which the actor enrols in educator pathways (teachers and school admins). */
export function educatorSchoolsOf(actor: Actor): string[] {
  return orgsWith(actor, "educator:enrol").filter((id) =>
    actor.memberships.some((m) => m.organisationId === id && m.organisationKind === "SCHOOL"),
  );
}

/** School admins enrol colleagues of that school. */
export function mayEnrolColleaguesAt(actor: Actor, schoolId: string): boolean {
  return orgsWith(actor, "educator:enrol-colleague").includes(schoolId);
}
