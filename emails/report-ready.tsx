/**
 * "This month's outcome report is ready": sent to council officers by the monthly schedule.
 * Props only, and only protected, partnership-wide figures (already disclosure-controlled):
 * no learner, school or employer is named.
 */
import { Text } from "react-email";
import { ActionLink, EmailLayout, styles } from "./components/layout.tsx";

export type ReportReadyEmailProps = {
  /** The recipient's own first name. */
  firstName: string;
  /** e.g. "October 2026". */
  periodLabel: string;
  /** `${APP_URL}/reports/${snapshotId}` */
  reportUrl: string;
  /** A few headline figures, already protected and formatted ("c" stays "c"). */
  headline: { label: string; value: string }[];
  ruleText: string;
};

export function reportReadySubject({ periodLabel }: Pick<ReportReadyEmailProps, "periodLabel">): string {
  return `Outcome report ready: ${periodLabel}`;
}

export default function ReportReadyEmail({
  firstName,
  periodLabel,
  reportUrl,
  headline,
  ruleText,
}: ReportReadyEmailProps) {
  return (
    <EmailLayout
      preview={`The partnership's outcome report for ${periodLabel} is ready to read and download.`}
      heading={`Outcome report: ${periodLabel}`}
      reason="You received this email because you are a council officer with access to the partnership's outcome reports."
    >
      <Text style={styles.text}>Hello {firstName},</Text>
      <Text style={styles.text}>The outcome report for {periodLabel} has been built. Some headline figures:</Text>
      {headline.map((h) => (
        <Text key={h.label} style={styles.text}>
          {h.label}: <strong>{h.value}</strong>
        </Text>
      ))}
      <ActionLink href={reportUrl}>Read the full report</ActionLink>
      <Text style={styles.text}>
        You will need to sign in. From the report page you can download the figures as a CSV file.
      </Text>
      <Text style={styles.text}>{ruleText}</Text>
    </EmailLayout>
  );
}

ReportReadyEmail.PreviewProps = {
  firstName: "Helen",
  periodLabel: "October 2026",
  reportUrl: "http://localhost:3000/reports/00000000-0000-4000-8000-000000000000",
  headline: [
    { label: "Starts on pathways", value: "1,245" },
    { label: "Apprenticeship starts", value: "35" },
    { label: "Placements completed", value: "c" },
  ],
  ruleText:
    "To protect individuals, counts of 1 to 4 are shown as c and all other counts are rounded to the nearest 5.",
} satisfies ReportReadyEmailProps;
