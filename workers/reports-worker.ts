/**
 * The monthly outcome report: a BullMQ job scheduler ("monthly-report" in SCHEDULES,
 * app/jobs/definitions.ts) fires "report.build-last-month" on the 1st of each month at 06:00 UK time; the processor builds last month's protected snapshot and
 * emails every council officer a summary with a link. The email carries protected,
 * partnership-wide figures only: nothing about a person.
 *
 * Idempotent: a retry reuses a snapshot the schedule already built for that month today, and
 * notification_log's unique key "report-ready:<period>:<user>" decides whether each email goes.
 */
import { UnrecoverableError, type Job } from "bullmq";
import { db } from "~/db/client.server.ts";
import { SCHEDULED_JOBS } from "~/jobs/definitions.ts";
import { mailTransport } from "~/mail/transport.server.ts";
import { describeCell, type ReportFigures } from "~/domain/report-figures.ts";
import { previousMonth } from "~/domain/report-period.ts";
import { buildSnapshot } from "~/models/reports.server.ts";
import { todayInEngland } from "~/domain/dates.ts";
import { env } from "~/utils/env.server.ts";
import { logger } from "~/utils/logger.server.ts";
import { renderEmail } from "~/mail/render.server.ts";
import type { ReportReadyEmailProps } from "../emails/report-ready.tsx";
import { handleReportBuildJob } from "./report-build.ts";
import { defineWorker } from "./define-worker.ts";
import { markGivenUpOutboxJobs } from "./relay.ts";
import { recordScheduledRuns } from "./schedules.ts";

const log = logger.child({ component: "report-schedule" });

export type SendMail = (message: {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
}) => Promise<unknown>;

const HEADLINE_KEYS = ["starts", "learning_hours", "apprenticeship_starts", "placements_completed", "gatsby5_rate"];

/** Through app/mail/render.server.ts, the one place emails are rendered. */
export async function renderReportReady(props: ReportReadyEmailProps) {
  return renderEmail("report-ready", props);
}

/** Build last month's report (once) and email each council officer (once each). */
export async function processMonthlyReport(options: { now?: Date; send?: SendMail; appUrl?: string } = {}) {
  const now = options.now ?? new Date();
  const today = todayInEngland(now);
  const period = previousMonth(today);
  const startOfToday = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  const existing = await db().reportSnapshot.findFirst({
    where: { periodType: period.type, periodKey: period.key, builtById: null, builtAt: { gte: startOfToday } },
    orderBy: { version: "desc" },
    select: { id: true, version: true },
  });
  const snapshot = existing ?? (await buildSnapshot(period, null, { today }));
  const stored = await db().reportSnapshot.findUniqueOrThrow({ where: { id: snapshot.id }, select: { figures: true } });
  const figures = stored.figures as unknown as ReportFigures;
  const headline = figures.headline
    .filter((h) => HEADLINE_KEYS.includes(h.key))
    .map((h) => ({
      label: h.label,
      value:
        describeCell(h.value, h.kind) === "hidden to protect individuals"
          ? "c (hidden to protect individuals)"
          : describeCell(h.value, h.kind),
    }));

  const recipients = await db().user.findMany({
    where: {
      disabledAt: null,
      erasedAt: null,
      email: { not: null },
      memberships: { some: { role: "COUNCIL_OFFICER", organisation: { status: "APPROVED" } } },
    },
    select: { id: true, email: true, firstName: true },
  });
  const send: SendMail = options.send ?? ((message) => mailTransport().sendMail({ from: env().MAIL_FROM, ...message }));
  const appUrl = options.appUrl ?? env().APP_URL;
  let sent = 0;
  for (const r of recipients) {
    const dedupeKey = `report-ready:${period.type}:${period.key}:${r.id}`;
    const already = await db().notificationLog.findUnique({ where: { dedupeKey }, select: { status: true } });
    if (already?.status === "sent") continue;
    const email = await renderReportReady({
      firstName: r.firstName,
      periodLabel: period.label,
      reportUrl: `${appUrl}/reports/${snapshot.id}`,
      headline,
      ruleText: figures.rule ?? "",
    });
    await send({
      to: r.email!,
      subject: email.subject,
      html: email.html,
      text: email.text,
      headers: { "X-Entity-Ref-ID": dedupeKey },
    });
    await db().notificationLog.upsert({
      where: { dedupeKey },
      create: { dedupeKey, kind: "report-ready", userId: r.id, status: "sent" },
      update: { status: "sent", sentAt: new Date() },
    });
    sent++;
  }
  log.info(
    { snapshotId: snapshot.id, period: period.key, recipients: recipients.length, sent },
    "monthly report processed",
  );
  return { snapshotId: snapshot.id, periodKey: period.key, recipients: recipients.length, sent };
}

/** The "reports" queue: outbox builds ("report.build") and the monthly schedule. */
export async function handleReportsJob(job: Pick<Job, "name" | "data">) {
  if (job.name === "report.build") return handleReportBuildJob(job.data);
  if (job.name === "report.build-last-month") {
    SCHEDULED_JOBS["report.build-last-month"].payload.parse(job.data ?? {});
    return processMonthlyReport();
  }
  throw new UnrecoverableError(`unknown reports job ${job.name}`);
}

export const { create: createReportsWorker, start: startReportsWorker } = defineWorker({
  queue: "reports",
  // Builds are heavy SQL: one at a time keeps the database responsive for the web app.
  concurrency: 1,
  log,
  setup: () => ({ processor: (job: Job) => handleReportsJob(job) }),
  listeners: [markGivenUpOutboxJobs, recordScheduledRuns],
});
