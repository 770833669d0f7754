/**
 * A school or employer asks to join (decision 030). Posting the form never says whether the email
 * address has an account: for an unknown address the request waits in pending_registrations and a
 * single-use link goes to the address; for an address with an account nothing changes and its
 * owner is told by email. Only the link, used by whoever reads that inbox, creates the
 * organisation (pending until the partnership approves it), its first admin and the membership.
 */
import { db } from "~/db/client.server.ts";
import type { OrganisationKind, Role } from "~/generated/prisma/enums.ts";
import { AccountError, assertUsablePassword, findUsableToken } from "~/auth/account.server.ts";
import { hashPassword } from "~/auth/password.server.ts";
import { allowRegistrationEmail } from "~/auth/throttle.server.ts";
import { hashToken, newLinkSecret, TOKEN_LIFETIME_MS } from "~/auth/tokens.ts";
import { enqueueOutbox } from "~/jobs/outbox.server.ts";
import { audit } from "~/utils/audit.server.ts";

const ADMIN_ROLE_FOR: Partial<Record<OrganisationKind, Role>> = { SCHOOL: "SCHOOL_ADMIN", EMPLOYER: "EMPLOYER_ADMIN" };

export type Registration = {
  kind: "SCHOOL" | "EMPLOYER";
  name: string;
  districtCode: string;
  urn?: string;
  companyNumber?: string;
  sector?: string;
  firstName: string;
  lastName: string;
  email: string;
  password: string;
};

type OrganisationFacts = { districtCode: string; urn?: string | null; companyNumber?: string | null };

/**
 * What stops the organisation being registered, said on the form itself: the area, and the URN
 * or company number, which are public register numbers of organisations, not facts about people.
 */
async function organisationProblem(input: OrganisationFacts): Promise<string | null> {
  // The form offers the districts as a list; a code of the right shape that is not one of them is refused here, not by the foreign key.
  if (!(await db().district.findUnique({ where: { code: input.districtCode }, select: { code: true } })))
    return "Choose the area the organisation is in from the list.";
  if (input.urn && (await db().organisation.findUnique({ where: { urn: input.urn }, select: { id: true } })))
    return "A school with that URN is already registered. Ask its admin to invite you.";
  if (
    input.companyNumber &&
    (await db().organisation.findUnique({ where: { companyNumber: input.companyNumber }, select: { id: true } }))
  )
    return "An employer with that company number is already registered. Ask its admin to invite you.";
  return null;
}

/**
 * Takes a request to join. Throws AccountError only for problems that do not depend on the email
 * address; otherwise returns having done one of two things that look alike from outside: stored
 * the request with a confirmation link sent to the address, or (the address has an account)
 * queued an email telling its owner so. Both hash the password, so both take about as long.
 */
export async function requestRegistration(input: Registration): Promise<void> {
  await assertUsablePassword(input.password, {
    email: input.email,
    firstName: input.firstName,
    lastName: input.lastName,
    organisationName: input.name,
  });
  const clash = await organisationProblem(input);
  if (clash) throw new AccountError(clash);
  // Hashed whether or not it is kept: argon2 is most of the time this request takes.
  const passwordHash = await hashPassword(input.password);
  if (!(await allowRegistrationEmail(input.email))) return;
  const existing = await db().user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) {
    await db().$transaction((tx) => enqueueOutbox(tx, "email.registration-existing-account", { userId: existing.id }));
    return;
  }
  const secret = newLinkSecret();
  await db().$transaction(async (tx) => {
    const token = await tx.authToken.create({
      data: {
        kind: "REGISTRATION",
        tokenHash: hashToken(secret),
        email: input.email,
        expiresAt: new Date(Date.now() + TOKEN_LIFETIME_MS.REGISTRATION),
      },
      select: { id: true },
    });
    await tx.pendingRegistration.create({
      data: {
        tokenId: token.id,
        kind: input.kind,
        name: input.name,
        districtCode: input.districtCode,
        urn: input.urn || null,
        companyNumber: input.companyNumber || null,
        sector: input.sector || null,
        firstName: input.firstName,
        lastName: input.lastName,
        passwordHash,
      },
    });
    await enqueueOutbox(tx, "email.registration-confirm", { tokenId: token.id, secret });
  });
}

async function findPending(secret: string) {
  const token = await findUsableToken(secret, "REGISTRATION");
  if (!token?.email) return null;
  const pending = await db().pendingRegistration.findUnique({ where: { tokenId: token.id } });
  return pending ? { ...pending, tokenId: token.id, email: token.email } : null;
}

/** What the confirmation page shows the holder of the link, or null if the link cannot be used. */
export async function describeRegistration(secret: string) {
  const pending = await findPending(secret);
  if (!pending) return null;
  const district = await db().district.findUnique({ where: { code: pending.districtCode }, select: { name: true } });
  return {
    kind: pending.kind,
    name: pending.name,
    districtName: district?.name ?? null,
    urn: pending.urn,
    companyNumber: pending.companyNumber,
    firstName: pending.firstName,
    lastName: pending.lastName,
    email: pending.email,
  };
}

export const EXPIRED_REGISTRATION = "This link has expired or has already been used. Ask to join again.";

/**
 * Uses a confirmation link: checks again what may have changed since the request (the address,
 * the URN or company number, the area), then creates the organisation, its first admin and the
 * membership, and spends the link, in one transaction.
 */
export async function confirmRegistration(
  secret: string,
): Promise<{ organisationId: string; userId: string; roles: Role[] }> {
  const pending = await findPending(secret);
  if (!pending) throw new AccountError(EXPIRED_REGISTRATION);
  // Whoever holds the link reads this inbox, so saying the address has an account tells nobody else.
  const taken = new AccountError(
    "An account with this email address already exists. Sign in, or ask for a new password if you have forgotten it.",
  );
  if (await db().user.findUnique({ where: { email: pending.email }, select: { id: true } })) throw taken;
  const clash = await organisationProblem(pending);
  if (clash) throw new AccountError(clash);
  const role = ADMIN_ROLE_FOR[pending.kind]!;
  const created = db().$transaction(async (tx) => {
    const claimed = await tx.authToken.updateMany({
      where: { id: pending.tokenId, usedAt: null },
      data: { usedAt: new Date() },
    });
    if (claimed.count !== 1) throw new AccountError(EXPIRED_REGISTRATION);
    const organisation = await tx.organisation.create({
      data: {
        name: pending.name,
        kind: pending.kind,
        districtCode: pending.districtCode,
        urn: pending.urn,
        companyNumber: pending.companyNumber,
        sector: pending.sector,
      },
      select: { id: true },
    });
    const user = await tx.user.create({
      data: {
        email: pending.email,
        firstName: pending.firstName,
        lastName: pending.lastName,
        passwordHash: pending.passwordHash,
      },
      select: { id: true },
    });
    await tx.membership.create({ data: { userId: user.id, organisationId: organisation.id, role } });
    await tx.pendingRegistration.delete({ where: { id: pending.id } });
    await audit(
      {
        actorId: user.id,
        action: "organisation.register",
        subjectType: "organisation",
        subjectId: organisation.id,
        organisationId: organisation.id,
      },
      tx,
    );
    return { organisationId: organisation.id, userId: user.id, roles: [role] };
  });
  // The same address, URN or company number registered by another link at the same moment.
  return created.catch((error: unknown) => {
    if ((error as { code?: string }).code === "P2002")
      throw new AccountError(
        "This email address, URN or company number was registered a moment ago. Sign in, or ask its admin to invite you.",
      );
    throw error;
  });
}
