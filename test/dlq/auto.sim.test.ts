/**
 * Applying the auto-redrive plan on lib/sim: the count tag is written before each redrive and re-read
 * live, so a poison message that keeps failing is redriven at most maxPerDay times a UTC day; a running
 * move task is left alone without spending a redrive; the re-invoke path runs for a function's DLQ.
 */
import { describe, expect, it } from "vitest";
import type { Aws } from "../../lib/aws/index.js";
import {
  DLQ_INVENTORY_KINDS,
  autoRedriveAlarmNames,
  autoRedrivePlan,
  readAlarmStates,
  redriveHistory,
  runAutoRedrive,
  startRedrive,
} from "../../lib/dlq/index.js";
import { discoverInventory } from "../../lib/inventory/index.js";
import type { SimAccount } from "../../lib/sim/index.js";
import { advance, bodies, simSetup } from "./fixtures.js";

function errorsAlarm(sim: SimAccount, fn: string): void {
  sim.addAlarm({
    AlarmName: `watchkeeper-lambda-errors-${fn}`,
    Namespace: "AWS/Lambda",
    MetricName: "Errors",
    Dimensions: [{ Name: "FunctionName", Value: fn }],
    Statistic: "Sum",
    Period: 60,
    EvaluationPeriods: 3,
    Threshold: 0,
    ComparisonOperator: "GreaterThanThreshold",
    state: "OK",
  });
}

/** One scheduled run: a fresh inventory, the alarms it needs, the plan, and its application. */
async function autoRun(aws: Aws) {
  const inventory = await discoverInventory(aws, { kinds: [...DLQ_INVENTORY_KINDS] });
  const states = await readAlarmStates(aws, autoRedriveAlarmNames(inventory));
  const plan = autoRedrivePlan(inventory, states, redriveHistory(inventory), aws.pacer.clock.now());
  return { plan, outcomes: await runAutoRedrive(aws, inventory, plan) };
}

/** The consumer fails on the same messages again: they go back to the DLQ. */
function failAgain(sim: SimAccount): void {
  const payments = sim.queue("payments")!;
  for (const message of payments.messages) {
    sim.addMessage("payments-dlq", { body: message.body, fromQueue: "payments", receiveCount: 5 });
  }
  payments.messages = [];
}

describe("runAutoRedrive", () => {
  it("redrives a poison message at most 3 times a UTC day, then again the next day", async () => {
    const { sim, aws } = await simSetup((sim) => {
      sim.queue("payments-dlq")!.tags["watchkeeper:auto-redrive"] = "15";
      errorsAlarm(sim, "payments-consumer");
    });
    advance(sim, 16 * 60_000);

    for (const n of [1, 2, 3]) {
      const { outcomes } = await autoRun(aws);
      expect(outcomes.map((o) => o.status)).toEqual(["started"]);
      expect(outcomes[0]?.sentence).toContain(`(auto-redrive ${n} of 3 today)`);
      expect(sim.queue("payments-dlq")!.tags["watchkeeper:redrives"]).toBe(`2025-01-01:${n}`);
      advance(sim, 1_000);
      expect(bodies(sim, "payments")).toHaveLength(3);
      failAgain(sim);
    }

    const fourth = await autoRun(aws);
    expect(fourth.plan.decisions[0]?.reason).toContain("already redriven 3 times today (2025-01-01, UTC)");
    expect(fourth.outcomes).toEqual([]);
    advance(sim, 10_000);
    expect(bodies(sim, "payments-dlq")).toHaveLength(3);
    expect(bodies(sim, "payments")).toEqual([]);

    advance(sim, 24 * 3_600_000);
    const nextDay = await autoRun(aws);
    expect(nextDay.outcomes.map((o) => o.status)).toEqual(["started"]);
    expect(sim.queue("payments-dlq")!.tags["watchkeeper:redrives"]).toBe("2025-01-02:1");
  });

  it("re-reads the count on the queue: a count written after the inventory was read still stops the redrive", async () => {
    const { sim, aws } = await simSetup((sim) => {
      sim.queue("payments-dlq")!.tags["watchkeeper:auto-redrive"] = "15";
      errorsAlarm(sim, "payments-consumer");
    });
    advance(sim, 16 * 60_000);
    const inventory = await discoverInventory(aws, { kinds: [...DLQ_INVENTORY_KINDS] });
    const states = await readAlarmStates(aws, autoRedriveAlarmNames(inventory));
    const plan = autoRedrivePlan(inventory, states, redriveHistory(inventory), sim.clock.now());
    expect(plan.decisions[0]?.action).toBe("redrive");

    sim.queue("payments-dlq")!.tags["watchkeeper:redrives"] = "2025-01-01:3";
    const outcomes = await runAutoRedrive(aws, inventory, plan);
    expect(outcomes.map((o) => [o.status, o.sentence])).toEqual([
      ["skipped", "payments-dlq: already redriven 3 times today (max 3)"],
    ]);
    expect(sim.moveTasks).toEqual([]);
  });

  it("leaves a running move task alone without spending a redrive", async () => {
    const { sim, aws, inventory } = await simSetup((sim) => {
      sim.queue("payments-dlq")!.tags["watchkeeper:auto-redrive"] = "15";
      errorsAlarm(sim, "payments-consumer");
    });
    advance(sim, 16 * 60_000);
    await startRedrive(aws, inventory, "payments-dlq", { ratePerSecond: 1 });
    const { outcomes } = await autoRun(aws);
    expect(outcomes.map((o) => [o.status, o.sentence])).toEqual([
      ["skipped", "payments-dlq: a message move task is already RUNNING"],
    ]);
    expect(sim.queue("payments-dlq")!.tags).not.toHaveProperty("watchkeeper:redrives");
    expect(sim.moveTasks).toHaveLength(1);
  });

  it("re-invokes a function opted in by its own tag", async () => {
    const { sim, aws } = await simSetup((sim) => {
      sim.functions.get("notifications-sender")!.tags["watchkeeper:auto-redrive"] = "5";
      errorsAlarm(sim, "notifications-sender");
      for (const n of [1, 2]) sim.addMessage("notifications-dlq", { body: `{"n":${n}}` });
    });
    const early = await autoRun(aws);
    expect(early.plan.decisions[0]?.reason).toContain("has been OK for 0 min, less than the 5 min asked");
    advance(sim, 6 * 60_000);
    const { outcomes } = await autoRun(aws);
    expect(outcomes.map((o) => o.status)).toEqual(["redriven"]);
    expect(outcomes[0]?.reinvoke?.moved).toHaveLength(2);
    expect(sim.functions.get("notifications-sender")!.invocations.map((i) => i.payload)).toEqual([
      '{"n":1}',
      '{"n":2}',
    ]);
    expect(sim.queue("notifications-dlq")!.tags["watchkeeper:redrives"]).toBe("2025-01-01:1");
  });
});
