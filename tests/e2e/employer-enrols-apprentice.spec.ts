/**
 * The demo employer admin enrols a new apprentice on ST0120: fills the form, reads the computed
 * off-the-job hours and how they were worked out on the check-your-answers page, confirms, which
 * emails the person an invitation (the apprenticeship starts only when they accept it). The
 * apprentice joins through the invitation (names already filled in, the apprenticeship described),
 * and the three parties sign the training plan in place: the apprentice, the employer and the demo
 * tutor (from their caseload). The plan then shows as agreed by all three. axe runs on every page.
 */
import { expect, test, type Page } from "@playwright/test";
import { axe } from "./support/axe.ts";
import { signIn } from "./support/sign-in.ts";
import { uniqueEmail } from "./support/data.ts";
import { linkIn, waitForMailTo } from "./support/mail.ts";

async function signPlan(page: Page, party: "employer" | "apprentice" | "training provider (tutor)") {
  await page.getByRole("checkbox", { name: `I agree to this training plan (${party})` }).check();
  await page.getByRole("button", { name: "Sign the training plan" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Thank you/ })).toBeVisible();
}

test("an employer enrols an apprentice and all three parties sign the training plan", async ({ page, browser }) => {
  // Thirteen axe runs and four sign-ins: generous, because the machine is shared.
  test.setTimeout(480_000);
  const email = uniqueEmail("new.apprentice", "trentside.example");
  const lastName = `Rowe${Date.now() % 100000}`;

  // ── the employer admin enrols ──
  await signIn(page, "employer@trentside.example");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Apprentices" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Apprentices" })).toBeVisible();
  await axe(page, "employer apprentices list");
  await page.getByRole("link", { name: "Enrol an apprentice" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Enrol an apprentice" })).toBeVisible();
  await axe(page, "enrolment form");

  // Nothing filled in: every problem is explained, nothing is saved.
  await page.getByRole("button", { name: "Continue to check your answers" }).click();
  await expect(page.getByRole("alert")).toContainText("Enter an email address.");
  await axe(page, "enrolment form with errors");

  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("First name").fill("Ellis");
  await page.getByLabel("Last name").fill(lastName);
  await page.getByLabel("Date of birth").fill("2005-06-15");
  await page.getByLabel("Apprenticeship standard").selectOption({
    label: "ST0120 Digital support technician, level 3, minimum 278 OTJ hours (starts from Aug 2025)",
  });
  await page.getByLabel("Start date").fill("2026-12-01");
  await page.getByLabel("Planned end date").fill("2028-02-29");
  await page.getByLabel("Contracted weekly hours").fill("37.5");
  await page
    .getByLabel("Tutor from the training provider")
    .selectOption({ label: "Tom Ashworth (Staffordshire Digital Skills Partnership (University))" });
  await page.getByLabel("Workplace supervisor").selectOption({ label: "Aisha Khan" });
  await page.getByRole("button", { name: "Continue to check your answers" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Check your answers before enrolling" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Planned off-the-job training: 278 hours" })).toBeVisible();
  await expect(
    page.getByText("How it was worked out: Standard ST0120 minimum 278 hours (no prior learning recorded)"),
  ).toBeVisible();
  await expect(
    page.getByText(
      `Ellis ${lastName}, ${email} (we will email them an invitation; the apprenticeship starts when they accept it)`,
    ),
  ).toBeVisible();
  await expect(page.getByText("Not required: aged 21 at the start (optional from 19).")).toBeVisible();
  await axe(page, "check your answers");
  await page.getByRole("button", { name: "Confirm and send the invitation" }).click();

  // Nothing starts until they accept: the list shows the invitation, with the name as typed.
  await expect(page.getByRole("heading", { level: 1, name: "Apprentices" })).toBeVisible();
  await expect(page.getByRole("status").first()).toContainText(
    `Invitation sent to ${email}. The apprenticeship starts when they accept it.`,
  );
  await expect(
    page.getByRole("row", { name: new RegExp(`Ellis ${lastName}.*Invited – waiting to accept`) }),
  ).toBeVisible();
  await axe(page, "apprentices list with an invitation");

  // ── the apprentice joins through the invitation and signs ──
  const mail = await waitForMailTo(email);
  const apprenticeContext = await browser.newContext();
  try {
    const apprentice = await apprenticeContext.newPage();
    await apprentice.goto(linkIn(mail, "/invite/"));
    await expect(apprentice.getByRole("heading", { level: 1, name: "Join Trentside Digital Ltd" })).toBeVisible();
    await expect(
      apprentice.getByText("Trentside Digital Ltd gave your date of birth as 15 June 2005.", { exact: false }),
    ).toBeVisible();
    await expect(apprentice.getByLabel("First name")).toHaveValue("Ellis");
    await expect(apprentice.getByLabel("Last name")).toHaveValue(lastName);
    await axe(apprentice, "invitation for the apprentice");
    await apprentice.getByLabel("Choose a password").fill(`harbour lantern ${Date.now()} velvet`);
    await apprentice.getByRole("button", { name: "Create account and join" }).click();
    await expect(apprentice.getByRole("heading", { level: 1, name: `Welcome, Ellis ${lastName}` })).toBeVisible();
    await apprentice.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My apprenticeship" }).click();
    await expect(apprentice.getByRole("heading", { level: 1, name: "My apprenticeship" })).toBeVisible();
    await axe(apprentice, "my apprenticeship");
    await apprentice.getByRole("link", { name: `Ellis ${lastName}` }).click();
    await expect(apprentice.getByRole("heading", { level: 2, name: "Training plan" })).toBeVisible();
    await expect(
      apprentice.getByText("How it was worked out: Standard ST0120 minimum 278 hours (no prior learning recorded)"),
    ).toBeVisible();
    // The apprentice signs only for themselves.
    await expect(apprentice.getByRole("checkbox", { name: /employer/ })).toHaveCount(0);
    await signPlan(apprentice, "apprentice");
    await axe(apprentice, "plan signed by the apprentice");
  } finally {
    await apprenticeContext.close();
  }

  // ── the employer signs, from the list ──
  await page.reload();
  await expect(page.getByRole("row", { name: new RegExp(`Ellis ${lastName}.*Invited`) })).toHaveCount(0);
  await page.getByRole("link", { name: `Ellis ${lastName}` }).click();
  await expect(
    page.getByRole("heading", { level: 1, name: `Ellis ${lastName}: Digital support technician (ST0120, level 3)` }),
  ).toBeVisible();
  await expect(page.getByText("Signed by 1 of 3")).toBeVisible();
  await axe(page, "apprenticeship page after they accepted");
  const planUrl = page.url();

  // Ticking nothing is explained, not ignored.
  await page.getByRole("button", { name: "Sign the training plan" }).click();
  await expect(page.getByRole("alert")).toContainText("Tick the box to confirm you agree to this training plan.");
  await signPlan(page, "employer");
  await expect(page.getByRole("row", { name: /Employer Marcus Bennett/ })).toBeVisible();
  await axe(page, "plan signed by the employer");

  // ── the tutor signs from their caseload ──
  const tutorContext = await browser.newContext();
  try {
    const tutor = await tutorContext.newPage();
    await signIn(tutor, "tutor@partnership.example");
    await tutor.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Caseload" }).click();
    await expect(tutor.getByRole("heading", { level: 1, name: "Your caseload" })).toBeVisible();
    await axe(tutor, "tutor caseload");
    await tutor.getByRole("link", { name: `Ellis ${lastName}` }).click();
    await signPlan(tutor, "training provider (tutor)");
    await expect(tutor.getByRole("status").filter({ hasText: "now signed by all three parties" })).toBeVisible();
    await expect(tutor.getByText(/Agreed by all three parties on .* The plan is locked\./)).toBeVisible();
    await axe(tutor, "plan signed by all three");
  } finally {
    await tutorContext.close();
  }

  // ── back with the employer: agreed, and locked ──
  await page.goto(planUrl);
  await expect(page.getByText("Signed by all three").first()).toBeVisible();
  await expect(page.getByText(/cannot be changed now the plan is agreed/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign the training plan" })).toHaveCount(0);
  await axe(page, "agreed plan seen by the employer");
});
