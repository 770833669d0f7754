/**
 * The transactional outbox: the app never talks to Redis to cause background work. It writes
 * a row here in the same Postgres transaction as the change that causes it, so either both
 * happen or neither; the relay in the worker process moves rows to BullMQ (workers/relay.ts).
 * When Redis is down the app keeps answering and rows simply wait.
 */
import type { Tx } from "~/db/client.server.ts";
import { OUTBOX_TOPICS, type OutboxPayload, type OutboxTopic } from "~/jobs/definitions.ts";

export async function enqueueOutbox<T extends OutboxTopic>(tx: Tx, topic: T, payload: OutboxPayload<T>, options: { availableAt?: Date } = {}) {
  const parsed = OUTBOX_TOPICS[topic].payload.parse(payload);
  return tx.outboxMessage.create({
    data: { topic, payload: parsed, availableAt: options.availableAt ?? new Date() },
    select: { id: true },
  });
}
