import { describe, expect, it } from "vitest";
import { catalogEntry } from "../../lib/alarms/catalog/index.js";
import type { CatalogEntry, Dimension } from "../../lib/alarms/catalog/types.js";
import { alarmMetricNames, lintAlarmData, type AlarmDataFinding } from "../../lib/alarms/lint.js";
import { planAlarms } from "../../lib/alarms/plan.js";
import { insightsQuery, type AlarmSpec, type MetricQuery } from "../../lib/alarms/spec.js";
import { metricKey, type ListedMetric, type ListedMetrics } from "../../lib/metrics/listed.js";
import { fn, inventoryOf, policyOf, table, TEST_ALARM } from "./fixtures.js";

const DDB = "AWS/DynamoDB";
const LAMBDA = "AWS/Lambda";

/** ListMetrics' answer: `namespace metric` → dimension sets as `{ name: value }`; `unread` → why. */
function listing(
  sets: Readonly<Record<string, readonly Readonly<Record<string, string>>[]>>,
  unread: Readonly<Record<string, string>> = {},
): ListedMetrics {
  const metrics = new Map<string, ListedMetric[]>();
  for (const [key, dimensionSets] of Object.entries(sets)) {
    const [namespace = "", metricName = ""] = key.split(" ");
    metrics.set(
      metricKey({ namespace, metricName }),
      dimensionSets.map((set) => ({
        namespace,
        metricName,
        dimensions: Object.entries(set)
          .map(([name, value]) => ({ name, value }))
          .sort((a, b) => (a.name < b.name ? -1 : 1)),
      })),
    );
  }
  return { metrics, unread: new Map(Object.entries(unread)), calls: metrics.size };
}

const dims = (set: Readonly<Record<string, string>>): Dimension[] =>
  Object.entries(set).map(([name, value]) => ({ name, value }));

function origin(entryId: string, level: "aggregate" | "individual" = "individual") {
  return { entryId, level, metricsAnalyzed: 1, highResolution: false, usesMetricsInsights: false };
}

/** A single-metric alarm. */
function single(
  name: string,
  namespace: string,
  metricName: string,
  dimensions: Readonly<Record<string, string>>,
  extra: Partial<Pick<AlarmSpec, "treatMissingData">> = {},
): AlarmSpec {
  return {
    ...TEST_ALARM,
    ...extra,
    name,
    metric: { namespace, metricName, dimensions: dims(dimensions), statistic: "Sum", period: 60 },
    origin: origin(name),
  };
}

/** A metric-math or Metrics Insights alarm. */
function math(name: string, metrics: readonly MetricQuery[]): AlarmSpec {
  return { ...TEST_ALARM, name, metrics, origin: origin(name) };
}

const stat = (id: string, namespace: string, metricName: string, set: Readonly<Record<string, string>>) => ({
  id,
  metricStat: { namespace, metricName, dimensions: dims(set), stat: "Sum", period: 60 },
  returnData: false,
});

const only = (findings: readonly AlarmDataFinding[]) => {
  expect(findings).toHaveLength(1);
  return findings[0]!;
};

describe("alarm data check: never", () => {
  it("catches SystemErrors per table: DynamoDB publishes it only per [Operation, TableName]", () => {
    // The catalog aggregates SystemErrors FROM "AWS/DynamoDB" now; plan the old per-table shape from an entry
    // that alarms on [TableName] alone, both as each table's own alarm and as a SCHEMA query.
    const entry = catalogEntry("dynamodb-system-errors")!;
    const perTable: CatalogEntry = { ...entry, querySchema: "exact", individual: "always" };
    const plan = planAlarms(inventoryOf([table("orders")]), policyOf(), [], { catalog: [perTable] });
    expect(plan.desired.map((s) => s.name).sort()).toEqual([
      "watchkeeper-dynamodb-system-errors",
      "watchkeeper-dynamodb-system-errors-orders",
    ]);
    const listed = listing({
      [`${DDB} SystemErrors`]: [
        { TableName: "orders", Operation: "GetItem" },
        { TableName: "orders", Operation: "PutItem" },
      ],
    });
    const check = lintAlarmData(plan.desired, listed);
    expect(check.counts).toEqual({ fine: 0, never: 2, "no-data-yet": 0, unknown: 0 });
    const [aggregate, own] = check.findings;
    expect(own).toMatchObject({
      alarm: "watchkeeper-dynamodb-system-errors-orders",
      status: "never",
      cause: "other-dimensions",
      metric: "AWS/DynamoDB SystemErrors",
      entryId: "dynamodb-system-errors",
      level: "individual",
      resourceArn: table("orders").arn,
    });
    expect(own!.reason).toBe(
      "AWS/DynamoDB SystemErrors is published for orders only with [Operation, TableName], not [TableName]: " +
        "the alarm can never receive data; it would stay OK whatever happens",
    );
    expect(aggregate).toMatchObject({
      alarm: "watchkeeper-dynamodb-system-errors",
      status: "never",
      level: "aggregate",
    });
    expect(aggregate!.reason).toMatch(
      /^AWS\/DynamoDB SystemErrors is listed only with \[Operation, TableName\], never with exactly the query's SCHEMA \[TableName\]: the query matches no series; /,
    );

    // The catalog's query reads every dimension set: it sees the same series and is fine.
    const current = planAlarms(inventoryOf([table("orders")]), policyOf(), [], { catalog: [entry] });
    expect(lintAlarmData(current.desired, listed).findings).toEqual([]);
  });

  it("says where an alarm that never gets data stays, by its missing-data treatment", () => {
    const listed = listing({ [`${DDB} SystemErrors`]: [{ TableName: "orders", Operation: "Query" }] });
    const breaching = single(
      "b",
      DDB,
      "SystemErrors",
      { TableName: "orders" },
      { treatMissingData: "breaching" },
    );
    const missing = single(
      "m",
      DDB,
      "SystemErrors",
      { TableName: "orders" },
      { treatMissingData: "missing" },
    );
    const [b, m] = lintAlarmData([breaching, missing], listed).findings;
    expect(b!.reason).toMatch(/; missing data counts as breaching, so it would stay in ALARM$/);
    expect(m!.reason).toMatch(/; it would stay in INSUFFICIENT_DATA$/);
  });

  it("a metric name that differs only in case from one the resource publishes", () => {
    const listed = listing({ [`${LAMBDA} Errors`]: [{ FunctionName: "api" }], [`${LAMBDA} errors`]: [] });
    const specs = [
      single("right", LAMBDA, "Errors", { FunctionName: "api" }),
      single("typo", LAMBDA, "errors", { FunctionName: "api" }),
    ];
    expect(only(lintAlarmData(specs, listed).findings)).toMatchObject({
      alarm: "typo",
      status: "never",
      cause: "metric-name",
      reason:
        "api publishes AWS/Lambda Errors, not AWS/Lambda errors (metric names are case-sensitive): " +
        "the alarm can never receive data; it would stay OK whatever happens",
    });
  });

  it("a math alarm: each MetricStat is checked, and the reason names the query", () => {
    const listed = listing({
      [`${LAMBDA} Invocations`]: [{ FunctionName: "api" }],
      [`${LAMBDA} Errors`]: [{ FunctionName: "api" }, { FunctionName: "api", Resource: "api:live" }],
    });
    const rate = (errors: Readonly<Record<string, string>>) =>
      math("rate", [
        stat("errors", LAMBDA, "Errors", errors),
        stat("invocations", LAMBDA, "Invocations", { FunctionName: "api" }),
        { id: "r", expression: "100 * errors / invocations", returnData: true },
      ]);
    expect(lintAlarmData([rate({ FunctionName: "api" })], listed).findings).toEqual([]);
    // One bad query among several: the reason names it.
    const perRead = math("errors-per-read", [
      stat("m1", DDB, "SystemErrors", { TableName: "orders" }),
      stat("m2", DDB, "ConsumedReadCapacityUnits", { TableName: "orders" }),
      { id: "e1", expression: "FILL(m1, 0) / m2", returnData: true },
    ]);
    const ddb = listing({
      [`${DDB} SystemErrors`]: [{ TableName: "orders", Operation: "Scan" }],
      [`${DDB} ConsumedReadCapacityUnits`]: [{ TableName: "orders" }],
    });
    const finding = only(lintAlarmData([perRead], ddb).findings);
    expect(finding).toMatchObject({
      status: "never",
      cause: "other-dimensions",
      metric: "AWS/DynamoDB SystemErrors",
    });
    expect(finding.reason).toMatch(
      /^m1: AWS\/DynamoDB SystemErrors is published for orders only with \[Operation, TableName\], not \[TableName\]/,
    );
    // A zero-filled per-table alarm (as the catalog writes DynamoDB's): FILL makes no data from a series that
    // does not exist.
    const zeroFilled = math("filled", [
      stat("m1", DDB, "SystemErrors", { TableName: "orders" }),
      { id: "e1", expression: "FILL(m1, 0)", returnData: true },
    ]);
    expect(only(lintAlarmData([zeroFilled], ddb).findings).status).toBe("never");
  });

  it("an anomaly-band alarm is checked on its metric", () => {
    const spec = math("band", [
      { ...stat("m1", LAMBDA, "Invocations", { FunctionName: "api" }), returnData: true },
      { id: "ad1", expression: "ANOMALY_DETECTION_BAND(m1, 2)", returnData: true },
    ]);
    expect(
      lintAlarmData([spec], listing({ [`${LAMBDA} Invocations`]: [{ FunctionName: "api" }] })).findings,
    ).toEqual([]);
  });
});

describe("alarm data check: no data yet, never called never", () => {
  it("a metric the resource does not publish while it publishes others: sent only when something happens", () => {
    const listed = listing({ [`${LAMBDA} Errors`]: [{ FunctionName: "api" }], [`${LAMBDA} Throttles`]: [] });
    const finding = only(
      lintAlarmData([single("t", LAMBDA, "Throttles", { FunctionName: "api" })], listed).findings,
    );
    expect(finding).toMatchObject({
      status: "no-data-yet",
      cause: "metric-quiet",
      metric: "AWS/Lambda Throttles",
    });
    expect(finding.reason).toBe(
      "api publishes other AWS/Lambda metrics but no Throttles in the last two weeks: expected if AWS sends it " +
        "only when something happens (errors, throttles); if not, check the alarm's metric and dimensions",
    );
  });

  it("a resource with nothing listed: new, or no traffic yet", () => {
    const listed = listing({ [`${LAMBDA} Errors`]: [{ FunctionName: "api" }] });
    const finding = only(
      lintAlarmData([single("e", LAMBDA, "Errors", { FunctionName: "new-fn" })], listed).findings,
    );
    expect(finding).toMatchObject({ status: "no-data-yet", cause: "resource-silent" });
    expect(finding.reason).toBe(
      "nothing of new-fn in AWS/Lambda in the last two weeks: a new resource, or one with no traffic yet",
    );
  });

  it("a quiet resource whose metric elsewhere comes only with more dimensions gets a hint, not a verdict", () => {
    const listed = listing({ [`${DDB} SystemErrors`]: [{ TableName: "busy", Operation: "GetItem" }] });
    const finding = only(
      lintAlarmData([single("s", DDB, "SystemErrors", { TableName: "quiet" })], listed).findings,
    );
    expect(finding.status).toBe("no-data-yet");
    expect(finding.reason).toMatch(
      /; elsewhere in the account it is listed only with \[Operation, TableName\]: if that holds here too, the alarm will never receive data$/,
    );
  });

  it("an index's throttling is not the table's: a table listed only with GlobalSecondaryIndexName is quiet", () => {
    const listed = listing({
      [`${DDB} ReadThrottleEvents`]: [{ TableName: "orders", GlobalSecondaryIndexName: "by-customer" }],
    });
    const own = single("own", DDB, "ReadThrottleEvents", { TableName: "orders" });
    const query = math("query", [
      {
        id: "q1",
        expression: insightsQuery({
          fn: "SUM",
          namespace: DDB,
          metricName: "ReadThrottleEvents",
          groupBy: ["TableName"],
          schema: "exact",
          exclude: [],
          descending: true,
          limit: 500,
        }),
        period: 60,
        returnData: true,
      },
    ]);
    const check = lintAlarmData([own, query], listed);
    expect(check.counts).toMatchObject({ never: 0, "no-data-yet": 2 });
    expect(check.findings.map((f) => f.cause)).toEqual(["metric-quiet", "metric-quiet"]);
  });

  it("an account-wide metric is never judged by the per-resource series", () => {
    const listed = listing({ [`${LAMBDA} ConcurrentExecutions`]: [{ FunctionName: "reserved" }] });
    const finding = only(lintAlarmData([single("c", LAMBDA, "ConcurrentExecutions", {})], listed).findings);
    expect(finding).toMatchObject({ status: "no-data-yet", cause: "resource-silent" });
    expect(finding.reason).toBe(
      "no account-wide AWS/Lambda ConcurrentExecutions (without dimensions) in the last two weeks",
    );
  });
});

describe("alarm data check: Metrics Insights queries", () => {
  const query = (schema: "exact" | "any", exclude: string[] = [], groupBy = ["TableName"]) =>
    math("q", [
      {
        id: "q1",
        expression: insightsQuery({
          fn: "SUM",
          namespace: DDB,
          metricName: "SystemErrors",
          groupBy,
          schema,
          exclude,
          descending: true,
          limit: 500,
        }),
        period: 60,
        returnData: true,
      },
    ]);

  it("SCHEMA with exactly the listed keys, or FROM the namespace with the GROUP BY keys, is fine", () => {
    expect(
      lintAlarmData([query("exact")], listing({ [`${DDB} SystemErrors`]: [{ TableName: "a" }] })).findings,
    ).toEqual([]);
    const perOperation = listing({ [`${DDB} SystemErrors`]: [{ TableName: "a", Operation: "Scan" }] });
    expect(lintAlarmData([query("any")], perOperation).findings).toEqual([]);
  });

  it("series of excluded resources only: no data yet", () => {
    const listed = listing({ [`${DDB} SystemErrors`]: [{ TableName: "skip-me", Operation: "Scan" }] });
    expect(only(lintAlarmData([query("any", ["skip-me"])], listed).findings)).toMatchObject({
      status: "no-data-yet",
      cause: "only-excluded",
    });
  });

  it("nothing listed: quiet when the kind publishes other metrics of the namespace, silent otherwise", () => {
    const quiet = listing({
      [`${DDB} SystemErrors`]: [],
      [`${DDB} ReadThrottleEvents`]: [{ TableName: "a" }],
    });
    expect(only(lintAlarmData([query("exact")], quiet).findings)).toMatchObject({ cause: "metric-quiet" });
    const silent = listing({ [`${DDB} SystemErrors`]: [] });
    expect(only(lintAlarmData([query("exact")], silent).findings)).toMatchObject({
      cause: "resource-silent",
      reason:
        "no resource published AWS/DynamoDB metrics with [TableName] in the last two weeks: none yet, or no traffic",
    });
  });

  it("a query it cannot read is unknown, not fine", () => {
    const spec = math("odd", [
      { id: "q1", expression: "SELECT AVG(x) FROM y WHERE a = 'b'", returnData: true },
    ]);
    expect(only(lintAlarmData([spec], listing({})).findings)).toMatchObject({
      status: "unknown",
      cause: "unparsed",
    });
  });
});

describe("alarm data check: unread listings and the summary", () => {
  it("a failed listing makes its alarms unknown, with why; nothing else is concluded", () => {
    const listed = listing(
      {},
      { [metricKey({ namespace: LAMBDA, metricName: "Errors" })]: "cloudwatch ListMetrics: access denied" },
    );
    expect(
      only(lintAlarmData([single("e", LAMBDA, "Errors", { FunctionName: "api" })], listed).findings),
    ).toMatchObject({
      status: "unknown",
      cause: "unread",
      reason: "AWS/Lambda Errors could not be listed: cloudwatch ListMetrics: access denied",
    });
  });

  it("counts every alarm, orders never, unknown, no data yet, and lists each metric once", () => {
    const specs = [
      single("z-never", DDB, "SystemErrors", { TableName: "orders" }),
      single("a-quiet", LAMBDA, "Throttles", { FunctionName: "api" }),
      single("fine", LAMBDA, "Errors", { FunctionName: "api" }),
      single("m-unknown", "AWS/SQS", "ApproximateAgeOfOldestMessage", { QueueName: "q" }),
      math("rate", [
        stat("e", LAMBDA, "Errors", { FunctionName: "api" }),
        stat("i", LAMBDA, "Invocations", { FunctionName: "api" }),
        { id: "r", expression: "e / i", returnData: true },
      ]),
    ];
    expect(alarmMetricNames(specs).map(metricKey)).toEqual([
      "AWS/DynamoDB SystemErrors",
      "AWS/Lambda Throttles",
      "AWS/Lambda Errors",
      "AWS/SQS ApproximateAgeOfOldestMessage",
      "AWS/Lambda Invocations",
    ]);
    const listed = listing(
      {
        [`${DDB} SystemErrors`]: [{ TableName: "orders", Operation: "GetItem" }],
        [`${LAMBDA} Throttles`]: [],
        [`${LAMBDA} Errors`]: [{ FunctionName: "api" }],
        [`${LAMBDA} Invocations`]: [{ FunctionName: "api" }],
      },
      { "AWS/SQS ApproximateAgeOfOldestMessage": "throttled" },
    );
    const check = lintAlarmData(specs, listed);
    expect(check).toMatchObject({
      alarms: 5,
      metrics: 5,
      counts: { fine: 2, never: 1, "no-data-yet": 1, unknown: 1 },
    });
    expect(check.findings.map((f) => [f.alarm, f.status])).toEqual([
      ["z-never", "never"],
      ["m-unknown", "unknown"],
      ["a-quiet", "no-data-yet"],
    ]);
  });

  it('every alarm the catalog plans is read by the check: no data anywhere is no data yet, never "never"', () => {
    const plan = planAlarms(inventoryOf([fn("api"), table("orders")]), policyOf(), []);
    // Nothing listed at all (the listing was not asked): unknown, never fine.
    const unasked = lintAlarmData(plan.desired, listing({}));
    expect(unasked.counts).toMatchObject({ fine: 0, unknown: plan.desired.length });
    const listedAll = listing(
      Object.fromEntries(alarmMetricNames(plan.desired).map((n) => [metricKey(n), []])),
    );
    const all = lintAlarmData(plan.desired, listedAll);
    expect(all.counts).toMatchObject({ fine: 0, never: 0, unknown: 0, "no-data-yet": plan.desired.length });
  });
});
