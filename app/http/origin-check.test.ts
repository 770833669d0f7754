/** The cross-site request check that runs before every route (server.ts). */
import type { NextFunction, Request, Response } from "express";
import { describe, expect, it, vi } from "vitest";
import { isCrossSiteRequest, originCheck } from "~/http/origin-check.server.ts";

const HOST = "skills.staffordshire.example";
const base = { host: HOST, protocol: "https" };

describe("isCrossSiteRequest", () => {
  it.each(["GET", "HEAD", "OPTIONS", "get"])("lets %s through from anywhere (reads change nothing)", (method) => {
    expect(isCrossSiteRequest({ ...base, method, secFetchSite: "cross-site", origin: "https://evil.example" })).toBe(
      false,
    );
  });

  it.each(["POST", "PUT", "PATCH", "DELETE", "post"])("refuses %s when the browser says cross-site", (method) => {
    expect(isCrossSiteRequest({ ...base, method, secFetchSite: "cross-site" })).toBe(true);
  });

  it("refuses same-site (a sibling subdomain is not us)", () => {
    expect(
      isCrossSiteRequest({ ...base, method: "POST", secFetchSite: "same-site", origin: `https://evil.${HOST}` }),
    ).toBe(true);
  });

  it("allows same-origin and user-initiated (none) requests", () => {
    expect(
      isCrossSiteRequest({ ...base, method: "POST", secFetchSite: "same-origin", origin: `https://${HOST}` }),
    ).toBe(false);
    expect(isCrossSiteRequest({ ...base, method: "POST", secFetchSite: "none" })).toBe(false);
  });

  it("still checks Origin when Sec-Fetch-Site claims same-origin", () => {
    expect(
      isCrossSiteRequest({ ...base, method: "POST", secFetchSite: "same-origin", origin: "https://evil.example" }),
    ).toBe(true);
  });

  it("falls back to Origin for browsers without Sec-Fetch-Site", () => {
    expect(isCrossSiteRequest({ ...base, method: "POST", origin: `https://${HOST}` })).toBe(false);
    expect(isCrossSiteRequest({ ...base, method: "POST", origin: "https://evil.example" })).toBe(true);
    expect(isCrossSiteRequest({ ...base, method: "POST", origin: `https://${HOST}:8443` })).toBe(true);
    expect(isCrossSiteRequest({ ...base, method: "POST", origin: `https://${HOST}.evil.example` })).toBe(true);
  });

  it("refuses an opaque or malformed Origin", () => {
    expect(isCrossSiteRequest({ ...base, method: "POST", origin: "null" })).toBe(true);
    expect(isCrossSiteRequest({ ...base, method: "POST", origin: "not a url" })).toBe(true);
  });

  it("lets through a request with neither header (not from a browser, so no ambient cookies to abuse)", () => {
    expect(isCrossSiteRequest({ ...base, method: "POST" })).toBe(false);
  });
});

describe("originCheck middleware", () => {
  function run(method: string, headers: Record<string, string>) {
    const req = {
      method,
      protocol: "https",
      get: (name: string) => headers[name.toLowerCase()] ?? (name.toLowerCase() === "host" ? HOST : undefined),
    } as unknown as Request;
    const res = { status: vi.fn().mockReturnThis(), type: vi.fn().mockReturnThis(), send: vi.fn().mockReturnThis() };
    const next = vi.fn() as unknown as NextFunction;
    originCheck()(req, res as unknown as Response, next);
    return { res, next };
  }

  it("answers 403 and never calls the route for a cross-site POST", () => {
    const { res, next } = run("POST", { "sec-fetch-site": "cross-site", origin: "https://evil.example" });
    expect(res.status).toHaveBeenCalledWith(403);
    expect(res.send).toHaveBeenCalledWith("This request came from another site and was refused.");
    expect(next).not.toHaveBeenCalled();
  });

  it("passes a same-origin POST on to the app", () => {
    const { res, next } = run("POST", { "sec-fetch-site": "same-origin", origin: `https://${HOST}` });
    expect(next).toHaveBeenCalledOnce();
    expect(res.status).not.toHaveBeenCalled();
  });
});
