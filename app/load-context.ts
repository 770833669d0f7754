/** What the Express server hands every loader and action (see server.ts). */
declare module "react-router" {
  interface AppLoadContext {
    /** Per-request CSP nonce for inline scripts. */
    nonce: string;
    /** The client's address as Express sees it (honours TRUST_PROXY). */
    clientIp: string;
    /** This request's id in the logs (also sent back as X-Request-Id). */
    requestId: string;
  }
}

export {};
