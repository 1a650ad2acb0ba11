import { describe, expect, it } from "vitest";
import { closestRegions, isKnownRegion, unknownRegion } from "../../lib/aws/region.js";

describe("known regions", () => {
  it.each(["us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1", "il-central-1"])(
    "knows %s",
    (region) => expect(isKnownRegion(region)).toBe(true),
  );

  it.each(["eu-west-9", "us-esat-1", "mars-north-1"])("does not know %s", (region) =>
    expect(isKnownRegion(region)).toBe(false),
  );

  it("names the known regions closest in spelling", () => {
    expect(closestRegions("eu-west-9")).toEqual(["eu-west-1", "eu-west-2", "eu-west-3"]);
    expect(closestRegions("ap-southeast-9", 1)).toEqual(["ap-southeast-1"]);
  });

  it("says why an unknown region is refused, and nothing for a known one", () => {
    expect(unknownRegion("eu-west-1")).toBeUndefined();
    expect(unknownRegion("eu-west-9")).toBe(
      "region eu-west-9 is not an AWS region this version knows (closest: eu-west-1, eu-west-2, eu-west-3)",
    );
  });
});
