import { describe, expect, it } from "vitest";
import { Aws } from "../../lib/aws/clients.js";
import { paginate } from "../../lib/aws/paginate.js";
import { validateEndpoint, validateRegion } from "../../lib/aws/target.js";

describe("validateRegion", () => {
  it.each(["us-east-1", "eu-central-2", "ap-southeast-5", "us-gov-west-1", "il-central-1", "mx-central-1"])(
    "accepts %s",
    (region) => expect(validateRegion(region)).toBe(region),
  );

  it.each(["us-east", "US-EAST-1", "useast1", "us_east_1", "mars-north-9x"])("rejects %s by name", (region) =>
    expect(() => validateRegion(region)).toThrow(`region "${region}" is not an AWS region name`),
  );

  it("says how to give a region when there is none", () =>
    expect(() => validateRegion(undefined)).toThrow(/pass --region/));
});

describe("validateEndpoint", () => {
  it("accepts http and https URLs", () => {
    expect(validateEndpoint("http://127.0.0.1:5000")).toBe("http://127.0.0.1:5000");
    expect(validateEndpoint("https://example.internal")).toBe("https://example.internal");
  });
  it("rejects what is not a URL, naming it", () =>
    expect(() => validateEndpoint("localhost:5000x")).toThrow(/localhost:5000x/));
  it("rejects other schemes", () => expect(() => validateEndpoint("ftp://host")).toThrow(/http or https/));
});

describe("Aws", () => {
  it("validates its target when made", () => {
    expect(() => new Aws({ region: "nowhere" })).toThrow(/not an AWS region name/);
    expect(() => new Aws({ region: "us-east-1", endpoint: "not a url" })).toThrow(/not a URL/);
  });
});

describe("paginate", () => {
  it("follows tokens until there is none", async () => {
    const pages: Record<string, { items: number[]; next?: string }> = {
      start: { items: [1, 2], next: "b" },
      b: { items: [3], next: "c" },
      c: { items: [4] },
    };
    const seen: number[] = [];
    for await (const page of paginate(
      async (token) => pages[token ?? "start"]!,
      (page) => page.next,
    ))
      seen.push(...page.items);
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it("stops when an endpoint repeats a token", async () => {
    let calls = 0;
    for await (const _page of paginate(
      async () => {
        calls++;
        return { next: "same" };
      },
      (page) => page.next,
    ));
    expect(calls).toBe(2);
  });
});
