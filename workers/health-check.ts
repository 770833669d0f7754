/**
 * The worker's periodic look at the figures in app/jobs/health.server.ts: a warning in the log
 * when the outbox's oldest undone row or a schedule's last run is older than its threshold,
 * every check while it stays so (docs/operations.md lists the lines worth an alert).
 */
import { OUTBOX_ALERT_AFTER_MS, outboxHealth, scheduleHealth } from "~/jobs/health.server.ts";
import { logger } from "~/utils/logger.server.ts";

const log = logger.child({ component: "health-check" });

export const HEALTH_CHECK_INTERVAL_MS = 60_000;

/** One check; returns what it warned about. Tests call it directly. */
export async function checkBackgroundHealth(now: Date = new Date()) {
  const outbox = await outboxHealth(now);
  if (outbox.late) {
    log.warn(
      {
        undone: outbox.undone,
        oldestUndoneAt: outbox.oldestUndoneAt,
        ageSeconds: Math.round(outbox.oldestUndoneAgeMs / 1000),
        thresholdSeconds: OUTBOX_ALERT_AFTER_MS / 1000,
      },
      "outbox backlog: a row has waited too long to be done",
    );
  }
  const lateSchedules = (await scheduleHealth(now)).filter((schedule) => schedule.late);
  for (const schedule of lateSchedules) {
    log.warn(
      {
        scheduler: schedule.id,
        job: schedule.job,
        lastRunAt: schedule.lastRunAt,
        declaredAt: schedule.declaredAt,
        ageSeconds: Math.round((schedule.ageMs ?? 0) / 1000),
      },
      "job scheduler missed a run",
    );
  }
  return { outbox, lateSchedules };
}

export function startHealthCheck(options: { intervalMs?: number } = {}) {
  const intervalMs = options.intervalMs ?? HEALTH_CHECK_INTERVAL_MS;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = checkBackgroundHealth().catch((error: unknown) =>
      log.error({ err: error instanceof Error ? error.message : String(error) }, "health check failed"),
    );
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
