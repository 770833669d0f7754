/**
 * The offline queue of the log form (browser only; every function is a no-op on the server).
 *
 * When a log entry cannot reach the server (no connection), the form's fields are kept in
 * localStorage with the entry's client_ref, and sent later with a plain POST to /log, the same
 * action the form uses. The server logs an entry at most once per (learner, client_ref), so a
 * resend after a lost answer never duplicates. Entries are tagged with their owner so a
 * different person signing in on a shared device never sends someone else's entry.
 */

const KEY = "dst.offline-log.v1";

export type QueuedEntry = {
  clientRef: string;
  owner: string;
  fields: [string, string][];
  summary: string;
  savedAt: string;
  /** Set when the server refused the entry (it needs re-entering by hand). */
  error?: string;
};

const inBrowser = () => typeof window !== "undefined" && typeof localStorage !== "undefined";

export function readQueue(owner?: string): QueuedEntry[] {
  if (!inBrowser()) return [];
  try {
    const all = JSON.parse(localStorage.getItem(KEY) ?? "[]") as QueuedEntry[];
    return Array.isArray(all) ? all.filter((e) => !owner || e.owner === owner) : [];
  } catch {
    return [];
  }
}

function writeQueue(entries: QueuedEntry[]) {
  if (!inBrowser()) return;
  if (entries.length === 0) localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, JSON.stringify(entries));
}

export function newClientRef(): string {
  const c: Crypto = globalThis.crypto;
  if (typeof c.randomUUID === "function") return c.randomUUID();
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** True when a submission failed for want of a connection (not because the server said no). */
export function isNetworkFailure(error: unknown): boolean {
  if (error instanceof Response) return false;
  if (inBrowser() && navigator.onLine === false) return true;
  return error instanceof TypeError;
}

/** Keeps a submitted form on the device. Returns the queued entry. */
export function enqueue(formData: FormData, owner: string, summary: string): QueuedEntry {
  const fields: [string, string][] = [];
  for (const [key, value] of formData.entries()) if (typeof value === "string") fields.push([key, value]);
  let clientRef = formData.get("clientRef");
  if (typeof clientRef !== "string" || !clientRef) {
    clientRef = newClientRef();
    fields.push(["clientRef", clientRef]);
  }
  const entry: QueuedEntry = { clientRef, owner, fields, summary, savedAt: new Date().toISOString() };
  const queue = readQueue().filter((e) => e.clientRef !== clientRef);
  writeQueue([...queue, entry]);
  return entry;
}

export function discard(clientRef: string) {
  writeQueue(readQueue().filter((e) => e.clientRef !== clientRef));
}

export type FlushResult = { sent: number; refused: number; remaining: number; signedOut: boolean };

let flushing: Promise<FlushResult> | null = null;

/**
 * Sends this person's queued entries, oldest first, one at a time. Stops at the first network
 * failure (still offline) or when the session has ended (the answer lands on the sign-in page).
 */
export function flushQueue(owner: string, action = "/log"): Promise<FlushResult> {
  flushing ??= doFlush(owner, action).finally(() => {
    flushing = null;
  });
  return flushing;
}

async function doFlush(owner: string, action: string): Promise<FlushResult> {
  const result: FlushResult = { sent: 0, refused: 0, remaining: 0, signedOut: false };
  if (!inBrowser()) return result;
  const waiting = readQueue(owner).filter((e) => !e.error);
  if (waiting.length === 0 || navigator.onLine === false) {
    result.remaining = readQueue(owner).length;
    return result;
  }
  // Redirects are not followed: the action answers an accepted entry with a redirect, and a
  // signed-out request is redirected too, so first check the session with a GET of the form.
  try {
    const probe = await fetch(action, { credentials: "same-origin", redirect: "manual" });
    if (probe.type === "opaqueredirect" || (probe.status >= 300 && probe.status < 400)) {
      result.signedOut = true;
      result.remaining = readQueue(owner).length;
      return result;
    }
  } catch {
    result.remaining = readQueue(owner).length;
    return result; // still offline
  }
  for (const entry of waiting) {
    let response: globalThis.Response;
    try {
      response = await fetch(action, {
        method: "POST",
        body: new URLSearchParams(entry.fields),
        credentials: "same-origin",
        redirect: "manual",
        headers: { Accept: "text/html" },
      });
    } catch {
      break; // offline again
    }
    if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
      discard(entry.clientRef);
      result.sent++;
    } else if (response.status >= 400 && response.status < 500) {
      writeQueue(
        readQueue().map((e) =>
          e.clientRef === entry.clientRef
            ? { ...e, error: "The server did not accept this entry. Log it again from the form." }
            : e,
        ),
      );
      result.refused++;
    } else {
      break; // a server error: try again later
    }
  }
  result.remaining = readQueue(owner).length;
  return result;
}
