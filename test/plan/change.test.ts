import { describe, expect, it } from "vitest";
import { canonicalJson, diffFields, sameJson } from "../../lib/plan/index.js";

/** Pairs whose canonical JSON is equal, and pairs whose canonical JSON differs. */
const EQUAL: readonly [unknown, unknown][] = [
  [1, 1],
  ["a", "a"],
  [null, null],
  [undefined, undefined],
  [
    { a: 1, b: [1, 2] },
    { b: [1, 2], a: 1 },
  ],
  [{ a: 1, b: undefined }, { a: 1 }],
  [[undefined], [null]],
  [[() => 1], [null]],
  [Number.NaN, null],
  [{ at: new Date(0) }, { at: "1970-01-01T00:00:00.000Z" }],
  [{ d: [{ name: "FunctionName", value: "x" }] }, { d: [{ value: "x", name: "FunctionName" }] }],
  [0, -0],
];
const DIFFERENT: readonly [unknown, unknown][] = [
  [1, 2],
  [1, "1"],
  [null, undefined],
  [null, {}],
  [[], {}],
  [
    [1, 2],
    [2, 1],
  ],
  [{ a: 1 }, { a: 1, b: 2 }],
  [
    { a: 1, b: 2 },
    { a: 1, c: 2 },
  ],
  [{ a: { b: [1] } }, { a: { b: [1, 1] } }],
  [{ a: undefined }, { a: null }],
  [true, "true"],
];

describe("sameJson", () => {
  it("agrees with comparing canonical JSON", () => {
    for (const [a, b] of [...EQUAL, ...DIFFERENT]) {
      const expected = canonicalJson(a) === canonicalJson(b);
      expect(sameJson(a, b), `${canonicalJson(a)} vs ${canonicalJson(b)}`).toBe(expected);
      expect(sameJson(b, a)).toBe(expected);
    }
  });

  it("finds the equal pairs equal and the others different", () => {
    expect(EQUAL.every(([a, b]) => sameJson(a, b))).toBe(true);
    expect(DIFFERENT.some(([a, b]) => sameJson(a, b))).toBe(false);
  });
});

describe("diffFields", () => {
  it("names the fields whose values differ, with both values", () => {
    const actual = { threshold: 1, actions: ["arn:a"], dims: [{ name: "Q", value: "x" }] };
    const desired = { threshold: 2, actions: ["arn:a"], dims: [{ value: "x", name: "Q" }] };
    expect(diffFields(actual, desired, ["threshold", "actions", "dims"])).toEqual([
      { field: "threshold", from: 1, to: 2 },
    ]);
  });
});
