/** safeRedirect: where sign-in may send someone afterwards. Same-site paths only. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeRedirect } from "~/utils/safe-redirect.ts";

describe("safeRedirect keeps people on this site", () => {
  it.each([
    "https://evil.example",
    "http://evil.example/account",
    "HTTPS://EVIL.EXAMPLE",
    "//evil.example",
    "///evil.example",
    "//evil.example/%2F..",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/account\\..\\..\\evil",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https:evil.example",
    "evil.example",
    "account",
    " /account",
    " //evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\u0000//evil.example",
    "/account\u0000",
  ])("refuses %j", (target) => {
    expect(safeRedirect(target)).toBe("/");
  });

  it.each([undefined, null, 42, {}, ["/account"], ""])("falls back for a non-path value %j", (target) => {
    expect(safeRedirect(target)).toBe("/");
  });

  it("falls back for an absurdly long target", () => {
    expect(safeRedirect(`/${"a".repeat(2048)}`)).toBe("/");
  });

  it("uses the fallback it is given", () => {
    expect(safeRedirect("https://evil.example", "/home")).toBe("/home");
  });
});

describe("safeRedirect honours same-site paths", () => {
  it.each([
    ["/", "/"],
    ["/account", "/account"],
    ["/org/123/people?tab=pupils", "/org/123/people?tab=pupils"],
    ["/account#password", "/account#password"],
    ["/a/../account", "/account"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
  ])("keeps %j as %j", (target, expected) => {
    expect(safeRedirect(target)).toBe(expected);
  });

  it("never returns anything a browser would resolve to another origin", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `/${s}`),
          fc.webUrl(),
          fc.string().map((s) => `//${s}`),
          fc.string().map((s) => `/\\${s}`),
        ),
        (target) => {
          const result = safeRedirect(target);
          expect(result.startsWith("/")).toBe(true);
          expect(result.startsWith("//")).toBe(false);
          expect(result.startsWith("/\\")).toBe(false);
          expect(new URL(result, "https://app.example").origin).toBe("https://app.example");
        },
      ),
      { numRuns: 2000 },
    );
  });
});
