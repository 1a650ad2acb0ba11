import { LambdaClient, UntagResourceCommand } from "@aws-sdk/client-lambda";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../lib/config/index.js";
import { discoverInventory } from "../../lib/inventory/index.js";
import { plannedWrites, reconcileAccount, type AccountRun } from "../../lib/reconcile/index.js";
import { sampleAccount, simulatedAws } from "../../lib/sim/index.js";

function writes(run: AccountRun): string[] {
  return plannedWrites(run).map((change) => `${change.kind} ${change.action} ${change.target}`);
}

describe("reconcileAccount on the sample account", () => {
  it("converges in one run: alarms, retention and the dashboard, then nothing left to do", async () => {
    const sim = sampleAccount();
    const aws = simulatedAws(sim);
    const config = parseConfig({});

    const dry = await reconcileAccount(aws, await discoverInventory(aws), config, { dryRun: true });
    expect(writes(dry).length).toBeGreaterThan(0);
    expect(sim.alarms.size).toBe(2); // the two unowned alarms the sample starts with

    const applied = await reconcileAccount(aws, await discoverInventory(aws), config);
    const planned = writes(dry);
    expect(applied.alarms.report.failed + applied.retention.report.failed).toBe(0);
    expect(sim.alarms.size).toBe(2 + planned.filter((w) => w.startsWith("alarm create")).length);
    expect([...sim.dashboards.keys()]).toContain("watchkeeper-dashboard-us-east-1");
    // Only the group tagged watchkeeper:ignore=true still never expires.
    const neverExpiring = [...sim.logGroups.values()].filter((g) => g.retentionInDays === undefined);
    expect(neverExpiring.map((g) => [g.name, g.tags["watchkeeper:ignore"]])).toEqual([
      ["/legacy/batch-import", "true"],
    ]);
    expect(sim.stats().reduce((n, s) => n + s.throttled, 0)).toBe(0);

    const again = await reconcileAccount(aws, await discoverInventory(aws), config, { dryRun: true });
    expect(writes(again)).toEqual([]);
    // OpenFindings by severity, published once by the applying run (not by the dry runs).
    const published = sim.stats().find((s) => s.api === "PutMetricData");
    expect(published?.calls).toBe(1);
    expect(applied.findingsMetricError).toBeUndefined();
    // The findings the dashboard shows already describe the account after the run.
    expect(applied.findings.filter((f) => f.checkId === "log-group-never-expires")).toEqual([]);
  });

  it("creates the circuit breaker's trip alarms, keeps them, and deletes them once the function opts out", async () => {
    const sim = sampleAccount();
    const aws = simulatedAws(sim);
    const config = parseConfig({});
    const trip = [
      "watchkeeper-breaker-error-rate-payments-consumer",
      "watchkeeper-breaker-invocations-anomaly-payments-consumer",
    ];
    const tripAlarms = () => [...sim.alarms.keys()].filter((name) => name.startsWith("watchkeeper-breaker-"));

    const first = await reconcileAccount(aws, await discoverInventory(aws), config);
    expect(first.alarms.report.failed).toBe(0);
    expect(writes(first).filter((w) => w.includes("breaker"))).toEqual(trip.map((n) => `alarm create ${n}`));
    expect(tripAlarms()).toEqual(trip);
    const band = sim.alarms.get(trip[1]!);
    expect(band?.config).toMatchObject({
      ThresholdMetricId: "band",
      ComparisonOperator: "GreaterThanUpperThreshold",
    });
    expect(band?.config.Threshold).toBeUndefined();
    expect(sim.alarms.get(trip[0]!)?.config).toMatchObject({
      Threshold: 10,
      ComparisonOperator: "GreaterThanThreshold",
    });
    for (const name of trip) {
      expect(sim.alarms.get(name)?.tags).toMatchObject({
        "watchkeeper:managed": "true",
        "watchkeeper:breaker-function": "payments-consumer",
      });
    }

    // Read back, both shapes are what the plan wants: a second run writes nothing.
    const second = await reconcileAccount(aws, await discoverInventory(aws), config);
    expect(writes(second)).toEqual([]);
    expect(tripAlarms()).toEqual(trip);

    // The function opts out: the next run deletes its trip alarms, and only those (the dashboard's alarm
    // status, which lists every planned alarm, loses them).
    const fn = first.inventory.resources.find((r) => r.name === "payments-consumer");
    await aws
      .client(LambdaClient)
      .send(new UntagResourceCommand({ Resource: fn!.arn, TagKeys: ["watchkeeper:breaker"] }));
    const before = new Set(sim.alarms.keys());
    const third = await reconcileAccount(aws, await discoverInventory(aws), config);
    expect(third.alarms.report.failed).toBe(0);
    expect(writes(third)).toEqual([
      ...trip.map((n) => `alarm delete ${n}`),
      "dashboard update watchkeeper-dashboard-us-east-1",
    ]);
    expect(tripAlarms()).toEqual([]);
    expect([...before].filter((name) => !sim.alarms.has(name))).toEqual(trip);
  });

  it("writes nothing on a dry run", async () => {
    const sim = sampleAccount();
    const aws = simulatedAws(sim);
    await reconcileAccount(aws, await discoverInventory(aws), parseConfig({}), { dryRun: true });
    const writesMade = sim.stats().filter((s) => /^(Put|Delete|Tag)/.test(s.api) && s.calls > 0);
    expect(writesMade).toEqual([]);
  });

  it("leaves dashboards alone when they are turned off", async () => {
    const sim = sampleAccount();
    const aws = simulatedAws(sim);
    const run = await reconcileAccount(
      aws,
      await discoverInventory(aws),
      parseConfig({ dashboards: { enabled: false } }),
    );
    expect(run.dashboards).toBeUndefined();
    expect(sim.dashboards.size).toBe(0);
  });
});
