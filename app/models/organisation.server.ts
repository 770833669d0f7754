/**
 * Organisations: approval and suspension (registration is app/models/registration.server.ts),
 * and reading one organisation and its people within the actor's reach.
 * Every read takes the actor and keeps the organisation in its `where` clause.
 */
import { db } from "~/db/client.server.ts";
import type { OrganisationStatus } from "~/generated/prisma/enums.ts";
import { can, type Actor, type Permission } from "~/auth/permissions.ts";
import { mayOpenOrganisation, peopleVisibleTo } from "~/auth/reach.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { notFound } from "~/utils/http-errors.ts";

export async function listOrganisations(actor: Actor, filter: { status?: OrganisationStatus } = {}) {
  if (!can(actor, "org:approve")) notFound();
  return db().organisation.findMany({
    where: { status: filter.status },
    orderBy: [{ status: "asc" }, { name: "asc" }],
    select: {
      id: true,
      name: true,
      kind: true,
      status: true,
      urn: true,
      companyNumber: true,
      createdAt: true,
      district: { select: { name: true } },
    },
  });
}

export async function setOrganisationStatus(actor: Actor, organisationId: string, status: OrganisationStatus) {
  if (!can(actor, "org:approve")) notFound();
  const updated = await db().organisation.updateMany({
    where: { id: organisationId },
    data: { status, approvedAt: status === "APPROVED" ? new Date() : undefined },
  });
  if (updated.count !== 1) notFound();
  await audit({
    actorId: actor.userId,
    action: `organisation.${status.toLowerCase()}`,
    subjectType: "organisation",
    subjectId: organisationId,
    organisationId,
  });
}

/** One organisation, if the actor holds `permission` in it (partnership admins see all). */
export async function getOrganisation(actor: Actor, organisationId: string, permission: Permission) {
  if (!mayOpenOrganisation(actor, organisationId, permission)) notFound();
  const organisation = await db().organisation.findFirst({
    where: { id: organisationId },
    select: { id: true, name: true, kind: true, status: true, district: { select: { name: true } } },
  });
  if (!organisation) notFound();
  return organisation;
}

export async function listMembers(actor: Actor, organisationId: string) {
  await getOrganisation(actor, organisationId, "people:read");
  return db().membership.findMany({
    where: { organisationId },
    orderBy: [{ role: "asc" }, { user: { lastName: "asc" } }],
    select: {
      role: true,
      user: {
        select: {
          id: true,
          firstName: true,
          lastName: true,
          email: true,
          username: true,
          yearGroup: true,
          disabledAt: true,
        },
      },
    },
  });
}

/** A person's record, if the actor may read people in one of that person's organisations. */
export async function getPerson(actor: Actor, userId: string) {
  const reach = peopleVisibleTo(actor);
  const person = await db().user.findFirst({
    where: { id: userId, erasedAt: null, ...reach.people },
    select: {
      id: true,
      firstName: true,
      lastName: true,
      email: true,
      username: true,
      yearGroup: true,
      disabledAt: true,
      createdAt: true,
      memberships: {
        where: reach.memberships,
        select: { role: true, organisation: { select: { id: true, name: true } } },
      },
    },
  });
  if (!person) notFound();
  return person;
}
