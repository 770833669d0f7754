/**
 * Employer admin / workplace supervisor digest: what has waited in their inbox for over 3 days.
 * ONE email per person per week, with counts only (no apprentice or pupil names) and a link to
 * the inbox, which is behind sign-in.
 */
import { Text } from "react-email";
import { ActionLink, EmailLayout, styles } from "./components/layout.tsx";

export type InboxDigestEmailProps = {
  firstName: string;
  counts: { otj: number; reviews: number; placements: number; feedback: number; gateway: number };
  waitingDays: number;
  /** `${APP_URL}/employer/inbox` */
  inboxUrl: string;
  unsubscribeUrl: string;
};

const LINES: { key: keyof InboxDigestEmailProps["counts"]; one: string; many: string }[] = [
  { key: "otj", one: "off-the-job activity at work to confirm", many: "off-the-job activities at work to confirm" },
  { key: "reviews", one: "progress review to sign", many: "progress reviews to sign" },
  { key: "placements", one: "work-experience placement to confirm", many: "work-experience placements to confirm" },
  { key: "feedback", one: "placement feedback to give", many: "pieces of placement feedback to give" },
  { key: "gateway", one: "gateway check to confirm", many: "gateway checks to confirm" },
];

export function inboxDigestSubject({ counts }: Pick<InboxDigestEmailProps, "counts">): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return `${total} ${total === 1 ? "item is" : "items are"} waiting in your inbox`;
}

export default function InboxDigestEmail({
  firstName,
  counts,
  waitingDays,
  inboxUrl,
  unsubscribeUrl,
}: InboxDigestEmailProps) {
  return (
    <EmailLayout
      preview={`Waiting for more than ${waitingDays} days: ${inboxDigestSubject({ counts }).toLowerCase()}.`}
      heading="Waiting for you"
      reason="You received this weekly digest because you are an employer admin or workplace supervisor and digests are switched on in your account."
      unsubscribe={{ url: unsubscribeUrl, label: "Stop digests like this" }}
    >
      <Text style={styles.text}>Hello {firstName},</Text>
      <Text style={styles.text}>These have been waiting for you for more than {waitingDays} days:</Text>
      <ul>
        {LINES.filter((l) => counts[l.key] > 0).map((l) => (
          <li key={l.key} style={styles.text}>
            {counts[l.key]} {counts[l.key] === 1 ? l.one : l.many}
          </li>
        ))}
      </ul>
      <ActionLink href={inboxUrl}>Open your inbox</ActionLink>
    </EmailLayout>
  );
}

InboxDigestEmail.PreviewProps = {
  firstName: "Priya",
  counts: { otj: 4, reviews: 1, placements: 0, feedback: 2, gateway: 0 },
  waitingDays: 3,
  inboxUrl: "http://localhost:3000/employer/inbox",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/00000000-0000-4000-8000-000000000000.digest.example",
} satisfies InboxDigestEmailProps;
