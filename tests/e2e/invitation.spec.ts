/**
 * A school admin invites a teacher from the People page; the invitation email arrives; the
 * link, opened in a fresh browser context, creates the account and signs the teacher in.
 */
import { expect, test } from "@playwright/test";
import { axe } from "./support/axe.ts";
import { DEMO_PASSWORD, uniqueEmail } from "./support/data.ts";
import { linkIn, waitForMailTo } from "./support/mail.ts";

test("school admin invites a teacher who joins through the emailed link", async ({ page, browser }) => {
  const email = uniqueEmail("new.teacher", "chasevalley.example");

  await page.goto("/login");
  await page.getByLabel("Email address or username").fill("schooladmin@chasevalley.example");
  await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Welcome,/ })).toBeVisible();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "People at Chase Valley Academy" })).toBeVisible();
  await axe(page, "People page");

  const invite = page.getByRole("region", { name: "Invite a member of staff" });
  await invite.getByLabel("Their email address").fill(email);
  await invite.getByLabel("Role").selectOption({ label: "Teacher" });
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("status")).toContainText(`Invitation sent to ${email}`);
  await axe(page, "People page after inviting");

  const mail = await waitForMailTo(email);
  const link = linkIn(mail, "/invite/");

  const context = await browser.newContext();
  try {
    const invitee = await context.newPage();
    await invitee.goto(link);
    await expect(invitee.getByRole("heading", { level: 1, name: "Join Chase Valley Academy" })).toBeVisible();
    await expect(invitee.getByText("Teacher", { exact: true })).toBeVisible();
    await axe(invitee, "/invite/…");
    await invitee.getByLabel("First name").fill("Carys");
    await invitee.getByLabel("Last name").fill("Morgan");
    await invitee.getByLabel("Choose a password").fill(`orchard violin ${Date.now()} meadow`);
    await invitee.getByRole("button", { name: "Create account and join" }).click();

    await expect(invitee.getByRole("heading", { level: 1, name: "Welcome, Carys Morgan" })).toBeVisible();
    await expect(invitee.getByRole("heading", { name: "Teacher", exact: true })).toBeVisible();
    await expect(invitee.getByText("Chase Valley Academy").first()).toBeVisible();
    await axe(invitee, "home after accepting the invitation");
  } finally {
    await context.close();
  }
});
