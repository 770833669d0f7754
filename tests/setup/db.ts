/**
 * Database access for tests: a PrismaClient on this test file's own database (DATABASE_URL is
 * set by tests/setup/per-file-database.ts). One client per file, disconnected automatically
 * before the file's database is dropped.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../app/generated/prisma/client.ts";

let client: PrismaClient | undefined;

export function testPrisma(): PrismaClient {
  if (client) return client;
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString)
    throw new Error("DATABASE_URL is not set: is tests/setup/per-file-database.ts in vitest setupFiles?");
  const created = new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
  client = created;
  const cleanups = ((globalThis as { __testDatabaseCleanups?: Array<() => Promise<void>> }).__testDatabaseCleanups ??=
    []);
  cleanups.push(async () => {
    if (client === created) client = undefined;
    await created.$disconnect();
  });
  return created;
}
