import { expect, it } from "vitest";
import { fullName } from "./names.ts";

it("shows a person as first name then last name, as typed", () => {
  expect(fullName({ firstName: "Aisha", lastName: "Khan-Smith" })).toBe("Aisha Khan-Smith");
  expect(fullName({ firstName: "Erased", lastName: "person" })).toBe("Erased person");
});
