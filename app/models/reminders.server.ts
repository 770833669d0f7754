/**
 * Facts for reminders and digests, loaded with set-based SQL: one statement per kind for the
 * whole partnership (the sweep) or for the given people (the worker, re-checking one person
 * before it sends). The decisions themselves are the pure rules in app/domain/reminders.ts.
 *
 * Every statement applies the same recipient filter (RECIPIENT_SQL): an address, an active
 * account, the preference category not switched off, and pupils only where their school turned
 * pupil reminders on. This is system work (no actor): the scope is "the person the email is
 * for", and every fact is about that person's own records or their own caseload/classes/inbox.
 */
import { db, type Tx } from "~/db/client.server.ts";
import { Prisma } from "~/generated/prisma/client.ts";
import { academicYearOf, addDays, toUtcDate, type IsoDate } from "~/domain/dates.ts";
import type { OtjRag } from "~/domain/otj.ts";
import { isStuck } from "~/domain/progress-log.ts";
import {
  INBOX_WAITING_DAYS,
  inboxDigestFor,
  otjReminderFor,
  ragFromLogKind,
  REVIEW_SOON_DAYS,
  reviewReminderFor,
  teacherDigestFor,
  tutorDigestFor,
  worstRag,
  type ClassFact,
  type InboxItemKind,
  type OtjReminder,
  type PreferenceCategory,
  type ReminderKind,
  type ReviewReminderItem,
  type TutorDigest,
  type TutorReviewFact,
} from "~/domain/reminders.ts";
import { AWAITING_SUPERVISOR_SQL, COUNTING_SQL } from "~/models/rule-sql.server.ts";

export type ReminderContent = {
  "otj-reminder": { reminders: OtjReminder[]; rag: OtjRag };
  "review-due": { reviews: ReviewReminderItem[] };
  "inbox-digest": Record<InboxItemKind, number> & { total: number };
  "teacher-digest": { classes: ClassFact[]; stuckPupils: number; entriesToVerify: number };
  "tutor-digest": TutorDigest;
};

type Options = { userIds?: readonly string[]; client?: Tx };

/** The recipient filter for users aliased `u`. */
function recipientSql(category: PreferenceCategory) {
  return Prisma.sql`u.email IS NOT NULL AND u.disabled_at IS NULL AND u.erased_at IS NULL AND u.merged_into_id IS NULL
    AND COALESCE(u.notification_prefs->>${category}, 'true') <> 'false'
    AND (NOT EXISTS (SELECT 1 FROM memberships pm WHERE pm.user_id = u.id AND pm.role = 'PUPIL')
      OR EXISTS (SELECT 1 FROM memberships pm JOIN organisations po ON po.id = pm.organisation_id
                 WHERE pm.user_id = u.id AND pm.role = 'PUPIL' AND po.pupil_reminders_enabled))`;
}

function only(column: Prisma.Sql, userIds?: readonly string[]) {
  return userIds ? Prisma.sql`AND ${column} = ANY(${[...userIds]}::uuid[])` : Prisma.empty;
}

function group<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

// ───────────────────────────── per kind ─────────────────────────────

type OtjRow = {
  id: string;
  user_id: string;
  status: string;
  start_date: string;
  end_date: string;
  weekly: number;
  prior: number;
  reference: string;
  minimum: number | null;
  breaks: { startDate: string; endDate: string | null }[];
  verified: number;
  last_on: string | null;
  last_kind: string | null;
};

async function otjDue(today: IsoDate, options: Options): Promise<Map<string, ReminderContent["otj-reminder"]>> {
  const rows = await (options.client ?? db()).$queryRaw<OtjRow[]>`
    SELECT a.id::text AS id, a.apprentice_id::text AS user_id, a.status::text AS status,
      to_char(a.start_date, 'YYYY-MM-DD') AS start_date, to_char(a.planned_end_date, 'YYYY-MM-DD') AS end_date,
      a.contracted_weekly_hours::float8 AS weekly, a.prior_learning_hours AS prior, s.reference, s.otj_minimum_hours AS minimum,
      COALESCE((SELECT json_agg(json_build_object('startDate', to_char(b.start_date, 'YYYY-MM-DD'), 'endDate', to_char(b.end_date, 'YYYY-MM-DD')))
                FROM learning_breaks b WHERE b.apprenticeship_id = a.id), '[]'::json) AS breaks,
      COALESCE(v.minutes, 0)::int AS verified, to_char(v.last_on, 'YYYY-MM-DD') AS last_on, lr.kind AS last_kind
    FROM apprenticeships a
    JOIN standards s ON s.id = a.standard_id
    JOIN users u ON u.id = a.apprentice_id
    LEFT JOIN LATERAL (
      SELECT sum(pe.minutes) AS minutes, max(pe.occurred_on) AS last_on FROM progress_entries pe
      WHERE pe.apprenticeship_id = a.id AND pe.kind = 'OTJ_ACTIVITY' AND ${COUNTING_SQL} AND pe.occurred_on <= ${toUtcDate(today)}::date
    ) v ON true
    LEFT JOIN LATERAL (
      SELECT nl.kind FROM notification_log nl
      WHERE nl.user_id = a.apprentice_id AND nl.kind LIKE 'otj-reminder:%' AND nl.status = 'sent'
      ORDER BY nl.sent_at DESC LIMIT 1
    ) lr ON true
    WHERE a.status = 'ACTIVE' AND a.start_date <= ${toUtcDate(today)}::date AND ${recipientSql("reminders")} ${only(Prisma.sql`a.apprentice_id`, options.userIds)}`;
  const due = new Map<string, ReminderContent["otj-reminder"]>();
  for (const r of rows) {
    const reminder = otjReminderFor(
      {
        userId: r.user_id,
        apprenticeshipId: r.id,
        status: r.status,
        plan: {
          startDate: r.start_date,
          plannedEndDate: r.end_date,
          contractedWeeklyHours: Number(r.weekly),
          standard: { reference: r.reference, otjMinimumHours: r.minimum },
          priorLearningHours: r.prior,
          breaks: r.breaks,
        },
        verifiedMinutes: Number(r.verified),
        lastVerifiedOtjOn: r.last_on,
        lastRagSent: ragFromLogKind(r.last_kind),
      },
      today,
    );
    if (!reminder) continue;
    const entry = due.get(r.user_id);
    if (entry) {
      entry.reminders.push(reminder);
      entry.rag = worstRag(entry.reminders.map((x) => x.rag));
    } else due.set(r.user_id, { reminders: [reminder], rag: reminder.rag });
  }
  return due;
}

async function reviewsDue(today: IsoDate, options: Options): Promise<Map<string, ReminderContent["review-due"]>> {
  const rows = await (options.client ?? db()).$queryRaw<
    {
      id: string;
      user_id: string;
      sequence: number;
      status: "SCHEDULED" | "OPEN" | "SIGNED";
      due_on: string;
      signed: boolean;
    }[]
  >`
    SELECT r.id::text AS id, a.apprentice_id::text AS user_id, r.sequence, r.status::text AS status, to_char(r.due_on, 'YYYY-MM-DD') AS due_on,
      r.apprentice_signed_at IS NOT NULL AS signed
    FROM reviews r
    JOIN apprenticeships a ON a.id = r.apprenticeship_id
    JOIN users u ON u.id = a.apprentice_id
    WHERE a.status = 'ACTIVE'
      AND ((r.status = 'OPEN' AND r.apprentice_signed_at IS NULL)
        OR (r.status = 'SCHEDULED' AND r.due_on BETWEEN ${toUtcDate(today)}::date AND ${toUtcDate(addDays(today, REVIEW_SOON_DAYS))}::date))
      AND ${recipientSql("reminders")} ${only(Prisma.sql`a.apprentice_id`, options.userIds)}
    ORDER BY r.due_on, r.sequence`;
  const due = new Map<string, ReminderContent["review-due"]>();
  for (const r of rows) {
    const item = reviewReminderFor(
      {
        userId: r.user_id,
        reviewId: r.id,
        sequence: r.sequence,
        status: r.status,
        dueOn: r.due_on,
        apprenticeSigned: r.signed,
      },
      today,
    );
    if (!item) continue;
    const entry = due.get(r.user_id);
    if (entry) entry.reviews.push(item);
    else due.set(r.user_id, { reviews: [item] });
  }
  return due;
}

/**
 * Items waiting over 3 days in each employer admin's or workplace supervisor's inbox, by kind.
 * Same scope and item rules as app/models/inbox.server.ts, but for everyone at once; "waiting
 * since" is the moment the item reached the inbox (as the inbox page orders them).
 */
async function inboxDue(now: Date, options: Options): Promise<Map<string, ReminderContent["inbox-digest"]>> {
  const cutoff = new Date(now.getTime() - INBOX_WAITING_DAYS * 24 * 60 * 60 * 1000);
  const rows = await (options.client ?? db()).$queryRaw<{ user_id: string; kind: InboxItemKind; n: number }[]>`
    WITH people AS (
      SELECT DISTINCT m.user_id, m.organisation_id, m.role FROM memberships m
      JOIN organisations o ON o.id = m.organisation_id AND o.kind = 'EMPLOYER' AND o.status = 'APPROVED'
      JOIN users u ON u.id = m.user_id
      WHERE m.role IN ('EMPLOYER_ADMIN', 'WORKPLACE_SUPERVISOR') AND ${recipientSql("digest")} ${only(Prisma.sql`m.user_id`, options.userIds)}
    ), ap AS (
      SELECT DISTINCT p.user_id, a.id, a.status, a.gateway_date FROM people p
      JOIN apprenticeships a ON a.employer_id = p.organisation_id AND (p.role = 'EMPLOYER_ADMIN' OR a.supervisor_id = p.user_id)
    ), pl AS (
      SELECT DISTINCT p.user_id, x.id, x.status, x.created_at, x.start_date, x.risk_assessment_at, x.insurance_confirmed_at, x.health_safety_at FROM people p
      JOIN placements x ON x.employer_id = p.organisation_id AND (p.role = 'EMPLOYER_ADMIN' OR x.supervisor_id = p.user_id)
    )
    SELECT user_id::text AS user_id, kind, count(*)::int AS n FROM (
      SELECT ap.user_id, 'otj' AS kind FROM progress_entries pe JOIN ap ON ap.id = pe.apprenticeship_id
        WHERE ${AWAITING_SUPERVISOR_SQL} AND pe.learner_id <> ap.user_id AND pe.created_at < ${cutoff}
      UNION ALL
      SELECT ap.user_id, 'reviews' FROM reviews r JOIN ap ON ap.id = r.apprenticeship_id
        WHERE r.status = 'OPEN' AND r.tutor_signed_at IS NOT NULL AND r.employer_signed_at IS NULL AND r.tutor_signed_at < ${cutoff}
      UNION ALL
      SELECT pl.user_id, 'placements' FROM pl
        WHERE pl.status = 'PLANNED' AND (pl.risk_assessment_at IS NULL OR pl.insurance_confirmed_at IS NULL OR pl.health_safety_at IS NULL) AND pl.created_at < ${cutoff}
      UNION ALL
      SELECT pl.user_id, 'feedback' FROM placement_pupils pp JOIN pl ON pl.id = pp.placement_id
        WHERE pl.status IN ('STARTED', 'COMPLETED') AND pp.feedback_at IS NULL AND pl.start_date < ${cutoff}::date
      UNION ALL
      SELECT ap.user_id, 'gateway' FROM gateway_checks g JOIN ap ON ap.id = g.apprenticeship_id
        WHERE ap.status = 'ACTIVE' AND ap.gateway_date IS NULL AND g.tutor_confirmed_at IS NOT NULL AND g.employer_confirmed_at IS NULL AND g.tutor_confirmed_at < ${cutoff}
    ) items
    GROUP BY user_id, kind`;
  const due = new Map<string, ReminderContent["inbox-digest"]>();
  for (const [userId, list] of group(rows, (r) => r.user_id)) {
    const digest = inboxDigestFor(Object.fromEntries(list.map((r) => [r.kind, Number(r.n)])));
    if (digest) due.set(userId, digest);
  }
  return due;
}

async function teacherDue(today: IsoDate, options: Options): Promise<Map<string, ReminderContent["teacher-digest"]>> {
  const rows = await (options.client ?? db()).$queryRaw<
    {
      teacher_id: string;
      class_id: string;
      class_name: string;
      joined_on: string | null;
      last_progress: string | null;
      pending: number;
    }[]
  >`
    SELECT c.teacher_id::text AS teacher_id, c.id::text AS class_id, c.name AS class_name,
      to_char(cm.joined_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS joined_on,
      to_char(lp.last_progress, 'YYYY-MM-DD') AS last_progress, COALESCE(pp.pending, 0)::int AS pending
    FROM cohorts c
    JOIN organisations o ON o.id = c.organisation_id AND o.status = 'APPROVED'
    JOIN users u ON u.id = c.teacher_id
    JOIN cohort_members cm ON cm.cohort_id = c.id AND cm.left_at IS NULL
    LEFT JOIN LATERAL (
      SELECT max(pe.occurred_on) AS last_progress FROM progress_entries pe WHERE pe.learner_id = cm.user_id AND ${COUNTING_SQL}
    ) lp ON true
    LEFT JOIN LATERAL (
      SELECT count(*) AS pending FROM progress_entries pe
      WHERE pe.learner_id = cm.user_id AND pe.superseded_at IS NULL AND pe.status = 'PENDING' AND pe.kind <> 'OTJ_ACTIVITY'
    ) pp ON true
    WHERE c.academic_year = ${academicYearOf(today)}
      AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = c.teacher_id AND m.organisation_id = c.organisation_id AND m.role IN ('TEACHER', 'SCHOOL_ADMIN'))
      AND ${recipientSql("digest")} ${only(Prisma.sql`c.teacher_id`, options.userIds)}`;
  const due = new Map<string, ReminderContent["teacher-digest"]>();
  for (const [teacherId, list] of group(rows, (r) => r.teacher_id)) {
    const classes = [...group(list, (r) => r.class_id).values()].map((members): ClassFact => ({
      classId: members[0].class_id,
      className: members[0].class_name,
      stuckPupils: members.filter((m) => isStuck(m.joined_on ?? today, m.last_progress, today)).length,
      entriesToVerify: members.reduce((sum, m) => sum + Number(m.pending), 0),
    }));
    const digest = teacherDigestFor(classes);
    if (digest) due.set(teacherId, digest);
  }
  return due;
}

async function tutorDue(today: IsoDate, options: Options): Promise<Map<string, ReminderContent["tutor-digest"]>> {
  const rows = await (options.client ?? db()).$queryRaw<
    { user_id: string; status: TutorReviewFact["status"]; due_on: string; tutor_signed: boolean }[]
  >`
    SELECT a.tutor_id::text AS user_id, r.status::text AS status, to_char(r.due_on, 'YYYY-MM-DD') AS due_on, r.tutor_signed_at IS NOT NULL AS tutor_signed
    FROM reviews r
    JOIN apprenticeships a ON a.id = r.apprenticeship_id
    JOIN users u ON u.id = a.tutor_id
    WHERE a.status = 'ACTIVE' AND r.status <> 'SIGNED'
      AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = a.tutor_id AND m.organisation_id = a.provider_id AND m.role = 'TUTOR')
      AND ${recipientSql("digest")} ${only(Prisma.sql`a.tutor_id`, options.userIds)}`;
  const due = new Map<string, ReminderContent["tutor-digest"]>();
  for (const [userId, list] of group(rows, (r) => r.user_id)) {
    const digest = tutorDigestFor(
      list.map((r) => ({ status: r.status, dueOn: r.due_on, tutorSigned: r.tutor_signed })),
      today,
    );
    if (digest) due.set(userId, digest);
  }
  return due;
}

/** Who is due an email of this kind today, with what it will say. */
export async function dueFor<K extends ReminderKind>(
  kind: K,
  now: Date,
  today: IsoDate,
  options: Options = {},
): Promise<Map<string, ReminderContent[K]>> {
  switch (kind) {
    case "otj-reminder":
      return (await otjDue(today, options)) as Map<string, ReminderContent[K]>;
    case "review-due":
      return (await reviewsDue(today, options)) as Map<string, ReminderContent[K]>;
    case "inbox-digest":
      return (await inboxDue(now, options)) as Map<string, ReminderContent[K]>;
    case "teacher-digest":
      return (await teacherDue(today, options)) as Map<string, ReminderContent[K]>;
    case "tutor-digest":
      return (await tutorDue(today, options)) as Map<string, ReminderContent[K]>;
  }
  throw new Error(`unknown reminder kind ${kind satisfies never}`);
}
