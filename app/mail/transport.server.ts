/**
 * Outgoing mail: one pooled nodemailer transport per process and SMTP URL (a few kept-alive
 * connections shared by every job). Timeouts sit well below the email worker's transaction
 * timeout, so a hung mail server fails the attempt and BullMQ retries it with backoff.
 */
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "~/utils/env.server.ts";

export type MailTransport = Transporter;

const transports = new Map<string, MailTransport>();

export function createMailTransport(smtpUrl: string): MailTransport {
  const url = new URL(smtpUrl);
  const secure = url.protocol === "smtps:";
  return nodemailer.createTransport({
    pool: true,
    maxConnections: 3,
    host: url.hostname,
    port: Number(url.port || (secure ? 465 : 587)),
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
}

/** The process's transport for SMTP_URL (or the given URL). */
export function mailTransport(smtpUrl: string = env().SMTP_URL): MailTransport {
  let transport = transports.get(smtpUrl);
  if (!transport) {
    transport = createMailTransport(smtpUrl);
    transports.set(smtpUrl, transport);
  }
  return transport;
}

export function closeMailTransports() {
  for (const transport of transports.values()) transport.close();
  transports.clear();
}
