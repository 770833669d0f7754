/**
 * Apprentice reminder about their own off-the-job (OTJ) training: nothing verified for 14 days,
 * or their OTJ status turned amber or red. Only the recipient's own figures; a link to /log.
 */
import { Text } from "react-email";
import { ActionLink, EmailLayout, styles } from "./components/layout.tsx";

export type ApprenticeOtjReminderEmailProps = {
  /** The recipient's own first name. */
  firstName: string;
  reasons: ("no-recent-otj" | "rag-turned")[];
  rag: "green" | "amber" | "red";
  actualHours: number;
  /** Hours the plan expects by today; null when it cannot be worked out. */
  requiredHours: number | null;
  plannedHours: number | null;
  daysSinceOtj: number;
  hadAnyOtj: boolean;
  /** `${APP_URL}/log` */
  logUrl: string;
  unsubscribeUrl: string;
};

const RAG_WORDS = { green: "on track (green)", amber: "a little behind (amber)", red: "behind plan (red)" } as const;

export function apprenticeOtjReminderSubject({
  reasons,
  rag,
}: Pick<ApprenticeOtjReminderEmailProps, "reasons" | "rag">): string {
  if (reasons.includes("rag-turned"))
    return rag === "red" ? "Your off-the-job training is behind plan" : "Your off-the-job training is slipping behind";
  return "Time to log your off-the-job training";
}

const hours = (n: number) => `${Number.isInteger(n) ? n : n.toFixed(1)} ${n === 1 ? "hour" : "hours"}`;

export default function ApprenticeOtjReminderEmail(props: ApprenticeOtjReminderEmailProps) {
  const {
    firstName,
    reasons,
    rag,
    actualHours,
    requiredHours,
    plannedHours,
    daysSinceOtj,
    hadAnyOtj,
    logUrl,
    unsubscribeUrl,
  } = props;
  return (
    <EmailLayout
      preview={
        reasons.includes("rag-turned")
          ? `Your off-the-job training is ${RAG_WORDS[rag]}.`
          : `Nothing verified for ${daysSinceOtj} days: log what you have done.`
      }
      heading={apprenticeOtjReminderSubject(props)}
      reason="You received this email because you are an apprentice on a programme run through the partnership and reminders are switched on in your account."
      unsubscribe={{ url: unsubscribeUrl, label: "Stop reminders like this" }}
    >
      <Text style={styles.text}>Hello {firstName},</Text>
      {reasons.includes("no-recent-otj") ? (
        <Text style={styles.text}>
          {hadAnyOtj
            ? `None of your off-the-job training has been verified in the last ${daysSinceOtj} days.`
            : `You started ${daysSinceOtj} days ago and no off-the-job training has been verified yet.`}{" "}
          If you have done some, log it now so your tutor can verify it.
        </Text>
      ) : null}
      {reasons.includes("rag-turned") ? (
        <Text style={styles.text}>Your off-the-job training is now {RAG_WORDS[rag]}.</Text>
      ) : null}
      <Text style={styles.text}>
        Verified so far: <strong>{hours(actualHours)}</strong>
        {requiredHours !== null ? `; the plan expects about ${hours(requiredHours)} by today` : ""}
        {plannedHours !== null ? ` and ${hours(plannedHours)} in total` : ""}.
      </Text>
      <ActionLink href={logUrl}>Log off-the-job training</ActionLink>
      <Text style={styles.text}>
        If something is stopping you, talk to your tutor or workplace supervisor: they can help plan the time.
      </Text>
    </EmailLayout>
  );
}

ApprenticeOtjReminderEmail.PreviewProps = {
  firstName: "Jordan",
  reasons: ["no-recent-otj", "rag-turned"],
  rag: "amber",
  actualHours: 42.5,
  requiredHours: 51,
  plannedHours: 300,
  daysSinceOtj: 16,
  hadAnyOtj: true,
  logUrl: "http://localhost:3000/log",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/00000000-0000-4000-8000-000000000000.reminders.example",
} satisfies ApprenticeOtjReminderEmailProps;
