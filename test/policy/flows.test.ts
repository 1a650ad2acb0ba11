/**
 * The policy tier: every flow of the deployed system (test/policy/flows.ts) evaluated against the
 * synthesized template by a real IAM policy evaluator. An intended flow that is denied fails naming the
 * flow; so does a negative flow that is allowed. WATCHKEEPER_PRINT_FLOWS=1 prints the flow table.
 */
import { afterAll, describe, expect, it } from "vitest";
import { PLACE, SLACK_SECRET_NAME } from "./account.js";
import { deployed } from "./deployed.js";
import { evaluate } from "./evaluate.js";
import { flowTable, type Evaluated } from "./flow-table.js";
import { flowsOf } from "./flows.js";

const CONFIG = {
  breaker: { functions: ["payments-consumer"] },
  redrive: { auto: true },
  slack: {
    secretName: SLACK_SECRET_NAME,
    interactive: true,
    allowedUsers: ["U0123ABCD"],
    allowedChannels: ["C0123ABCD"],
  },
};

const flows = await flowsOf(deployed(CONFIG, PLACE));
const evaluated: Evaluated[] = [];

afterAll(() => {
  if (process.env.WATCHKEEPER_PRINT_FLOWS === "1") console.log(flowTable(evaluated));
});

describe("deployed flows under IAM and resource policies", () => {
  it("has flows of every kind", () => {
    const names = flows.map((f) => f.name);
    for (const kind of [
      /^alarm .* → topic$/,
      /^topic → notifier$/,
      /^rule .* → hints queue$/,
      /^Slack → /,
      /^breaker: /,
      /^breaker: sqs:SendMessage hint a reconcile run/,
      /kms:/,
    ]) {
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
