/**
 * The request body limit, applied before React Router reads a body: an action's
 * `request.formData()` buffers the whole body in memory, so without this one anonymous
 * sign-in post of a few hundred megabytes is enough to exhaust a web process.
 *
 * A declared Content-Length over the limit is refused at once, without reading the body. A body
 * without one (chunked) is counted as it arrives; when it passes the limit the answer is 413 and
 * the app's reader is failed, so nothing past the limit is kept. Uploads have their own, larger
 * limit: the file limit of the page plus room for the rest of the form.
 */
import type { NextFunction, Request, Response } from "express";
import { MAX_BYTES as CLASS_LIST_BYTES } from "~/domain/class-list.ts";
import { MAX_CATALOGUE_BYTES } from "~/domain/learn-catalogue.ts";

/** The form around an uploaded file: its other fields and the multipart boundaries. */
export const FORM_OVERHEAD = 64 * 1024;

/** Pages that take a file, by path (their `.data` twin is what a client-side submission posts to). */
const UPLOADS: { path: RegExp; fileBytes: number }[] = [
  { path: /^\/classes\/[^/]+\/import(?:\.data)?\/?$/, fileBytes: CLASS_LIST_BYTES },
  { path: /^\/admin\/catalogue\/import(?:\.data)?\/?$/, fileBytes: MAX_CATALOGUE_BYTES },
];

export function bodyLimitFor(path: string, formLimit: number): number {
  const upload = UPLOADS.find((u) => u.path.test(path));
  return upload ? upload.fileBytes + FORM_OVERHEAD : formLimit;
}

export class BodyTooLargeError extends Error {
  readonly status = 413;
}

function tooLargeMessage(limit: number): string {
  const mb = Math.round((limit / (1024 * 1024)) * 10) / 10;
  return `What was sent is larger than ${mb} MB, the most this page accepts. If you are uploading a file, split it and upload each part.`;
}

export function bodyLimit(formLimit: number) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === "GET" || req.method === "HEAD") return next();
    // An action may answer without reading the body (a 404 before it looks at the form). React
    // Router's reader then holds the body paused, and the connection could carry no further
    // request: once the answer is sent, the rest of the body is read and thrown away.
    res.once("finish", () => {
      if (req.complete) return;
      req.removeAllListeners("data");
      req.resume();
    });
    const limit = bodyLimitFor(req.path, formLimit);
    const refuse = () => {
      // The rest of the body is not worth reading: close the connection after the answer.
      res.status(413).set("Connection", "close").type("text/plain").send(tooLargeMessage(limit));
    };
    const declared = req.headers["content-length"];
    if (declared !== undefined) {
      // Node has already checked that it is a number, and it counts exactly that many bytes.
      if (Number(declared) > limit) return refuse();
      return next();
    }
    if (req.headers["transfer-encoding"] === undefined) return next();

    let seen = 0;
    const count = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen <= limit) return;
      req.off("data", count);
      if (!res.headersSent) refuse();
      // Fail the app's reader (React Router's stream over `req`) so it stops keeping bytes; its
      // answer, if any, is dropped because ours was sent.
      if (req.listenerCount("error") > 0) req.emit("error", new BodyTooLargeError(tooLargeMessage(limit)));
      req.resume();
    };
    req.on("data", count);
    // Listening for data starts the flow; leave it paused until the app's reader asks for bytes.
    req.pause();
    next();
  };
}
