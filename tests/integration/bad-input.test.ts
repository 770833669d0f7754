/**
 * Bad input answers 4xx with a message, never 500, through the real production server: bodies
 * that are not forms (JSON, text, none, a broken multipart), a district code of the right shape
 * that is not a district, and bodies over the limit, declared or streamed, which are refused
 * before they are read. The limit is lowered for this file (BODY_LIMIT_BYTES) to keep the
 * bodies small; uploads keep their own, larger limit.
 */
import { describe, expect, it } from "vitest";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser } from "../support/factories.ts";
import { type TestClient, useTestServer, visibleText } from "../support/http.ts";
import { createApprenticeship } from "../support/progress-fixtures.ts";

const LIMIT = 64 * 1024;
const server = useTestServer({ env: { BODY_LIMIT_BYTES: String(LIMIT) } });

type Raw = { status: number; text: string };

/** A POST with exactly this body and content type (none when null), as the given browser. */
async function rawPost(
  client: TestClient,
  path: string,
  body: BodyInit | null,
  contentType: string | null,
  extra: RequestInit = {},
): Promise<Raw> {
  const headers = new Headers({ Origin: client.baseUrl, "Sec-Fetch-Site": "same-origin", Accept: "text/html" });
  if (contentType) headers.set("Content-Type", contentType);
  const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  if (cookie) headers.set("Cookie", cookie);
  const response = await fetch(new URL(path, client.baseUrl), {
    method: "POST",
    headers,
    body,
    redirect: "manual",
    ...extra,
  });
  return { status: response.status, text: visibleText(await response.text()) };
}

const BOUNDARY = "----dstBoundary";
const NOT_FORMS: { name: string; body: string | null; type: string | null; status: number; message: string }[] = [
  {
    name: "JSON",
    body: JSON.stringify({ identifier: "a@example.org", password: "x" }),
    type: "application/json",
    status: 415,
    message: "what arrived was not one",
  },
  {
    name: "plain text",
    body: "identifier=a@example.org&password=x",
    type: "text/plain",
    status: 415,
    message: "what arrived was not one",
  },
  { name: "no body at all", body: null, type: null, status: 400, message: "No form arrived" },
  {
    name: "a broken multipart body",
    body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="identifier"\r\n\r\nhalf`,
    type: `multipart/form-data; boundary=${BOUNDARY}`,
    status: 400,
    message: "did not arrive complete",
  },
  {
    name: "multipart without a boundary",
    body: "identifier=a",
    type: "multipart/form-data",
    status: 400,
    message: "did not arrive complete",
  },
];

describe("a body that is not a form", () => {
  it.each(NOT_FORMS)(
    "/login and /forgot-password answer $status to $name, with a message",
    async ({ body, type, status, message }) => {
      for (const path of ["/login", "/forgot-password"]) {
        const answer = await rawPost(server.client(), path, body, type);
        expect({ path, status: answer.status }).toEqual({ path, status });
        expect(answer.text).toContain(message);
      }
    },
  );

  it.each(NOT_FORMS)(
    "/log answers $status to $name from a signed-in apprentice, and logs nothing",
    async ({ body, type, status, message }) => {
      const f = await createApprenticeship({ startDate: "2025-09-01", plannedEndDate: "2027-06-30" });
      const client = server.client();
      await client.signIn(f.apprentice.email!, f.apprentice.password);
      const answer = await rawPost(client, "/log", body, type);
      expect(answer.status).toBe(status);
      expect(answer.text).toContain(message);
      expect(await testPrisma().progressEntry.count({ where: { learnerId: f.apprentice.id } })).toBe(0);
    },
  );
});

describe("registration with a district that does not exist", () => {
  it("answers 400 asking for an area from the list, and creates nothing", async () => {
    const form = {
      kind: "EMPLOYER",
      name: "Nowhere Widgets Ltd",
      districtCode: "E07999999",
      firstName: "Nia",
      lastName: "Okafor",
      email: "nia@nowhere-widgets.example",
      password: "a-long-enough-passphrase-7",
    };
    const answer = await server.client().post("/register", form);
    expect(answer.status).toBe(400);
    expect(visibleText(answer.text)).toContain("Choose the area the organisation is in from the list.");
    expect(await testPrisma().organisation.count({ where: { name: form.name } })).toBe(0);
    expect(await testPrisma().user.count({ where: { email: form.email } })).toBe(0);
  });
});

describe("the request body limit", () => {
  const oversized = () => new URLSearchParams({ identifier: "a@example.org", password: "x".repeat(LIMIT) }).toString();

  it("refuses a declared body over the limit with 413 and a message, before reading it", async () => {
    const answer = await rawPost(server.client(), "/login", oversized(), "application/x-www-form-urlencoded");
    expect(answer.status).toBe(413);
    expect(answer.text).toContain("the most this page accepts");
  });

  it("refuses a streamed (chunked) body once it passes the limit", async () => {
    // Sixteen times the limit, sent in pieces without a Content-Length.
    const piece = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ === 0) controller.enqueue(new TextEncoder().encode("identifier=a%40example.org&password="));
        if (sent > 64) controller.close();
        else controller.enqueue(piece);
      },
    });
    const answer = await rawPost(server.client(), "/login", body, "application/x-www-form-urlencoded", {
      duplex: "half",
    } as RequestInit);
    expect(answer.status).toBe(413);
    expect(answer.text).toContain("the most this page accepts");
  });

  it("still takes a form under the limit", async () => {
    const answer = await server
      .client()
      .post("/login", { identifier: "nobody@example.org", password: "wrong-password-1" });
    expect(answer.status).toBe(400);
  });

  it("keeps the connection usable when a page answers without reading the body", async () => {
    // A signed-out visitor's upload is sent to sign in without being read; the next request
    // shares the connection. (An upload page, so the body can be large and still within its limit.)
    const client = server.client();
    for (let i = 0; i < 3; i++) {
      const answer = await rawPost(
        client,
        "/classes/any/import",
        `filler=${"y".repeat(1024 * 1024)}`,
        "application/x-www-form-urlencoded",
      );
      expect(answer.status).toBe(302);
    }
  });

  it("lets an upload page take a file larger than the form limit (its own limit)", async () => {
    const school = await createOrganisation({ kind: "SCHOOL" });
    const teacher = await createUser({ roles: [{ org: school, role: "TEACHER" }] });
    const cohort = await testPrisma().cohort.create({
      data: { organisationId: school.id, teacherId: teacher.id, name: "10U", yearGroup: 10, academicYear: 2025 },
      select: { id: true },
    });
    const client = server.client();
    await client.signIn(teacher.email!, teacher.password);
    const rows = Array.from(
      { length: 4000 },
      (_, i) => `UPN${String(i).padStart(10, "0")},Pupil${i},Surname${i},10`,
    ).join("\n");
    const csv = `UPN,Forename,Surname,Year\n${rows}\n`;
    expect(csv.length).toBeGreaterThan(LIMIT);
    const form = new FormData();
    form.append("file", new Blob([csv], { type: "text/csv" }), "class.csv");
    const answer = await rawPost(client, `/classes/${cohort.id}/import`, form, null);
    expect(answer.status).not.toBe(413);
    expect(answer.status).toBeLessThan(500);
  });
});
