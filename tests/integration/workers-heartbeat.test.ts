/**
 * The worker process's heartbeat (workers/heartbeat.ts) with a real supervised worker: ready
 * while the worker runs and Postgres answers, not ready once the worker has stopped, and gone
 * when the heartbeat stops on shutdown.
 */
import { afterAll, describe, expect, it } from "vitest";
import { queuePrefix } from "../../app/jobs/queues.server.ts";
import { readHeartbeats, thisProcess } from "../../app/jobs/worker-heartbeat.server.ts";
import { closeConnection, workerConnection } from "../../workers/connection.ts";
import { beat, startHeartbeat } from "../../workers/heartbeat.ts";
import { startMaintenanceWorker } from "../../workers/maintenance-worker.ts";
import { superviseWorker } from "../../workers/watchdog.ts";

const connection = workerConnection("test-heartbeat");
afterAll(() => closeConnection(connection));

const mine = async () => (await readHeartbeats(connection)).find((entry) => entry.process === thisProcess());

describe("worker heartbeat", () => {
  it("says ready while the supervised worker runs, not ready once it stopped, and is removed on stop", async () => {
    const supervisor = superviseWorker({
      name: "maintenance",
      prefix: queuePrefix(),
      start: () => startMaintenanceWorker(),
      intervalMs: 60_000,
    });
    await supervisor.current().waitUntilReady();
    const heartbeat = startHeartbeat({ connection, supervisors: [supervisor], intervalMs: 60_000 });
    try {
      await expect
        .poll(mine, { timeout: 10_000 })
        .toMatchObject({ fresh: true, beat: { ready: true, postgres: "ok", workers: { maintenance: true } } });

      await supervisor.current().close(); // the failure the watchdog exists for: alive, not consuming
      expect(await beat(connection, [supervisor])).toMatchObject({ ready: false, workers: { maintenance: false } });
      expect(await mine()).toMatchObject({ fresh: true, beat: { ready: false } });
    } finally {
      await heartbeat.stop();
      await supervisor.stop();
    }
    expect(await mine()).toBeUndefined();
  });
});
