/**
 * The reminder and digest templates: each renders from its PreviewProps to HTML and
 * plain text with a real heading, the partnership's name, the link to act on, a one-click
 * unsubscribe link, and nothing personal beyond the recipient's own first name.
 */
import { describe, expect, it } from "vitest";
import ApprenticeOtjReminderEmail from "../../emails/apprentice-otj-reminder.tsx";
import { PARTNERSHIP_NAME } from "../../emails/components/layout.tsx";
import InboxDigestEmail from "../../emails/inbox-digest.tsx";
import ReviewDueEmail from "../../emails/review-due.tsx";
import TeacherWeeklyDigestEmail from "../../emails/teacher-weekly-digest.tsx";
import TutorCaseloadDigestEmail from "../../emails/tutor-caseload-digest.tsx";
import { renderEmail, type EmailTemplates } from "../../app/mail/render.server.ts";

const CASES: {
  template: keyof EmailTemplates;
  props: EmailTemplates[keyof EmailTemplates];
  action: string;
  heading: RegExp;
}[] = [
  {
    template: "apprentice-otj-reminder",
    props: ApprenticeOtjReminderEmail.PreviewProps,
    action: "http://localhost:3000/log",
    heading: /<h1[^>]*>Your off-the-job training is slipping behind<\/h1>/,
  },
  {
    template: "review-due",
    props: ReviewDueEmail.PreviewProps,
    action: "http://localhost:3000/reviews/00000000-0000-4000-8000-000000000000",
    heading: /<h1[^>]*>Your progress review is waiting for your signature<\/h1>/,
  },
  {
    template: "inbox-digest",
    props: InboxDigestEmail.PreviewProps,
    action: "http://localhost:3000/employer/inbox",
    heading: /<h1[^>]*>Waiting for you<\/h1>/,
  },
  {
    template: "teacher-weekly-digest",
    props: TeacherWeeklyDigestEmail.PreviewProps,
    action: "http://localhost:3000/classes/00000000-0000-4000-8000-000000000001",
    heading: /<h1[^>]*>Your classes this week<\/h1>/,
  },
  {
    template: "tutor-caseload-digest",
    props: TutorCaseloadDigestEmail.PreviewProps,
    action: "http://localhost:3000/reviews",
    heading: /<h1[^>]*>Progress reviews across your caseload<\/h1>/,
  },
];

describe.each(CASES)("$template email", ({ template, props, action, heading }) => {
  it("renders accessible HTML and plain text with the action link and an unsubscribe link", async () => {
    const email = await renderEmail(template, props as never);
    expect(email.subject.length).toBeGreaterThan(5);
    expect(email.html).toMatch(/<html[^>]*lang="en-GB"/);
    expect(email.html).toMatch(heading);
    for (const body of [email.html, email.text]) {
      expect(body).toContain(PARTNERSHIP_NAME);
      expect(body).toContain(action);
      expect(body).toContain("http://localhost:3000/unsubscribe/");
    }
    expect(email.text).not.toMatch(/<[a-z]/i);
    // No one's email address, and no name but the recipient's own first name.
    expect(email.html + email.text).not.toMatch(/@[a-z0-9-]+\.[a-z]/i);
  });
});
