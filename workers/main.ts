/**
 * Entry point of the worker process: `npm run worker` (NODE_ENV=production, like `npm start`, so
 * the same production checks apply; `npm run dev` starts it in development).
 * It only labels the process's logs before anything creates the logger, then starts
 * workers/run.ts, where the relay, the workers, the watchdog and the shutdown live.
 */
import { unsupportedNode } from "../app/utils/supported-node.ts";

const tooOld = unsupportedNode();
if (tooOld) {
  console.error(tooOld);
  process.exit(1);
}
process.env.SERVICE_NAME ??= "worker";

const { main } = await import("./run.ts");
try {
  await main();
} catch (error) {
  console.error("Worker failed to start:", error);
  process.exit(1);
}
