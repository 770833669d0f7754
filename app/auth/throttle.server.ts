/**
 * Sign-in throttling in Redis, per account identifier and per client IP (ASVS 2.2.1).
 * Fixed windows: after too many failures the key refuses further attempts until its window
 * ends, and the message says how long. Nothing is permanent: a legitimate user can always try
 * again later, and a successful sign-in clears the account's counter.
 *
 * The identifier is counted whether or not an account exists, so throttling itself reveals
 * nothing. Counters live in Redis (`rate-limiter-flexible`, same keys and windows as plain
 * INCR/EXPIRE) so every web process shares them. While Redis is unreachable each limiter falls
 * back to an in-memory "insurance" limiter with the same limits: guessing stays limited, per web
 * process, and counting returns to Redis when it is back (decision 036).
 */
import { createHash } from "node:crypto";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "~/utils/env.server.ts";
import { redis, redisKey } from "~/utils/redis.server.ts";

export const ACCOUNT_LIMIT = { failures: 5, windowSeconds: 15 * 60 };
// Schools share one public address, so the per-IP limit is generous; the per-account limit is
// what stops guessing. Behind a proxy set TRUST_PROXY, or every user shares one counter.
const ipLimit = () => ({ failures: env().SIGNIN_IP_LIMIT, windowSeconds: 15 * 60 });
export const RESET_LIMIT = { perAddress: 3, perClient: 20, windowSeconds: 60 * 60 };
export const REGISTER_LIMIT = { perClient: 10, perAddress: 3, windowSeconds: 60 * 60 };

// Hash identifiers and addresses so Redis holds no email addresses.
const hashed = (value: string) => createHash("sha256").update(value).digest("hex").slice(0, 32);

type Limiter = { store: RateLimiterRedis; insurance: RateLimiterMemory };
let limiters: { client: unknown; prefix: string; byName: Map<string, Limiter> } | undefined;

/**
 * The limiter for keys `<REDIS_PREFIX>throttle:<name>:<key>`, made once per Redis handle and
 * prefix (tests change both). `rejectIfRedisNotReady` sends commands to the insurance limiter at
 * once while the handle is reconnecting, rather than failing each one.
 */
function limiter(name: string, points: number, windowSeconds: number): Limiter {
  const client = redis();
  const prefix = env().REDIS_PREFIX;
  if (limiters?.client !== client || limiters.prefix !== prefix) limiters = { client, prefix, byName: new Map() };
  const id = `${name}:${points}:${windowSeconds}`;
  let found = limiters.byName.get(id);
  if (!found) {
    const keyPrefix = redisKey("throttle", name);
    const insurance = new RateLimiterMemory({ keyPrefix, points, duration: windowSeconds });
    const store = new RateLimiterRedis({
      storeClient: client,
      keyPrefix,
      points,
      duration: windowSeconds,
      rejectIfRedisNotReady: true,
      insuranceLimiter: insurance,
    });
    found = { store, insurance };
    limiters.byName.set(id, found);
  }
  return found;
}

const accountLimiter = () => limiter("acct", ACCOUNT_LIMIT.failures, ACCOUNT_LIMIT.windowSeconds);
const ipLimiter = () => limiter("ip", ipLimit().failures, ipLimit().windowSeconds);
const accountKey = (identifier: string) => hashed(identifier.toLowerCase());
const retryAfter = (result: RateLimiterRes) => Math.max(1, Math.ceil(result.msBeforeNext / 1000));

/** Counts one attempt; false (with the wait) once the window's limit is passed. */
async function consume(
  { store }: Limiter,
  key: string,
): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
  try {
    await store.consume(key);
    return { allowed: true };
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: retryAfter(refusal) };
    throw refusal;
  }
}

/** `accountFailures` lets a successful sign-in skip clearing a counter that is not there. */
export type ThrottleVerdict =
  { allowed: true; accountFailures: number } | { allowed: false; retryAfterSeconds: number };

export async function checkSignInThrottle(identifier: string, ip: string): Promise<ThrottleVerdict> {
  if (env().AUTH_THROTTLE === "off") return { allowed: true, accountFailures: 0 };
  const [account, byIp] = await Promise.all([
    accountLimiter().store.get(accountKey(identifier)),
    ipLimiter().store.get(ip),
  ]);
  if (account && account.consumedPoints >= ACCOUNT_LIMIT.failures)
    return { allowed: false, retryAfterSeconds: retryAfter(account) };
  if (byIp && byIp.consumedPoints >= ipLimit().failures) return { allowed: false, retryAfterSeconds: retryAfter(byIp) };
  return { allowed: true, accountFailures: account?.consumedPoints ?? 0 };
}

export async function recordSignInFailure(identifier: string, ip: string) {
  if (env().AUTH_THROTTLE === "off") return;
  await Promise.all([accountLimiter().store.penalty(accountKey(identifier)), ipLimiter().store.penalty(ip)]);
}

/** After a successful sign-in: in Redis and in this process's memory (failures counted during an outage). */
export async function clearAccountThrottle(identifier: string) {
  const { store, insurance } = accountLimiter();
  await Promise.all([store.delete(accountKey(identifier)), insurance.delete(accountKey(identifier))]);
}

/** "3 minutes", "1 minute": a refusal's wait, rounded up to whole minutes. */
function minutesOf(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export function retryMessage(retryAfterSeconds: number): string {
  return `Too many sign-in attempts. Try again in ${minutesOf(retryAfterSeconds)}, or reset your password.`;
}

/** Password-reset requests: a few per address and per client each hour. */
export async function allowResetRequest(email: string, ip: string): Promise<boolean> {
  if (env().AUTH_THROTTLE === "off") return true;
  // Both are counted, as before: a refused request still uses up the client's allowance.
  const [byAddress, byClient] = await Promise.all([
    consume(limiter("reset", RESET_LIMIT.perAddress, RESET_LIMIT.windowSeconds), hashed(email)),
    consume(limiter("reset-ip", RESET_LIMIT.perClient, RESET_LIMIT.windowSeconds), ip),
  ]);
  return byAddress.allowed && byClient.allowed;
}

/**
 * Organisation registrations: ten per client address each hour. Each one hashes a password and
 * the form says when a URN or company number is already registered, so without a limit it would
 * be a fast way to make the server hash in bulk or to list registered organisations. A school
 * registers once, so ten is plenty even for schools that share an address.
 */
export async function checkRegistrationThrottle(
  ip: string,
): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
  if (env().AUTH_THROTTLE === "off") return { allowed: true };
  return consume(limiter("register-ip", REGISTER_LIMIT.perClient, REGISTER_LIMIT.windowSeconds), ip);
}

/**
 * Registration emails: a few per address each hour, whichever network asks, so the form cannot
 * be used to flood someone's inbox. Past the limit the answer is the same and nothing is sent.
 */
export async function allowRegistrationEmail(email: string): Promise<boolean> {
  if (env().AUTH_THROTTLE === "off") return true;
  return (
    await consume(limiter("register-address", REGISTER_LIMIT.perAddress, REGISTER_LIMIT.windowSeconds), hashed(email))
  ).allowed;
}

export function registrationRetryMessage(retryAfterSeconds: number): string {
  return `Too many requests to join from your network. Try again in ${minutesOf(retryAfterSeconds)}.`;
}
