/**
 * Forgotten password: ask for a link, the email arrives, the link sets a new password, and the
 * new password signs in. Uses an account of its own so the demo accounts keep theirs.
 */
import { expect, test } from "@playwright/test";
import { axe } from "./support/axe.ts";
import { createStaffUser, uniqueEmail } from "./support/data.ts";
import { linkIn, waitForMailTo } from "./support/mail.ts";

test("forgot password → email → new password → sign in", async ({ page }) => {
  const email = uniqueEmail("reset.tutor");
  await createStaffUser({
    email,
    firstName: "Rhiannon",
    lastName: "Price",
    role: "TUTOR",
    organisationName: "Staffordshire Digital Skills Partnership (University)",
  });
  const newPassword = `copper kettle ${Date.now()} lantern`;

  await page.goto("/login");
  await page.getByRole("link", { name: "Forgotten your password?" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Reset your password" })).toBeVisible();
  await axe(page, "/forgot-password");
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();
  await axe(page, "/forgot-password (sent)");

  const mail = await waitForMailTo(email);
  const link = linkIn(mail, "/reset-password/");
  expect(new URL(link).origin).toBe(new URL(page.url()).origin);

  await page.goto(link);
  await expect(page.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
  await axe(page, "/reset-password/…");
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Save password and sign in again" }).click();

  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Email address or username").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(newPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Rhiannon Price" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Tutor", exact: true })).toBeVisible();

  // The link worked once.
  await page.goto(link);
  await expect(page.getByRole("heading", { level: 1, name: "This link has expired" })).toBeVisible();
});
