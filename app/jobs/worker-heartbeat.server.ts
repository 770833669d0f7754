/**
 * Worker liveness and readiness through Redis: every worker process writes a heartbeat (written
 * by workers/heartbeat.ts) into one hash, a field per process ("<host>:<pid>"). A worker host's
 * probe (workers/probe.ts) reads its own host's fields; the web's /metrics counts them all. One
 * hash rather than a key per process, so reading never has to SCAN the keyspace (BullMQ keeps a
 * key per job there).
 */
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import { redisKey } from "~/utils/redis.server.ts";

export const HEARTBEAT_INTERVAL_MS = 15_000;
/** Three beats missed: the process is gone, or stuck. */
export const HEARTBEAT_STALE_MS = 3 * HEARTBEAT_INTERVAL_MS;
/** Fields of processes this long gone are removed by the readers. */
const FORGET_AFTER_MS = 60 * 60 * 1000;

export type Heartbeat = {
  at: number;
  /** Postgres answers and every queue worker is running. */
  ready: boolean;
  postgres: "ok" | "down";
  /** Queue name → its worker is running. */
  workers: Record<string, boolean>;
};

export type HeartbeatEntry = { process: string; beat: Heartbeat; fresh: boolean };

const heartbeatsKey = () => redisKey("workers", "heartbeats");

export const thisProcess = () => `${hostname()}:${process.pid}`;

export async function writeHeartbeat(client: Pick<Redis, "hset">, beat: Heartbeat): Promise<void> {
  await client.hset(heartbeatsKey(), thisProcess(), JSON.stringify(beat));
}

/** On a clean shutdown: the process is no longer ready from this moment, not three beats later. */
export async function removeHeartbeat(client: Pick<Redis, "hdel">): Promise<void> {
  await client.hdel(heartbeatsKey(), thisProcess());
}

export async function readHeartbeats(
  client: Pick<Redis, "hgetall" | "hdel">,
  now = Date.now(),
): Promise<HeartbeatEntry[]> {
  const entries: HeartbeatEntry[] = [];
  const forgotten: string[] = [];
  for (const [process, raw] of Object.entries(await client.hgetall(heartbeatsKey()))) {
    let beat: Heartbeat | undefined;
    try {
      beat = JSON.parse(raw) as Heartbeat;
    } catch {
      beat = undefined;
    }
    if (typeof beat?.at !== "number" || now - beat.at > FORGET_AFTER_MS) forgotten.push(process);
    else entries.push({ process, beat, fresh: now - beat.at <= HEARTBEAT_STALE_MS });
  }
  if (forgotten.length) await client.hdel(heartbeatsKey(), ...forgotten);
  return entries;
}
