/**
 * The council officer's journey: sign in, open the latest outcome report, read a chart's data
 * table, download the CSV and check its hidden cells read `c`; axe on every page.
 *
 * Data: the seed's report demo (prisma/seed-data/report-demo.ts) puts a little learning in the
 * current academic year (14 pupils at a Cannock Chase school, 3 at a Stoke-on-Trent one) and
 * builds one protected snapshot, so this journey needs no setup of its own.
 */
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { axe } from "./support/axe.ts";

test("a council officer opens the latest report, reads the areas table and downloads the CSV", async ({ page }) => {
  // The report page has ~20 tables: axe over it takes a while on the small shared machines.
  test.setTimeout(300_000);
  await page.goto("/login");
  await page.getByLabel("Email address or username").fill("officer@council.example");
  await page.getByLabel("Password", { exact: true }).fill("digital-skills-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Welcome,/ })).toBeVisible();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Outcome reports" })).toBeVisible();
  await axe(page, "/reports as council officer");

  await page
    .getByRole("link", { name: /^Academic year \d{4}\/\d{2}$/ })
    .first()
    .click();
  await expect(page.getByRole("heading", { level: 1, name: /^Outcome report: Academic year/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "How figures are protected" })).toBeVisible();
  await expect(page.getByRole("img", { name: "Starts on pathways by area" })).toBeVisible();
  await axe(page, "the report page");

  // The chart's data table: Stoke-on-Trent's 3 starts are hidden, an area with no learners is 0.
  const table = page.getByRole("table", { name: "Learning by area (data for the chart)" });
  await expect(table).toBeVisible();
  const stoke = table.getByRole("row", { name: /^Stoke-on-Trent/ });
  await expect(stoke.getByRole("cell").first()).toHaveText("c");
  const tamworth = table.getByRole("row", { name: /^Tamworth/ });
  await expect(tamworth.getByRole("cell").first()).toHaveText(/^(0|c|\d*[05])$/);

  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: /^Download CSV/ }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^outcome-report-academic-year-\d{4}-\d{2}-v\d+\.csv$/);
  const csv = await readFile((await download.path())!, "utf8");
  const lines = csv.trim().split("\r\n");
  const header = lines[0].split(",");
  expect(header.slice(0, 3)).toEqual(["time_period", "time_identifier", "geographic_level"]);
  const stokeRow = lines.find((l) => l.includes(",E06000021,Stoke-on-Trent,Total,Total,"))!;
  expect(stokeRow.split(",")[header.indexOf("starts")]).toBe("c");
  expect(csv).toContain("counts of 1 to 4 are shown as c");

  await page.getByRole("link", { name: "Printable view" }).click();
  await expect(page).toHaveURL(/\/reports\/[0-9a-f-]{36}\/print$/, { timeout: 60_000 });
  await expect(page.getByRole("heading", { level: 1, name: /outcome report, Academic year/ })).toBeVisible({
    timeout: 60_000,
  });
  await axe(page, "the printable view");
});
