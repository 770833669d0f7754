/**
 * Record ids are PostgreSQL `uuid` values. Checking the shape before a query turns a malformed
 * id into "not found" instead of a database error; PostgreSQL accepts either letter case
 * (https://www.postgresql.org/docs/current/datatype-uuid.html), so the check does too.
 */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
