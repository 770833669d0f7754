/**
 * When an off-the-job activity waits for the workplace supervisor: it was done at work, it is the
 * latest version (not superseded), nobody has rejected it, and the supervisor has not yet
 * confirmed it. The tutor's verification may come before or after (the two keys of
 * docs/decisions/014-progress-ledger-and-otj-verification.md), so a verified entry can still be
 * waiting. One rule for the supervisor's queue and its count, the employer's inbox and its
 * digest email, the "awaiting confirmation" figure on the apprenticeship page, and the
 * supervisor's confirm and reject steps; written here in the three forms its readers need, as
 * app/domain/counting.ts is (app/models/rule-sql.server.ts wraps the SQL text).
 *
 * Only an off-the-job activity is ever logged at work (the log form sets at_work only there), so
 * the kind is part of the rule rather than left to each reader.
 */

export type ConfirmableEntry = {
  kind: string;
  atWork: boolean;
  supersededAt: Date | null;
  status: "PENDING" | "VERIFIED" | "REJECTED";
  supervisorConfirmedAt: Date | null;
};

/** An activity done at work, latest version, not rejected, not yet confirmed by the supervisor. */
export function awaitsSupervisor(e: ConfirmableEntry): boolean {
  return (
    e.kind === "OTJ_ACTIVITY" &&
    e.atWork &&
    e.supersededAt === null &&
    e.status !== "REJECTED" &&
    e.supervisorConfirmedAt === null
  );
}

/** The rule as a Prisma `where` on ProgressEntry. */
export const AWAITING_SUPERVISOR_WHERE = {
  kind: "OTJ_ACTIVITY" as const,
  atWork: true,
  supersededAt: null,
  supervisorConfirmedAt: null,
  status: { not: "REJECTED" as const },
};

/** The rule as SQL over progress_entries aliased `pe`. */
export const AWAITING_SUPERVISOR_SQL_TEXT =
  "pe.kind = 'OTJ_ACTIVITY' AND pe.at_work AND pe.superseded_at IS NULL AND pe.supervisor_confirmed_at IS NULL AND pe.status <> 'REJECTED'";
