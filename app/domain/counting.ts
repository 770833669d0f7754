/**
 * What counts in the progress ledger: off-the-job hours, completed modules and learning time,
 * and so every figure built from them (the apprenticeship page, the learner's dashboard, the
 * reminders, the class grid's "stuck" flag, the auditor's OTJ report and the council's outcome
 * report). One rule, written here once in the three forms its readers need: a predicate on a
 * plain entry, a Prisma `where`, and SQL text over progress_entries aliased `pe`.
 *
 * An entry counts when it is the latest version (not superseded), has been verified, and, if it
 * is an activity done at work, has also been confirmed by the workplace supervisor: the two keys
 * of docs/decisions/014-progress-ledger-and-otj-verification.md (the employer confirms
 * off-the-job hours; a tutor's verification alone does not show that an activity done at work
 * happened there).
 *
 * The SQL is plain text, not a Prisma.sql fragment: app/domain does no I/O and imports nothing
 * server-only (components import these modules too), and the generated Prisma client is both.
 * app/models/rule-sql.server.ts wraps the text once for raw queries.
 */

export type CountableEntry = {
  supersededAt: Date | null;
  status: "PENDING" | "VERIFIED" | "REJECTED";
  atWork: boolean;
  supervisorConfirmedAt: Date | null;
};

/** Latest version, verified, and (for an activity done at work) confirmed by the supervisor. */
export function entryCounts(e: CountableEntry): boolean {
  return e.supersededAt === null && e.status === "VERIFIED" && (!e.atWork || e.supervisorConfirmedAt !== null);
}

/** The rule as a Prisma `where` on ProgressEntry. */
export const COUNTING_WHERE = {
  supersededAt: null,
  status: "VERIFIED" as const,
  OR: [{ atWork: false }, { supervisorConfirmedAt: { not: null } }],
};

/** The latest, verified part of the rule, SQL over `pe`: the whole rule for kinds never done at work. */
export const LATEST_VERIFIED_SQL_TEXT = "pe.superseded_at IS NULL AND pe.status = 'VERIFIED'";

/** The rule as SQL over progress_entries aliased `pe`. */
export const COUNTING_SQL_TEXT = `${LATEST_VERIFIED_SQL_TEXT} AND (pe.at_work = false OR pe.supervisor_confirmed_at IS NOT NULL)`;
