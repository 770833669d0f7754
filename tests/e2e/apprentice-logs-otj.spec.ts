/**
 * Off-the-job training: the demo apprentice logs an activity on a phone in a few taps,
 * the workplace supervisor confirms it was done at work, the tutor verifies it, and the
 * apprentice's verified hours go up. Plus the offline queue: an entry made with no connection is
 * kept on the device and arrives exactly once when the connection returns.
 */
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { axe } from "./support/axe.ts";
import { signedIn } from "./support/sign-in.ts";
import { unique } from "./support/data.ts";

async function verifiedHours(page: Page): Promise<number> {
  await page.goto("/learning");
  await expect(page.getByRole("heading", { level: 1, name: "My learning" })).toBeVisible();
  const text = await page.locator(".figures div", { hasText: "Verified" }).locator("dd").first().innerText();
  return Number(text.replace(/[^\d.]/g, ""));
}

async function countEntries(description: string): Promise<number> {
  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM progress_entries WHERE description = $1",
      [description],
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

test("an apprentice logs OTJ on a phone; the supervisor confirms, the tutor verifies, the status updates", async ({
  browser,
}) => {
  test.setTimeout(240_000); // three people and six axe runs on a small shared machine
  const what = `Set up conditional access policies ${unique()}`;
  const apprentice = await signedIn(browser, "apprentice@trentside.example", { phone: true });
  const before = await verifiedHours(apprentice);
  await expect(apprentice.getByText(/On track|Behind plan|At risk/).first()).toBeVisible();
  await expect(apprentice.getByRole("img", { name: /Off-the-job hours: required, actual and forecast/ })).toBeVisible();
  await axe(apprentice, "/learning as apprentice (phone)");

  await apprentice.getByRole("link", { name: "Log learning" }).first().click();
  await expect(apprentice.getByRole("heading", { level: 1, name: "Log learning" })).toBeVisible();
  await axe(apprentice, "/log as apprentice (phone)");
  // Defaults: today's date, the OTJ form, at work = yes. Three fields and a tick are enough.
  await apprentice.getByLabel("Time spent, in minutes").fill("90");
  await apprentice.getByLabel("Workshop or training session").check();
  await apprentice.getByLabel("What did you learn?").fill(what);
  await apprentice.getByRole("checkbox", { name: /^K1 / }).check();
  await apprentice.getByRole("button", { name: "Log it" }).click();
  await expect(
    apprentice.getByText(/Logged: 1 h 30 min of off-the-job training \(workshop or training session\)/),
  ).toBeVisible();
  await expect(apprentice.getByRole("link", { name: "Change or undo this entry" })).toBeVisible();
  await axe(apprentice, "/log after logging");
  expect(await countEntries(what)).toBe(1);

  const supervisor = await signedIn(browser, "supervisor@trentside.example");
  await supervisor
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: /^Verify/ })
    .click();
  await expect(supervisor.getByRole("heading", { level: 1, name: "Verify learning" })).toBeVisible();
  await axe(supervisor, "/verify as supervisor");
  await supervisor
    .getByRole("checkbox", { name: new RegExp(`Select Liam Turner: .*workshop`) })
    .first()
    .check();
  await supervisor.getByRole("button", { name: "Confirm selected" }).click();
  await expect(supervisor.getByText(/Confirmed 1 entry\./)).toBeVisible();

  const tutor = await signedIn(browser, "tutor@partnership.example");
  await tutor.goto("/verify");
  await expect(tutor.getByRole("heading", { level: 1, name: "Verify learning" })).toBeVisible();
  await axe(tutor, "/verify as tutor");
  const row = tutor.getByRole("row", { name: new RegExp(what) });
  await row.getByRole("checkbox").check();
  await tutor.getByRole("button", { name: "Approve selected" }).click();
  await expect(tutor.getByText(/Approved 1 entry\./)).toBeVisible();

  const after = await verifiedHours(apprentice);
  expect(after).toBeGreaterThanOrEqual(before + 1.5);
  await expect(
    apprentice
      .getByRole("table", { name: /Your 20 most recent entries/ })
      .getByRole("row", { name: /workshop/ })
      .first(),
  ).toContainText("verified");
  await apprentice.getByRole("link", { name: /History of every change/ }).click();
  await expect(apprentice.getByRole("heading", { level: 1, name: "Off-the-job hours: every change" })).toBeVisible();
  await expect(apprentice.getByRole("table")).toContainText("Confirmed by workplace supervisor");
  await axe(apprentice, "OTJ history");
});

test("offline: an entry made without a connection is kept on the device and sent once when back online", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const what = `Offline note ${unique()}`;
  const apprentice = await signedIn(browser, "apprentice@trentside.example", { phone: true });
  await apprentice.goto("/log?kind=otj");
  await expect(apprentice.getByRole("heading", { level: 1, name: "Log learning" })).toBeVisible();
  await apprentice.waitForLoadState("networkidle"); // hydrated: the enhanced form handles the submit
  await apprentice.context().setOffline(true);
  await apprentice.getByLabel("Time spent, in minutes").fill("30");
  await apprentice.getByLabel("Mentoring").check();
  await apprentice.getByLabel("What did you learn?").fill(what);
  await apprentice.getByRole("checkbox", { name: /^S1 / }).check();
  await apprentice.getByRole("button", { name: "Log it" }).click();
  await expect(apprentice.getByText("Saved on this device — will send when you're back online.")).toBeVisible();
  await axe(apprentice, "/log with an entry kept offline");
  expect(await countEntries(what)).toBe(0);

  await apprentice.context().setOffline(false);
  await expect(apprentice.getByText(/Sent 1 entry saved on this device/)).toBeVisible({ timeout: 45_000 });
  expect(await countEntries(what)).toBe(1);
  // A later page load finds nothing left to send: still exactly one.
  await apprentice.goto("/learning");
  await expect(apprentice.getByRole("table", { name: /waiting for verification/ })).toContainText("mentoring");
  await apprentice.waitForLoadState("networkidle");
  expect(await countEntries(what)).toBe(1);
});
