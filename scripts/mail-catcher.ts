/**
 * A development and test SMTP catcher: a real SMTP server (smtp-server) that accepts every
 * message, parses it (mailparser) and keeps it in memory; with `dir`, it also writes each one
 * as JSON for the /dev/mail page. `failRate` answers that share of messages with a temporary
 * 451 error so retry paths can be exercised. Never used in production.
 *
 *   tsx scripts/mail-catcher.ts --port 1025 --dir .data/mail [--fail-rate 0.3]
 *   const catcher = await startMailCatcher({ port: 0 }); process.env.SMTP_URL = catcher.url;
 */
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { mkdir, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export type CaughtMail = {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  receivedAt: Date;
  headers?: Record<string, string>;
};

export type MailCatcher = {
  port: number;
  url: string;
  messages: () => CaughtMail[];
  waitFor: (predicate: (m: CaughtMail) => boolean, timeoutMs?: number) => Promise<CaughtMail>;
  clear: () => void;
  close: () => Promise<void>;
  /**
   * For the crash tests: stop answering DATA. Messages that arrive are held without a reply;
   * on resume() those whose client is still connected are accepted, those whose client went away
   * (a killed worker) are dropped, as a server drops a message it never said 250 to.
   */
  pause: () => void;
  resume: () => void;
  /** Messages received and held, waiting for resume(). */
  held: () => number;
};

export type MailCatcherOptions = {
  port?: number;
  host?: string;
  dir?: string;
  failRate?: number;
  /** For the resilience tests: these recipients always get a temporary 451, whatever failRate. */
  failRecipients?: string[];
  /** Wait this long before accepting each message's sender (a slow mail server). */
  delayMs?: number;
};

class TemporaryFailure extends Error {
  responseCode = 451;
}

export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = options.host ?? "127.0.0.1";
  const failRate = options.failRate ?? 0;
  const caught: CaughtMail[] = [];
  const events = new EventEmitter();
  let paused = false;
  const holding: Array<{ sessionId: string; finish: () => void; drop: () => void }> = [];
  const closedSessions = new Set<string>();
  if (options.dir) await mkdir(options.dir, { recursive: true });

  const server = new SMTPServer({
    // Plain SMTP on localhost: no TLS to negotiate, any credentials accepted (SMTP_URL may carry some).
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    onAuth: (_auth, _session, callback) => callback(null, { user: "catcher" }),
    size: 10 * 1024 * 1024,
    logger: false,
    // Pooled clients keep connections open; do not wait 30 s for them on close.
    closeTimeout: 1_000,
    onClose(session) {
      closedSessions.add(session.id);
    },
    onMailFrom(_address, _session, callback) {
      if (options.delayMs) setTimeout(() => callback(), options.delayMs);
      else callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          if (paused)
            await new Promise<void>((resolve, reject) =>
              holding.push({
                sessionId: session.id,
                finish: resolve,
                drop: () => reject(new Error("client went away before the reply")),
              }),
            );
          const alwaysFails = session.envelope.rcptTo.some((a) =>
            options.failRecipients?.includes(a.address.toLowerCase()),
          );
          if (alwaysFails || (failRate > 0 && Math.random() < failRate)) {
            callback(new TemporaryFailure("4.3.0 Temporary failure (mail catcher failRate), try again later"));
            return;
          }
          const mail: CaughtMail = {
            to: session.envelope.rcptTo.map((a) => a.address),
            from: parsed.from?.text ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : ""),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : "",
            receivedAt: new Date(),
            // Raw header lines (List-Unsubscribe, X-Entity-Ref-ID…), lower-cased names.
            headers: Object.fromEntries(
              parsed.headerLines.map((h) => [h.key, h.line.slice(h.line.indexOf(":") + 1).trim()]),
            ),
          };
          caught.push(mail);
          if (options.dir) {
            const name = `${mail.receivedAt.toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}.json`;
            await writeFile(path.join(options.dir, name), JSON.stringify(mail, null, 2));
          }
          events.emit("mail", mail);
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  server.on("error", (error) => console.error(`mail catcher: ${error.message}`));

  const port = await new Promise<number>((resolve, reject) => {
    const listener = server.listen(options.port ?? 0, host, () => resolve((listener.address() as AddressInfo).port));
    listener.once("error", reject);
  });

  return {
    port,
    url: `smtp://${host}:${port}`,
    messages: () => [...caught],
    clear: () => void caught.splice(0),
    waitFor(predicate, timeoutMs = 5_000) {
      const existing = caught.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise<CaughtMail>((resolve, reject) => {
        const onMail = (mail: CaughtMail) => {
          if (!predicate(mail)) return;
          clearTimeout(timer);
          events.off("mail", onMail);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          events.off("mail", onMail);
          reject(new Error(`mail catcher: no matching message within ${timeoutMs} ms (${caught.length} caught)`));
        }, timeoutMs);
        events.on("mail", onMail);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    pause: () => void (paused = true),
    resume: () => {
      paused = false;
      for (const held of holding.splice(0)) (closedSessions.has(held.sessionId) ? held.drop : held.finish)();
    },
    held: () => holding.length,
  };
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

if (process.argv[1] && import.meta.url === `file://${path.resolve(process.argv[1])}`) {
  const catcher = await startMailCatcher({
    port: Number(argument("port") ?? 1025),
    dir: argument("dir"),
    failRate: argument("fail-rate") ? Number(argument("fail-rate")) : undefined,
  });
  console.log(`Mail catcher listening on ${catcher.url}${argument("dir") ? `, writing to ${argument("dir")}` : ""}`);
  const stop = () => void catcher.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
