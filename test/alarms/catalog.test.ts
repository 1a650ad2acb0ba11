import { describe, expect, it } from "vitest";
import { CATALOG, catalogEntry } from "../../lib/alarms/catalog/index.js";
import type { CatalogEntry } from "../../lib/alarms/catalog/types.js";
import { planAlarms, type AlarmPlan } from "../../lib/alarms/plan.js";
import {
  DEFAULT_ALARM_POLICY,
  readResourceAlarmTags,
  resolveAlarmPolicy,
  type AlarmPolicy,
} from "../../lib/alarms/policy.js";
import type { AlarmSpec } from "../../lib/alarms/spec.js";
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
  {
    id: "kinesis-iterator-age",
    resources: () => [stream("clicks")],
    subject: () => stream("clicks"),
    individual: 43_200_000,
    aggregate: 43_200_000,
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
    id: "apigateway-http-latency",
    resources: () => [httpApi("web", "h1")],
    subject: () => httpApi("web", "h1"),
    individual: 2500,
  },
  {
    id: "dynamodb-read-throttle-events",
    resources: () => [table("users")],
    subject: () => table("users"),
    individual: 0,
    aggregate: 0,
  },
  {
    id: "dynamodb-write-throttle-events",
    resources: () => [table("users")],
    subject: () => table("users"),
    individual: 0,
    aggregate: 0,
  },
  {
    id: "dynamodb-system-errors",
    resources: () => [table("users")],
    subject: () => table("users"),
    individual: 0,
    aggregate: 0,
  },
  {
    id: "stepfunctions-executions-failed",
    resources: () => [stateMachine("checkout")],
    subject: () => stateMachine("checkout"),
    individual: 1,
    aggregate: 1,
  },
  {
    id: "stepfunctions-execution-throttled",
    resources: () => [stateMachine("checkout")],
    subject: () => stateMachine("checkout"),
    individual: 1,
    aggregate: 1,
  },
  {
    id: "stepfunctions-executions-timed-out",
    resources: () => [stateMachine("checkout")],
    subject: () => stateMachine("checkout"),
    individual: 1,
    aggregate: 1,
  },
  {
    id: "eventbridge-failed-invocations",
    resources: () => [rule("nightly")],
    subject: () => rule("nightly"),
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
      "kinesis-iterator-age",
      "kinesis-read-throughput-exceeded",
      "kinesis-write-throughput-exceeded",
      "apigateway-rest-5xx",
      "apigateway-rest-latency",
      "apigateway-http-5xx",
      "dynamodb-read-throttle-events",
      "dynamodb-write-throttle-events",
      "dynamodb-system-errors",
      "stepfunctions-executions-failed",
      "stepfunctions-execution-throttled",
      "stepfunctions-executions-timed-out",
      "eventbridge-failed-invocations",
      "sns-notifications-failed",
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

    it(`a tag watchkeeper:threshold:${entry(row.id).metricName} sets the resource's threshold`, () => {
      const resources = row
        .resources()
        .map((r) =>
          r.arn === subject.arn
            ? tagged(r, { [`watchkeeper:threshold:${entry(row.id).metricName}`]: "7" })
            : r,
        );
      const result = plan(resources);
      expect(result.warnings).toEqual([]);
      expect(alarm(result, row.id, subject).threshold).toBe(7);
      if (row.aggregate !== undefined) expect(alarm(result, row.id).threshold).toBe(row.aggregate);
    });

    it("config sets the threshold by entry id, which wins over the metric name", () => {
      const byMetric = plan(
        row.resources(),
        policyOf({ thresholds: { [entry(row.id).metricName]: 11 }, criticalResources: [subject.arn] }),
      );
      expect(alarm(byMetric, row.id, subject).threshold).toBe(11);
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

  it("Kinesis IteratorAge: half of each stream's retention; longer retentions get their own alarm", () => {
    const week = stream("audit", { retentionHours: 168 });
    const result = plan([stream("clicks"), week]);
    expect(alarm(result, "kinesis-iterator-age", week).threshold).toBe(302_400_000);
    expect(individualOf(result, "kinesis-iterator-age")).toHaveLength(1);
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
      `threshold override for Errors on ${q.arn} names no alarm metric (known for a sqs-queue: ApproximateAgeOfOldestMessage, ApproximateNumberOfMessagesVisible); ignored`,
      `threshold override for Foo on ${q.arn} names no alarm metric (known for a sqs-queue: ApproximateAgeOfOldestMessage, ApproximateNumberOfMessagesVisible); ignored`,
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
      expect(individualOf(result, "dynamodb-system-errors")).toHaveLength(1);
      expect(alarm(result, "dynamodb-system-errors").metrics?.[0]?.expression).toBe(
        `SELECT SUM(SystemErrors) FROM "AWS/DynamoDB" WHERE TableName != 'users' GROUP BY TableName ORDER BY SUM() DESC LIMIT 500`,
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
