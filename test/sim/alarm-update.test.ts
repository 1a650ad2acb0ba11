/**
 * `SimAccount.evaluateAlarms` across an update of an alarm it has evaluated (PutMetricAlarm on an existing
 * alarm keeps its state and replaces its configuration): the new configuration's evaluations continue the
 * schedule, and Metrics Insights contributors go on from their states, so an update neither loses a
 * transition nor invents one. The reconcile updates alarms mid-incident (the circuit breaker's hint).
 */
import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
} from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import { SimAccount, simulatedAws } from "../../lib/sim/index.js";

const MINUTE = 60_000;

function setup() {
  const sim = new SimAccount({ enforceQuotas: false });
  const topicArn = sim.addTopic({ name: "alerts" }).arn;
  const cloudwatch = simulatedAws(sim).client(CloudWatchClient);
  // Minutes count from a minute boundary.
  sim.advanceTime(MINUTE - (sim.clock.now() % MINUTE));
  return { sim, topicArn, cloudwatch, t0: sim.clock.now() };
}

/** Errors of `checkout`, > `threshold` in 1 of 1 minutes, notifying on ALARM and OK. */
function errorsAlarm(topicArn: string, threshold: number): PutMetricAlarmCommand {
  return new PutMetricAlarmCommand({
    AlarmName: "checkout-errors",
    Namespace: "Shop",
    MetricName: "Errors",
    Dimensions: [{ Name: "Service", Value: "checkout" }],
    Statistic: "Sum",
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: threshold,
    ComparisonOperator: "GreaterThanThreshold",
    TreatMissingData: "notBreaching",
    AlarmActions: [topicArn],
    OKActions: [topicArn],
  });
}

/** One datapoint per minute from `from` (minutes after t0), in the middle of the minute. */
function errors(sim: SimAccount, t0: number, values: readonly number[], from = 0): void {
  values.forEach((value, i) =>
    sim.emitMetric({
      namespace: "Shop",
      metricName: "Errors",
      dimensions: { Service: "checkout" },
      values: [value],
      timestamp: t0 + (from + i) * MINUTE + 30_000,
    }),
  );
}

describe("an alarm updated after it was evaluated", () => {
  it("is evaluated with its new configuration from the next period boundary: a one-period breach there is not lost", async () => {
    const { sim, topicArn, cloudwatch, t0 } = setup();
    await cloudwatch.send(errorsAlarm(topicArn, 10));
    // Minute 5 alone is above 3.
    errors(sim, t0, [1, 1, 1, 1, 1, 5, 1, 1, 1]);
    sim.advanceTime(5 * MINUTE + 40_000);
    expect(sim.evaluateAlarms().transitions.map((t) => [t.to, (t.at - t0) / MINUTE])).toEqual([["OK", 1]]);
    // Updated at 5:40 (after the evaluation at 5:00): the evaluation at 6:00, which reads minute 5, is the
    // new configuration's first (a new alarm's would be one period after its creation, at 7:00).
    await cloudwatch.send(errorsAlarm(topicArn, 3));
    sim.advanceTime(4 * MINUTE);
    expect(sim.evaluateAlarms().transitions.map((t) => [t.to, (t.at - t0) / MINUTE])).toEqual([
      ["ALARM", 6],
      ["OK", 7],
    ]);
    expect(sim.notifications.map((n) => [n.newState, (n.at - t0) / MINUTE])).toEqual([
      ["OK", 1],
      ["ALARM", 6],
      ["OK", 7],
    ]);
  });

  it("keeps its state: an ALARM that still holds is not sent again", async () => {
    const { sim, topicArn, cloudwatch, t0 } = setup();
    await cloudwatch.send(errorsAlarm(topicArn, 10));
    errors(sim, t0, [20, 20, 20, 20, 20, 20, 20, 20]);
    sim.advanceTime(4 * MINUTE + 10_000);
    expect(sim.evaluateAlarms().transitions.map((t) => t.to)).toEqual(["ALARM"]);
    await cloudwatch.send(errorsAlarm(topicArn, 12));
    sim.advanceTime(4 * MINUTE);
    expect(sim.evaluateAlarms().transitions).toEqual([]);
    expect(sim.notifications.map((n) => n.newState)).toEqual(["ALARM"]);
  });
});

describe("a Metrics Insights alarm updated after it was evaluated", () => {
  const query = (where = "") =>
    `SELECT MAX(ApproximateAgeOfOldestMessage) FROM SCHEMA("AWS/SQS", QueueName)${where} GROUP BY QueueName ORDER BY MAX() DESC LIMIT 10`;
  const alarm = (topicArn: string, expression: string, extra: Partial<PutMetricAlarmCommandInput> = {}) =>
    new PutMetricAlarmCommand({
      AlarmName: "queues-waiting",
      Metrics: [{ Id: "q1", Expression: expression, Period: 60, ReturnData: true }],
      EvaluationPeriods: 1,
      Threshold: 300,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [topicArn],
      OKActions: [topicArn],
      ...extra,
    });

  function ages(sim: SimAccount, t0: number, minutes: number, byQueue: Record<string, number>): void {
    for (const [queue, age] of Object.entries(byQueue))
      for (let minute = 0; minute < minutes; minute++)
        sim.emitMetric({
          namespace: "AWS/SQS",
          metricName: "ApproximateAgeOfOldestMessage",
          dimensions: { QueueName: queue },
          values: [age],
          timestamp: t0 + minute * MINUTE,
        });
  }

  it("contributors go on from their states: no second ALARM; one the query leaves out goes OK once", async () => {
    const { sim, topicArn, cloudwatch, t0 } = setup();
    await cloudwatch.send(alarm(topicArn, query()));
    ages(sim, t0, 10, { orders: 900, payments: 600, audit: 5 });
    sim.advanceTime(3 * MINUTE + 30_000);
    sim.evaluateAlarms();
    const pages = () =>
      sim.notifications.map((n) => [n.contributor, n.newState, (n.at - t0) / MINUTE] as const);
    expect(pages()).toEqual([
      ["QueueName=orders", "ALARM", 1],
      ["QueueName=payments", "ALARM", 1],
    ]);

    // orders is left out of the query (as the throttles aggregate leaves out a function whose breaker
    // is open); payments still waits, audit is still fine.
    await cloudwatch.send(alarm(topicArn, query(" WHERE QueueName != 'orders'"), { Threshold: 400 }));
    sim.advanceTime(5 * MINUTE);
    expect(sim.evaluateAlarms().transitions).toEqual([]);
    expect(pages()).toEqual([
      ["QueueName=orders", "ALARM", 1],
      ["QueueName=payments", "ALARM", 1],
      ["QueueName=orders", "OK", 4],
    ]);
    expect(sim.alarms.get("queues-waiting")!.state).toBe("ALARM");

    // Taken back in while it still waits: it pages again, as a contributor that joins in ALARM does.
    await cloudwatch.send(alarm(topicArn, query(), { Threshold: 400 }));
    sim.advanceTime(MINUTE);
    sim.evaluateAlarms();
    expect(pages().slice(3)).toEqual([["QueueName=orders", "ALARM", 9]]);
  });

  it("evaluated in one go or in steps around nothing but time, it sends the same notifications", async () => {
    const run = async (steps: readonly number[]) => {
      const { sim, topicArn, cloudwatch, t0 } = setup();
      await cloudwatch.send(alarm(topicArn, query()));
      ages(sim, t0, 4, { orders: 900, payments: 200 });
      ages(sim, t0 + 4 * MINUTE, 4, { orders: 100, payments: 800 });
      for (const minutes of steps) {
        sim.advanceTime(minutes * MINUTE);
        sim.evaluateAlarms();
      }
      return sim.notifications.map((n) => [n.contributor, n.newState, n.at - t0]);
    };
    const whole = await run([10]);
    expect(whole).toHaveLength(3);
    expect(await run([1, 2, 3, 4])).toEqual(whole);
    expect(await run([3, 1, 1, 5])).toEqual(whole);
  });
});
