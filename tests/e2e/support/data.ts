/**
 * Test data for the browser journeys: unique names per run (so re-runs against the same
 * database never collide), the demo accounts, and a direct way to add a user for a journey
 * that must not disturb the shared demo accounts.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export { DEMO_ACCOUNTS, DEMO_PASSWORD } from "../../../prisma/seed-data/organisations.ts";

/** A fresh, readable suffix: the run id plus a random part. */
export function unique(): string {
  return `${process.env.E2E_RUN_ID ?? "local"}${randomBytes(3).toString("hex")}`;
}

export function uniqueEmail(local: string, domain = "example.test"): string {
  return `${local}.${unique()}@${domain}`;
}

/** Inserts a staff member with no password yet (as an invitation would leave them). */
export async function createStaffUser(input: {
  email: string;
  firstName: string;
  lastName: string;
  role: string;
  organisationName: string;
}): Promise<string> {
  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO users (email, first_name, last_name, updated_at) VALUES ($1, $2, $3, now()) RETURNING id`,
      [input.email.toLowerCase(), input.firstName, input.lastName],
    );
    const userId = rows[0]!.id;
    const inserted = await client.query(
      `INSERT INTO memberships (user_id, organisation_id, role) SELECT $1, id, $2::role FROM organisations WHERE name = $3`,
      [userId, input.role, input.organisationName],
    );
    if (inserted.rowCount !== 1) throw new Error(`No organisation named ${input.organisationName}`);
    return userId;
  } finally {
    await client.end();
  }
}
