/** A deleted alarm says the one reason it goes, read from its tags against the inventory and the policy. */
import { describe, expect, it } from "vitest";
import { planAlarms, type AlarmChange } from "../../lib/alarms/plan.js";
import type { AlarmSpec, ExistingAlarm } from "../../lib/alarms/spec.js";
import type { Resource } from "../../lib/inventory/types.js";
import { ACCOUNT, REGION, fn, inventoryOf, policyOf, queue, queueWithDlq, tagged } from "./fixtures.js";

function existingFrom(spec: AlarmSpec, tags: Record<string, string> = spec.tags): ExistingAlarm {
  const { name, origin: _origin, tags: _tags, ...definition } = spec;
  return {
    ...definition,
    name,
    arn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`,
    managed: true,
    tags,
  };
}

function deletions(
  before: readonly Resource[],
  after: readonly Resource[],
  policies = { before: policyOf(), after: policyOf() },
): Map<string, string> {
  const existing = planAlarms(inventoryOf(before), policies.before, []).desired.map((spec) =>
    existingFrom(spec),
  );
  const plan = planAlarms(inventoryOf(after), policies.after, existing);
  return new Map(
    plan.changes
      .filter((change: AlarmChange) => change.action === "delete")
      .map((change) => [change.target, change.reason]),
  );
}

const dlq = queue("orders-dlq");
const checkout = fn("checkout", { timeoutSeconds: 30 });

describe("why an alarm is deleted", () => {
  it("its resource is gone from the account", () => {
    const reasons = deletions(
      [checkout, queueWithDlq("orders", dlq), dlq],
      [queueWithDlq("orders", dlq), dlq],
    );
    const own = [...reasons].find(([name]) => name.includes("duration-checkout"));
    expect(own?.[1]).toBe(`no longer needed: its resource is gone from the account (${checkout.arn})`);
    // The account-wide Lambda alarms go with the last function.
    expect(reasons.get("watchkeeper-lambda-errors")).toBe(
      "no longer needed: no Lambda function is left in the account",
    );
  });

  it("the resource is now tagged watchkeeper:ignore", () => {
    const reasons = deletions([checkout], [tagged(checkout, { "watchkeeper:ignore": "true" })]);
    expect([...reasons.values()]).toContain("no longer needed: checkout is now tagged watchkeeper:ignore");
  });

  it("the resource no longer needs its own alarm: not critical any more", () => {
    const policies = { before: policyOf({ criticalResources: [checkout.arn] }), after: policyOf() };
    const reasons = deletions([checkout], [checkout], policies);
    expect(reasons.size).toBeGreaterThan(0);
    for (const reason of reasons.values())
      expect(reason).toMatch(/^no longer needed: checkout no longer needs its own alarm: /);
  });

  it("the catalog entry is turned off in the config", () => {
    const policies = { before: policyOf(), after: policyOf({ disabled: ["lambda-errors"] }) };
    const reasons = deletions([checkout], [checkout], policies);
    expect(reasons.get("watchkeeper-lambda-errors")).toBe(
      "no longer needed: lambda-errors is turned off in the config (alarms.disabled)",
    );
  });

  it("the capability that wanted it no longer does", () => {
    const [spec] = planAlarms(inventoryOf([checkout]), policyOf(), []).desired;
    const breakerAlarm = existingFrom(
      { ...spec!, name: "watchkeeper-breaker-error-rate-checkout" },
      {
        "watchkeeper:managed": "true",
        "watchkeeper:alarm": "breaker-error-rate",
        "watchkeeper:resource": checkout.arn,
      },
    );
    const plan = planAlarms(inventoryOf([checkout]), policyOf(), [breakerAlarm]);
    expect(plan.changes.find((change) => change.target === breakerAlarm.name)).toMatchObject({
      action: "delete",
      reason: "no longer needed: the capability that wanted it (breaker) no longer does",
    });
  });
});
