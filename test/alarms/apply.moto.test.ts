/**
 * The alarms capability over the real wire: real resources created in moto, discovered, planned and
 * applied with real SDK clients; the tests assert on the alarms moto holds afterwards.
 *
 * moto (5.2) supports everything this path uses: PutMetricAlarm with single metrics, percentiles and
 * Metrics Insights `Metrics` queries, Tags on create, DescribeAlarms by prefix, DeleteAlarms,
 * TagResource/ListTagsForResource, and the Tagging API's GetResources for `cloudwatch:alarm`.
 * Where moto differs from AWS (neither matters to these assertions): PutMetricAlarm on an existing alarm
 * merges the Tags it is given (AWS ignores them, which is why apply re-tags with TagResource), a new
 * alarm starts in OK (AWS: INSUFFICIENT_DATA), and it evaluates no Metrics Insights query. It has no
 * GetAccountSettings, so the concurrency alarm uses the policy's assumed limit (lib/sim covers the real one).
 * Pacing runs on a virtual clock: quotas are lib/sim's subject (apply.sim.test.ts), not moto's.
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  UntagResourceCommand,
  type MetricAlarm,
} from "@aws-sdk/client-cloudwatch";
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutRuleCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { CreateStreamCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { CreateEventSourceMappingCommand, DeleteFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { ApiGatewayV2Client, CreateApiCommand, CreateStageCommand } from "@aws-sdk/client-apigatewayv2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeAlarm, readExistingAlarms } from "../../lib/alarms/actual.js";
import { NOT_OWNED_REASON } from "../../lib/alarms/plan.js";
import { resolveAlarmPolicy, type AlarmPolicy } from "../../lib/alarms/policy.js";
import { reconcileAlarms, type ReconcileResult } from "../../lib/alarms/reconcile.js";
import { alarmFields, type AlarmSpec } from "../../lib/alarms/spec.js";
import { discoverInventory } from "../../lib/inventory/discover.js";
import type { Inventory } from "../../lib/inventory/types.js";
import { VirtualClock } from "../../lib/sim/clock.js";
import { MOTO_ACCOUNT_ID, createMotoFunction, motoAws, motoLambdaRole } from "../moto/moto.js";

const REGION = "eu-west-3";
const arn = (service: string, resource: string) =>
  `arn:aws:${service}:${REGION}:${MOTO_ACCOUNT_ID}:${resource}`;
const ONCALL = arn("sns", "oncall");
const clock = new VirtualClock();
const aws = motoAws(REGION, { clock });
const cloudwatch = aws.client(CloudWatchClient);

let policy: AlarmPolicy;
let inventory: Inventory;
let first: ReconcileResult;

beforeAll(async () => {
  const role = await motoLambdaRole();
  await createResources(role);
  await createForeignAlarms();
  policy = resolveAlarmPolicy({ notificationTopicArn: ONCALL }).policy;
  inventory = await discoverInventory(aws);
}, 120_000);

afterAll(() => aws.destroy());

async function alarmsInMoto(prefix = ""): Promise<Map<string, MetricAlarm>> {
  const found = new Map<string, MetricAlarm>();
  let token: string | undefined;
  do {
    const page = await cloudwatch.send(
      new DescribeAlarmsCommand({
        ...(prefix ? { AlarmNamePrefix: prefix } : {}),
        NextToken: token,
        MaxRecords: 100,
      }),
    );
    for (const alarm of page.MetricAlarms ?? []) found.set(alarm.AlarmName ?? "", alarm);
    token = page.NextToken;
  } while (token);
  return found;
}

async function tagsOf(alarm: MetricAlarm): Promise<Record<string, string>> {
  const response = await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }));
  return Object.fromEntries((response.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
}

const managedSpecs = (result: ReconcileResult): AlarmSpec[] =>
  result.plan.desired.filter(
    (spec) => !result.plan.changes.some((c) => c.target === spec.name && c.reason === NOT_OWNED_REASON),
  );

describe("alarms against moto", () => {
  let foreignBefore: Map<string, { updated?: string; threshold?: number; tags: Record<string, string> }>;

  it("apply creates exactly the planned alarms, as planned, and leaves other alarms alone", async () => {
    foreignBefore = await foreignSnapshot();
    first = await reconcileAlarms(aws, inventory, policy, { clock });
    expect(first.report.failed).toBe(0);
    expect(first.report.applied).toBe(first.plan.changes.filter((c) => c.action === "create").length);
    expect(first.warnings).toContain(
      `threshold override for ApproximateAgeOfOldestMessage on ${arn("sqs", "orders")} is not a number: abc; using the default`,
    );

    const owned = managedSpecs(first);
    const inMoto = await alarmsInMoto("watchkeeper-");
    expect([...inMoto.keys()].sort()).toEqual(
      [...owned.map((s) => s.name), "watchkeeper-handmade", "watchkeeper-lambda-throttles"].sort(),
    );
    for (const spec of owned) {
      const alarm = inMoto.get(spec.name) as MetricAlarm;
      const tags = await tagsOf(alarm);
      // Metric or query, dimensions, statistic, period, datapoints, threshold, comparison, missing data, actions.
      expect(alarmFields(normalizeAlarm(alarm, tags, true)), spec.name).toEqual(alarmFields(spec));
      expect(tags).toEqual(spec.tags);
    }
    expect(await foreignSnapshot()).toEqual(foreignBefore);
  });

  it("the alarms say what the resources need", async () => {
    const inMoto = await alarmsInMoto("watchkeeper-");
    const get = (name: string) => {
      const alarm = inMoto.get(name);
      if (!alarm) throw new Error(`${name} is not in moto: ${[...inMoto.keys()].join(", ")}`);
      return alarm;
    };
    expect(get("watchkeeper-sqs-age-of-oldest-message").Metrics).toEqual([
      {
        Id: "q1",
        Expression:
          // Ignored first, then what would alarm falsely (a DLQ), then what has a stricter alarm of its own.
          `SELECT MAX(ApproximateAgeOfOldestMessage) FROM SCHEMA("AWS/SQS", QueueName) WHERE QueueName != 'scratch'` +
          ` AND QueueName != 'orders-dlq' AND QueueName != 'short' GROUP BY QueueName ORDER BY MAX() DESC LIMIT 500`,
        Label: "SQS messages waiting too long",
        Period: 60,
        ReturnData: true,
      },
    ]);
    expect(get("watchkeeper-sqs-age-of-oldest-message").Threshold).toBe(3600);
    expect(get("watchkeeper-sqs-age-of-oldest-message-short").Threshold).toBe(600);
    expect(get("watchkeeper-sqs-dlq-messages-visible-orders-dlq")).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: "orders-dlq" }],
      Statistic: "Maximum",
      Threshold: 0,
      EvaluationPeriods: 1,
      AlarmActions: [ONCALL],
      OKActions: [ONCALL],
    });
    expect(get("watchkeeper-lambda-duration-ingest")).toMatchObject({
      ExtendedStatistic: "p90",
      Threshold: 27_000,
      Dimensions: [{ Name: "FunctionName", Value: "ingest" }],
    });
    // Critical function: its own errors and throttles alarms, and it is left out of the per-function query.
    expect(get("watchkeeper-lambda-errors-ingest").Dimensions).toEqual([
      { Name: "FunctionName", Value: "ingest" },
    ]);
    expect(get("watchkeeper-lambda-errors").MetricName).toBeUndefined();
    expect(get("watchkeeper-lambda-errors").Metrics).toEqual([
      {
        Id: "q1",
        Expression: `SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE FunctionName != 'scratch' AND FunctionName != 'ingest' GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 500`,
        Label: "Lambda errors",
        Period: 60,
        ReturnData: true,
      },
    ]);
    // The table's own throttle alarm (threshold by tag) reads the metric zero-filled.
    const users = get("watchkeeper-dynamodb-read-throttle-events-users");
    expect(users).toMatchObject({ Threshold: 5, EvaluationPeriods: 5, DatapointsToAlarm: 5 });
    expect(users.MetricName).toBeUndefined();
    expect(
      users.Metrics?.map((q) => [q.Id, q.Expression ?? q.MetricStat?.Metric?.MetricName, q.ReturnData]),
    ).toEqual([
      ["m1", "ReadThrottleEvents", false],
      ["alarm", "FILL(m1, 0)", true],
    ]);
    expect(users.Metrics?.[0]?.MetricStat?.Metric?.Dimensions).toEqual([
      { Name: "TableName", Value: "users" },
    ]);
    // SystemErrors stays in its aggregate query; no alarm reads it on [TableName] alone.
    expect(
      [...inMoto.keys()].filter((name) => name.startsWith("watchkeeper-dynamodb-system-errors")),
    ).toEqual(["watchkeeper-dynamodb-system-errors"]);
    // Two functions poll the stream: its own lag alarm, and no reader at all is an alarm too.
    expect(get("watchkeeper-kinesis-iterator-age-clicks")).toMatchObject({
      MetricName: "GetRecords.IteratorAgeMilliseconds",
      Dimensions: [{ Name: "StreamName", Value: "clicks" }],
      Threshold: 1_800_000,
      TreatMissingData: "breaching",
    });
    expect(get("watchkeeper-kinesis-iterator-age").TreatMissingData).toBe("notBreaching");
    // The state machine's failure rate: two metrics, two steps, one returned expression.
    const rate = get("watchkeeper-stepfunctions-executions-failed-checkout");
    expect(rate).toMatchObject({ Threshold: 0.1, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(
      rate.Metrics?.map((q) => [q.Id, q.Expression ?? q.MetricStat?.Metric?.MetricName, q.ReturnData]),
    ).toEqual([
      ["m1", "ExecutionsFailed", false],
      ["m2", "ExecutionsSucceeded", false],
      ["failed", "FILL(m1, 0)", false],
      ["ended", "FILL(m1, 0) + FILL(m2, 0)", false],
      ["alarm", "IF(ended >= 10, failed / ended, failed / 10)", true],
    ]);
    expect(rate.Metrics?.[0]?.MetricStat).toMatchObject({ Period: 300, Stat: "Sum" });
    expect(get("watchkeeper-sqs-dlq-new-messages-orders-dlq").Metrics?.at(-1)).toMatchObject({
      Id: "alarm",
      Expression: "IF(held - added > 0, added, 0)",
      ReturnData: true,
    });
    expect(get("watchkeeper-lambda-iterator-age").Metrics?.[0]?.Expression).toBe(
      `SELECT MAX(IteratorAge) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE FunctionName != 'scratch' AND FunctionName != 'ingest' GROUP BY FunctionName ORDER BY MAX() DESC LIMIT 500`,
    );
    expect(get("watchkeeper-apigateway-http-latency-webhooks-$default").Dimensions).toEqual([
      { Name: "ApiId", Value: httpApiId },
      { Name: "Stage", Value: "$default" },
    ]);
    expect(inMoto.has("watchkeeper-lambda-duration-scratch")).toBe(false);
  });

  it("a second apply changes nothing", async () => {
    const before = await alarmsInMoto();
    const second = await reconcileAlarms(aws, inventory, policy, { clock });
    expect(second.plan.changes.filter((c) => c.action !== "noop")).toEqual([]);
    expect(second.report).toMatchObject({ applied: 0, failed: 0, deferred: 0 });
    const after = await alarmsInMoto();
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [name, alarm] of after) {
      expect(alarm.AlarmConfigurationUpdatedTimestamp, name).toEqual(
        before.get(name)?.AlarmConfigurationUpdatedTimestamp,
      );
    }
  });

  it("ownership reads the same through the Tagging API and through each alarm's tags", async () => {
    const viaTagging = await readExistingAlarms(aws, { prefix: policy.prefix, ownership: "tagging-api" });
    const viaAlarms = await readExistingAlarms(aws, { prefix: policy.prefix, ownership: "alarm-tags" });
    expect(viaTagging.ownershipSource).toBe("tagging-api");
    expect(viaAlarms.ownershipSource).toBe("alarm-tags");
    const owned = (alarms: typeof viaTagging.alarms) => alarms.filter((a) => a.managed).map((a) => a.name);
    expect(owned(viaTagging.alarms)).toEqual(owned(viaAlarms.alarms));
    expect(owned(viaTagging.alarms)).toEqual(managedSpecs(first).map((s) => s.name));
    expect(viaTagging.alarms.filter((a) => !a.managed).map((a) => a.name)).toEqual([
      "watchkeeper-handmade",
      "watchkeeper-lambda-throttles",
    ]);
  });

  it("an alarm changed by hand is put back, and a removed tag is re-applied without rewriting the alarm", async () => {
    const inMoto = await alarmsInMoto("watchkeeper-");
    const duration = inMoto.get("watchkeeper-lambda-duration-ingest") as MetricAlarm;
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: duration.AlarmName,
        Namespace: duration.Namespace,
        MetricName: duration.MetricName,
        Dimensions: duration.Dimensions,
        ExtendedStatistic: duration.ExtendedStatistic,
        Period: duration.Period,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanThreshold",
      }),
    );
    const dlqAlarm = inMoto.get("watchkeeper-sqs-dlq-messages-visible-orders-dlq") as MetricAlarm;
    await cloudwatch.send(
      new UntagResourceCommand({ ResourceARN: dlqAlarm.AlarmArn, TagKeys: ["watchkeeper:runbook"] }),
    );

    const repair = await reconcileAlarms(aws, inventory, policy, { clock });
    const updates = repair.plan.changes.filter((c) => c.action !== "noop");
    expect(updates.map((c) => [c.target, c.diff?.map((d) => d.field)])).toEqual([
      [
        "watchkeeper-lambda-duration-ingest",
        [
          "AlarmDescription",
          "EvaluationPeriods",
          "DatapointsToAlarm",
          "Threshold",
          "TreatMissingData",
          "AlarmActions",
          "OKActions",
        ],
      ],
      ["watchkeeper-sqs-dlq-messages-visible-orders-dlq", ["Tags"]],
    ]);
    expect(repair.report).toMatchObject({ applied: 2, failed: 0 });

    const after = await alarmsInMoto("watchkeeper-");
    expect(after.get("watchkeeper-lambda-duration-ingest")).toMatchObject({
      Threshold: 27_000,
      EvaluationPeriods: 15,
    });
    expect(
      await tagsOf(after.get("watchkeeper-sqs-dlq-messages-visible-orders-dlq") as MetricAlarm),
    ).toMatchObject({
      "watchkeeper:runbook":
        "https://github.com/watchkeeper/watchkeeper/blob/main/runbooks/sqs-dlq-messages-visible.md",
    });
    // Only the tags changed: the alarm's configuration was not rewritten.
    expect(
      after.get("watchkeeper-sqs-dlq-messages-visible-orders-dlq")?.AlarmConfigurationUpdatedTimestamp,
    ).toEqual(dlqAlarm.AlarmConfigurationUpdatedTimestamp);
  });

  it("deleting resources and applying deletes their alarms, and only theirs", async () => {
    const before = await alarmsInMoto();
    await aws.client(LambdaClient).send(new DeleteFunctionCommand({ FunctionName: "ingest" }));
    await aws.client(DynamoDBClient).send(new DeleteTableCommand({ TableName: "users" }));
    const smaller = await discoverInventory(aws);

    const result = await reconcileAlarms(aws, smaller, policy, { clock });
    const writes = result.plan.changes
      .filter((c) => c.action !== "noop")
      .map((c) => `${c.action} ${c.target}`);
    const deleted = [
      // The account's only table is gone: its aggregates go too (they come back with the next table).
      "watchkeeper-dynamodb-index-read-throttle-events",
      "watchkeeper-dynamodb-index-write-throttle-events",
      "watchkeeper-dynamodb-read-throttle-events",
      "watchkeeper-dynamodb-read-throttle-events-users",
      "watchkeeper-dynamodb-system-errors",
      "watchkeeper-dynamodb-write-throttle-events",
      // The critical function's own alarms.
      "watchkeeper-lambda-duration-ingest",
      "watchkeeper-lambda-errors-ingest",
      "watchkeeper-lambda-iterator-age-ingest",
      "watchkeeper-lambda-throttles-ingest",
    ];
    // ingest no longer needs leaving out of the errors and stream-lag queries (throttles' is not Watchkeeper's).
    expect(writes).toEqual([
      ...deleted.map((name) => `delete ${name}`),
      "update watchkeeper-lambda-errors",
      "update watchkeeper-lambda-iterator-age",
    ]);
    // Deletes go 100 names to a call: one DeleteAlarms carries all ten.
    expect(result.report).toMatchObject({ applied: 12, failed: 0 });

    const after = await alarmsInMoto();
    expect([...before.keys()].filter((name) => !after.has(name))).toEqual(deleted);
    for (const name of ["watchkeeper-lambda-errors", "watchkeeper-lambda-iterator-age"]) {
      expect(after.get(name)?.Metrics?.[0]?.Expression).toContain("WHERE FunctionName != 'scratch' GROUP BY");
    }
    // reader still polls the stream: its breaching lag alarm stays.
    expect(after.get("watchkeeper-kinesis-iterator-age-clicks")?.TreatMissingData).toBe("breaching");
    expect(await foreignSnapshot()).toEqual(foreignBefore);
  });
});

let httpApiId = "";

async function createResources(role: string): Promise<void> {
  const sqs = aws.client(SQSClient);
  await sqs.send(new CreateQueueCommand({ QueueName: "orders-dlq" }));
  await sqs.send(
    new CreateQueueCommand({
      QueueName: "orders",
      Attributes: {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: arn("sqs", "orders-dlq"),
          maxReceiveCount: "5",
        }),
      },
      tags: { "watchkeeper:threshold:ApproximateAgeOfOldestMessage": "abc" },
    }),
  );
  await sqs.send(
    new CreateQueueCommand({ QueueName: "short", Attributes: { MessageRetentionPeriod: "1200" } }),
  );
  await sqs.send(new CreateQueueCommand({ QueueName: "scratch", tags: { "watchkeeper:ignore": "true" } }));

  await aws.client(KinesisClient).send(new CreateStreamCommand({ StreamName: "clicks", ShardCount: 1 }));
  await aws.client(DynamoDBClient).send(
    new CreateTableCommand({
      TableName: "users",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      Tags: [{ Key: "watchkeeper:threshold:ReadThrottleEvents", Value: "5" }],
    }),
  );

  const lambda = aws.client(LambdaClient);
  const create = (name: string, timeout: number, tags: Record<string, string> = {}) =>
    createMotoFunction(aws, role, name, { Timeout: timeout, Tags: tags });
  await create("ingest", 30, { "watchkeeper:critical": "true" });
  await create("reader", 60);
  await lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: "reader",
      EventSourceArn: arn("kinesis", "stream/clicks"),
      StartingPosition: "LATEST",
    }),
  );
  // Ingest consumes the stream too, so as a critical function it is left out of the stream-lag query.
  await lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: "ingest",
      EventSourceArn: arn("kinesis", "stream/clicks"),
      StartingPosition: "LATEST",
    }),
  );
  await create("scratch", 3, { "watchkeeper:ignore": "true" });

  const v2 = aws.client(ApiGatewayV2Client);
  const http = await v2.send(new CreateApiCommand({ Name: "webhooks", ProtocolType: "HTTP" }));
  httpApiId = http.ApiId ?? "";
  await v2.send(new CreateStageCommand({ ApiId: httpApiId, StageName: "$default" }));

  await aws.client(SFNClient).send(
    new CreateStateMachineCommand({
      name: "checkout",
      roleArn: role,
      definition: JSON.stringify({ StartAt: "Done", States: { Done: { Type: "Pass", End: true } } }),
    }),
  );
  await aws
    .client(EventBridgeClient)
    .send(new PutRuleCommand({ Name: "nightly", ScheduleExpression: "rate(1 day)" }));
  await aws.client(SNSClient).send(new CreateTopicCommand({ Name: "oncall" }));
}

/** Alarms Watchkeeper must never change: one with the prefix but no tag (and a name it wants), one without the prefix. */
async function createForeignAlarms(): Promise<void> {
  const base = {
    Namespace: "AWS/Lambda",
    MetricName: "Errors",
    Statistic: "Sum" as const,
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: 99,
    ComparisonOperator: "GreaterThanThreshold" as const,
  };
  await cloudwatch.send(new PutMetricAlarmCommand({ ...base, AlarmName: "watchkeeper-handmade" }));
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      ...base,
      AlarmName: "watchkeeper-lambda-throttles",
      Tags: [{ Key: "team", Value: "sre" }],
    }),
  );
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      ...base,
      AlarmName: "team-orders-errors",
      // Tagged as if managed, but without the prefix: still not Watchkeeper's.
      Tags: [{ Key: "watchkeeper:managed", Value: "true" }],
    }),
  );
}

async function foreignSnapshot() {
  const all = await alarmsInMoto();
  const snapshot = new Map<string, { updated?: string; threshold?: number; tags: Record<string, string> }>();
  for (const name of ["watchkeeper-handmade", "watchkeeper-lambda-throttles", "team-orders-errors"]) {
    const alarm = all.get(name);
    if (!alarm) throw new Error(`foreign alarm ${name} is gone`);
    snapshot.set(name, {
      updated: alarm.AlarmConfigurationUpdatedTimestamp?.toISOString(),
      threshold: alarm.Threshold,
      tags: await tagsOf(alarm),
    });
  }
  return snapshot;
}
