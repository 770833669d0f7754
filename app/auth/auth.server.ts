/**
 * Who is asking: resolves the session cookie to an Actor (user + memberships) and guards
 * routes. Signed-out visitors are sent to sign in; a signed-in user without the permission
 * gets 404, never 403, so nothing confirms a record exists.
 */
import { redirect } from "react-router";
import type { Role } from "~/generated/prisma/enums.ts";
import { can, isPupilOnly, type Actor, type Permission } from "~/auth/permissions.ts";
import {
  createSession,
  invalidateSession,
  readSessionToken,
  sessionCookie,
  sessionPolicy,
  validateSessionToken,
  type SessionUser,
  type ValidSession,
} from "~/auth/session.server.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";

export type Viewer = Actor & { session: ValidSession };

/** The actor a signed-in user acts as; null for a disabled or erased account. */
function actorOf(user: SessionUser): Actor | null {
  if (user.disabledAt || user.erasedAt) return null;
  return {
    userId: user.id,
    displayName: fullName(user),
    // Memberships of suspended organisations grant nothing; pending ones only let the
    // organisation's own admin see that approval is awaited.
    memberships: user.memberships
      .filter((m) => m.organisation.status !== "SUSPENDED")
      .map((m) => ({
        organisationId: m.organisation.id,
        organisationName: m.organisation.name,
        organisationKind: m.organisation.kind,
        role: m.role,
      })),
  };
}

const viewerCache = new WeakMap<Request, Promise<Viewer | null>>();

/** The signed-in viewer, or null. Cached per request (loaders of one request share it). */
export function getViewer(request: Request): Promise<Viewer | null> {
  let pending = viewerCache.get(request);
  if (!pending) {
    pending = (async () => {
      const token = readSessionToken(request);
      if (!token) return null;
      const valid = await validateSessionToken(token);
      if (!valid) return null;
      const actor = actorOf(valid.user);
      return actor ? { ...actor, session: valid.session } : null;
    })();
    viewerCache.set(request, pending);
  }
  return pending;
}

/**
 * The page a request is for, without React Router's data-request details: loaders see the raw
 * request, so a client navigation asks for `/a/b.data` (or `/a/b/_.data`, `/_.data` for the root)
 * with `_routes` (and `index`) in the query.
 */
function pageOf(request: Request): string {
  const url = new URL(request.url);
  let path = url.pathname;
  if (path.endsWith("/_.data")) path = path.slice(0, -"_.data".length);
  else if (path.endsWith(".data")) path = path.slice(0, -".data".length);
  url.searchParams.delete("_routes");
  url.searchParams.delete("index");
  return path + url.search;
}

export async function requireViewer(request: Request): Promise<Viewer> {
  const viewer = await getViewer(request);
  if (!viewer) {
    throw redirect(`/login?redirectTo=${encodeURIComponent(pageOf(request))}`);
  }
  return viewer;
}

export async function requirePermission(request: Request, permission: Permission): Promise<Viewer> {
  const viewer = await requireViewer(request);
  if (!can(viewer, permission)) notFound();
  return viewer;
}

/**
 * Starts a fresh session (never reusing any token the browser already had). Pass the sign-in
 * request: a valid session its cookie carried (planted by someone else, or the person's own
 * earlier one) is ended, so no token from before sign-in stays usable.
 */
export async function startSession(userId: string, roles: readonly Role[], redirectTo: string, request?: Request) {
  const previousToken = request ? readSessionToken(request) : null;
  const previous = previousToken ? await validateSessionToken(previousToken) : null;
  if (previous) await invalidateSession(previous.session.id);
  const { token, expiresAt } = await createSession(userId, sessionPolicy(isPupilOnly(roles)));
  return redirect(redirectTo, { headers: { "Set-Cookie": sessionCookie(token, expiresAt) } });
}
