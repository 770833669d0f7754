/**
 * Runs the jobs waiting for this test file, in a process of its own (like the real worker):
 * relays the outbox to BullMQ, then lets the email worker work through the queue. Prints one JSON
 * line {"completed":n,"failed":[…]} last. A process of its own also keeps the email templates'
 * React out of a test process that serves the production build (two Reacts do not mix).
 * Used by tests/integration/data-rights.test.ts, which reads this process's log output, and
 * tests/integration/registration.test.ts, which reads the emails from its mail catcher.
 * Env: the test file's DATABASE_URL, REDIS_URL and REDIS_PREFIX; MAIL_CATCHER_URL to send to a mail
 * catcher (default: a transport that sends nothing); APP_URL for the links (default http://localhost).
 */
import nodemailer from "nodemailer";
import { createMailTransport } from "../../app/mail/transport.server.ts";
import { closeConnection, producerConnection, workerConnection } from "../../workers/connection.ts";
import { createEmailWorker } from "../../workers/email-worker.ts";
import { createRelay } from "../../workers/relay.ts";

const producer = producerConnection("test-relay");
const consumer = workerConnection("test-email");
const relay = createRelay({ connection: producer });
// Not SMTP_URL: the test server sets that to a development default nothing listens on.
const transport = process.env.MAIL_CATCHER_URL
  ? createMailTransport(process.env.MAIL_CATCHER_URL)
  : nodemailer.createTransport({ jsonTransport: true });
const worker = createEmailWorker({
  connection: consumer,
  transport,
  from: "no-reply@example.org",
  appUrl: process.env.APP_URL ?? "http://localhost",
});
let completed = 0;
const failed: string[] = [];
worker.on("completed", () => completed++);
worker.on("failed", (_job, error) => failed.push(error.message));
let relayed = 0;
for (let i = 0; i < 40; i++) {
  relayed += (await relay.relayOnce()).dispatched;
  if (relayed > 0 && completed + failed.length >= relayed) break;
  await new Promise((resolve) => setTimeout(resolve, 250));
}
await worker.close();
await relay.stop();
await closeConnection(producer);
await closeConnection(consumer);
transport.close();
process.stdout.write(`\n${JSON.stringify({ relayed, completed, failed })}\n`);
process.exit(0);
