/**
 * Server rendering. The per-request CSP nonce comes from the Express server (server.ts) through
 * the router context (app/load-context.ts) and is put on every script React Router emits, so the CSP needs no
 * 'unsafe-inline' for scripts.
 *
 * A page is rendered whole and sent as one body: no route streams data (<Await>), and passing a
 * page to the socket chunk by chunk through three streams cost more CPU than rendering it
 * (docs/decisions/019-whole-page-rendering-and-sign-in-cost.md).
 */
import { Writable } from "node:stream";
import type { EntryContext, HandleErrorFunction, RouterContextProvider } from "react-router";
import { ServerRouter } from "react-router";
import { renderToPipeableStream } from "react-dom/server";
import { logger } from "~/utils/logger.server.ts";
import { requestContext } from "~/load-context.ts";

export const streamTimeout = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  routerContext: EntryContext,
  loadContext: RouterContextProvider,
) {
  if (request.method.toUpperCase() === "HEAD") {
    return new Response(null, { status: responseStatusCode, headers: responseHeaders });
  }
  const { nonce, requestId } = loadContext.get(requestContext);
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const chunks: Buffer[] = [];
    const page = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
      final(callback) {
        clearTimeout(timeoutId);
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        resolve(new Response(Buffer.concat(chunks), { headers: responseHeaders, status: responseStatusCode }));
        callback();
      },
    });
    const timeoutId = setTimeout(() => abort(), streamTimeout + 1000);

    const { pipe, abort } = renderToPipeableStream(
      <ServerRouter context={routerContext} url={request.url} nonce={nonce} />,
      {
        nonce,
        onShellReady() {
          shellRendered = true;
        },
        onAllReady() {
          pipe(page);
        },
        onShellError(error: unknown) {
          clearTimeout(timeoutId);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors before the shell reach React Router, which passes them to handleError; later ones only come here.
          if (shellRendered) logger.error({ err: error, reqId: requestId }, "rendering failed");
        },
      },
    );
  });
}

/**
 * An error thrown by a loader, an action or rendering: the answer is a 500, so it is logged at
 * error level with the request's id. A request the client gave up on is not an error of ours.
 */
export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted) return;
  logger.error({ err: error, reqId: requestIdOf(context) }, "request failed");
};

/** The request's id, if the server set the router context (it always does; a log line must not throw). */
function requestIdOf(context: Readonly<RouterContextProvider> | undefined): string | undefined {
  try {
    return context?.get(requestContext).requestId;
  } catch {
    return undefined;
  }
}
