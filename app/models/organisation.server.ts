/**
 * Organisations: registration (pending until the partnership approves), approval and
 * suspension, and reading one organisation and its people within the actor's reach.
 * Every read takes the actor and keeps the organisation in its `where` clause.
 */
import { db } from "~/db/client.server.ts";
import type { OrganisationKind, OrganisationStatus, Role } from "~/generated/prisma/enums.ts";
import { hashPassword } from "~/auth/password.server.ts";
import { passwordProblem } from "~/auth/password-policy.ts";
import { AccountError } from "~/auth/account.server.ts";
import { can, hasRole, orgsWith, type Actor, type Permission } from "~/auth/permissions.ts";
import { audit } from "~/utils/audit.server.ts";

const ADMIN_ROLE_FOR: Partial<Record<OrganisationKind, Role>> = { SCHOOL: "SCHOOL_ADMIN", EMPLOYER: "EMPLOYER_ADMIN" };

export type Registration = {
  kind: "SCHOOL" | "EMPLOYER";
  name: string;
  districtCode: string;
  urn?: string;
  companyNumber?: string;
  sector?: string;
  firstName: string;
  lastName: string;
  email: string;
  password: string;
};

/** A school or employer asks to join; its first admin account is created with it. */
export async function registerOrganisation(input: Registration) {
  const problem = passwordProblem(input.password, { email: input.email });
  if (problem) throw new AccountError(problem);
  // The form offers the districts as a list; a code of the right shape that is not one of them is refused here, not by the foreign key.
  if (!(await db().district.findUnique({ where: { code: input.districtCode }, select: { code: true } })))
    throw new AccountError("Choose the area the organisation is in from the list.");
  if (await db().user.findUnique({ where: { email: input.email }, select: { id: true } }))
    throw new AccountError("An account with that email address already exists. Sign in, or ask your organisation's admin to invite you.");
  if (input.urn && (await db().organisation.findUnique({ where: { urn: input.urn }, select: { id: true } })))
    throw new AccountError("A school with that URN is already registered. Ask its admin to invite you.");
  if (input.companyNumber && (await db().organisation.findUnique({ where: { companyNumber: input.companyNumber }, select: { id: true } })))
    throw new AccountError("An employer with that company number is already registered. Ask its admin to invite you.");
  const passwordHash = await hashPassword(input.password);
  return db().$transaction(async (tx) => {
    const organisation = await tx.organisation.create({
      data: { name: input.name, kind: input.kind, districtCode: input.districtCode, urn: input.urn || null, companyNumber: input.companyNumber || null, sector: input.sector || null },
      select: { id: true },
    });
    const user = await tx.user.create({ data: { email: input.email, firstName: input.firstName, lastName: input.lastName, passwordHash }, select: { id: true } });
    const role = ADMIN_ROLE_FOR[input.kind]!;
    await tx.membership.create({ data: { userId: user.id, organisationId: organisation.id, role } });
    await audit({ actorId: user.id, action: "organisation.register", subjectType: "organisation", subjectId: organisation.id, organisationId: organisation.id }, tx);
    return { organisationId: organisation.id, userId: user.id, roles: [role] };
  });
}

export async function listOrganisations(actor: Actor, filter: { status?: OrganisationStatus } = {}) {
  if (!can(actor, "org:approve")) throw new Response("Not found", { status: 404 });
  return db().organisation.findMany({
    where: { status: filter.status },
    orderBy: [{ status: "asc" }, { name: "asc" }],
    select: { id: true, name: true, kind: true, status: true, urn: true, companyNumber: true, createdAt: true, district: { select: { name: true } } },
  });
}

export async function setOrganisationStatus(actor: Actor, organisationId: string, status: OrganisationStatus) {
  if (!can(actor, "org:approve")) throw new Response("Not found", { status: 404 });
  const updated = await db().organisation.updateMany({
    where: { id: organisationId },
    data: { status, approvedAt: status === "APPROVED" ? new Date() : undefined },
  });
  if (updated.count !== 1) throw new Response("Not found", { status: 404 });
  await audit({ actorId: actor.userId, action: `organisation.${status.toLowerCase()}`, subjectType: "organisation", subjectId: organisationId, organisationId });
}

/** One organisation, if the actor holds `permission` in it (partnership admins see all). */
export async function getOrganisation(actor: Actor, organisationId: string, permission: Permission) {
  const global = hasRole(actor, "PARTNERSHIP_ADMIN");
  const scope = orgsWith(actor, permission);
  if (!global && !scope.includes(organisationId)) throw new Response("Not found", { status: 404 });
  const organisation = await db().organisation.findFirst({
    where: { id: organisationId },
    select: { id: true, name: true, kind: true, status: true, district: { select: { name: true } } },
  });
  if (!organisation) throw new Response("Not found", { status: 404 });
  return organisation;
}

export async function listMembers(actor: Actor, organisationId: string) {
  await getOrganisation(actor, organisationId, "people:read");
  return db().membership.findMany({
    where: { organisationId },
    orderBy: [{ role: "asc" }, { user: { lastName: "asc" } }],
    select: { role: true, user: { select: { id: true, firstName: true, lastName: true, email: true, username: true, yearGroup: true, disabledAt: true } } },
  });
}

/** A person's record, if the actor may read people in one of that person's organisations. */
export async function getPerson(actor: Actor, userId: string) {
  const global = hasRole(actor, "PARTNERSHIP_ADMIN");
  const scope = orgsWith(actor, "people:read");
  const person = await db().user.findFirst({
    where: { id: userId, erasedAt: null, ...(global ? {} : { memberships: { some: { organisationId: { in: scope } } } }) },
    select: {
      id: true,
      firstName: true,
      lastName: true,
      email: true,
      username: true,
      yearGroup: true,
      disabledAt: true,
      createdAt: true,
      memberships: { where: global ? {} : { organisationId: { in: scope } }, select: { role: true, organisation: { select: { id: true, name: true } } } },
    },
  });
  if (!person) throw new Response("Not found", { status: 404 });
  return person;
}
