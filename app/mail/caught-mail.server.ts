/**
 * Reads the messages the development mail catcher (scripts/mail-catcher.ts --dir .data/mail)
 * wrote, newest first, for the /dev/mail page. Development only: the route 404s in production.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

export const CAUGHT_MAIL_DIR = ".data/mail";

const caughtMail = z.object({
  to: z.array(z.string()),
  from: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  receivedAt: z.coerce.date(),
});

export type CaughtMailFile = z.infer<typeof caughtMail> & { id: string };

export async function listCaughtMail(dir: string = CAUGHT_MAIL_DIR, limit = 50): Promise<CaughtMailFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith(".json"));
  } catch {
    return []; // no catcher has run yet
  }
  // File names start with the ISO time, so a reverse sort is newest first.
  names.sort().reverse();
  const mails: CaughtMailFile[] = [];
  for (const name of names.slice(0, limit)) {
    try {
      const parsed = caughtMail.safeParse(JSON.parse(await readFile(path.join(dir, name), "utf8")));
      if (parsed.success) mails.push({ ...parsed.data, id: name.replace(/\.json$/, "") });
    } catch {
      // a file being written right now; it shows on the next load
    }
  }
  return mails.sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime());
}
