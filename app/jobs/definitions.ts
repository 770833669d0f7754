/**
 * Job names, queues and payload schemas: the one module the web app and the workers share
 * (documenso's pattern). Payloads carry ids only, never personal details. The workers parse
 * every payload again with these schemas before acting on it.
 *
 * Two routes into a queue:
 * - through the transactional outbox (app/jobs/outbox.server.ts): the row is written in the
 *   same transaction as the change; the relay enqueues `{ outboxId }` with the row id as job id;
 *   the worker reads the row's payload from Postgres. Secrets needed to build a link (a reset
 *   token) live only in that Postgres row and are scrubbed once sent; they never reach Redis.
 * - direct `addBulk` by a worker sweep (reminders), with id-only payloads.
 */
import { z } from "zod";

export const QUEUES = ["email", "reminders", "reports", "imports", "maintenance"] as const;
export type QueueName = (typeof QUEUES)[number];

const uuid = z.string().uuid();

export const OUTBOX_TOPICS = {
  /** An invitation to join an organisation with a role. */
  "email.invitation": { queue: "email", payload: z.object({ tokenId: uuid, secret: z.string().min(20) }).strict() },
  /** A one-time password reset link. */
  "email.password-reset": { queue: "email", payload: z.object({ tokenId: uuid, secret: z.string().min(20) }).strict() },
} as const satisfies Record<string, { queue: QueueName; payload: z.ZodType }>;

export type OutboxTopic = keyof typeof OUTBOX_TOPICS;
export type OutboxPayload<T extends OutboxTopic> = z.infer<(typeof OUTBOX_TOPICS)[T]["payload"]>;

/** What the relay puts in Redis for an outbox row: its id, nothing else. */
export const outboxJobData = z.object({ outboxId: uuid }).strict();
export type OutboxJobData = z.infer<typeof outboxJobData>;

/** Payload fields that must be removed from the outbox row once the job has run. */
export const SECRET_PAYLOAD_FIELDS = ["secret"] as const;
