/**
 * An invitation to join an organisation with a role. Props only: the worker
 * (workers/email-worker.ts) loads the token and organisation and builds the link.
 * Nothing about anyone but the recipient: not even who sent the invitation.
 */
import { Text } from "react-email";
import { ActionLink, EmailLayout, PARTNERSHIP_NAME, styles } from "./components/layout.tsx";

export type InvitationEmailProps = {
  organisationName: string;
  /** Human label, e.g. "Teacher" (ROLE_LABELS). */
  roleLabel: string;
  /** `${APP_URL}/invite/${secret}` */
  inviteUrl: string;
  /** In words, e.g. "7 days". */
  expiresIn: string;
};

export function invitationSubject(props: Pick<InvitationEmailProps, "organisationName">): string {
  return `You are invited to join ${props.organisationName} on Staffordshire Digital Skills`;
}

export default function InvitationEmail({ organisationName, roleLabel, inviteUrl, expiresIn }: InvitationEmailProps) {
  return (
    <EmailLayout
      preview={`Join ${organisationName} as ${roleLabel}. The link works for ${expiresIn}.`}
      heading={`Join ${organisationName}`}
      reason={`You received this email because someone at ${organisationName} invited this email address. If you were not expecting it, you can ignore it: nothing happens unless the link is used.`}
    >
      <Text style={styles.text}>
        You have been invited to join <strong>{organisationName}</strong> as <strong>{roleLabel}</strong>
        {` on the ${PARTNERSHIP_NAME}'s tracker, where learning, progress and placements are recorded.`}
      </Text>
      <ActionLink href={inviteUrl}>{`Accept the invitation to join ${organisationName}`}</ActionLink>
      <Text style={styles.text}>{`This invitation link works once and expires in ${expiresIn}.`}</Text>
    </EmailLayout>
  );
}

InvitationEmail.PreviewProps = {
  organisationName: "Tamworth Academy",
  roleLabel: "Teacher",
  inviteUrl: "http://localhost:3000/invite/examplesecretexamplesecret12",
  expiresIn: "7 days",
} satisfies InvitationEmailProps;
