/**
 * Password rules (NIST SP 800-63B / ASVS 2.1): at least 10 characters, up to 128 (no upper limit
 * below 64), any characters, paste allowed, and common or trivially guessable passwords refused.
 * Pure: shared by the server and the forms' hints.
 */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

// The most common breached passwords of 10+ characters, plus the obvious local ones.
const COMMON = new Set(
  [
    "1234567890", "0123456789", "0987654321", "12345678910", "123456789a", "1234567890a",
    "qwertyuiop", "qwerty1234", "qwerty12345", "1q2w3e4r5t", "1qaz2wsx3edc", "q1w2e3r4t5",
    "asdfghjkl1", "zxcvbnm123", "password12", "password123", "password1234", "passw0rd123",
    "iloveyou12", "iloveyou123", "football123", "liverpool1", "liverpool123", "chelsea123",
    "arsenal123", "manchester", "manchester1", "letmein123", "welcome123", "welcome1234",
    "abc1234567", "abcdefghij", "abcd123456", "1234qwerty", "qwertyuiop1", "baseball123",
    "superman123", "monkey1234", "dragon1234", "sunshine12", "princess12", "trustno1234",
    "changeme123", "administrator", "admin12345", "admin123456", "computer123", "internet123",
    "staffordshire", "staffordshire1", "stokeontrent", "stoke12345", "microsoft1", "microsoft123",
    "digitalskills", "apprentice1", "apprentice123", "teacher123", "school1234", "student123",
  ].map((p) => p.toLowerCase()),
);

export type PasswordProblem = string | null;

/** Returns a sentence saying what is wrong, or null when the password is acceptable. */
export function passwordProblem(password: string, context: { email?: string | null; name?: string } = {}): PasswordProblem {
  if (password.length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (password.length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return "That password is too common. Choose something less guessable, such as three random words.";
  if (/^(.)\1+$/.test(password)) return "That password is a single repeated character. Choose something less guessable.";
  if (isSequence(lower)) return "That password is a simple sequence. Choose something less guessable.";
  const local = context.email?.split("@")[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return "Do not use your email address in your password.";
  return null;
}

function isSequence(text: string): boolean {
  const codes = [...text].map((c) => c.charCodeAt(0));
  const step = codes[1] - codes[0];
  if (Math.abs(step) !== 1) return false;
  return codes.every((code, i) => i === 0 || code - codes[i - 1] === step);
}
