/**
 * What the Express server hands every loader and action (see server.ts), as React Router's
 * router context: `context.get(requestContext)`. The key is an object, so the server must take it
 * from the same module graph as the routes (one bundle in production; Vite's SSR loader in
 * development).
 */
import { createContext } from "react-router";

export type RequestContext = {
  /** Per-request CSP nonce for inline scripts. */
  nonce: string;
  /** The client's address as Express sees it (honours TRUST_PROXY). */
  clientIp: string;
  /** This request's id in the logs (also sent back as X-Request-Id). */
  requestId: string;
};

export const requestContext = createContext<RequestContext>();
