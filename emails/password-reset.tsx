/**
 * A one-time password reset link. Props only: the worker builds the link from the outbox row.
 */
import { Text } from "react-email";
import { ActionLink, EmailLayout, styles } from "./components/layout.tsx";

export type PasswordResetEmailProps = {
  /** `${APP_URL}/reset-password/${secret}` */
  resetUrl: string;
  /** In words; reset links last 1 hour. */
  expiresIn?: string;
};

export function passwordResetSubject(): string {
  return "Reset your Staffordshire Digital Skills password";
}

export default function PasswordResetEmail({ resetUrl, expiresIn = "1 hour" }: PasswordResetEmailProps) {
  return (
    <EmailLayout
      preview={`Choose a new password. The link works once, for ${expiresIn}.`}
      heading="Reset your password"
      reason="You received this email because someone asked to reset the password of the account with this email address."
    >
      <Text style={styles.text}>
        We received a request to reset the password for your Staffordshire Digital Skills account.
      </Text>
      <ActionLink href={resetUrl}>Choose a new password</ActionLink>
      <Text style={styles.text}>{`The link works once and expires in ${expiresIn}.`}</Text>
      <Text style={styles.text}>
        If you didn't ask to reset your password, ignore this email: your password stays as it is and nobody can change
        it without this link.
      </Text>
    </EmailLayout>
  );
}

PasswordResetEmail.PreviewProps = {
  resetUrl: "http://localhost:3000/reset-password/examplesecretexamplesecret12",
  expiresIn: "1 hour",
} satisfies PasswordResetEmailProps;
