/**
 * Tutor's Monday digest across their caseload: reviews overdue, due in the next 14 days and
 * held but waiting for the tutor's signature. Counts only; /reviews lists them behind sign-in.
 */
import { Text } from "react-email";
import { ActionLink, EmailLayout, styles } from "./components/layout.tsx";

export type TutorCaseloadDigestEmailProps = {
  firstName: string;
  overdue: number;
  dueSoon: number;
  awaitingYourSignature: number;
  dueSoonDays: number;
  /** `${APP_URL}/reviews` */
  reviewsUrl: string;
  unsubscribeUrl: string;
};

export function tutorCaseloadDigestSubject({ overdue }: Pick<TutorCaseloadDigestEmailProps, "overdue">): string {
  return overdue > 0 ? `Reviews this week: ${overdue} overdue` : "Reviews this week";
}

const reviews = (n: number) => `${n} ${n === 1 ? "review" : "reviews"}`;

export default function TutorCaseloadDigestEmail({
  firstName,
  overdue,
  dueSoon,
  awaitingYourSignature,
  dueSoonDays,
  reviewsUrl,
  unsubscribeUrl,
}: TutorCaseloadDigestEmailProps) {
  return (
    <EmailLayout
      preview={`${reviews(overdue)} overdue, ${reviews(dueSoon)} due soon, ${reviews(awaitingYourSignature)} to sign.`}
      heading="Progress reviews across your caseload"
      reason="You received this weekly digest because you are a tutor with apprentices on your caseload and digests are switched on in your account."
      unsubscribe={{ url: unsubscribeUrl, label: "Stop weekly digests" }}
    >
      <Text style={styles.text}>Hello {firstName},</Text>
      <ul>
        <li style={styles.text}>
          <strong>{reviews(overdue)} overdue</strong>: not yet held and past the 3-month due date
        </li>
        <li style={styles.text}>
          {reviews(dueSoon)} due in the next {dueSoonDays} days
        </li>
        <li style={styles.text}>{reviews(awaitingYourSignature)} held and waiting for your signature</li>
      </ul>
      <ActionLink href={reviewsUrl}>See your reviews</ActionLink>
    </EmailLayout>
  );
}

TutorCaseloadDigestEmail.PreviewProps = {
  firstName: "Alex",
  overdue: 2,
  dueSoon: 5,
  awaitingYourSignature: 1,
  dueSoonDays: 14,
  reviewsUrl: "http://localhost:3000/reviews",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/00000000-0000-4000-8000-000000000000.digest.example",
} satisfies TutorCaseloadDigestEmailProps;
