/**
 * The evaluator on history as GetMetricData returns it (one datapoint per period of one statistic), which is
 * what a backtest reads: the same alarm on the same data must change state at the same minutes whether the
 * trace holds raw samples or their retrieved datapoints, and what cannot be re-aggregated is refused.
 */
import { describe, expect, it } from "vitest";
import type { Dimension } from "../../lib/alarms/catalog/types.js";
import {
  evaluateAlarm,
  EvaluatorError,
  type MetricSeries,
  type RetrievedSeries,
} from "../../lib/alarms/evaluate/index.js";
import { aggregate } from "../../lib/alarms/evaluate/periods.js";
import { insightsQuery, type AlarmDefinition } from "../../lib/alarms/spec.js";

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

function raw(metricName: string, dimensions: readonly Dimension[], values: readonly number[]): MetricSeries {
  return {
    namespace: "Test",
    metricName,
    dimensions,
    // Two samples a minute, so Sum, Average and Maximum differ.
    samples: values.flatMap((value, i) => [
      { at: T0 + i * MINUTE, value },
      { at: T0 + i * MINUTE + 30_000, value: value / 2 },
    ]),
  };
}

function retrieved(series: MetricSeries, stat: string, periodSeconds = 60): RetrievedSeries {
  const { namespace, metricName, dimensions } = series;
  return {
    namespace,
    metricName,
    dimensions,
    stat,
    periodSeconds,
    datapoints: aggregate(series.samples, stat, periodSeconds),
  };
}

function alarm(overrides: Partial<AlarmDefinition>): AlarmDefinition {
  return {
    description: "test",
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: "notBreaching",
    alarmActions: ["arn:alarm"],
    okActions: ["arn:ok"],
    insufficientDataActions: [],
    actionsEnabled: true,
    threshold: 5,
    comparisonOperator: "GreaterThanThreshold",
    ...overrides,
  } as AlarmDefinition;
}

const window = { start: T0 - MINUTE, end: T0 + 12 * MINUTE };
const changes = (evaluation: ReturnType<typeof evaluateAlarm>) =>
  evaluation.notifications.map((n) => `${(n.at - T0) / MINUTE}:${n.contributor ?? ""}:${n.to}`);

const fn = (name: string) => [{ name: "FunctionName", value: name }];
const errors = raw("Errors", fn("a"), [0, 4, 6, 6, 1, 0, 7, 8, 9, 0, 0, 0]);

describe("alarms evaluated on retrieved datapoints", () => {
  it("a single-metric alarm changes state at the same evaluations as on the raw samples", () => {
    const definition = alarm({
      metric: { namespace: "Test", metricName: "Errors", dimensions: fn("a"), statistic: "Sum", period: 60 },
    });
    const fromRaw = changes(evaluateAlarm(definition, [errors], window));
    expect(fromRaw.length).toBeGreaterThan(1);
    expect(changes(evaluateAlarm(definition, [retrieved(errors, "Sum")], window))).toEqual(fromRaw);
  });

  it("metric math reads each query's retrieved statistic", () => {
    const invocations = raw(
      "Invocations",
      fn("a"),
      Array.from({ length: 12 }, () => 20),
    );
    const definition = alarm({
      threshold: 0.2,
      metrics: [
        {
          id: "m1",
          metricStat: {
            namespace: "Test",
            metricName: "Errors",
            dimensions: fn("a"),
            stat: "Sum",
            period: 60,
          },
          returnData: false,
        },
        {
          id: "m2",
          metricStat: {
            namespace: "Test",
            metricName: "Invocations",
            dimensions: fn("a"),
            stat: "Sum",
            period: 60,
          },
          returnData: false,
        },
        { id: "rate", expression: "m1 / m2", returnData: true },
      ],
    });
    const fromRaw = changes(evaluateAlarm(definition, [errors, invocations], window));
    expect(fromRaw.length).toBeGreaterThan(1);
    const history = [retrieved(errors, "Sum"), retrieved(invocations, "Sum")];
    expect(changes(evaluateAlarm(definition, history, window))).toEqual(fromRaw);
  });

  it("a Metrics Insights SUM combines the retrieved sums of a contributor's series (DynamoDB-style: one series per Operation)", () => {
    const table = (op: string, values: number[]) =>
      raw(
        "SystemErrors",
        [
          { name: "TableName", value: "orders" },
          { name: "Operation", value: op },
        ],
        values,
      );
    const series = [
      table("GetItem", [0, 3, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0]),
      table("PutItem", [0, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0]),
    ];
    const definition = alarm({
      metrics: [
        {
          id: "q",
          expression: insightsQuery({
            fn: "SUM",
            namespace: "Test",
            metricName: "SystemErrors",
            groupBy: ["TableName"],
            schema: "any",
            exclude: [],
            descending: true,
            limit: 500,
          }),
          period: 60,
          returnData: true,
        },
      ],
    });
    const fromRaw = changes(evaluateAlarm(definition, series, window));
    expect(fromRaw).toContain("3:TableName=orders:ALARM");
    expect(
      changes(
        evaluateAlarm(
          definition,
          series.map((s) => retrieved(s, "Sum")),
          window,
        ),
      ),
    ).toEqual(fromRaw);
  });

  it("refuses datapoints retrieved with another statistic or period: they cannot be re-aggregated", () => {
    const definition = alarm({
      metric: { namespace: "Test", metricName: "Errors", dimensions: fn("a"), statistic: "Sum", period: 60 },
    });
    expect(() => evaluateAlarm(definition, [retrieved(errors, "Maximum")], window)).toThrow(EvaluatorError);
    expect(() => evaluateAlarm(definition, [retrieved(errors, "Sum", 300)], window)).toThrow(
      "retrieved as Sum per 300 s, not as Sum per 60 s",
    );
  });

  it("refuses a Metrics Insights AVG over several retrieved series: their sample counts are not known", () => {
    const series = ["x", "y"].map((op) =>
      retrieved(
        raw(
          "Latency",
          [
            { name: "ApiId", value: "a1" },
            { name: "Route", value: op },
          ],
          [1, 2, 3],
        ),
        "Average",
      ),
    );
    const definition = alarm({
      metrics: [
        {
          id: "q",
          expression: insightsQuery({
            fn: "AVG",
            namespace: "Test",
            metricName: "Latency",
            groupBy: ["ApiId"],
            schema: "any",
            exclude: [],
            descending: true,
            limit: 500,
          }),
          period: 60,
          returnData: true,
        },
      ],
    });
    expect(() => evaluateAlarm(definition, series, window)).toThrow("needs their sample counts");
  });
});
