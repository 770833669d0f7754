/**
 * Who may read an apprenticeship, in one place for the apprenticeship pages and the progress
 * ledger: the apprentice; their tutor, at the provider where they tutor; their workplace
 * supervisor, at the employer where they supervise; that employer's admins; and partnership
 * admins, who may read everything. Anything else answers 404.
 */
import type { Prisma } from "~/generated/prisma/client.ts";
import { can, type Actor } from "~/auth/permissions.ts";
import type { OrganisationKind, Role } from "~/generated/prisma/enums.ts";

function orgsWhere(actor: Actor, role: Role, kind: OrganisationKind): string[] {
  return [...new Set(actor.memberships.filter((m) => m.role === role && m.organisationKind === kind).map((m) => m.organisationId))];
}

export function apprenticeshipsVisibleTo(actor: Actor): Prisma.ApprenticeshipWhereInput {
  if (can(actor, "audit:read")) return {};
  const or: Prisma.ApprenticeshipWhereInput[] = [{ apprenticeId: actor.userId }];
  const employers = orgsWhere(actor, "EMPLOYER_ADMIN", "EMPLOYER");
  if (employers.length) or.push({ employerId: { in: employers } });
  const supervising = orgsWhere(actor, "WORKPLACE_SUPERVISOR", "EMPLOYER");
  if (supervising.length) or.push({ supervisorId: actor.userId, employerId: { in: supervising } });
  const providers = orgsWhere(actor, "TUTOR", "PROVIDER");
  if (providers.length) or.push({ tutorId: actor.userId, providerId: { in: providers } });
  return { OR: or };
}
