/**
 * A teacher bulk-approves a class's entries: the demo class 9D demo has entries waiting
 * (seeded); the teacher sees them grouped by class, oldest first, rejects one with a comment,
 * approves the rest with "Approve selected", and the class grid shows nothing waiting.
 */
import { expect, test } from "@playwright/test";
import { axe } from "./support/axe.ts";
import { DEMO_PASSWORD } from "./support/data.ts";

test("the demo teacher bulk-approves pupils' entries from the verification queue", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email address or username").fill("teacher@chasevalley.example");
  await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Welcome,/ })).toBeVisible();

  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: /^Verify/ })
    .click();
  await expect(page.getByRole("heading", { level: 1, name: "Verify learning" })).toBeVisible();
  await axe(page, "/verify as teacher");
  const table = page.getByRole("table", { name: /^Class 9D demo: \d+ waiting, oldest first/ });
  await expect(table).toBeVisible();
  const boxes = table.getByRole("checkbox");
  const count = await boxes.count();
  expect(count).toBeGreaterThanOrEqual(3);

  // Reject one with a comment the pupil will see.
  const first = table.getByRole("row").nth(1);
  await first.getByText("Reject", { exact: false }).first().click();
  await first.getByLabel("Why? The learner sees this.").fill("Please finish the knowledge check first.");
  await first.getByRole("button", { name: /^Reject/ }).click();
  await expect(page.getByText("Rejected 1 entry.")).toBeVisible();

  const remaining = page.getByRole("table", { name: /^Class 9D demo: \d+ waiting/ }).getByRole("checkbox");
  await expect(remaining).toHaveCount(count - 1);
  for (let i = 0; i < count - 1; i++) await remaining.nth(i).check();
  await page.getByRole("button", { name: "Approve selected" }).click();
  await expect(page.getByText(`Approved ${count - 1} ${count - 1 === 1 ? "entry" : "entries"}.`)).toBeVisible();
  await expect(page.getByRole("table", { name: /^Class 9D demo/ })).toHaveCount(0);
  await axe(page, "/verify after approving");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Classes" }).click();
  await page.getByRole("link", { name: "9D demo" }).first().click();
  await expect(page.getByText("No entries are waiting for verification.")).toBeVisible();
  await axe(page, "class grid with flags");
});
