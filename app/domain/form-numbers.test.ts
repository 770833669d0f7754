import { describe, expect, it } from "vitest";
import { z } from "zod";
import { strictNumber } from "./form-numbers.ts";

const MESSAGE = "Enter a number.";
const whole = strictNumber(z.number({ message: MESSAGE }).int("Enter a whole number.").min(0).max(1000));
const decimal = strictNumber(z.number({ message: MESSAGE }).min(0).max(48), { decimals: true });

describe("numbers typed into forms", () => {
  it.each([
    ["16", 16],
    [" 16 ", 16],
    ["007", 7],
    ["0", 0],
  ])("reads %j as %d", (input, expected) => {
    expect(whole.parse(input)).toBe(expected);
  });

  it.each([
    "0x10",
    "0b1",
    "0o7",
    "1e2",
    "16.0e0",
    "Infinity",
    "-Infinity",
    "NaN",
    "",
    "   ",
    "1 6",
    "+16",
    "16abc",
    "1_000",
    "١٦",
    "\u00a016x",
  ])("refuses %j with the field's message", (input) => {
    const result = whole.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toBe(MESSAGE);
  });

  it("keeps the schema's own bounds and messages", () => {
    expect(whole.safeParse("1001").success).toBe(false);
    expect(whole.safeParse("-1").success).toBe(false);
    expect(whole.safeParse("9".repeat(400)).error?.issues[0].message).toBe(MESSAGE);
  });

  it("reads decimals only where allowed, written plainly", () => {
    expect(decimal.parse("37.5")).toBe(37.5);
    expect(whole.safeParse("37.5").error?.issues[0].message).toBe(MESSAGE);
    for (const input of [".5", "37.", "3.75e1", "0x25"]) expect(decimal.safeParse(input).success, input).toBe(false);
  });
});
