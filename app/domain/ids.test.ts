import { describe, expect, it } from "vitest";
import { isUuid } from "./ids.ts";

describe("isUuid", () => {
  it("accepts a uuid in either letter case", () => {
    expect(isUuid("0f8fad5b-d9cb-469f-a165-70867728950e")).toBe(true);
    expect(isUuid("0F8FAD5B-D9CB-469F-A165-70867728950E")).toBe(true);
  });

  it("refuses anything PostgreSQL would reject as a uuid", () => {
    for (const bad of [
      "",
      "0f8fad5b",
      "0f8fad5b-d9cb-469f-a165-70867728950",
      "0f8fad5b-d9cb-469f-a165-70867728950e ",
      "------------------------------------",
      "0f8fad5bd9cb469fa16570867728950e0000",
      "g f8fad5b-d9cb-469f-a165-70867728950e",
    ]) {
      expect(isUuid(bad), bad).toBe(false);
    }
  });
});
