/**
 * Every AWS API a function's bundle can call (./bundle-calls.ts) is allowed by that function's role:
 * each must map to an allowed IAM action.
 * A helper adding a call without the permission fails here, not with AccessDenied in an account.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { FUNCTIONS } from "../../lib/infra/functions.js";
import { bundleCalls } from "./bundle-calls.js";
import { resourcesOf, templateOf } from "./synth.js";

const CONFIG = {
  slack: {
    secretName: "ops/slack",
    interactive: true,
    allowedUsers: ["U0123ABCD"],
    allowedChannels: ["C0123ABCD"],
  },
  redrive: { auto: true },
};

const calls = new Map<string, string[]>();

beforeAll(async () => {
  for (const spec of FUNCTIONS) calls.set(spec.name, await bundleCalls(spec));
}, 120_000);

const { template } = templateOf(CONFIG);
const functions = resourcesOf(template, "AWS::Lambda::Function");
const policies = Object.values(resourcesOf(template, "AWS::IAM::Policy"));

/** The actions a function's role allows (on any resource, under any condition). */
function allowed(name: string): Set<string> {
  const fn = Object.values(functions).find((p) => p.FunctionName === `watchkeeper-${name}`);
  const role = (fn!.Role as { "Fn::GetAtt": [string] })["Fn::GetAtt"][0];
  return new Set(
    policies
      .filter((p) => (p.Roles as { Ref: string }[]).some((r) => r.Ref === role))
      .flatMap(
        (p) => (p.PolicyDocument as { Statement: { Effect: string; Action: string | string[] }[] }).Statement,
      )
      .filter((s) => s.Effect === "Allow")
      .flatMap((s) => [s.Action].flat()),
  );
}

describe("every API a function can call is allowed", () => {
  for (const spec of FUNCTIONS) {
    it(spec.name, () => {
      const needed = calls.get(spec.name)!;
      expect(needed.length).toBeGreaterThan(0);
      const granted = allowed(spec.name);
      expect(needed.filter((action) => !granted.has(action))).toEqual([]);
    });
  }

  it("sees the calls that matter (the scan finds commands at all)", () => {
    expect(calls.get("log-retention")).toEqual(
      expect.arrayContaining(["logs:DescribeLogGroups", "logs:PutRetentionPolicy", "lambda:GetFunction"]),
    );
    expect(calls.get("breaker")).toEqual(
      expect.arrayContaining(["lambda:PutFunctionConcurrency", "lambda:UpdateEventSourceMapping"]),
    );
    expect(calls.get("notifier")).toContain("secretsmanager:GetSecretValue");
    expect(calls.get("reconcile")).not.toContain("lambda:PutFunctionConcurrency");
  });
});
