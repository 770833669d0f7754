/**
 * Reads mail caught by the run's mail catcher (started by the global setup, exposed on
 * E2E_MAIL_API) and pulls links out of it.
 */
import { expect } from "@playwright/test";

export type CaughtMail = {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  receivedAt: string;
};

async function messages(): Promise<CaughtMail[]> {
  const api = process.env.E2E_MAIL_API;
  if (!api) throw new Error("E2E_MAIL_API is not set: the global setup did not run");
  const response = await fetch(`${api}/messages`);
  return (await response.json()) as CaughtMail[];
}

/** Waits (polling) for a message to `address`; the relay and email worker take a moment. */
export async function waitForMailTo(
  address: string,
  options: { subject?: RegExp; timeoutMs?: number } = {},
): Promise<CaughtMail> {
  let found: CaughtMail | undefined;
  await expect
    .poll(
      async () => {
        const all = await messages();
        found = all.find(
          (m) =>
            m.to.some((to) => to.toLowerCase() === address.toLowerCase()) &&
            (!options.subject || options.subject.test(m.subject)),
        );
        return Boolean(found);
      },
      {
        message: `an email to ${address} should arrive`,
        timeout: options.timeoutMs ?? 20_000,
        intervals: [250, 500, 1_000],
      },
    )
    .toBe(true);
  return found!;
}

/** The first link in the mail's text (or HTML) whose path starts with `pathPrefix`. */
export function linkIn(mail: CaughtMail, pathPrefix: string): string {
  const pattern = new RegExp(`https?://[^\\s"'<>)]+${pathPrefix.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}[^\\s"'<>)]*`);
  const match = mail.text.match(pattern) ?? mail.html.match(pattern);
  if (!match) throw new Error(`No ${pathPrefix} link in the mail "${mail.subject}":\n${mail.text}`);
  return match[0].replace(/&amp;/g, "&");
}
