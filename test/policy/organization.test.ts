/**
 * The policy tier for the organization (test/policy/organization.ts): the administrator account reads a
 * member through `<prefix>org-reader` and nothing else, no one else may assume it, and only the
 * organization reads the code buckets. WATCHKEEPER_PRINT_FLOWS=1 prints the flow table.
 */
import { describe, expect, it } from "vitest";
import { itDecidesEachFlow } from "./decide-flows.js";
import { organizationFlows } from "./organization.js";

const flows = organizationFlows();

describe("organization flows under IAM, trust and bucket policies", () => {
  it("has flows of every kind", () => {
    const names = flows.map((f) => f.name);
    for (const kind of [
      /^org-reader: assumed from the administrator account$/,
      /^org-reader: negative: assumed from another account/,
      /^org-reader: sqs:ListMessageMoveTasks in us-east-1$/,
      /^org-reader: negative: change a managed alarm$/,
      /^code bucket \(us-east-1\): a member's CloudFormation reads the code$/,
      /^code bucket \(eu-west-1\): negative: an account outside the organization/,
    ]) {
      expect(
        names.some((name) => kind.test(name)),
        String(kind),
      ).toBe(true);
    }
  });

  itDecidesEachFlow(flows);
});
