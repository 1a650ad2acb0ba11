/**
 * `plan`'s alarm data check on the simulated sample account: ListMetrics for every metric the planned alarms
 * read, the "Alarm data check" section after the alarms, `alarmDataCheck` in --json, --no-lint, and a denied
 * listing. The check is advice: the exit code stays the plan's.
 */
import { describe, expect, it } from "vitest";
import type { AlarmDataCheck } from "../../lib/alarms/lint.js";
import { sampleAccount, simulatedAws, type SimAccount } from "../../lib/sim/index.js";
import { runMain } from "./capture.js";

/**
 * The sample account, with the orders table's ReadThrottleEvents published per [Operation, TableName] (the
 * shape DynamoDB really gives SystemErrors): the read-throttle aggregate's SCHEMA("AWS/DynamoDB", TableName)
 * then matches no series at all.
 */
function accountWithPerOperationThrottles(): SimAccount {
  const sim = sampleAccount();
  sim.emitMetric({
    namespace: "AWS/DynamoDB",
    metricName: "ReadThrottleEvents",
    dimensions: { TableName: "orders", Operation: "Query" },
    values: [3],
    timestamp: sim.clock.now() - 60_000,
  });
  return sim;
}

const listMetricsCalls = (sim: SimAccount) =>
  sim.stats().find((s) => s.service === "cloudwatch" && s.api === "ListMetrics")?.calls ?? 0;

const NEVER_LINE =
  "  ! watchkeeper-dynamodb-read-throttle-events  AWS/DynamoDB ReadThrottleEvents is listed only with " +
  "[Operation, TableName], never with exactly the query's SCHEMA [TableName]: the query matches no series; " +
  "it would stay OK whatever happens\n";

describe("plan: alarm data check", () => {
  it("names the alarm that can never get data, summarizes the rest, and exits 0", async () => {
    const sim = accountWithPerOperationThrottles();
    const { code, stdout, stderr } = await runMain(["plan", "--demo"], { sim });
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(
      /\n\nAlarm data check: (\d+) alarms, \d+ with data, 1 can never get data, \d+ no data yet, 0 unknown \(ListMetrics, last two weeks: \d+ calls\)\n/,
    );
    expect(stdout).toContain(NEVER_LINE);
    // The rest is counted by metric: an idle resource and a metric sent only on failure are not alarming.
    expect(stdout).toContain(
      "  no data yet (expected before traffic, and for metrics sent only on failure):\n",
    );
    expect(stdout).toMatch(
      /\n {4}AWS\/Lambda Duration: \d+ alarms, \d+ nothing listed for the resource \(new, or no traffic yet\); \d+ the resource publishes other metrics \(normal if this one is sent only on failure\)\n/,
    );
    // After the alarms, before retention; the next step still ends the output.
    expect(stdout.indexOf("Alarm data check:")).toBeGreaterThan(
      stdout.indexOf("monthly cost of managed alarms"),
    );
    expect(stdout.indexOf("Alarm data check:")).toBeLessThan(stdout.indexOf("Log retention:"));
    expect(stdout).toMatch(/\nRun `watchkeeper apply --demo` to make these \d+ changes\.\n$/);
    expect(listMetricsCalls(sim)).toBeGreaterThan(0);
  });

  it("--json adds alarmDataCheck (every finding with its reason) and keeps the other fields", async () => {
    const sim = accountWithPerOperationThrottles();
    const { code, stdout } = await runMain(["plan", "--demo", "--json"], { sim });
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as {
      alarms: { changes: { desired?: unknown }[] };
      retention: unknown;
      health: { status: string };
      alarmDataCheck: AlarmDataCheck;
    };
    expect(plan.health.status).toBe("complete");
    expect(plan.retention).toBeDefined();
    const check = plan.alarmDataCheck;
    const creates = plan.alarms.changes.filter((c) => c.desired !== undefined).length;
    expect(check.alarms).toBe(creates);
    expect(check.counts.fine + check.counts.never + check.counts["no-data-yet"] + check.counts.unknown).toBe(
      check.alarms,
    );
    expect(check.counts).toMatchObject({ never: 1, unknown: 0 });
    expect(check.findings[0]).toEqual({
      alarm: "watchkeeper-dynamodb-read-throttle-events",
      status: "never",
      cause: "other-dimensions",
      metric: "AWS/DynamoDB ReadThrottleEvents",
      reason: NEVER_LINE.replace(/^ {2}! watchkeeper-dynamodb-read-throttle-events {2}/, "").trimEnd(),
      entryId: "dynamodb-read-throttle-events",
      level: "aggregate",
    });
    // The functions that ran in the last hour publish Invocations and Errors, but no Duration in the sample.
    expect(check.findings).toContainEqual(
      expect.objectContaining({
        alarm: "watchkeeper-lambda-duration-orders-create",
        status: "no-data-yet",
        cause: "metric-quiet",
      }),
    );
    expect(check.calls).toBe(listMetricsCalls(sim));
  });

  it("--no-lint makes no ListMetrics call, says so, and gives alarmDataCheck null", async () => {
    const sim = sampleAccount();
    const text = await runMain(["plan", "--demo", "--no-lint"], { sim });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("\nAlarm data check: skipped (--no-lint)\n");
    const json = await runMain(["plan", "--demo", "--json", "--no-lint"], { sim });
    expect((JSON.parse(json.stdout) as { alarmDataCheck: unknown }).alarmDataCheck).toBeNull();
    expect(listMetricsCalls(sim)).toBe(0);
  });

  it("a denied ListMetrics leaves the alarms unknown, grouped by why; the plan and its exit code stand", async () => {
    const sim = sampleAccount();
    const aws = simulatedAws(sim, {
      faults: { rules: [{ service: "cloudwatch", api: "ListMetrics", fault: "denied" }] },
    });
    const { code, stdout } = await runMain(["plan", "--demo"], { sim, aws });
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /Alarm data check: (\d+) alarms, 0 with data, 0 can never get data, 0 no data yet, \1 unknown/,
    );
    expect(stdout).toMatch(
      /\n {2}\? \d+ alarms not checked: could not be listed: .*ListMetrics.* \(AWS\/\S+ \S+, /,
    );
    expect(stdout).toMatch(/\nRun `watchkeeper apply --demo` to make these \d+ changes\.\n$/);
  });
});
