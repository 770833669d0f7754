/**
 * Three-way progress review: the tutor opens the demo apprentice's next review, fills it
 * in (OTJ comes from the ledger) and signs first; the apprentice signs from the review link; the
 * employer signs from the inbox on a phone-sized screen; the third signature locks the review.
 */
import { expect, test } from "@playwright/test";
import { axe } from "./support/axe.ts";
import { signedIn } from "./support/sign-in.ts";

test("tutor opens a review, the apprentice and the employer (inbox, phone) sign, and it locks", async ({ browser }) => {
  // Four people in four browser contexts on a shared 2-core machine: a long journey.
  test.setTimeout(300_000);
  const tutor = await signedIn(browser, "tutor@partnership.example");
  await tutor.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reviews" }).click();
  await expect(tutor.getByRole("heading", { level: 1, name: "Progress reviews" })).toBeVisible();
  await axe(tutor, "/reviews as tutor");
  await tutor
    .getByRole("table", { name: /next review of each apprenticeship/ })
    .getByRole("link", { name: "Liam Turner" })
    .first()
    .click();
  await expect(tutor.getByRole("heading", { level: 1, name: "Progress reviews: Liam Turner" })).toBeVisible();
  await expect(tutor.getByRole("table", { name: "Review schedule" })).toContainText("Signed by all three");
  await axe(tutor, "apprenticeship review schedule");
  await tutor.getByRole("link", { name: "Open the next review" }).click();

  await expect(tutor.getByRole("heading", { level: 1, name: /^Progress review \d+: Liam Turner$/ })).toBeVisible();
  await axe(tutor, "scheduled review");
  await tutor.getByRole("button", { name: "Open review" }).click();
  await expect(tutor.getByText("The off-the-job figures have been filled in from the ledger.")).toBeVisible();
  await expect(tutor.getByRole("region", { name: "Off-the-job training to date" })).toContainText(
    /From the verified ledger as at/,
  );
  const reviewUrl = tutor.url();

  await tutor
    .getByLabel("Progress against the training plan")
    .fill("Liam has completed the Microsoft 365 modules and now runs the new-starter set-up checklist.");
  await tutor.getByLabel(/^K1:/).selectOption({ label: "Competent" });
  await tutor.getByLabel("Support and wellbeing").fill("No concerns. Liam would like more time with the network team.");
  await tutor.getByLabel("Action 1", { exact: true }).fill("Shadow the network team for a day");
  await tutor.getByLabel("Owner of action 1").selectOption({ label: "Employer" });
  await tutor.getByLabel("Date for action 1").fill("2027-01-31");
  await tutor.getByRole("button", { name: "Save review" }).click();
  await expect(tutor.getByText("The review has been saved.")).toBeVisible();
  await axe(tutor, "open review being edited");

  await tutor.getByLabel("I agree this review is an accurate record").check();
  await tutor.getByRole("button", { name: "Sign review" }).click();
  await expect(tutor.getByText("Thank you. Your signature has been recorded.")).toBeVisible();
  await expect(tutor.getByRole("heading", { name: "Sign as tutor" })).toHaveCount(0);
  await expect(tutor.getByText("Waiting for the employer and the apprentice")).toBeVisible();

  // The apprentice follows the link (as in a reminder email) and signs in one step.
  const apprentice = await signedIn(browser, "apprentice@trentside.example");
  await apprentice.goto(reviewUrl);
  await expect(apprentice.getByText("Shadow the network team for a day")).toBeVisible();
  await apprentice.getByLabel("Your comments (optional)").fill("Thanks, I am enjoying the work.");
  await apprentice.getByLabel("I agree this review is an accurate record").check();
  await apprentice.getByRole("button", { name: "Sign review" }).click();
  await expect(apprentice.getByText("Thank you. Your signature has been recorded.")).toBeVisible();
  await axe(apprentice, "review signed by the apprentice");

  // The employer, on a phone, signs from the inbox.
  const employer = await signedIn(browser, "employer@trentside.example", { phone: true });
  await employer
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: /^Inbox \(\d+\)$/ })
    .click();
  await expect(employer.getByRole("heading", { level: 1, name: "Inbox" })).toBeVisible();
  await axe(employer, "inbox on a phone");
  const item = employer
    .getByRole("listitem")
    .filter({ has: employer.getByRole("heading", { name: /^Sign progress review \d+: Liam Turner$/ }) });
  await expect(item).toContainText("Days unsigned: 0");
  const button = item.getByRole("button", { name: "Sign review for Liam Turner" });
  const box = await button.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  expect(box!.width).toBeGreaterThan(300); // full width on a phone
  await item.getByLabel(/I agree this review of Liam Turner is an accurate record/).check();
  await button.click();
  await expect(employer.getByRole("heading", { level: 1, name: "Inbox" })).toBeVisible();
  await expect(employer.getByRole("heading", { name: /^Sign progress review \d+: Liam Turner$/ })).toHaveCount(0);

  await tutor.goto(reviewUrl);
  await expect(tutor.getByText(/^Signed and locked on/)).toBeVisible();
  await expect(tutor.getByRole("button", { name: "Save review" })).toHaveCount(0);
  await expect(tutor.getByText("Thanks, I am enjoying the work.")).toBeVisible();
  await tutor.getByLabel("Add a correction or addition").fill("The action date is moved to 28 February by agreement.");
  await tutor.getByRole("button", { name: "Add addendum" }).click();
  await expect(tutor.getByText("Your addendum has been added to the review.")).toBeVisible();
  await expect(tutor.getByRole("region", { name: "Addenda" })).toContainText("moved to 28 February");
  await axe(tutor, "locked review with an addendum");
});
