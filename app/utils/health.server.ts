/** Liveness of the two services the app needs. Each check is bounded so /healthz never hangs. */
import { db } from "~/db/client.server.ts";
import { redis } from "~/utils/redis.server.ts";

const TIMEOUT_MS = 1_500;

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error("timed out")), TIMEOUT_MS))]);
}

async function check(probe: () => Promise<unknown>): Promise<"ok" | "down"> {
  try {
    await withTimeout(probe());
    return "ok";
  } catch {
    return "down";
  }
}

export async function checkHealth() {
  const [postgres, redisStatus] = await Promise.all([check(() => db().$queryRaw`SELECT 1`), check(async () => {
    const client = redis();
    // A fresh handle is still connecting; wait for it (bounded) rather than report "down".
    if (client.status !== "ready") await new Promise((resolve) => client.once("ready", resolve));
    return client.ping();
  })]);
  return { ok: postgres === "ok" && redisStatus === "ok", postgres, redis: redisStatus };
}
