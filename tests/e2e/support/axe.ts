/**
 * Accessibility check for the page as it is now: axe-core with the WCAG 2.2 AA rule set
 * (tags wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa). Any violation fails the test with a
 * readable list (rule, impact, the elements, and where to read about it).
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

export async function axe(page: Page, label = page.url()) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const report = results.violations
    .map(
      (v) =>
        `- ${v.id} (${v.impact ?? "?"}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}\n  ${v.helpUrl}`,
    )
    .join("\n");
  expect(
    results.violations.map((v) => v.id),
    `Accessibility violations on ${label}:\n${report}`,
  ).toEqual([]);
}
