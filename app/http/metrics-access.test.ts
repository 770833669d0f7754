import { describe, expect, it } from "vitest";
import { isLoopback, mayReadMetrics, type MetricsRequest } from "./metrics-access.server.ts";

const TOKEN = "a-metrics-token-of-at-least-32-characters";
const direct = (over: Partial<MetricsRequest>): MetricsRequest => ({
  token: undefined,
  authorization: undefined,
  peer: "127.0.0.1",
  trustProxy: undefined,
  forwarded: false,
  ...over,
});

describe("isLoopback", () => {
  it.each(["127.0.0.1", "127.5.6.7", "::1", "::ffff:127.0.0.1"])("%s is loopback", (address) =>
    expect(isLoopback(address)).toBe(true),
  );
  it.each([
    "10.0.0.1",
    "192.168.1.20",
    "::ffff:10.0.0.1",
    "fe80::1",
    "::",
    "0.0.0.0",
    "localhost",
    "",
    undefined,
    "127.0.0.1.evil.example",
  ])("%s is not", (address) => expect(isLoopback(address)).toBe(false));
});

describe("mayReadMetrics without METRICS_TOKEN", () => {
  it("allows a direct loopback peer", () => expect(mayReadMetrics(direct({}))).toBe(true));
  it("refuses any other peer", () => expect(mayReadMetrics(direct({ peer: "10.1.2.3" }))).toBe(false));
  it("refuses loopback when a proxy is declared or the request was forwarded: behind a local proxy every visitor is loopback", () => {
    expect(mayReadMetrics(direct({ trustProxy: "1" }))).toBe(false);
    expect(mayReadMetrics(direct({ forwarded: true }))).toBe(false);
  });
  it("ignores an Authorization header", () =>
    expect(mayReadMetrics(direct({ peer: "10.1.2.3", authorization: "Bearer anything" }))).toBe(false));
});

describe("mayReadMetrics with METRICS_TOKEN", () => {
  it("allows the right bearer token from anywhere", () => {
    expect(
      mayReadMetrics(
        direct({ token: TOKEN, authorization: `Bearer ${TOKEN}`, peer: "10.1.2.3", trustProxy: "1", forwarded: true }),
      ),
    ).toBe(true);
  });
  it.each([
    undefined,
    "",
    TOKEN,
    `Basic ${TOKEN}`,
    `Bearer ${TOKEN}x`,
    `Bearer ${TOKEN.slice(0, -1)}`,
    `bearer ${TOKEN}`,
    `Bearer  ${TOKEN}`,
  ])("refuses %s, even from loopback", (authorization) => {
    expect(mayReadMetrics(direct({ token: TOKEN, authorization }))).toBe(false);
  });
});
