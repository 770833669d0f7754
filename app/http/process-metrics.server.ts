/**
 * Figures about this one process, which a cluster of web processes adds up (or averages: prom-
 * client's own choice per default metric) into one answer (app/http/metrics-cluster.server.ts):
 * Node's defaults (event-loop delay, heap, CPU, handles), the request metrics
 * (app/http/request-metrics.server.ts) and the Postgres pool.
 */
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { openPools } from "~/db/client.server.ts";

export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry });

function poolSums() {
  const sums = { total: 0, idle: 0, waiting: 0, max: 0 };
  for (const pool of openPools()) {
    sums.total += pool.totalCount;
    sums.idle += pool.idleCount;
    sums.waiting += pool.waitingCount;
    sums.max += pool.options.max ?? 10;
  }
  return sums;
}

new Gauge({
  name: "dst_pg_pool_connections",
  help: "Postgres connections this process holds, in use or idle",
  labelNames: ["state"] as const,
  registers: [processRegistry],
  collect() {
    const { total, idle } = poolSums();
    this.set({ state: "in_use" }, total - idle);
    this.set({ state: "idle" }, idle);
  },
});

new Gauge({
  name: "dst_pg_pool_max_connections",
  help: "The most Postgres connections this process may open (DB_POOL_MAX)",
  registers: [processRegistry],
  collect() {
    this.set(poolSums().max);
  },
});

new Gauge({
  name: "dst_pg_pool_waiting_queries",
  help: "Queries waiting for a free Postgres connection in this process",
  registers: [processRegistry],
  collect() {
    this.set(poolSums().waiting);
  },
});
