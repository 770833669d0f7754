/**
 * The "email" queue: one job per outbox row (`{ outboxId }`). The handler re-reads everything
 * from Postgres, renders the template and sends it; Redis only ever holds the id.
 *
 * Idempotency (at-least-once delivery, style convention 10): notification_log has a unique
 * dedupe key `outbox:<id>`. The handler locks the outbox row (`SELECT … FOR UPDATE`) for the
 * whole attempt, skips if the key is already 'sent' or 'suppressed', otherwise sends, then
 * records the key as 'sent', marks the row done and scrubs the secret from it, and commits:
 * the key and "done" are one commit, so there is no state where one holds without the other.
 * - a retried or duplicated job after a successful send finds the key and sends nothing: so
 *   does the same row handed over again by the relay after its lease (Redis lost the job);
 * - two attempts of the same row never run side by side (the row lock serialises them, even
 *   if BullMQ's stalled-job recovery ran a job twice, or a job handed over again meets the
 *   first still running after a Redis flush);
 * - the one window left is a crash (or a lost commit, e.g. the transaction's timeout) after
 *   the SMTP server accepted the message and before the commit: the retry sends the same link
 *   again. We accept that on purpose: a duplicate reset link is harmless, a lost one locks
 *   someone out. Recording "about to send" first would turn that window into a silently lost
 *   email instead (decisions 005 and 027).
 * A token already used or expired is not an error: the row is marked 'suppressed' and scrubbed.
 * A mail server failure throws, so BullMQ retries with backoff; after the last attempt the job
 * stays in the failed set with its reason (and the secret stays in Postgres for a manual retry).
 */
import { UnrecoverableError, type Job, type Worker } from "bullmq";
import { db, type Tx } from "~/db/client.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import { ROLE_LABELS } from "~/auth/permissions.ts";
import { countEmailOutcome, type EmailOutcome } from "~/jobs/email-counts.server.ts";
import {
  OUTBOX_TOPICS,
  outboxJobData,
  SECRET_PAYLOAD_FIELDS,
  type OutboxPayload,
  type OutboxTopic,
} from "~/jobs/definitions.ts";
import { durationInWords, renderEmail, type RenderedEmail } from "~/mail/render.server.ts";
import { mailTransport, type MailTransport } from "~/mail/transport.server.ts";
import { env } from "~/utils/env.server.ts";
import { logger } from "~/utils/logger.server.ts";
import { defineWorker, type QueueWorkerOptions } from "./define-worker.ts";
import { markGivenUpOutboxJobs } from "./relay.ts";

const log = logger.child({ component: "email-worker" });

export type EmailJobResult = { outcome: "sent" | "already-sent" | "suppressed" | "missing"; reason?: string };

export type EmailDeps = { transport: MailTransport; from: string; appUrl: string };

/** Outbox topics that the email queue handles. */
type EmailTopic = Extract<OutboxTopic, `email.${string}`>;

type Outgoing = { to: string; userId: string | null; kind: string; email: RenderedEmail };

/** Builds the email for one outbox row, or explains why none should go out. */
async function compose(
  tx: Tx,
  topic: EmailTopic,
  data: unknown,
  appUrl: string,
): Promise<Outgoing | { suppressed: string }> {
  const base = appUrl.replace(/\/$/, "");
  if (topic === "email.registration-existing-account") {
    const { userId } = data as OutboxPayload<typeof topic>;
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true, erasedAt: true } });
    if (!user?.email || user.erasedAt) return { suppressed: "account has no address" };
    const email = await renderEmail("registration-existing-account", {
      signInUrl: `${base}/login`,
      forgotPasswordUrl: `${base}/forgot-password`,
    });
    return { to: user.email, userId, kind: "registration-existing-account", email };
  }
  // Every other email carries a one-time link.
  const payload = data as OutboxPayload<typeof topic>;
  const token = await tx.authToken.findUnique({ where: { id: payload.tokenId } });
  if (!token) return { suppressed: "token deleted" };
  if (token.usedAt) return { suppressed: "token already used" };
  if (token.expiresAt.getTime() <= Date.now()) return { suppressed: "token expired" };

  switch (topic) {
    case "email.invitation": {
      if (token.kind !== "INVITATION" || !token.email || !token.organisationId || !token.role)
        return { suppressed: "not an invitation token" };
      const organisation = await tx.organisation.findUnique({
        where: { id: token.organisationId },
        select: { name: true, status: true },
      });
      if (!organisation || organisation.status !== "APPROVED") return { suppressed: "organisation not approved" };
      const existing = await tx.user.findUnique({ where: { email: token.email }, select: { id: true } });
      const email = await renderEmail("invitation", {
        organisationName: organisation.name,
        roleLabel: ROLE_LABELS[token.role],
        inviteUrl: `${base}/invite/${payload.secret}`,
        expiresIn: durationInWords(token.expiresAt.getTime() - token.createdAt.getTime()),
      });
      return { to: token.email, userId: existing?.id ?? null, kind: "invitation", email };
    }
    case "email.password-reset": {
      if (token.kind !== "PASSWORD_RESET" || !token.userId) return { suppressed: "not a reset token" };
      const user = await tx.user.findUnique({
        where: { id: token.userId },
        select: { email: true, disabledAt: true, erasedAt: true },
      });
      if (!user?.email || user.disabledAt || user.erasedAt) return { suppressed: "account cannot reset" };
      const email = await renderEmail("password-reset", {
        resetUrl: `${base}/reset-password/${payload.secret}`,
        expiresIn: durationInWords(token.expiresAt.getTime() - token.createdAt.getTime()),
      });
      return { to: user.email, userId: token.userId, kind: "password-reset", email };
    }
    case "email.registration-confirm": {
      if (token.kind !== "REGISTRATION" || !token.email) return { suppressed: "not a registration token" };
      const pending = await tx.pendingRegistration.findUnique({ where: { tokenId: token.id }, select: { kind: true } });
      if (!pending) return { suppressed: "registration withdrawn" };
      const email = await renderEmail("registration-confirm", {
        kindLabel: pending.kind === "SCHOOL" ? "school" : "employer",
        confirmUrl: `${base}/register/confirm/${payload.secret}`,
        expiresIn: durationInWords(token.expiresAt.getTime() - token.createdAt.getTime()),
      });
      return { to: token.email, userId: null, kind: "registration-confirm", email };
    }
    default:
      throw new UnrecoverableError(`no email for outbox topic ${topic satisfies never}`);
  }
}

function scrubbed(payload: unknown): Prisma.InputJsonObject {
  const copy: Record<string, Prisma.InputJsonValue> = { ...(payload as Record<string, Prisma.InputJsonValue>) };
  for (const field of SECRET_PAYLOAD_FIELDS) delete copy[field];
  return copy;
}

export const dedupeKeyForOutbox = (outboxId: string) => `outbox:${outboxId}`;

/** Handles one outbox email. Exported for tests; the Worker below calls it. */
export async function handleOutboxEmail(data: unknown, deps: EmailDeps): Promise<EmailJobResult> {
  const parsed = outboxJobData.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError("job data is not { outboxId }");
  const { outboxId } = parsed.data;
  const dedupeKey = dedupeKeyForOutbox(outboxId);

  return db().$transaction(
    async (tx) => {
      // Serialises attempts for this row; the relay skips a locked row, so none waits on it.
      const [row] = await tx.$queryRaw<Array<{ id: string; topic: string; payload: unknown }>>`
        SELECT id::text AS id, topic, payload FROM outbox_messages WHERE id = ${outboxId}::uuid FOR UPDATE`;
      if (!row) {
        log.warn({ outboxId }, "outbox row not found; nothing to send");
        return { outcome: "missing" as const };
      }
      const previous = await tx.notificationLog.findUnique({ where: { dedupeKey }, select: { status: true } });
      if (previous && (previous.status === "sent" || previous.status === "suppressed")) {
        await tx.outboxMessage.update({
          where: { id: outboxId },
          data: { payload: scrubbed(row.payload), doneAt: new Date() },
        });
        log.info({ outboxId, status: previous.status }, "email already handled; not sending again");
        return { outcome: "already-sent" as const };
      }
      const topic = row.topic as EmailTopic;
      const definition = OUTBOX_TOPICS[topic] as (typeof OUTBOX_TOPICS)[EmailTopic] | undefined;
      if (!definition || definition.queue !== "email")
        throw new UnrecoverableError(`outbox topic ${row.topic} is not an email`);
      const payload = definition.payload.safeParse(row.payload);
      if (!payload.success) throw new UnrecoverableError(`outbox payload for ${row.topic} does not match its schema`);

      const outgoing = await compose(tx, topic, payload.data, deps.appUrl);
      if ("suppressed" in outgoing) {
        await tx.notificationLog.upsert({
          where: { dedupeKey },
          create: { dedupeKey, kind: topic.replace(/^email\./, ""), status: "suppressed", userId: null },
          update: { status: "suppressed", sentAt: new Date() },
        });
        await tx.outboxMessage.update({
          where: { id: outboxId },
          data: { payload: scrubbed(row.payload), lastError: outgoing.suppressed, doneAt: new Date() },
        });
        log.info({ outboxId, reason: outgoing.suppressed }, "email suppressed");
        return { outcome: "suppressed" as const, reason: outgoing.suppressed };
      }

      // Throws on a mail server failure: the transaction rolls back and BullMQ retries.
      await deps.transport.sendMail({
        from: deps.from,
        to: outgoing.to,
        subject: outgoing.email.subject,
        html: outgoing.email.html,
        text: outgoing.email.text,
        headers: { "X-Entity-Ref-ID": dedupeKey },
      });

      await tx.notificationLog.upsert({
        where: { dedupeKey },
        create: { dedupeKey, kind: outgoing.kind, status: "sent", userId: outgoing.userId },
        update: { status: "sent", sentAt: new Date(), userId: outgoing.userId },
      });
      await tx.outboxMessage.update({
        where: { id: outboxId },
        data: { payload: scrubbed(row.payload), lastError: null, doneAt: new Date() },
      });
      log.info({ outboxId, kind: outgoing.kind }, "email sent");
      return { outcome: "sent" as const };
    },
    // Longer than the transport's timeouts, so a slow SMTP server fails the send, not the commit.
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/** What a worker that sends mail may be given instead of the environment's (tests pass a catcher). */
export type MailOptions = { transport?: MailTransport; from?: string; appUrl?: string };

export function mailDeps(options: MailOptions): EmailDeps {
  return {
    transport: options.transport ?? mailTransport(),
    from: options.from ?? env().MAIL_FROM,
    appUrl: options.appUrl ?? env().APP_URL,
  };
}

export type EmailWorkerOptions = QueueWorkerOptions & MailOptions;

/** Counts every attempt's outcome in Redis, where the web's /metrics reads the totals. */
function countEmailOutcomes(worker: Worker, { connection }: QueueWorkerOptions): Worker {
  const count = (outcome: EmailOutcome) =>
    void countEmailOutcome(connection, outcome).catch((error: unknown) =>
      log.debug({ err: error instanceof Error ? error.message : String(error) }, "could not count an email outcome"),
    );
  worker.on("completed", (_job, result: EmailJobResult) => count(result.outcome));
  worker.on("failed", () => count("failed"));
  return worker;
}

export const { create: createEmailWorker, start: startEmailWorker } = defineWorker<EmailWorkerOptions>({
  queue: "email",
  concurrency: 4,
  log,
  setup: (options) => {
    const deps = mailDeps(options);
    return { processor: (job: Job) => handleOutboxEmail(job.data, deps) };
  },
  listeners: [markGivenUpOutboxJobs, countEmailOutcomes],
});
