/**
 * Sign-in names for people without an email address (pupils): the first name (ASCII letters,
 * at most 12) and the surname's initial, then digits. Pure, shared by the single-pupil form
 * (app/auth/account.server.ts) and the class-list import, so both produce the same shape.
 */

// eslint-disable-next-line no-control-regex -- the range is the whole of ASCII, NUL included
const NOT_ASCII = /[^\x00-\x7f]/g;

export function usernameBase(firstName: string, lastName: string): string {
  const ascii = (s: string) =>
    s
      .normalize("NFKD")
      .replace(NOT_ASCII, "")
      .toLowerCase()
      .replace(/[^a-z]/g, "");
  return `${ascii(firstName).slice(0, 12) || "pupil"}${ascii(lastName).slice(0, 1)}`;
}

/**
 * A candidate username: base + 4 random digits; after repeated collisions (a very common name
 * in a large school) 5, then 6 digits, so the search always ends.
 */
export function usernameCandidate(base: string, attempt = 0, random: () => number = Math.random): string {
  const digits = attempt < 5 ? 4 : attempt < 10 ? 5 : 6;
  const low = 10 ** (digits - 1);
  return `${base}${Math.floor(low + random() * (9 * low))}`;
}
