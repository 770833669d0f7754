/**
 * Identifiers an organisation gave one of its people that another account already holds
 * (decision 025).
 *
 * A school's class list or "add pupil" form names pupils by UPN and email, and an employer's
 * enrolment may name a UPN. When the identifier belongs to someone the organisation does not hold,
 * matching would hand that person over, so instead the organisation's person is created (or kept)
 * without it, and a flag records the claim for the partnership admin, who can merge the two records
 * with the merge tool if they are one person. The organisation's answer is the same as for an
 * identifier nobody holds: the flag is never shown to it.
 *
 * A flag also keeps re-imports idempotent: the next time the school names the same identifier, it
 * means the same pupil of theirs (the claimant), not a new one.
 */
import { db, type Tx } from "~/db/client.server.ts";
import type { IdentifierKind } from "~/generated/prisma/enums.ts";
import { can, type Actor } from "~/auth/permissions.ts";
import { audit } from "~/utils/audit.server.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";

export type IdentityClaim = { claimantId: string; kind: IdentifierKind; value: string; holderId: string };

/**
 * Records claims for the partnership admin in the caller's transaction. A claim the school has
 * already made for this identifier is kept as it was. Audit-logged with ids only.
 */
export async function flagIdentityClaims(
  tx: Tx,
  input: { actorId: string; organisationId: string; claims: readonly IdentityClaim[]; importJobId?: string },
) {
  if (input.claims.length === 0) return;
  const inserted = await tx.$queryRaw<{ id: string; claimant_id: string; holder_id: string; kind: IdentifierKind }[]>`
    INSERT INTO identity_flags (organisation_id, kind, value, claimant_id, holder_id)
    SELECT ${input.organisationId}::uuid, c.kind::identifier_kind, c.value, c.claimant_id, c.holder_id
    FROM unnest(${input.claims.map((c) => c.kind)}::text[], ${input.claims.map((c) => c.value)}::text[],
                ${input.claims.map((c) => c.claimantId)}::uuid[], ${input.claims.map((c) => c.holderId)}::uuid[]) AS c(kind, value, claimant_id, holder_id)
    ON CONFLICT (organisation_id, kind, value) DO NOTHING
    RETURNING id, claimant_id, holder_id, kind`;
  for (const flag of inserted) {
    await audit(
      {
        actorId: input.actorId,
        action: "person.identifier-flagged",
        subjectType: "user",
        subjectId: flag.holder_id,
        organisationId: input.organisationId,
        metadata: {
          flagId: flag.id,
          kind: flag.kind,
          claimantId: flag.claimant_id,
          holderId: flag.holder_id,
          ...(input.importJobId ? { importJobId: input.importJobId } : {}),
        },
      },
      tx,
    );
  }
}

/**
 * Open flags for the partnership admin (404 for anyone else): both records still stand on their
 * own (neither merged nor erased). Merging the two records closes a flag.
 */
export async function listIdentityFlags(actor: Actor) {
  if (!can(actor, "people:merge")) notFound();
  const person = {
    id: true,
    firstName: true,
    lastName: true,
    memberships: { select: { role: true, organisation: { select: { name: true } } } },
  } as const;
  const open = { mergedIntoId: null, erasedAt: null };
  const flags = await db().identityFlag.findMany({
    where: { claimant: open, holder: open },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: {
      id: true,
      kind: true,
      value: true,
      createdAt: true,
      organisation: { select: { name: true } },
      claimant: { select: person },
      holder: { select: person },
    },
  });
  const describe = (p: (typeof flags)[number]["holder"]) => ({
    id: p.id,
    name: fullName(p),
    roles: p.memberships.map((m) => `${m.role} at ${m.organisation.name}`),
  });
  return flags.map((f) => ({
    id: f.id,
    kind: f.kind,
    value: f.value,
    flaggedAt: f.createdAt.toISOString(),
    organisation: f.organisation.name,
    claimant: describe(f.claimant),
    holder: describe(f.holder),
  }));
}
