/**
 * Password rules, pure: shared by the server's check (app/auth/password-check.server.ts) and the
 * forms' hints. They follow NIST SP 800-63B §3.1.1.2 "Password verifiers" and the NCSC's
 * password guidance ("Password administration for system owners"; "Three random words"):
 * - a minimum length and a generous maximum (at least 64), any characters, paste allowed,
 *   each Unicode code point counting as one character;
 * - no composition rules (no "one capital, one digit") and no periodic expiry;
 * - passwords an attacker would try early are refused: NIST's "commonly used, expected, or
 *   compromised" values and "context-specific words" (the service's name, the person's name and
 *   address). A strength estimator (zxcvbn) does this instead of a short list: it recognises
 *   common passwords, words, names, keyboard patterns, dates, sequences and l33t variants, and
 *   is given the person's own details and this service's words as a dictionary of their own.
 */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/**
 * zxcvbn scores 0–4 by estimated guesses; 3 means at least 10^8 guesses ("safely unguessable:
 * moderate protection from an offline slow-hash scenario"), which argon2id and sign-in
 * throttling make the slow case. Three random words score 4.
 */
export const MIN_STRENGTH_SCORE = 3;

/** Words about this service and where it runs: the first an attacker would try here. */
export const SERVICE_WORDS = [
  "staffordshire",
  "staffs",
  "stoke",
  "stoke-on-trent",
  "stokeontrent",
  "digital",
  "skills",
  "digitalskills",
  "tracker",
  "partnership",
  "apprentice",
  "apprenticeship",
  "school",
  "academy",
  "pupil",
  "student",
  "teacher",
  "employer",
];

export type PasswordContext = {
  email?: string | null;
  username?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  organisationName?: string | null;
};

/** The person's own details, split into the pieces a password might be built from, and the service's words. */
export function userInputsFor(context: PasswordContext): string[] {
  const pieces = new Set<string>(SERVICE_WORDS);
  const add = (value: string | null | undefined) => {
    const text = value?.trim().toLowerCase();
    if (!text) return;
    pieces.add(text);
    for (const part of text.split(/[\s.@_+\-']+/)) if (part.length >= 3) pieces.add(part);
  };
  add(context.email);
  add(context.email?.split("@")[0]);
  add(context.username);
  add(context.firstName);
  add(context.lastName);
  if (context.firstName && context.lastName) add(`${context.firstName}${context.lastName}`.replace(/\s+/g, ""));
  add(context.organisationName);
  return [...pieces];
}

/** Length in characters as a person counts them (code points, not UTF-16 units). */
export const passwordLength = (password: string) => [...password].length;

/** The words of the example in the advice (STRENGTH_ADVICE): copying it is refused. */
const EXAMPLE_WORDS = ["kettle", "orbit", "marsh"];

/** What length and the example alone rule out, before any estimate. */
export function plainProblem(password: string): string | null {
  const length = passwordLength(password);
  if (length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  // The estimator does not know our example, and people copy examples.
  if (password.toLowerCase().replace(/[^a-z]/g, "") === EXAMPLE_WORDS.join(""))
    return "Choose your own words, not the ones in our example.";
  return null;
}

// zxcvbn's feedback comes as keys (no translations are loaded); these are its sentences in plain
// British English. Its advice to add capitals or symbols is not passed on: there are no
// composition rules here, and longer, less common words do more.
const WARNINGS: Record<string, string> = {
  straightRow: "Straight rows of keys, like “qwerty”, are easy to guess.",
  keyPattern: "Short keyboard patterns are easy to guess.",
  simpleRepeat: "Repeated characters, like “aaa”, are easy to guess.",
  extendedRepeat: "Repeated patterns, like “abcabcabc”, are easy to guess.",
  sequences: "Sequences, like “abc” or “1234”, are easy to guess.",
  recentYears: "Recent years are easy to guess.",
  dates: "Dates are easy to guess.",
  topTen: "This is one of the most used passwords.",
  topHundred: "This is a very commonly used password.",
  common: "This is a commonly used password.",
  similarToCommon: "This is too like a commonly used password.",
  wordByItself: "A single word is easy to guess.",
  namesByThemselves: "Names on their own are easy to guess.",
  commonNames: "Common first names and surnames are easy to guess.",
  userInputs: "It uses your name, your email address or the name of this service or county.",
  pwned: "This password has appeared in a data breach on another website, so attackers try it early.",
};

const SUGGESTIONS: Record<string, string | null> = {
  l33t: "Swapping letters for look-alike numbers or symbols, like “@” for “a”, does not help much.",
  reverseWords: "Spelling a common word backwards does not help much.",
  allUppercase: null,
  capitalization: null,
  dates: "Avoid dates and years that mean something to you.",
  recentYears: "Avoid recent years.",
  associatedYears: "Avoid years that mean something to you.",
  sequences: "Avoid sequences of letters or numbers.",
  repeated: "Avoid repeated words and characters.",
  longerKeyboardPattern: "Avoid keyboard patterns.",
  anotherWord: null, // said by STRENGTH_ADVICE, which every refusal ends with
  useWords: "Use several words, but not a well-known phrase.",
  noNeed: null,
  pwned: "Choose a password you have not used anywhere else.",
};

/** The advice every refusal ends with, so there is always something to do. */
export const STRENGTH_ADVICE = `Three or more random words, like “${EXAMPLE_WORDS.join(" ")}”, make a strong password that is easy to remember.`;

/** One paragraph saying why the password was refused and what to do instead, from zxcvbn's feedback keys. */
export function weakPasswordMessage(feedback: { warning: string | null; suggestions: string[] }): string {
  const sentences = ["This password would be easy to guess."];
  if (feedback.warning && WARNINGS[feedback.warning]) sentences.push(WARNINGS[feedback.warning]);
  for (const key of feedback.suggestions) {
    const suggestion = SUGGESTIONS[key];
    if (suggestion && !sentences.includes(suggestion)) sentences.push(suggestion);
  }
  sentences.push(STRENGTH_ADVICE);
  return sentences.join(" ");
}

/** A breached password is refused with its own reason (NIST SP 800-63B §3.1.1.2: "compromised values"). */
export const BREACHED_PASSWORD_MESSAGE = `${WARNINGS.pwned} ${SUGGESTIONS.pwned} ${STRENGTH_ADVICE}`;
