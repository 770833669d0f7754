import { describe, expect, it } from "vitest";
import { codesCreditedAs, creditedCodes, creditedCredential } from "./credentials.ts";

const TABLE = [
  { code: "AB-900", successorCode: null },
  { code: "MS-900", successorCode: "AB-900" },
  { code: "AI-901" },
  { code: "AI-900", successorCode: "AI-901" },
  { code: "AZ-900" },
];

describe("creditedCredential", () => {
  it("credits retired codes to their successor", () => {
    expect(creditedCredential("MS-900", TABLE)).toBe("AB-900");
    expect(creditedCredential("AI-900", TABLE)).toBe("AI-901");
  });

  it("leaves current and unknown codes as they are", () => {
    expect(creditedCredential("AZ-900", TABLE)).toBe("AZ-900");
    expect(creditedCredential("AB-900", TABLE)).toBe("AB-900");
    expect(creditedCredential("XX-123", TABLE)).toBe("XX-123");
  });

  it("follows a chain of renamings to the end", () => {
    const chain = [...TABLE, { code: "AB-900", successorCode: "AB-901" }].filter(
      (c, i, all) => all.findLastIndex((d) => d.code === c.code) === i,
    );
    expect(creditedCredential("MS-900", chain)).toBe("AB-901");
  });

  it("stops on a cycle instead of looping", () => {
    const cycle = [
      { code: "A", successorCode: "B" },
      { code: "B", successorCode: "A" },
    ];
    expect(creditedCredential("A", cycle)).toBe("B");
    expect(creditedCredential("B", cycle)).toBe("A");
  });
});

describe("codesCreditedAs and creditedCodes", () => {
  it("lists the retired codes that count as a current one", () => {
    expect(codesCreditedAs("AB-900", TABLE)).toEqual(["MS-900"]);
    expect(codesCreditedAs("AZ-900", TABLE)).toEqual([]);
  });

  it("counts an old and a new pass of the same exam once", () => {
    expect(creditedCodes(["MS-900", "AB-900", "AI-900", "AZ-900"], TABLE).sort()).toEqual([
      "AB-900",
      "AI-901",
      "AZ-900",
    ]);
  });
});
