import { describe, expect, it } from "vitest";
import { CATALOG, catalogEntry, sources } from "../../lib/alarms/catalog/index.js";
import type { CatalogEntry } from "../../lib/alarms/catalog/types.js";
import { OPEN_BREAKER_TAG, planAlarms, type AlarmPlan } from "../../lib/alarms/plan.js";
import {
  DEFAULT_ALARM_POLICY,
  readResourceAlarmTags,
  resolveAlarmPolicy,
  type AlarmPolicy,
} from "../../lib/alarms/policy.js";
import { toPutMetricAlarmInput, type AlarmSpec, type ExistingAlarm } from "../../lib/alarms/spec.js";
import type { Resource } from "../../lib/inventory/types.js";
import {
  fn,
  httpApi,
  inventoryOf,
  policyOf,
  queue,
  queueWithDlq,
  restApi,
  rule,
  stateMachine,
  stream,
  table,
  tagged,
  topic,
  webSocketApi,
} from "./fixtures.js";

function entry(id: string): CatalogEntry {
  const found = catalogEntry(id);
  if (!found) throw new Error(`no catalog entry ${id}`);
  return found;
}

function plan(resources: Resource[], policy: AlarmPolicy = policyOf(), concurrencyLimit?: number): AlarmPlan {
  return planAlarms(inventoryOf(resources, concurrencyLimit ? { concurrencyLimit } : {}), policy, []);
}

function alarm(result: AlarmPlan, entryId: string, resource?: Resource): AlarmSpec {
  const found = result.desired.find(
    (spec) =>
      spec.origin.entryId === entryId &&
      (resource ? spec.origin.resourceArn === resource.arn : spec.origin.level === "aggregate"),
  );
  if (!found) {
    throw new Error(
      `no ${resource ? `alarm on ${resource.arn}` : "aggregate"} for ${entryId}: ${result.desired.map((s) => s.name).join(", ")}`,
    );
  }
  return found;
}

function individualOf(result: AlarmPlan, entryId: string): AlarmSpec[] {
  return result.desired.filter(
    (spec) => spec.origin.entryId === entryId && spec.origin.level === "individual",
  );
}

const dlq = queue("orders-dlq");
const orders = queueWithDlq("orders", dlq);
const withDlq = fn("async-worker", { deadLetterTargetArn: dlq.arn });
const withDestination = fn("notifier", { asyncInvoke: { onFailureDestination: dlq.arn } });
const consumer = (streamArn: string, extra: { maximumRecordAgeSeconds?: number } = {}) =>
  fn("consumer", {
    eventSources: [{ uuid: "u1", sourceArn: streamArn, sourceKind: "kinesis", state: "Enabled", ...extra }],
  });
const relay = rule("relay", { eventBusName: "orders" });
const subscriptionDlq = queue("fan-out-dlq");
const withSubscriptionDlq = topic("orders", {
  subscriptions: [
    {
      arn: `${topic("orders").arn}:s1`,
      protocol: "sqs",
      endpoint: queue("orders").arn,
      deadLetterArn: subscriptionDlq.arn,
    },
  ],
});

/**
 * One representative resource per entry and the thresholds its rule gives: for that resource, and for
 * the aggregate (no resource). Each row is also checked against the planned alarms.
 */
const RULES: {
  id: string;
  resources: () => Resource[];
  subject: () => Resource;
  individual: number;
  aggregate?: number;
}[] = [
  { id: "lambda-errors", resources: () => [fn("a")], subject: () => fn("a"), individual: 0, aggregate: 0 },
  { id: "lambda-throttles", resources: () => [fn("a")], subject: () => fn("a"), individual: 0, aggregate: 0 },
  {
    id: "lambda-duration",
    resources: () => [fn("slow", { timeoutSeconds: 10 })],
    subject: () => fn("slow", { timeoutSeconds: 10 }),
    individual: 9000,
  },
  {
    id: "lambda-iterator-age",
    resources: () => [stream("clicks"), consumer(stream("clicks").arn)],
    subject: () => consumer(stream("clicks").arn),
    individual: 1_800_000,
    aggregate: 1_800_000,
  },
  {
    id: "lambda-dead-letter-errors",
    resources: () => [withDlq, dlq],
    subject: () => withDlq,
    individual: 0,
    aggregate: 0,
  },
  {
    id: "lambda-destination-delivery-failures",
    resources: () => [withDestination],
    subject: () => withDestination,
    individual: 0,
    aggregate: 0,
  },
  {
    id: "sqs-age-of-oldest-message",
    resources: () => [orders, dlq],
    subject: () => orders,
    individual: 3600,
    aggregate: 3600,
  },
  { id: "sqs-dlq-messages-visible", resources: () => [orders, dlq], subject: () => dlq, individual: 0 },
  { id: "sqs-dlq-new-messages", resources: () => [orders, dlq], subject: () => dlq, individual: 5 },
  { id: "sqs-dlq-age", resources: () => [orders, dlq], subject: () => dlq, individual: 172_800 },
  {
    id: "sqs-messages-in-flight",
    resources: () => [orders, dlq],
    subject: () => orders,
    individual: 108_000,
    aggregate: 108_000,
  },
  {
    // 30 minutes (the policy cap): half of a 24-hour retention is 12 hours.
    id: "kinesis-iterator-age",
    resources: () => [stream("clicks")],
    subject: () => stream("clicks"),
    individual: 1_800_000,
    aggregate: 1_800_000,
  },
  {
    id: "kinesis-read-throughput-exceeded",
    resources: () => [stream("clicks")],
    subject: () => stream("clicks"),
    individual: 0.01,
    aggregate: 0.01,
  },
  {
    id: "kinesis-write-throughput-exceeded",
    resources: () => [stream("clicks")],
    subject: () => stream("clicks"),
    individual: 0.01,
    aggregate: 0.01,
  },
  {
    id: "apigateway-rest-5xx",
    resources: () => [restApi("shop", "r1")],
    subject: () => restApi("shop", "r1"),
    individual: 0.05,
    aggregate: 0.05,
  },
  {
    id: "apigateway-rest-4xx",
    resources: () => [restApi("shop", "r1")],
    subject: () => restApi("shop", "r1"),
    individual: 0.05,
    aggregate: 0.05,
  },
  {
    id: "apigateway-rest-latency",
    resources: () => [restApi("shop", "r1")],
    subject: () => restApi("shop", "r1"),
    individual: 2500,
  },
  {
    id: "apigateway-http-5xx",
    resources: () => [httpApi("web", "h1")],
    subject: () => httpApi("web", "h1"),
    individual: 0.05,
    aggregate: 0.05,
  },
  {
    id: "apigateway-http-4xx",
    resources: () => [httpApi("web", "h1")],
    subject: () => httpApi("web", "h1"),
    individual: 0.05,
    aggregate: 0.05,
  },
  {
    id: "apigateway-http-latency",
    resources: () => [httpApi("web", "h1")],
    subject: () => httpApi("web", "h1"),
    individual: 2500,
  },
  {
    id: "apigateway-websocket-execution-errors",
    resources: () => [webSocketApi("chat", "w1")],
    subject: () => webSocketApi("chat", "w1"),
    individual: 0.05,
    aggregate: 0.05,
  },
  {
    id: "apigateway-websocket-client-errors",
    resources: () => [webSocketApi("chat", "w1")],
    subject: () => webSocketApi("chat", "w1"),
    individual: 0.05,
    aggregate: 0.05,
  },
  {
    id: "apigateway-websocket-integration-latency",
    resources: () => [webSocketApi("chat", "w1")],
    subject: () => webSocketApi("chat", "w1"),
    individual: 2000,
  },
  {
    id: "dynamodb-read-throttle-events",
    resources: () => [table("users")],
    subject: () => table("users"),
    individual: 10,
    aggregate: 10,
  },
  {
    id: "dynamodb-write-throttle-events",
    resources: () => [table("users")],
    subject: () => table("users"),
    individual: 10,
    aggregate: 10,
  },
  // dynamodb-system-errors alarms only in its aggregate (see "DynamoDB" below).
  {
    // A rate: no aggregate, every state machine its own alarm.
    id: "stepfunctions-executions-failed",
    resources: () => [stateMachine("checkout")],
    subject: () => stateMachine("checkout"),
    individual: 0.1,
  },
  {
    id: "stepfunctions-execution-throttled",
    resources: () => [stateMachine("checkout")],
    subject: () => stateMachine("checkout"),
    individual: 0,
    aggregate: 0,
  },
  {
    // 80% of a 15-minute TimeoutSeconds, in ms; each machine its own alarm (no aggregate).
    id: "stepfunctions-execution-time",
    resources: () => [stateMachine("batch", { timeoutSeconds: 900 })],
    subject: () => stateMachine("batch", { timeoutSeconds: 900 }),
    individual: 720_000,
  },
  {
    id: "stepfunctions-executions-timed-out",
    resources: () => [stateMachine("checkout")],
    subject: () => stateMachine("checkout"),
    individual: 0,
    aggregate: 0,
  },
  {
    id: "eventbridge-failed-invocations",
    resources: () => [rule("nightly"), relay],
    subject: () => rule("nightly"),
    individual: 0,
    aggregate: 0,
  },
  {
    id: "eventbridge-failed-invocations-custom-bus",
    resources: () => [rule("nightly"), relay],
    subject: () => relay,
    individual: 0,
    aggregate: 0,
  },
  {
    id: "eventbridge-dlq-delivery-failed",
    resources: () => [rule("nightly"), relay],
    subject: () => rule("nightly"),
    individual: 0,
    aggregate: 0,
  },
  {
    id: "eventbridge-dlq-delivery-failed-custom-bus",
    resources: () => [rule("nightly"), relay],
    subject: () => relay,
    individual: 0,
    aggregate: 0,
  },
  {
    id: "sns-notifications-failed",
    resources: () => [topic("orders")],
    subject: () => topic("orders"),
    individual: 0,
    aggregate: 0,
  },
  {
    id: "sns-dlq-delivery-failed",
    resources: () => [withSubscriptionDlq, subscriptionDlq],
    subject: () => withSubscriptionDlq,
    individual: 0,
    aggregate: 0,
  },
];

describe("catalog", () => {
  it("holds the entries the issue requires, each with a source, a runbook and valid settings", () => {
    const ids = CATALOG.map((e) => e.id);
    for (const required of [
      "lambda-errors",
      "lambda-throttles",
      "lambda-duration",
      "lambda-claimed-account-concurrency",
      "lambda-concurrent-executions",
      "lambda-iterator-age",
      "lambda-dead-letter-errors",
      "lambda-destination-delivery-failures",
      "sqs-age-of-oldest-message",
      "sqs-dlq-messages-visible",
      "sqs-dlq-new-messages",
      "sqs-dlq-age",
      "sqs-messages-in-flight",
      "kinesis-iterator-age",
      "kinesis-fan-out-consumer-lag",
      "kinesis-read-throughput-exceeded",
      "kinesis-write-throughput-exceeded",
      "apigateway-rest-5xx",
      "apigateway-rest-4xx",
      "apigateway-rest-latency",
      "apigateway-http-5xx",
      "apigateway-http-4xx",
      "apigateway-http-latency",
      "apigateway-websocket-execution-errors",
      "apigateway-websocket-client-errors",
      "apigateway-websocket-integration-latency",
      "dynamodb-read-throttle-events",
      "dynamodb-write-throttle-events",
      "dynamodb-index-read-throttle-events",
      "dynamodb-index-write-throttle-events",
      "dynamodb-system-errors",
      "stepfunctions-executions-failed",
      "stepfunctions-execution-throttled",
      "stepfunctions-execution-time",
      "stepfunctions-executions-timed-out",
      "eventbridge-failed-invocations",
      "eventbridge-failed-invocations-custom-bus",
      "eventbridge-dlq-delivery-failed",
      "eventbridge-dlq-delivery-failed-custom-bus",
      "sns-notifications-failed",
      "sns-dlq-delivery-failed",
    ]) {
      expect(ids).toContain(required);
    }
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of CATALOG) {
      expect(e.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/.+ — .+/);
      expect(e.runbook).toMatch(/^[a-z0-9-]+$/);
      expect(e.period).toBeGreaterThanOrEqual(60);
      expect(e.datapointsToAlarm).toBeLessThanOrEqual(e.evaluationPeriods);
      // Metrics Insights has no percentiles: a percentile entry cannot have a query aggregate.
      if (e.statistic.startsWith("p")) expect(e.aggregate).not.toBe("metrics-insights");
    }
  });

  it("has a threshold row for every entry that can alarm on one resource", () => {
    const withRows = new Set(RULES.map((row) => row.id));
    const missing = CATALOG.filter((e) => e.individual !== "never" && !withRows.has(e.id)).map((e) => e.id);
    expect(missing).toEqual([]);
  });

  describe.each(RULES)("$id", (row) => {
    const subject = row.subject();

    it(`threshold rule gives ${row.individual} for its resource${row.aggregate !== undefined ? ` and ${row.aggregate} for the aggregate` : ""}`, () => {
      const base = { limits: DEFAULT_ALARM_POLICY.limits, accountConcurrency: 1000 };
      const extra = row.id === "lambda-iterator-age" ? { sourceRetentionHours: 24 } : {};
      expect(entry(row.id).threshold.compute({ ...base, ...extra, resource: subject })).toBe(row.individual);
      if (row.aggregate !== undefined) expect(entry(row.id).threshold.compute(base)).toBe(row.aggregate);
    });

    it("planned alarms carry the rule's thresholds", () => {
      const result = plan(row.resources(), policyOf({ criticalResources: [subject.arn] }));
      expect(alarm(result, row.id, subject).threshold).toBe(row.individual);
      if (row.aggregate !== undefined) expect(alarm(result, row.id).threshold).toBe(row.aggregate);
    });

    // An entry whose metric another entry of the kind alarms on with another meaning takes neither a tag
    // nor config by metric name.
    const byTag = entry(row.id).byMetricName !== false;
    it(`a tag watchkeeper:threshold:${entry(row.id).metricName} ${byTag ? "sets" : "leaves"} the resource's threshold`, () => {
      const resources = row
        .resources()
        .map((r) =>
          r.arn === subject.arn
            ? tagged(r, { [`watchkeeper:threshold:${entry(row.id).metricName}`]: "7" })
            : r,
        );
      const result = plan(resources);
      expect(result.warnings).toEqual([]);
      expect(alarm(result, row.id, subject).threshold).toBe(byTag ? 7 : row.individual);
      if (row.aggregate !== undefined) expect(alarm(result, row.id).threshold).toBe(row.aggregate);
    });

    it(`config sets the threshold by entry id, which wins over the metric name${byTag ? "" : " (which leaves it)"}`, () => {
      const byMetric = plan(
        row.resources(),
        policyOf({ thresholds: { [entry(row.id).metricName]: 11 }, criticalResources: [subject.arn] }),
      );
      expect(alarm(byMetric, row.id, subject).threshold).toBe(byTag ? 11 : row.individual);
      const byId = plan(
        row.resources(),
        policyOf({
          thresholds: { [entry(row.id).metricName]: 11, [row.id]: 13 },
          criticalResources: [subject.arn],
        }),
      );
      expect(alarm(byId, row.id, subject).threshold).toBe(13);
      if (row.aggregate !== undefined) expect(alarm(byId, row.id).threshold).toBe(13);
    });
  });
});

describe("threshold rules adapt to the resource", () => {
  it("Lambda duration: 90% of each function's timeout, one alarm per function", () => {
    const result = plan([fn("quick", { timeoutSeconds: 3 }), fn("batch", { timeoutSeconds: 900 })]);
    expect(alarm(result, "lambda-duration", fn("quick")).threshold).toBe(2700);
    expect(alarm(result, "lambda-duration", fn("batch")).threshold).toBe(810_000);
    expect(alarm(result, "lambda-duration", fn("batch")).metric?.extendedStatistic).toBe("p90");
  });

  it("Lambda concurrency: 90% of the account's limit, from the inventory", () => {
    expect(alarm(plan([fn("a")], policyOf(), 3000), "lambda-claimed-account-concurrency").threshold).toBe(
      2700,
    );
    expect(alarm(plan([fn("a")]), "lambda-claimed-account-concurrency").threshold).toBe(900);
  });

  it("Lambda concurrency: the policy's assumed limit, with a warning, when the account's is unknown", () => {
    const result = planAlarms(inventoryOf([fn("a")], { concurrencyLimit: null }), policyOf(), []);
    expect(alarm(result, "lambda-claimed-account-concurrency").threshold).toBe(900);
    expect(result.warnings).toContain(
      "the Lambda account concurrency limit is unknown (GetAccountSettings was not read); concurrency alarms assume 1000",
    );
  });

  it("ConcurrentExecutions is off by default and on when the policy enables it", () => {
    expect(plan([fn("a")]).desired.some((s) => s.origin.entryId === "lambda-concurrent-executions")).toBe(
      false,
    );
    const on = plan([fn("a")], policyOf({ enabled: ["lambda-concurrent-executions"] }), 2000);
    expect(alarm(on, "lambda-concurrent-executions").threshold).toBe(1800);
  });

  it("Lambda IteratorAge: half the mapping's maximum record age when that is below 30 minutes", () => {
    const result = plan([stream("clicks"), consumer(stream("clicks").arn, { maximumRecordAgeSeconds: 600 })]);
    expect(alarm(result, "lambda-iterator-age", fn("consumer")).threshold).toBe(300_000);
    expect(alarm(result, "lambda-iterator-age").metrics?.[0]?.expression).toContain(
      "FunctionName != 'consumer'",
    );
  });

  it("Lambda IteratorAge applies to stream consumers only", () => {
    const result = plan(
      [fn("api"), stream("s"), consumer(stream("s").arn)],
      policyOf({ criticalResources: [fn("api").arn, fn("consumer").arn] }),
    );
    expect(individualOf(result, "lambda-iterator-age").map((s) => s.origin.resourceArn)).toEqual([
      fn("consumer").arn,
    ]);
  });

  it("SQS age: half of a short retention gets its own alarm; long retentions stay in the aggregate at the cap", () => {
    const short = queue("short", { messageRetentionSeconds: 1200 });
    const long = queue("long", { messageRetentionSeconds: 1_209_600 });
    const result = plan([short, long]);
    expect(alarm(result, "sqs-age-of-oldest-message", short).threshold).toBe(600);
    expect(individualOf(result, "sqs-age-of-oldest-message")).toHaveLength(1);
    const query = alarm(result, "sqs-age-of-oldest-message").metrics?.[0]?.expression;
    expect(query).toBe(
      `SELECT MAX(ApproximateAgeOfOldestMessage) FROM SCHEMA("AWS/SQS", QueueName) WHERE QueueName != 'short' GROUP BY QueueName ORDER BY MAX() DESC LIMIT 500`,
    );
  });

  it("SQS: every DLQ gets a depth alarm and is left out of the age aggregate", () => {
    const asyncDlq = queue("fn-dlq");
    const worker = fn("worker", { deadLetterTargetArn: asyncDlq.arn });
    const result = plan([orders, dlq, asyncDlq, worker]);
    expect(individualOf(result, "sqs-dlq-messages-visible").map((s) => s.origin.resourceArn)).toEqual([
      asyncDlq.arn,
      dlq.arn,
    ]);
    const query = alarm(result, "sqs-age-of-oldest-message").metrics?.[0]?.expression ?? "";
    expect(query).toContain("QueueName != 'fn-dlq' AND QueueName != 'orders-dlq'");
    expect(alarm(result, "sqs-dlq-messages-visible", dlq)).toMatchObject({
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      metric: {
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: [{ name: "QueueName", value: "orders-dlq" }],
      },
    });
  });

  it("Kinesis IteratorAge: the 30-minute cap whatever the retention, so every unpolled stream stays in the aggregate", () => {
    const week = stream("audit", { retentionHours: 168 });
    const result = plan([stream("clicks"), week]);
    expect(individualOf(result, "kinesis-iterator-age")).toEqual([]);
    expect(alarm(result, "kinesis-iterator-age").threshold).toBe(1_800_000);
    expect(alarm(result, "kinesis-iterator-age").metrics?.[0]?.expression).toBe(
      `SELECT MAX("GetRecords.IteratorAgeMilliseconds") FROM SCHEMA("AWS/Kinesis", StreamName) GROUP BY StreamName ORDER BY MAX() DESC LIMIT 500`,
    );
  });

  it("Kinesis IteratorAge: half the retention when it is below a raised cap; a longer retention gets its own alarm", () => {
    const week = stream("audit", { retentionHours: 168 });
    const result = plan([stream("clicks"), week], policyOf({ limits: { iteratorAgeCapMs: 172_800_000 } }));
    expect(alarm(result, "kinesis-iterator-age").threshold).toBe(43_200_000);
    expect(alarm(result, "kinesis-iterator-age", week).threshold).toBe(172_800_000);
    expect(individualOf(result, "kinesis-iterator-age").map((s) => s.origin.resourceArn)).toEqual([week.arn]);
    expect(alarm(result, "kinesis-iterator-age").metrics?.[0]?.expression).toContain("StreamName != 'audit'");
  });
});

describe("Kinesis: streams a Lambda mapping polls", () => {
  const polled = stream("clicks");
  const fanned = stream("fanned");
  const quiet = stream("quiet");
  // A mapping the circuit breaker disabled still names its stream: nobody reads it, and that must alarm.
  const reader = fn("reader", {
    eventSources: [{ uuid: "u1", sourceArn: polled.arn, sourceKind: "kinesis", state: "Disabled" }],
  });
  const fanOutReader = fn("fan-out-reader", {
    eventSources: [
      {
        uuid: "u2",
        sourceArn: `${fanned.arn}/consumer/efo:1700000000`,
        sourceKind: "kinesis",
        state: "Enabled",
      },
    ],
  });

  it("a polled stream gets its own IteratorAge alarm that treats missing data as breaching", () => {
    const result = plan([polled, fanned, quiet, reader, fanOutReader]);
    expect(result.warnings).toEqual([]);
    expect(individualOf(result, "kinesis-iterator-age").map((s) => s.origin.resourceArn)).toEqual([
      polled.arn,
    ]);
    expect(alarm(result, "kinesis-iterator-age", polled)).toMatchObject({
      name: "watchkeeper-kinesis-iterator-age-clicks",
      threshold: 1_800_000,
      treatMissingData: "breaching",
      evaluationPeriods: 15,
      datapointsToAlarm: 15,
      metric: {
        namespace: "AWS/Kinesis",
        metricName: "GetRecords.IteratorAgeMilliseconds",
        dimensions: [{ name: "StreamName", value: "clicks" }],
        statistic: "Maximum",
      },
    });
  });

  it("streams read only through a fan-out consumer, or not at all, stay in the aggregate, where silence is not breaching", () => {
    const result = plan([polled, fanned, quiet, reader, fanOutReader]);
    const aggregate = alarm(result, "kinesis-iterator-age");
    expect(aggregate.treatMissingData).toBe("notBreaching");
    expect(aggregate.metrics?.[0]?.expression).toBe(
      `SELECT MAX("GetRecords.IteratorAgeMilliseconds") FROM SCHEMA("AWS/Kinesis", StreamName) WHERE StreamName != 'clicks' GROUP BY StreamName ORDER BY MAX() DESC LIMIT 500`,
    );
  });

  it("the same stream without its reader goes back to the aggregate", () => {
    const result = plan([polled, fanned, quiet]);
    expect(individualOf(result, "kinesis-iterator-age")).toEqual([]);
    expect(alarm(result, "kinesis-iterator-age").metrics?.[0]?.expression).not.toContain("WHERE");
  });

  it("a critical stream nobody polls gets its own alarm, and it does not treat missing data as breaching", () => {
    const result = plan([quiet], policyOf({ criticalResources: [quiet.arn] }));
    expect(alarm(result, "kinesis-iterator-age", quiet).treatMissingData).toBe("notBreaching");
  });
});

describe("Kinesis: fan-out consumers and throughput", () => {
  it("fan-out consumer lag is one query over every stream's consumers, never a per-stream alarm", () => {
    const result = plan([stream("clicks")], policyOf({ criticalResources: [stream("clicks").arn] }));
    expect(individualOf(result, "kinesis-fan-out-consumer-lag")).toEqual([]);
    expect(alarm(result, "kinesis-fan-out-consumer-lag")).toMatchObject({
      threshold: 1_800_000,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: "notBreaching",
      metrics: [
        {
          id: "q1",
          expression: `SELECT MAX("SubscribeToShardEvent.MillisBehindLatest") FROM SCHEMA("AWS/Kinesis", StreamName, ConsumerName) GROUP BY StreamName, ConsumerName ORDER BY MAX() DESC LIMIT 500`,
        },
      ],
    });
  });

  it("read and write throughput exceeded: more than 1% of calls, 5 minutes of 5", () => {
    const result = plan([stream("clicks")]);
    for (const id of ["kinesis-read-throughput-exceeded", "kinesis-write-throughput-exceeded"]) {
      expect(alarm(result, id)).toMatchObject({
        threshold: 0.01,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
      });
    }
  });
});

describe("Lambda: errors and throttles per function", () => {
  it("Errors and Throttles are Metrics Insights queries grouped by function, without ignored functions or those with their own alarm", () => {
    const result = plan([
      fn("api"),
      tagged(fn("scratch"), { "watchkeeper:ignore": "true" }),
      tagged(fn("vip"), { "watchkeeper:critical": "true" }),
    ]);
    expect(alarm(result, "lambda-errors")).toMatchObject({
      threshold: 0,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      metrics: [
        {
          id: "q1",
          expression: `SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE FunctionName != 'scratch' AND FunctionName != 'vip' GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 500`,
          period: 60,
          returnData: true,
        },
      ],
    });
    expect(alarm(result, "lambda-errors").metric).toBeUndefined();
    expect(alarm(result, "lambda-throttles")).toMatchObject({
      threshold: 0,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      metrics: [
        {
          expression: `SELECT SUM(Throttles) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE FunctionName != 'scratch' AND FunctionName != 'vip' GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 500`,
        },
      ],
    });
    expect(alarm(result, "lambda-errors").origin.usesMetricsInsights).toBe(true);
    expect(alarm(result, "lambda-errors", fn("vip")).metric?.dimensions).toEqual([
      { name: "FunctionName", value: "vip" },
    ]);
  });

  it("a function whose circuit breaker is open is left out of the Throttles query, not out of Errors", () => {
    /** The breaker's trip alarm for `name`, as DescribeAlarms reads it back. */
    const tripAlarm = (name: string, managed: boolean): ExistingAlarm => ({
      name: `watchkeeper-breaker-error-rate-${name}`,
      description: `Circuit breaker for ${name}`,
      arn: `arn:aws:cloudwatch:eu-west-3:123456789012:alarm:watchkeeper-breaker-error-rate-${name}`,
      managed,
      tags: {
        ...(managed ? { "watchkeeper:managed": "true" } : {}),
        "watchkeeper:resource": fn(name).arn,
        [OPEN_BREAKER_TAG]: "open",
      },
      metric: {
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: [{ name: "FunctionName", value: name }],
        statistic: "Sum",
        period: 60,
      },
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [],
      okActions: [],
      insufficientDataActions: [],
      actionsEnabled: true,
    });
    const resources = [fn("api"), fn("payments"), fn("stranger")];
    const result = planAlarms(inventoryOf(resources), policyOf(), [
      tripAlarm("payments", true),
      // Only Watchkeeper's own record counts: the same tags on an alarm it does not own change nothing.
      tripAlarm("stranger", false),
    ]);
    expect(alarm(result, "lambda-throttles").metrics?.[0]?.expression).toBe(
      `SELECT SUM(Throttles) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE FunctionName != 'payments' GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 500`,
    );
    expect(individualOf(result, "lambda-throttles")).toEqual([]);
    expect(alarm(result, "lambda-errors").metrics?.[0]?.expression).not.toContain("WHERE");
    // Closed again (the record gone), it is back in the query.
    const closed = planAlarms(inventoryOf(resources), policyOf(), []);
    expect(alarm(closed, "lambda-throttles").metrics?.[0]?.expression).not.toContain("WHERE");
  });

  it("only the account concurrency entries remain dimensionless account metrics", () => {
    expect(CATALOG.filter((e) => e.aggregate === "account-metric").map((e) => e.id)).toEqual([
      "lambda-claimed-account-concurrency",
      "lambda-concurrent-executions",
    ]);
  });

  it("a lost async event pages once and holds ALARM for 15 quiet minutes", () => {
    const result = plan([withDlq, withDestination, dlq]);
    for (const id of ["lambda-dead-letter-errors", "lambda-destination-delivery-failures"]) {
      expect(alarm(result, id)).toMatchObject({ evaluationPeriods: 15, datapointsToAlarm: 1, threshold: 0 });
    }
  });
});

describe("DynamoDB", () => {
  it("a table's own throttle alarm reads FILL(m1, 0), so it returns to OK when the metric stops", () => {
    const users = table("users");
    const result = plan([users, table("other")], policyOf({ criticalResources: [users.arn] }));
    for (const direction of ["Read", "Write"]) {
      const id = `dynamodb-${direction.toLowerCase()}-throttle-events`;
      const own = alarm(result, id, users);
      expect(own.metric).toBeUndefined();
      expect(own).toMatchObject({
        threshold: 10,
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
      });
      expect(own.metrics).toEqual([
        {
          id: "m1",
          metricStat: {
            namespace: "AWS/DynamoDB",
            metricName: `${direction}ThrottleEvents`,
            dimensions: [{ name: "TableName", value: "users" }],
            stat: "Sum",
            period: 60,
          },
          returnData: false,
        },
        {
          id: "alarm",
          expression: "FILL(m1, 0)",
          period: 60,
          label: own.metrics?.[1]?.label,
          returnData: true,
        },
      ]);
      expect(own.metrics?.[1]?.label).toEqual(expect.any(String));
      expect(own.origin).toMatchObject({ usesMetricsInsights: false, metricsAnalyzed: 1 });
      expect(toPutMetricAlarmInput(own)).toMatchObject({ Threshold: 10 });
      expect(toPutMetricAlarmInput(own).MetricName).toBeUndefined();
      // The aggregate reads the metric itself, without the table that has its own alarm.
      expect(alarm(result, id).metrics?.[0]?.expression).toBe(
        `SELECT SUM(${direction}ThrottleEvents) FROM SCHEMA("AWS/DynamoDB", TableName) WHERE TableName != 'users' GROUP BY TableName ORDER BY SUM() DESC LIMIT 500`,
      );
    }
  });

  it("every table's global secondary indexes are one query each for reads and writes, never a per-table alarm", () => {
    const users = table("users");
    const result = plan([users], policyOf({ criticalResources: [users.arn] }));
    for (const direction of ["Read", "Write"]) {
      const id = `dynamodb-index-${direction.toLowerCase()}-throttle-events`;
      expect(individualOf(result, id)).toEqual([]);
      expect(alarm(result, id)).toMatchObject({
        threshold: 10,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        metrics: [
          {
            expression: `SELECT SUM(${direction}ThrottleEvents) FROM SCHEMA("AWS/DynamoDB", TableName, GlobalSecondaryIndexName) GROUP BY TableName, GlobalSecondaryIndexName ORDER BY SUM() DESC LIMIT 500`,
          },
        ],
      });
    }
  });

  it("SystemErrors: a critical table stays in the aggregate and gets no alarm on [TableName] alone", () => {
    const users = table("users");
    const result = plan(
      [tagged(users, { "watchkeeper:critical": "true" }), table("other")],
      policyOf({ thresholds: { "dynamodb-system-errors": 3 } }),
    );
    expect(individualOf(result, "dynamodb-system-errors")).toEqual([]);
    expect(alarm(result, "dynamodb-system-errors")).toMatchObject({
      threshold: 3,
      evaluationPeriods: 15,
      datapointsToAlarm: 15,
      metrics: [
        {
          expression: `SELECT SUM(SystemErrors) FROM "AWS/DynamoDB" GROUP BY TableName ORDER BY SUM() DESC LIMIT 500`,
        },
      ],
    });
    expect(
      result.desired.filter(
        (s) =>
          s.metric?.metricName === "SystemErrors" ||
          s.metrics?.some((q) => q.metricStat?.metricName === "SystemErrors"),
      ),
    ).toEqual([]);
  });

  it("SystemErrors: a threshold tag names no alarm metric of a table and is ignored with a warning", () => {
    const users = tagged(table("users"), { "watchkeeper:threshold:SystemErrors": "5" });
    const result = plan([users]);
    expect(result.warnings).toEqual([
      `threshold override for SystemErrors on ${users.arn} names no alarm metric (known for a dynamodb-table: ReadThrottleEvents, WriteThrottleEvents); ignored`,
    ]);
    expect(individualOf(result, "dynamodb-system-errors")).toEqual([]);
    expect(alarm(result, "dynamodb-system-errors").threshold).toBe(0);
  });
});

describe("SQS: dead-letter queues and messages in flight", () => {
  it("every DLQ gets a new-dead-letters alarm on visible plus in-flight messages, only while it already held some", () => {
    const result = plan([orders, dlq]);
    expect(individualOf(result, "sqs-dlq-new-messages").map((s) => s.origin.resourceArn)).toEqual([dlq.arn]);
    const spec = alarm(result, "sqs-dlq-new-messages", dlq);
    expect(spec).toMatchObject({
      name: "watchkeeper-sqs-dlq-new-messages-orders-dlq",
      threshold: 5,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 5,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
    });
    const stat = (metricName: string) => ({
      namespace: "AWS/SQS",
      metricName,
      dimensions: [{ name: "QueueName", value: "orders-dlq" }],
      stat: "Maximum",
      period: 60,
    });
    expect(spec.metrics).toEqual([
      { id: "m1", metricStat: stat("ApproximateNumberOfMessagesVisible"), returnData: false },
      { id: "m2", metricStat: stat("ApproximateNumberOfMessagesNotVisible"), returnData: false },
      { id: "held", expression: "m1 + m2", returnData: false },
      { id: "added", expression: "DIFF(held)", returnData: false },
      {
        id: "alarm",
        expression: "IF(held - added > 0, added, 0)",
        period: 60,
        label: "New dead letters in a dead-letter queue",
        returnData: true,
      },
    ]);
    expect(spec.origin).toMatchObject({ metricsAnalyzed: 2, usesMetricsInsights: false });
    expect(spec.description).toContain(
      "Fires when the IF(held - added > 0, added, 0) where m1 = Maximum of ApproximateNumberOfMessagesVisible, m2 = Maximum of ApproximateNumberOfMessagesNotVisible, held = m1 + m2, added = DIFF(held)",
    );
  });

  it("a DLQ's depth tag (ApproximateNumberOfMessagesVisible) sets the depth alarm, never the new-dead-letters one", () => {
    const result = plan([
      orders,
      tagged(dlq, { "watchkeeper:threshold:ApproximateNumberOfMessagesVisible": "7" }),
    ]);
    expect(result.warnings).toEqual([]);
    expect(alarm(result, "sqs-dlq-messages-visible", dlq).threshold).toBe(7);
    expect(alarm(result, "sqs-dlq-new-messages", dlq).threshold).toBe(5);
    const configured = plan([orders, dlq], policyOf({ thresholds: { "sqs-dlq-new-messages": 20 } }));
    expect(alarm(configured, "sqs-dlq-new-messages", dlq).threshold).toBe(20);
    expect(alarm(configured, "sqs-dlq-messages-visible", dlq).threshold).toBe(0);
  });

  it("every DLQ gets an age alarm at half its own retention; other queues get neither DLQ alarm", () => {
    const longDlq = queue("long-dlq", { messageRetentionSeconds: 1_209_600 });
    const result = plan([orders, dlq, queueWithDlq("payments", longDlq), longDlq]);
    expect(individualOf(result, "sqs-dlq-age").map((s) => [s.origin.resourceArn, s.threshold])).toEqual([
      [longDlq.arn, 604_800],
      [dlq.arn, 172_800],
    ]);
    expect(alarm(result, "sqs-dlq-age", dlq)).toMatchObject({
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 15,
      datapointsToAlarm: 15,
      metric: {
        metricName: "ApproximateAgeOfOldestMessage",
        dimensions: [{ name: "QueueName", value: "orders-dlq" }],
      },
    });
    const dlqAlarms = result.desired.filter(
      (s) => s.origin.resourceArn === orders.arn && s.origin.entryId.startsWith("sqs-dlq-"),
    );
    expect(dlqAlarms).toEqual([]);
  });

  it("messages in flight: one query over every queue, DLQs included, at 90% of the 120,000 quota", () => {
    const result = plan([orders, dlq]);
    expect(individualOf(result, "sqs-messages-in-flight")).toEqual([]);
    expect(alarm(result, "sqs-messages-in-flight")).toMatchObject({
      threshold: 108_000,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      metrics: [
        {
          expression: `SELECT MAX(ApproximateNumberOfMessagesNotVisible) FROM SCHEMA("AWS/SQS", QueueName) GROUP BY QueueName ORDER BY MAX() DESC LIMIT 500`,
        },
      ],
    });
    expect(alarm(result, "sqs-messages-in-flight").origin.metricsAnalyzed).toBe(2);
  });

  it("queue age no longer blames a poison message: such a message leaves the metric", () => {
    const description = alarm(plan([orders]), "sqs-age-of-oldest-message").description;
    expect(description).toContain("consumers are too slow or stopped");
    expect(description).toContain("a poison message shows as errors and dead letters, not as age");
    expect(description).not.toContain("stuck on a poison message");
  });
});

describe("SNS", () => {
  const sub = (protocol: string, extra: { deadLetterArn?: string } = {}) => ({
    arn: `arn:aws:sns:eu-west-3:123456789012:t:${protocol}`,
    protocol,
    endpoint: protocol === "email" ? "ops@example.com" : queue("q").arn,
    ...extra,
  });

  it("failed notifications alarm only for topics whose subscribers SNS retries; others leave the aggregate", () => {
    const reliable = topic("orders", { subscriptions: [sub("sqs"), sub("lambda"), sub("firehose")] });
    const mail = topic("mail", { subscriptions: [sub("sqs"), sub("email")] });
    const result = plan([reliable, mail], policyOf({ criticalResources: [reliable.arn, mail.arn] }));
    expect(individualOf(result, "sns-notifications-failed").map((s) => s.origin.resourceArn)).toEqual([
      reliable.arn,
    ]);
    expect(alarm(result, "sns-notifications-failed").metrics?.[0]?.expression).toBe(
      `SELECT SUM(NumberOfNotificationsFailed) FROM SCHEMA("AWS/SNS", TopicName) WHERE TopicName != 'mail' AND TopicName != 'orders' GROUP BY TopicName ORDER BY SUM() DESC LIMIT 500`,
    );
  });

  it("a threshold tag brings a topic with other subscribers back, at the team's threshold", () => {
    const mail = tagged(topic("mail", { subscriptions: [sub("email")] }), {
      "watchkeeper:threshold:NumberOfNotificationsFailed": "20",
    });
    const result = plan([mail, topic("plain")]);
    expect(result.warnings).toEqual([]);
    expect(alarm(result, "sns-notifications-failed", mail).threshold).toBe(20);
    expect(alarm(result, "sns-notifications-failed").metrics?.[0]?.expression).toContain(
      "WHERE TopicName != 'mail'",
    );
  });

  it("a threshold tag that is no number brings nothing back: the topic stays out, with a warning", () => {
    const mail = tagged(topic("mail", { subscriptions: [sub("email")] }), {
      "watchkeeper:threshold:NumberOfNotificationsFailed": "lots",
    });
    const result = plan([mail, topic("plain")]);
    expect(result.warnings.join("\n")).toContain("NumberOfNotificationsFailed");
    expect(individualOf(result, "sns-notifications-failed")).toEqual([]);
    expect(alarm(result, "sns-notifications-failed").metrics?.[0]?.expression).toContain(
      "WHERE TopicName != 'mail'",
    );
  });

  it("DLQ redrive failures: topics with a subscription DLQ, one lost message pages, ALARM holds 15 minutes", () => {
    const noDlq = topic("plain", { subscriptions: [sub("sqs")] });
    const result = plan(
      [withSubscriptionDlq, noDlq, subscriptionDlq],
      policyOf({ criticalResources: [withSubscriptionDlq.arn, noDlq.arn] }),
    );
    expect(individualOf(result, "sns-dlq-delivery-failed").map((s) => s.origin.resourceArn)).toEqual([
      withSubscriptionDlq.arn,
    ]);
    expect(alarm(result, "sns-dlq-delivery-failed", withSubscriptionDlq)).toMatchObject({
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 15,
      datapointsToAlarm: 1,
      metric: {
        namespace: "AWS/SNS",
        metricName: "NumberOfNotificationsFailedToRedriveToDlq",
        dimensions: [{ name: "TopicName", value: "orders" }],
      },
    });
    expect(alarm(result, "sns-dlq-delivery-failed").metrics?.[0]?.expression).toBe(
      `SELECT SUM(NumberOfNotificationsFailedToRedriveToDlq) FROM SCHEMA("AWS/SNS", TopicName) WHERE TopicName != 'orders' GROUP BY TopicName ORDER BY SUM() DESC LIMIT 500`,
    );
  });
});

describe("Step Functions", () => {
  const machine = stateMachine("checkout");

  it("executions failed: every state machine its own rate alarm over 5 minutes, no aggregate", () => {
    const result = plan([machine, stateMachine("other")]);
    expect(
      result.desired.some(
        (s) => s.origin.entryId === "stepfunctions-executions-failed" && s.origin.level === "aggregate",
      ),
    ).toBe(false);
    expect(individualOf(result, "stepfunctions-executions-failed").map((s) => s.name)).toEqual([
      "watchkeeper-stepfunctions-executions-failed-checkout",
      "watchkeeper-stepfunctions-executions-failed-other",
    ]);
    const spec = alarm(result, "stepfunctions-executions-failed", machine);
    expect(spec).toMatchObject({
      threshold: 0.1,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: "notBreaching",
    });
    expect(spec.metric).toBeUndefined();
    const stat = (metricName: string) => ({
      namespace: "AWS/States",
      metricName,
      dimensions: [{ name: "StateMachineArn", value: machine.arn }],
      stat: "Sum",
      period: 300,
    });
    expect(spec.metrics).toEqual([
      { id: "m1", metricStat: stat("ExecutionsFailed"), returnData: false },
      { id: "m2", metricStat: stat("ExecutionsSucceeded"), returnData: false },
      { id: "failed", expression: "FILL(m1, 0)", returnData: false },
      { id: "ended", expression: "FILL(m1, 0) + FILL(m2, 0)", returnData: false },
      {
        id: "alarm",
        expression: "IF(ended >= 10, failed / ended, failed / 10)",
        period: 300,
        label: "Step Functions executions failing",
        returnData: true,
      },
    ]);
    expect(spec.origin).toMatchObject({ metricsAnalyzed: 2, usesMetricsInsights: false });
    expect(toPutMetricAlarmInput(spec).Metrics?.map((q) => q.Id)).toEqual([
      "m1",
      "m2",
      "failed",
      "ended",
      "alarm",
    ]);
    expect(spec.description).toContain("over 300 s, 2 of 3 periods is > 0.1 (10%)");
  });

  it("throttled: 5 minutes of 5; timed out: any one, ALARM held for 15 minutes", () => {
    const result = plan([machine]);
    expect(alarm(result, "stepfunctions-execution-throttled")).toMatchObject({
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
    });
    expect(alarm(result, "stepfunctions-executions-timed-out")).toMatchObject({
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 15,
      datapointsToAlarm: 1,
    });
    expect(alarm(result, "stepfunctions-executions-timed-out").metrics?.[0]?.expression).toBe(
      `SELECT SUM(ExecutionsTimedOut) FROM SCHEMA("AWS/States", StateMachineArn) GROUP BY StateMachineArn ORDER BY SUM() DESC LIMIT 500`,
    );
  });

  describe("execution time: the slowest execution against the machine's own timeout", () => {
    const batch = stateMachine("batch", { timeoutSeconds: 900 });
    const executionTime = (result: AlarmPlan) => individualOf(result, "stepfunctions-execution-time");

    it("Maximum of ExecutionTime over 5 minutes, 2 of 3, above 80% of TimeoutSeconds", () => {
      const spec = alarm(plan([batch]), "stepfunctions-execution-time", batch);
      expect(spec).toMatchObject({
        name: "watchkeeper-stepfunctions-execution-time-batch",
        threshold: 720_000,
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: "notBreaching",
        metric: {
          namespace: "AWS/States",
          metricName: "ExecutionTime",
          dimensions: [{ name: "StateMachineArn", value: batch.arn }],
          statistic: "Maximum",
          period: 300,
        },
      });
      expect(spec.description).toContain("80% of the state machine's timeout");
      expect(spec.description).toContain("12 min");
    });

    it("a Standard machine without TimeoutSeconds gets none, unless a tag sets its threshold", () => {
      const open = stateMachine("open-ended");
      expect(executionTime(plan([open, batch])).map((s) => s.name)).toEqual([
        "watchkeeper-stepfunctions-execution-time-batch",
      ]);
      const taggedOpen = tagged(open, { "watchkeeper:threshold:ExecutionTime": "3600000" });
      const result = plan([taggedOpen]);
      expect(result.warnings).toEqual([]);
      expect(alarm(result, "stepfunctions-execution-time", taggedOpen).threshold).toBe(3_600_000);
    });

    it("config by metric name does not give a machine without a timeout an alarm", () => {
      const result = plan([stateMachine("open-ended")], policyOf({ thresholds: { ExecutionTime: 60_000 } }));
      expect(executionTime(result)).toEqual([]);
    });

    it("an Express machine runs at most 5 minutes: its TimeoutSeconds within that, or the 5 minutes", () => {
      const express = (name: string, timeoutSeconds?: number) =>
        stateMachine(name, { type: "EXPRESS", ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}) });
      const result = plan([express("quick", 60), express("default"), express("long", 3600)]);
      expect(executionTime(result).map((s) => [s.name, s.threshold])).toEqual([
        ["watchkeeper-stepfunctions-execution-time-default", 240_000],
        ["watchkeeper-stepfunctions-execution-time-long", 240_000],
        ["watchkeeper-stepfunctions-execution-time-quick", 48_000],
      ]);
    });

    it("a Standard TimeoutSeconds beyond a year is the year a Standard execution can run", () => {
      const decade = stateMachine("decade", { timeoutSeconds: 10 * 365 * 86_400 });
      expect(alarm(plan([decade]), "stepfunctions-execution-time", decade).threshold).toBe(
        Math.round(365 * 86_400 * 1000 * 0.8),
      );
    });

    it("follows the policy's executionTimeoutFraction", () => {
      const { policy } = resolveAlarmPolicy({ limits: { executionTimeoutFraction: 0.5 } });
      expect(alarm(plan([batch], policy), "stepfunctions-execution-time", batch).threshold).toBe(450_000);
    });

    it("an ignored machine gets none", () => {
      const ignored = tagged(batch, { "watchkeeper:ignore": "true" });
      expect(executionTime(plan([ignored]))).toEqual([]);
    });
  });

  it("no entry credits the CloudWatch recommended alarms page, which has no Step Functions section", () => {
    const entries = CATALOG.filter((e) => e.service === "stepfunctions");
    expect(entries.map((e) => e.id)).toEqual([
      "stepfunctions-executions-failed",
      "stepfunctions-execution-throttled",
      "stepfunctions-execution-time",
      "stepfunctions-executions-timed-out",
    ]);
    for (const e of entries) expect(e.source.startsWith(`${sources.RECOMMENDED_ALARMS} — `)).toBe(false);
  });
});

describe("EventBridge: default and custom buses apart", () => {
  const nightly = rule("nightly");

  it("default-bus rules are read on [RuleName], custom-bus rules on [RuleName, EventBusName]", () => {
    const result = plan([nightly, relay], policyOf({ criticalResources: [relay.arn] }));
    for (const metric of ["FailedInvocations", "InvocationsFailedToBeSentToDlq"]) {
      const id =
        metric === "FailedInvocations" ? "eventbridge-failed-invocations" : "eventbridge-dlq-delivery-failed";
      expect(alarm(result, id)).toMatchObject({
        threshold: 0,
        evaluationPeriods: 15,
        datapointsToAlarm: 1,
        metrics: [
          {
            expression: `SELECT SUM(${metric}) FROM SCHEMA("AWS/Events", RuleName) GROUP BY RuleName ORDER BY SUM() DESC LIMIT 500`,
          },
        ],
      });
      expect(alarm(result, `${id}-custom-bus`)).toMatchObject({
        threshold: 0,
        evaluationPeriods: 15,
        datapointsToAlarm: 1,
        metrics: [
          {
            expression: `SELECT SUM(${metric}) FROM SCHEMA("AWS/Events", RuleName, EventBusName) WHERE RuleName != 'relay' GROUP BY RuleName, EventBusName ORDER BY SUM() DESC LIMIT 500`,
          },
        ],
      });
      expect(individualOf(result, id)).toEqual([]);
      expect(individualOf(result, `${id}-custom-bus`).map((s) => [s.name, s.metric?.dimensions])).toEqual([
        [
          `watchkeeper-${id}-custom-bus-orders-relay`,
          [
            { name: "EventBusName", value: "orders" },
            { name: "RuleName", value: "relay" },
          ],
        ],
      ]);
    }
  });

  it("a critical default-bus rule gets its own alarm on [RuleName] and leaves only the default-bus query", () => {
    const result = plan([nightly, relay], policyOf({ criticalResources: [nightly.arn] }));
    expect(alarm(result, "eventbridge-failed-invocations", nightly).metric?.dimensions).toEqual([
      { name: "RuleName", value: "nightly" },
    ]);
    expect(alarm(result, "eventbridge-failed-invocations").metrics?.[0]?.expression).toContain(
      "WHERE RuleName != 'nightly'",
    );
    expect(alarm(result, "eventbridge-failed-invocations-custom-bus").metrics?.[0]?.expression).not.toContain(
      "WHERE",
    );
  });
});

describe("API Gateway client errors", () => {
  it("4xx: Metrics Insights aggregates like the 5xx ones, more than 5% for 5 minutes of 5", () => {
    const result = plan([restApi("shop", "r1"), httpApi("web", "h1")]);
    expect(alarm(result, "apigateway-rest-4xx")).toMatchObject({
      threshold: 0.05,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      metrics: [
        {
          expression: `SELECT AVG("4XXError") FROM SCHEMA("AWS/ApiGateway", ApiName, Stage) GROUP BY ApiName, Stage ORDER BY AVG() DESC LIMIT 500`,
        },
      ],
    });
    expect(alarm(result, "apigateway-http-4xx")).toMatchObject({
      threshold: 0.05,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      metrics: [
        {
          expression: `SELECT AVG("4xx") FROM SCHEMA("AWS/ApiGateway", ApiId, Stage) GROUP BY ApiId, Stage ORDER BY AVG() DESC LIMIT 500`,
        },
      ],
    });
  });
});

describe("API Gateway WebSocket APIs", () => {
  const web = httpApi("web", "h1");
  const chat = webSocketApi("chat", "w1", { stages: ["beta", "production"] });

  it("ExecutionError (3 of 3) and ClientError (5 of 5): Metrics Insights aggregates by ApiId and Stage", () => {
    const result = plan([web, chat]);
    expect(alarm(result, "apigateway-websocket-execution-errors")).toMatchObject({
      threshold: 0.05,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
      metrics: [
        {
          expression: `SELECT AVG(ExecutionError) FROM SCHEMA("AWS/ApiGateway", ApiId, Stage) GROUP BY ApiId, Stage ORDER BY AVG() DESC LIMIT 500`,
        },
      ],
    });
    expect(alarm(result, "apigateway-websocket-client-errors")).toMatchObject({
      threshold: 0.05,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      metrics: [
        {
          expression: `SELECT AVG(ClientError) FROM SCHEMA("AWS/ApiGateway", ApiId, Stage) GROUP BY ApiId, Stage ORDER BY AVG() DESC LIMIT 500`,
        },
      ],
    });
  });

  it("IntegrationLatency: p90 at or above 2 s for 5 of 5, per stage (HTTP APIs publish it too, so never by query)", () => {
    const result = plan([web, chat]);
    expect(
      result.desired.some(
        (s) => s.origin.entryId.endsWith("integration-latency") && s.origin.level === "aggregate",
      ),
    ).toBe(false);
    expect(
      individualOf(result, "apigateway-websocket-integration-latency").map((spec) => ({
        name: spec.name,
        dimensions: spec.metric?.dimensions,
        statistic: spec.metric?.extendedStatistic,
        threshold: spec.threshold,
        comparison: spec.comparisonOperator,
        periods: [spec.datapointsToAlarm, spec.evaluationPeriods],
      })),
    ).toEqual(
      ["beta", "production"].map((stage) => ({
        name: `watchkeeper-apigateway-websocket-integration-latency-chat-${stage}`,
        dimensions: [
          { name: "ApiId", value: "w1" },
          { name: "Stage", value: stage },
        ],
        statistic: "p90",
        threshold: 2000,
        comparison: "GreaterThanOrEqualToThreshold",
        periods: [5, 5],
      })),
    );
  });

  it("each kind gets its own alarms only: the WebSocket API none of HTTP's, the HTTP API none of WebSocket's", () => {
    const result = plan([web, chat]);
    const entriesOf = (resource: Resource) => [
      ...new Set(
        result.desired.filter((s) => s.origin.resourceArn === resource.arn).map((s) => s.origin.entryId),
      ),
    ];
    expect(entriesOf(chat)).toEqual(["apigateway-websocket-integration-latency"]);
    expect(entriesOf(web)).toEqual(["apigateway-http-latency"]);
    const aggregates = result.desired
      .filter((s) => s.origin.level === "aggregate")
      .map((s) => s.origin.entryId);
    expect(aggregates).toEqual(
      expect.arrayContaining(["apigateway-http-5xx", "apigateway-websocket-execution-errors"]),
    );
  });

  it("a critical WebSocket API gets its own error alarms per stage and leaves the aggregates", () => {
    const result = plan([web, chat], policyOf({ criticalResources: [chat.arn] }));
    expect(
      individualOf(result, "apigateway-websocket-execution-errors").map((spec) => spec.metric?.dimensions),
    ).toEqual(
      ["beta", "production"].map((stage) => [
        { name: "ApiId", value: "w1" },
        { name: "Stage", value: stage },
      ]),
    );
    for (const id of ["apigateway-websocket-execution-errors", "apigateway-websocket-client-errors"])
      expect(alarm(result, id).metrics?.[0]?.expression).toContain("WHERE ApiId != 'w1'");
  });

  it("a threshold tag on a WebSocket API names its metric", () => {
    const result = plan([tagged(chat, { "watchkeeper:threshold:ExecutionError": "0.2" })]);
    expect(result.warnings).toEqual([]);
    expect(individualOf(result, "apigateway-websocket-execution-errors").map((s) => s.threshold)).toEqual([
      0.2, 0.2,
    ]);
  });
});

describe("overrides by tag", () => {
  const q = queue("payments");

  it("a threshold tag gives the resource its own alarm and leaves it out of the aggregate", () => {
    const result = plan([
      tagged(q, { "watchkeeper:threshold:ApproximateAgeOfOldestMessage": "600" }),
      queue("other"),
    ]);
    expect(alarm(result, "sqs-age-of-oldest-message", q).threshold).toBe(600);
    expect(alarm(result, "sqs-age-of-oldest-message").metrics?.[0]?.expression).toContain(
      "QueueName != 'payments'",
    );
    expect(alarm(result, "sqs-age-of-oldest-message", q).description).toContain(
      "set by tag watchkeeper:threshold:ApproximateAgeOfOldestMessage",
    );
  });

  it("a tag wins over config", () => {
    const result = plan(
      [tagged(q, { "watchkeeper:threshold:ApproximateAgeOfOldestMessage": "600" })],
      policyOf({ thresholds: { ApproximateAgeOfOldestMessage: 120 } }),
    );
    expect(alarm(result, "sqs-age-of-oldest-message", q).threshold).toBe(600);
    expect(alarm(result, "sqs-age-of-oldest-message").threshold).toBe(120);
  });

  it("a non-numeric threshold is reported with the resource and the default applies", () => {
    const result = plan([tagged(q, { "watchkeeper:threshold:ApproximateAgeOfOldestMessage": "abc" })]);
    expect(result.warnings).toEqual([
      `threshold override for ApproximateAgeOfOldestMessage on ${q.arn} is not a number: abc; using the default`,
    ]);
    expect(individualOf(result, "sqs-age-of-oldest-message")).toEqual([]);
    expect(alarm(result, "sqs-age-of-oldest-message").threshold).toBe(3600);
  });

  it("an unknown metric, an empty value and a negative value are reported and ignored", () => {
    const result = plan([
      tagged(q, {
        "watchkeeper:threshold:Foo": "5",
        "watchkeeper:threshold:Errors": "5",
        "watchkeeper:threshold:ApproximateAgeOfOldestMessage": "",
      }),
      tagged(fn("f"), { "watchkeeper:threshold:Errors": "-1" }),
    ]);
    expect(result.warnings).toEqual([
      `threshold override for Errors on ${fn("f").arn} is negative: -1; using the default`,
      `threshold override for ApproximateAgeOfOldestMessage on ${q.arn} is not a number: ; using the default`,
      `threshold override for Errors on ${q.arn} names no alarm metric (known for a sqs-queue: ApproximateAgeOfOldestMessage, ApproximateNumberOfMessagesNotVisible, ApproximateNumberOfMessagesVisible); ignored`,
      `threshold override for Foo on ${q.arn} names no alarm metric (known for a sqs-queue: ApproximateAgeOfOldestMessage, ApproximateNumberOfMessagesNotVisible, ApproximateNumberOfMessagesVisible); ignored`,
    ]);
    expect(
      result.desired.filter((s) => s.origin.level === "individual" && s.origin.entryId !== "lambda-duration"),
    ).toEqual([]);
  });

  it("account-level metrics cannot be overridden per resource", () => {
    const tags = readResourceAlarmTags(
      tagged(fn("f"), { "watchkeeper:threshold:ClaimedAccountConcurrency": "5" }),
      DEFAULT_ALARM_POLICY,
    );
    expect(tags.thresholds.size).toBe(0);
    expect(tags.warnings[0]).toMatch(/ClaimedAccountConcurrency .* names no alarm metric/);
  });

  it("watchkeeper:ignore=true: no alarm of its own, and out of every aggregate query", () => {
    const ignored = tagged(queue("scratch"), {
      "watchkeeper:ignore": "true",
      "watchkeeper:critical": "true",
    });
    const result = plan([ignored, queue("kept")]);
    expect(result.desired.filter((s) => s.origin.resourceArn === ignored.arn)).toEqual([]);
    expect(alarm(result, "sqs-age-of-oldest-message").metrics?.[0]?.expression).toContain(
      "QueueName != 'scratch'",
    );
  });

  it("watchkeeper:alarms=individual and watchkeeper:critical=true give every per-resource entry its own alarm", () => {
    const variants: Record<string, string>[] = [
      { "watchkeeper:alarms": "individual" },
      { "watchkeeper:critical": "true" },
    ];
    for (const tags of variants) {
      const result = plan([tagged(table("users"), tags), table("other")]);
      expect(individualOf(result, "dynamodb-read-throttle-events").map((s) => s.name)).toEqual([
        "watchkeeper-dynamodb-read-throttle-events-users",
      ]);
      expect(individualOf(result, "dynamodb-write-throttle-events").map((s) => s.name)).toEqual([
        "watchkeeper-dynamodb-write-throttle-events-users",
      ]);
      expect(alarm(result, "dynamodb-read-throttle-events").metrics?.[0]?.expression).toContain(
        "WHERE TableName != 'users'",
      );
      // SystemErrors has no per-table alarm: the table stays in the aggregate query.
      expect(individualOf(result, "dynamodb-system-errors")).toEqual([]);
      expect(alarm(result, "dynamodb-system-errors").metrics?.[0]?.expression).toBe(
        `SELECT SUM(SystemErrors) FROM "AWS/DynamoDB" GROUP BY TableName ORDER BY SUM() DESC LIMIT 500`,
      );
    }
  });

  it("an unknown watchkeeper:alarms value is reported and ignored", () => {
    const result = plan([tagged(table("users"), { "watchkeeper:alarms": "loud" })]);
    expect(result.warnings).toEqual([
      `watchkeeper:alarms=loud on ${table("users").arn} is not understood (use "individual" or "aggregate"); ignored`,
    ]);
    expect(individualOf(result, "dynamodb-read-throttle-events")).toEqual([]);
  });
});

describe("overrides by config", () => {
  it("invalid config values are reported and never stop a plan", () => {
    const { policy, warnings } = resolveAlarmPolicy({
      thresholds: { Foo: 3, Errors: Number.NaN, "lambda-throttles": -2, "sqs-age-of-oldest-message": 900 },
      disabled: ["nope"],
      notificationTopicArn: "not-an-arn",
      limits: { retentionFraction: 2 },
    });
    expect(warnings).toEqual([
      'notification topic "not-an-arn" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>); alarms get no actions',
      'threshold override "Foo" names no catalog entry or alarm metric; ignored',
      'threshold override "Errors" is not a number ≥ 0: NaN; using the default',
      'threshold override "lambda-throttles" is not a number ≥ 0: -2; using the default',
      "limit retentionFraction = 2 is not valid; using 0.5",
      'disabled entry "nope" is not in the alarm catalog; ignored',
    ]);
    const result = planAlarms(inventoryOf([queue("q"), fn("f")]), policy, []);
    expect(alarm(result, "sqs-age-of-oldest-message").threshold).toBe(900);
    expect(alarm(result, "lambda-errors").threshold).toBe(0);
    expect(alarm(result, "lambda-errors").alarmActions).toEqual([]);
  });

  it("an empty prefix is refused: ownership would mean nothing", () => {
    expect(() => resolveAlarmPolicy({ prefix: "" })).toThrow(/alarm prefix is empty/);
  });

  it("disabled entries are not planned", () => {
    const result = plan([fn("f")], policyOf({ disabled: ["lambda-duration", "lambda-errors"] }));
    expect(result.desired.some((s) => ["lambda-duration", "lambda-errors"].includes(s.origin.entryId))).toBe(
      false,
    );
    expect(result.desired.some((s) => s.origin.entryId === "lambda-throttles")).toBe(true);
  });

  it("a resource listed as critical in the policy gets its own alarms", () => {
    const result = plan(
      [topic("billing"), topic("other")],
      policyOf({ criticalResources: [topic("billing").arn] }),
    );
    expect(individualOf(result, "sns-notifications-failed").map((s) => s.name)).toEqual([
      "watchkeeper-sns-notifications-failed-billing",
    ]);
  });
});
