/**
 * Small factories for tests: organisations, people with memberships, sessions, one-time tokens.
 * They write through this test file's own Prisma client (tests/setup/db.ts) and hash passwords
 * with the app's own hashPassword, so what they create is what the app would have created.
 * Every factory makes unique names and emails, so tests in one file never collide.
 */
import { randomBytes } from "node:crypto";
import { hashPassword } from "../../app/auth/password.server.ts";
import { hashToken, newLinkSecret, newSetupCode, TOKEN_LIFETIME_MS } from "../../app/auth/tokens.ts";
import type { AuthTokenKind, OrganisationKind, OrganisationStatus, Role } from "../../app/generated/prisma/enums.ts";
import { testPrisma } from "../setup/db.ts";

/** A password the policy accepts. */
export const DEFAULT_PASSWORD = "amber-kettle-orbit-42";

let sequence = 0;
const unique = () => `${++sequence}${randomBytes(3).toString("hex")}`;

export type TestOrganisation = { id: string; name: string; kind: OrganisationKind; status: OrganisationStatus };

export async function createOrganisation(
  input: { kind?: OrganisationKind; status?: OrganisationStatus; districtCode?: string; name?: string } = {},
): Promise<TestOrganisation> {
  const kind = input.kind ?? "SCHOOL";
  return testPrisma().organisation.create({
    data: {
      name: input.name ?? `${kind === "SCHOOL" ? "Test Academy" : "Test Ltd"} ${unique()}`,
      kind,
      status: input.status ?? "APPROVED",
      districtCode: input.districtCode ?? "E07000192",
      approvedAt: (input.status ?? "APPROVED") === "APPROVED" ? new Date() : null,
    },
    select: { id: true, name: true, kind: true, status: true },
  });
}

export type TestUser = {
  id: string;
  email: string | null;
  username: string | null;
  password: string;
  firstName: string;
  lastName: string;
};

/**
 * A person with memberships. Pupils get a username and no email unless one is given; everyone
 * else gets a unique email. `password: null` creates an account that cannot sign in yet.
 */
export async function createUser(
  input: {
    email?: string | null;
    username?: string | null;
    password?: string | null;
    firstName?: string;
    lastName?: string;
    roles?: { org: { id: string }; role: Role }[];
    disabled?: boolean;
  } = {},
): Promise<TestUser> {
  const roles = input.roles ?? [];
  const pupilOnly = roles.length > 0 && roles.every((r) => r.role === "PUPIL");
  const id = unique();
  const email = input.email !== undefined ? input.email : pupilOnly ? null : `person${id}@example.org`;
  const username = input.username !== undefined ? input.username : pupilOnly ? `pupil${id}` : null;
  const password = input.password === null ? null : (input.password ?? DEFAULT_PASSWORD);
  const firstName = input.firstName ?? "Test";
  const lastName = input.lastName ?? `Person${id}`;
  const user = await testPrisma().user.create({
    data: {
      email,
      username,
      firstName,
      lastName,
      yearGroup: pupilOnly ? 9 : null,
      passwordHash: password === null ? null : await hashPassword(password),
      disabledAt: input.disabled ? new Date() : null,
      memberships: { create: roles.map((r) => ({ organisationId: r.org.id, role: r.role })) },
    },
    select: { id: true },
  });
  return { id: user.id, email, username, password: password ?? "", firstName, lastName };
}

/** An approved school with a school admin in it, the usual starting point. */
export async function createSchoolWithAdmin() {
  const school = await createOrganisation({ kind: "SCHOOL" });
  const admin = await createUser({ roles: [{ org: school, role: "SCHOOL_ADMIN" }] });
  return { school, admin };
}

/**
 * A one-time token as the app stores it (hashed), returning the secret that would be in the
 * email or on paper. `expiresAt` defaults to the app's lifetime for the kind.
 */
export async function createAuthToken(input: {
  kind: AuthTokenKind;
  userId?: string;
  email?: string;
  organisationId?: string;
  role?: Role;
  expiresAt?: Date;
}): Promise<{ id: string; secret: string }> {
  const secret = input.kind === "SETUP_CODE" ? newSetupCode() : newLinkSecret();
  const token = await testPrisma().authToken.create({
    data: {
      kind: input.kind,
      tokenHash: hashToken(secret),
      userId: input.userId ?? null,
      email: input.email ?? null,
      organisationId: input.organisationId ?? null,
      role: input.role ?? null,
      expiresAt: input.expiresAt ?? new Date(Date.now() + TOKEN_LIFETIME_MS[input.kind]),
    },
    select: { id: true },
  });
  return { id: token.id, secret };
}

/** The session id of a cookie token (`id.secret`). */
export function sessionIdOf(token: string | undefined): string {
  if (!token) throw new Error("no session token");
  return token.split(".")[0];
}
