/**
 * Runs the jobs waiting for this test file, in a process of its own (like the real worker):
 * relays the outbox to BullMQ, then lets the email worker (with a transport that sends nothing)
 * work through the queue. Prints one JSON line {"completed":n,"failed":[…]} last. Used by
 * tests/integration/data-rights.test.ts, which reads this process's log output.
 * Env: the test file's DATABASE_URL, REDIS_URL and REDIS_PREFIX.
 */
import nodemailer from "nodemailer";
import { closeConnection, producerConnection, workerConnection } from "../../workers/connection.ts";
import { createEmailWorker } from "../../workers/email-worker.ts";
import { createRelay } from "../../workers/relay.ts";

const producer = producerConnection("test-relay");
const consumer = workerConnection("test-email");
const relay = createRelay({ connection: producer });
const worker = createEmailWorker({ connection: consumer, transport: nodemailer.createTransport({ jsonTransport: true }), from: "no-reply@example.org", appUrl: "http://localhost" });
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
process.stdout.write(`\n${JSON.stringify({ relayed, completed, failed })}\n`);
process.exit(0);
