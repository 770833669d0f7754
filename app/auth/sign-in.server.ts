/**
 * Email-or-username and password sign-in. An unknown account, a wrong password and a disabled
 * account all get the same message, status and the same time: each verifies one argon2 hash (a
 * dummy one when there is no account) and writes one audit row, so no path skips work another does.
 */
import { db } from "~/db/client.server.ts";
import type { Role } from "~/generated/prisma/enums.ts";
import { verifyPassword } from "~/auth/password.server.ts";
import {
  checkSignInThrottle,
  clearAccountThrottle,
  recordSignInFailure,
  retryMessage,
} from "~/auth/throttle.server.ts";
import { audit } from "~/utils/audit.server.ts";

export const BAD_CREDENTIALS = "That email or username and password do not match. Check them and try again.";

export type SignInResult =
  | { ok: true; userId: string; roles: Role[] }
  | { ok: false; message: string; status: 400 | 429; retryAfterSeconds?: number };

export async function signIn(input: { identifier: string; password: string; ip: string }): Promise<SignInResult> {
  const identifier = input.identifier.trim().toLowerCase();
  const verdict = await checkSignInThrottle(identifier, input.ip);
  if (!verdict.allowed)
    return {
      ok: false,
      status: 429,
      message: retryMessage(verdict.retryAfterSeconds),
      retryAfterSeconds: verdict.retryAfterSeconds,
    };

  const user = await db().user.findFirst({
    where: { OR: [{ email: identifier }, { username: identifier }] },
    select: { id: true, passwordHash: true, disabledAt: true, erasedAt: true, memberships: { select: { role: true } } },
  });
  const passwordOk = await verifyPassword(user?.passwordHash, input.password);
  if (!user || !passwordOk || user.disabledAt || user.erasedAt) {
    await recordSignInFailure(identifier, input.ip);
    // Audited for unknown identifiers too (with no subject, and never the identifier typed): a
    // write for known accounts only took measurably longer and told an attacker which exist.
    await audit({ actorId: null, action: "auth.sign-in-failed", subjectType: "user", subjectId: user?.id });
    return { ok: false, status: 400, message: BAD_CREDENTIALS };
  }
  if (verdict.accountFailures > 0) await clearAccountThrottle(identifier);
  // The success is audited with the session it starts (createSession).
  return { ok: true, userId: user.id, roles: user.memberships.map((m) => m.role) };
}
