/**
 * The development/test mail catcher: a real SMTP server that keeps what it receives, writes it
 * for the /dev/mail page when given a folder, and can fail on purpose (451) for retry tests.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listCaughtMail } from "../../app/mail/caught-mail.server.ts";
import { createMailTransport } from "../../app/mail/transport.server.ts";
import { startMailCatcher } from "../../scripts/mail-catcher.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("startMailCatcher", () => {
  it("catches mail on an ephemeral port, waits for it, and writes it to a folder newest first", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "caught-mail-"));
    dirs.push(dir);
    const catcher = await startMailCatcher({ port: 0, dir });
    expect(catcher.port).toBeGreaterThan(0);
    expect(catcher.url).toBe(`smtp://127.0.0.1:${catcher.port}`);
    const transport = createMailTransport(catcher.url);
    try {
      const arriving = catcher.waitFor((m) => m.subject === "Second");
      await transport.sendMail({
        from: "Sender <from@example.org>",
        to: "first@example.org",
        subject: "First",
        text: "Open http://localhost:3000/invite/abc",
        html: "<p>First</p>",
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      await transport.sendMail({
        from: "from@example.org",
        to: ["a@example.org", "b@example.org"],
        subject: "Second",
        text: "Hello",
      });
      const second = await arriving;
      expect(second.to).toEqual(["a@example.org", "b@example.org"]);
      expect(catcher.messages().map((m) => m.subject)).toEqual(["First", "Second"]);
      expect(catcher.messages()[0]).toMatchObject({ from: '"Sender" <from@example.org>', html: "<p>First</p>" });
      expect(catcher.messages()[0]!.text).toContain("http://localhost:3000/invite/abc");

      expect(await readdir(dir)).toHaveLength(2);
      const listed = await listCaughtMail(dir);
      expect(listed.map((m) => m.subject)).toEqual(["Second", "First"]);
      expect(listed[0]!.receivedAt).toBeInstanceOf(Date);

      catcher.clear();
      expect(catcher.messages()).toEqual([]);
      await expect(catcher.waitFor(() => true, 50)).rejects.toThrow(/no matching message/);
    } finally {
      transport.close();
      await catcher.close();
    }
  });

  it("answers a temporary 451 failure at the configured rate", async () => {
    const catcher = await startMailCatcher({ port: 0, failRate: 1 });
    const transport = createMailTransport(catcher.url);
    try {
      await expect(
        transport.sendMail({ from: "from@example.org", to: "to@example.org", subject: "x", text: "x" }),
      ).rejects.toMatchObject({ responseCode: 451 });
      expect(catcher.messages()).toHaveLength(0);
    } finally {
      transport.close();
      await catcher.close();
    }
  });

  it("lists nothing when no catcher has written a folder yet", async () => {
    expect(await listCaughtMail(path.join(tmpdir(), "no-such-folder-for-mail"))).toEqual([]);
  });
});
