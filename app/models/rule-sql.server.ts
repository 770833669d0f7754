/**
 * The domain's rules as ready-made query fragments for the models. Each rule lives in its
 * app/domain module (app/domain/counting.ts, app/domain/training-plan.ts,
 * app/domain/awaiting-confirmation.ts) as a predicate and
 * as plain SQL text; this file only wraps that text in Prisma.sql values and types the `where`
 * objects, so no model writes a rule again.
 */
import { Prisma } from "~/generated/prisma/client.ts";
import {
  COUNTING_SQL_TEXT,
  COUNTING_WHERE as COUNTING_RULE_WHERE,
  LATEST_VERIFIED_SQL_TEXT,
} from "~/domain/counting.ts";
import { LOGGED_BEFORE_PLAN_SIGNED_SQL_TEXT } from "~/domain/training-plan.ts";
import {
  AWAITING_SUPERVISOR_SQL_TEXT,
  AWAITING_SUPERVISOR_WHERE as AWAITING_SUPERVISOR_RULE_WHERE,
} from "~/domain/awaiting-confirmation.ts";

/** Latest, verified and (for an activity done at work) confirmed by the supervisor. */
export const COUNTING_WHERE = COUNTING_RULE_WHERE satisfies Prisma.ProgressEntryWhereInput;

/** The same rule for raw SQL over progress_entries aliased `pe`. */
export const COUNTING_SQL = Prisma.raw(COUNTING_SQL_TEXT);

/**
 * Only the latest-and-verified part, for queries restricted to kinds that are never logged at
 * work (learning time, module completions, credentials: the log form sets at_work only on an
 * OTJ activity), where it is the whole rule and keeps the report's index-only scan.
 */
export const LATEST_VERIFIED_SQL = Prisma.raw(LATEST_VERIFIED_SQL_TEXT);

/** The entry `pe` was logged before the plan `tp` was signed by all three (or the plan is unsigned). */
export const LOGGED_BEFORE_PLAN_SIGNED_SQL = Prisma.raw(LOGGED_BEFORE_PLAN_SIGNED_SQL_TEXT);

/** An activity done at work, latest version, not rejected, waiting for the supervisor's confirmation. */
export const AWAITING_SUPERVISOR_WHERE = AWAITING_SUPERVISOR_RULE_WHERE satisfies Prisma.ProgressEntryWhereInput;

/** The same rule for raw SQL over progress_entries aliased `pe`. */
export const AWAITING_SUPERVISOR_SQL = Prisma.raw(AWAITING_SUPERVISOR_SQL_TEXT);
