/**
 * The production server for `npm run bench -- load`, in a child process of its own, with an
 * event-loop delay monitor (perf_hooks.monitorEventLoopDelay) read over IPC, so the bench's
 * load generator never shares (or distorts) the event loop it measures. No debug endpoint.
 *   parent → child: { type: "lag-reset" } | { type: "lag" }
 *   child → parent: { type: "listening", port } | { type: "lag", p50, p99, max, mean } (ms)
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { AddressInfo } from "node:net";

// The compiled server, as `npm start` runs it (bench/load.ts makes the build first).
const { createServer } = (await import(
  new URL("../build/server/server.js", import.meta.url).href
)) as typeof import("../server.ts");

const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
const app = await createServer();
const server = app.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "listening", port: (server.address() as AddressInfo).port });
});
const ms = (ns: number) => Math.round((ns / 1e6) * 10) / 10;
process.on("message", (message: { type: string }) => {
  if (message.type === "lag-reset") histogram.reset();
  if (message.type === "lag")
    process.send?.({
      type: "lag",
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      mean: ms(histogram.mean),
    });
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
