/**
 * A teacher creates a class, enrols it in a pathway, uploads the realistic 30-pupil SIMS export,
 * reads the preview, fixes nothing, confirms, sees the class grid and prints the setup-code
 * sheet. axe (WCAG 2.2 AA) on every page. Robust to re-runs against the same database: the
 * class name is unique, and on a second run the same pupils are matched rather than new.
 */
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { axe } from "./support/axe.ts";
import { DEMO_PASSWORD, unique } from "./support/data.ts";

const CLASS_LIST = fileURLToPath(new URL("../fixtures/class-lists/year9-class-30.csv", import.meta.url));

test("teacher imports a class list, confirms it, sees the grid and prints setup codes", async ({ page }) => {
  // Nine pages with an axe pass each: longer than the default budget on a busy machine.
  test.setTimeout(240_000);
  const className = `9X Digital ${unique()}`;

  await page.goto("/login");
  await page.getByLabel("Email address or username").fill("teacher@chasevalley.example");
  await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Welcome,/ })).toBeVisible();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Classes" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Classes" })).toBeVisible();
  await axe(page, "/classes");

  await page.getByRole("link", { name: "Create a class" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Create a class" })).toBeVisible();
  await axe(page, "/classes/new");
  await page.getByLabel("Class name").fill(className);
  await page.getByLabel("Year group").selectOption({ label: "Year 9" });
  await page.getByRole("button", { name: "Create class" }).click();
  await expect(page.getByRole("heading", { level: 1, name: className })).toBeVisible();
  await expect(page.getByText("This class is not enrolled in a pathway yet.")).toBeVisible();
  await axe(page, "empty class");

  await page.getByLabel("Enrol the whole class in a pathway").selectOption({ label: "Digital foundations" });
  await page.getByRole("button", { name: "Enrol class" }).click();
  await expect(page.getByText(/The class is enrolled in Digital foundations/)).toBeVisible();

  await page.getByRole("link", { name: "Upload a class list" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Upload a class list for ${className}` })).toBeVisible();
  await axe(page, "upload page");
  await page.getByLabel("Class list file (CSV)").setInputFiles(CLASS_LIST);
  await page.getByRole("button", { name: "Check the file" }).click();

  await expect(page.getByRole("heading", { level: 1, name: `Check the class list for ${className}` })).toBeVisible();
  const summary = page.getByRole("table", { name: /What confirming will do with the 30 rows/ });
  await expect(summary).toBeVisible();
  const count = (label: string) =>
    summary
      .getByRole("row", { name: new RegExp(`^${label}`) })
      .getByRole("cell")
      .first();
  const fresh = Number(await count("New pupils").textContent());
  const matched = Number(await count("Matched to existing pupils").textContent());
  expect(fresh + matched).toBe(30);
  await expect(count("Rows with problems")).toHaveText("0");
  await axe(page, "import preview");

  await page.getByRole("button", { name: "Confirm and import 30 pupils" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Class list imported" })).toBeVisible();
  await axe(page, "import done");

  await page.getByRole("link", { name: "See the class" }).click();
  await expect(page.getByRole("heading", { level: 1, name: className })).toBeVisible();
  const grid = page.getByRole("table", { name: /Verified module completions: 30 pupils × 5 modules/ });
  await expect(grid).toBeVisible();
  await expect(grid.getByRole("rowheader", { name: "Siân Pickerill" })).toBeVisible();
  await expect(grid.getByRole("columnheader", { name: /Computer basics/ })).toBeVisible();
  await expect(grid.getByRole("row", { name: /Siân Pickerill/ }).getByText("0 of 5 (0%)")).toBeVisible();
  await axe(page, "class grid");

  await page.getByRole("link", { name: "Print setup codes" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Setup codes for ${className}` })).toBeVisible();
  await axe(page, "setup codes page");
  await page.getByRole("button", { name: "Make the setup code sheet" }).click();
  const slips = page.getByRole("list", { name: "Setup code slips" }).getByRole("listitem");
  await expect(slips).toHaveCount(30);
  await expect(slips.filter({ hasText: "Siân Pickerill" }).locator("code")).toHaveText(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  await axe(page, "setup code sheet");
});
