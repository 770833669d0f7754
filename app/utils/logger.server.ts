/**
 * One pino logger for the web app and the workers. Logs carry ids, never personal details:
 * request bodies, cookies and tokens are never logged (see redactPath).
 */
import { pino } from "pino";

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  redact: { paths: ["req.headers.cookie", "req.headers.authorization", "res.headers['set-cookie']"], remove: true },
  base: { service: process.env.SERVICE_NAME ?? "web" },
});

/** One-time tokens travel in URL paths (reset and invitation links); keep them out of logs. */
export function redactPath(url: string): string {
  const path = url.split("?")[0] ?? url;
  return path.replace(/\/(reset-password|invite|unsubscribe)\/[^/]+/g, "/$1/[token]");
}
