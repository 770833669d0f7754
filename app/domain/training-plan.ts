/**
 * When a training plan is agreed: signed by all three parties (the apprentice, the employer and
 * the training provider), at the moment of the last of the three signatures. The apprenticeship
 * funding rules require the training plan to be signed by all three before training starts, so
 * learning logged before that moment is flagged (on the apprenticeship page and on the
 * apprentice's own page, which both use this module).
 *
 * Written once, in the forms its readers need: predicates on plain values, a Prisma `where` and
 * SQL text (plain text for the reason given in app/domain/counting.ts; the models wrap it in
 * app/models/rule-sql.server.ts).
 */
import { toIsoDate, toUtcDate } from "~/domain/dates.ts";

export type PlanParty = "apprentice" | "employer" | "tutor";
export const PLAN_PARTIES: readonly PlanParty[] = ["apprentice", "employer", "tutor"];

export type PlanSignatures = {
  apprenticeSignedAt: Date | null;
  employerSignedAt: Date | null;
  tutorSignedAt: Date | null;
};

export function isPlanFullySigned(plan: PlanSignatures | null | undefined): boolean {
  return Boolean(plan?.apprenticeSignedAt && plan.employerSignedAt && plan.tutorSignedAt);
}

/** When the last of the three signatures was given, or null while any is missing. */
export function planFullySignedAt(plan: PlanSignatures | null | undefined): Date | null {
  if (!plan || !isPlanFullySigned(plan)) return null;
  return new Date(
    Math.max(plan.apprenticeSignedAt!.getTime(), plan.employerSignedAt!.getTime(), plan.tutorSignedAt!.getTime()),
  );
}

/**
 * Whether a piece of learning was logged before the plan was fully signed: everything while the
 * plan is unsigned; after, anything recorded before the last signature or dated (UTC day) before
 * the day it was given.
 */
export function loggedBeforePlanSigned(entry: { createdAt: Date; occurredOn: Date }, signedAt: Date | null): boolean {
  if (!signedAt) return true;
  return entry.createdAt < signedAt || toIsoDate(entry.occurredOn) < toIsoDate(signedAt);
}

/** The same rule as a Prisma `where` on ProgressEntry, for a plan signed at `signedAt` (or not yet). */
export function loggedBeforePlanSignedWhere(signedAt: Date | null) {
  if (!signedAt) return {};
  return { OR: [{ createdAt: { lt: signedAt } }, { occurredOn: { lt: toUtcDate(toIsoDate(signedAt)) } }] };
}

/** When the plan aliased `tp` (training_plans) was fully signed, or NULL: SQL text. */
export const PLAN_SIGNED_AT_SQL_TEXT =
  "(CASE WHEN tp.apprentice_signed_at IS NOT NULL AND tp.employer_signed_at IS NOT NULL AND tp.tutor_signed_at IS NOT NULL " +
  "THEN GREATEST(tp.apprentice_signed_at, tp.employer_signed_at, tp.tutor_signed_at) END)";

/** loggedBeforePlanSigned for the entry `pe` and the plan `tp` (a LEFT JOIN: no plan is unsigned): SQL text. */
export const LOGGED_BEFORE_PLAN_SIGNED_SQL_TEXT =
  `(${PLAN_SIGNED_AT_SQL_TEXT} IS NULL OR pe.created_at < ${PLAN_SIGNED_AT_SQL_TEXT} ` +
  `OR pe.occurred_on < (${PLAN_SIGNED_AT_SQL_TEXT} AT TIME ZONE 'UTC')::date)`;
