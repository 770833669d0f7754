/**
 * Work experience: a teacher sets up a placement for the demo pupil with Trentside
 * Digital and records consent; starting is refused while the employer's checks are missing; the
 * employer confirms them; the placement starts; the supervisor gives feedback; the teacher
 * completes it; the pupil's Gatsby status and hours update, and Trentside joins the host pool.
 */
import { expect, test } from "@playwright/test";
import { axe } from "./support/axe.ts";
import { signedIn } from "./support/sign-in.ts";
import { unique } from "./support/data.ts";

const londonToday = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(new Date());

test("a school sets up a placement that starts only when everything is in; feedback and Gatsby follow", async ({
  browser,
}) => {
  // Four people in four browser contexts on a shared 2-core machine: a long journey.
  test.setTimeout(480_000);
  const title = `Help desk week ${unique()}`;
  const pupil = await signedIn(browser, "demo.pupil");
  await pupil.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My work experience" }).click();
  const card = pupil.getByRole("region", { name: "My careers progress" });
  await expect(card).toContainText("Workplace experience by 16");
  const hoursBefore = Number((await card.getByText(/of 50 hours/).textContent())!.match(/(\d+) of 50/)![1]);
  await axe(pupil, "/placements/mine");

  const teacher = await signedIn(browser, "teacher@chasevalley.example");
  await teacher.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Placements" }).click();
  await expect(teacher.getByRole("heading", { level: 1, name: "Work experience placements" })).toBeVisible();
  await axe(teacher, "/placements as a teacher");
  await teacher.getByRole("link", { name: "Set up a placement" }).click();
  await teacher.getByLabel("Search approved employers by name").fill("Trentside");
  await teacher.getByRole("button", { name: "Search" }).click();
  await teacher
    .getByLabel("Employer", { exact: true })
    .selectOption({ label: "Trentside Digital Ltd (Stoke-on-Trent, Software and IT services)" });
  await teacher.getByRole("button", { name: "Continue" }).click();
  await expect(teacher.getByText("Employer: Trentside Digital Ltd")).toBeVisible();
  await axe(teacher, "new placement form");
  await teacher.getByLabel("Placement title").fill(title);
  await teacher.getByLabel("Zoë Hughes, year 9").check();
  await teacher.getByLabel("Workplace supervisor (optional)").selectOption({ label: "Aisha Khan" });
  await teacher.getByLabel("Start date").fill(londonToday());
  await teacher.getByLabel("End date").fill(londonToday());
  await teacher.getByLabel("Planned hours").fill("30");
  await teacher.getByRole("button", { name: "Create placement" }).click();

  await expect(teacher.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(teacher.getByText("The placement cannot start yet. Missing:")).toBeVisible();
  await expect(teacher.getByText("Parental consent has not been recorded for Zoë Hughes.")).toBeVisible();
  await axe(teacher, "planned placement");
  const placementUrl = teacher.url();

  await teacher.getByLabel("Parent or carer who gave consent for Zoë Hughes").fill("Rachel Hughes");
  await teacher.getByLabel("How consent was given").selectOption({ label: "Consent form" });
  await teacher.getByRole("button", { name: "Record consent for Zoë Hughes" }).click();
  await expect(teacher.getByText("Parental consent recorded.")).toBeVisible();
  await expect(teacher.getByText(/given by Rachel Hughes/)).toBeVisible();
  // The employer's checks are still missing: starting is refused on the server, in words.
  await teacher.getByRole("button", { name: "Start placement" }).click();
  await expect(teacher.getByRole("alert")).toContainText("The placement cannot start yet");
  await expect(teacher.getByRole("alert")).toContainText(
    "Trentside Digital Ltd has not confirmed the risk assessment.",
  );

  const employer = await signedIn(browser, "employer@trentside.example");
  await employer.goto(placementUrl);
  await employer.getByLabel("The risk assessment for this placement is done").check();
  await employer.getByLabel(/Employers' Liability insurance/).check();
  await employer.getByLabel(/Health and safety arrangements/).check();
  await employer.getByRole("button", { name: "Confirm checks" }).click();
  await expect(employer.getByText("Thank you. Your confirmations have been recorded.")).toBeVisible();
  await axe(employer, "placement as the employer");

  await teacher.goto(placementUrl);
  await expect(teacher.getByText("The placement cannot start yet. Missing:")).toHaveCount(0);
  await teacher.getByRole("button", { name: "Start placement" }).click();
  await expect(teacher.getByText("The placement has started.")).toBeVisible();

  const supervisor = await signedIn(browser, "supervisor@trentside.example");
  await supervisor.goto(placementUrl);
  for (const criterion of ["Attendance", "Punctuality", "Teamwork", "Communication", "Digital skills"]) {
    await supervisor.getByRole("group", { name: criterion }).getByLabel("4 Excellent").check();
  }
  await supervisor.getByLabel("Comment (optional)").fill("Zoë was curious and careful with customers' data.");
  await supervisor
    .getByRole("group", { name: "Would you host a work experience placement again?" })
    .getByLabel("Yes")
    .check();
  await supervisor.getByRole("button", { name: "Send feedback" }).click();
  await expect(supervisor.getByText("Thank you for your feedback.")).toBeVisible();
  await expect(supervisor.getByRole("table", { name: "Feedback from Trentside Digital Ltd" })).toContainText(
    "Excellent",
  );
  await axe(supervisor, "placement after feedback");

  await teacher.goto(placementUrl);
  await teacher.getByLabel("Hours Zoë Hughes attended").fill("28");
  await teacher.getByRole("button", { name: "Complete placement" }).click();
  await expect(teacher.getByText("The placement is complete.")).toBeVisible();

  await pupil.reload();
  await expect(card.getByText(`${hoursBefore + 28} of 50 hours`)).toBeVisible();
  await expect(card).toContainText(/Workplace experience by 16\s*Met/);
  const mine = pupil
    .getByRole("article")
    .filter({ has: pupil.getByRole("heading", { name: `${title} at Trentside Digital Ltd` }) });
  await mine.getByLabel("My reflection").fill("I learned how a help desk logs and solves problems.");
  await mine.getByRole("button", { name: "Save reflection" }).click();
  await expect(pupil.getByText("Your reflection has been saved.")).toBeVisible();
  await axe(pupil, "/placements/mine after the placement");

  await teacher.goto("/placements/hosts");
  await expect(teacher.getByRole("table", { name: /host employer/ })).toContainText("Trentside Digital Ltd");
});

test("the school's work-experience pages are accessible", async ({ browser }) => {
  test.setTimeout(180_000);
  const teacher = await signedIn(browser, "teacher@chasevalley.example");
  await teacher.goto("/placements/hosts");
  await expect(teacher.getByRole("heading", { level: 1, name: "Host employer pool" })).toBeVisible();
  await axe(teacher, "host pool");
  await teacher.goto("/placements/gatsby");
  await expect(teacher.getByRole("table", { name: "Pupils meeting each measure, by year group" })).toContainText(
    "Year 9",
  );
  await axe(teacher, "Gatsby by year group");
  await teacher.goto("/encounters/new");
  await expect(teacher.getByRole("heading", { level: 1, name: "Log an employer encounter" })).toBeVisible();
  await axe(teacher, "log an encounter");
});
