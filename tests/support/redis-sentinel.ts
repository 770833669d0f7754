/**
 * A Redis primary, one replica and one Sentinel of the test's own (Debian's `redis-server` and
 * `redis-sentinel`), on free ports with their files in a temporary folder: the shared Redis on
 * 6379 is never touched. Sentinel's timings are shortened so a failover takes about a second.
 * A missing binary fails the test with what to install; it never skips it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { findFreePort, hasCommand, pipePrefixed, sleep, startRedisServer, stopChild } from "../../scripts/services.ts";

export const SENTINEL_NAME = "mymaster";

export type SentinelGroup = {
  primaryPort: number;
  replicaPort: number;
  sentinelPort: number;
  /** A client of the sentinel itself (SENTINEL commands). */
  sentinel: Redis;
  /** The port Sentinel currently names as the primary. */
  primaryNow: () => Promise<number>;
  /** SENTINEL FAILOVER, then waits until Sentinel names the replica as the primary. */
  failover: () => Promise<void>;
  stop: () => Promise<void>;
};

function fieldsOf(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

async function waitUntil(what: string, check: () => Promise<boolean>, sentinelLog: string[], timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(
    `Sentinel test group: ${what} did not happen within ${timeoutMs / 1000} s. Sentinel's log:\n${sentinelLog.join("\n")}`,
  );
}

/** A client for looking at one server; connection errors are the test's waits' business. */
function inspector(port: number): Redis {
  const client = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1 });
  client.on("error", () => undefined);
  return client;
}

export async function startSentinelGroup(): Promise<SentinelGroup> {
  for (const [binary, pkg] of [
    ["redis-server", "redis-server"],
    ["redis-sentinel", "redis-sentinel"],
  ]) {
    if (!hasCommand(binary!))
      throw new Error(
        `${binary} is not installed, so the Sentinel failover cannot be tested: apt-get install -y ${pkg} (.ci/run installs it).`,
      );
  }
  const dir = mkdtempSync(path.join(tmpdir(), "dst-sentinel-"));
  const children: ChildProcess[] = [];
  const sentinelLog: string[] = [];
  const clients: Redis[] = [];
  const stop = async () => {
    for (const client of clients) client.disconnect();
    await Promise.allSettled(children.map((child) => stopChild(child, 2_000)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const primaryPort = await findFreePort();
    const primary = await startRedisServer({
      port: primaryPort,
      log: () => undefined,
      args: ["--dir", dir, "--dbfilename", "primary.rdb"],
    });
    children.push(primary.child);
    const replicaPort = await findFreePort();
    const replica = await startRedisServer({
      port: replicaPort,
      log: () => undefined,
      args: ["--dir", dir, "--dbfilename", "replica.rdb", "--replicaof", "127.0.0.1", String(primaryPort)],
    });
    children.push(replica.child);
    const replicaClient = inspector(replicaPort);
    clients.push(replicaClient);
    // In sync before Sentinel first looks at the primary, so it finds the replica at once
    // (it asks the primary again only every 10 s).
    await waitUntil(
      "the replica's first sync",
      async () => (await replicaClient.info("replication")).includes("master_link_status:up"),
      sentinelLog,
    );

    const sentinelPort = await findFreePort();
    const config = path.join(dir, "sentinel.conf");
    writeFileSync(
      config,
      [
        `port ${sentinelPort}`,
        "bind 127.0.0.1",
        `dir ${dir}`,
        `sentinel monitor ${SENTINEL_NAME} 127.0.0.1 ${primaryPort} 1`,
        `sentinel down-after-milliseconds ${SENTINEL_NAME} 1000`,
        `sentinel failover-timeout ${SENTINEL_NAME} 5000`,
        `sentinel parallel-syncs ${SENTINEL_NAME} 1`,
        "",
      ].join("\n"),
    );
    const sentinelChild = spawn("redis-sentinel", [config], { stdio: ["ignore", "pipe", "pipe"] });
    children.push(sentinelChild);
    pipePrefixed(sentinelChild, "sentinel", (line) => sentinelLog.push(line));
    const sentinel = inspector(sentinelPort);
    clients.push(sentinel);
    await waitUntil(
      "Sentinel seeing a healthy replica",
      async () => {
        const replicas = (await sentinel.call("SENTINEL", "REPLICAS", SENTINEL_NAME)) as string[][];
        return replicas.some((flat) => {
          const r = fieldsOf(flat);
          return r.port === String(replicaPort) && r.flags === "slave" && r["master-link-status"] === "ok";
        });
      },
      sentinelLog,
    );

    const primaryNow = async () =>
      Number(((await sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", SENTINEL_NAME)) as string[])[1]);
    const failover = async () => {
      // NOGOODSLAVE while Sentinel has not yet heard from the replica recently enough: ask again.
      await waitUntil(
        "SENTINEL FAILOVER being accepted",
        async () => (await sentinel.call("SENTINEL", "FAILOVER", SENTINEL_NAME)) === "OK",
        sentinelLog,
      );
      await waitUntil("the replica's promotion", async () => (await primaryNow()) === replicaPort, sentinelLog);
    };
    return { primaryPort, replicaPort, sentinelPort, sentinel, primaryNow, failover, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
