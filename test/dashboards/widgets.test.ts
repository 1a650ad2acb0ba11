import { describe, expect, it } from "vitest";
import {
  DASHBOARD_LIMIT_SOURCES,
  DEFAULT_DASHBOARD_LIMITS,
  resolveLimits,
  validateDashboardName,
} from "../../dashboards/limits.js";
import { placeWidgets } from "../../dashboards/layout.js";
import {
  alarmStatusWidget,
  explicitMetrics,
  insightsQuery,
  insightsWidget,
  metricCount,
  metricItem,
  metricWidget,
  textWidget,
} from "../../dashboards/widgets.js";
import { parseInsightsQuery } from "../../lib/sim/metrics.js";

describe("metric arrays", () => {
  it("writes namespace, name, dimension pairs, then rendering properties only when set", () => {
    expect(
      metricItem({
        namespace: "AWS/SQS",
        metricName: "ApproximateAgeOfOldestMessage",
        dimensions: [{ name: "QueueName", value: "orders" }],
      }),
    ).toEqual(["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", "orders"]);
    expect(
      metricItem({
        namespace: "AWS/Events",
        metricName: "FailedInvocations",
        dimensions: [
          { name: "EventBusName", value: "commerce" },
          { name: "RuleName", value: "order-events" },
        ],
        label: "commerce/order-events",
        yAxis: "right",
      }),
    ).toEqual([
      "AWS/Events",
      "FailedInvocations",
      "EventBusName",
      "commerce",
      "RuleName",
      "order-events",
      { label: "commerce/order-events", yAxis: "right" },
    ]);
  });

  it("reads explicit metrics back and counts a query as the series it can return", () => {
    const widget = metricWidget({
      title: "t",
      region: "us-east-1",
      stat: "Sum",
      period: 60,
      metrics: [
        { namespace: "AWS/Lambda", metricName: "Errors", dimensions: [] },
        { namespace: "AWS/Lambda", metricName: "Errors", dimensions: [{ name: "FunctionName", value: "f" }] },
      ],
    });
    expect(explicitMetrics(widget)).toEqual([
      { namespace: "AWS/Lambda", metricName: "Errors", dimensions: [] },
      { namespace: "AWS/Lambda", metricName: "Errors", dimensions: [{ name: "FunctionName", value: "f" }] },
    ]);
    expect(metricCount(widget)).toBe(2);
    const query = insightsWidget({
      title: "q",
      region: "us-east-1",
      period: 60,
      query: {
        fn: "SUM",
        namespace: "AWS/Lambda",
        metricName: "Errors",
        groupBy: ["FunctionName"],
        limit: 7,
      },
    });
    expect(explicitMetrics(query)).toEqual([]);
    expect(metricCount(query)).toBe(7);
    expect(metricCount(textWidget("x"))).toBe(0);
  });
});

describe("Metrics Insights queries", () => {
  it("quotes namespaces and metric names that are not plain identifiers, and ranks top N by the same function", () => {
    const sql = insightsQuery({
      fn: "MAX",
      namespace: "AWS/Kinesis",
      metricName: "GetRecords.IteratorAgeMilliseconds",
      schema: ["StreamName"],
      groupBy: ["StreamName"],
      limit: 10,
    });
    expect(sql).toBe(
      'SELECT MAX("GetRecords.IteratorAgeMilliseconds") FROM SCHEMA("AWS/Kinesis", StreamName) GROUP BY StreamName ORDER BY MAX() DESC LIMIT 10',
    );
    // The in-memory account runs the same subset of the language: the query must parse there.
    expect(parseInsightsQuery(sql)).toMatchObject({
      metricName: "GetRecords.IteratorAgeMilliseconds",
      namespace: "AWS/Kinesis",
      schema: ["StreamName"],
      groupBy: ["StreamName"],
      order: "DESC",
      limit: 10,
    });
    expect(
      insightsQuery({
        fn: "SUM",
        namespace: "AWS/Events",
        metricName: "FailedInvocations",
        groupBy: ["RuleName"],
        limit: 5,
      }),
    ).toBe('SELECT SUM(FailedInvocations) FROM "AWS/Events" GROUP BY RuleName ORDER BY SUM() DESC LIMIT 5');
    expect(
      insightsQuery({
        fn: "AVG",
        namespace: "AWS/ApiGateway",
        metricName: "5XXError",
        groupBy: [],
        limit: 1,
      }),
    ).toBe('SELECT AVG("5XXError") FROM "AWS/ApiGateway" ORDER BY AVG() DESC LIMIT 1');
  });

  it("rejects a LIMIT outside what one query can return", () => {
    expect(() =>
      insightsQuery({ fn: "SUM", namespace: "AWS/Lambda", metricName: "Errors", groupBy: [], limit: 501 }),
    ).toThrow("Metrics Insights LIMIT 501 is outside 1–500");
  });
});

describe("widget builders", () => {
  it("follow the documented shapes: alarm widgets sort by state and may filter states", () => {
    expect(alarmStatusWidget({ title: "A", alarms: ["arn:1"], states: ["ALARM"], height: 3 })).toEqual({
      type: "alarm",
      width: 24,
      height: 3,
      properties: { title: "A", alarms: ["arn:1"], sortBy: "stateUpdatedTimestamp", states: ["ALARM"] },
    });
    expect(() => alarmStatusWidget({ title: "empty", alarms: [] })).toThrow(
      'alarm status widget "empty" has no alarms',
    );
  });

  it("reject sizes and periods CloudWatch would refuse, saying what is allowed", () => {
    expect(() => textWidget("x", { width: 25 })).toThrow(
      "widget width 25 is outside the dashboard grid's 1–24 columns",
    );
    expect(() => textWidget("x", { height: 0 })).toThrow("widget height 0 is outside CloudWatch's 1–1000");
    expect(() =>
      metricWidget({
        title: "t",
        region: "us-east-1",
        stat: "Sum",
        period: 90,
        metrics: [{ namespace: "AWS/Lambda", metricName: "Errors", dimensions: [] }],
      }),
    ).toThrow("widget period 90 is not valid; CloudWatch wants a multiple of 60 seconds, at least 60");
    expect(() =>
      metricWidget({ title: "none", region: "us-east-1", stat: "Sum", period: 60, metrics: [] }),
    ).toThrow('metric widget "none" has no metrics');
  });

  it("places widgets left to right, wrapping at 24 columns, full-width ones on their own row", () => {
    const placed = placeWidgets([
      textWidget("head", { height: 3 }),
      textWidget("a", { width: 8, height: 6 }),
      textWidget("b", { width: 8, height: 4 }),
      textWidget("c", { width: 12, height: 2 }),
      textWidget("full", { height: 1 }),
    ]);
    expect(placed.map(({ x, y, width, height }) => ({ x, y, width, height }))).toEqual([
      { x: 0, y: 0, width: 24, height: 3 },
      { x: 0, y: 3, width: 8, height: 6 },
      { x: 8, y: 3, width: 8, height: 4 },
      { x: 0, y: 9, width: 12, height: 2 },
      { x: 0, y: 11, width: 24, height: 1 },
    ]);
  });
});

describe("limits", () => {
  it("are the current published ones, each with its source", () => {
    expect(DEFAULT_DASHBOARD_LIMITS).toEqual({
      widgetsPerDashboard: 500,
      metricsPerWidget: 500,
      metricsPerDashboard: 2500,
      alarmsPerAlarmWidget: 100,
      bodyBytes: 100_000,
    });
    for (const limit of Object.values(DASHBOARD_LIMIT_SOURCES))
      expect(limit.source).toMatch(/https:\/\/docs\.aws/);
  });

  it("accept lower overrides and refuse ones above CloudWatch's", () => {
    expect(resolveLimits({ widgetsPerDashboard: 20 }).widgetsPerDashboard).toBe(20);
    expect(() => resolveLimits({ metricsPerWidget: 600 })).toThrow(
      "dashboard limit metricsPerWidget=600 is above CloudWatch's 500",
    );
    expect(() => resolveLimits({ bodyBytes: 0 })).toThrow(
      "dashboard limit bodyBytes must be a positive integer, got 0",
    );
  });

  it("validate dashboard names: at most 255 of A-Z, a-z, 0-9, - and _", () => {
    expect(validateDashboardName("watchkeeper-dashboard-us-east-1")).toBe("watchkeeper-dashboard-us-east-1");
    expect(() => validateDashboardName("team.ops dashboard")).toThrow(
      'dashboard name "team.ops dashboard" contains ". "; CloudWatch allows only A-Z, a-z, 0-9, "-" and "_"',
    );
    expect(() => validateDashboardName("x".repeat(256))).toThrow(
      "is 256 characters long; CloudWatch allows 1 to 255",
    );
  });
});
