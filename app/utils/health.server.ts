/**
 * Whether the two services the app needs answer: /readyz and its older alias /healthz (web), and
 * the worker's heartbeat (workers/heartbeat.ts). Each probe is bounded, so a check never hangs.
 */
import { pingDb } from "~/db/client.server.ts";
import { connectRedis, redis } from "~/utils/redis.server.ts";

/** Long enough for a fresh process's first query on a busy host, short enough for a prober. */
export const PROBE_TIMEOUT_MS = 1_500;

export type ProbeStatus = "ok" | "down";

/** Runs `probe`, "down" if it fails or takes longer than `timeoutMs`. */
export async function probe(check: () => Promise<unknown>, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error("timed out")), timeoutMs)),
  );
  try {
    await Promise.race([check(), timedOut]);
    return "ok";
  } catch {
    return "down";
  } finally {
    clearTimeout(timer);
  }
}

export async function checkHealth() {
  const [postgres, redisStatus] = await Promise.all([
    probe(pingDb),
    probe(async () => {
      // A fresh handle is still connecting: wait for it (bounded, and without leaving a listener
      // behind) rather than report "down".
      if (!(await connectRedis(PROBE_TIMEOUT_MS))) throw new Error("redis not connected");
      return redis().ping();
    }),
  ]);
  return { ok: postgres === "ok" && redisStatus === "ok", postgres, redis: redisStatus };
}
