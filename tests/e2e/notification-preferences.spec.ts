/**
 * Reminder emails people can stop: an apprentice opens the unsubscribe link a reminder
 * carries, confirms, and the reminders stop; the account page shows it and turns them back on;
 * a mail client's one-click unsubscribe (RFC 8058: a cross-site POST with no cookie) stops the
 * digests. Uses an apprentice of its own so the demo accounts keep their choices.
 *
 * Reminder emails wait for the end of quiet hours (20:00–07:00 UK time), so the journey cannot
 * wait for a real one at any hour; it signs the link exactly as the email builder does
 * (app/models/notification-prefs.server.ts) with the run's secret.
 */
import { createHmac } from "node:crypto";
import { hash } from "@node-rs/argon2";
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { axe } from "./support/axe.ts";
import { uniqueEmail } from "./support/data.ts";
import { signIn } from "./support/sign-in.ts";

const PASSWORD = `quiet evening ${Date.now()} kettle`;
const REMINDERS_BOX = "Reminders about my own off-the-job training and reviews";
const DIGEST_BOX = "Weekly digests of what is waiting for me (inbox, classes or caseload)";

async function createApprentice(email: string): Promise<string> {
  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  try {
    const passwordHash = await hash(PASSWORD, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO users (email, first_name, last_name, password_hash, updated_at) VALUES ($1, 'Ffion', 'Morgan', $2, now()) RETURNING id`,
      [email, passwordHash],
    );
    await client.query(
      `INSERT INTO memberships (user_id, organisation_id, role) SELECT $1, id, 'APPRENTICE' FROM organisations WHERE name LIKE 'Trentside%'`,
      [rows[0]!.id],
    );
    return rows[0]!.id;
  } finally {
    await client.end();
  }
}

function unsubscribePath(userId: string, category: "reminders" | "digest"): string {
  const secret = process.env.E2E_UNSUBSCRIBE_SECRET;
  if (!secret) throw new Error("E2E_UNSUBSCRIBE_SECRET is not set: the global setup did not run");
  const mac = createHmac("sha256", secret).update(`unsubscribe:${userId}:${category}`).digest("base64url");
  return `/unsubscribe/${userId}.${category}.${mac}`;
}

async function emailChoices(page: Page) {
  await page.goto("/account");
  await expect(page.getByRole("heading", { level: 2, name: "Email reminders and digests" })).toBeVisible();
  return {
    reminders: await page.getByLabel(REMINDERS_BOX).isChecked(),
    digest: await page.getByLabel(DIGEST_BOX).isChecked(),
  };
}

test("an apprentice stops reminders from the email's link, turns them back on, and a mail client's one-click stops digests", async ({
  page,
  playwright,
}) => {
  const email = uniqueEmail("unsubscribe.apprentice");
  const userId = await createApprentice(email);

  // Opening the link changes nothing (link scanners follow GET links); the button does.
  await page.goto(unsubscribePath(userId, "reminders"));
  await expect(page.getByRole("heading", { level: 1, name: "Unsubscribe" })).toBeVisible();
  await expect(page.getByText("Stop reminders about your own off-the-job training and reviews?")).toBeVisible();
  await axe(page, "/unsubscribe/… (confirm)");
  await page.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "You have unsubscribed" })).toBeVisible();
  await expect(
    page.getByText("We will not send you reminders about your own off-the-job training and reviews any more."),
  ).toBeVisible();
  await axe(page, "/unsubscribe/… (done)");

  // A link altered by hand does nothing.
  const forged = await page.goto(unsubscribePath(userId, "digest").slice(0, -4) + "AAAA");
  expect(forged?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "This unsubscribe link does not work" })).toBeVisible();

  // Signed in, the account page shows the choice and turns reminders back on.
  await signIn(page, email, PASSWORD);
  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Ffion Morgan" })).toBeVisible();
  expect(await emailChoices(page)).toEqual({ reminders: false, digest: true });
  await axe(page, "/account");
  await page.getByLabel(REMINDERS_BOX).check();
  await page.getByRole("button", { name: "Save email choices" }).click();
  await expect(page.getByText("Your email choices have been saved.")).toBeVisible();
  expect(await emailChoices(page)).toEqual({ reminders: true, digest: true });

  // A mail client's one-click unsubscribe: cross-site, no cookie, RFC 8058's body.
  const mailClient = await playwright.request.newContext({ baseURL: new URL(page.url()).origin });
  const oneClick = await mailClient.post(unsubscribePath(userId, "digest"), {
    headers: { Origin: "https://mail.example.com" },
    form: { "List-Unsubscribe": "One-Click" },
    maxRedirects: 0,
  });
  expect(oneClick.status()).toBe(200);
  await mailClient.dispose();
  expect(await emailChoices(page)).toEqual({ reminders: true, digest: false });
});
