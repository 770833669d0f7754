/**
 * What the web app and the workers agree on about BullMQ queues beyond names and payloads:
 * the key prefix (every queue lives under the deployment's REDIS_PREFIX, so test files and
 * deployments sharing a Redis never see each other's jobs) and the retry policy of outbox jobs.
 * No connection is opened here; callers bring their own (workers/connection.ts, the dashboard).
 */
import type { JobsOptions } from "bullmq";
import { env } from "~/utils/env.server.ts";

/** BullMQ's `prefix` option: `<REDIS_PREFIX>bull`, e.g. `dst:bull` → keys `dst:bull:email:…`. */
export function queuePrefix(redisPrefix: string = env().REDIS_PREFIX): string {
  return `${redisPrefix}bull`;
}

/**
 * Outbox jobs: 5 attempts with exponential backoff (10 s, 20 s, 40 s, 80 s), so a mail server
 * outage of a couple of minutes costs nothing. Completed jobs are trimmed; failed ones are kept
 * (with their reason) for the dashboard and for a manual retry.
 */
export const OUTBOX_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: "exponential", delay: 10_000 },
  removeOnComplete: 1000,
  removeOnFail: 50_000,
} as const satisfies JobsOptions;
