/**
 * Notification preferences (users.notification_prefs { reminders, digest }) and one-click
 * unsubscribe links.
 *
 * Link design (docs/decisions/009-reminders-and-digests.md): the token is
 * `<userId>.<category>.<mac>`, mac = base64url(HMAC-SHA256(UNSUBSCRIBE_SECRET, "unsubscribe:<userId>:<category>")).
 * Stateless: no table, no migration, the same link in every email of that category, and it
 * authorises exactly one thing, switching that category off for that person. It names no one
 * (a random id). Rotating the secret invalidates old links, which then fall back to the
 * preferences on /account.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { db } from "~/db/client.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import { parsePrefs, type NotificationPrefs, type PreferenceCategory } from "~/domain/reminders.ts";
import { audit } from "~/utils/audit.server.ts";
import { unsubscribeSecret } from "~/utils/env.server.ts";
import { isUuid } from "~/domain/ids.ts";

export const CATEGORY_LABELS: Record<PreferenceCategory, string> = {
  reminders: "reminders about your own off-the-job training and reviews",
  digest: "digests of what is waiting for you (inbox, classes or caseload)",
};

function mac(userId: string, category: PreferenceCategory): string {
  return createHmac("sha256", unsubscribeSecret()).update(`unsubscribe:${userId}:${category}`).digest("base64url");
}

export function unsubscribeToken(userId: string, category: PreferenceCategory): string {
  return `${userId}.${category}.${mac(userId, category)}`;
}

export function unsubscribeUrl(appUrl: string, userId: string, category: PreferenceCategory): string {
  return `${appUrl.replace(/\/$/, "")}/unsubscribe/${unsubscribeToken(userId, category)}`;
}

/** The user and category a token authorises, or null (malformed or forged: same answer). */
export function verifyUnsubscribeToken(token: string): { userId: string; category: PreferenceCategory } | null {
  const [userId, category, given, ...rest] = token.split(".");
  if (rest.length || !userId || !isUuid(userId) || (category !== "reminders" && category !== "digest") || !given)
    return null;
  const expected = Buffer.from(mac(userId, category));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  return { userId, category };
}

export async function getPrefs(userId: string): Promise<NotificationPrefs> {
  const user = await db().user.findUnique({ where: { id: userId }, select: { notificationPrefs: true } });
  return parsePrefs(user?.notificationPrefs);
}

/** Sets the actor's own preferences (the /account form). */
export async function setPrefs(userId: string, prefs: NotificationPrefs): Promise<NotificationPrefs> {
  await db().$transaction(async (tx) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { notificationPrefs: true } });
    const current = (
      user.notificationPrefs && typeof user.notificationPrefs === "object" ? user.notificationPrefs : {}
    ) as Record<string, unknown>;
    await tx.user.update({
      where: { id: userId },
      data: {
        notificationPrefs: { ...current, reminders: prefs.reminders, digest: prefs.digest } as Prisma.InputJsonObject,
      },
    });
    await audit(
      {
        actorId: userId,
        action: "notifications.preferences",
        subjectType: "user",
        subjectId: userId,
        metadata: { reminders: prefs.reminders, digest: prefs.digest },
      },
      tx,
    );
  });
  return prefs;
}

/**
 * One-click unsubscribe: switches the token's category off. Idempotent (a second click, or the
 * mail client's RFC 8058 POST followed by the person's own click, changes nothing more).
 * Returns null for an invalid token or an account that no longer exists.
 */
export async function unsubscribe(token: string): Promise<{ category: PreferenceCategory } | null> {
  const verified = verifyUnsubscribeToken(token);
  if (!verified) return null;
  const done = await db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({
      where: { id: verified.userId },
      select: { notificationPrefs: true, erasedAt: true },
    });
    if (!user || user.erasedAt) return false;
    const current = (
      user.notificationPrefs && typeof user.notificationPrefs === "object" ? user.notificationPrefs : {}
    ) as Record<string, unknown>;
    if (current[verified.category] !== false) {
      await tx.user.update({
        where: { id: verified.userId },
        data: { notificationPrefs: { ...current, [verified.category]: false } as Prisma.InputJsonObject },
      });
      await audit(
        {
          actorId: null,
          action: "notifications.unsubscribe",
          subjectType: "user",
          subjectId: verified.userId,
          metadata: { category: verified.category },
        },
        tx,
      );
    }
    return true;
  });
  return done ? { category: verified.category } : null;
}
