/**
 * Optional check against passwords known from data breaches, by k-anonymity range query (the
 * Pwned Passwords range API, https://haveibeenpwned.com/API/v3#PwnedPasswords): only the first 5
 * hex characters of the password's SHA-1 leave the server; the service answers every hash suffix
 * it holds under that prefix, and the comparison happens here. `Add-Padding: true` asks for
 * padded answers (extra suffixes with a count of 0), so the answer's size says nothing either.
 *
 * Off unless PASSWORD_BREACH_CHECK_URL is set. It fails open: a slow or failing service never
 * stops anyone choosing a password (the strength check still applies), and it is logged.
 */
import { createHash } from "node:crypto";
import { env } from "~/utils/env.server.ts";
import { logger } from "~/utils/logger.server.ts";

/** The two halves of the password's SHA-1 in upper-case hex: the prefix sent, the suffix kept. */
export function rangeKey(password: string): { prefix: string; suffix: string } {
  const hash = createHash("sha1").update(password, "utf8").digest("hex").toUpperCase();
  return { prefix: hash.slice(0, 5), suffix: hash.slice(5) };
}

/** Whether the range answer lists the suffix with a count above 0 (padding lines have 0). */
export function rangeContains(body: string, suffix: string): boolean {
  for (const line of body.split(/\r?\n/)) {
    const [candidate, count] = line.trim().split(":");
    if (candidate?.toUpperCase() === suffix && Number(count) > 0) return true;
  }
  return false;
}

/** true: known breached; false: not listed, or the check is off or could not answer in time. */
export async function isBreachedPassword(password: string): Promise<boolean> {
  const { PASSWORD_BREACH_CHECK_URL: base, PASSWORD_BREACH_CHECK_TIMEOUT_MS: timeout } = env();
  if (!base) return false;
  const { prefix, suffix } = rangeKey(password);
  try {
    const response = await fetch(`${base}${prefix}`, {
      headers: { "Add-Padding": "true", "User-Agent": "staffordshire-digital-skills" },
      signal: AbortSignal.timeout(timeout),
    });
    if (!response.ok) throw new Error(`status ${response.status}`);
    return rangeContains(await response.text(), suffix);
  } catch (error) {
    logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      "password breach check failed; password accepted without it",
    );
    return false;
  }
}
