/**
 * The password rules (NIST SP 800-63B §3.1.1.2, NCSC password guidance) as a person choosing a
 * password meets them: length limits, no composition rules, and guessable passwords refused with
 * a reason, including ones built from the person's own details or this service's name.
 */
import { describe, expect, it } from "vitest";
import { passwordProblem } from "~/auth/password-check.server.ts";
import { PASSWORD_MAX, PASSWORD_MIN, STRENGTH_ADVICE, userInputsFor } from "~/auth/password-policy.ts";

const PRIYA = { email: "priya.chaudhry@oakfield.example", firstName: "Priya", lastName: "Chaudhry" };

describe("password length", () => {
  it("asks for at least 10 characters, counting each character once", async () => {
    expect(PASSWORD_MIN).toBe(10);
    expect(await passwordProblem("ferny-gap")).toBe("Use at least 10 characters.");
    expect(await passwordProblem("")).toBe("Use at least 10 characters.");
    expect(await passwordProblem("ferny-gap7")).toBeNull();
    // Four emoji are 8 UTF-16 units but four characters, as NIST counts them.
    expect(await passwordProblem("🦊🐝🌵🎻 x")).toBe("Use at least 10 characters.");
  });

  it("accepts long passphrases up to 128 characters and refuses longer ones", async () => {
    expect(PASSWORD_MAX).toBeGreaterThanOrEqual(64);
    const phrase =
      "velvet otters juggle quietly beneath seventeen copper lanterns while a tired heron hums old shanty tunes near brackish tidal pool";
    const exactly128 = phrase.slice(0, 128);
    expect([...exactly128].length).toBe(128);
    expect(await passwordProblem(exactly128)).toBeNull();
    expect(await passwordProblem(`${exactly128}z`)).toBe(`Use at most ${PASSWORD_MAX} characters.`);
  });

  it("allows any characters: spaces, punctuation and other scripts", async () => {
    expect(await passwordProblem("correct horse battery staple")).toBeNull();
    expect(await passwordProblem("Ça va très bien, merci")).toBeNull();
    expect(await passwordProblem("пароль-надежный")).toBeNull();
    expect(await passwordProblem("🦊🦊 fox in the snow")).toBeNull();
  });

  it("has no composition rules: lower-case words alone are fine", async () => {
    expect(await passwordProblem("purple monkey dishwasher")).toBeNull();
  });
});

describe("guessable passwords are refused, with the reason", () => {
  it.each([
    "password123",
    "Password123",
    "PASSWORD123",
    "qwertyuiop",
    "1234567890",
    "letmein123",
    "liverpool123",
    "Welcome1234",
  ])("refuses the common password %j", async (password) => {
    expect(await passwordProblem(password)).toMatch(/^This password would be easy to guess\. /);
  });

  it("says when a password is a common one, and what to do instead", async () => {
    expect(await passwordProblem("password123")).toBe(
      `This password would be easy to guess. This is a commonly used password. ${STRENGTH_ADVICE}`,
    );
  });

  it("names keyboard rows, repeats and sequences", async () => {
    expect(await passwordProblem("asdfghjkl;'")).toContain("Straight rows of keys");
    expect(await passwordProblem("zxcvbnm,./;lk")).toContain("Short keyboard patterns");
    expect(await passwordProblem("aaaaaaaaaaaa")).toContain("Repeated characters");
    expect(await passwordProblem("abcdefghijklm")).toContain("Sequences, like");
  });

  it("refuses the county and the service's own words, with a year added or not", async () => {
    for (const password of [
      "Staffordshire2026",
      "staffordshire",
      "Staffordshire!2026",
      "stokeontrent1",
      "DigitalSkills1",
    ]) {
      expect(await passwordProblem(password), password).toContain("the name of this service or county");
    }
  });

  it("refuses a password built from the person's own name or email address", async () => {
    for (const password of ["PriyaChaudhry", "priya.chaudhry1", "chaudhrypriya", "Chaudhry1234!"]) {
      expect(await passwordProblem(password, PRIYA), password).toContain("It uses your name, your email address");
    }
    // The same password is someone else's unremarkable choice only when their details differ.
    expect(await passwordProblem("Chaudhry-fern-4417")).toBeNull();
  });

  it("refuses the example from its own advice", async () => {
    expect(await passwordProblem("kettle orbit marsh")).toBe("Choose your own words, not the ones in our example.");
    expect(await passwordProblem("Kettle-Orbit-Marsh!")).toBe("Choose your own words, not the ones in our example.");
  });

  it("accepts a passphrase of random words", async () => {
    for (const password of ["velvet otter copper heron", "marmalade-tundra-banjo", "Tr0ub4dor&3-quince"]) {
      expect(await passwordProblem(password, PRIYA), password).toBeNull();
    }
  });

  it("never passes on advice to add capitals or symbols (there are no composition rules)", async () => {
    for (const password of ["Welcome1234", "Summer2026!", "PASSWORD123", "Staffordshire2026"]) {
      expect(await passwordProblem(password)).not.toMatch(/capital|symbol|upper-?case/i);
    }
  });

  it("gives sentences a person can act on, ending with a way to choose a strong one", async () => {
    for (const password of ["short", "password123", "aaaaaaaaaaaa", "abcdefghijklm", "Staffordshire2026"]) {
      const problem = (await passwordProblem(password))!;
      expect(problem).toMatch(/^[A-Z].*\.$/);
      if (password !== "short") expect(problem.endsWith(STRENGTH_ADVICE)).toBe(true);
    }
  });
});

describe("the person's details given to the estimator", () => {
  it("include the email, its parts, the names and the service's words, in lower case", () => {
    const inputs = userInputsFor({ ...PRIYA, username: "pchaudhry7", organisationName: "Oakfield Academy" });
    for (const word of [
      "priya.chaudhry@oakfield.example",
      "priya.chaudhry",
      "priya",
      "chaudhry",
      "oakfield",
      "priyachaudhry",
      "pchaudhry7",
      "oakfield academy",
      "staffordshire",
    ]) {
      expect(inputs).toContain(word);
    }
  });
});
