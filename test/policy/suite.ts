/**
 * A policy tier suite: every flow evaluated as its own test, named for what it allows or denies, after a
 * check that each kind of flow is there at all. WATCHKEEPER_PRINT_FLOWS=1 prints the flow table.
 */
import { afterAll, describe, expect, it } from "vitest";
import { evaluate } from "./evaluate.js";
import { flowTable, type Evaluated } from "./flow-table.js";
import type { Flow } from "./flows.js";

export function flowSuite(title: string, flows: readonly Flow[], kinds: readonly RegExp[]): void {
  const evaluated: Evaluated[] = [];

  afterAll(() => {
    if (process.env.WATCHKEEPER_PRINT_FLOWS === "1") console.log(flowTable(evaluated));
  });

  describe(title, () => {
    it("has flows of every kind", () => {
      const names = flows.map((f) => f.name);
      for (const kind of kinds) {
        expect(
          names.some((name) => kind.test(name)),
          String(kind),
        ).toBe(true);
      }
    });

    for (const flow of flows) {
      it(`${flow.expected === "allowed" ? "allows" : "denies"} ${flow.name}`, async () => {
        const decision = await evaluate(flow.request, flow.policies);
        evaluated.push({ flow, result: decision.result });
        expect(
          decision.allowed ? "allowed" : "denied",
          `${flow.name}: ${flow.request.action} on ${flow.request.resource}`,
        ).toBe(flow.expected);
      });
    }
  });
}
