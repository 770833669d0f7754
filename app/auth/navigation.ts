/** The navigation each person sees, derived from their permissions. Pure. */
import { can, type Actor } from "~/auth/permissions.ts";

export type NavItem = { to: string; label: string };

/** Counts shown in labels; the root loader passes them (the employer's inbox). */
export type NavCounts = { inbox?: number | null; /** entries waiting for this verifier */ verify?: number | null };

export function navigationFor(actor: Actor, counts: NavCounts = {}): NavItem[] {
  const items: NavItem[] = [{ to: "/", label: "Home" }];
  const firstOrg = (kinds: string[]) =>
    actor.memberships.find(
      (m) =>
        kinds.includes(m.organisationKind) &&
        ["SCHOOL_ADMIN", "EMPLOYER_ADMIN", "TEACHER", "PARTNERSHIP_ADMIN"].includes(m.role),
    );
  const org = firstOrg(["SCHOOL", "EMPLOYER", "PROVIDER"]);
  if (org && (can(actor, "staff:invite") || can(actor, "pupil:create")))
    items.push({ to: `/org/${org.organisationId}/people`, label: "People" });
  // Catalogue and enrolment: a school's classes; the partnership's catalogue.
  if (can(actor, "class:manage")) items.push({ to: "/classes", label: "Classes" });
  if (can(actor, "org:approve")) items.push({ to: "/admin/organisations", label: "Organisations" });
  if (can(actor, "catalogue:manage")) items.push({ to: "/admin/catalogue", label: "Catalogue" });
  if (can(actor, "queues:view")) items.push({ to: "/admin/queues", label: "Queues" });
  // ── audit log search ──
  if (can(actor, "audit:read")) items.push({ to: "/admin/audit", label: "Audit log" });
  // ── apprenticeships and enrolment ──
  if (can(actor, "apprentice:list")) items.push({ to: "/employer/apprentices", label: "Apprentices" });
  if (can(actor, "caseload:read")) items.push({ to: "/tutor/apprentices", label: "Caseload" });
  if (actor.memberships.some((m) => m.role === "APPRENTICE"))
    items.push({ to: "/apprenticeships", label: "My apprenticeship" });
  if (can(actor, "educator:enrol")) items.push({ to: "/educator", label: "Educator pathway" });
  if (can(actor, "enrolments:read-all")) items.push({ to: "/admin/enrolments", label: "Enrolments" });
  if (can(actor, "people:merge")) items.push({ to: "/admin/people/merge", label: "Merge people" });
  if (can(actor, "report:protected") || can(actor, "report:own-org")) items.push({ to: "/reports", label: "Reports" });
  // ── reviews, placements and the employer's inbox ──
  if (can(actor, "inbox:read"))
    items.push({ to: "/employer/inbox", label: counts.inbox == null ? "Inbox" : `Inbox (${counts.inbox})` });
  if (can(actor, "review:sign")) items.push({ to: "/reviews", label: "Reviews" });
  if (can(actor, "placement:manage") || can(actor, "placement:host"))
    items.push({ to: "/placements", label: "Placements" });
  if (can(actor, "placement:reflect")) items.push({ to: "/placements/mine", label: "My work experience" });
  // ── progress and off-the-job training ──
  if (can(actor, "progress:log"))
    items.push({ to: "/log", label: "Log learning" }, { to: "/learning", label: "My learning" });
  if (can(actor, "progress:verify") || can(actor, "otj:confirm"))
    items.push({ to: "/verify", label: counts.verify ? `Verify (${counts.verify})` : "Verify" });
  if (can(actor, "otj:confirm")) items.push({ to: "/employer/otj", label: "Off-the-job" });
  items.push({ to: "/account", label: "Account" });
  return items;
}
