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
import { BREACHED_PASSWORD_MESSAGE, plainProblem, MIN_STRENGTH_SCORE, userInputsFor, weakPasswordMessage, type PasswordContext } from "~/auth/password-policy.ts";

let estimator: Promise<ZxcvbnFactory> | undefined;

/** zxcvbn with the common and English dictionaries, built on first use and shared after. */
export function strengthEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([import("@zxcvbn-ts/core"), import("@zxcvbn-ts/language-common"), import("@zxcvbn-ts/language-en")]);
    // No translations: feedback comes back as keys, which password-policy.ts words itself.
    return new ZxcvbnFactory({ dictionary: { ...common.dictionary, ...en.dictionary }, graphs: common.adjacencyGraphs });
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
