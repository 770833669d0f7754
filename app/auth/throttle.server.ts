/**
 * Sign-in throttling in Redis, per account identifier and per client IP (ASVS 2.2.1).
 * Fixed windows: after too many failures the key refuses further attempts until its window
 * ends, and the message says how long. Nothing is permanent: a legitimate user can always try
 * again later, and a successful sign-in clears the account's counter.
 *
 * The identifier is counted whether or not an account exists, so throttling itself reveals
 * nothing. If Redis is unreachable we fail open (logged): sign-in must keep working, and the
 * argon2 cost still bounds guessing.
 */
import { createHash } from "node:crypto";
import { env } from "~/utils/env.server.ts";
import { logger } from "~/utils/logger.server.ts";
import { redis, redisKey } from "~/utils/redis.server.ts";

export const ACCOUNT_LIMIT = { failures: 5, windowSeconds: 15 * 60 };
// Schools share one public address, so the per-IP limit is generous; the per-account limit is
// what stops guessing. Behind a proxy set TRUST_PROXY, or every user shares one counter.
const ipLimit = () => ({ failures: env().SIGNIN_IP_LIMIT, windowSeconds: 15 * 60 });
export const RESET_LIMIT = { perAddress: 3, perClient: 20, windowSeconds: 60 * 60 };
export const REGISTER_LIMIT = { perClient: 10, perAddress: 3, windowSeconds: 60 * 60 };

// Hash the identifier so Redis holds no email addresses.
const accountKey = (identifier: string) => redisKey("throttle", "acct", createHash("sha256").update(identifier.toLowerCase()).digest("hex").slice(0, 32));
const ipKey = (ip: string) => redisKey("throttle", "ip", ip);

/** `accountFailures` lets a successful sign-in skip clearing a counter that is not there. */
export type ThrottleVerdict = { allowed: true; accountFailures: number } | { allowed: false; retryAfterSeconds: number };

export async function checkSignInThrottle(identifier: string, ip: string): Promise<ThrottleVerdict> {
  if (env().AUTH_THROTTLE === "off") return { allowed: true, accountFailures: 0 };
  try {
    // One command on the common path; the time left is asked for only when refusing.
    const [account, byIp] = await redis().mget(accountKey(identifier), ipKey(ip));
    if (Number(account ?? 0) >= ACCOUNT_LIMIT.failures) return { allowed: false, retryAfterSeconds: Math.max(1, await redis().ttl(accountKey(identifier))) };
    if (Number(byIp ?? 0) >= ipLimit().failures) return { allowed: false, retryAfterSeconds: Math.max(1, await redis().ttl(ipKey(ip))) };
    return { allowed: true, accountFailures: Number(account ?? 0) };
  } catch (error) {
    logger.warn({ err: (error as Error).message }, "sign-in throttle unavailable; allowing attempt");
    return { allowed: true, accountFailures: 0 };
  }
}

export async function recordSignInFailure(identifier: string, ip: string) {
  if (env().AUTH_THROTTLE === "off") return;
  try {
    await redis()
      .multi()
      .incr(accountKey(identifier))
      .expire(accountKey(identifier), ACCOUNT_LIMIT.windowSeconds, "NX")
      .incr(ipKey(ip))
      .expire(ipKey(ip), ipLimit().windowSeconds, "NX")
      .exec();
  } catch (error) {
    logger.warn({ err: (error as Error).message }, "could not record sign-in failure");
  }
}

export async function clearAccountThrottle(identifier: string) {
  try {
    await redis().del(accountKey(identifier));
  } catch {
    // Best effort: the window expires on its own.
  }
}

/** "3 minutes", "1 minute": a refusal's wait, rounded up to whole minutes. */
function minutesOf(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export function retryMessage(retryAfterSeconds: number): string {
  return `Too many sign-in attempts. Try again in ${minutesOf(retryAfterSeconds)}, or reset your password.`;
}

/** Password-reset requests: a few per address and per client each hour. Fails open like sign-in. */
export async function allowResetRequest(email: string, ip: string): Promise<boolean> {
  if (env().AUTH_THROTTLE === "off") return true;
  const addressKey = redisKey("throttle", "reset", createHash("sha256").update(email).digest("hex").slice(0, 32));
  const clientKey = redisKey("throttle", "reset-ip", ip);
  try {
    const results = (await redis()
      .multi()
      .incr(addressKey)
      .expire(addressKey, RESET_LIMIT.windowSeconds, "NX")
      .incr(clientKey)
      .expire(clientKey, RESET_LIMIT.windowSeconds, "NX")
      .exec()) as [unknown, number][];
    return results[0][1] <= RESET_LIMIT.perAddress && results[2][1] <= RESET_LIMIT.perClient;
  } catch (error) {
    logger.warn({ err: (error as Error).message }, "reset throttle unavailable; allowing request");
    return true;
  }
}

/**
 * Organisation registrations: ten per client address each hour. Each one hashes a password and
 * the form says when a URN or company number is already registered, so without a limit it would
 * be a fast way to make the server hash in bulk or to list registered organisations. A school
 * registers once, so ten is plenty even for schools that share an address. Fails open like sign-in.
 */
export async function checkRegistrationThrottle(ip: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
  if (env().AUTH_THROTTLE === "off") return { allowed: true };
  const key = redisKey("throttle", "register-ip", ip);
  try {
    const results = (await redis().multi().incr(key).expire(key, REGISTER_LIMIT.windowSeconds, "NX").ttl(key).exec()) as [unknown, number][];
    const [count, ttl] = [results[0][1], results[2][1]];
    return count <= REGISTER_LIMIT.perClient ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, ttl) };
  } catch (error) {
    logger.warn({ err: (error as Error).message }, "registration throttle unavailable; allowing attempt");
    return { allowed: true };
  }
}

/**
 * Registration emails: a few per address each hour, whichever network asks, so the form cannot
 * be used to flood someone's inbox. Past the limit the answer is the same and nothing is sent.
 */
export async function allowRegistrationEmail(email: string): Promise<boolean> {
  if (env().AUTH_THROTTLE === "off") return true;
  const key = redisKey("throttle", "register-address", createHash("sha256").update(email).digest("hex").slice(0, 32));
  try {
    const results = (await redis().multi().incr(key).expire(key, REGISTER_LIMIT.windowSeconds, "NX").exec()) as [unknown, number][];
    return results[0][1] <= REGISTER_LIMIT.perAddress;
  } catch (error) {
    logger.warn({ err: (error as Error).message }, "registration email throttle unavailable; allowing request");
    return true;
  }
}

export function registrationRetryMessage(retryAfterSeconds: number): string {
  return `Too many requests to join from your network. Try again in ${minutesOf(retryAfterSeconds)}.`;
}
