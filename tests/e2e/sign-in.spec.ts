/**
 * Signing in and out as each of the nine demo roles, and a wrong password.
 */
import { expect, test, type Page } from "@playwright/test";
import { ROLE_LABELS } from "../../app/auth/permissions.ts";
import { axe } from "./support/axe.ts";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./support/data.ts";

test.describe.configure({ mode: "parallel" });

async function signIn(page: Page, identifier: string, password: string) {
  await page.getByLabel("Email address or username").fill(identifier);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

for (const account of DEMO_ACCOUNTS) {
  const identifier = account.email ?? account.username!;
  const role = ROLE_LABELS[account.role];

  test(`${role} (${identifier}) signs in and out`, async ({ page }) => {
    // (The sign-in page itself is checked with axe in the wrong-password test below.)
    await page.goto("/login");
    await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();

    await signIn(page, identifier, DEMO_PASSWORD);
    await expect(
      page.getByRole("heading", { level: 1, name: `Welcome, ${account.firstName} ${account.lastName}` }),
    ).toBeVisible();
    await expect(page.getByRole("heading", { name: role, exact: true })).toBeVisible();
    await axe(page, `home as ${role}`);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
    await expect(page).toHaveURL(/\/account$/);
    await axe(page, `/account as ${role}`);

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();

    // The page seen while signed in now asks for sign-in again.
    await page.goto("/account");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Faccount/);
    await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
    await page.goto("/");
    await expect(page.getByRole("heading", { name: /^Welcome,/ })).toHaveCount(0);
  });
}

test("a wrong password shows the error and signs nobody in", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await axe(page, "/login");
  await signIn(page, "teacher@chasevalley.example", "not-the-right-password");
  const summary = page.getByRole("alert");
  await expect(summary.getByRole("heading", { name: "There is a problem" })).toBeVisible();
  await expect(summary).toContainText("That email or username and password do not match.");
  await expect(page.getByLabel("Email address or username")).toHaveValue("teacher@chasevalley.example");
  await axe(page, "/login with an error");
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login/);
});
