import { describe, expect, it } from "vitest";
import { nodeSupportWarning } from "../../bin/cli/node-support.js";

describe("the Node versions the CLI supports", () => {
  it("is quiet on 22 and 24 (and later), warns on 20 with the dates, refuses older ones by name", () => {
    expect(nodeSupportWarning("22.12.0")).toBeUndefined();
    expect(nodeSupportWarning("24.1.0")).toBeUndefined();
    expect(nodeSupportWarning("26.0.0")).toBeUndefined();
    expect(nodeSupportWarning("20.19.5")).toBe(
      "watchkeeper: Node 20.19.5 is out of support since April 2026 and the AWS SDK needs Node 22 from January 2027; use Node 22 or 24\n",
    );
    expect(nodeSupportWarning("18.20.0")).toBe(
      "watchkeeper: Node 18.20.0 is not supported; use Node 22 or 24\n",
    );
  });
});
