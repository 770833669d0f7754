/**
 * Exam codes churn (domain notes): MS-900 was replaced by AB-900, AI-900 by AI-901. A retired
 * code names its successor, and an achievement under the old code keeps counting as the current
 * one. Pure: the credentials table is passed in.
 */

export interface CredentialLink {
  code: string;
  successorCode?: string | null;
}

/**
 * The code an achievement counts as today: follows successor links to the end of the chain
 * (AI-900 → AI-901, and any later renaming). Unknown codes count as themselves. A cycle in the
 * data (A → B → A) stops at the last code before it repeats, so a bad row never loops forever.
 */
export function creditedCredential(code: string, credentials: readonly CredentialLink[]): string {
  const successor = new Map(credentials.map((c) => [c.code, c.successorCode ?? null]));
  const seen = new Set<string>([code]);
  let current = code;
  for (;;) {
    const next = successor.get(current);
    if (!next || seen.has(next)) return current;
    seen.add(next);
    current = next;
  }
}

/** The retired codes that count as `code` (its predecessors, transitively), oldest links last. */
export function codesCreditedAs(code: string, credentials: readonly CredentialLink[]): string[] {
  return credentials
    .filter((c) => c.code !== code && creditedCredential(c.code, credentials) === code)
    .map((c) => c.code);
}

/** Distinct credited codes for a set of achievements, e.g. for "credentials by exam code". */
export function creditedCodes(codes: readonly string[], credentials: readonly CredentialLink[]): string[] {
  return [...new Set(codes.map((c) => creditedCredential(c, credentials)))];
}
