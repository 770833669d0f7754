/**
 * `npm run db:migrate`: applies pending migrations from prisma/migrations to DATABASE_URL and
 * records them in _prisma_migrations the way `prisma migrate deploy` does (which cannot run
 * here: its native engine cannot be downloaded). Exits non-zero on any error.
 */
import { applyMigrations } from "../app/db/migrate.server.ts";

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error(
    "DATABASE_URL is not set: point it at the database to migrate, e.g. postgresql://postgres@127.0.0.1:5432/app",
  );
  process.exit(1);
}

try {
  const { applied } = await applyMigrations(databaseUrl, { log: (line) => console.log(line) });
  if (applied.length === 0) console.log("Database is up to date");
  else console.log(`Applied ${applied.length} migration(s):\n${applied.map((name) => `  ${name}`).join("\n")}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
