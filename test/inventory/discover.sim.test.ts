/**
 * Discovery through lib/sim: the same SDK clients, answered by an in-memory account on a virtual clock.
 * Covers what moto cannot (see discover.moto.test.ts): Lambda DeadLetterConfig, advanced logging,
 * async invoke config, GetAccountSettings, reserved concurrency 0, EXPRESS state machines, Kinesis and
 * rule tags through the Tagging API; and shows discovery stays below every quota the sim enforces.
 */
import { describe, expect, it } from "vitest";
import { Aws } from "../../lib/aws/index.js";
import {
  discoverInventory,
  indexInventory,
  type Resource,
  type ResourceOfKind,
} from "../../lib/inventory/index.js";
import { SimAccount, generateAccount, sampleAccount, simPlugin } from "../../lib/sim/index.js";

function simAws(account: SimAccount): Aws {
  return new Aws({ region: account.region, plugin: simPlugin(account), clock: account.clock });
}

const ACCOUNT = "123456789012";
const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${ACCOUNT}:${resource}`;
const fnArn = (name: string) => arn("lambda", `function:${name}`);
const queueArn = (name: string) => arn("sqs", name);

function find<K extends Resource["kind"]>(
  resources: readonly Resource[],
  kind: K,
  name: string,
): ResourceOfKind<K> {
  const found = resources.find((r): r is ResourceOfKind<K> => r.kind === kind && r.name === name);
  if (!found) throw new Error(`${kind} ${name} not discovered`);
  return found;
}

describe("discoverInventory of the sample account", async () => {
  const account = sampleAccount();
  const startedAt = account.clock.now();
  const inventory = await discoverInventory(simAws(account));
  const index = indexInventory(inventory);

  it("reads every kind without a warning, stamped with the virtual clock", () => {
    expect(inventory.warnings).toEqual([]);
    expect(inventory.discoveredAt).toBe(new Date(startedAt).toISOString());
    const counts: Record<string, number> = {};
    for (const r of inventory.resources) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
    expect(counts).toEqual({
      "lambda-function": 14,
      "sqs-queue": 11,
      "kinesis-stream": 1,
      "dynamodb-table": 1,
      "rest-api": 1,
      "http-api": 1,
      "state-machine": 1,
      "eventbridge-rule": 2,
      "sns-topic": 1,
      "log-group": 17,
    });
  });

  it("reads the account's Lambda concurrency", () => {
    expect(inventory.lambdaAccount).toEqual({
      concurrentExecutions: 1000,
      unreservedConcurrentExecutions: 950,
    });
  });

  it("reads async DLQs, async invoke config and advanced logging", () => {
    expect(find(inventory.resources, "lambda-function", "notifications-sender")).toMatchObject({
      deadLetterTargetArn: queueArn("notifications-dlq"),
      asyncInvoke: { maximumRetryAttempts: 2 },
      reservedConcurrency: "unset",
    });
    expect(find(inventory.resources, "lambda-function", "report-generator").asyncInvoke).toEqual({
      maximumRetryAttempts: 1,
      maximumEventAgeSeconds: 3600,
      onFailureDestination: queueArn("report-failures"),
    });
    expect(find(inventory.resources, "lambda-function", "audit-logger")).toMatchObject({
      logGroupName: "/app/audit",
      logFormat: "JSON",
    });
    expect(find(inventory.resources, "lambda-function", "image-resizer").reservedConcurrency).toBe(50);
  });

  it("reads a stream consumer that retries forever", () => {
    expect(find(inventory.resources, "lambda-function", "clickstream-processor").eventSources).toEqual([
      {
        uuid: expect.any(String),
        sourceArn: arn("kinesis", "stream/clickstream"),
        sourceKind: "kinesis",
        state: "Enabled",
        batchSize: 500,
        maximumRetryAttempts: -1,
        maximumRecordAgeSeconds: -1,
        bisectBatchOnFunctionError: false,
      },
    ]);
  });

  it("joins tags from the Tagging API to kinds whose own APIs do not return them", () => {
    expect(find(inventory.resources, "kinesis-stream", "clickstream").tags).toEqual({
      app: "clickstream",
      team: "analytics",
    });
    expect(find(inventory.resources, "eventbridge-rule", "order-placed").tags).toEqual({
      app: "orders",
      team: "orders",
    });
    expect(find(inventory.resources, "log-group", "/legacy/batch-import").tags).toEqual({
      "watchkeeper:ignore": "true",
      team: "data",
    });
  });

  it("derives the relations Watchkeeper acts on", () => {
    const has = (type: string, from: string, to: string) =>
      expect(inventory.relations).toContainEqual({ type, from, to });
    has("async-dlq", fnArn("notifications-sender"), queueArn("notifications-dlq"));
    has("on-failure-destination", fnArn("report-generator"), queueArn("report-failures"));
    has("on-failure-destination", fnArn("orders-stream-processor"), queueArn("orders-stream-failures"));
    has("event-source", fnArn("orders-stream-processor"), arn("dynamodb", "table/orders"));
    has("log-group", fnArn("audit-logger"), arn("logs", "log-group:/app/audit"));
    has("dead-letter-queue", queueArn("payments"), queueArn("payments-dlq"));
    has("target-dlq", arn("events", "rule/order-placed"), queueArn("order-events-dlq"));
    has("subscription-dlq", arn("sns", "alerts"), queueArn("alerts-archive-dlq"));
  });

  it("knows every DLQ and where its messages come from", () => {
    expect([...index.dlqArns].sort()).toEqual(
      [
        "alerts-archive-dlq",
        "clickstream-failures",
        "ledger-dlq.fifo",
        "notifications-dlq",
        "order-events-dlq",
        "orders-stream-failures",
        "payments-dlq",
        "report-failures",
      ].map(queueArn),
    );
    expect(index.sourcesOfDlq(queueArn("payments-dlq"))).toEqual([
      { type: "dead-letter-queue", from: queueArn("payments"), to: queueArn("payments-dlq") },
    ]);
    expect(index.consumersOf(queueArn("payments")).map((f) => f.name)).toEqual(["payments-consumer"]);
  });

  it("gives the same snapshot for the same account", async () => {
    const again = await discoverInventory(simAws(account), { now: () => new Date(startedAt) });
    expect(again).toEqual(inventory);
  });
});

describe("discoverInventory of hand-made sim accounts", () => {
  it("reads facts moto does not serve: EXPRESS, on-demand KMS streams, concurrency 0, log group class", async () => {
    const account = new SimAccount({ seed: "discover-facts" });
    account.addStateMachine({ name: "fast", type: "EXPRESS" });
    account.addStream({ name: "firehose", mode: "ON_DEMAND", encryption: "KMS" });
    account.addFunction({ name: "halted", reservedConcurrency: 0 });
    account.addLogGroup({ name: "/archive", logGroupClass: "INFREQUENT_ACCESS", kmsKeyId: "arn:aws:kms:k" });
    account.addHttpApi({ name: "chat", protocolType: "WEBSOCKET" });
    account.addTopic({ name: "ledger.fifo" });
    const inventory = await discoverInventory(simAws(account));

    expect(find(inventory.resources, "state-machine", "fast").type).toBe("EXPRESS");
    expect(find(inventory.resources, "kinesis-stream", "firehose")).toMatchObject({
      mode: "ON_DEMAND",
      encryption: "kms",
    });
    expect(find(inventory.resources, "lambda-function", "halted").reservedConcurrency).toBe(0);
    expect(find(inventory.resources, "log-group", "/archive")).toMatchObject({
      logGroupClass: "INFREQUENT_ACCESS",
      kmsKeyId: "arn:aws:kms:k",
    });
    expect(find(inventory.resources, "sns-topic", "ledger.fifo").fifo).toBe(true);
    expect(inventory.resources.filter((r) => r.kind === "http-api")).toEqual([]);
  });

  it("reads a large account below every quota, on virtual time only", async () => {
    const account = generateAccount({ resources: 2000, seed: 7 });
    const virtualStart = account.clock.now();
    const inventory = await discoverInventory(simAws(account));

    expect(inventory.warnings).toEqual([]);
    expect(inventory.resources.length).toBeGreaterThanOrEqual(2000);
    const throttled = account.stats().filter((s) => s.throttled > 0);
    expect(throttled).toEqual([]);
    // About 560 GetFunction calls at 80 per second alone take seconds of virtual time.
    expect(account.clock.now() - virtualStart).toBeGreaterThan(5_000);
    const functions = inventory.resources.filter((r) => r.kind === "lambda-function");
    expect(account.stats().find((s) => s.api === "GetFunction")?.calls).toBe(functions.length);
  });
});
