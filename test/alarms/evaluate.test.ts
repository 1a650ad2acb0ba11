/**
 * The alarm evaluator (lib/alarms/evaluate) against the CloudWatch user guide: each rule's test names the
 * section it pins. Traces are for the catalog's and the breaker's real alarms, planned as production plans them.
 */
import { describe, expect, it } from "vitest";
import type { Dimension } from "../../lib/alarms/catalog/types.js";
import { evaluateAlarm, EvaluatorError, type MetricSeries } from "../../lib/alarms/evaluate/index.js";
import { insightsContributors, parseInsightsQuery } from "../../lib/alarms/evaluate/insights.js";
import { aggregate } from "../../lib/alarms/evaluate/periods.js";
import { percentile, statistic } from "../../lib/alarms/evaluate/statistics.js";
import { planAlarms } from "../../lib/alarms/plan.js";
import { insightsQuery, type AlarmDefinition, type AlarmSpec } from "../../lib/alarms/spec.js";
import { breakerAlarmSpecs } from "../../lib/breaker/alarms.js";
import { resolveBreakerPolicy } from "../../lib/breaker/policy.js";
import { TOPIC_ARN, fn, inventoryOf, policyOf, queue, queueWithDlq, tagged } from "./fixtures.js";

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const at = (minute: number) => T0 + minute * MINUTE;

/** One sample per minute from `from`, the values in order. */
function series(
  metricName: string,
  dimensions: readonly Dimension[],
  values: readonly number[],
  { namespace = "Test", from = 0, everyMinutes = 1 } = {},
): MetricSeries {
  return {
    namespace,
    metricName,
    dimensions,
    samples: values.map((value, i) => ({ at: at(from + i * everyMinutes), value })),
  };
}

/** A one-minute Maximum alarm on Test/Value, threshold 3, as the user guide's figure has it. */
function simpleAlarm(overrides: Partial<AlarmDefinition> = {}): AlarmDefinition {
  return {
    description: "test",
    metric: { namespace: "Test", metricName: "Value", dimensions: [], statistic: "Maximum", period: 60 },
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: "missing",
    alarmActions: ["arn:alarm"],
    okActions: ["arn:ok"],
    insufficientDataActions: ["arn:insufficient"],
    actionsEnabled: true,
    threshold: 3,
    comparisonOperator: "GreaterThanThreshold",
    ...overrides,
  } as AlarmDefinition;
}

const changes = (transitions: readonly { at: number; to: string; contributor?: string }[]) =>
  transitions.map((t) => `${(t.at - T0) / MINUTE}:${t.contributor ? `${t.contributor} ` : ""}${t.to}`);

describe("CloudWatch statistics definitions: period aggregation", () => {
  const values = [4, 1, 3, 2];

  it("SampleCount, Sum, Average (Sum/SampleCount), Minimum and Maximum of one period's samples", () => {
    expect(statistic(values, "SampleCount")).toBe(4);
    expect(statistic(values, "Sum")).toBe(10);
    expect(statistic(values, "Average")).toBe(2.5);
    expect(statistic(values, "Minimum")).toBe(1);
    expect(statistic(values, "Maximum")).toBe(4);
  });

  it("Percentile (p): nearest rank, the smallest sample with at least p% of the period's samples at or below it", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(hundred, 90)).toBe(90);
    expect(statistic(hundred, "p99")).toBe(99);
    expect(statistic(hundred, "p99.5")).toBe(100);
    expect(statistic(values, "p50")).toBe(2);
    expect(statistic([7], "p90")).toBe(7);
  });

  it("refuses a statistic it does not model", () => {
    expect(() => statistic(values, "tm90")).toThrow("statistic not supported by the evaluator: tm90");
  });

  it("one datapoint per period, aligned to the period; a period without samples is missing, not zero", () => {
    const samples = [
      { at: at(0) + 5_000, value: 1 },
      { at: at(0) + 50_000, value: 3 },
      { at: at(2), value: 7 },
    ];
    expect([...aggregate(samples, "Sum", 60)]).toEqual([
      [at(0), 4],
      [at(2), 7],
    ]);
    expect([...aggregate(samples, "Sum", 300)]).toEqual([[at(0), 11]]);
  });
});

describe("Evaluating an alarm", () => {
  it("the user guide's figure: ALARM when the three most recent datapoints breach, OK when one does not, one breach alone changes nothing", () => {
    const trace = [series("Value", [], [1, 2, 4, 5, 4, 2, 1, 2, 4, 1])];
    const result = evaluateAlarm(simpleAlarm(), trace, { start: T0, end: at(10) });
    expect(changes(result.transitions)).toEqual(["1:OK", "5:ALARM", "6:OK"]);
  });

  it("M out of N: the breaching datapoints need not be consecutive, only within the last N", () => {
    const trace = [series("Value", [], [1, 9, 1, 9, 1, 1, 1])];
    const result = evaluateAlarm(simpleAlarm({ datapointsToAlarm: 2 }), trace, { start: T0, end: at(7) });
    expect(changes(result.transitions)).toEqual(["1:OK", "4:ALARM", "5:OK"]);
  });

  it("a new alarm starts in INSUFFICIENT_DATA and, with no data, stays there when missing data is `missing`", () => {
    const result = evaluateAlarm(simpleAlarm(), [], { start: T0, end: at(5) });
    expect(result.timeline.every((p) => p.state === "INSUFFICIENT_DATA")).toBe(true);
    expect(result.notifications).toEqual([]);
  });
});

describe("Configuring how CloudWatch alarms treat missing data", () => {
  it("breaching: missing datapoints breach, so a silent metric goes to ALARM", () => {
    const result = evaluateAlarm(simpleAlarm({ treatMissingData: "breaching" }), [], {
      start: T0,
      end: at(2),
    });
    expect(changes(result.transitions)).toEqual(["1:ALARM"]);
  });

  it("notBreaching: missing datapoints are within the threshold, so a silent metric is OK", () => {
    const result = evaluateAlarm(simpleAlarm({ treatMissingData: "notBreaching" }), [], {
      start: T0,
      end: at(2),
    });
    expect(changes(result.transitions)).toEqual(["1:OK"]);
  });

  it("ignore: the current alarm state is maintained when the whole range is missing", () => {
    const trace = [series("Value", [], [9, 9, 9])];
    const result = evaluateAlarm(simpleAlarm({ treatMissingData: "ignore" }), trace, {
      start: T0,
      end: at(30),
    });
    expect(changes(result.transitions)).toEqual(["3:ALARM"]);
    expect(result.timeline.at(-1)?.state).toBe("ALARM");
  });

  it("the note: after a metric stops, the last datapoints are re-evaluated until they leave the evaluation range", () => {
    const alarm = simpleAlarm({
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
    });
    const result = evaluateAlarm(alarm, [series("Value", [], [9])], { start: T0, end: at(6) });
    // The range is 3 periods (N + 2): the breach at minute 0 is in the ranges evaluated at 1, 2 and 3.
    expect(changes(result.transitions)).toEqual(["1:ALARM", "4:OK"]);
  });

  it("data reported before the alarm was created is retrieved when the first evaluations have too little", () => {
    const trace = [series("Value", [], [9, 9, 9], { from: -3 })];
    const result = evaluateAlarm(simpleAlarm(), trace, { start: T0, end: at(1) });
    expect(changes(result.transitions)).toEqual(["1:ALARM"]);
  });
});

describe("alarm actions: notifications on state changes only", () => {
  it("ALARM and OK transitions run their actions; staying in a state runs none", () => {
    const trace = [series("Value", [], [9, 9, 9, 9, 9, 1, 1, 1])];
    const result = evaluateAlarm(simpleAlarm(), trace, { start: T0, end: at(8) });
    expect(result.notifications.map((n) => `${(n.at - T0) / MINUTE}:${n.actions.join()}`)).toEqual([
      "3:arn:alarm",
      "6:arn:ok",
    ]);
  });

  it("with actions disabled, states still change and nothing is notified", () => {
    const trace = [series("Value", [], [9, 9, 9])];
    const result = evaluateAlarm(simpleAlarm({ actionsEnabled: false }), trace, { start: T0, end: at(3) });
    expect(changes(result.transitions)).toEqual(["3:ALARM"]);
    expect(result.notifications).toEqual([]);
  });
});

describe("catalog alarms", () => {
  const dlq = queue("orders-dlq");
  const plan = planAlarms(inventoryOf([queueWithDlq("orders", dlq), dlq, queue("payments")]), policyOf(), []);
  const spec = (name: string): AlarmSpec => {
    const found = plan.desired.find((s) => s.name === name);
    if (!found) throw new Error(`the plan has no ${name}`);
    return found;
  };
  const visible = (queueName: string, values: readonly number[]) =>
    series("ApproximateNumberOfMessagesVisible", [{ name: "QueueName", value: queueName }], values, {
      namespace: "AWS/SQS",
    });

  it("SQS DLQ depth: the first message is ALARM; a second burst while in ALARM sends nothing new; the redrive is OK", () => {
    const alarm = spec("watchkeeper-sqs-dlq-messages-visible-orders-dlq");
    const depth = [...Array(10).fill(0), 1, 1, 1, 1, 1, 4, 4, 4, 4, 4, ...Array(10).fill(0)];
    const result = evaluateAlarm(alarm, [visible("orders-dlq", depth)], { start: T0, end: at(30) });
    expect(changes(result.notifications)).toEqual(["1:OK", "11:ALARM", "21:OK"]);
    expect(result.notifications.every((n) => n.actions.includes(TOPIC_ARN))).toBe(true);
  });

  it("SQS age (Metrics Insights alarms): each queue is a contributor with its own state; the excluded DLQ is none", () => {
    const alarm = spec("watchkeeper-sqs-age-of-oldest-message");
    const age = (queueName: string, values: readonly number[]) =>
      series("ApproximateAgeOfOldestMessage", [{ name: "QueueName", value: queueName }], values, {
        namespace: "AWS/SQS",
      });
    const trace = [
      age("orders", [...Array(5).fill(60), ...Array(20).fill(4000), ...Array(5).fill(30)]),
      age("payments", Array(30).fill(10)),
      age("orders-dlq", Array(30).fill(86_400)),
    ];
    const result = evaluateAlarm(alarm, trace, { start: T0, end: at(30) });
    expect(result.contributors.map((c) => c.contributor)).toEqual(["QueueName=orders", "QueueName=payments"]);
    // 15 of 15 breaching minutes: minutes 5..19 breach, so the evaluation at 20 is the first ALARM.
    // A contributor joins in OK (Acting on alarm changes: only ALARM or OK): joining sends nothing.
    expect(changes(result.notifications.filter((n) => n.contributor === "QueueName=orders"))).toEqual([
      "20:QueueName=orders ALARM",
      "26:QueueName=orders OK",
    ]);
    expect(result.contributors.find((c) => c.contributor === "QueueName=payments")?.finalState).toBe("OK");
    expect(changes(result.transitions)).toEqual(["1:OK", "20:ALARM", "26:OK"]);
  });
});

describe("namespace and contributor rules", () => {
  it("PutMetricAlarm TreatMissingData: alarms on AWS/DynamoDB metrics always ignore missing data and keep their state", () => {
    const alarm = simpleAlarm({
      metric: {
        namespace: "AWS/DynamoDB",
        metricName: "SystemErrors",
        dimensions: [],
        statistic: "Sum",
        period: 60,
      },
      treatMissingData: "notBreaching",
      threshold: 0,
    });
    // Errors for 3 minutes, then DynamoDB publishes nothing: the alarm stays in ALARM, as AWS documents.
    const trace = [series("SystemErrors", [], [2, 2, 2], { namespace: "AWS/DynamoDB" })];
    const result = evaluateAlarm(alarm, trace, { start: T0, end: at(60) });
    expect(changes(result.transitions)).toEqual(["3:ALARM"]);
    const elsewhere = evaluateAlarm(
      { ...alarm, metric: { ...alarm.metric!, namespace: "Test" } },
      [series("SystemErrors", [], [2, 2, 2])],
      { start: T0, end: at(60) },
    );
    expect(changes(elsewhere.transitions)).toEqual(["1:OK", "3:ALARM", "6:OK"]);
  });

  it("Acting on alarm changes: a Metrics Insights contributor is only ever ALARM or OK, even with TreatMissingData missing", () => {
    const query = 'SELECT MAX(Value) FROM SCHEMA("Test", Name) GROUP BY Name ORDER BY MAX() DESC LIMIT 10';
    const alarm = simpleAlarm({
      metric: undefined,
      metrics: [{ id: "q1", expression: query, period: 60, returnData: true }],
    });
    const trace = [series("Value", [{ name: "Name", value: "a" }], [5, 5, 5, 5])];
    const result = evaluateAlarm(alarm, trace, { start: T0, end: at(20) });
    expect(changes(result.contributors[0]!.transitions)).toEqual(["3:Name=a ALARM", "9:Name=a OK"]);
    expect(result.contributors[0]!.finalState).toBe("OK");
  });
});

describe("metric math functions (Using math expressions with CloudWatch metrics: supported functions)", () => {
  const mathAlarm = (expression: string, overrides: Partial<AlarmDefinition> = {}) =>
    simpleAlarm({
      metric: undefined,
      metrics: [
        {
          id: "m1",
          metricStat: { namespace: "Test", metricName: "Value", dimensions: [], stat: "Sum", period: 60 },
          returnData: false,
        },
        { id: "e1", expression, period: 60, returnData: true },
      ],
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 0,
      ...overrides,
    } as Partial<AlarmDefinition>);

  it("FILL(m1, 0): every retrieved period without a value gets 0, so a sparse metric is never missing", () => {
    // Values at minutes 0 and 5 only; filled, the minutes between are 0 (not breaching), not missing.
    const sparse: MetricSeries[] = [
      { ...series("Value", [], []), samples: [0, 5].map((minute) => ({ at: at(minute), value: 4 })) },
    ];
    const filled = evaluateAlarm(mathAlarm("FILL(m1, 0)", { treatMissingData: "breaching" }), sparse, {
      start: T0,
      end: at(8),
    });
    expect(changes(filled.transitions)).toEqual(["1:ALARM", "2:OK", "6:ALARM", "7:OK"]);
  });

  it("DIFF(m1): each value minus the preceding one; the first value has none", () => {
    const trace = [series("Value", [], [3, 3, 5, 5, 4])];
    const result = evaluateAlarm(mathAlarm("DIFF(m1)"), trace, { start: T0, end: at(6) });
    // DIFF is missing at minute 0, 0 at 1, +2 at 2 (breaching > 0), 0 at 3, -1 at 4.
    expect(changes(result.transitions)).toEqual(["2:OK", "3:ALARM", "4:OK"]);
  });
});

describe("breaker trip alarms (metric math and anomaly band)", () => {
  const policy = resolveBreakerPolicy();
  const [rate, band] = breakerAlarmSpecs(
    inventoryOf([tagged(fn("orders"), { "watchkeeper:breaker": "on" })]),
    policy,
    policyOf(),
  );
  const lambda = (metricName: string, values: readonly number[], everyMinutes = 1) =>
    series(metricName, [{ name: "FunctionName", value: "orders" }], values, {
      namespace: "AWS/Lambda",
      everyMinutes,
    });

  it("error rate: IF(invocations >= 10, 100 * errors / invocations, 0) over 3 minutes; quiet minutes count as 0%", () => {
    const invocations = [100, 100, 100, 100, 100, 5, 5, 5, 5, 100];
    const errors = [0, 50, 50, 50, 0, 5, 5, 5, 5, 0];
    const trace = [lambda("Invocations", invocations), lambda("Errors", errors)];
    const result = evaluateAlarm(rate as AlarmSpec, trace, { start: T0, end: at(10) });
    expect(changes(result.transitions)).toEqual(["1:OK", "4:ALARM", "5:OK"]);
  });

  it("invocations anomaly: a spike far above the trailing band for 3 five-minute periods is ALARM", () => {
    const steady = Array.from({ length: 24 }, (_, i) => 100 + (i % 3) * 5);
    const invocations = [...steady, 5000, 5000, 5000, 100, 105];
    const result = evaluateAlarm(band as AlarmSpec, [lambda("Invocations", invocations, 5)], {
      start: T0,
      end: at(5 * invocations.length),
    });
    expect(changes(result.transitions)).toContain(`${5 * 27}:ALARM`);
    expect(result.transitions.filter((t) => t.to === "ALARM")).toHaveLength(1);
  });
});

describe("what the evaluator refuses", () => {
  const withExpression = (expression: string): AlarmDefinition =>
    simpleAlarm({
      metric: undefined,
      metrics: [
        {
          id: "m1",
          metricStat: { namespace: "Test", metricName: "Value", dimensions: [], stat: "Sum", period: 60 },
          returnData: false,
        },
        { id: "e1", expression, period: 60, returnData: true },
      ],
    });

  it.each(["FILL(m1, REPEAT)", "RATE(m1)", "m1 ^ 2", "SELECT MAX(Value) FROM Test"])("%s", (expression) => {
    expect(() => evaluateAlarm(withExpression(expression), [], { start: T0, end: at(1) })).toThrow(
      new EvaluatorError(`not supported by the evaluator: ${expression}`),
    );
  });

  it("a Metrics Insights query not of the form insightsQuery writes", () => {
    const query = `SELECT MAX(ApproximateAgeOfOldestMessage) FROM SCHEMA("AWS/SQS", QueueName) GROUP BY QueueName`;
    expect(() => parseInsightsQuery(query)).toThrow(`not supported by the evaluator: ${query}`);
  });
});

describe("Metrics Insights queries as insightsQuery writes them", () => {
  it("parses quoted names, exclusions and the sort back", () => {
    const written = insightsQuery({
      fn: "SUM",
      namespace: "AWS/ApiGateway",
      metricName: "5XXError",
      groupBy: ["ApiName", "Stage"],
      schema: "exact",
      exclude: ["it's", 'a "b"'],
      descending: true,
      limit: 500,
    });
    expect(parseInsightsQuery(written)).toEqual({
      fn: "SUM",
      namespace: "AWS/ApiGateway",
      metricName: "5XXError",
      schema: ["ApiName", "Stage"],
      groupBy: ["ApiName", "Stage"],
      exclude: [
        { name: "ApiName", value: "it's" },
        { name: "ApiName", value: 'a "b"' },
      ],
      descending: true,
      limit: 500,
    });
  });

  it("ORDER BY … LIMIT keeps the first contributors of each period; SCHEMA matches only its exact dimension set", () => {
    const query = parseInsightsQuery(
      `SELECT MAX(Depth) FROM SCHEMA("Test", Queue) GROUP BY Queue ORDER BY MAX() DESC LIMIT 1`,
    );
    const trace = [
      series("Depth", [{ name: "Queue", value: "a" }], [5, 1]),
      series("Depth", [{ name: "Queue", value: "b" }], [1, 5]),
      series(
        "Depth",
        [
          { name: "Queue", value: "c" },
          { name: "Shard", value: "1" },
        ],
        [99, 99],
      ),
    ];
    const contributors = insightsContributors(query, trace, 60);
    expect(
      [...contributors].map(([key, points]) => [key, [...points.keys()].map((t) => (t - T0) / MINUTE)]),
    ).toEqual([
      ["Queue=a", [0]],
      ["Queue=b", [1]],
    ]);
  });
});
