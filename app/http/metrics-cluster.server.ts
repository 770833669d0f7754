/**
 * /metrics with several web processes (node:cluster, app/http/web-processes.server.ts): a scrape
 * lands on any one of them, so the process answering asks the primary, which gathers every
 * process's own figures (app/http/process-metrics.server.ts) through prom-client's
 * AggregatorRegistry and sends back their sum. Counters therefore never jump between processes.
 */
import cluster from "node:cluster";
import { AggregatorRegistry } from "prom-client";
import { processRegistry } from "~/http/process-metrics.server.ts";

type MetricsRequest = { type: "dst:metrics-request"; id: number };
type MetricsReply = { type: "dst:metrics-reply"; id: number; text?: string; error?: string };

const REPLY_TIMEOUT_MS = 5_000;

/** In the primary: answers the web processes' requests for the cluster's figures. */
export function serveClusterMetrics() {
  const aggregator = new AggregatorRegistry();
  cluster.on("message", (worker, message: Partial<MetricsRequest>) => {
    if (message?.type !== "dst:metrics-request" || typeof message.id !== "number") return;
    const id = message.id;
    const reply = (body: Omit<MetricsReply, "type" | "id">) =>
      worker.send({ type: "dst:metrics-reply", id, ...body } satisfies MetricsReply);
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

// Every web process answers the primary's AggregatorRegistry with its own registry, whichever of
// them was asked for /metrics.
if (cluster.isWorker) {
  AggregatorRegistry.setRegistries([processRegistry]);
  new AggregatorRegistry();
}

let nextId = 0;

/** In a web process: this process's figures alone, or the whole cluster's when it is part of one. */
export function processMetrics(): Promise<string> {
  if (!cluster.isWorker || !process.send) return processRegistry.metrics();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (message: Partial<MetricsReply>) => {
      if (message?.type !== "dst:metrics-reply" || message.id !== id) return;
      done();
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.text ?? "");
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error("the primary did not answer with the cluster's metrics"));
    }, REPLY_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      process.off("message", onMessage);
    };
    process.on("message", onMessage);
    process.send!({ type: "dst:metrics-request", id } satisfies MetricsRequest);
  });
}
