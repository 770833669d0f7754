import { describe, expect, it } from "vitest";
import { usernameBase, usernameCandidate } from "./usernames.ts";

describe("usernames", () => {
  it("uses ASCII letters of the first name and the surname's initial", () => {
    expect(usernameBase("Zoë", "Hughes")).toBe("zoeh");
    expect(usernameBase("Siân", "O'Neill")).toBe("siano");
    expect(usernameBase("Mary-Jane Elizabeth", "Smith")).toBe("maryjaneeliz" + "s");
  });

  it("falls back to 'pupil' when the name has no Latin letters", () => {
    expect(usernameBase("李", "王")).toBe("pupil");
  });

  it("adds 4 digits, then more after repeated collisions", () => {
    expect(usernameCandidate("zoeh", 0, () => 0)).toBe("zoeh1000");
    expect(usernameCandidate("zoeh", 0, () => 0.9999)).toMatch(/^zoeh\d{4}$/);
    expect(usernameCandidate("zoeh", 6, () => 0.5)).toMatch(/^zoeh\d{5}$/);
    expect(usernameCandidate("zoeh", 12, () => 0.5)).toMatch(/^zoeh\d{6}$/);
  });
});
