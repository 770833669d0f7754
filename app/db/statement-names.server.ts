/**
 * Names for Postgres prepared statements. Prisma's pg adapter hands a statement's name to `pg`,
 * which prepares it once per connection and afterwards sends only its parameters, so Postgres
 * parses and plans each distinct query once per connection instead of on every request. On the
 * class grid that planning was two thirds of Postgres' CPU (docs/decisions/021-prepared-statements-and-one-statement-pages.md).
 *
 * Bounded: a variable-length `IN` list makes a new SQL text per length, and `pg` never forgets a
 * prepared statement, so past `limit` distinct texts a process runs new ones unnamed, as before.
 * A limit of 0 names nothing (for a pooler that cannot keep prepared statements).
 */
import { createHash } from "node:crypto";

/** Returns "" for a statement left unnamed: `pg` treats an empty name as its unnamed statement. */
export type StatementNamer = (query: { sql: string }) => string;

export function statementNamer(limit: number): StatementNamer | undefined {
  if (limit <= 0) return undefined;
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name === undefined && names.size < limit) {
      name = `dst_${createHash("sha1").update(sql).digest("base64url")}`;
      names.set(sql, name);
    }
    return name ?? "";
  };
}
