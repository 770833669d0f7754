/**
 * The transactional outbox: the app never talks to Redis to cause background work. It writes
 * a row here in the same Postgres transaction as the change that causes it, so either both
 * happen or neither; the relay in the worker process hands rows to BullMQ (workers/relay.ts).
 * When Redis is down the app keeps answering and rows simply wait.
 *
 * A row is done when its job has finished (`done_at`), not when it was handed to Redis
 * (`dispatched_at`): Redis may lose a job it was given, so a row handed over and not done
 * within the lease is handed over again (decision 027).
 */
import { db, type Tx } from "~/db/client.server.ts";
import { OUTBOX_TOPICS, type OutboxPayload, type OutboxTopic } from "~/jobs/definitions.ts";
import { env } from "~/utils/env.server.ts";

/**
 * How long a handed-over row may stay not done before the relay hands it over again
 * (OUTBOX_LEASE_SECONDS, 5 minutes by default). Handing over a job Redis still holds is a
 * no-op (same job id), so a short lease costs one Redis command per waiting row, never a
 * second run; a long one delays the recovery of jobs Redis lost.
 */
export const outboxLeaseMs = () => env().OUTBOX_LEASE_SECONDS * 1000;

export async function enqueueOutbox<T extends OutboxTopic>(
  tx: Tx,
  topic: T,
  payload: OutboxPayload<T>,
  options: { availableAt?: Date } = {},
) {
  const parsed = OUTBOX_TOPICS[topic].payload.parse(payload);
  return tx.outboxMessage.create({
    data: { topic, payload: parsed, availableAt: options.availableAt ?? new Date() },
    select: { id: true },
  });
}

/**
 * Marks a row done so it is never handed over again. A handler calls it before it returns (in
 * its own transaction where it has one), so a job BullMQ records as completed always has a
 * done row. `lastError` records why a job was given up.
 */
export async function markOutboxDone(outboxId: string, options: { tx?: Tx; lastError?: string } = {}) {
  const client = options.tx ?? db();
  await client.outboxMessage.updateMany({
    where: { id: outboxId, doneAt: null },
    data: {
      doneAt: new Date(),
      ...(options.lastError !== undefined ? { lastError: options.lastError.slice(0, 500) } : {}),
    },
  });
}
