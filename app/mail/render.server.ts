/**
 * The one place emails are rendered: a template from emails/ plus its props → subject, HTML
 * and a plain-text alternative. Templates receive props only and never query anything; the
 * email worker gathers the data. No runtime Tailwind: a render costs a few milliseconds.
 */
import { createElement } from "react";
import { render, toPlainText } from "react-email";
import InvitationEmail, { invitationSubject, type InvitationEmailProps } from "../../emails/invitation.tsx";
import PasswordResetEmail, {
  passwordResetSubject,
  type PasswordResetEmailProps,
} from "../../emails/password-reset.tsx";
import RegistrationConfirmEmail, {
  registrationConfirmSubject,
  type RegistrationConfirmEmailProps,
} from "../../emails/registration-confirm.tsx";
import RegistrationExistingAccountEmail, {
  registrationExistingAccountSubject,
  type RegistrationExistingAccountEmailProps,
} from "../../emails/registration-existing-account.tsx";
// ── reminders and digests, and the monthly report email ──
import ApprenticeOtjReminderEmail, {
  apprenticeOtjReminderSubject,
  type ApprenticeOtjReminderEmailProps,
} from "../../emails/apprentice-otj-reminder.tsx";
import InboxDigestEmail, { inboxDigestSubject, type InboxDigestEmailProps } from "../../emails/inbox-digest.tsx";
import ReportReadyEmail, { reportReadySubject, type ReportReadyEmailProps } from "../../emails/report-ready.tsx";
import ReviewDueEmail, { reviewDueSubject, type ReviewDueEmailProps } from "../../emails/review-due.tsx";
import TeacherWeeklyDigestEmail, {
  teacherWeeklyDigestSubject,
  type TeacherWeeklyDigestEmailProps,
} from "../../emails/teacher-weekly-digest.tsx";
import TutorCaseloadDigestEmail, {
  tutorCaseloadDigestSubject,
  type TutorCaseloadDigestEmailProps,
} from "../../emails/tutor-caseload-digest.tsx";

export type RenderedEmail = { subject: string; html: string; text: string };

export type EmailTemplates = {
  invitation: InvitationEmailProps;
  "password-reset": PasswordResetEmailProps;
  "registration-confirm": RegistrationConfirmEmailProps;
  "registration-existing-account": RegistrationExistingAccountEmailProps;
  "apprentice-otj-reminder": ApprenticeOtjReminderEmailProps;
  "review-due": ReviewDueEmailProps;
  "inbox-digest": InboxDigestEmailProps;
  "teacher-weekly-digest": TeacherWeeklyDigestEmailProps;
  "tutor-caseload-digest": TutorCaseloadDigestEmailProps;
  "report-ready": ReportReadyEmailProps;
};

const TEMPLATES: {
  [K in keyof EmailTemplates]: {
    component: (props: EmailTemplates[K]) => React.ReactNode;
    subject: (props: EmailTemplates[K]) => string;
  };
} = {
  invitation: { component: InvitationEmail, subject: invitationSubject },
  "password-reset": { component: PasswordResetEmail, subject: passwordResetSubject },
  "registration-confirm": { component: RegistrationConfirmEmail, subject: registrationConfirmSubject },
  "registration-existing-account": {
    component: RegistrationExistingAccountEmail,
    subject: registrationExistingAccountSubject,
  },
  "apprentice-otj-reminder": { component: ApprenticeOtjReminderEmail, subject: apprenticeOtjReminderSubject },
  "review-due": { component: ReviewDueEmail, subject: reviewDueSubject },
  "inbox-digest": { component: InboxDigestEmail, subject: inboxDigestSubject },
  "teacher-weekly-digest": { component: TeacherWeeklyDigestEmail, subject: teacherWeeklyDigestSubject },
  "tutor-caseload-digest": { component: TutorCaseloadDigestEmail, subject: tutorCaseloadDigestSubject },
  "report-ready": { component: ReportReadyEmail, subject: reportReadySubject },
};

export async function renderEmail<K extends keyof EmailTemplates>(
  template: K,
  props: EmailTemplates[K],
): Promise<RenderedEmail> {
  const { component, subject } = TEMPLATES[template];
  const html = await render(createElement(component as (p: EmailTemplates[K]) => React.ReactNode, props));
  return { subject: subject(props), html, text: toPlainText(html) };
}

/** "7 days", "1 hour", "45 minutes": a lifetime in words, rounded to the unit that reads best. */
export function durationInWords(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (minutes < 60) return plural(minutes, "minute");
  const hours = Math.round(minutes / 60);
  if (hours < 48) return plural(hours, "hour");
  return plural(Math.round(hours / 24), "day");
}
