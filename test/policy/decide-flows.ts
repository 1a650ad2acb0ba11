/**
 * The policy tier's one test per flow: the request evaluated (./evaluate.ts) against its policies, and
 * the decision the flow expects; WATCHKEEPER_PRINT_FLOWS=1 prints the flow table afterwards.
 */
import { afterAll, expect, it } from "vitest";
import { evaluate } from "./evaluate.js";
import { flowTable, type Evaluated } from "./flow-table.js";
import type { Flow } from "./flows.js";

/** Call inside a `describe`: one `it` per flow, named for what it allows or denies. */
export function itDecidesEachFlow(flows: readonly Flow[]): void {
  const evaluated: Evaluated[] = [];
  afterAll(() => {
    if (process.env.WATCHKEEPER_PRINT_FLOWS === "1") console.log(flowTable(evaluated));
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
}
