/** The navigation each person sees, derived from their permissions. Pure. */
import { can, type Actor } from "~/auth/permissions.ts";

export type NavItem = { to: string; label: string };

export function navigationFor(actor: Actor): NavItem[] {
  const items: NavItem[] = [{ to: "/", label: "Home" }];
  const firstOrg = (kinds: string[]) => actor.memberships.find((m) => kinds.includes(m.organisationKind) && ["SCHOOL_ADMIN", "EMPLOYER_ADMIN", "TEACHER", "PARTNERSHIP_ADMIN"].includes(m.role));
  const org = firstOrg(["SCHOOL", "EMPLOYER", "PROVIDER"]);
  if (org && (can(actor, "staff:invite") || can(actor, "pupil:create"))) items.push({ to: `/org/${org.organisationId}/people`, label: "People" });
  if (can(actor, "org:approve")) items.push({ to: "/admin/organisations", label: "Organisations" });
  if (can(actor, "queues:view")) items.push({ to: "/admin/queues", label: "Queues" });
  items.push({ to: "/account", label: "Account" });
  return items;
}
