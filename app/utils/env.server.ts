/**
 * Environment, parsed once at start-up. A missing or malformed setting stops the process with a
 * message that names it. Everything else reads `env()` instead of process.env.
 */
import { z } from "zod";

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url({ message: "DATABASE_URL must be a postgres:// URL" }),
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  // ── Redis through Sentinel instead of REDIS_URL (decision 036; app/utils/redis-options.server.ts) ──
  /** Sentinels as host:port,host:port ([v6 address]:port; the port defaults to 26379). */
  REDIS_SENTINELS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (!value?.trim()) return undefined;
      const parsed = parseSentinels(value);
      if (typeof parsed === "string") {
        ctx.addIssue({ code: "custom", message: parsed });
        return z.NEVER;
      }
      return parsed;
    }),
  /** The monitored primary's name (`sentinel monitor <name> ...` in sentinel.conf). */
  REDIS_SENTINEL_NAME: z.string().trim().min(1).optional(),
  /** The sentinels' own password (`requirepass` in sentinel.conf), when they have one. */
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  /** Password of the Redis servers; with REDIS_URL, used when the URL carries none. */
  REDIS_PASSWORD: z.string().min(1).optional(),
  /** TLS to Redis (and to the sentinels). A rediss:// REDIS_URL turns it on by itself. */
  REDIS_TLS: z
    .enum(["0", "1", "false", "true"])
    .default("0")
    .transform((value) => value === "1" || value === "true"),
  /** Prefix for every Redis key and BullMQ queue, so runs and deployments never collide. */
  REDIS_PREFIX: z.string().default("dst:"),
  /** Where the app is reached by users; used in email links. */
  APP_URL: z.string().url().default("http://localhost:3000"),
  PORT: z.coerce.number().int().positive().default(3000),
  /** Web processes sharing PORT (node:cluster). Unset: one per CPU in production, one otherwise. */
  WEB_CONCURRENCY: z.coerce.number().int().positive().max(64).optional(),
  /** smtp://user:pass@host:port; in development the dev script starts a local catcher. */
  SMTP_URL: z.string().default("smtp://127.0.0.1:1025"),
  MAIL_FROM: z.string().default("Staffordshire Digital Skills <no-reply@digitalskills.staffordshire.example>"),
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(120),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(12),
  PUPIL_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(60),
  PUPIL_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(8),
  /**
   * Largest request body the app reads, in bytes; larger ones answer 413 before being read.
   * Pages that take a file have their own limit (app/http/body-limit.server.ts).
   */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(16 * 1024)
    .default(2 * 1024 * 1024),
  /** Set when a TLS proxy sits in front (see docs/operations.md). Express `trust proxy` value. */
  TRUST_PROXY: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** argon2id memory in KiB; never below OWASP's minimum (19456). */
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(19456).default(19456),
  /**
   * Bearer token that /metrics asks for. Unset: /metrics answers only a direct loopback peer, and
   * only while TRUST_PROXY is unset (docs/decisions/038-health-and-metrics.md).
   */
  METRICS_TOKEN: z.string().min(32, { message: "METRICS_TOKEN must be at least 32 characters" }).optional(),
  /** Postgres connections per process (web or worker). */
  DB_POOL_MAX: z.coerce.number().int().positive().default(10),
  /** Distinct SQL texts each process keeps as prepared statements; 0 for none (a pooler in transaction mode older than PgBouncer 1.21). */
  DB_STATEMENT_CACHE: z.coerce.number().int().min(0).default(500),
  // ── reminders: signs one-click unsubscribe links (HMAC-SHA256 of user id + category).
  // Changing it invalidates every link already sent. Required in production: read it through
  // unsubscribeSecret() below, which refuses the development default there.
  UNSUBSCRIBE_SECRET: z.string().min(32, { message: "UNSUBSCRIBE_SECRET must be at least 32 characters" }).optional(),
  /** Years after a pupil's last activity before the nightly purge anonymises them (a school's policy may differ). */
  RETENTION_PUPIL_YEARS: z.coerce.number().int().min(1).max(25).default(3),
  /** Failed sign-ins from one client address per 15 minutes before it must wait. */
  SIGNIN_IP_LIMIT: z.coerce.number().int().positive().default(100),
  /** Tests and benches turn throttling off for their own traffic. */
  AUTH_THROTTLE: z.enum(["on", "off"]).default("on"),
  // ── passwords ──
  /**
   * Range endpoint of a breached-password service (k-anonymity: only 5 hex characters of the
   * SHA-1 are sent), e.g. https://api.pwnedpasswords.com/range/. Unset: no breach check.
   */
  PASSWORD_BREACH_CHECK_URL: z
    .string()
    .regex(
      /^https?:\/\/\S+$/,
      "PASSWORD_BREACH_CHECK_URL must be an http(s) URL ending where the 5-character prefix goes",
    )
    .optional(),
  /** How long a breach check may take before the password is accepted without it. */
  PASSWORD_BREACH_CHECK_TIMEOUT_MS: z.coerce.number().int().positive().max(10_000).default(1500),
  // ── background work after Redis lost its data (decision 027) ──
  /** An outbox row handed to Redis and not done this long after is handed over again. */
  OUTBOX_LEASE_SECONDS: z.coerce
    .number()
    .positive()
    .max(24 * 60 * 60)
    .default(300),
  /** How often the worker re-declares job schedulers that Redis no longer holds. */
  SCHEDULE_CHECK_SECONDS: z.coerce
    .number()
    .positive()
    .max(60 * 60)
    .default(60),
});

export type Env = z.infer<typeof schema>;

type SentinelAddress = { host: string; port: number };

/** "a:26379,[::1]:26380,b" → addresses, or a message saying which entry is wrong. */
function parseSentinels(value: string): SentinelAddress[] | string {
  const addresses: SentinelAddress[] = [];
  for (const raw of value.split(",")) {
    const entry = raw.trim();
    const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+))(?::(\d+))?$/.exec(entry);
    const port = match?.[3] === undefined ? 26379 : Number(match[3]);
    if (!match || !(port >= 1 && port <= 65535)) {
      return `"${entry}" is not host:port (write REDIS_SENTINELS as host:port,host:port; an IPv6 address as [address]:port)`;
    }
    addresses.push({ host: match[1] ?? match[2]!, port });
  }
  return addresses;
}

/** Settings that parse one by one but do not make one Redis target together. */
function redisTargetProblems(config: Env, raw: NodeJS.ProcessEnv): string[] {
  if (config.REDIS_SENTINELS && !config.REDIS_SENTINEL_NAME)
    return [
      "  REDIS_SENTINEL_NAME: must be set with REDIS_SENTINELS (the primary's name in sentinel.conf, e.g. mymaster)",
    ];
  if (!config.REDIS_SENTINELS && config.REDIS_SENTINEL_NAME)
    return ["  REDIS_SENTINELS: must be set with REDIS_SENTINEL_NAME (host:port of each sentinel)"];
  if (config.REDIS_SENTINELS && raw.REDIS_URL)
    return ["  REDIS_URL: set either REDIS_URL or REDIS_SENTINELS, not both"];
  if (!config.REDIS_SENTINELS && config.REDIS_SENTINEL_PASSWORD)
    return ["  REDIS_SENTINEL_PASSWORD: only means something with REDIS_SENTINELS"];
  return [];
}

/** Settings whose defaults only make sense on a developer's machine. */
export const PRODUCTION_REQUIRED = ["APP_URL", "SMTP_URL", "MAIL_FROM"] as const;

/** Development/test only: env() refuses it in production, and unsubscribeSecret() never returns it there. */
const DEV_UNSUBSCRIBE_SECRET = "dev-only-unsubscribe-secret-change-me-in-production";

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  const issues = parsed.success
    ? redisTargetProblems(parsed.data, process.env)
    : parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  if (!parsed.success || issues.length) {
    throw new Error(`Invalid environment:\n${issues.join("\n")}\nSee README.md, "Configuration".`);
  }
  if (parsed.data.NODE_ENV === "production") {
    if (parsed.data.AUTH_THROTTLE === "off") throw new Error("AUTH_THROTTLE=off is refused in production.");
    // Anyone can read the repository, so its development key would let them forge links.
    if (parsed.data.UNSUBSCRIBE_SECRET === DEV_UNSUBSCRIBE_SECRET)
      throw new Error(
        "Invalid environment:\n  UNSUBSCRIBE_SECRET: the development value from the repository is refused in production; set a random string of at least 32 characters.",
      );
    // Their development defaults would send people links to localhost, through a mail catcher
    // that is not there, from an example domain: in production they must be said out loud.
    const unset = PRODUCTION_REQUIRED.filter((name) => !process.env[name]);
    if (unset.length)
      throw new Error(
        `Invalid environment:\n${unset.map((name) => `  ${name}: must be set in production`).join("\n")}\nSee README.md, "Configuration".`,
      );
  }
  cached = parsed.data;
  return cached;
}

/** Tests change the environment between files; they call this to re-read it. */
export function resetEnvForTests() {
  cached = undefined;
}

export const isProduction = () => env().NODE_ENV === "production";

// ── reminders ──
/**
 * The key for unsubscribe links. Enforced where it is used (signing a link, checking one) rather
 * than at start-up, so processes that never touch reminders keep starting without it; in
 * production a missing secret fails those two operations with a message naming the setting.
 */
export function unsubscribeSecret(): string {
  const config = env();
  if (config.UNSUBSCRIBE_SECRET) return config.UNSUBSCRIBE_SECRET;
  if (config.NODE_ENV === "production")
    throw new Error("UNSUBSCRIBE_SECRET must be set in production (a random string of at least 32 characters).");
  return DEV_UNSUBSCRIBE_SECRET;
}
