import { describe, expect, it } from "vitest";
import { isStuck } from "./progress-log.ts";

describe("stuck pupils", () => {
  it("are stuck after 14 days without verified progress since joining", () => {
    expect(isStuck("2026-01-01", null, "2026-01-15")).toBe(false);
    expect(isStuck("2026-01-01", null, "2026-01-16")).toBe(true);
  });
  it("count the 14 days from the last verified progress when it is later than joining", () => {
    expect(isStuck("2026-01-01", "2026-01-10", "2026-01-24")).toBe(false);
    expect(isStuck("2026-01-01", "2026-01-10", "2026-01-25")).toBe(true);
  });
  it("ignore progress from before the pupil joined the class", () => {
    expect(isStuck("2026-01-10", "2025-12-01", "2026-01-24")).toBe(false);
    expect(isStuck("2026-01-10", "2025-12-01", "2026-01-25")).toBe(true);
  });
});
