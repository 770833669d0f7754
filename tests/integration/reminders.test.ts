/**
 * Reminders and digests end to end through real Postgres, Redis and an in-process SMTP server:
 * the sweep (set-based select + addBulk), the reminders worker (preferences, quiet hours,
 * notification_log key), digest grouping, unsubscribe, and duplicate triggers.
 * The clock is injected: 10:00 UK time today, so quiet hours never depend on when CI runs.
 */
import { Job, Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { disconnectDb } from "../../app/db/client.server.ts";
import { academicYearOf, addDays, toUtcDate, todayInEngland } from "../../app/domain/dates.ts";
import { isoWeek, londonInstant, reminderDedupeKey, reminderJobId } from "../../app/domain/reminders.ts";
import { REMINDER_JOB_NAME } from "../../app/jobs/definitions.ts";
import { queuePrefix } from "../../app/jobs/queues.server.ts";
import { createMailTransport, type MailTransport } from "../../app/mail/transport.server.ts";
import { unsubscribe, unsubscribeToken, verifyUnsubscribeToken } from "../../app/models/notification-prefs.server.ts";
import { startMailCatcher, type CaughtMail, type MailCatcher } from "../../scripts/mail-catcher.ts";
import { closeConnection, workerConnection } from "../../workers/connection.ts";
import { runSweep } from "../../workers/reminder-sweep.ts";
import { createRemindersWorker, sendReminder } from "../../workers/reminders-worker.ts";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser } from "../support/factories.ts";
import { apprenticeDue, providerOrg, withdrawAll } from "../support/reminder-fixtures.ts";

const prisma = testPrisma();
const APP_URL = "http://localhost:3000";
const FROM = "Staffordshire Digital Skills <no-reply@digitalskills.staffordshire.example>";
const NOW = londonInstant(todayInEngland(), 10);
const TODAY = todayInEngland(NOW);
const PERIOD = isoWeek(TODAY);
const DAY = 24 * 60 * 60 * 1000;

let catcher: MailCatcher;
let transport: MailTransport;
let connection: Redis;
let queue: Queue;
const workers: Worker[] = [];

function startWorker(now: () => Date = () => NOW) {
  const worker = createRemindersWorker({ connection, transport, appUrl: APP_URL, from: FROM, now, concurrency: 4 });
  workers.push(worker);
  return worker;
}
const to = (email: string) => (m: CaughtMail) => m.to.includes(email);
const deps = () => ({ transport, from: FROM, appUrl: APP_URL, now: () => NOW });
const settle = (ms = 400) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  catcher = await startMailCatcher({ port: 0 });
  transport = createMailTransport(catcher.url);
  connection = workerConnection("test-reminders");
  queue = new Queue("reminders", { connection, prefix: queuePrefix() });
});

afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.close();
  await withdrawAll();
  await queue.obliterate({ force: true });
});

afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await closeConnection(connection);
  transport.close();
  await catcher.close();
  await disconnectDb();
});

describe("the daily sweep and the apprentice OTJ reminder", () => {
  it("emails each due apprentice once, with their own figures, a link to /log and one-click unsubscribe", async () => {
    const due = await Promise.all(
      [0, 1, 2].map((i) =>
        apprenticeDue({ today: TODAY, startedDaysAgo: 20, email: `otj${i}@apprentices.example.org` }),
      ),
    );
    // Five days in, five verified hours: on plan, and not yet 14 days.
    const notYet = await apprenticeDue({
      today: TODAY,
      startedDaysAgo: 5,
      email: "new.starter@apprentices.example.org",
    });
    await prisma.progressEntry.create({
      data: {
        learnerId: notYet.apprentice.id,
        apprenticeshipId: notYet.apprenticeshipId,
        kind: "OTJ_ACTIVITY",
        occurredOn: toUtcDate(addDays(TODAY, -4)),
        minutes: 300,
        status: "VERIFIED",
        createdById: notYet.apprentice.id,
      },
    });
    const optedOut = await apprenticeDue({
      today: TODAY,
      email: "no.thanks@apprentices.example.org",
      prefs: { reminders: false },
    });

    const result = await runSweep("daily", { queue, now: NOW });
    expect(result.byKind["otj-reminder"]).toBe(3);
    const job = await queue.getJob(reminderJobId(due[0].apprentice.id, "otj-reminder", PERIOD));
    expect(job?.data).toEqual({ userId: due[0].apprentice.id, kind: "otj-reminder", period: PERIOD });

    startWorker();
    for (const d of due) await catcher.waitFor(to(d.apprentice.email!), 10_000);
    await settle();
    for (const d of due) expect(catcher.messages().filter(to(d.apprentice.email!))).toHaveLength(1);
    expect(catcher.messages().filter(to(notYet.apprentice.email!))).toHaveLength(0);
    expect(catcher.messages().filter(to(optedOut.apprentice.email!))).toHaveLength(0);

    const mail = catcher.messages().find(to(due[0].apprentice.email!))!;
    // Three weeks in with nothing verified: the 14-day nudge (and an early amber warning).
    expect(mail.subject).toMatch(/off-the-job training/);
    expect(mail.text).toContain("no off-the-job training has been verified yet");
    expect(mail.text).toContain("Hello Jordan");
    expect(mail.text).toContain(`${APP_URL}/log`);
    expect(mail.text).toContain("Staffordshire Digital Skills Partnership");
    const link = mail.headers?.["list-unsubscribe"];
    expect(link).toMatch(
      new RegExp(`^<${APP_URL}/unsubscribe/${due[0].apprentice.id}\\.reminders\\.[A-Za-z0-9_-]{43}>$`),
    );
    expect(mail.headers?.["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(mail.html).toContain(link!.slice(1, -1));

    const log = await prisma.notificationLog.findUniqueOrThrow({
      where: { dedupeKey: reminderDedupeKey(due[0].apprentice.id, "otj-reminder", PERIOD) },
    });
    expect(log).toMatchObject({ userId: due[0].apprentice.id, status: "sent" });
    expect(log.kind).toMatch(/^otj-reminder:(green|amber|red)$/);
  });

  it("running the sweep again (or twice at once) enqueues nothing new and sends nothing twice", async () => {
    const people = await Promise.all(
      [0, 1].map((i) => apprenticeDue({ today: TODAY, email: `twice${i}@apprentices.example.org` })),
    );
    const [a, b] = await Promise.all([runSweep("daily", { queue, now: NOW }), runSweep("daily", { queue, now: NOW })]);
    expect(a.enqueued).toBe(2);
    expect(b.enqueued).toBe(2); // offered again, but the job ids already exist…
    expect(await queue.count()).toBe(2); // …so BullMQ keeps one job each.
    startWorker();
    for (const p of people) await catcher.waitFor(to(p.apprentice.email!), 10_000);
    // The key is committed just after the mail server accepts the message.
    await vi.waitFor(async () =>
      expect(
        await prisma.notificationLog.count({ where: { userId: { in: people.map((p) => p.apprentice.id) } } }),
      ).toBe(2),
    );
    // After the sends, the sweep finds the keys in notification_log and offers nothing.
    expect((await runSweep("daily", { queue, now: NOW })).enqueued).toBe(0);
    // A stray duplicate job (as if the first had been trimmed) finds the key and sends nothing.
    expect(
      await sendReminder({ userId: people[0].apprentice.id, kind: "otj-reminder", period: PERIOD }, deps()),
    ).toEqual({ outcome: "already-sent" });
    await settle();
    for (const p of people) expect(catcher.messages().filter(to(p.apprentice.email!))).toHaveLength(1);
  });

  it("tells an apprentice once when their OTJ turns red, not every week it stays red", async () => {
    const p = await apprenticeDue({ today: TODAY, startedDaysAgo: 120, email: "behind@apprentices.example.org" });
    // Logged (and verified) an hour yesterday: the 14-day rule is quiet, the RAG is red.
    await prisma.progressEntry.create({
      data: {
        learnerId: p.apprentice.id,
        apprenticeshipId: p.apprenticeshipId,
        kind: "OTJ_ACTIVITY",
        occurredOn: toUtcDate(addDays(TODAY, -1)),
        minutes: 60,
        status: "VERIFIED",
        createdById: p.apprentice.id,
      },
    });
    expect(await sendReminder({ userId: p.apprentice.id, kind: "otj-reminder", period: PERIOD }, deps())).toEqual({
      outcome: "sent",
    });
    const mail = await catcher.waitFor(to(p.apprentice.email!));
    expect(mail.subject).toBe("Your off-the-job training is behind plan");
    // Next week, still red, still logging: nothing due.
    const nextWeek = new Date(NOW.getTime() + 7 * DAY);
    expect(
      await sendReminder(
        { userId: p.apprentice.id, kind: "otj-reminder", period: isoWeek(todayInEngland(nextWeek)) },
        { ...deps(), now: () => nextWeek },
      ),
    ).toEqual({ outcome: "nothing-due" });
  });
});

describe("digests: one email per person per period", () => {
  it("a supervisor with five apprentices' entries waiting gets ONE inbox digest with counts and no names", async () => {
    const employer = await createOrganisation({ kind: "EMPLOYER" });
    const supervisor = await createUser({
      email: "supervisor@employer.example.org",
      firstName: "Priya",
      roles: [{ org: employer, role: "WORKPLACE_SUPERVISOR" }],
    });
    const apprentices = await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        apprenticeDue({ today: TODAY, employer, supervisor, email: `crew${i}@apprentices.example.org` }),
      ),
    );
    for (const a of apprentices) {
      await prisma.progressEntry.create({
        data: {
          learnerId: a.apprentice.id,
          apprenticeshipId: a.apprenticeshipId,
          kind: "OTJ_ACTIVITY",
          atWork: true,
          occurredOn: toUtcDate(addDays(TODAY, -6)),
          minutes: 90,
          createdById: a.apprentice.id,
          createdAt: new Date(NOW.getTime() - 5 * DAY),
        },
      });
    }
    // One more, only a day old: not yet "waiting over 3 days".
    await prisma.progressEntry.create({
      data: {
        learnerId: apprentices[0].apprentice.id,
        apprenticeshipId: apprentices[0].apprenticeshipId,
        kind: "OTJ_ACTIVITY",
        atWork: true,
        occurredOn: toUtcDate(TODAY),
        minutes: 30,
        createdById: apprentices[0].apprentice.id,
        createdAt: new Date(NOW.getTime() - DAY),
      },
    });
    const result = await runSweep("daily", { queue, now: NOW, kinds: ["inbox-digest"] });
    expect(result.byKind["inbox-digest"]).toBe(1);
    startWorker();
    const mail = await catcher.waitFor(to(supervisor.email!), 10_000);
    await settle();
    expect(catcher.messages().filter(to(supervisor.email!))).toHaveLength(1);
    expect(mail.subject).toBe("5 items are waiting in your inbox");
    expect(mail.text).toContain("5 off-the-job activities at work to confirm");
    expect(mail.text).toContain(`${APP_URL}/employer/inbox`);
    for (const a of apprentices) expect(mail.text).not.toContain(a.apprentice.lastName);
    expect(mail.headers?.["list-unsubscribe"]).toContain(".digest.");
  });

  it("a teacher gets one Monday digest: class names and counts of stuck pupils, never a pupil's name", async () => {
    const school = await createOrganisation({ kind: "SCHOOL" });
    const teacher = await createUser({
      email: "teacher@school.example.org",
      firstName: "Sam",
      roles: [{ org: school, role: "TEACHER" }],
    });
    const year = academicYearOf(TODAY);
    const [nineC, tenA] = await Promise.all(
      ["9C Computing", "10A Digital Futures"].map((name, i) =>
        prisma.cohort.create({
          data: { organisationId: school.id, teacherId: teacher.id, name, yearGroup: 9 + i, academicYear: year },
          select: { id: true },
        }),
      ),
    );
    const pupils = await Promise.all(
      [0, 1, 2, 3].map(() =>
        createUser({
          roles: [{ org: school, role: "PUPIL" }],
          lastName: `Pupilname${Math.random().toString(36).slice(2, 7)}`,
        }),
      ),
    );
    const joinedAt = new Date(NOW.getTime() - 20 * DAY);
    for (const p of pupils.slice(0, 3))
      await prisma.cohortMember.create({ data: { cohortId: nineC.id, userId: p.id, joinedAt } });
    await prisma.cohortMember.create({ data: { cohortId: tenA.id, userId: pupils[3].id, joinedAt } });
    // 10A's pupil is making progress (verified yesterday) and has one entry to verify.
    await prisma.progressEntry.create({
      data: {
        learnerId: pupils[3].id,
        kind: "LEARNING_TIME",
        occurredOn: toUtcDate(addDays(TODAY, -1)),
        minutes: 30,
        status: "VERIFIED",
        createdById: pupils[3].id,
      },
    });
    await prisma.progressEntry.create({
      data: {
        learnerId: pupils[3].id,
        kind: "LEARNING_TIME",
        occurredOn: toUtcDate(TODAY),
        minutes: 45,
        createdById: pupils[3].id,
      },
    });

    expect((await runSweep("weekly", { queue, now: NOW })).byKind["teacher-digest"]).toBe(1);
    startWorker();
    const mail = await catcher.waitFor(to(teacher.email!), 10_000);
    expect(mail.subject).toBe("Your classes this week");
    expect(mail.text).toContain("9C Computing");
    expect(mail.text).toMatch(/3 pupils with no verified progress for 14 days/);
    expect(mail.text).toContain(`${APP_URL}/classes/${nineC.id}`);
    expect(mail.text).toMatch(/10A Digital Futures[^\n]*1 entry to verify/);
    expect(mail.text).toContain(`${APP_URL}/verify`);
    for (const p of pupils) expect(mail.text + mail.html).not.toContain(p.lastName);
  });

  it("a tutor gets one caseload digest however many apprentices have reviews overdue", async () => {
    const tutor = await createUser({
      email: "tutor@university.example.org",
      firstName: "Alex",
      roles: [{ org: await providerOrg(), role: "TUTOR" }],
    });
    const caseload = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        apprenticeDue({ today: TODAY, tutor, startedDaysAgo: 100, email: `case${i}@apprentices.example.org` }),
      ),
    );
    for (const [i, a] of caseload.entries()) {
      await prisma.review.create({
        data: { apprenticeshipId: a.apprenticeshipId, sequence: 1, dueOn: toUtcDate(addDays(TODAY, i < 3 ? -5 : 10)) },
      });
    }
    expect((await runSweep("weekly", { queue, now: NOW })).byKind["tutor-digest"]).toBe(1);
    startWorker();
    const mail = await catcher.waitFor(to(tutor.email!), 10_000);
    await settle();
    expect(catcher.messages().filter(to(tutor.email!))).toHaveLength(1);
    expect(mail.subject).toBe("Reviews this week: 3 overdue");
    expect(mail.text).toMatch(/1 review due in the next 14 days/);
    expect(mail.text).toContain(`${APP_URL}/reviews`);
    for (const a of caseload) expect(mail.text).not.toContain(a.apprentice.lastName);
  });

  it("an apprentice's review due in 7 days links to that review", async () => {
    const a = await apprenticeDue({ today: TODAY, startedDaysAgo: 80, email: "review.soon@apprentices.example.org" });
    // Logged recently so only the review reminder is due.
    const review = await prisma.review.create({
      data: { apprenticeshipId: a.apprenticeshipId, sequence: 1, dueOn: toUtcDate(addDays(TODAY, 6)) },
      select: { id: true },
    });
    expect(await sendReminder({ userId: a.apprentice.id, kind: "review-due", period: PERIOD }, deps())).toEqual({
      outcome: "sent",
    });
    const mail = await catcher.waitFor(to(a.apprentice.email!));
    expect(mail.subject).toBe("Your progress review is coming up");
    expect(mail.text).toContain(`${APP_URL}/reviews/${review.id}`);
  });
});

describe("quiet hours", () => {
  it("holds a job met at 21:30 UK time until 07:00 the next morning, without using an attempt", async () => {
    const a = await apprenticeDue({ today: TODAY, email: "late.evening@apprentices.example.org" });
    const evening = londonInstant(TODAY, 21);
    const morning = londonInstant(addDays(TODAY, 1), 7);
    await runSweep("daily", { queue, now: NOW });
    startWorker(() => evening);
    const id = reminderJobId(a.apprentice.id, "otj-reminder", PERIOD);
    await vi.waitFor(async () => expect(await queue.getJobState(id)).toBe("delayed"), { timeout: 5_000 });
    const score = await connection.zscore(`${queuePrefix()}:reminders:delayed`, id);
    expect(Math.floor(Number(score) / 0x1000)).toBe(morning.getTime());
    const job = (await Job.fromId(queue, id))!;
    expect(job.attemptsMade).toBe(0);
    await settle();
    expect(catcher.messages().filter(to(a.apprentice.email!))).toHaveLength(0);
  });
});

describe("preferences and unsubscribe", () => {
  it("a one-click unsubscribe stops the sweep choosing them and stops a job already queued", async () => {
    const a = await apprenticeDue({ today: TODAY, email: "unsub@apprentices.example.org" });
    const b = await apprenticeDue({ today: TODAY, email: "queued.then.unsub@apprentices.example.org" });
    await queue.add(
      REMINDER_JOB_NAME,
      { userId: b.apprentice.id, kind: "otj-reminder", period: PERIOD },
      { jobId: reminderJobId(b.apprentice.id, "otj-reminder", PERIOD) },
    );

    expect(await unsubscribe(unsubscribeToken(a.apprentice.id, "reminders"))).toEqual({ category: "reminders" });
    expect(await unsubscribe(unsubscribeToken(b.apprentice.id, "reminders"))).toEqual({ category: "reminders" });
    const after = await runSweep("daily", { queue, now: NOW });
    expect(after.byKind["otj-reminder"]).toBe(0);
    const worker = startWorker();
    const done = new Promise<unknown>((resolve) => worker.on("completed", (_job, value) => resolve(value)));
    expect(await done).toEqual({ outcome: "opted-out" });
    expect(catcher.messages().filter((m) => m.to.some((t) => t.includes("unsub@")))).toHaveLength(0);
    const user = await prisma.user.findUniqueOrThrow({ where: { id: a.apprentice.id } });
    expect(user.notificationPrefs).toMatchObject({ reminders: false });
    const audit = await prisma.auditLog.findFirst({
      where: { action: "notifications.unsubscribe", subjectId: a.apprentice.id },
    });
    expect(audit?.metadata).toEqual({ category: "reminders" });
  });

  it("refuses a forged or altered token", async () => {
    const user = await createUser();
    const token = unsubscribeToken(user.id, "digest");
    expect(verifyUnsubscribeToken(token)).toEqual({ userId: user.id, category: "digest" });
    expect(verifyUnsubscribeToken(token.replace(".digest.", ".reminders."))).toBeNull();
    const other = await createUser();
    expect(verifyUnsubscribeToken(token.replace(user.id, other.id))).toBeNull();
    expect(await unsubscribe(`${user.id}.digest.${"A".repeat(43)}`)).toBeNull();
  });

  it("pupils get nothing unless their school turned pupil reminders on", async () => {
    const school = await createOrganisation({ kind: "SCHOOL" });
    // An apprentice who is also on a school's roll as a pupil (a sixth-former, say).
    const a = await apprenticeDue({ today: TODAY, email: "sixth.former@apprentices.example.org" });
    await prisma.membership.create({ data: { userId: a.apprentice.id, organisationId: school.id, role: "PUPIL" } });
    expect((await runSweep("daily", { queue, now: NOW, kinds: ["otj-reminder"] })).byKind["otj-reminder"]).toBe(0);
    await prisma.organisation.update({ where: { id: school.id }, data: { pupilRemindersEnabled: true } });
    expect((await runSweep("daily", { queue, now: NOW, kinds: ["otj-reminder"] })).byKind["otj-reminder"]).toBe(1);
  });
});

describe("a poison job", () => {
  it("with a payload that fails validation stops at once and stays in the failed set with its reason", async () => {
    await queue.add(
      REMINDER_JOB_NAME,
      { userId: "not-a-uuid", kind: "otj-reminder", period: PERIOD, email: "leak@example.org" },
      { jobId: "poison-1", attempts: 5, backoff: { type: "fixed", delay: 10 } },
    );
    startWorker();
    await vi.waitFor(async () => expect(await queue.getJobState("poison-1")).toBe("failed"), { timeout: 5_000 });
    const job = (await queue.getJob("poison-1"))!;
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/not \{ userId, kind, period \}/);
    expect((await queue.getFailed()).map((j) => j.id)).toContain("poison-1");
  });
});
