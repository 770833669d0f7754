/**
 * A teacher adds a pupil (no email) on the People page and reads the username and setup code
 * shown once; the pupil, in a fresh browser context, uses /setup to choose a password and is
 * signed in.
 */
import { expect, test } from "@playwright/test";
import { axe } from "./support/axe.ts";
import { DEMO_PASSWORD, unique } from "./support/data.ts";

test("teacher adds a pupil who sets a password with the setup code", async ({ page, browser }) => {
  // Letters only, so the username derived from the name stays predictable.
  const lastName = `Tester${unique()
    .replace(/[^a-z]/gi, "")
    .slice(0, 6)}`;

  await page.goto("/login");
  await page.getByLabel("Email address or username").fill("teacher@chasevalley.example");
  await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Welcome,/ })).toBeVisible();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "People at Chase Valley Academy" })).toBeVisible();

  const add = page.getByRole("region", { name: "Add a pupil without an email address" });
  await add.getByLabel("First name").fill("Megan");
  await add.getByLabel("Last name").fill(lastName);
  await add.getByLabel("Year group").selectOption({ label: "Year 8" });
  await add.getByRole("button", { name: "Add pupil and show setup code" }).click();

  const shown = page.getByRole("region", { name: `Setup code for Megan ${lastName}` });
  await expect(shown).toBeVisible();
  await axe(page, "People page showing a setup code");
  const username = (
    await shown
      .getByText(/^Username:/)
      .locator("strong")
      .textContent()
  )?.trim();
  const code = (
    await shown
      .getByText(/^Setup code:/)
      .locator("code")
      .textContent()
  )?.trim();
  expect(username).toBeTruthy();
  expect(code).toMatch(/^[A-Z0-9]{4}-?[A-Z0-9]{4}$/);

  const context = await browser.newContext();
  try {
    const pupil = await context.newPage();
    await pupil.goto("/setup");
    await expect(pupil.getByRole("heading", { level: 1, name: "Set your password" })).toBeVisible();
    await axe(pupil, "/setup");
    await pupil.getByLabel("Username").fill(username!);
    await pupil.getByLabel("Setup code").fill(code!);
    await pupil.getByLabel("Choose a password").fill(`purple tractor ${Date.now()} biscuit`);
    await pupil.getByRole("button", { name: "Save password and sign in" }).click();

    await expect(pupil.getByRole("heading", { level: 1, name: `Welcome, Megan ${lastName}` })).toBeVisible();
    await expect(pupil.getByRole("heading", { name: "Pupil", exact: true })).toBeVisible();
    await axe(pupil, "home as the new pupil");
  } finally {
    await context.close();
  }
});
