/**
 * One-time secrets for links and paper codes. Pure helpers: generation and hashing. Only the
 * SHA-256 hash is stored (auth_tokens.token_hash); the secret exists in the link or on paper.
 */
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";

export function newLinkSecret(): string {
  const bytes = new Uint8Array(20); // 160 bits
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

// No 0/O, 1/I/L: the code is read off paper by a child.
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/** An 8-character code printed as XXXX-XXXX (≈ 40 bits; single use, expires, throttled). */
export function newSetupCode(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  const chars = [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]);
  return `${chars.slice(0, 4).join("")}-${chars.slice(4).join("")}`;
}

export function normaliseSetupCode(input: string): string {
  const compact = input.toUpperCase().replace(/[^A-Z0-9]/g, "");
  return compact.length === 8 ? `${compact.slice(0, 4)}-${compact.slice(4)}` : compact;
}

export function hashToken(secret: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(sha256(new TextEncoder().encode(secret)));
}

export const TOKEN_LIFETIME_MS = {
  PASSWORD_RESET: 60 * 60 * 1000, // 1 hour
  INVITATION: 7 * 24 * 60 * 60 * 1000, // 7 days
  SETUP_CODE: 30 * 24 * 60 * 60 * 1000, // 30 days: handed out in class, used when the pupil is ready
  REGISTRATION: 24 * 60 * 60 * 1000, // 1 day: the request was just made, and the row holds a password hash
} as const;
