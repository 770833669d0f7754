/**
 * A checksum per table, in one round trip: what the generated HTTP tests (the access matrix, the
 * fuzz test) compare before and after a request to prove it wrote nothing. Sessions (touched by
 * every request) and the audit log (the append-only record of attempts) are left out.
 */
import { testPrisma } from "../setup/db.ts";

let checksumSql: string | undefined;

export async function tableSums(): Promise<Map<string, string>> {
  if (!checksumSql) {
    const tables = await testPrisma().$queryRaw<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('sessions', 'audit_log')
      ORDER BY table_name`;
    checksumSql = tables
      .map(
        ({ table_name }) =>
          `SELECT '${table_name}' AS name, (SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM "${table_name}" t) AS sum`,
      )
      .join(" UNION ALL ");
  }
  const rows = await testPrisma().$queryRawUnsafe<{ name: string; sum: string | null }[]>(checksumSql);
  return new Map(rows.map((r) => [r.name, r.sum ?? "-"]));
}
