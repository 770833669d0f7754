/**
 * A route's `headers` export for forms that may be refused with 429: a document request gets
 * headers only through this export, so without it React Router keeps the action's Set-Cookie
 * but drops its Retry-After.
 */
import type { HeadersFunction } from "react-router";

export const retryAfterHeaders: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};
