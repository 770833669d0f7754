/**
 * Setup codes: the one-time codes a teacher prints for pupils who have an account (usually from
 * a class-list import) but have not chosen a password yet. Only hashes are stored.
 */
import { db } from "~/db/client.server.ts";
import type { Actor } from "~/auth/permissions.ts";
import { hashToken, newSetupCode, TOKEN_LIFETIME_MS } from "~/auth/tokens.ts";
import { audit } from "~/utils/audit.server.ts";
import { getClass } from "~/models/classes.server.ts";
import { fullName } from "~/domain/names.ts";

export type SetupCodeLine = { name: string; username: string; code: string };

/** Current pupils of the class who have a username but have not chosen a password yet. */
export async function pupilsAwaitingSetup(actor: Actor, classId: string) {
  const cohort = await getClass(actor, classId);
  const pupils = await db().user.findMany({
    where: {
      passwordHash: null,
      username: { not: null },
      disabledAt: null,
      erasedAt: null,
      cohortMembers: { some: { cohortId: cohort.id, leftAt: null } },
      memberships: { some: { organisationId: cohort.organisationId, role: "PUPIL" } },
    },
    orderBy: [{ lastName: "asc" }, { firstName: "asc" }],
    select: { id: true, firstName: true, lastName: true, username: true },
  });
  return { cohort, pupils };
}

/**
 * Prints fresh one-time setup codes for the class's pupils without a password. Only hashes are
 * stored; older unused codes for the same pupils stop working (a lost sheet is harmless once a
 * new one is printed). Audit-logged with the count.
 */
export async function generateSetupCodes(
  actor: Actor,
  classId: string,
): Promise<{ cohort: Awaited<ReturnType<typeof getClass>>; lines: SetupCodeLine[] }> {
  const { cohort, pupils } = await pupilsAwaitingSetup(actor, classId);
  if (pupils.length === 0) return { cohort, lines: [] };
  const lines = pupils.map((p) => ({ userId: p.id, name: fullName(p), username: p.username!, code: newSetupCode() }));
  const now = new Date();
  await db().$transaction(async (tx) => {
    await tx.authToken.updateMany({
      where: { userId: { in: lines.map((l) => l.userId) }, kind: "SETUP_CODE", usedAt: null, expiresAt: { gt: now } },
      data: { expiresAt: now },
    });
    await tx.authToken.createMany({
      data: lines.map((l) => ({
        kind: "SETUP_CODE" as const,
        tokenHash: hashToken(l.code),
        userId: l.userId,
        createdById: actor.userId,
        organisationId: cohort.organisationId,
        expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS.SETUP_CODE),
      })),
    });
    await audit(
      {
        actorId: actor.userId,
        action: "class.setup-codes",
        subjectType: "cohort",
        subjectId: cohort.id,
        organisationId: cohort.organisationId,
        metadata: { codes: lines.length },
      },
      tx,
    );
  });
  return { cohort, lines: lines.map(({ name, username, code }) => ({ name, username, code })) };
}
