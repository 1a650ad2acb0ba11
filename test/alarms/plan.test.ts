import { describe, expect, it } from "vitest";
import { estimateMonthlyCost, estimatePlanCost } from "../../lib/alarms/cost.js";
import { NOT_OWNED_REASON, OPEN_BREAKER_TAG, planAlarms, type AlarmPlan } from "../../lib/alarms/plan.js";
import { BREAKER_TAGS } from "../../lib/breaker/record.js";
import {
  MAX_ALARM_NAME,
  MAX_DESCRIPTION,
  alarmDescription,
  alarmName,
  toPutMetricAlarmInput,
  type AlarmSpec,
  type ExistingAlarm,
} from "../../lib/alarms/spec.js";
import type { Resource } from "../../lib/inventory/types.js";
import {
  ACCOUNT,
  REGION,
  TOPIC_ARN,
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

const policy = policyOf();

/** What DescribeAlarms would return for an alarm created from `spec`, owned unless said otherwise. */
function existingFrom(
  spec: AlarmSpec,
  options: { managed?: boolean; tags?: Record<string, string> } = {},
): ExistingAlarm {
  const { name, tags, origin: _origin, ...definition } = spec;
  const managed = options.managed ?? true;
  return {
    ...definition,
    name,
    arn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`,
    managed,
    tags: options.tags ?? (managed ? { ...tags } : {}),
  };
}

/** A catalog spec (always a static threshold) with another threshold. */
function withThreshold(spec: AlarmSpec, threshold: number): AlarmSpec {
  if (spec.thresholdMetricId !== undefined) throw new Error(`${spec.name} compares with a band`);
  return { ...spec, threshold };
}

function plan(resources: Resource[], existing: ExistingAlarm[] = []): AlarmPlan {
  return planAlarms(inventoryOf(resources), policy, existing);
}

const actions = (result: AlarmPlan) => result.changes.map((change) => `${change.action} ${change.target}`);

const sample = (): Resource[] => {
  const dlq = queue("orders-dlq");
  return [
    fn("checkout", { timeoutSeconds: 30 }),
    queueWithDlq("orders", dlq),
    dlq,
    stream("clicks"),
    table("users"),
    restApi("shop", "r1"),
    httpApi("web", "h1"),
    stateMachine("fulfil"),
    rule("nightly"),
    topic("alerts"),
  ];
};

describe("planAlarms: what a small account gets", () => {
  it("one aggregate per entry, per-resource alarms where the profile differs, all created", () => {
    const result = plan(sample());
    expect(result.warnings).toEqual([]);
    expect(result.changes.every((change) => change.action === "create")).toBe(true);
    expect(result.desired.map((spec) => spec.name)).toEqual([
      "watchkeeper-apigateway-http-4xx",
      "watchkeeper-apigateway-http-5xx",
      "watchkeeper-apigateway-http-latency-web-$default",
      "watchkeeper-apigateway-rest-4xx",
      "watchkeeper-apigateway-rest-5xx",
      "watchkeeper-apigateway-rest-latency-shop-prod",
      "watchkeeper-dynamodb-index-read-throttle-events",
      "watchkeeper-dynamodb-index-write-throttle-events",
      "watchkeeper-dynamodb-read-throttle-events",
      "watchkeeper-dynamodb-system-errors",
      "watchkeeper-dynamodb-write-throttle-events",
      "watchkeeper-eventbridge-dlq-delivery-failed",
      "watchkeeper-eventbridge-dlq-delivery-failed-custom-bus",
      "watchkeeper-eventbridge-failed-invocations",
      "watchkeeper-eventbridge-failed-invocations-custom-bus",
      "watchkeeper-kinesis-fan-out-consumer-lag",
      "watchkeeper-kinesis-iterator-age",
      "watchkeeper-kinesis-read-throughput-exceeded",
      "watchkeeper-kinesis-write-throughput-exceeded",
      "watchkeeper-lambda-claimed-account-concurrency",
      "watchkeeper-lambda-dead-letter-errors",
      "watchkeeper-lambda-destination-delivery-failures",
      "watchkeeper-lambda-duration-checkout",
      "watchkeeper-lambda-errors",
      "watchkeeper-lambda-iterator-age",
      "watchkeeper-lambda-throttles",
      "watchkeeper-sns-dlq-delivery-failed",
      "watchkeeper-sns-notifications-failed",
      "watchkeeper-sqs-age-of-oldest-message",
      "watchkeeper-sqs-dlq-age-orders-dlq",
      "watchkeeper-sqs-dlq-messages-visible-orders-dlq",
      "watchkeeper-sqs-dlq-new-messages-orders-dlq",
      "watchkeeper-sqs-messages-in-flight",
      "watchkeeper-stepfunctions-execution-throttled",
      "watchkeeper-stepfunctions-executions-failed-fulfil",
      "watchkeeper-stepfunctions-executions-timed-out",
    ]);
  });

  it("only the account concurrency aggregate is a dimensionless account metric; every other aggregate is a Metrics Insights query", () => {
    const result = plan(sample());
    const byName = new Map(result.desired.map((spec) => [spec.name, spec]));
    expect(
      toPutMetricAlarmInput(byName.get("watchkeeper-lambda-claimed-account-concurrency") as AlarmSpec),
    ).toMatchObject({
      Namespace: "AWS/Lambda",
      MetricName: "ClaimedAccountConcurrency",
      Dimensions: [],
      Statistic: "Maximum",
      Period: 60,
      EvaluationPeriods: 10,
      DatapointsToAlarm: 10,
      Threshold: 900,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [TOPIC_ARN],
      OKActions: [TOPIC_ARN],
    });
    const errors = toPutMetricAlarmInput(byName.get("watchkeeper-lambda-errors") as AlarmSpec);
    expect(errors).toMatchObject({
      Metrics: [
        {
          Id: "q1",
          Expression: `SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 500`,
          Period: 60,
          ReturnData: true,
        },
      ],
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [TOPIC_ARN],
    });
    expect(errors.MetricName).toBeUndefined();
    const aggregates = result.desired.filter((s) => s.origin.level === "aggregate");
    expect(aggregates.filter((s) => s.metric).map((s) => s.name)).toEqual([
      "watchkeeper-lambda-claimed-account-concurrency",
    ]);
    const expressions = Object.fromEntries(
      aggregates.filter((s) => s.metrics).map((s) => [s.name, s.metrics?.[0]?.expression]),
    );
    expect(expressions).toEqual({
      "watchkeeper-apigateway-http-4xx": `SELECT AVG("4xx") FROM SCHEMA("AWS/ApiGateway", ApiId, Stage) GROUP BY ApiId, Stage ORDER BY AVG() DESC LIMIT 500`,
      "watchkeeper-apigateway-http-5xx": `SELECT AVG("5xx") FROM SCHEMA("AWS/ApiGateway", ApiId, Stage) GROUP BY ApiId, Stage ORDER BY AVG() DESC LIMIT 500`,
      "watchkeeper-apigateway-rest-4xx": `SELECT AVG("4XXError") FROM SCHEMA("AWS/ApiGateway", ApiName, Stage) GROUP BY ApiName, Stage ORDER BY AVG() DESC LIMIT 500`,
      "watchkeeper-apigateway-rest-5xx": `SELECT AVG("5XXError") FROM SCHEMA("AWS/ApiGateway", ApiName, Stage) GROUP BY ApiName, Stage ORDER BY AVG() DESC LIMIT 500`,
      "watchkeeper-dynamodb-index-read-throttle-events": `SELECT SUM(ReadThrottleEvents) FROM SCHEMA("AWS/DynamoDB", TableName, GlobalSecondaryIndexName) GROUP BY TableName, GlobalSecondaryIndexName ORDER BY SUM() DESC LIMIT 500`,
      "watchkeeper-dynamodb-index-write-throttle-events": `SELECT SUM(WriteThrottleEvents) FROM SCHEMA("AWS/DynamoDB", TableName, GlobalSecondaryIndexName) GROUP BY TableName, GlobalSecondaryIndexName ORDER BY SUM() DESC LIMIT 500`,
      "watchkeeper-dynamodb-read-throttle-events": `SELECT SUM(ReadThrottleEvents) FROM SCHEMA("AWS/DynamoDB", TableName) GROUP BY TableName ORDER BY SUM() DESC LIMIT 500`,
      "watchkeeper-dynamodb-system-errors": `SELECT SUM(SystemErrors) FROM "AWS/DynamoDB" GROUP BY TableName ORDER BY SUM() DESC LIMIT 500`,
      "watchkeeper-dynamodb-write-throttle-events": `SELECT SUM(WriteThrottleEvents) FROM SCHEMA("AWS/DynamoDB", TableName) GROUP BY TableName ORDER BY SUM() DESC LIMIT 500`,
      "watchkeeper-eventbridge-dlq-delivery-failed": `SELECT SUM(InvocationsFailedToBeSentToDlq) FROM SCHEMA("AWS/Events", RuleName) GROUP BY RuleName ORDER BY SUM() DESC LIMIT 500`,
      "watchkeeper-eventbridge-dlq-delivery-failed-custom-bus": `SELECT SUM(InvocationsFailedToBeSentToDlq) FROM SCHEMA("AWS/Events", RuleName, EventBusName) GROUP BY RuleName, EventBusName ORDER BY SUM() DESC LIMIT 500`,
      "watchkeeper-eventbridge-failed-invocations": `SELECT SUM(FailedInvocations) FROM SCHEMA("AWS/Events", RuleName) GROUP BY RuleName ORDER BY SUM() DESC LIMIT 500`,
      "watchkeeper-eventbridge-failed-invocations-custom-bus": `SELECT SUM(FailedInvocations) FROM SCHEMA("AWS/Events", RuleName, EventBusName) GROUP BY RuleName, EventBusName ORDER BY SUM() DESC LIMIT 500`,
      "watchkeeper-kinesis-fan-out-consumer-lag": `SELECT MAX("SubscribeToShardEvent.MillisBehindLatest") FROM SCHEMA("AWS/Kinesis", StreamName, ConsumerName) GROUP BY StreamName, ConsumerName ORDER BY MAX() DESC LIMIT 500`,
      "watchkeeper-kinesis-iterator-age": `SELECT MAX("GetRecords.IteratorAgeMilliseconds") FROM SCHEMA("AWS/Kinesis", StreamName) GROUP BY StreamName ORDER BY MAX() DESC LIMIT 500`,
      "watchkeeper-kinesis-read-throughput-exceeded": `SELECT AVG(ReadProvisionedThroughputExceeded) FROM SCHEMA("AWS/Kinesis", StreamName) GROUP BY StreamName ORDER BY AVG() DESC LIMIT 500`,
      "watchkeeper-kinesis-write-throughput-exceeded": `SELECT AVG(WriteProvisionedThroughputExceeded) FROM SCHEMA("AWS/Kinesis", StreamName) GROUP BY StreamName ORDER BY AVG() DESC LIMIT 500`,
      "watchkeeper-lambda-dead-letter-errors": `SELECT SUM(DeadLetterErrors) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 500`,
      "watchkeeper-lambda-destination-delivery-failures": `SELECT SUM(DestinationDeliveryFailures) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 500`,
      "watchkeeper-lambda-errors": `SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 500`,
      "watchkeeper-lambda-iterator-age": `SELECT MAX(IteratorAge) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY MAX() DESC LIMIT 500`,
      "watchkeeper-lambda-throttles": `SELECT SUM(Throttles) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 500`,
      "watchkeeper-sns-dlq-delivery-failed": `SELECT SUM(NumberOfNotificationsFailedToRedriveToDlq) FROM SCHEMA("AWS/SNS", TopicName) GROUP BY TopicName ORDER BY SUM() DESC LIMIT 500`,
      "watchkeeper-sns-notifications-failed": `SELECT SUM(NumberOfNotificationsFailed) FROM SCHEMA("AWS/SNS", TopicName) GROUP BY TopicName ORDER BY SUM() DESC LIMIT 500`,
      "watchkeeper-sqs-age-of-oldest-message": `SELECT MAX(ApproximateAgeOfOldestMessage) FROM SCHEMA("AWS/SQS", QueueName) WHERE QueueName != 'orders-dlq' GROUP BY QueueName ORDER BY MAX() DESC LIMIT 500`,
      "watchkeeper-sqs-messages-in-flight": `SELECT MAX(ApproximateNumberOfMessagesNotVisible) FROM SCHEMA("AWS/SQS", QueueName) GROUP BY QueueName ORDER BY MAX() DESC LIMIT 500`,
      "watchkeeper-stepfunctions-execution-throttled": `SELECT SUM(ExecutionThrottled) FROM SCHEMA("AWS/States", StateMachineArn) GROUP BY StateMachineArn ORDER BY SUM() DESC LIMIT 500`,
      "watchkeeper-stepfunctions-executions-timed-out": `SELECT SUM(ExecutionsTimedOut) FROM SCHEMA("AWS/States", StateMachineArn) GROUP BY StateMachineArn ORDER BY SUM() DESC LIMIT 500`,
    });
    for (const spec of aggregates.filter((s) => s.metrics)) {
      expect(spec.metrics).toEqual([
        { id: "q1", expression: expect.any(String), period: 60, label: expect.any(String), returnData: true },
      ]);
    }
  });

  it("an aggregate query is a Metrics Insights alarm, billed and described as one, also for an entry whose own alarms use metric math", () => {
    const tables = Array.from({ length: 30 }, (_, i) => table(`t${String(i).padStart(2, "0")}`));
    const result = plan(tables);
    for (const id of ["dynamodb-read-throttle-events", "dynamodb-write-throttle-events"]) {
      const aggregate = result.desired.find(
        (s) => s.origin.entryId === id && s.origin.level === "aggregate",
      ) as AlarmSpec;
      expect(aggregate.metrics?.[0]?.expression).toMatch(/^SELECT SUM\(\w+ThrottleEvents\) FROM SCHEMA/);
      expect(aggregate.origin).toMatchObject({ usesMetricsInsights: true, metricsAnalyzed: 30 });
      expect(estimateMonthlyCost([aggregate])).toEqual({ alarms: 1, alarmMetrics: 30, monthlyUsd: 3 });
      // The query reads the metric itself: the description says so, not the per-table FILL(m1, 0).
      expect(aggregate.description).toContain(
        "ThrottleEvents over 60 s, 5 of 5 periods, for any DynamoDB table",
      );
      expect(aggregate.description).not.toContain("FILL");
    }
  });

  it("per-resource alarms name their dimensions: stages, a state machine's ARN, a custom bus", () => {
    const onBus = rule("relay", { eventBusName: "orders" });
    const result = planAlarms(
      inventoryOf([restApi("shop", "r1", { stages: ["prod", "dev"] }), stateMachine("fulfil"), onBus]),
      policyOf({ criticalResources: [stateMachine("fulfil").arn, onBus.arn] }),
      [],
    );
    const dims = Object.fromEntries(
      result.desired
        .filter((s) => s.metric)
        .map((s) => [s.name, s.metric?.dimensions.map((d) => `${d.name}=${d.value}`)]),
    );
    expect(dims["watchkeeper-apigateway-rest-latency-shop-prod"]).toEqual(["ApiName=shop", "Stage=prod"]);
    expect(dims["watchkeeper-apigateway-rest-latency-shop-dev"]).toEqual(["ApiName=shop", "Stage=dev"]);
    expect(dims["watchkeeper-stepfunctions-execution-throttled-fulfil"]).toEqual([
      `StateMachineArn=${stateMachine("fulfil").arn}`,
    ]);
    expect(dims["watchkeeper-eventbridge-failed-invocations-custom-bus-orders-relay"]).toEqual([
      "EventBusName=orders",
      "RuleName=relay",
    ]);
    // A metric-math alarm names them on each metric it reads.
    const rate = result.desired.find((s) => s.name === "watchkeeper-stepfunctions-executions-failed-fulfil");
    expect(
      rate?.metrics
        ?.filter((q) => q.metricStat)
        .map((q) => [q.id, q.metricStat?.dimensions.map((d) => `${d.name}=${d.value}`)]),
    ).toEqual([
      ["m1", [`StateMachineArn=${stateMachine("fulfil").arn}`]],
      ["m2", [`StateMachineArn=${stateMachine("fulfil").arn}`]],
    ]);
  });

  it("descriptions say what it means, the threshold and the runbook; tags mark ownership", () => {
    const spec = plan(sample()).desired.find(
      (s) => s.name === "watchkeeper-lambda-duration-checkout",
    ) as AlarmSpec;
    expect(spec.description).toContain(
      "Lambda duration near timeout: The function's p90 duration is close to its timeout",
    );
    expect(spec.description).toContain("is > 27,000 ms (90% of the function's timeout)");
    expect(spec.description).toContain(`Scope: ${fn("checkout").arn}.`);
    expect(spec.description).toMatch(/Runbook: https:\/\/\S+\/runbooks\/lambda-duration\.md$/);
    expect(spec.tags).toEqual({
      "watchkeeper:managed": "true",
      "watchkeeper:runbook":
        "https://github.com/watchkeeper/watchkeeper/blob/main/runbooks/lambda-duration.md",
      "watchkeeper:alarm": "lambda-duration",
      "watchkeeper:level": "individual",
      "watchkeeper:resource": fn("checkout").arn,
    });
  });

  it("no notification topic: no actions", () => {
    const result = planAlarms(inventoryOf([fn("f")]), { ...policy, notificationTopicArn: undefined }, []);
    for (const spec of result.desired) expect([spec.alarmActions, spec.okActions]).toEqual([[], []]);
  });

  it("an empty inventory needs no alarms", () => {
    expect(plan([]).changes).toEqual([]);
  });
});

describe("naming limits", () => {
  it("names over 255 characters keep their start and end in a stable hash", () => {
    const long = "x".repeat(300);
    const name = alarmName("watchkeeper-", "apigateway-rest-latency", long);
    expect(name.length).toBe(MAX_ALARM_NAME);
    expect(name).toMatch(/^watchkeeper-apigateway-rest-latency-x+-[0-9a-f]{8}$/);
    expect(alarmName("watchkeeper-", "apigateway-rest-latency", long)).toBe(name);
    expect(alarmName("watchkeeper-", "apigateway-rest-latency", `${long}y`)).not.toBe(name);
  });

  it("a planned alarm for a resource with a very long name stays within the limits", () => {
    const api = restApi("a".repeat(240), "r9", { stages: ["production"] });
    const result = plan([api]);
    for (const spec of result.desired) {
      expect(spec.name.length).toBeLessThanOrEqual(MAX_ALARM_NAME);
      expect(spec.description.length).toBeLessThanOrEqual(MAX_DESCRIPTION);
    }
  });

  it("descriptions over 1,024 characters shorten the meaning, never the threshold or the runbook", () => {
    const description = alarmDescription({
      title: "T",
      meaning: "m".repeat(2000),
      condition: "Sum of Errors over 60 s, 3 of 3 periods",
      comparison: "GreaterThanThreshold",
      threshold: "0",
      thresholdRule: "more than 0",
      scope: "arn:aws:lambda:eu-west-3:123456789012:function:f",
      runbookUrl: "https://example.com/runbooks/lambda-errors.md",
    });
    expect(description.length).toBe(MAX_DESCRIPTION);
    expect(description).toContain("m…");
    expect(description).toContain("is > 0 (more than 0)");
    expect(description.endsWith("Runbook: https://example.com/runbooks/lambda-errors.md")).toBe(true);
  });

  it("two REST APIs with the same name and different alarms get distinct, stable names", () => {
    const a = tagged(restApi("shop", "r1"), { "watchkeeper:threshold:Latency": "1000" });
    const b = restApi("shop", "r2");
    const result = plan([a, b]);
    const latency = result.desired
      .filter((s) => s.origin.entryId === "apigateway-rest-latency")
      .map((s) => s.name);
    expect(latency).toHaveLength(2);
    expect(new Set(latency).size).toBe(2);
    for (const name of latency)
      expect(name).toMatch(/^watchkeeper-apigateway-rest-latency-shop-prod-[0-9a-f]{8}$/);
    expect(plan([b, a]).desired.map((s) => s.name)).toEqual(result.desired.map((s) => s.name));
    expect(result.warnings).toEqual([
      "2 resources want the alarm name watchkeeper-apigateway-rest-latency-shop-prod; each gets a hash of its ARN appended",
    ]);
  });

  it("a custom prefix names every alarm", () => {
    const result = planAlarms(inventoryOf([fn("f")]), policyOf({ prefix: "team-a/" }), []);
    expect(result.desired.every((s) => s.name.startsWith("team-a/"))).toBe(true);
  });
});

describe("ownership", () => {
  const resources = [fn("checkout", { timeoutSeconds: 30 })];
  const desired = () => plan(resources).desired;

  it("a prefixed alarm without the managed tag is never updated, even when it differs", () => {
    const spec = desired().find((s) => s.name === "watchkeeper-lambda-errors") as AlarmSpec;
    const foreign = existingFrom(
      { ...withThreshold(spec, 99), description: "someone else's" },
      { managed: false },
    );
    const result = plan(resources, [foreign]);
    const change = result.changes.find((c) => c.target === "watchkeeper-lambda-errors");
    expect(change).toMatchObject({ action: "noop", reason: NOT_OWNED_REASON });
    expect(result.warnings).toContain(
      "alarm watchkeeper-lambda-errors exists without the tag watchkeeper:managed=true: Watchkeeper leaves it as it is",
    );
  });

  it("a prefixed alarm without the tag that nothing wants is reported, not deleted", () => {
    const stray = existingFrom(
      { ...(desired()[0] as AlarmSpec), name: "watchkeeper-hand-made" },
      { managed: false },
    );
    const result = plan(resources, [stray]);
    expect(result.changes.find((c) => c.target === "watchkeeper-hand-made")).toMatchObject({
      action: "noop",
      reason: NOT_OWNED_REASON,
    });
  });

  it("an alarm without the prefix is ignored entirely, even when tagged managed", () => {
    const other = existingFrom({ ...(desired()[0] as AlarmSpec), name: "prod-lambda-errors" });
    const result = plan(resources, [other]);
    expect(result.changes.some((c) => c.target === "prod-lambda-errors")).toBe(false);
  });

  it("managed alarms nothing wants any more are deleted", () => {
    const existing = desired().map((spec) => existingFrom(spec));
    const result = plan([], existing);
    expect(result.changes.every((c) => c.action === "delete")).toBe(true);
    expect(result.changes).toHaveLength(existing.length);
  });

  it("an alarm holding an open breaker's record is kept when nothing wants it (the function opted out)", () => {
    const [first, ...rest] = desired().map((spec) => existingFrom(spec));
    const open = { ...first!, tags: { ...first!.tags, [BREAKER_TAGS.state]: "open" } };
    const result = plan([], [open, ...rest]);
    expect(result.changes.find((c) => c.target === open.name)).toMatchObject({
      action: "noop",
      reason: "kept: it holds the record of a circuit breaker that is open; reset the breaker first",
    });
    expect(result.changes.filter((c) => c.action === "delete")).toHaveLength(rest.length);
    expect(OPEN_BREAKER_TAG).toBe(BREAKER_TAGS.state);
  });
});

describe("updates and noops", () => {
  const resources = sample();

  it("an unchanged account plans only noops", () => {
    const existing = plan(resources).desired.map((spec) => existingFrom(spec));
    const result = plan(resources, existing);
    expect(result.changes.every((c) => c.action === "noop" && c.reason === "up to date")).toBe(true);
  });

  it("dimensions in another order and absent values written as undefined are still up to date", () => {
    const desired = plan(resources).desired;
    const existing = desired.map((spec) => {
      const alarm = existingFrom(spec);
      return alarm.metric
        ? { ...alarm, metric: { ...alarm.metric, dimensions: [...alarm.metric.dimensions].reverse() } }
        : { ...alarm, thresholdMetricId: undefined };
    });
    expect(existing.some((alarm) => (alarm.metric?.dimensions.length ?? 0) > 1)).toBe(true);
    const result = plan(resources, existing as ExistingAlarm[]);
    expect(result.changes.every((c) => c.action === "noop" && c.reason === "up to date")).toBe(true);
  });

  it("every field PutMetricAlarm overwrites is compared", () => {
    const specs = plan(resources).desired;
    const single = specs.find((spec) => spec.metric !== undefined)!;
    const query = specs.find((spec) => spec.metrics !== undefined)!;
    const changed: [AlarmSpec, Partial<ExistingAlarm>, string][] = [
      [single, { description: "other" }, "AlarmDescription"],
      [single, { metric: { ...single.metric!, namespace: "Other" } }, "Namespace"],
      [single, { metric: { ...single.metric!, metricName: "Other" } }, "MetricName"],
      [single, { metric: { ...single.metric!, dimensions: [{ name: "X", value: "y" }] } }, "Dimensions"],
      [single, { metric: { ...single.metric!, period: 1 } }, "Period"],
      [single, { evaluationPeriods: 99 }, "EvaluationPeriods"],
      [single, { datapointsToAlarm: 99 }, "DatapointsToAlarm"],
      [single, { threshold: -1 } as Partial<ExistingAlarm>, "Threshold"],
      [single, { treatMissingData: "ignore" }, "TreatMissingData"],
      [single, { actionsEnabled: false }, "ActionsEnabled"],
      [single, { okActions: [] }, "OKActions"],
      [single, { insufficientDataActions: [TOPIC_ARN] }, "InsufficientDataActions"],
      [query, { metrics: query.metrics!.map((q) => ({ ...q, expression: "SELECT 1" })) }, "Metrics"],
      [query, { metrics: query.metrics!.map((q) => ({ ...q, period: 300 })) }, "Metrics"],
      [query, { metrics: query.metrics!.map((q) => ({ ...q, returnData: false })) }, "Metrics"],
    ];
    for (const [spec, change, field] of changed) {
      const existing = specs.map((s) => (s === spec ? { ...existingFrom(s), ...change } : existingFrom(s)));
      const update = plan(resources, existing as ExistingAlarm[]).changes.filter(
        (c) => c.action === "update",
      );
      expect(update.map((c) => [c.target, c.diff?.map((d) => d.field)])).toEqual([[spec.name, [field]]]);
    }
  });

  it("lists the fields that differ", () => {
    const existing = plan(resources).desired.map((spec) =>
      spec.name === "watchkeeper-lambda-duration-checkout"
        ? existingFrom({ ...withThreshold(spec, 2700), alarmActions: [], datapointsToAlarm: 10 })
        : existingFrom(spec),
    );
    const result = plan(resources, existing);
    const update = result.changes.filter((c) => c.action === "update");
    expect(update.map((c) => c.target)).toEqual(["watchkeeper-lambda-duration-checkout"]);
    expect(update[0]?.diff).toEqual([
      { field: "DatapointsToAlarm", from: 10, to: 15 },
      { field: "Threshold", from: 2700, to: 27000 },
      { field: "AlarmActions", from: [], to: [TOPIC_ARN] },
    ]);
    expect(update[0]?.reason).toBe("differs in DatapointsToAlarm, Threshold, AlarmActions");
  });

  it("a managed alarm missing one of Watchkeeper's tags is updated for the tags only; extra tags are kept", () => {
    const existing = plan(resources).desired.map((spec) => {
      if (spec.name !== "watchkeeper-lambda-errors") return existingFrom(spec);
      const { "watchkeeper:runbook": _runbook, ...rest } = spec.tags;
      return existingFrom(spec, { tags: { ...rest, team: "payments" } });
    });
    const change = plan(resources, existing).changes.find((c) => c.action === "update");
    expect(change?.target).toBe("watchkeeper-lambda-errors");
    expect(change?.diff).toEqual([
      {
        field: "Tags",
        from: { "watchkeeper:runbook": null },
        to: {
          "watchkeeper:runbook":
            "https://github.com/watchkeeper/watchkeeper/blob/main/runbooks/lambda-errors.md",
        },
      },
    ]);
  });

  it("a changed query (a new DLQ to leave out) is an update of the aggregate", () => {
    const before = plan(resources);
    const existing = before.desired.map((spec) => existingFrom(spec));
    const newDlq = queue("payments-dlq");
    const after = plan([...resources, queueWithDlq("payments", newDlq), newDlq], existing);
    expect(actions(after).filter((a) => !a.startsWith("noop"))).toEqual([
      "create watchkeeper-sqs-dlq-age-payments-dlq",
      "create watchkeeper-sqs-dlq-messages-visible-payments-dlq",
      "create watchkeeper-sqs-dlq-new-messages-payments-dlq",
      "update watchkeeper-sqs-age-of-oldest-message",
      // Its query is the same; its description counts the two new queues.
      "update watchkeeper-sqs-messages-in-flight",
    ]);
    const update = (name: string) => after.changes.find((c) => c.target === name);
    expect(update("watchkeeper-sqs-age-of-oldest-message")?.diff?.map((d) => d.field)).toEqual([
      "AlarmDescription",
      "Metrics",
    ]);
    expect(update("watchkeeper-sqs-messages-in-flight")?.diff?.map((d) => d.field)).toEqual([
      "AlarmDescription",
    ]);
  });

  it("deleting a resource deletes its alarms and nothing else", () => {
    const existing = plan(resources).desired.map((spec) => existingFrom(spec));
    const withoutApi = resources.filter((r) => r.kind !== "rest-api");
    const result = plan(withoutApi, existing);
    expect(actions(result).filter((a) => !a.startsWith("noop"))).toEqual([
      "delete watchkeeper-apigateway-rest-4xx",
      "delete watchkeeper-apigateway-rest-5xx",
      "delete watchkeeper-apigateway-rest-latency-shop-prod",
    ]);
  });

  it("changes come in a deterministic order: deletes, creates, updates, noops, each by name", () => {
    const base = plan(resources);
    const existing = base.desired
      .filter((s) => s.name !== "watchkeeper-lambda-errors")
      .map((spec) =>
        spec.name === "watchkeeper-lambda-throttles"
          ? existingFrom(withThreshold(spec, 5))
          : existingFrom(spec),
      );
    existing.push(existingFrom({ ...(base.desired[0] as AlarmSpec), name: "watchkeeper-old" }));
    const result = plan(resources, existing);
    expect(actions(result).slice(0, 3)).toEqual([
      "delete watchkeeper-old",
      "create watchkeeper-lambda-errors",
      "update watchkeeper-lambda-throttles",
    ]);
    expect(result.changes.slice(3).every((c) => c.action === "noop")).toBe(true);
  });

  it("the same inputs in any order give the same plan", () => {
    const existing = plan(resources)
      .desired.slice(0, 5)
      .map((spec) => existingFrom(withThreshold(spec, 42)));
    const a = planAlarms(inventoryOf(resources), policy, existing);
    const shuffled = {
      ...inventoryOf(resources),
      resources: [...inventoryOf(resources).resources].reverse(),
    };
    const b = planAlarms(shuffled, policy, [...existing].reverse());
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

describe("cost", () => {
  it("single-metric alarms cost 0.10 a month; query alarms 0.10 per metric analyzed", () => {
    const queues = Array.from({ length: 30 }, (_, i) => queue(`q${String(i).padStart(2, "0")}`));
    const result = plan([fn("f"), ...queues]);
    const sqs = result.desired.filter((s) => s.origin.entryId === "sqs-age-of-oldest-message");
    expect(estimateMonthlyCost(sqs)).toEqual({ alarms: 1, alarmMetrics: 30, monthlyUsd: 3 });
    const lambda = result.desired.filter(
      (s) => s.origin.entryId.startsWith("lambda-") && !s.origin.usesMetricsInsights,
    );
    // claimed concurrency (an account metric) and the function's duration
    expect(estimateMonthlyCost(lambda)).toEqual({ alarms: 2, alarmMetrics: 2, monthlyUsd: 0.2 });
    // Errors and throttles are queries now: one metric per function each.
    const functions = Array.from({ length: 20 }, (_, i) => fn(`f${String(i).padStart(2, "0")}`));
    const perFunction = plan(functions).desired.filter((s) =>
      ["lambda-errors", "lambda-throttles"].includes(s.origin.entryId),
    );
    expect(estimateMonthlyCost(perFunction)).toEqual({ alarms: 2, alarmMetrics: 40, monthlyUsd: 4 });
  });

  it("a metric-math alarm costs 0.10 per metric it reads", () => {
    const result = plan([
      stateMachine("fulfil"),
      queueWithDlq("orders", queue("orders-dlq")),
      queue("orders-dlq"),
    ]);
    const math = result.desired.filter((s) =>
      ["stepfunctions-executions-failed", "sqs-dlq-new-messages"].includes(s.origin.entryId),
    );
    expect(math.map((s) => s.name)).toEqual([
      "watchkeeper-sqs-dlq-new-messages-orders-dlq",
      "watchkeeper-stepfunctions-executions-failed-fulfil",
    ]);
    expect(estimateMonthlyCost(math)).toEqual({ alarms: 2, alarmMetrics: 4, monthlyUsd: 0.4 });
  });

  it("before and after a plan", () => {
    const resources = [fn("f"), queue("q")];
    const first = plan(resources);
    expect(estimatePlanCost(first).before).toEqual({ alarms: 0, alarmMetrics: 0, monthlyUsd: 0 });
    const existing = first.desired.map((spec) => existingFrom(spec));
    const second = plan([fn("f")], existing);
    const cost = estimatePlanCost(second);
    expect(cost.before).toEqual(estimatePlanCost(first).after);
    // The queue's two aggregates (age, messages in flight) go with it.
    expect(cost.after.alarms).toBe(cost.before.alarms - 2);
    expect(cost.approximate).toBe(true);
  });
});

describe("limits of Metrics Insights", () => {
  it("exclusions that do not fit in the query's 2,048 characters stay in the aggregate, with a warning", () => {
    const queues = Array.from({ length: 100 }, (_, i) =>
      tagged(queue(`critical-queue-with-a-long-name-${String(i).padStart(3, "0")}`), {
        "watchkeeper:critical": "true",
      }),
    );
    const result = plan([...queues, queue("plain")]);
    const query = result.desired.find((s) => s.name === "watchkeeper-sqs-age-of-oldest-message")?.metrics?.[0]
      ?.expression;
    expect(query?.length).toBeLessThanOrEqual(2048);
    expect(
      result.warnings.some((w) =>
        /sqs-age-of-oldest-message: \d+ SQS queues with their own alarm or ignored do not fit/.test(w),
      ),
    ).toBe(true);
  });

  it("when not all fit, ignored resources and those that would alarm falsely are left out first", () => {
    const strict = Array.from({ length: 120 }, (_, i) =>
      tagged(queue(`a-strict-queue-with-a-long-name-${String(i).padStart(3, "0")}`), {
        "watchkeeper:threshold:ApproximateAgeOfOldestMessage": "60",
      }),
    );
    const loose = tagged(queue("z-loose"), {
      "watchkeeper:threshold:ApproximateAgeOfOldestMessage": "86400",
    });
    const ignored = tagged(queue("z-ignored"), { "watchkeeper:ignore": "true" });
    const dlq = queue("z-dlq");
    const result = plan([...strict, loose, ignored, dlq, queueWithDlq("work", dlq)]);
    const query = result.desired.find((s) => s.name === "watchkeeper-sqs-age-of-oldest-message")?.metrics?.[0]
      ?.expression;
    expect(query).toContain(
      "WHERE QueueName != 'z-ignored' AND QueueName != 'z-dlq' AND QueueName != 'z-loose' AND",
    );
    expect(query).not.toContain("a-strict-queue-with-a-long-name-119");
  });

  it("past 10,000 resources a kind switches to per-resource alarms, with a warning", () => {
    const topics = Array.from({ length: 10_001 }, (_, i) => topic(`t${i}`));
    const result = plan(topics);
    expect(result.desired.some((s) => s.name === "watchkeeper-sns-notifications-failed")).toBe(false);
    expect(result.desired.filter((s) => s.origin.entryId === "sns-notifications-failed")).toHaveLength(
      10_001,
    );
    expect(result.warnings).toContain(
      "sns-notifications-failed: 10001 SNS topics exceed the 10000 metrics one Metrics Insights query processes; each gets its own alarm instead of the aggregate",
    );
  });

  it("warns when the plan needs more query alarms than the default quota of 200", () => {
    const tight = policyOf({ metricsInsights: { alarmQuota: 3 } });
    const result = planAlarms(inventoryOf(sample()), tight, []);
    expect(
      result.warnings.some((w) => w.startsWith("the plan needs 28 alarms on Metrics Insights queries")),
    ).toBe(true);
  });
});

describe("scale", () => {
  it("plans 50,000 resources", () => {
    const resources: Resource[] = [];
    const dlqs = Array.from({ length: 1000 }, (_, i) => queue(`dlq-${i}`));
    resources.push(...dlqs);
    for (let i = 0; i < 9000; i++) {
      resources.push(queueWithDlq(`work-${i}`, dlqs[i % 1000] as Resource & { kind: "sqs-queue" }));
    }
    for (let i = 0; i < 15_000; i++) {
      resources.push(
        fn(`fn-${i}`, {
          timeoutSeconds: 3 + (i % 10),
          ...(i % 50 === 0 ? { tags: { "watchkeeper:critical": "true" } } : {}),
        }),
      );
    }
    for (let i = 0; i < 8000; i++) resources.push(table(`table-${i}`));
    for (let i = 0; i < 6000; i++) resources.push(topic(`topic-${i}`));
    for (let i = 0; i < 5000; i++) resources.push(rule(`rule-${i}`));
    for (let i = 0; i < 4000; i++) resources.push(stateMachine(`sm-${i}`));
    for (let i = 0; i < 1500; i++)
      resources.push(stream(`stream-${i}`, { retentionHours: i % 2 === 0 ? 24 : 48 }));
    for (let i = 0; i < 500; i++) resources.push(restApi(`api-${i}`, `id${i}`));
    expect(resources).toHaveLength(50_000);

    const result = plan(resources);
    const count = (entryId: string, level?: string) =>
      result.desired.filter((s) => s.origin.entryId === entryId && (!level || s.origin.level === level))
        .length;
    expect(count("lambda-duration")).toBe(15_000);
    // 14,700 functions left in the Errors and Throttles queries exceed the 10,000 metrics a query
    // processes: every function gets its own alarm (the 300 critical ones had theirs already).
    for (const id of ["lambda-errors", "lambda-throttles"]) {
      expect(count(id, "individual")).toBe(15_000);
      expect(count(id, "aggregate")).toBe(0);
      expect(result.warnings).toContain(
        `${id}: 14700 Lambda functions exceed the 10000 metrics one Metrics Insights query processes; each gets its own alarm instead of the aggregate`,
      );
    }
    expect(count("sqs-dlq-messages-visible")).toBe(1000);
    expect(count("sqs-dlq-new-messages")).toBe(1000);
    expect(count("sqs-dlq-age")).toBe(1000);
    // 10,000 queues, DLQs included: one query still reads them all.
    expect(count("sqs-messages-in-flight")).toBe(1);
    // Half of a 48-hour retention is past the 30-minute cap too: every stream stays in the aggregate.
    expect(count("kinesis-iterator-age", "individual")).toBe(0);
    expect(count("apigateway-rest-latency")).toBe(500);
    expect(count("stepfunctions-executions-failed")).toBe(4000);
    expect(count("dynamodb-system-errors")).toBe(1);
    // Every query aggregate of the sample account's 26 but Lambda Errors and Throttles.
    expect(result.desired.filter((s) => s.origin.level === "aggregate" && s.metrics)).toHaveLength(24);
    // 1,000 DLQs to leave out of the queue-age query do not fit in 2,048 characters: the rest stay in it.
    const overflow = result.warnings
      .map(
        (w) =>
          /^sqs-age-of-oldest-message: (\d+) SQS queues with their own alarm or ignored do not fit/.exec(
            w,
          )?.[1],
      )
      .find((n) => n !== undefined);
    expect(Number(overflow)).toBeGreaterThan(900);
    const sqsAge = result.desired.find((s) => s.name === "watchkeeper-sqs-age-of-oldest-message");
    expect(sqsAge?.origin.metricsAnalyzed).toBe(9000 + Number(overflow));
    expect(sqsAge?.metrics?.[0]?.expression?.length).toBeLessThanOrEqual(2048);
    expect(result.changes.every((c) => c.action === "create")).toBe(true);
    expect(new Set(result.desired.map((s) => s.name)).size).toBe(result.desired.length);
  });
});

describe("planAlarms: a state machine whose definition could not be read", () => {
  const denied = (machine: Resource) =>
    ({
      service: "sfn",
      operation: "DescribeStateMachine",
      code: "KmsAccessDeniedException",
      message: "KmsAccessDeniedException: not authorized to perform kms:Decrypt",
      resource: machine.arn,
      covers: { kind: "state-machine", what: "facts", resource: machine.arn },
    }) as const;
  /** Plans `resources` against the alarms an earlier run made for `before`, with `warnings` in the snapshot. */
  function replan(before: Resource[], resources: Resource[], warnings: ReturnType<typeof denied>[] = []) {
    const existing = plan(before).desired.map((spec) => existingFrom(spec));
    return planAlarms({ ...inventoryOf(resources), warnings }, policy, existing);
  }
  const timeAlarm = (result: AlarmPlan, name: string) =>
    result.changes.find((change) => change.target === `watchkeeper-stepfunctions-execution-time-${name}`);

  it("keeps its execution-time alarm when the timeout is unknown (a Standard machine would lose it otherwise)", () => {
    const read = stateMachine("batch", { timeoutSeconds: 900 });
    // The read failed: discovery has the machine from the listing, without its TimeoutSeconds.
    const unread = stateMachine("batch");
    expect(timeAlarm(replan([read], [unread], [denied(unread)]), "batch")).toMatchObject({
      action: "noop",
      held: "delete",
      reason: expect.stringMatching(/^held back: sfn DescribeStateMachine \(\S+batch\) failed: KmsAccess/),
    });
    // Read, and without a TimeoutSeconds now: the alarm goes.
    expect(timeAlarm(replan([read], [unread]), "batch")?.action).toBe("delete");
  });

  it("does not move an Express machine's threshold to the 5-minute default, nor create one", () => {
    const read = stateMachine("quick", { type: "EXPRESS", timeoutSeconds: 60 });
    const unread = stateMachine("quick", { type: "EXPRESS" });
    expect(timeAlarm(replan([read], [unread], [denied(unread)]), "quick")).toMatchObject({
      action: "noop",
      held: "update",
    });
    expect(timeAlarm(replan([read], [unread]), "quick")?.action).toBe("update");
    const fresh = stateMachine("fresh", { type: "EXPRESS" });
    expect(timeAlarm(replan([], [fresh], [denied(fresh)]), "fresh")).toMatchObject({
      action: "noop",
      held: "create",
    });
  });

  it("leaves other machines' execution-time alarms to be planned", () => {
    const other = stateMachine("other", { timeoutSeconds: 300 });
    const unread = stateMachine("batch");
    const result = replan(
      [stateMachine("batch", { timeoutSeconds: 900 })],
      [unread, other],
      [denied(unread)],
    );
    expect(timeAlarm(result, "other")?.action).toBe("create");
  });
});
