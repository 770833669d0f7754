/**
 * Who may do what: the one place that maps roles to permissions. Pure (no I/O), so routes,
 * domain services, workers and the access-matrix test all read the same table.
 *
 * A permission is granted through a membership (user × organisation × role); domain services
 * then scope every query to the organisations in which the actor holds it (`orgsWith`).
 */
import type { OrganisationKind, Role } from "~/generated/prisma/enums.ts";

export const PERMISSIONS = {
  "org:approve": ["PARTNERSHIP_ADMIN"],
  "catalogue:manage": ["PARTNERSHIP_ADMIN"],
  "queues:view": ["PARTNERSHIP_ADMIN"],
  "audit:read": ["PARTNERSHIP_ADMIN"],
  "dev-mail:read": ["PARTNERSHIP_ADMIN"],
  "people:read": ["PARTNERSHIP_ADMIN", "SCHOOL_ADMIN", "TEACHER", "EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR", "TUTOR"],
  "staff:invite": ["PARTNERSHIP_ADMIN", "SCHOOL_ADMIN", "EMPLOYER_ADMIN"],
  // An organisation's admins remove people from their own organisation; an account is disabled
  // everywhere (every organisation, every session) only by the partnership admin.
  "membership:remove": ["PARTNERSHIP_ADMIN", "SCHOOL_ADMIN", "EMPLOYER_ADMIN"],
  "user:disable": ["PARTNERSHIP_ADMIN"],
  "pupil:create": ["SCHOOL_ADMIN", "TEACHER"],
  "class:manage": ["SCHOOL_ADMIN", "TEACHER"],
  "progress:log": ["PUPIL", "TEACHER", "APPRENTICE"],
  "progress:verify": ["TEACHER", "TUTOR"],
  "otj:confirm": ["WORKPLACE_SUPERVISOR", "EMPLOYER_ADMIN"],
  "apprentice:enrol": ["EMPLOYER_ADMIN"],
  "review:sign": ["TUTOR", "EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR", "APPRENTICE"],
  "placement:manage": ["SCHOOL_ADMIN", "TEACHER"],
  "placement:host": ["EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR"],
  "report:protected": ["COUNCIL_OFFICER", "PARTNERSHIP_ADMIN"],
  "report:own-org": ["SCHOOL_ADMIN", "EMPLOYER_ADMIN"],
  "report:build": ["PARTNERSHIP_ADMIN"],
  // ── apprenticeships and enrolment views ──
  "apprentice:list": ["EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR"],
  "caseload:read": ["TUTOR"],
  "enrolments:read-all": ["PARTNERSHIP_ADMIN"],
  "people:merge": ["PARTNERSHIP_ADMIN"],
  "educator:enrol": ["TEACHER", "SCHOOL_ADMIN"],
  "educator:enrol-colleague": ["SCHOOL_ADMIN"],
  // ── reviews, placements and the employer's inbox ──
  "inbox:read": ["EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR"],
  "placement:reflect": ["PUPIL"],
  // ── children's data rights: subject access and erasure ──
  "person:export": ["PARTNERSHIP_ADMIN", "SCHOOL_ADMIN"],
  "person:erase": ["PARTNERSHIP_ADMIN"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export type ActorMembership = {
  organisationId: string;
  organisationName: string;
  organisationKind: OrganisationKind;
  role: Role;
};
export type Actor = { userId: string; displayName: string; memberships: ActorMembership[] };

export function rolesGranting(permission: Permission): readonly Role[] {
  return PERMISSIONS[permission];
}

export function can(actor: Actor, permission: Permission): boolean {
  const roles: readonly Role[] = PERMISSIONS[permission];
  return actor.memberships.some((m) => roles.includes(m.role));
}

/** The organisations in which the actor holds a permission: the tenancy scope of a query. */
export function orgsWith(actor: Actor, permission: Permission): string[] {
  const roles: readonly Role[] = PERMISSIONS[permission];
  return [...new Set(actor.memberships.filter((m) => roles.includes(m.role)).map((m) => m.organisationId))];
}

export function hasRole(actor: Actor, role: Role): boolean {
  return actor.memberships.some((m) => m.role === role);
}

/** Pupils-only accounts get the shorter session policy. */
export function isPupilOnly(roles: readonly Role[]): boolean {
  return roles.length > 0 && roles.every((r) => r === "PUPIL");
}

export const ROLE_LABELS: Record<Role, string> = {
  PARTNERSHIP_ADMIN: "Partnership admin",
  TUTOR: "Tutor",
  COUNCIL_OFFICER: "Council officer",
  SCHOOL_ADMIN: "School admin",
  TEACHER: "Teacher",
  PUPIL: "Pupil",
  EMPLOYER_ADMIN: "Employer admin",
  WORKPLACE_SUPERVISOR: "Workplace supervisor",
  APPRENTICE: "Apprentice",
};

/** Which roles an organisation of each kind can hold, for invitations. */
export const ROLES_BY_ORG_KIND: Record<OrganisationKind, Role[]> = {
  SCHOOL: ["SCHOOL_ADMIN", "TEACHER", "PUPIL"],
  EMPLOYER: ["EMPLOYER_ADMIN", "WORKPLACE_SUPERVISOR", "APPRENTICE"],
  PROVIDER: ["PARTNERSHIP_ADMIN", "TUTOR"],
  COUNCIL: ["COUNCIL_OFFICER"],
};
