/**
 * Verification: teachers and tutors verify progress entries, and the employer side (workplace
 * supervisor, employer admin) confirms off-the-job activities done at work, in either order
 * (docs/decisions/014-progress-ledger-and-otj-verification.md); and each one's queue of what waits
 * for them. What waits for the supervisor is app/domain/awaiting-confirmation.ts. Reach:
 * app/auth/reach.server.ts `progressEntriesVerifiableBy` and `progressEntriesConfirmableBy`.
 */
import { db } from "~/db/client.server.ts";
import { Prisma } from "~/generated/prisma/client.ts";
import type { Actor } from "~/auth/permissions.ts";
import {
  progressEntriesConfirmableBy,
  progressEntriesVerifiableBy,
  providersWhereTutoring,
  schoolsWhereTeaching,
} from "~/auth/reach.server.ts";
import { awaitsSupervisor } from "~/domain/awaiting-confirmation.ts";
import { AWAITING_SUPERVISOR_WHERE } from "~/models/rule-sql.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";
import { ProgressError, SUMMARY_SELECT, toSummary, type EntrySummary } from "~/models/progress-entry.server.ts";

// ───────────────────────────── verification ─────────────────────────────

export type Decision = "approve" | "reject";

/**
 * Verifies (teacher, tutor) or confirms (supervisor, employer admin) entries in bulk. Every id
 * must be within the actor's reach, or the whole call is a 404. Entries already decided (or
 * corrected since the list was loaded) are skipped and counted. Reject needs a comment, which
 * the learner sees.
 */
export async function verifyEntries(
  actor: Actor,
  entryIds: readonly string[],
  decision: Decision,
  comment = "",
  options: { as?: "verifier" | "supervisor" } = {},
) {
  const ids = [...new Set(entryIds)];
  if (ids.length === 0) throw new ProgressError({ entryId: "Select at least one entry." });
  if (ids.length > 500 || ids.some((id) => !isUuid(id))) notFound();
  if (decision !== "approve" && decision !== "reject") throw new ProgressError({ form: "Choose approve or reject." });
  const note = comment.trim();
  if (decision === "reject" && !note)
    throw new ProgressError({ comment: "Say why you are rejecting this, so the learner can put it right." });
  if (note.length > 1000) throw new ProgressError({ comment: "Keep the comment to 1,000 characters or fewer." });

  const verifier = progressEntriesVerifiableBy(actor);
  const confirmer = progressEntriesConfirmableBy(actor);
  const role = options.as ?? (verifier ? "verifier" : "supervisor");
  const scope = role === "verifier" ? verifier : confirmer;
  if (!scope) notFound();

  const now = new Date();
  return db().$transaction(async (tx) => {
    const found = await tx.progressEntry.findMany({
      where: { AND: [{ id: { in: ids } }, scope] },
      select: {
        id: true,
        kind: true,
        atWork: true,
        status: true,
        supersededAt: true,
        supervisorConfirmedAt: true,
        learnerId: true,
        version: true,
        apprenticeshipId: true,
        apprenticeship: { select: { employerId: true, providerId: true } },
      },
    });
    if (found.length !== ids.length) notFound();
    const eligible = found.filter((e) =>
      role === "verifier" ? e.supersededAt === null && e.status === "PENDING" : awaitsSupervisor(e),
    );
    const eligibleIds = eligible.map((e) => e.id);
    let updated = 0;
    if (eligibleIds.length > 0) {
      if (role === "verifier") {
        updated = (
          await tx.progressEntry.updateMany({
            where: { id: { in: eligibleIds }, status: "PENDING", supersededAt: null },
            data: {
              status: decision === "approve" ? "VERIFIED" : "REJECTED",
              verifiedById: actor.userId,
              verifiedAt: now,
              verifierComment: note || null,
            },
          })
        ).count;
      } else if (decision === "approve") {
        updated = (
          await tx.progressEntry.updateMany({
            where: { id: { in: eligibleIds }, ...AWAITING_SUPERVISOR_WHERE },
            data: { supervisorConfirmedById: actor.userId, supervisorConfirmedAt: now },
          })
        ).count;
      } else {
        updated = (
          await tx.progressEntry.updateMany({
            where: { id: { in: eligibleIds }, ...AWAITING_SUPERVISOR_WHERE },
            data: { status: "REJECTED", verifiedById: actor.userId, verifiedAt: now, verifierComment: note },
          })
        ).count;
      }
      if (updated !== eligibleIds.length)
        throw new ProgressError({
          form: "Someone else decided some of these entries at the same moment. Reload the list and try again.",
        });
      const action =
        role === "verifier"
          ? decision === "approve"
            ? "entry.verify"
            : "entry.reject"
          : decision === "approve"
            ? "entry.confirm"
            : "entry.supervisor-reject";
      const schoolOrg = actor.memberships.find((m) => m.role === "TEACHER")?.organisationId ?? null;
      for (const e of eligible) {
        await audit(
          {
            actorId: actor.userId,
            action,
            subjectType: "progress_entry",
            subjectId: e.id,
            organisationId: e.apprenticeship
              ? role === "verifier"
                ? e.apprenticeship.providerId
                : e.apprenticeship.employerId
              : schoolOrg,
            metadata: {
              learnerId: e.learnerId,
              version: e.version,
              ...(e.apprenticeshipId ? { apprenticeshipId: e.apprenticeshipId } : {}),
              batchSize: eligible.length,
            },
          },
          tx,
        );
      }
    }
    return { updated, skipped: ids.length - updated };
  });
}

// ───────────────────────────── verification queues ─────────────────────────────

export type QueueEntry = EntrySummary & {
  learnerId: string;
  learnerName: string;
  createdAt: Date;
  verifiedByTutor: boolean;
};
export type QueueGroup = { key: string; title: string; entries: QueueEntry[] };
export type Queue = {
  role: "teacher" | "tutor" | "supervisor";
  groups: QueueGroup[];
  total: number;
  page: number;
  pages: number;
  firstShown: number;
  lastShown: number;
};

const QUEUE_SELECT = {
  ...SUMMARY_SELECT,
  learnerId: true,
  createdAt: true,
  learner: {
    select: {
      firstName: true,
      lastName: true,
      cohortMembers: {
        where: { leftAt: null },
        select: { cohort: { select: { id: true, name: true, organisationId: true } } },
      },
    },
  },
  apprenticeship: {
    select: { id: true, employer: { select: { name: true } }, standard: { select: { reference: true } } },
  },
} satisfies Prisma.ProgressEntrySelect;

/** A queue page: enough for a sitting, small enough for a phone (a queue can hold hundreds). */
export const QUEUE_PAGE_SIZE = 50;

// Pupils' and teachers' own entries (no apprenticeship, not off-the-job) go to teachers; the rest
// of what a verifier may verify goes to tutors (an actor is rarely both).
const SCHOOL_ENTRY: Prisma.ProgressEntryWhereInput = { kind: { not: "OTJ_ACTIVITY" }, apprenticeshipId: null };

/**
 * Entries waiting for this actor, oldest first, a page at a time, grouped: by class for teachers,
 * by apprentice for tutors and supervisors. `total` is everything waiting, not just the page.
 * `cohortId` narrows a teacher's queue to one class.
 */
export async function verificationQueue(
  actor: Actor,
  filter: { cohortId?: string; page?: number } = {},
): Promise<Queue[]> {
  const page = Number.isInteger(filter.page) && filter.page! > 1 ? filter.page! : 1;
  const queues: Queue[] = [];
  const schools = schoolsWhereTeaching(actor);
  const verifier = progressEntriesVerifiableBy(actor);
  if (verifier) {
    const cohortFilter: Prisma.ProgressEntryWhereInput =
      filter.cohortId && isUuid(filter.cohortId)
        ? {
            learner: {
              cohortMembers: {
                some: { cohortId: filter.cohortId, leftAt: null, cohort: { organisationId: { in: schools } } },
              },
            },
          }
        : {};
    const pending: Prisma.ProgressEntryWhereInput = {
      AND: [verifier, cohortFilter, { status: "PENDING", supersededAt: null }],
    };
    if (schools.length > 0) {
      queues.push(
        await queuePage("teacher", { AND: [pending, SCHOOL_ENTRY] }, page, (r) => {
          const c = r.learner.cohortMembers.find(
            (m) => schools.includes(m.cohort.organisationId) && (!filter.cohortId || m.cohort.id === filter.cohortId),
          );
          return c ? { key: c.cohort.id, title: `Class ${c.cohort.name}` } : { key: "none", title: "Not in a class" };
        }),
      );
    }
    if (providersWhereTutoring(actor).length > 0) {
      const tutorEntries = schools.length > 0 ? { AND: [pending, { NOT: SCHOOL_ENTRY }] } : pending;
      queues.push(
        await queuePage("tutor", tutorEntries, page, (r) => ({
          key: r.learnerId,
          title: `${fullName(r.learner)}${r.apprenticeship ? ` (${r.apprenticeship.standard.reference}, ${r.apprenticeship.employer.name})` : ""}`,
        })),
      );
    }
  }
  const confirmer = progressEntriesConfirmableBy(actor);
  if (confirmer) {
    const unconfirmed = { AND: [confirmer, AWAITING_SUPERVISOR_WHERE] };
    queues.push(
      await queuePage("supervisor", unconfirmed, page, (r) => ({ key: r.learnerId, title: fullName(r.learner) })),
    );
  }
  return queues;
}

type QueueRow = Prisma.ProgressEntryGetPayload<{ select: typeof QUEUE_SELECT }>;

async function queuePage(
  role: Queue["role"],
  where: Prisma.ProgressEntryWhereInput,
  page: number,
  keyOf: (r: QueueRow) => { key: string; title: string },
): Promise<Queue> {
  const [rows, total] = await Promise.all([
    db().progressEntry.findMany({
      where,
      select: QUEUE_SELECT,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      skip: (page - 1) * QUEUE_PAGE_SIZE,
      take: QUEUE_PAGE_SIZE,
    }),
    db().progressEntry.count({ where }),
  ]);
  return {
    role,
    total,
    page,
    pages: Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE)),
    firstShown: rows.length ? (page - 1) * QUEUE_PAGE_SIZE + 1 : 0,
    lastShown: (page - 1) * QUEUE_PAGE_SIZE + rows.length,
    groups: groupBy(rows, keyOf),
  };
}

function groupBy(rows: QueueRow[], keyOf: (r: QueueRow) => { key: string; title: string }): QueueGroup[] {
  const groups = new Map<string, QueueGroup>();
  for (const r of rows) {
    const { key, title } = keyOf(r);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, title, entries: [] }));
    const { learner, learnerId, createdAt, apprenticeship: _a, ...summary } = r;
    group.entries.push({
      ...toSummary(summary),
      learnerId,
      learnerName: fullName(learner),
      createdAt,
      verifiedByTutor: r.status === "VERIFIED",
    });
  }
  return [...groups.values()];
}

/** How many entries wait for this actor (for the navigation and the class grid). */
export async function pendingCount(actor: Actor): Promise<number> {
  let total = 0;
  const verifier = progressEntriesVerifiableBy(actor);
  if (verifier)
    total += await db().progressEntry.count({ where: { AND: [verifier, { status: "PENDING", supersededAt: null }] } });
  const confirmer = progressEntriesConfirmableBy(actor);
  if (confirmer) total += await db().progressEntry.count({ where: { AND: [confirmer, AWAITING_SUPERVISOR_WHERE] } });
  return total;
}

/** Pending entries of a class's pupils, for the class's verification queue. */
export async function pendingEntriesForCohort(actor: Actor, cohortId: string): Promise<QueueEntry[]> {
  const queues = await verificationQueue(actor, { cohortId });
  return queues.filter((q) => q.role === "teacher").flatMap((q) => q.groups.flatMap((g) => g.entries));
}
