/** The password rules (NIST SP 800-63B / ASVS 2.1) as a person choosing a password meets them. */
import { describe, expect, it } from "vitest";
import { PASSWORD_MAX, PASSWORD_MIN, passwordProblem } from "~/auth/password-policy.ts";

describe("password length", () => {
  it("asks for at least 10 characters", () => {
    expect(PASSWORD_MIN).toBe(10);
    expect(passwordProblem("short-pw1")).toBe("Use at least 10 characters.");
    expect(passwordProblem("")).toBe("Use at least 10 characters.");
    expect(passwordProblem("tidy-boat7")).toBeNull();
  });

  it("accepts long passphrases up to 128 characters and refuses longer ones", () => {
    expect(PASSWORD_MAX).toBeGreaterThanOrEqual(64);
    const word = "lantern-";
    expect(passwordProblem(word.repeat(16))).toBeNull(); // 128
    expect(passwordProblem(`${word.repeat(16)}x`)).toBe(`Use at most ${PASSWORD_MAX} characters.`);
  });

  it("allows any characters: spaces, punctuation and other scripts", () => {
    expect(passwordProblem("correct horse battery staple")).toBeNull();
    expect(passwordProblem("Ça va très bien, merci")).toBeNull();
    expect(passwordProblem("пароль-надежный")).toBeNull();
    expect(passwordProblem("🦊🦊 fox in the snow")).toBeNull();
  });

  it("has no composition rules: lower-case words alone are fine", () => {
    expect(passwordProblem("purple monkey dishwasher")).toBeNull();
  });
});

describe("guessable passwords are refused", () => {
  it.each(["password123", "Password123", "PASSWORD123", "qwertyuiop", "1234567890", "staffordshire", "Staffordshire1", "letmein123"])("refuses the common password %j", (password) => {
    expect(passwordProblem(password)).toMatch(/too common/);
  });

  it.each(["aaaaaaaaaa", "1111111111111", "zzzzzzzzzzzzzzzzzz"])("refuses the repeated character %j", (password) => {
    expect(passwordProblem(password)).toMatch(/single repeated character/);
  });

  it.each(["bcdefghijk", "klmnopqrstu", "9876543210", "kjihgfedcba"])("refuses the simple sequence %j", (password) => {
    expect(passwordProblem(password)).toMatch(/simple sequence/);
  });

  it("refuses a password containing the email's local part, whatever its case", () => {
    expect(passwordProblem("JaneSmith-rocks-2026", { email: "janesmith@school.example" })).toBe("Do not use your email address in your password.");
    expect(passwordProblem("JaneSmith-rocks-2026", { email: "someone.else@school.example" })).toBeNull();
  });

  it("ignores a local part too short to matter", () => {
    expect(passwordProblem("abc-meadow-lantern", { email: "abc@school.example" })).toBeNull();
  });

  it("gives one sentence a person can act on", () => {
    for (const password of ["short", "password123", "aaaaaaaaaa", "bcdefghijk"]) {
      expect(passwordProblem(password)).toMatch(/^[A-Z].*\.$/);
    }
  });
});
