/**
 * The frame every email shares: the partnership's name, a real heading, a short preview line,
 * and a footer that says why the message arrived. react-email renders the layout tables with
 * role="presentation", so screen readers read the content, not the table structure.
 *
 * Named exports only: react-email's preview server lists every file in emails/ with a default
 * export as a template, so this folder stays out of its list.
 */
import type { ReactNode } from "react";
import { Body, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from "react-email";

export const PARTNERSHIP_NAME = "Staffordshire Digital Skills Partnership";

const colours = { text: "#0b0c0c", muted: "#505a5f", brand: "#1d4f91", border: "#b1b4b6", background: "#f3f2f1" };

export const styles = {
  body: {
    backgroundColor: colours.background,
    color: colours.text,
    fontFamily: "Arial, Helvetica, sans-serif",
    margin: 0,
    padding: "24px 0",
  },
  container: {
    backgroundColor: "#ffffff",
    maxWidth: "600px",
    margin: "0 auto",
    padding: "24px 32px",
    borderTop: `8px solid ${colours.brand}`,
  },
  brand: { color: colours.brand, fontSize: "16px", fontWeight: 700, margin: "0 0 16px" },
  heading: { fontSize: "24px", lineHeight: "32px", margin: "0 0 16px", color: colours.text },
  text: { fontSize: "16px", lineHeight: "24px", margin: "0 0 16px", color: colours.text },
  button: {
    backgroundColor: colours.brand,
    color: "#ffffff",
    display: "inline-block",
    fontSize: "16px",
    fontWeight: 700,
    lineHeight: "24px",
    padding: "12px 20px",
    textDecoration: "none",
    borderRadius: "4px",
  },
  link: { color: colours.brand, textDecoration: "underline", wordBreak: "break-all" as const },
  hr: { borderColor: colours.border, margin: "24px 0" },
  footer: { fontSize: "14px", lineHeight: "20px", color: colours.muted, margin: "0 0 8px" },
};

export type EmailLayoutProps = {
  /** Shown by mail clients next to the subject; also the first line of the plain text. */
  preview: string;
  heading: string;
  children: ReactNode;
  /** Why this person received the email, in one sentence. */
  reason: string;
  /** Non-essential emails (reminders, digests): a one-click link that stops this kind. */
  unsubscribe?: { url: string; label: string };
};

export function EmailLayout({ preview, heading, children, reason, unsubscribe }: EmailLayoutProps) {
  return (
    <Html lang="en-GB" dir="ltr">
      <Head>
        <meta name="color-scheme" content="light" />
        <title>{heading}</title>
      </Head>
      {/* The title element comes from <Head>; the preview line stays a hidden preheader. */}
      <Preview useTitleTag={false}>{preview}</Preview>
      <Body lang="en-GB" dir="ltr" style={styles.body}>
        <Container style={styles.container}>
          <Text style={styles.brand}>{PARTNERSHIP_NAME}</Text>
          <Heading as="h1" style={styles.heading}>
            {heading}
          </Heading>
          <Section>{children}</Section>
          <Hr style={styles.hr} />
          <Text style={styles.footer}>{reason}</Text>
          {unsubscribe ? (
            <Text style={styles.footer}>
              <Link href={unsubscribe.url} style={styles.link}>
                {unsubscribe.label}
              </Link>{" "}
              (one click, no sign-in needed). You can turn these emails back on from your account page.
            </Text>
          ) : null}
          <Text style={styles.footer}>
            {`${PARTNERSHIP_NAME}: Staffordshire County Council and its university partner, helping schools, employers and apprentices build digital skills.`}
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

/** A call to action whose text says what it does, with the address spelled out underneath. */
export function ActionLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <>
      <Section style={{ margin: "8px 0 24px" }}>
        <Link href={href} style={styles.button}>
          {children}
        </Link>
      </Section>
      <Text style={styles.text}>
        If the button does not work, copy this address into your browser:{" "}
        <Link href={href} style={styles.link}>
          {href}
        </Link>
      </Text>
    </>
  );
}
