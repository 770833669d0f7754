/**
 * The server's check of a new password against the rules in password-policy.ts: length, then
 * zxcvbn's strength estimate with the person's own details as a dictionary, then (when turned on)
 * the breached-password range query. Every page that sets a password goes through here.
 *
 * zxcvbn's dictionaries (about 9 MB of packages) are loaded once per process, on the first check,
 * never at start-up and never in the browser bundle (this is a *.server module).
 */
import type { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { isBreachedPassword } from "~/auth/password-breach.server.ts";
import {
  BREACHED_PASSWORD_MESSAGE,
  plainProblem,
  MIN_STRENGTH_SCORE,
  userInputsFor,
  weakPasswordMessage,
  type PasswordContext,
} from "~/auth/password-policy.ts";

/**
 * The estimate looks at the first 64 characters (zxcvbn's own `maxLength`): a password whose
 * start is guessable is refused even if it goes on, which errs on the safe side.
 */
const ESTIMATE_MAX_CHARACTERS = 64;

let estimator: Promise<ZxcvbnFactory> | undefined;

/** zxcvbn with the common and English dictionaries, built on first use and shared after. */
export function strengthEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import("@zxcvbn-ts/core"),
      import("@zxcvbn-ts/language-common"),
      import("@zxcvbn-ts/language-en"),
    ]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      // No translations: feedback comes back as keys, which password-policy.ts words itself.
      // Bounds on the work one check can do (it runs on the event loop): with the defaults (256
      // characters, 100 l33t substitutions) a password of look-alike symbols took seconds here.
      maxLength: ESTIMATE_MAX_CHARACTERS,
      l33tMaxSubstitutions: 4,
    });
  })();
  estimator.catch(() => (estimator = undefined)); // a failed load is tried again next time
  return estimator;
}

/** Returns why the password cannot be used (one paragraph a person can act on), or null when it can. */
export async function passwordProblem(password: string, context: PasswordContext = {}): Promise<string | null> {
  const plain = plainProblem(password);
  if (plain) return plain;
  const result = (await strengthEstimator()).check(password, userInputsFor(context));
  if (result.score < MIN_STRENGTH_SCORE) return weakPasswordMessage(result.feedback);
  if (await isBreachedPassword(password)) return BREACHED_PASSWORD_MESSAGE;
  return null;
}
