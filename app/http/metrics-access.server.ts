/**
 * Who may read /metrics. With METRICS_TOKEN set: a request carrying `Authorization: Bearer
 * <token>`, compared in constant time. Without it: only a peer on this machine's loopback
 * interface, judged by the TCP connection itself (never X-Forwarded-For), and only when no
 * proxy is declared (TRUST_PROXY unset) and the request bears no forwarding header: behind a
 * reverse proxy on the same host every visitor arrives from loopback.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";

export type MetricsRequest = {
  token: string | undefined;
  authorization: string | undefined;
  /** req.socket.remoteAddress */
  peer: string | undefined;
  trustProxy: string | undefined;
  /** A Forwarded, X-Forwarded-For or X-Real-IP header is present. */
  forwarded: boolean;
};

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Equal-length digests, so neither the content nor the length of the token leaks through timing. */
function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  if (isIP(plain) === 4) return plain.startsWith("127.");
  return plain === "::1";
}

export function mayReadMetrics(request: MetricsRequest): boolean {
  if (request.token) {
    const match = /^Bearer (\S+)$/.exec(request.authorization ?? "");
    return match !== null && sameToken(match[1]!, request.token);
  }
  return !request.trustProxy && !request.forwarded && isLoopback(request.peer);
}
