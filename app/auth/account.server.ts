/**
 * Account lifecycle: password reset, invitations, pupils' setup codes, password change,
 * removal from an organisation, disabling. Each email goes through the outbox in the same transaction as its token, so a
 * token never exists without its email queued, and no mail is sent inline.
 */
import { db, type Tx } from "~/db/client.server.ts";
import type { AuthTokenKind, Role } from "~/generated/prisma/enums.ts";
import { hashPassword } from "~/auth/password.server.ts";
import { passwordProblem } from "~/auth/password-check.server.ts";
import type { PasswordContext } from "~/auth/password-policy.ts";
import { invalidateUserSessions } from "~/auth/session.server.ts";
import { can, hasRole, orgsWith, ROLES_BY_ORG_KIND, type Actor } from "~/auth/permissions.ts";
import { hashToken, newLinkSecret, newSetupCode, normaliseSetupCode, TOKEN_LIFETIME_MS } from "~/auth/tokens.ts";
import { enqueueOutbox } from "~/jobs/outbox.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { allowResetRequest, checkSignInThrottle, recordSignInFailure, retryMessage } from "~/auth/throttle.server.ts";
import { usernameBase, usernameCandidate } from "~/domain/usernames.ts";
import { flagIdentityClaims } from "~/models/identity-flags.server.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";

export class AccountError extends Error {}

/** A new password the rules refuse; its message says why, and pages show it at the password field. */
export class PasswordError extends AccountError {}

export async function assertUsablePassword(password: string, context: PasswordContext): Promise<void> {
  const problem = await passwordProblem(password, context);
  if (problem) throw new PasswordError(problem);
}

// ── password reset ──

/** Always behaves the same whether or not the email has an account (no enumeration). */
export async function requestPasswordReset(email: string, ip = "unknown") {
  const normalised = email.trim().toLowerCase();
  // Nobody can flood an inbox (or the outbox): a few links per address and per client an hour.
  // Past the limit the answer is the same and nothing is sent.
  if (!(await allowResetRequest(normalised, ip))) return;
  const user = await db().user.findFirst({
    where: { email: normalised, disabledAt: null, erasedAt: null },
    select: { id: true },
  });
  if (!user) return;
  const secret = newLinkSecret();
  await db().$transaction(async (tx) => {
    // A new link replaces any earlier unused one.
    await tx.authToken.updateMany({
      where: { userId: user.id, kind: "PASSWORD_RESET", usedAt: null },
      data: { usedAt: new Date() },
    });
    const token = await tx.authToken.create({
      data: {
        kind: "PASSWORD_RESET",
        tokenHash: hashToken(secret),
        userId: user.id,
        expiresAt: new Date(Date.now() + TOKEN_LIFETIME_MS.PASSWORD_RESET),
      },
      select: { id: true },
    });
    await enqueueOutbox(tx, "email.password-reset", { tokenId: token.id, secret });
  });
}

/** The token behind a link or code, if it is of this kind, unused and unexpired. */
export async function findUsableToken(secret: string, kind: AuthTokenKind) {
  const token = await db().authToken.findUnique({ where: { tokenHash: hashToken(secret) } });
  if (!token || token.kind !== kind || token.usedAt || token.expiresAt.getTime() <= Date.now()) return null;
  return token;
}

export async function isResetLinkUsable(secret: string) {
  return (await findUsableToken(secret, "PASSWORD_RESET")) !== null;
}

export async function resetPassword(secret: string, password: string) {
  const token = await findUsableToken(secret, "PASSWORD_RESET");
  if (!token?.userId)
    throw new AccountError("This reset link has expired or has already been used. Ask for a new one.");
  const user = await db().user.findUniqueOrThrow({
    where: { id: token.userId },
    select: { id: true, email: true, username: true, firstName: true, lastName: true },
  });
  await assertUsablePassword(password, user);
  const passwordHash = await hashPassword(password);
  await db().$transaction(async (tx) => {
    // Claim the token atomically: a second use of the same link finds it used.
    const claimed = await tx.authToken.updateMany({
      where: { id: token.id, usedAt: null },
      data: { usedAt: new Date() },
    });
    if (claimed.count !== 1) throw new AccountError("This reset link has already been used.");
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await tx.session.deleteMany({ where: { userId: user.id } });
    await audit({ actorId: user.id, action: "auth.password-reset", subjectType: "user", subjectId: user.id }, tx);
  });
  return user.id;
}

export async function changePassword(
  actor: Actor,
  sessionId: string,
  current: string,
  next: string,
  verify: (hash: string | null, pw: string) => Promise<boolean>,
) {
  const user = await db().user.findUniqueOrThrow({
    where: { id: actor.userId },
    select: { passwordHash: true, email: true, username: true, firstName: true, lastName: true },
  });
  // Someone holding a stolen session must not be able to guess the password here at will.
  const verdict = await checkSignInThrottle(`change-password:${actor.userId}`, "account");
  if (!verdict.allowed) throw new AccountError(retryMessage(verdict.retryAfterSeconds));
  if (!(await verify(user.passwordHash, current))) {
    await recordSignInFailure(`change-password:${actor.userId}`, "account");
    throw new AccountError("Your current password is not right.");
  }
  await assertUsablePassword(next, user);
  await db().user.update({ where: { id: actor.userId }, data: { passwordHash: await hashPassword(next) } });
  await invalidateUserSessions(actor.userId, { except: sessionId });
  await audit({ actorId: actor.userId, action: "auth.password-change", subjectType: "user", subjectId: actor.userId });
}

// ── invitations ──

export async function createInvitation(actor: Actor, input: { organisationId: string; email: string; role: Role }) {
  const allowedOrgs = orgsWith(actor, "staff:invite");
  const isPartnershipAdmin = actor.memberships.some((m) => m.role === "PARTNERSHIP_ADMIN");
  const organisation = await db().organisation.findFirst({
    where: {
      id: input.organisationId,
      ...(isPartnershipAdmin ? {} : { id: { in: allowedOrgs.filter((id) => id === input.organisationId) } }),
    },
    select: { id: true, kind: true, status: true },
  });
  if (!organisation) notFound();
  if (!ROLES_BY_ORG_KIND[organisation.kind].includes(input.role))
    throw new AccountError("That role does not exist in this kind of organisation.");
  // Pupils are added by their school (with a paper setup code), never invited by email.
  if (input.role === "PUPIL") throw new AccountError("Pupils are added on the People page, not invited by email.");
  if (input.role === "PARTNERSHIP_ADMIN" && !isPartnershipAdmin)
    throw new AccountError("Only a partnership admin can invite a partnership admin.");
  if (organisation.status !== "APPROVED")
    throw new AccountError(
      "This organisation is waiting for approval by the partnership; invitations open once it is approved.",
    );
  await db().$transaction((tx) =>
    issueInvitation(tx, actor.userId, { organisationId: organisation.id, email: input.email, role: input.role }),
  );
}

/**
 * The invitation token, its email (through the outbox) and the audit entry, inside the caller's
 * transaction. Callers have already checked that the actor may invite into the organisation.
 */
export async function issueInvitation(
  tx: Tx,
  actorId: string,
  input: { organisationId: string; email: string; role: Role },
): Promise<{ tokenId: string }> {
  const secret = newLinkSecret();
  const token = await tx.authToken.create({
    data: {
      kind: "INVITATION",
      tokenHash: hashToken(secret),
      email: input.email.trim().toLowerCase(),
      organisationId: input.organisationId,
      role: input.role,
      createdById: actorId,
      expiresAt: new Date(Date.now() + TOKEN_LIFETIME_MS.INVITATION),
    },
    select: { id: true },
  });
  await enqueueOutbox(tx, "email.invitation", { tokenId: token.id, secret });
  await audit(
    {
      actorId,
      action: "membership.invite",
      subjectType: "auth_token",
      subjectId: token.id,
      organisationId: input.organisationId,
      metadata: { role: input.role },
    },
    tx,
  );
  return { tokenId: token.id };
}

export async function describeInvitation(secret: string) {
  const token = await findUsableToken(secret, "INVITATION");
  if (!token?.organisationId || !token.role || !token.email) return null;
  const [organisation, existing] = await Promise.all([
    db().organisation.findUniqueOrThrow({ where: { id: token.organisationId }, select: { name: true } }),
    db().user.findUnique({
      where: { email: token.email },
      select: { id: true, passwordHash: true, disabledAt: true, firstName: true, lastName: true },
    }),
  ]);
  // An account enrolled for someone (an apprentice) and never signed into is claimed
  // through the invitation: the form is the new-person one, prefilled with the names given.
  const pending = existing !== null && existing.passwordHash === null && existing.disabledAt === null;
  return {
    email: token.email,
    role: token.role,
    organisationName: organisation.name,
    hasAccount: existing !== null && !pending,
    suggestedName: pending ? { firstName: existing.firstName, lastName: existing.lastName } : null,
  };
}

/** What an invitation leads to besides the membership (an apprenticeship), run in the same transaction. */
export type OnInvitationAccepted = (tx: Tx, accepted: { tokenId: string; userId: string }) => Promise<void>;

/**
 * Accepts an invitation. A new person sets their name and password; someone who already has an
 * account must be signed in as that account (so an invitation link alone never takes over one).
 * `onAccepted` runs inside the acceptance transaction: if it throws, nothing is accepted.
 */
export async function acceptInvitation(
  secret: string,
  input: { signedInUserId?: string; firstName?: string; lastName?: string; password?: string },
  onAccepted?: OnInvitationAccepted,
) {
  const token = await findUsableToken(secret, "INVITATION");
  if (!token?.organisationId || !token.role || !token.email)
    throw new AccountError("This invitation has expired or has already been used. Ask for a new one.");
  const found = await db().user.findUnique({
    where: { email: token.email },
    select: { id: true, passwordHash: true, disabledAt: true },
  });
  // A never-used account made at enrolment (no password yet) is claimed, not refused.
  const pending = found && found.passwordHash === null && found.disabledAt === null ? found : null;
  const existing = pending ? null : found;
  if (existing && existing.id !== input.signedInUserId)
    throw new AccountError("You already have an account: sign in first, then open the invitation link again.");
  let passwordHash: string | undefined;
  if (!existing) {
    if (!input.firstName?.trim() || !input.lastName?.trim())
      throw new AccountError("Enter your first name and last name.");
    await assertUsablePassword(input.password ?? "", {
      email: token.email,
      firstName: input.firstName,
      lastName: input.lastName,
    });
    passwordHash = await hashPassword(input.password ?? "");
  }
  return db().$transaction(async (tx) => {
    const claimed = await tx.authToken.updateMany({
      where: { id: token.id, usedAt: null },
      data: { usedAt: new Date() },
    });
    if (claimed.count !== 1) throw new AccountError("This invitation has already been used.");
    if (pending) {
      const claimedAccount = await tx.user.updateMany({
        where: { id: pending.id, passwordHash: null },
        data: { firstName: input.firstName!.trim(), lastName: input.lastName!.trim(), passwordHash },
      });
      if (claimedAccount.count !== 1) throw new AccountError("This account has already been set up: sign in instead.");
    }
    const userId =
      existing?.id ??
      pending?.id ??
      (
        await tx.user.create({
          data: {
            email: token.email,
            firstName: input.firstName!.trim(),
            lastName: input.lastName!.trim(),
            passwordHash,
          },
          select: { id: true },
        })
      ).id;
    await tx.membership.upsert({
      where: { userId_organisationId_role: { userId, organisationId: token.organisationId!, role: token.role! } },
      update: {},
      create: { userId, organisationId: token.organisationId!, role: token.role! },
    });
    await audit(
      {
        actorId: userId,
        action: "membership.accept",
        subjectType: "user",
        subjectId: userId,
        organisationId: token.organisationId,
        metadata: { role: token.role! },
      },
      tx,
    );
    await onAccepted?.(tx, { tokenId: token.id, userId });
    const memberships = await tx.membership.findMany({ where: { userId }, select: { role: true } });
    return { userId, roles: memberships.map((m) => m.role) };
  });
}

// ── pupils without email ──

/**
 * Creates a pupil account with a username and a one-time setup code to print. A UPN that another
 * account holds is left off and flagged for the partnership admin (decision 025): the school gets
 * the same answer as for a UPN nobody holds, and a second try finds its own earlier claim.
 */
export async function createPupilAccount(
  actor: Actor,
  input: { organisationId: string; firstName: string; lastName: string; yearGroup: number; upn?: string | null },
) {
  if (!orgsWith(actor, "pupil:create").includes(input.organisationId)) notFound();
  const code = newSetupCode();
  const givenUpn = input.upn || null;
  const created = db().$transaction(async (tx) => {
    let upn = givenUpn;
    let holderId: string | null = null;
    if (givenUpn) {
      const [holder, claim] = await Promise.all([
        tx.user.findUnique({ where: { upn: givenUpn }, select: { id: true, mergedIntoId: true } }),
        tx.identityFlag.findUnique({
          where: { organisationId_kind_value: { organisationId: input.organisationId, kind: "UPN", value: givenUpn } },
          select: { claimantId: true },
        }),
      ]);
      const heldBy = holder ? (holder.mergedIntoId ?? holder.id) : null;
      const isOurPupil = async (userId: string) =>
        (await tx.membership.count({ where: { userId, organisationId: input.organisationId, role: "PUPIL" } })) > 0;
      if ((heldBy && (await isOurPupil(heldBy))) || (claim && (await isOurPupil(claim.claimantId)))) {
        throw new AccountError(
          "A pupil at your school already has this UPN. Check the UPN, or find the pupil in the list above.",
        );
      }
      if (heldBy) {
        upn = null;
        holderId = heldBy;
      }
    }
    let username = "";
    for (let attempt = 0; attempt < 20; attempt++) {
      const candidate = usernameCandidate(usernameBase(input.firstName, input.lastName), attempt);
      if (!(await tx.user.findUnique({ where: { username: candidate }, select: { id: true } }))) {
        username = candidate;
        break;
      }
    }
    if (!username) throw new AccountError("Could not choose a username; try again.");
    const user = await tx.user.create({
      data: {
        username,
        firstName: input.firstName.trim(),
        lastName: input.lastName.trim(),
        yearGroup: input.yearGroup,
        upn,
      },
      select: { id: true },
    });
    await tx.membership.create({ data: { userId: user.id, organisationId: input.organisationId, role: "PUPIL" } });
    if (givenUpn && holderId) {
      await flagIdentityClaims(tx, {
        actorId: actor.userId,
        organisationId: input.organisationId,
        claims: [{ claimantId: user.id, kind: "UPN", value: givenUpn, holderId }],
      });
    }
    await tx.authToken.create({
      data: {
        kind: "SETUP_CODE",
        tokenHash: hashToken(code),
        userId: user.id,
        createdById: actor.userId,
        expiresAt: new Date(Date.now() + TOKEN_LIFETIME_MS.SETUP_CODE),
      },
    });
    await audit(
      {
        actorId: actor.userId,
        action: "pupil.create",
        subjectType: "user",
        subjectId: user.id,
        organisationId: input.organisationId,
      },
      tx,
    );
    return { userId: user.id, username, setupCode: code };
  });
  // Two forms sent at once with the same new UPN: the second meets the unique index.
  return created.catch((error: unknown) => {
    if ((error as { code?: string }).code === "P2002")
      throw new AccountError("The pupil could not be added just now. Please try again.");
    throw error;
  });
}

/** A pupil turns their paper code into a password. The same message for every failure. */
export async function redeemSetupCode(input: { username: string; code: string; password: string }) {
  const failure = new AccountError(
    "That username and setup code do not match, or the code has expired. Ask your teacher for a new code.",
  );
  const user = await db().user.findUnique({
    where: { username: input.username.trim().toLowerCase() },
    select: { id: true, disabledAt: true, username: true, firstName: true, lastName: true },
  });
  const token = await findUsableToken(normaliseSetupCode(input.code), "SETUP_CODE");
  if (!user || user.disabledAt || !token || token.userId !== user.id) throw failure;
  await assertUsablePassword(input.password, user);
  const passwordHash = await hashPassword(input.password);
  return db().$transaction(async (tx) => {
    const claimed = await tx.authToken.updateMany({
      where: { id: token.id, usedAt: null },
      data: { usedAt: new Date() },
    });
    if (claimed.count !== 1) throw failure;
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await audit({ actorId: user.id, action: "auth.setup-code-redeemed", subjectType: "user", subjectId: user.id }, tx);
    const memberships = await tx.membership.findMany({ where: { userId: user.id }, select: { role: true } });
    return { userId: user.id, roles: memberships.map((m) => m.role) };
  });
}

// ── removal from an organisation, and disabling ──

/** Apprenticeship statuses in which the employer still has duties to the apprentice. */
const NOT_ENDED = ["ACTIVE", "BREAK", "GATEWAY"] as const;

/**
 * Removes a person from one organisation the actor administers (the partnership admin: any).
 * Their memberships there end, and so do their places in its classes. Reach is read from
 * memberships on every request (validateSessionToken), so it ends at once without signing them
 * out; their account, sessions, other memberships and records stay as they are. A person who is
 * not a member answers 404, like one that does not exist.
 */
export async function removeFromOrganisation(
  actor: Actor,
  organisationId: string,
  userId: string,
): Promise<{ name: string; organisationName: string }> {
  if (!hasRole(actor, "PARTNERSHIP_ADMIN") && !orgsWith(actor, "membership:remove").includes(organisationId))
    notFound();
  const memberships = await db().membership.findMany({
    where: { organisationId, userId },
    select: {
      role: true,
      user: { select: { firstName: true, lastName: true } },
      organisation: { select: { name: true } },
    },
  });
  if (memberships.length === 0) notFound();
  const name = fullName(memberships[0].user);
  const organisationName = memberships[0].organisation.name;
  if (userId === actor.userId)
    throw new AccountError("You cannot remove yourself. Ask another admin of this organisation, or the partnership.");
  // The apprenticeship stays with this employer: without the membership the apprentice could not
  // log, sign reviews or see their plan there, so it must end (completion or withdrawal) first.
  const open = await db().apprenticeship.findFirst({
    where: { apprenticeId: userId, employerId: organisationId, status: { in: [...NOT_ENDED] } },
    select: { id: true },
  });
  if (open)
    throw new AccountError(
      `${name} has an apprenticeship with ${organisationName} that has not ended. It must be completed or withdrawn before they can be removed; ask the partnership to record a withdrawal.`,
    );
  await db().$transaction(async (tx) => {
    await tx.membership.deleteMany({ where: { organisationId, userId } });
    await tx.cohortMember.updateMany({
      where: { userId, leftAt: null, cohort: { organisationId } },
      data: { leftAt: new Date() },
    });
    await audit(
      {
        actorId: actor.userId,
        action: "membership.remove",
        subjectType: "user",
        subjectId: userId,
        organisationId,
        metadata: { roles: memberships.map((m) => m.role) },
      },
      tx,
    );
  });
  return { name, organisationName };
}

/** Disables an account everywhere and ends all its sessions at once: the partnership admin's alone. */
export async function disableUser(actor: Actor, userId: string) {
  if (!can(actor, "user:disable")) notFound();
  const target = await db().user.findFirst({ where: { id: userId }, select: { id: true } });
  if (!target || target.id === actor.userId) notFound();
  await db().$transaction(async (tx) => {
    await tx.user.update({ where: { id: target.id }, data: { disabledAt: new Date() } });
    await tx.session.deleteMany({ where: { userId: target.id } });
    await audit({ actorId: actor.userId, action: "user.disable", subjectType: "user", subjectId: target.id }, tx);
  });
}
