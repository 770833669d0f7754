/**
 * One web process per core (docs/decisions/017-per-request-cost.md): the primary forks the web
 * processes, which share the port through node:cluster, and replaces one that dies. A process
 * that dies before it ever listened means the app cannot start (bad configuration, say): the
 * primary then stops too, rather than forking in a loop.
 */
import cluster from "node:cluster";
import { serveClusterMetrics } from "~/http/metrics-cluster.server.ts";
import { logger } from "~/utils/logger.server.ts";

export function runWebProcesses(processes: number, port: number) {
  const listeningIds = new Set<number>();
  let stopping = false;
  const fork = () => cluster.fork();
  for (let i = 0; i < processes; i++) fork();
  serveClusterMetrics();

  cluster.on("listening", (worker) => {
    listeningIds.add(worker.id);
    if (listeningIds.size === processes)
      logger.info(`Web app listening on http://localhost:${port} (${processes} processes)`);
  });
  cluster.on("exit", (worker, code) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    if (!listeningIds.has(worker.id)) {
      logger.fatal({ code }, "a web process exited before it could listen; stopping");
      stopping = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill("SIGTERM");
      process.exitCode = 1;
      return;
    }
    listeningIds.delete(worker.id);
    logger.error({ pid: worker.process.pid, code }, "web process exited; starting another");
    fork();
  });

  const stop = () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(0);
    for (const worker of workers) worker?.process.kill("SIGTERM");
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
