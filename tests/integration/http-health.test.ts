/**
 * /livez and /readyz with Postgres and Redis up (decision 038); the outages are in
 * http-health-postgres-down.test.ts and http-healthz-redis-down.test.ts, each with a server of
 * its own pointed at a closed port.
 */
import { describe, expect, it } from "vitest";
import { useTestServer } from "../support/http.ts";

const server = useTestServer();

describe("/livez", () => {
  it("answers 200, uncached", async () => {
    const response = await server.client().get("/livez");
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ ok: true });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});

describe("/readyz", () => {
  it("answers 200 naming both services ok, and /healthz answers the same", async () => {
    const readyz = await server.client().get("/readyz");
    expect(readyz.status).toBe(200);
    expect(JSON.parse(readyz.text)).toEqual({ ok: true, postgres: "ok", redis: "ok" });
    expect(readyz.headers.get("cache-control")).toBe("no-store");
    const healthz = await server.client().get("/healthz");
    expect(healthz.status).toBe(200);
    expect(JSON.parse(healthz.text)).toEqual(JSON.parse(readyz.text));
  });

  it("answers only GET and HEAD: a POST is not a probe", async () => {
    expect((await server.client().post("/readyz", {})).status).toBe(404);
  });
});
