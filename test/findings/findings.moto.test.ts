/**
 * Findings over the real wire: an account seeded in moto with known mistakes (and a few resources set
 * up right), read by `discoverInventory`, checked by `runChecks`; the exact set of findings is asserted.
 * The OpenFindings metric is published to moto's CloudWatch and read back.
 *
 * Not covered here, because moto (5.2) or discovery cannot produce the input (each is unit-tested in
 * checks.test.ts instead):
 * - account-unreserved-concurrency: moto has no GetAccountSettings, so the inventory has no lambdaAccount.
 * - api-function-timeout, and lambda-default-timeout for API handlers: discovery records no
 *   api-integration relations yet.
 * - Lambda async DLQs and on-failure destinations that pass: moto drops DeadLetterConfig, and its
 *   ListFunctionEventInvokeConfigs answer cannot be parsed once a config exists. The failing case works:
 *   with no config set, moto answers an empty list.
 */
import { CloudWatchClient, ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateStreamCommand, KinesisClient, StartStreamEncryptionCommand } from "@aws-sdk/client-kinesis";
import { CreateEventSourceMappingCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  findingMetrics,
  groupFindings,
  publishFindingMetrics,
  renderSummaryMarkdown,
  runChecks,
  summarizeFindings,
  type Finding,
} from "../../lib/findings/index.js";
import { discoverInventory, type Inventory } from "../../lib/inventory/index.js";
import { MOTO_ACCOUNT_ID, createMotoFunction, motoAws, motoLambdaRole } from "../moto/moto.js";

const REGION = "sa-east-1";
const arn = (service: string, resource: string) =>
  `arn:aws:${service}:${REGION}:${MOTO_ACCOUNT_ID}:${resource}`;
const queueArn = (name: string) => arn("sqs", name);
const functionArn = (name: string) => arn("lambda", `function:${name}`);
const streamArn = (name: string) => arn("kinesis", `stream/${name}`);

const aws = motoAws(REGION);
let inventory: Inventory;
let findings: Finding[];

beforeAll(async () => {
  const role = await motoLambdaRole();
  await seedQueues();
  await seedStreams();
  await seedFunctions(role);
  await seedRules();
  await seedTopics();
  await seedLogGroups();
  inventory = await discoverInventory(aws);
  findings = runChecks(inventory);
}, 120_000);

afterAll(() => aws.destroy());

describe("findings against a seeded moto account", () => {
  it("reports exactly the seeded mistakes, with accepted ones marked and ignored resources left out", () => {
    expect(findings.map((f) => [f.checkId, f.resourceName, f.severity, f.status])).toEqual([
      ["lambda-async-no-failure-handling", "nightly-job", "high", "open"],
      ["sqs-visibility-timeout", "orders", "high", "open"],
      ["stream-unbounded-retries", "click-reader", "high", "open"],
      ["eventbridge-target-no-dlq", "nightly", "medium", "open"],
      ["kinesis-unencrypted", "clicks", "medium", "open"],
      ["sns-subscription-no-dlq", "alerts", "medium", "open"],
      ["sqs-dlq-retention", "orders-dlq", "medium", "open"],
      ["sqs-no-dlq", "emails", "medium", "open"],
      ["stream-no-failure-destination", "click-reader", "medium", "open"],
      ["lambda-default-timeout", "thumbnailer", "low", "open"],
      ["log-group-never-expires", "/aws/lambda/order-worker", "low", "open"],
      ["stream-no-bisect", "click-reader", "low", "open"],
      ["sqs-unencrypted", "legacy", "medium", "accepted"],
    ]);
  });

  it("reads the account with only GetAccountSettings missing", () => {
    expect(inventory.warnings.map((w) => `${w.operation} ${w.code}`)).toEqual([
      "GetAccountSettings UnsupportedByEndpoint",
    ]);
    expect(inventory.lambdaAccount).toBeUndefined();
  });

  it("reads the numbers and names from the account into each message", () => {
    const byCheck = (id: string) => findings.find((f) => f.checkId === id);
    expect(byCheck("sqs-visibility-timeout")?.message).toBe(
      "visibility timeout 30 s is below 6 × 10 s (consumer order-worker's timeout) = 60 s: a batch retried after throttling can reappear and be processed twice",
    );
    expect(byCheck("sqs-dlq-retention")?.message).toBe(
      "retention 4 d is not longer than source queue orders's 4 d: expiry counts from the original enqueue time, so failed messages are deleted early",
    );
    expect(byCheck("stream-unbounded-retries")?.message).toMatch(
      /^stream clicks \(mapping [0-9a-f-]+\) retries a failing batch forever \(MaximumRetryAttempts -1, no MaximumRecordAgeInSeconds\): one poison record blocks its shard until the record expires from the stream \(1 d\)$/,
    );
    expect(byCheck("eventbridge-target-no-dlq")?.message).toBe(
      "target job (nightly-job) has no dead-letter queue: an event still failing after 185 retries or 1 d is dropped",
    );
    expect(byCheck("sns-subscription-no-dlq")?.message).toBe(
      "sqs subscription to emails has no redrive policy: a message SNS cannot deliver is discarded after its retries",
    );
    expect(byCheck("lambda-async-no-failure-handling")?.message).toBe(
      "invoked asynchronously by rule nightly with neither a DLQ nor an on-failure destination: events that fail every retry are dropped, and reserved concurrency 0 would drop new events outright",
    );
    expect(byCheck("sqs-unencrypted")?.acceptReason).toBe("migrating to SSE-KMS in Q3");
    for (const finding of findings) expect(finding.resourceArn).toMatch(/^arn:aws:/);
  });

  it("finds nothing wrong with the resources set up right", () => {
    const clean = ["payments", "payments-dlq", "uploads", "stream-failures", "payment-worker"];
    const clean2 = ["audit-reader", "audit-stream", "hourly", "billing", "/app/kept", "scratch"];
    for (const name of [...clean, ...clean2]) {
      expect(findings.filter((f) => f.resourceName === name).map((f) => f.checkId)).toEqual([]);
    }
    // scratch has no DLQ and no encryption, but carries watchkeeper:ignore=true.
    expect(inventory.resources.find((r) => r.name === "scratch")?.tags["watchkeeper:ignore"]).toBe("true");
  });

  it("gives the same findings for a second discovery of the same account", async () => {
    expect(runChecks(await discoverInventory(aws))).toEqual(findings);
  });

  it("groups by resource, most severe first, and summarizes for the dashboard", () => {
    const groups = groupFindings(findings);
    expect(groups[0]?.severity).toBe("high");
    expect(groups.at(-1)).toMatchObject({ resourceName: "legacy", open: 0, accepted: 1 });
    expect(groups.find((g) => g.resourceName === "click-reader")?.findings.map((f) => f.checkId)).toEqual([
      "stream-unbounded-retries",
      "stream-no-failure-destination",
      "stream-no-bisect",
    ]);
    const markdown = renderSummaryMarkdown(summarizeFindings(findings));
    expect(markdown).toContain("**12 open**: 0 critical · 3 high · 6 medium · 3 low (1 accepted)");
    expect(markdown).toContain("7 more open.");
  });

  it("publishes OpenFindings by severity to CloudWatch", async () => {
    const sent = await publishFindingMetrics(aws, findings);
    expect(sent).toEqual(findingMetrics(findings));
    expect(sent.map((d) => [d.Dimensions?.[0]?.Value, d.Value])).toEqual([
      ["critical", 0],
      ["high", 3],
      ["medium", 6],
      ["low", 3],
    ]);
    const listed = await aws
      .client(CloudWatchClient)
      .send(new ListMetricsCommand({ Namespace: "Watchkeeper", MetricName: "OpenFindings" }));
    const severities = (listed.Metrics ?? []).map(
      (m) => m.Dimensions?.find((d) => d.Name === "Severity")?.Value,
    );
    expect(severities.sort()).toEqual(["critical", "high", "low", "medium"]);
  });
});

async function seedQueues(): Promise<void> {
  const sqs = aws.client(SQSClient);
  const create = (
    QueueName: string,
    Attributes: Record<string, string> = {},
    tags?: Record<string, string>,
  ) =>
    sqs.send(
      new CreateQueueCommand({
        QueueName,
        // SSE-SQS is the default for new queues in AWS; set it explicitly so the test does not rely on moto's.
        Attributes: { SqsManagedSseEnabled: "true", ...Attributes },
        ...(tags ? { tags } : {}),
      }),
    );
  const redrive = (dlq: string) =>
    JSON.stringify({ deadLetterTargetArn: queueArn(dlq), maxReceiveCount: "5" });

  await create("payments-dlq", { MessageRetentionPeriod: "1209600" });
  // Mistakes: a 30 s visibility timeout under a 10 s consumer; a DLQ no longer-lived than its source.
  await create("orders-dlq");
  await create("orders", { VisibilityTimeout: "30", RedrivePolicy: redrive("orders-dlq") });
  // Mistake: no DLQ (and SNS delivers to it without a redrive policy, see seedTopics).
  await create("emails");
  // Mistake, accepted by tag: encryption off.
  await create(
    "legacy",
    { SqsManagedSseEnabled: "false", RedrivePolicy: redrive("payments-dlq") },
    { "watchkeeper:accept:sqs-unencrypted": "migrating to SSE-KMS in Q3" },
  );
  // Mistakes, but opted out of Watchkeeper entirely.
  await create("scratch", { SqsManagedSseEnabled: "false" }, { "watchkeeper:ignore": "true" });

  // Set up right.
  await create("payments", { VisibilityTimeout: "60", RedrivePolicy: redrive("payments-dlq") });
  await create("uploads", { VisibilityTimeout: "30", RedrivePolicy: redrive("payments-dlq") });
  await create("stream-failures");
}

async function seedStreams(): Promise<void> {
  const kinesis = aws.client(KinesisClient);
  // Mistake: not encrypted.
  await kinesis.send(new CreateStreamCommand({ StreamName: "clicks", ShardCount: 1 }));
  await kinesis.send(new CreateStreamCommand({ StreamName: "audit-stream", ShardCount: 1 }));
  await kinesis.send(
    new StartStreamEncryptionCommand({
      StreamName: "audit-stream",
      EncryptionType: "KMS",
      KeyId: "alias/aws/kinesis",
    }),
  );
}

async function seedFunctions(role: string): Promise<void> {
  const lambda = aws.client(LambdaClient);
  const create = (name: string, timeout?: number) =>
    createMotoFunction(aws, role, name, timeout === undefined ? {} : { Timeout: timeout });
  const consume = (name: string, source: string, extra: object = {}) =>
    lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: source, ...extra }),
    );

  await create("order-worker", 10);
  await consume("order-worker", queueArn("orders"), { BatchSize: 10 });
  await create("payment-worker", 10);
  await consume("payment-worker", queueArn("payments"), { BatchSize: 10 });
  // Mistake: Lambda's default 3 s timeout on a queue consumer.
  await create("thumbnailer");
  await consume("thumbnailer", queueArn("uploads"), { BatchSize: 5 });

  // Mistakes: the stream defaults (retry forever, no age limit, no destination, no bisect).
  await create("click-reader", 10);
  await consume("click-reader", streamArn("clicks"), { StartingPosition: "LATEST" });
  await create("audit-reader", 10);
  await consume("audit-reader", streamArn("audit-stream"), {
    StartingPosition: "TRIM_HORIZON",
    MaximumRetryAttempts: 3,
    MaximumRecordAgeInSeconds: 3600,
    BisectBatchOnFunctionError: true,
    DestinationConfig: { OnFailure: { Destination: queueArn("stream-failures") } },
  });

  // Mistake: invoked asynchronously by a rule, with no DLQ and no on-failure destination.
  await create("nightly-job", 60);
}

async function seedRules(): Promise<void> {
  const events = aws.client(EventBridgeClient);
  // Mistake: a target without a dead-letter queue.
  await events.send(new PutRuleCommand({ Name: "nightly", ScheduleExpression: "rate(1 day)" }));
  await events.send(
    new PutTargetsCommand({ Rule: "nightly", Targets: [{ Id: "job", Arn: functionArn("nightly-job") }] }),
  );
  await events.send(new PutRuleCommand({ Name: "hourly", ScheduleExpression: "rate(1 hour)" }));
  await events.send(
    new PutTargetsCommand({
      Rule: "hourly",
      Targets: [
        { Id: "queue", Arn: queueArn("payments"), DeadLetterConfig: { Arn: queueArn("payments-dlq") } },
      ],
    }),
  );
}

async function seedTopics(): Promise<void> {
  const sns = aws.client(SNSClient);
  const alerts = await sns.send(new CreateTopicCommand({ Name: "alerts" }));
  // Mistake: no redrive policy on an application subscription.
  await sns.send(
    new SubscribeCommand({ TopicArn: alerts.TopicArn, Protocol: "sqs", Endpoint: queueArn("emails") }),
  );
  // People-facing subscriptions are not checked.
  await sns.send(
    new SubscribeCommand({ TopicArn: alerts.TopicArn, Protocol: "email", Endpoint: "ops@example.com" }),
  );
  const billing = await sns.send(new CreateTopicCommand({ Name: "billing" }));
  await sns.send(
    new SubscribeCommand({
      TopicArn: billing.TopicArn,
      Protocol: "sqs",
      Endpoint: queueArn("payments"),
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn("payments-dlq") }) },
    }),
  );
}

async function seedLogGroups(): Promise<void> {
  const logs = aws.client(CloudWatchLogsClient);
  // Mistake: never expires.
  await logs.send(new CreateLogGroupCommand({ logGroupName: "/aws/lambda/order-worker" }));
  await logs.send(new CreateLogGroupCommand({ logGroupName: "/app/kept" }));
  await logs.send(new PutRetentionPolicyCommand({ logGroupName: "/app/kept", retentionInDays: 30 }));
}
