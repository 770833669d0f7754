/**
 * The Prisma client (Rust-free, through @prisma/adapter-pg). One per process, created on first
 * use so tests can point DATABASE_URL at their own database before anything connects.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client.ts";
import { env } from "~/utils/env.server.ts";
import { statementNamer } from "~/db/statement-names.server.ts";

export type Db = PrismaClient;
/** The client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

let client: PrismaClient | undefined;

export function db(): PrismaClient {
  if (!client) {
    client = new PrismaClient({
      adapter: new PrismaPg(
        { connectionString: env().DATABASE_URL, max: env().DB_POOL_MAX },
        { statementNameGenerator: statementNamer(env().DB_STATEMENT_CACHE) },
      ),
    });
  }
  return client;
}

export async function disconnectDb() {
  const current = client;
  client = undefined;
  await current?.$disconnect();
}
