/** Signing in through the real form, as the journeys' people do. */
import { expect, type Browser, type Page } from "@playwright/test";
import { DEMO_PASSWORD } from "./data.ts";

/** A phone-sized screen (iPhone 12-ish): apprentices and employers act on their phones. */
export const PHONE = { width: 390, height: 844 };

export async function signIn(page: Page, identifier: string, password = DEMO_PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("Email address or username").fill(identifier);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Welcome,/ })).toBeVisible();
}

/** A new browser context (its own cookies) signed in as `identifier`, optionally on a phone. */
export async function signedIn(browser: Browser, identifier: string, options: { phone?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext(options.phone ? { viewport: PHONE, isMobile: true, hasTouch: true } : {});
  const page = await context.newPage();
  await signIn(page, identifier);
  return page;
}
