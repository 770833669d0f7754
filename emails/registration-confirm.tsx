/**
 * The link that confirms a request to register a school or employer (decision 030). Props only:
 * the worker builds the link from the outbox row. What the requester typed (the organisation's
 * name) stays out: anyone can type anything into the form, and this goes to an address they
 * chose. The confirmation page shows the details to the person holding the link.
 */
import { Text } from "react-email";
import { ActionLink, EmailLayout, PARTNERSHIP_NAME, styles } from "./components/layout.tsx";

export type RegistrationConfirmEmailProps = {
  /** "school" or "employer". */
  kindLabel: string;
  /** `${APP_URL}/register/confirm/${secret}` */
  confirmUrl: string;
  /** In words; registration links last 1 day. */
  expiresIn: string;
};

export function registrationConfirmSubject(): string {
  return "Confirm your request to join Staffordshire Digital Skills";
}

export default function RegistrationConfirmEmail({ kindLabel, confirmUrl, expiresIn }: RegistrationConfirmEmailProps) {
  return (
    <EmailLayout
      preview={`Confirm your email address to finish asking to join. The link works once, for ${expiresIn}.`}
      heading="Confirm your request to join"
      reason="You received this email because someone asked to register an organisation with this email address. If it was not you, ignore it: nothing is created unless the link is used."
    >
      <Text
        style={styles.text}
      >{`We received a request to register a ${kindLabel} with the ${PARTNERSHIP_NAME}, with this email address for its first admin.`}</Text>
      <ActionLink href={confirmUrl}>Confirm your email address and send the request</ActionLink>
      <Text
        style={styles.text}
      >{`The link works once and expires in ${expiresIn}. Once you confirm, the partnership checks the request before staff can be invited.`}</Text>
    </EmailLayout>
  );
}

RegistrationConfirmEmail.PreviewProps = {
  kindLabel: "school",
  confirmUrl: "http://localhost:3000/register/confirm/examplesecretexamplesecret12",
  expiresIn: "1 day",
} satisfies RegistrationConfirmEmailProps;
