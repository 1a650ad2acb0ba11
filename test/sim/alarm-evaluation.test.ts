/**
 * `SimAccount.evaluateAlarms`: alarms created and fed through real SDK clients change state as the
 * evaluator says, and what each change causes is recorded as CloudWatch would: DescribeAlarmHistory, the
 * SNS message (read back with lib/notify's parser) and the EventBridge event.
 */
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
  type AlarmHistoryItem,
  type PutMetricAlarmCommandInput,
} from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import { parseBreakerEvent } from "../../functions/breaker.js";
import { parseConfig } from "../../lib/config/index.js";
import { parseAlarmNotification } from "../../lib/notify/index.js";
import { discoverAndReconcile } from "../../lib/reconcile/index.js";
import { SimAccount, simulatedAws } from "../../lib/sim/index.js";
import { collectPages, expectAwsError } from "./helpers.js";

const MINUTE = 60_000;

function setup() {
  const sim = new SimAccount({ enforceQuotas: false });
  const topicArn = sim.addTopic({ name: "alerts" }).arn;
  return { sim, topicArn, cloudwatch: simulatedAws(sim).client(CloudWatchClient) };
}

/** Errors of `checkout` over 3 of 3 minutes, notifying `topicArn` on ALARM and OK. */
function errorsAlarm(topicArn: string, extra: Partial<PutMetricAlarmCommandInput> = {}) {
  return new PutMetricAlarmCommand({
    AlarmName: "checkout-errors",
    AlarmDescription: "Checkout is failing",
    Namespace: "Shop",
    MetricName: "Errors",
    Dimensions: [{ Name: "Service", Value: "checkout" }],
    Statistic: "Sum",
    Period: 60,
    EvaluationPeriods: 3,
    Threshold: 0,
    ComparisonOperator: "GreaterThanThreshold",
    TreatMissingData: "notBreaching",
    AlarmActions: [topicArn],
    OKActions: [topicArn],
    ...extra,
  });
}

/** One Errors datapoint of `value` in the middle of each of the next `minutes` minutes, then the clock past them. */
async function errorsFor(
  sim: SimAccount,
  cloudwatch: CloudWatchClient,
  minutes: number,
  value: number,
): Promise<void> {
  const start = sim.clock.now();
  await cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: "Shop",
      MetricData: Array.from({ length: minutes }, (_, i) => ({
        MetricName: "Errors",
        Dimensions: [{ Name: "Service", Value: "checkout" }],
        Value: value,
        Timestamp: new Date(start + i * MINUTE + 30_000),
      })),
    }),
  );
  sim.advanceTime(minutes * MINUTE);
}

async function stateOf(cloudwatch: CloudWatchClient, name: string) {
  const answer = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  const alarm = answer.MetricAlarms?.[0];
  return { state: alarm?.StateValue, reason: alarm?.StateReason, since: alarm?.StateUpdatedTimestamp };
}

describe("evaluateAlarms: a single-metric alarm", () => {
  it("goes to ALARM on 3 breaching minutes: DescribeAlarms, history, the SNS message and the event agree", async () => {
    const { sim, topicArn, cloudwatch } = setup();
    await cloudwatch.send(errorsAlarm(topicArn));
    const created = sim.clock.now();
    await errorsFor(sim, cloudwatch, 3, 5);

    const { transitions, skipped } = sim.evaluateAlarms();
    expect(skipped).toEqual([]);
    // The first evaluation sees 1 breaching minute of 3 (missing ones not breaching): OK, then ALARM.
    expect(transitions.map((t) => [t.from, t.to, t.at - created])).toEqual([
      ["INSUFFICIENT_DATA", "OK", MINUTE],
      ["OK", "ALARM", 3 * MINUTE],
    ]);
    const reason = "Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (0.0).";
    expect(await stateOf(cloudwatch, "checkout-errors")).toEqual({
      state: "ALARM",
      reason,
      since: new Date(created + 3 * MINUTE),
    });

    const history = await cloudwatch.send(new DescribeAlarmHistoryCommand({ AlarmName: "checkout-errors" }));
    expect(history.AlarmHistoryItems?.map((h) => [h.HistoryItemType, h.HistorySummary])).toEqual([
      ["StateUpdate", "Alarm updated from OK to ALARM"],
      ["StateUpdate", "Alarm updated from INSUFFICIENT_DATA to OK"],
    ]);
    expect(JSON.parse(history.AlarmHistoryItems?.[0]?.HistoryData ?? "")).toMatchObject({
      oldState: { stateValue: "OK" },
      newState: { stateValue: "ALARM", stateReason: reason },
    });

    expect(sim.notifications.map((n) => [n.topicArn, n.oldState, n.newState, n.outcome])).toEqual([
      [topicArn, "INSUFFICIENT_DATA", "OK", "delivered"],
      [topicArn, "OK", "ALARM", "delivered"],
    ]);
    const parsed = parseAlarmNotification(sim.notifications[1]!.message);
    expect(parsed.ok && parsed.change).toMatchObject({
      source: "sns",
      alarmName: "checkout-errors",
      description: "Checkout is failing",
      state: "ALARM",
      previousState: "OK",
      reason,
      region: "us-east-1",
      accountId: sim.accountId,
      time: new Date(created + 3 * MINUTE).toISOString(),
      trigger: {
        metric: {
          namespace: "Shop",
          metricName: "Errors",
          dimensions: [{ name: "Service", value: "checkout" }],
          statistic: "Sum",
          period: 60,
        },
        threshold: 0,
        comparison: "GreaterThanThreshold",
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: "notBreaching",
      },
    });

    const event = sim.alarmEvents.at(-1);
    expect(parseAlarmNotification(event)).toMatchObject({
      ok: true,
      change: { source: "eventbridge", alarmName: "checkout-errors", state: "ALARM", previousState: "OK" },
    });
    expect(parseBreakerEvent(event)).toMatchObject({
      status: "alarm",
      change: { alarmName: "checkout-errors", state: "ALARM", account: sim.accountId },
    });
  });

  it("reports nothing new when called again, and the recovery when the errors stop", async () => {
    const { sim, topicArn, cloudwatch } = setup();
    await cloudwatch.send(errorsAlarm(topicArn));
    await errorsFor(sim, cloudwatch, 3, 5);
    expect(sim.evaluateAlarms().transitions).toHaveLength(2);

    expect(sim.evaluateAlarms()).toEqual({ transitions: [], skipped: [] });
    expect(sim.alarmHistory).toHaveLength(2);
    expect(sim.notifications).toHaveLength(2);
    expect(sim.alarmEvents).toHaveLength(2);

    await errorsFor(sim, cloudwatch, 1, 0);
    expect(sim.evaluateAlarms().transitions.map((t) => [t.from, t.to, t.reason])).toEqual([
      [
        "ALARM",
        "OK",
        "Threshold Crossed: 1 out of the last 3 datapoints was not greater than the threshold (0.0).",
      ],
    ]);
    expect((await stateOf(cloudwatch, "checkout-errors")).state).toBe("OK");
    expect(sim.notifications.at(-1)).toMatchObject({ oldState: "ALARM", newState: "OK" });
  });

  it("moves back from a SetAlarmState the metrics disagree with, at the next evaluation", async () => {
    const { sim, topicArn, cloudwatch } = setup();
    await cloudwatch.send(errorsAlarm(topicArn));
    await errorsFor(sim, cloudwatch, 3, 5);
    sim.evaluateAlarms();

    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: "checkout-errors", StateValue: "OK", StateReason: "testing" }),
    );
    // SetAlarmState is a state change like any other: recorded, and its actions run.
    expect(sim.alarmHistory.at(-1)?.summary).toBe("Alarm updated from ALARM to OK");
    expect(sim.notifications.at(-1)).toMatchObject({ oldState: "ALARM", newState: "OK" });
    expect(sim.evaluateAlarms().transitions).toEqual([]);
    expect((await stateOf(cloudwatch, "checkout-errors")).reason).toBe("testing");

    await errorsFor(sim, cloudwatch, 1, 5);
    const [back] = sim.evaluateAlarms().transitions;
    expect(back).toMatchObject({ alarmName: "checkout-errors", from: "OK", to: "ALARM" });
    expect(await stateOf(cloudwatch, "checkout-errors")).toMatchObject({
      state: "ALARM",
      since: new Date(back!.at),
    });
    expect(sim.alarmEvents.at(-1)?.detail).toMatchObject({
      state: { value: "ALARM" },
      previousState: { value: "OK", reason: "testing" },
    });
  });

  it("with ActionsEnabled false: the EventBridge event and the history, no SNS delivery", async () => {
    const { sim, topicArn, cloudwatch } = setup();
    await cloudwatch.send(errorsAlarm(topicArn, { ActionsEnabled: false }));
    await errorsFor(sim, cloudwatch, 3, 5);
    sim.evaluateAlarms();
    expect((await stateOf(cloudwatch, "checkout-errors")).state).toBe("ALARM");
    expect(sim.alarmEvents.map((e) => e.detail.state.value)).toEqual(["OK", "ALARM"]);
    expect(sim.alarmHistory).toHaveLength(2);
    expect(sim.notifications).toEqual([]);
  });

  it("records a notification to a topic the account does not have as failed", async () => {
    const { sim, cloudwatch } = setup();
    const missing = sim.topicArn("deleted-topic");
    await cloudwatch.send(errorsAlarm(missing, { OKActions: [] }));
    await errorsFor(sim, cloudwatch, 3, 5);
    sim.evaluateAlarms();
    expect(sim.notifications.map((n) => [n.topicArn, n.newState, n.outcome])).toEqual([
      [missing, "ALARM", "failed"],
    ]);
  });

  it("reports an alarm the evaluator cannot evaluate, and leaves it as it was", async () => {
    const { sim, topicArn, cloudwatch } = setup();
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: "checkout-error-rate",
        Metrics: [
          {
            Id: "m1",
            MetricStat: {
              Metric: { Namespace: "Shop", MetricName: "Errors", Dimensions: [] },
              Period: 60,
              Stat: "Sum",
            },
            ReturnData: false,
          },
          { Id: "rate", Expression: "RATE(m1)", Period: 60, ReturnData: true },
        ],
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanThreshold",
        AlarmActions: [topicArn],
      }),
    );
    await cloudwatch.send(errorsAlarm(topicArn));
    await errorsFor(sim, cloudwatch, 3, 5);
    const { transitions, skipped } = sim.evaluateAlarms();
    expect(skipped).toEqual([
      { alarmName: "checkout-error-rate", reason: "not supported by the evaluator: RATE(m1)" },
    ]);
    expect(transitions.map((t) => t.alarmName)).toEqual(["checkout-errors", "checkout-errors"]);
    expect(sim.alarms.get("checkout-error-rate")?.state).toBe("INSUFFICIENT_DATA");
  });
});

describe("evaluateAlarms: a metric-math alarm", () => {
  it("evaluates the returned expression and lists its queries in the message and the event", async () => {
    const { sim, topicArn, cloudwatch } = setup();
    const metric = (id: string, name: string) => ({
      Id: id,
      MetricStat: {
        Metric: { Namespace: "Shop", MetricName: name, Dimensions: [{ Name: "Service", Value: "checkout" }] },
        Period: 60,
        Stat: "Sum",
      },
      ReturnData: false,
    });
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: "checkout-error-rate",
        Metrics: [
          metric("errors", "Errors"),
          metric("requests", "Requests"),
          {
            Id: "rate",
            Expression: "100 * errors / requests",
            Label: "error %",
            Period: 60,
            ReturnData: true,
          },
        ],
        EvaluationPeriods: 2,
        Threshold: 10,
        ComparisonOperator: "GreaterThanThreshold",
        AlarmActions: [topicArn],
      }),
    );
    const start = sim.clock.now();
    for (let minute = 0; minute < 2; minute++)
      for (const [metricName, value] of [
        ["Requests", 100],
        ["Errors", 40],
      ] as const)
        sim.emitMetric({
          namespace: "Shop",
          metricName,
          dimensions: { Service: "checkout" },
          values: [value],
          timestamp: start + minute * MINUTE,
        });
    sim.advanceTime(2 * MINUTE);
    expect(sim.evaluateAlarms().transitions.at(-1)).toMatchObject({
      to: "ALARM",
      reason: "Threshold Crossed: 2 out of the last 2 datapoints were greater than the threshold (10.0).",
    });
    const parsed = parseAlarmNotification(sim.notifications.at(-1)?.message);
    expect(parsed.ok && parsed.change.trigger.queries?.map((q) => q.id)).toEqual([
      "errors",
      "requests",
      "rate",
    ]);
    expect(sim.alarmEvents.at(-1)?.detail.configuration.metrics.at(-1)).toEqual({
      id: "rate",
      expression: "100 * errors / requests",
      label: "error %",
      period: 60,
      returnData: true,
    });
  });
});

describe("evaluateAlarms: a Metrics Insights GROUP BY alarm", () => {
  it("notifies once per contributor that crosses, and the alarm says how many series are in ALARM", async () => {
    const { sim, topicArn, cloudwatch } = setup();
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: "queues-waiting",
        Metrics: [
          {
            Id: "q1",
            Expression:
              'SELECT MAX(ApproximateAgeOfOldestMessage) FROM SCHEMA("AWS/SQS", QueueName) GROUP BY QueueName ORDER BY MAX() DESC LIMIT 10',
            Period: 60,
            ReturnData: true,
          },
        ],
        EvaluationPeriods: 1,
        Threshold: 300,
        ComparisonOperator: "GreaterThanThreshold",
        AlarmActions: [topicArn],
      }),
    );
    const start = sim.clock.now();
    for (const [queue, age] of [
      ["orders", 900],
      ["payments", 600],
      ["audit", 5],
    ] as const)
      for (let minute = 0; minute < 3; minute++)
        sim.emitMetric({
          namespace: "AWS/SQS",
          metricName: "ApproximateAgeOfOldestMessage",
          dimensions: { QueueName: queue },
          values: [age],
          timestamp: start + minute * MINUTE,
        });
    sim.advanceTime(3 * MINUTE);

    const { transitions } = sim.evaluateAlarms();
    expect(transitions.map((t) => [t.from, t.to, t.reason])).toEqual([
      ["INSUFFICIENT_DATA", "ALARM", "2 out of 3 time series evaluated to ALARM"],
    ]);
    expect((await stateOf(cloudwatch, "queues-waiting")).state).toBe("ALARM");
    const notified = sim.notifications.map((n) => {
      const parsed = parseAlarmNotification(n.message);
      return parsed.ok ? [parsed.change.alarmName, parsed.change.state, parsed.change.contributor] : parsed;
    });
    expect(notified).toEqual([
      ["queues-waiting", "ALARM", { id: "QueueName=orders", attributes: { QueueName: "orders" } }],
      ["queues-waiting", "ALARM", { id: "QueueName=payments", attributes: { QueueName: "payments" } }],
    ]);
    expect(sim.notifications.map((n) => n.contributor)).toEqual(["QueueName=orders", "QueueName=payments"]);

    // Another minute of the same: no contributor changes, so nothing is sent again.
    sim.emitMetric({
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: "orders" },
      values: [960],
    });
    sim.advanceTime(MINUTE);
    expect(sim.evaluateAlarms().transitions).toEqual([]);
    expect(sim.notifications).toHaveLength(2);
  });
});

describe("evaluateAlarms: the catalog's execution-time alarm on a workflow slowing toward its timeout", () => {
  const TIMEOUT_MS = 900_000;
  const ALARM_NAME = "watchkeeper-stepfunctions-execution-time-invoice-batch";

  /** A Standard machine with a 15-minute TimeoutSeconds, and the alarms Watchkeeper's reconcile makes for it. */
  async function reconciled() {
    const sim = new SimAccount({ seed: "sfn-slowing" });
    const topicArn = sim.addTopic({ name: "oncall" }).arn;
    const machine = sim.addStateMachine({
      name: "invoice-batch",
      definition: JSON.stringify({
        StartAt: "Work",
        TimeoutSeconds: TIMEOUT_MS / 1000,
        States: { Work: { Type: "Pass", End: true } },
      }),
    });
    const config = parseConfig({
      alarms: { notificationTopicArn: topicArn },
      dashboards: { enabled: false },
    });
    await discoverAndReconcile(simulatedAws(sim), config);
    expect(sim.alarms.get(ALARM_NAME)?.config).toMatchObject({
      MetricName: "ExecutionTime",
      Statistic: "Maximum",
      Period: 300,
      Threshold: 720_000,
    });
    return { sim, topicArn, arn: machine.arn };
  }

  /**
   * An execution starts every 2 minutes for `minutes` and runs `durationMs(start minute)`; as AWS sends
   * ExecutionTime when an execution ends, each datapoint is at its end. Returns when each one ended.
   */
  function executions(sim: SimAccount, arn: string, minutes: number, durationMs: (minute: number) => number) {
    const start = sim.clock.now();
    const ends: { at: number; ms: number }[] = [];
    for (let minute = 0; minute < minutes; minute += 2) {
      const ms = Math.min(durationMs(minute), TIMEOUT_MS);
      ends.push({ at: start + minute * MINUTE + ms, ms });
      sim.emitMetric({
        namespace: "AWS/States",
        metricName: "ExecutionTime",
        dimensions: { StateMachineArn: arn },
        values: [ms],
        unit: "Milliseconds",
        timestamp: start + minute * MINUTE + ms,
      });
    }
    sim.advanceTime((minutes + 30) * MINUTE);
    return ends;
  }

  it("pages after the slowest executions pass 80% of the timeout, before any times out", async () => {
    const { sim, topicArn, arn } = await reconciled();
    // 6 minutes for an hour, then 10 s longer for every minute later a run starts: 15 minutes at 114.
    const ends = executions(sim, arn, 120, (m) => (m < 60 ? 360_000 : 360_000 + (m - 60) * 10_000));
    const { transitions, skipped } = sim.evaluateAlarms();
    expect(skipped).toEqual([]);
    const alarmed = transitions.filter((t) => t.alarmName === ALARM_NAME && t.to === "ALARM");
    expect(alarmed).toHaveLength(1);
    const firstOver = ends.find((e) => e.ms > 720_000)!.at;
    const firstTimeout = ends.find((e) => e.ms >= TIMEOUT_MS)!.at;
    // Two 5-minute periods with an end above the threshold: within 10 minutes of the first such end, and
    // minutes before the first execution times out (the ramp leaves 19 minutes between the two).
    expect(alarmed[0]!.at).toBeGreaterThan(firstOver);
    expect(alarmed[0]!.at - firstOver).toBeLessThanOrEqual(10 * MINUTE);
    expect(firstTimeout - alarmed[0]!.at).toBeGreaterThan(5 * MINUTE);
    const page = sim.notifications.find((n) => n.alarmName === ALARM_NAME && n.newState === "ALARM");
    expect(page?.topicArn).toBe(topicArn);
    const parsed = parseAlarmNotification(page!.message);
    expect(parsed.ok && parsed.change.reason).toMatch(
      /^Threshold Crossed: 2 out of the last 3 datapoints were greater than the threshold \(720000\.0\)/,
    );
  });

  it("does not page for one slow execution among normal ones", async () => {
    const { sim, arn } = await reconciled();
    executions(sim, arn, 120, (m) => (m === 60 ? 850_000 : 360_000));
    sim.evaluateAlarms();
    expect(sim.notifications.filter((n) => n.alarmName === ALARM_NAME && n.newState === "ALARM")).toEqual([]);
    expect(sim.alarms.get(ALARM_NAME)?.state).toBe("OK");
  });
});

describe("DescribeAlarmHistory", () => {
  async function withHistory() {
    const { sim, topicArn, cloudwatch } = setup();
    await cloudwatch.send(errorsAlarm(topicArn));
    await cloudwatch.send(errorsAlarm(topicArn, { AlarmName: "checkout-errors-2" }));
    await errorsFor(sim, cloudwatch, 3, 5);
    await errorsFor(sim, cloudwatch, 1, 0);
    sim.evaluateAlarms();
    return { sim, cloudwatch };
  }

  it("pages newest first (or oldest first with ScanBy), by alarm, item type and dates", async () => {
    const { sim, cloudwatch } = await withHistory();
    expect(sim.alarmHistory).toHaveLength(6);
    const all = (input: ConstructorParameters<typeof DescribeAlarmHistoryCommand>[0]) =>
      collectPages(
        (NextToken) =>
          cloudwatch.send(new DescribeAlarmHistoryCommand({ ...input, NextToken, MaxRecords: 1 })),
        (page) => page.AlarmHistoryItems,
        (page) => page.NextToken,
      );
    const times = (items: AlarmHistoryItem[]) => items.map((i) => i.Timestamp!.getTime());

    const newest = await all({});
    expect(newest.pages).toBe(6);
    expect(times(newest.items)).toEqual([...times(newest.items)].sort((a, b) => b - a));
    const oldest = await all({ ScanBy: "TimestampAscending" });
    expect(oldest.items).toEqual([...newest.items].reverse());

    const one = await all({ AlarmName: "checkout-errors-2" });
    expect(one.items.map((i) => i.HistorySummary)).toEqual([
      "Alarm updated from ALARM to OK",
      "Alarm updated from OK to ALARM",
      "Alarm updated from INSUFFICIENT_DATA to OK",
    ]);
    const alarmed = sim.alarmHistory.find((h) => h.summary.endsWith("to ALARM"))!.timestamp;
    const window = await all({ StartDate: new Date(alarmed), EndDate: new Date(alarmed) });
    expect(window.items.map((i) => [i.AlarmName, i.HistorySummary])).toEqual([
      ["checkout-errors-2", "Alarm updated from OK to ALARM"],
      ["checkout-errors", "Alarm updated from OK to ALARM"],
    ]);
    expect((await all({ HistoryItemType: "ConfigurationUpdate" })).items).toEqual([]);
  });

  it("rejects MaxRecords outside 1..100 and a token it did not issue", async () => {
    const { cloudwatch } = await withHistory();
    await expectAwsError(
      cloudwatch.send(new DescribeAlarmHistoryCommand({ MaxRecords: 0 })),
      "ValidationError",
    );
    await expectAwsError(
      cloudwatch.send(new DescribeAlarmHistoryCommand({ MaxRecords: 101 })),
      "ValidationError",
    );
    await expectAwsError(
      cloudwatch.send(new DescribeAlarmHistoryCommand({ NextToken: "not-a-token" })),
      "InvalidNextToken",
    );
  });
});
