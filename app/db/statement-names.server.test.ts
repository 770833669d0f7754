import { describe, expect, it } from "vitest";
import { statementNamer } from "./statement-names.server.ts";

describe("prepared statement names", () => {
  it("give the same SQL the same name and different SQL different names", () => {
    const name = statementNamer(10)!;
    const a = name({ sql: "SELECT 1" });
    expect(a).toMatch(/^dst_[\w-]+$/);
    expect(name({ sql: "SELECT 1" })).toBe(a);
    expect(name({ sql: "SELECT 2" })).not.toBe(a);
    // Names are derived from the text, so every process and connection agrees on them.
    expect(statementNamer(10)!({ sql: "SELECT 1" })).toBe(a);
  });

  it("stop naming new statements past the limit, and keep the names already given", () => {
    const name = statementNamer(2)!;
    const first = name({ sql: "SELECT 1" });
    name({ sql: "SELECT 2" });
    expect(name({ sql: "SELECT 3" })).toBe("");
    expect(name({ sql: "SELECT 1" })).toBe(first);
  });

  it("name nothing when the cache is off", () => {
    expect(statementNamer(0)).toBeUndefined();
  });
});
