/**
 * Apprentice reminder: a progress review is due within 7 days, or a held review is waiting for
 * their signature. Links to the review itself (/reviews/<id>).
 */
import { Section, Text } from "react-email";
import { ActionLink, EmailLayout, styles } from "./components/layout.tsx";

export type ReviewDueEmailProps = {
  firstName: string;
  reviews: { sequence: number; dueOnLabel: string; reason: "due-soon" | "awaiting-signature"; url: string }[];
  unsubscribeUrl: string;
};

export function reviewDueSubject({ reviews }: Pick<ReviewDueEmailProps, "reviews">): string {
  return reviews.some((r) => r.reason === "awaiting-signature")
    ? "Your progress review is waiting for your signature"
    : "Your progress review is coming up";
}

export default function ReviewDueEmail({ firstName, reviews, unsubscribeUrl }: ReviewDueEmailProps) {
  return (
    <EmailLayout
      preview={reviewDueSubject({ reviews })}
      heading={reviewDueSubject({ reviews })}
      reason="You received this email because you are an apprentice and reminders are switched on in your account."
      unsubscribe={{ url: unsubscribeUrl, label: "Stop reminders like this" }}
    >
      <Text style={styles.text}>Hello {firstName},</Text>
      {reviews.map((r) => (
        <Section key={r.url}>
          <Text style={styles.text}>
            {r.reason === "awaiting-signature"
              ? `Review ${r.sequence} has been held and needs your signature. A review counts only once you, your employer and your tutor have all signed it.`
              : `Review ${r.sequence} is due by ${r.dueOnLabel}. It is a three-way meeting with your tutor and your employer about your progress, your off-the-job training and any support you need.`}
          </Text>
          <ActionLink href={r.url}>
            {r.reason === "awaiting-signature"
              ? `Read and sign review ${r.sequence}`
              : `Prepare for review ${r.sequence}`}
          </ActionLink>
        </Section>
      ))}
    </EmailLayout>
  );
}

ReviewDueEmail.PreviewProps = {
  firstName: "Jordan",
  reviews: [
    {
      sequence: 3,
      dueOnLabel: "30 November 2026",
      reason: "awaiting-signature",
      url: "http://localhost:3000/reviews/00000000-0000-4000-8000-000000000000",
    },
  ],
  unsubscribeUrl: "http://localhost:3000/unsubscribe/00000000-0000-4000-8000-000000000000.reminders.example",
} satisfies ReviewDueEmailProps;
