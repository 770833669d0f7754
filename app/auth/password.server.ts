/**
 * argon2id hashing at OWASP's minimum (m=19456 KiB, t=2, p=1) or above.
 * A dummy hash is verified for unknown accounts so a wrong email and a wrong password take
 * the same time (no account enumeration by timing).
 */
import { hash, verify } from "@node-rs/argon2";
import { env } from "~/utils/env.server.ts";

const ARGON2ID = 2; // @node-rs/argon2 Algorithm.Argon2id (a const enum, so not importable here)

function options() {
  return { algorithm: ARGON2ID, memoryCost: env().ARGON2_MEMORY_KIB, timeCost: 2, parallelism: 1 } as const;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize("NFKC"), options());
}

let dummyHash: Promise<string> | undefined;

/** Verifies; with no stored hash, burns the same time against a dummy and returns false. */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  const normalised = password.normalize("NFKC");
  if (!storedHash) {
    dummyHash ??= hash("not-a-real-password-0", options());
    await verify(await dummyHash, normalised).catch(() => false);
    return false;
  }
  return verify(storedHash, normalised).catch(() => false);
}
