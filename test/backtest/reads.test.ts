/**
 * What a backtest reads, before it reads: the series per alarm, their packing into GetMetricData calls
 * against the API's limits, and the windows CloudWatch can still answer.
 */
import { describe, expect, it } from "vitest";
import type { AlarmSpec } from "../../lib/alarms/spec.js";
import { insightsQuery } from "../../lib/alarms/spec.js";
import { episodesOf } from "../../lib/backtest/episodes.js";
import { TEST_ALARM } from "../alarms/fixtures.js";
import { alarmSeries } from "../../lib/backtest/series.js";
import { windowProblem } from "../../lib/backtest/window.js";
import type { ListedMetrics } from "../../lib/metrics/listed.js";
import {
  fewestCalls,
  MAX_DATAPOINTS_PER_CALL,
  MAX_QUERIES_PER_CALL,
  packCalls,
  type SeriesRequest,
} from "../../lib/metrics/retrieve.js";

const DAY = 86_400_000;
const window14 = { start: 0, end: 14 * DAY };

const request = (i: number, periodSeconds = 60): SeriesRequest => ({
  namespace: "AWS/Lambda",
  metricName: "Errors",
  dimensions: [{ name: "FunctionName", value: `fn-${i}` }],
  stat: "Sum",
  periodSeconds,
});

describe("packing GetMetricData calls", () => {
  it("14 days at 60 s is 20,160 datapoints a series: five series a call, the fewest possible", () => {
    const requests = Array.from({ length: 23 }, (_, i) => request(i));
    const calls = packCalls(requests, window14);
    expect(calls.map((c) => c.length)).toEqual([5, 5, 5, 5, 3]);
    expect(calls.length).toBe(fewestCalls(requests, window14));
    for (const call of calls) expect(call.length * 20_160).toBeLessThanOrEqual(MAX_DATAPOINTS_PER_CALL);
  });

  it("short windows are bounded by the 500 queries a call", () => {
    const requests = Array.from({ length: 1_200 }, (_, i) => request(i));
    const hour = { start: 0, end: 3_600_000 };
    const calls = packCalls(requests, hour);
    expect(calls.map((c) => c.length)).toEqual([MAX_QUERIES_PER_CALL, MAX_QUERIES_PER_CALL, 200]);
    expect(fewestCalls(requests, hour)).toBe(3);
  });

  it("mixed periods pack by datapoints: 5-minute series are a fifth of 1-minute ones", () => {
    const requests = [
      ...Array.from({ length: 4 }, (_, i) => request(i)),
      ...Array.from({ length: 5 }, (_, i) => request(i, 300)),
    ];
    const calls = packCalls(requests, window14);
    expect(calls.map((c) => c.length)).toEqual([9]);
  });
});

describe("the history window CloudWatch can answer (GetMetricData, MetricStat Period)", () => {
  it("1-minute data is kept 15 days: a 20-day window of 60-second alarms is explained, not read as quiet", () => {
    expect(windowProblem(14, [60, 300])).toBeUndefined();
    expect(windowProblem(15, [60])).toBeUndefined();
    const problem = windowProblem(20, [60, 60, 300]);
    expect(problem).toContain("60-second datapoints for 15 days");
    expect(problem).toContain("2 of the planned alarms");
    expect(problem).toContain("--days 15");
  });

  it("5-minute data is kept 63 days", () => {
    expect(windowProblem(40, [300])).toBeUndefined();
    expect(windowProblem(70, [300])).toContain("300-second datapoints for 63 days");
  });
});

function listed(
  entries: Record<string, { name: string; value: string }[][]>,
  unread: Record<string, string> = {},
): ListedMetrics {
  const metrics = new Map(
    Object.entries(entries).map(([key, sets]) => {
      const [namespace = "", metricName = ""] = key.split(" ");
      return [key, sets.map((dimensions) => ({ namespace, metricName, dimensions }))] as const;
    }),
  );
  return { metrics, unread: new Map(Object.entries(unread)), calls: 1 };
}

const base = {
  ...TEST_ALARM,
  name: "wk-x",
  origin: {
    entryId: "x",
    level: "aggregate",
    metricsAnalyzed: 1,
    highResolution: false,
    usesMetricsInsights: false,
  },
} as const;

describe("the series an alarm reads", () => {
  const systemErrors = insightsQuery({
    fn: "SUM",
    namespace: "AWS/DynamoDB",
    metricName: "SystemErrors",
    groupBy: ["TableName"],
    schema: "any",
    exclude: ["ignored"],
    descending: true,
    limit: 500,
  });
  const insights = {
    ...base,
    metrics: [{ id: "q", expression: systemErrors, period: 60, returnData: true }],
  } as unknown as AlarmSpec;

  it("a Metrics Insights alarm reads every listed series its query groups, and no excluded one", () => {
    const series = alarmSeries(
      insights,
      listed({
        "AWS/DynamoDB SystemErrors": [
          [
            { name: "Operation", value: "GetItem" },
            { name: "TableName", value: "orders" },
          ],
          [
            { name: "Operation", value: "PutItem" },
            { name: "TableName", value: "orders" },
          ],
          [
            { name: "Operation", value: "GetItem" },
            { name: "TableName", value: "ignored" },
          ],
        ],
      }),
    );
    expect(
      "requests" in series &&
        series.requests.map((r) => `${r.dimensions.map((d) => d.value).join("/")} ${r.stat}`),
    ).toEqual(["GetItem/orders Sum", "PutItem/orders Sum"]);
  });

  it("a Metrics Insights alarm whose metrics could not be listed is not evaluated, with why", () => {
    expect(
      alarmSeries(insights, listed({}, { "AWS/DynamoDB SystemErrors": "ListMetrics failed: AccessDenied" })),
    ).toEqual({
      unevaluable: "its query's metrics could not be listed: ListMetrics failed: AccessDenied",
    });
  });

  it("a metric ListMetrics did not list had no data: nothing is requested; an unlisted listing is requested anyway", () => {
    const single = {
      ...base,
      metric: {
        namespace: "AWS/SQS",
        metricName: "ApproximateAgeOfOldestMessage",
        dimensions: [{ name: "QueueName", value: "q" }],
        statistic: "Maximum",
        period: 60,
      },
    } as unknown as AlarmSpec;
    expect(alarmSeries(single, listed({ "AWS/SQS ApproximateAgeOfOldestMessage": [] }))).toEqual({
      requests: [],
    });
    const unknown = alarmSeries(single, listed({}, { "AWS/SQS ApproximateAgeOfOldestMessage": "throttled" }));
    expect("requests" in unknown && unknown.requests).toHaveLength(1);
  });
});

describe("episodes", () => {
  it("each ALARM is a page; an episode still open at the window's end lasts until then", () => {
    const episodes = episodesOf(
      [
        { at: 60_000, from: "INSUFFICIENT_DATA", to: "OK" },
        { at: 120_000, from: "OK", to: "ALARM" },
        { at: 300_000, from: "ALARM", to: "OK" },
        { at: 600_000, from: "OK", to: "ALARM" },
      ],
      900_000,
    );
    expect(episodes).toEqual([
      { start: 120_000, end: 300_000, minutes: 3 },
      { start: 600_000, minutes: 5 },
    ]);
  });
});
