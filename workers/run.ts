/**
 * The worker process's body (workers/main.ts is the entry point): never part of the web server. It
 * 1. refuses to start unless Redis' maxmemory-policy is noeviction (warns if CONFIG is disabled);
 * 2. declares the job schedulers (workers/schedules.ts), and re-declares any that Redis loses,
 *    on a timer;
 * 3. runs the outbox relay and the email, maintenance, reminders, imports and reports workers,
 *    each under a watchdog, and a periodic health check that warns of a stuck outbox or a
 *    missed schedule (workers/health-check.ts), and a heartbeat in Redis that a host's probe
 *    and the web's /metrics read (workers/heartbeat.ts);
 * 4. on SIGTERM/SIGINT stops taking work, lets running jobs finish, closes every connection.
 * Queue keys live under REDIS_PREFIX (app/jobs/queues.server.ts).
 */
import { disconnectDb } from "~/db/client.server.ts";
import { queuePrefix } from "~/jobs/queues.server.ts";
import { closeMailTransports } from "~/mail/transport.server.ts";
import { env } from "~/utils/env.server.ts";
import { logger } from "~/utils/logger.server.ts";
import { describeRedisTarget } from "~/utils/redis-options.server.ts";
import { assertNoEviction, closeConnection, EvictionPolicyError, workerConnection } from "./connection.ts";
import { startImportsWorker } from "./imports-worker.ts";
import { startEmailWorker } from "./email-worker.ts";
import { startMaintenanceWorker } from "./maintenance-worker.ts";
import { startRemindersWorker } from "./reminders-worker.ts";
import { startReportsWorker } from "./reports-worker.ts";
import { createRelay } from "./relay.ts";
import { startHealthCheck } from "./health-check.ts";
import { startHeartbeat } from "./heartbeat.ts";
import { startScheduleKeeper, upsertSchedules } from "./schedules.ts";
import { superviseWorker, type Supervisor } from "./watchdog.ts";

const log = logger.child({ component: "worker-main" });

export async function main() {
  const config = env();
  const prefix = queuePrefix();

  // Commands on this connection wait for Redis, so a Redis still starting delays us, not fails.
  const control = workerConnection("worker:control");
  try {
    await assertNoEviction(control);
  } catch (error) {
    await closeConnection(control);
    if (error instanceof EvictionPolicyError) {
      log.fatal(error.message);
      console.error(`\nWorker not started: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  await upsertSchedules({ connection: control, prefix });

  const keeper = startScheduleKeeper({ connection: control, prefix });
  const healthCheck = startHealthCheck();
  const relay = createRelay({ prefix });
  relay.start();
  const supervisors: Supervisor[] = [
    superviseWorker({ name: "email", prefix, start: () => startEmailWorker({ prefix }) }),
    superviseWorker({ name: "maintenance", prefix, start: () => startMaintenanceWorker({ prefix }) }),
    superviseWorker({ name: "reminders", prefix, start: () => startRemindersWorker({ prefix }) }),
    superviseWorker({ name: "imports", prefix, start: () => startImportsWorker({ prefix }) }),
    superviseWorker({ name: "reports", prefix, start: () => startReportsWorker({ prefix }) }),
  ];
  const heartbeat = startHeartbeat({ connection: control, supervisors });
  if (config.NODE_ENV === "production" && !config.UNSUBSCRIBE_SECRET) {
    // Every reminder carries a signed unsubscribe link: without the secret they fail (and retry).
    log.error("UNSUBSCRIBE_SECRET is not set: reminder and digest emails cannot be sent until it is.");
  }
  log.info(
    { prefix, redis: describeRedisTarget(), smtp: new URL(config.SMTP_URL).host },
    "worker started: relay, email, maintenance, reminders, imports, reports",
  );

  let shuttingDown = false;
  async function shutdown(signal: string) {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, "shutting down: finishing running jobs");
    // A second signal, or a job that will not finish, must not keep the process forever.
    const hardStop = setTimeout(() => {
      log.error("shutdown took longer than 30 s; exiting");
      process.exit(1);
    }, 30_000);
    hardStop.unref();
    await relay.stop();
    await heartbeat.stop();
    await Promise.allSettled([keeper.stop(), healthCheck.stop(), ...supervisors.map((s) => s.stop())]);
    await closeConnection(control);
    closeMailTransports();
    await disconnectDb();
    log.info("worker stopped");
    process.exit(0);
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
