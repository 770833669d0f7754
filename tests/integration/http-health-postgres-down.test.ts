/**
 * /readyz and /livez when Postgres refuses: the server is started with DATABASE_URL pointing at
 * a closed port (the shared Postgres keeps running). Readiness fails and names Postgres, so a
 * load balancer stops sending users to a process that cannot serve them; liveness still
 * answers, so an orchestrator does not restart a process that a restart would not mend.
 */
import { describe, expect, it } from "vitest";
import { closedPort } from "../support/closed-port.ts";
import { useTestServer } from "../support/http.ts";

const server = useTestServer({ env: { DATABASE_URL: `postgresql://dst@127.0.0.1:${await closedPort()}/dst` } });

describe("with Postgres down", () => {
  it("/readyz answers 503 naming Postgres, without an address, within a few seconds", async () => {
    const started = Date.now();
    const response = await server.client().get("/readyz");
    expect(response.status).toBe(503);
    expect(JSON.parse(response.text)).toEqual({ ok: false, postgres: "down", redis: "ok" });
    expect(response.text).not.toContain("127.0.0.1");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("/livez still answers 200", async () => {
    const response = await server.client().get("/livez");
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ ok: true });
  });
});
