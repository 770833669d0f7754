/**
 * The audit log: who read or changed what about a person. Metadata holds ids and counts only.
 * Pass the transaction client when the audited change happens in a transaction, so both
 * commit or neither does.
 */
import { db, type Tx } from "~/db/client.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";

export type AuditEvent = {
  actorId: string | null;
  action: string;
  subjectType?: string;
  subjectId?: string;
  organisationId?: string | null;
  metadata?: Prisma.InputJsonObject;
};

export async function audit(event: AuditEvent, tx: Tx = db()) {
  await tx.auditLog.create({
    data: {
      actorId: event.actorId,
      action: event.action,
      subjectType: event.subjectType,
      subjectId: event.subjectId,
      organisationId: event.organisationId ?? null,
      metadata: event.metadata ?? {},
    },
    select: { id: true },
  });
}
