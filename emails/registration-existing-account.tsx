/**
 * Someone asked to register an organisation with the address of an existing account (decision
 * 030). The form answered as it does for any address; this email is how the owner of the address
 * learns it, and nobody else does. Nothing typed into the form is repeated here.
 */
import { Link, Text } from "react-email";
import { ActionLink, EmailLayout, PARTNERSHIP_NAME, styles } from "./components/layout.tsx";

export type RegistrationExistingAccountEmailProps = {
  /** `${APP_URL}/login` */
  signInUrl: string;
  /** `${APP_URL}/forgot-password` */
  forgotPasswordUrl: string;
};

export function registrationExistingAccountSubject(): string {
  return "You already have a Staffordshire Digital Skills account";
}

export default function RegistrationExistingAccountEmail({
  signInUrl,
  forgotPasswordUrl,
}: RegistrationExistingAccountEmailProps) {
  return (
    <EmailLayout
      preview="Someone asked to register an organisation with this email address, which already has an account."
      heading="You already have an account"
      reason="You received this email because someone asked to register an organisation with this email address. Nothing about your account has changed."
    >
      <Text
        style={styles.text}
      >{`Someone asked to register a school or employer with the ${PARTNERSHIP_NAME}, giving this email address. This address already has an account, so no new account or organisation was created.`}</Text>
      <ActionLink href={signInUrl}>Sign in to your account</ActionLink>
      <Text style={styles.text}>
        If you have forgotten your password, ask for a new one:{" "}
        <Link href={forgotPasswordUrl} style={styles.link}>
          {forgotPasswordUrl}
        </Link>
        . To join another organisation, ask its admin to invite you.
      </Text>
      <Text style={styles.text}>
        If it was not you, you need do nothing: your account and your password stay as they are.
      </Text>
    </EmailLayout>
  );
}

RegistrationExistingAccountEmail.PreviewProps = {
  signInUrl: "http://localhost:3000/login",
  forgotPasswordUrl: "http://localhost:3000/forgot-password",
} satisfies RegistrationExistingAccountEmailProps;
