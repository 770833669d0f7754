/**
 * Figures for alerting on background work, read from Postgres only (so they stay true when
 * Redis has lost its data): the outbox's oldest undone row, and how long ago each job
 * scheduler last ran. The worker's periodic check (workers/health-check.ts) logs a warning
 * when one is over its threshold; a metrics endpoint can read the same functions.
 */
import { db } from "~/db/client.server.ts";
import { SCHEDULES } from "~/jobs/definitions.ts";

/** An outbox row due this long and still not done is worth a warning: background work is stuck. */
export const OUTBOX_ALERT_AFTER_MS = 15 * 60 * 1000;

export type OutboxHealth = {
  /** Rows due (available_at passed) and not done: waiting, handed over, or being retried. */
  undone: number;
  oldestUndoneAt: Date | null;
  /** Age of the oldest undone row since it became due; 0 when nothing is waiting. */
  oldestUndoneAgeMs: number;
  late: boolean;
};

export async function outboxHealth(now: Date = new Date()): Promise<OutboxHealth> {
  const [row] = await db().$queryRaw<Array<{ undone: number; oldest: Date | null }>>`
    SELECT count(*)::int AS undone, min(available_at) AS oldest
      FROM outbox_messages
     WHERE done_at IS NULL AND available_at <= ${now}`;
  const oldestUndoneAgeMs = row?.oldest ? Math.max(0, now.getTime() - row.oldest.getTime()) : 0;
  return {
    undone: row?.undone ?? 0,
    oldestUndoneAt: row?.oldest ?? null,
    oldestUndoneAgeMs,
    late: oldestUndoneAgeMs > OUTBOX_ALERT_AFTER_MS,
  };
}

export type ScheduleHealth = {
  id: string;
  job: string;
  declaredAt: Date | null;
  lastRunAt: Date | null;
  /** Since the last run, or since first declared if it has never run; null if never declared. */
  ageMs: number | null;
  /** Older than the schedule's lateAfterMs: a run was missed. */
  late: boolean;
};

export async function scheduleHealth(now: Date = new Date()): Promise<ScheduleHealth[]> {
  const runs = await db().jobScheduleRun.findMany({ where: { schedulerId: { in: SCHEDULES.map((s) => s.id) } } });
  const byId = new Map(runs.map((run) => [run.schedulerId, run]));
  return SCHEDULES.map((schedule) => {
    const run = byId.get(schedule.id);
    const since = run?.lastRunAt ?? run?.declaredAt ?? null;
    const ageMs = since ? Math.max(0, now.getTime() - since.getTime()) : null;
    return {
      id: schedule.id,
      job: schedule.job,
      declaredAt: run?.declaredAt ?? null,
      lastRunAt: run?.lastRunAt ?? null,
      ageMs,
      late: ageMs !== null && ageMs > schedule.lateAfterMs,
    };
  });
}
