/**
 * Sessions in Lucia's design (lucia-auth/lucia, "sessions" guide):
 * - the cookie holds `id.secret`; the id is the primary key, only SHA-256(secret) is stored,
 *   and the secret is compared in constant time, so a database leak yields no usable token;
 * - a new session on every sign-in (a cookie planted before sign-in is never promoted);
 * - idle timeout (last_active_at) and absolute lifetime (expires_at), shorter for pupils;
 * - sign-out deletes the row; disabling a user or changing a password deletes the others.
 */
import { sha256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import { isPupilOnly } from "~/auth/permissions.ts";
import { db } from "~/db/client.server.ts";
import type { OrganisationKind, OrganisationStatus, Role } from "~/generated/prisma/enums.ts";
import { env, isProduction } from "~/utils/env.server.ts";

/** Only refresh last_active_at once a minute: a write per request would be wasteful. */
const ACTIVITY_WRITE_INTERVAL_MS = 60_000;

export type SessionPolicy = { idleMs: number; absoluteMs: number };

export function sessionPolicy(isPupilOnly: boolean): SessionPolicy {
  const e = env();
  return isPupilOnly
    ? { idleMs: e.PUPIL_SESSION_IDLE_MINUTES * 60_000, absoluteMs: e.PUPIL_SESSION_ABSOLUTE_HOURS * 3_600_000 }
    : { idleMs: e.SESSION_IDLE_MINUTES * 60_000, absoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000 };
}

function randomPart(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  crypto.getRandomValues(buffer);
  return encodeBase32LowerCaseNoPadding(buffer);
}

function hashSecret(secret: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(sha256(new TextEncoder().encode(secret)));
}

export type CreatedSession = { token: string; expiresAt: Date };

/**
 * Starts a session and writes `auth.sign-in` to the audit log in the same statement: every
 * session that exists was audited, and a sign-in costs one round trip for both.
 */
export async function createSession(userId: string, policy: SessionPolicy): Promise<CreatedSession> {
  const id = randomPart(15); // 120 bits: the lookup key
  const secret = randomPart(20); // 160 bits: the part that proves possession
  const now = new Date();
  const expiresAt = new Date(now.getTime() + policy.absoluteMs);
  await db().$executeRaw`
    WITH started AS (
      INSERT INTO sessions (id, secret_hash, user_id, created_at, last_active_at, expires_at)
      VALUES (${id}, ${hashSecret(secret)}, ${userId}::uuid, ${now}, ${now}, ${expiresAt})
      RETURNING user_id
    )
    INSERT INTO audit_log (actor_id, action, subject_type, subject_id, created_at)
    SELECT user_id, 'auth.sign-in', 'user', user_id::text, ${now} FROM started`;
  return { token: `${id}.${secret}`, expiresAt };
}

export type ValidSession = { id: string; userId: string; expiresAt: Date };

/** The session's user as one query loads it with the session (Lucia's `{ session, user }`). */
export type SessionUser = {
  id: string;
  firstName: string;
  lastName: string;
  disabledAt: Date | null;
  erasedAt: Date | null;
  memberships: {
    role: Role;
    organisation: { id: string; name: string; kind: OrganisationKind; status: OrganisationStatus };
  }[];
};

/**
 * Returns the session and its user for a token, or null (deleting the session when it has
 * expired). One SQL query per request: the session, user, memberships and organisations come
 * back together (relation joins), because every page asks this first.
 */
export async function validateSessionToken(
  token: string,
): Promise<{ session: ValidSession; user: SessionUser } | null> {
  const [id, secret, extra] = token.split(".");
  if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 64) return null;
  const row = await db().session.findUnique({
    where: { id },
    select: {
      id: true,
      userId: true,
      secretHash: true,
      lastActiveAt: true,
      expiresAt: true,
      user: {
        select: {
          id: true,
          firstName: true,
          lastName: true,
          disabledAt: true,
          erasedAt: true,
          memberships: {
            select: { role: true, organisation: { select: { id: true, name: true, kind: true, status: true } } },
          },
        },
      },
    },
  });
  if (!row) return null;
  if (!constantTimeEqual(hashSecret(secret), new Uint8Array(row.secretHash))) return null;
  const now = Date.now();
  const policy = sessionPolicy(isPupilOnly(row.user.memberships.map((m) => m.role)));
  const idleExpired = now - row.lastActiveAt.getTime() >= policy.idleMs;
  if (now >= row.expiresAt.getTime() || idleExpired) {
    await db().session.deleteMany({ where: { id } });
    return null;
  }
  if (now - row.lastActiveAt.getTime() >= ACTIVITY_WRITE_INTERVAL_MS) {
    await db().session.update({ where: { id }, data: { lastActiveAt: new Date(now) } });
  }
  return { session: { id: row.id, userId: row.userId, expiresAt: row.expiresAt }, user: row.user };
}

export async function invalidateSession(sessionId: string) {
  await db().session.deleteMany({ where: { id: sessionId } });
}

export async function invalidateUserSessions(userId: string, options: { except?: string } = {}) {
  await db().session.deleteMany({ where: { userId, ...(options.except ? { NOT: { id: options.except } } : {}) } });
}

// ── the cookie ──

export function sessionCookieName(): string {
  // __Host- requires Secure, Path=/ and no Domain: the browser then refuses a cookie planted
  // by a sibling subdomain or over plain HTTP.
  return isProduction() ? "__Host-dst_session" : "dst_session";
}

export function sessionCookie(token: string, expiresAt: Date): string {
  const parts = [
    `${sessionCookieName()}=${token}`,
    "HttpOnly",
    "SameSite=Lax",
    "Path=/",
    `Expires=${expiresAt.toUTCString()}`,
  ];
  if (isProduction()) parts.push("Secure");
  return parts.join("; ");
}

export function blankSessionCookie(): string {
  const parts = [`${sessionCookieName()}=`, "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=0"];
  if (isProduction()) parts.push("Secure");
  return parts.join("; ");
}

export function readSessionToken(request: Request): string | null {
  const header = request.headers.get("cookie");
  if (!header) return null;
  const name = sessionCookieName();
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=") || null;
  }
  return null;
}
