import { hashToken, newLinkSecret } from "../../app/auth/tokens.ts";
import { db } from "../../app/db/client.server.ts";
import { enqueueOutbox } from "../../app/jobs/outbox.server.ts";
import { createOrganisation, createUser } from "./factories.ts";

/**
 * Invitations written the way the app writes them (token and outbox row in one transaction), in
 * bulk: one invitation email per address for the email worker to deliver.
 */
export async function inviteInBulk(addresses: string[]) {
  const provider = await createOrganisation({ kind: "PROVIDER" });
  const admin = await createUser({ password: null, roles: [{ org: provider, role: "PARTNERSHIP_ADMIN" }] });
  const school = await createOrganisation({ kind: "SCHOOL" });
  const secrets = addresses.map(() => newLinkSecret());
  await db().$transaction(
    async (tx) => {
      const tokens = await tx.authToken.createManyAndReturn({
        data: addresses.map((email, i) => ({
          kind: "INVITATION" as const,
          tokenHash: hashToken(secrets[i]!),
          email,
          organisationId: school.id,
          role: "TEACHER" as const,
          createdById: admin.id,
          expiresAt: new Date(Date.now() + 7 * 86_400_000),
        })),
        select: { id: true, email: true },
      });
      for (const token of tokens)
        await enqueueOutbox(tx, "email.invitation", {
          tokenId: token.id,
          secret: secrets[addresses.indexOf(token.email!)]!,
        });
    },
    { timeout: 60_000 },
  );
}
