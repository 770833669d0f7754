/**
 * Teacher's Monday digest of their classes: per class, how many pupils have had no verified
 * progress for 14 days and how many entries wait to be verified. Class names and counts only:
 * pupils are children and an email can be forwarded; the class page (behind sign-in) says who.
 */
import { Link, Text } from "react-email";
import { ActionLink, EmailLayout, styles } from "./components/layout.tsx";

export type TeacherWeeklyDigestEmailProps = {
  firstName: string;
  classes: { name: string; stuckPupils: number; entriesToVerify: number; url: string }[];
  stuckDays: number;
  /** `${APP_URL}/verify` */
  verifyUrl: string;
  unsubscribeUrl: string;
};

export function teacherWeeklyDigestSubject(): string {
  return "Your classes this week";
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export default function TeacherWeeklyDigestEmail({
  firstName,
  classes,
  stuckDays,
  verifyUrl,
  unsubscribeUrl,
}: TeacherWeeklyDigestEmailProps) {
  const toVerify = classes.reduce((s, c) => s + c.entriesToVerify, 0);
  return (
    <EmailLayout
      preview={`${plural(toVerify, "entry", "entries")} to verify across ${plural(classes.length, "class", "classes")}.`}
      heading="Your classes this week"
      reason="You received this weekly digest because you teach classes on the partnership's digital skills programme and digests are switched on in your account."
      unsubscribe={{ url: unsubscribeUrl, label: "Stop weekly digests" }}
    >
      <Text style={styles.text}>Hello {firstName},</Text>
      <Text style={styles.text}>
        A pupil counts as needing a nudge when none of their progress has been verified for {stuckDays} days. Open a
        class to see who.
      </Text>
      <ul>
        {classes.map((c) => (
          <li key={c.url} style={styles.text}>
            <Link href={c.url} style={styles.link}>
              {c.name}
            </Link>
            : {plural(c.stuckPupils, "pupil", "pupils")} with no verified progress for {stuckDays} days,{" "}
            {plural(c.entriesToVerify, "entry", "entries")} to verify
          </li>
        ))}
      </ul>
      {toVerify > 0 ? <ActionLink href={verifyUrl}>Verify entries</ActionLink> : null}
    </EmailLayout>
  );
}

TeacherWeeklyDigestEmail.PreviewProps = {
  firstName: "Sam",
  classes: [
    {
      name: "9C Computing",
      stuckPupils: 3,
      entriesToVerify: 12,
      url: "http://localhost:3000/classes/00000000-0000-4000-8000-000000000001",
    },
    {
      name: "10A Digital Futures",
      stuckPupils: 0,
      entriesToVerify: 4,
      url: "http://localhost:3000/classes/00000000-0000-4000-8000-000000000002",
    },
  ],
  stuckDays: 14,
  verifyUrl: "http://localhost:3000/verify",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/00000000-0000-4000-8000-000000000000.digest.example",
} satisfies TeacherWeeklyDigestEmailProps;
