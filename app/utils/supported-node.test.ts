import { describe, expect, it } from "vitest";
import { REQUIRED_NODE_MAJOR, unsupportedNode } from "./supported-node.ts";

describe("the supported Node", () => {
  it("refuses Node 20 and 22 by name, and accepts 24 and later", () => {
    expect(unsupportedNode("20.20.2")).toContain("Node 20.20.2 is too old");
    expect(unsupportedNode("22.22.0")).toContain(`needs Node ${REQUIRED_NODE_MAJOR}`);
    expect(unsupportedNode("24.0.0")).toBeNull();
    expect(unsupportedNode("26.1.0")).toBeNull();
  });

  it("is what the tests themselves run on (npm's scripts put the project's Node first)", () => {
    expect(unsupportedNode(), process.execPath).toBeNull();
  });
});
