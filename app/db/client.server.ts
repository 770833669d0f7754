/**
 * The Prisma client (Rust-free, through @prisma/adapter-pg). One per process, created on first
 * use so tests can point DATABASE_URL at their own database before anything connects.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "~/generated/prisma/client.ts";
import { env } from "~/utils/env.server.ts";
import { logger } from "~/utils/logger.server.ts";
import { statementNamer } from "~/db/statement-names.server.ts";

export type Db = PrismaClient;
/** The client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

let client: PrismaClient | undefined;
let pool: pg.Pool | undefined;

/**
 * Every pool this process has open, for /metrics (app/http/metrics.server.ts). Kept on
 * globalThis because a process may load this module twice (server.ts beside the route build),
 * and the pool that serves pages is the build's.
 */
const POOLS = Symbol.for("dst.pg-pools");
function poolRegistry(): Set<pg.Pool> {
  return ((globalThis as { [POOLS]?: Set<pg.Pool> })[POOLS] ??= new Set());
}
export function openPools(): ReadonlySet<pg.Pool> {
  return poolRegistry();
}

export function db(): PrismaClient {
  if (!client) {
    // Our own pool (not a config for the adapter to turn into one), so its counts can be read.
    pool = new pg.Pool({ connectionString: env().DATABASE_URL, max: env().DB_POOL_MAX });
    // An idle connection Postgres ends (restart, failover) must not be an uncaught error: the
    // pool drops it and opens another when one is next needed.
    pool.on("error", (error) => logger.warn({ err: error.message }, "postgres connection lost"));
    poolRegistry().add(pool);
    client = new PrismaClient({
      adapter: new PrismaPg(pool, {
        statementNameGenerator: statementNamer(env().DB_STATEMENT_CACHE),
        disposeExternalPool: true,
      }),
    });
  }
  return client;
}

/** One round trip on the client's own pool, without Prisma's query engine: the readiness probe. */
export async function pingDb(): Promise<void> {
  db();
  await pool!.query("SELECT 1");
}

export async function disconnectDb() {
  const current = client;
  if (pool) poolRegistry().delete(pool);
  client = undefined;
  pool = undefined;
  await current?.$disconnect();
}
