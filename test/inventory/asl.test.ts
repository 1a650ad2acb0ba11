/** Reading TimeoutSeconds out of an Amazon States Language definition, whatever came over the wire. */
import { describe, expect, it } from "vitest";
import { definitionTimeout } from "../../lib/inventory/services/asl.js";

const definition = (extra: Record<string, unknown>) =>
  JSON.stringify({ StartAt: "A", States: { A: { Type: "Succeed" } }, ...extra });

describe("definitionTimeout", () => {
  it("reads a positive integer TimeoutSeconds", () => {
    expect(definitionTimeout(definition({ TimeoutSeconds: 900 }))).toEqual({ ok: true, timeoutSeconds: 900 });
    expect(definitionTimeout(definition({ TimeoutSeconds: 1 }))).toEqual({ ok: true, timeoutSeconds: 1 });
  });

  it("knows there is none when the field is absent", () => {
    expect(definitionTimeout(definition({}))).toEqual({ ok: true });
  });

  it("takes a JSONata expression as no fixed timeout: each execution evaluates it", () => {
    const jsonata = definition({ QueryLanguage: "JSONata", TimeoutSeconds: "{% $states.input.limit %}" });
    expect(definitionTimeout(jsonata)).toEqual({ ok: true });
    expect(definitionTimeout(definition({ TimeoutSeconds: " {%\n$x\n%} " }))).toEqual({ ok: true });
  });

  it.each([
    ["a fraction", 1.5],
    ["zero", 0],
    ["a negative number", -60],
    ["a number as a string", "900"],
    ["a string that is not JSONata", "$.timeout"],
    ["null", null],
    ["an object", { seconds: 900 }],
    ["true", true],
    ["past the safe integers", 2 ** 60],
  ])("calls %s unreadable, naming the value", (_what, value) => {
    const read = definitionTimeout(definition({ TimeoutSeconds: value }));
    expect(read.ok).toBe(false);
    if (!read.ok)
      expect(read.reason).toMatch(/^TimeoutSeconds .+ is neither a positive integer nor a JSONata/);
  });

  it.each([
    ["not JSON", "StartAt: A", /not JSON/],
    ["JSON that is not an object", "[1, 2]", /no StartAt and States/],
    ["METADATA_ONLY's empty definition", "{}", /no StartAt and States/],
    ["States that is not an object", JSON.stringify({ StartAt: "A", States: [] }), /no StartAt and States/],
    ["no definition at all", undefined, /no definition/],
  ])("calls %s unreadable", (_what, text, reason) => {
    const read = definitionTimeout(text);
    expect(read).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it("keeps a long bad value short in its reason", () => {
    const read = definitionTimeout(definition({ TimeoutSeconds: "x".repeat(500) }));
    expect(read.ok ? "" : read.reason.length).toBeLessThan(200);
  });
});
