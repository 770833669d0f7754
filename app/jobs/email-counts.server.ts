/**
 * Emails sent and failed, counted in Redis by the email worker (workers/email-worker.ts) and read
 * by the web's /metrics: the worker runs in other processes, often on other hosts, and one
 * Redis hash gives a total over all of them that outlives a worker's restart. Counters, so a
 * flushed Redis only looks like a counter reset, which Prometheus' rate() already handles.
 */
import type { Redis } from "ioredis";
import { redisKey } from "~/utils/redis.server.ts";

/** What one email job attempt ended in: the handler's outcomes, or a failure (it will be retried or given up). */
export const EMAIL_OUTCOMES = ["sent", "already-sent", "suppressed", "missing", "failed"] as const;
export type EmailOutcome = (typeof EMAIL_OUTCOMES)[number];

const countsKey = () => redisKey("metrics", "emails");

export async function countEmailOutcome(client: Pick<Redis, "hincrby">, outcome: EmailOutcome): Promise<void> {
  await client.hincrby(countsKey(), outcome, 1);
}

export async function readEmailCounts(client: Pick<Redis, "hgetall">): Promise<Record<EmailOutcome, number>> {
  const stored = await client.hgetall(countsKey());
  return Object.fromEntries(EMAIL_OUTCOMES.map((outcome) => [outcome, Number(stored[outcome] ?? 0) || 0])) as Record<
    EmailOutcome,
    number
  >;
}
