import type { Pluggable } from "@smithy/types";
import { describe, expect, it } from "vitest";
import { Aws } from "../../lib/aws/index.js";
import {
  CHECKS,
  findingMetrics,
  groupFindings,
  lambdaAccountArn,
  parseSeverity,
  publishFindingMetrics,
  renderSummaryMarkdown,
  runChecks,
  summarizeFindings,
  unknownAcceptTags,
  type Finding,
} from "../../lib/findings/index.js";
import type { Inventory } from "../../lib/inventory/types.js";
import {
  ACCOUNT,
  REGION,
  functionArn,
  httpApi,
  inventoryOf,
  kinesisStream,
  lambdaFunction,
  logGroup,
  mapping,
  queue,
  queueArn,
  relation,
  restApi,
  rule,
  safeStreamMapping,
  streamArn,
  subscription,
  tagged,
  topic,
  topicArn,
} from "./fixtures.js";

/** The findings one check reports, as (resource name, message) for compact assertions. */
function run(checkId: string, inventory: Inventory): Finding[] {
  return runChecks(inventory, { checks: [checkId] });
}

function names(findings: readonly Finding[]): string[] {
  return findings.map((f) => f.resourceName);
}

const DLQ_TABLE_ARN = "arn:aws:dynamodb:eu-west-1:111122223333:table/orders/stream/2025-01-01T00:00:00.000";

describe("sqs-visibility-timeout", () => {
  it("passes a queue whose visibility timeout is at least 6× its consumer's timeout", () => {
    const inventory = inventoryOf([
      queue("orders", { visibilityTimeoutSeconds: 60 }),
      lambdaFunction("worker", { timeoutSeconds: 10, eventSources: [mapping(queueArn("orders"))] }),
    ]);
    expect(run("sqs-visibility-timeout", inventory)).toEqual([]);
  });

  it("flags a queue below 6× the function timeout, with the numbers", () => {
    const inventory = inventoryOf([
      queue("orders", { visibilityTimeoutSeconds: 30 }),
      lambdaFunction("worker", { timeoutSeconds: 10, eventSources: [mapping(queueArn("orders"))] }),
    ]);
    const [finding, ...rest] = run("sqs-visibility-timeout", inventory);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      checkId: "sqs-visibility-timeout",
      severity: "high",
      resourceArn: queueArn("orders"),
      resourceName: "orders",
      resourceKind: "sqs-queue",
      status: "open",
      source: "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html",
      fix: "Set orders's VisibilityTimeout to at least 60 s.",
    });
    expect(finding?.message).toBe(
      "visibility timeout 30 s is below 6 × 10 s (consumer worker's timeout) = 60 s: a batch retried after throttling can reappear and be processed twice",
    );
  });

  it("measures against the slowest consumer and is critical below the function timeout itself", () => {
    const inventory = inventoryOf([
      queue("orders", { visibilityTimeoutSeconds: 20 }),
      lambdaFunction("fast", { timeoutSeconds: 5, eventSources: [mapping(queueArn("orders"))] }),
      lambdaFunction("slow", { timeoutSeconds: 30, eventSources: [mapping(queueArn("orders"))] }),
    ]);
    const findings = run("sqs-visibility-timeout", inventory);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe("critical");
    expect(findings[0]?.message).toContain("shorter than consumer slow's own 30 s timeout");
  });

  it("ignores queues no Lambda function consumes", () => {
    expect(
      run("sqs-visibility-timeout", inventoryOf([queue("idle", { visibilityTimeoutSeconds: 0 })])),
    ).toEqual([]);
  });
});

describe("sqs-no-dlq", () => {
  it("passes a queue with a redrive policy, and does not ask DLQs for DLQs of their own", () => {
    const inventory = inventoryOf([
      queue("orders", { redrivePolicy: { deadLetterTargetArn: queueArn("orders-dlq"), maxReceiveCount: 5 } }),
      queue("orders-dlq", { messageRetentionSeconds: 1_209_600 }),
      queue("async-dlq"),
      queue("rule-dlq"),
      queue("sub-dlq"),
      lambdaFunction("handler", { deadLetterTargetArn: queueArn("async-dlq") }),
      rule("nightly", [{ id: "t", arn: functionArn("handler"), deadLetterArn: queueArn("rule-dlq") }]),
      topic("alerts", [
        subscription("alerts", "lambda", functionArn("handler"), { deadLetterArn: queueArn("sub-dlq") }),
      ]),
    ]);
    expect(run("sqs-no-dlq", inventory)).toEqual([]);
  });

  it("flags a queue without a redrive policy, naming its consumer and retention", () => {
    const inventory = inventoryOf([
      queue("orders"),
      lambdaFunction("worker", { eventSources: [mapping(queueArn("orders"))] }),
    ]);
    const findings = run("sqs-no-dlq", inventory);
    expect(names(findings)).toEqual(["orders"]);
    expect(findings[0]).toMatchObject({
      severity: "medium",
      message:
        "no dead-letter queue (redrive policy): a message that always fails keeps consumer worker retrying it until it expires after 4 d",
      fix: "Create a DLQ and set a RedrivePolicy with maxReceiveCount (e.g. 5) on orders.",
    });
  });

  it("says that a FIFO queue's failing message blocks its group", () => {
    const findings = run(
      "sqs-no-dlq",
      inventoryOf([queue("payments.fifo", { messageRetentionSeconds: 86_400 })]),
    );
    expect(findings[0]?.message).toBe(
      "no dead-letter queue (redrive policy): a message that always fails blocks its message group until it expires after 1 d",
    );
    expect(findings[0]?.fix).toContain("Create a DLQ (FIFO)");
  });

  it("says when the queue may be an on-failure destination whose function's async config was not read", () => {
    const inventory = inventoryOf([
      queue("failures"),
      queue("orders"),
      lambdaFunction("worker", { eventSources: [mapping(queueArn("orders"))] }),
      lambdaFunction("resizer", { notRead: ["async-invoke", "reserved-concurrency"] }),
    ]);
    const findings = run("sqs-no-dlq", inventory);
    expect(names(findings)).toEqual(["failures", "orders"]);
    expect(findings[0]?.message).toBe(
      "no dead-letter queue (redrive policy): a message that always fails is received again and again until it expires after 4 d; 1 functions' async invoke configs were not read, so if it is one's on-failure destination, accept this finding",
    );
    // A queue a function consumes is no function's failure destination.
    expect(findings[1]?.message).not.toContain("not read");
  });
});

describe("sqs-dlq-retention", () => {
  const source = (retention: number, name = "orders") =>
    queue(name, {
      messageRetentionSeconds: retention,
      redrivePolicy: { deadLetterTargetArn: queueArn("orders-dlq"), maxReceiveCount: 5 },
    });

  it("passes a DLQ that keeps messages longer than its source", () => {
    const inventory = inventoryOf([
      source(345_600),
      queue("orders-dlq", { messageRetentionSeconds: 1_209_600 }),
    ]);
    expect(run("sqs-dlq-retention", inventory)).toEqual([]);
  });

  it("flags the DLQ when its retention is not longer than its source's", () => {
    const inventory = inventoryOf([
      source(345_600),
      source(86_400, "refunds"),
      queue("orders-dlq", { messageRetentionSeconds: 345_600 }),
    ]);
    const findings = run("sqs-dlq-retention", inventory);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      resourceName: "orders-dlq",
      severity: "medium",
      message:
        "retention 4 d is not longer than source queue orders's 4 d: expiry counts from the original enqueue time, so failed messages are deleted early",
      fix: "Set orders-dlq's MessageRetentionPeriod to 1209600 s (14 d, the maximum).",
    });
  });

  it("asks to shorten the source when both are at the 14-day maximum", () => {
    const inventory = inventoryOf([
      source(1_209_600),
      queue("orders-dlq", { messageRetentionSeconds: 1_209_600 }),
    ]);
    expect(run("sqs-dlq-retention", inventory)[0]?.fix).toBe(
      "Lower orders's MessageRetentionPeriod below 14 d so its DLQ (already at most 14 d) can outlive it.",
    );
  });

  it("does not check FIFO sources, whose enqueue timestamp resets on the move", () => {
    const inventory = inventoryOf([
      queue("pay.fifo", {
        messageRetentionSeconds: 345_600,
        redrivePolicy: { deadLetterTargetArn: queueArn("pay-dlq.fifo"), maxReceiveCount: 3 },
      }),
      queue("pay-dlq.fifo", { messageRetentionSeconds: 60 }),
    ]);
    expect(run("sqs-dlq-retention", inventory)).toEqual([]);
  });
});

describe("stream-unbounded-retries", () => {
  it("passes a mapping with bounded retries and record age", () => {
    const inventory = inventoryOf([
      kinesisStream("clicks"),
      lambdaFunction("ingest", { eventSources: [safeStreamMapping(streamArn("clicks"))] }),
    ]);
    expect(run("stream-unbounded-retries", inventory)).toEqual([]);
  });

  it("flags the defaults (-1, -1): a poison record blocks the shard until it expires", () => {
    const m = mapping(streamArn("clicks"));
    const inventory = inventoryOf([
      kinesisStream("clicks", { retentionHours: 168 }),
      lambdaFunction("ingest", { eventSources: [m] }),
    ]);
    const findings = run("stream-unbounded-retries", inventory);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      resourceName: "ingest",
      resourceKind: "lambda-function",
      severity: "high",
      message: `stream clicks (mapping ${m.uuid}) retries a failing batch forever (MaximumRetryAttempts -1, no MaximumRecordAgeInSeconds): one poison record blocks its shard until the record expires from the stream (7 d)`,
      fix: `Set MaximumRetryAttempts (e.g. 3) and MaximumRecordAgeInSeconds (e.g. 3600) on mapping ${m.uuid}.`,
    });
  });

  it("flags unbounded retries with a maximum age, and a maximum age missing with bounded retries", () => {
    const retries = mapping(DLQ_TABLE_ARN, { maximumRetryAttempts: -1, maximumRecordAgeSeconds: 3_600 });
    const age = mapping(streamArn("clicks"), { maximumRetryAttempts: 2, maximumRecordAgeSeconds: -1 });
    const inventory = inventoryOf([
      kinesisStream("clicks"),
      lambdaFunction("a", { eventSources: [retries] }),
      lambdaFunction("b", { eventSources: [age] }),
    ]);
    const findings = run("stream-unbounded-retries", inventory);
    expect(findings.map((f) => [f.resourceName, f.message])).toEqual([
      [
        "a",
        `DynamoDB table orders's stream (mapping ${retries.uuid}) retries a failing batch without limit (MaximumRetryAttempts -1): one poison record blocks its shard until it is 1 h old`,
      ],
      [
        "b",
        `stream clicks (mapping ${age.uuid}) has no MaximumRecordAgeInSeconds: while b is throttled or cannot be invoked, the shard waits until the record expires from the stream (1 d)`,
      ],
    ]);
  });

  it("never looks at SQS mappings", () => {
    const inventory = inventoryOf([
      queue("q", { visibilityTimeoutSeconds: 600 }),
      lambdaFunction("w", { eventSources: [mapping(queueArn("q"))] }),
    ]);
    expect(runChecks(inventory, { checks: ["stream-unbounded-retries", "stream-no-bisect"] })).toEqual([]);
  });
});

describe("stream-no-failure-destination", () => {
  it("passes a mapping with an on-failure destination", () => {
    const inventory = inventoryOf([
      lambdaFunction("ingest", { eventSources: [safeStreamMapping(streamArn("clicks"))] }),
    ]);
    expect(run("stream-no-failure-destination", inventory)).toEqual([]);
  });

  it("flags a mapping without one", () => {
    const m = safeStreamMapping(streamArn("clicks"), { onFailureDestination: undefined });
    const findings = run(
      "stream-no-failure-destination",
      inventoryOf([kinesisStream("clicks"), lambdaFunction("ingest", { eventSources: [m] })]),
    );
    expect(findings.map((f) => [f.resourceName, f.severity, f.fix])).toEqual([
      [
        "ingest",
        "medium",
        `Add DestinationConfig.OnFailure (an SQS queue or SNS topic) to mapping ${m.uuid}.`,
      ],
    ]);
  });
});

describe("stream-no-bisect", () => {
  it("passes a mapping that bisects failing batches", () => {
    const inventory = inventoryOf([
      lambdaFunction("ingest", { eventSources: [safeStreamMapping(DLQ_TABLE_ARN)] }),
    ]);
    expect(run("stream-no-bisect", inventory)).toEqual([]);
  });

  it("flags a mapping that does not", () => {
    const m = safeStreamMapping(streamArn("clicks"), { bisectBatchOnFunctionError: false, batchSize: 500 });
    const findings = run(
      "stream-no-bisect",
      inventoryOf([kinesisStream("clicks"), lambdaFunction("ingest", { eventSources: [m] })]),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe("low");
    expect(findings[0]?.message).toBe(
      `stream clicks (mapping ${m.uuid}) does not bisect a failing batch: one bad record fails all 500 records of its batch on every retry`,
    );
  });
});

describe("lambda-async-no-failure-handling", () => {
  it("passes async-invoked functions that keep failed events, and functions nobody invokes asynchronously", () => {
    const inventory = inventoryOf([
      lambdaFunction("with-dlq", { deadLetterTargetArn: queueArn("dlq") }),
      lambdaFunction("with-destination", { asyncInvoke: { onFailureDestination: queueArn("failed") } }),
      lambdaFunction("alias-destination", {
        qualifiedAsyncInvoke: [{ qualifier: "live", onFailureDestination: queueArn("failed") }],
      }),
      lambdaFunction("lonely"),
      rule("r1", [
        { id: "a", arn: functionArn("with-dlq") },
        { id: "b", arn: `${functionArn("alias-destination")}:live` },
      ]),
      topic("t", [subscription("t", "lambda", functionArn("with-destination"))]),
    ]);
    expect(run("lambda-async-no-failure-handling", inventory)).toEqual([]);
  });

  it("flags a rule target and an SNS-subscribed function with neither, noting concurrency 0", () => {
    const inventory = inventoryOf([
      lambdaFunction("nightly-job"),
      rule("nightly", [{ id: "job", arn: functionArn("nightly-job"), deadLetterArn: queueArn("rule-dlq") }]),
      topic("alerts", [subscription("alerts", "lambda", functionArn("nightly-job"))]),
    ]);
    const findings = run("lambda-async-no-failure-handling", inventory);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      resourceName: "nightly-job",
      severity: "high",
      message:
        "invoked asynchronously by rule nightly and topic alerts with neither a DLQ nor an on-failure destination: events that fail every retry are dropped, and reserved concurrency 0 would drop new events outright",
      fix: "Add an on-failure destination (e.g. an SQS queue) to nightly-job's asynchronous invocation config, or a dead-letter queue.",
    });
  });

  it("reads the invoked alias's own config: a $LATEST destination does not cover an alias", () => {
    const inventory = inventoryOf([
      lambdaFunction("api", { asyncInvoke: { onFailureDestination: queueArn("failed") } }),
      rule("r", [{ id: "a", arn: `${functionArn("api")}:live` }]),
    ]);
    const findings = run("lambda-async-no-failure-handling", inventory);
    expect(findings[0]?.message).toContain("by rule r (alias/version live)");
    expect(findings[0]?.fix).toContain("(for live)");
  });

  it("says so when discovery could not read the asynchronous invocation config", () => {
    const base = inventoryOf([lambdaFunction("job"), rule("r", [{ id: "a", arn: functionArn("job") }])]);
    const inventory: Inventory = {
      ...base,
      warnings: [
        {
          service: "lambda",
          operation: "ListFunctionEventInvokeConfigs",
          code: "AccessDeniedException",
          message: "not allowed",
          resource: functionArn("job"),
        },
      ],
    };
    expect(run("lambda-async-no-failure-handling", inventory)[0]?.message).toBe(
      "invoked asynchronously by rule r with no DLQ, and its asynchronous invocation config could not be read (ListFunctionEventInvokeConfigs: AccessDeniedException): unless it has an on-failure destination, failed events are dropped and reserved concurrency 0 would drop new ones",
    );
  });
});

describe("log-group-never-expires", () => {
  it("passes a group with retention", () => {
    expect(run("log-group-never-expires", inventoryOf([logGroup("/aws/lambda/a")]))).toEqual([]);
  });

  it("flags a group that never expires, with its size", () => {
    const findings = run(
      "log-group-never-expires",
      inventoryOf([logGroup("/aws/lambda/b", { retentionInDays: undefined, storedBytes: 2 * 1024 ** 3 })]),
    );
    expect(findings).toMatchObject([
      {
        resourceName: "/aws/lambda/b",
        resourceKind: "log-group",
        severity: "low",
        message: "never expires: 2.0 GB stored, kept (and billed) until a retention policy is set",
      },
    ]);
  });
});

describe("api-function-timeout", () => {
  const behind = (api: ReturnType<typeof restApi> | ReturnType<typeof httpApi>, timeoutSeconds: number) =>
    inventoryOf([api, lambdaFunction("handler", { timeoutSeconds })], {
      relations: [relation("api-integration", api.arn, functionArn("handler"))],
    });

  it("passes functions that finish within the integration timeout", () => {
    expect(run("api-function-timeout", behind(restApi("shop"), 29))).toEqual([]);
    expect(run("api-function-timeout", behind(httpApi("shop"), 30))).toEqual([]);
  });

  it("flags a function behind an edge-optimized REST API above 29 s as high", () => {
    const findings = run("api-function-timeout", behind(restApi("shop"), 60));
    expect(findings).toMatchObject([
      {
        resourceName: "handler",
        severity: "high",
        message:
          "timeout 60 s is above the 29 s integration timeout of REST API shop (EDGE): clients get a 504 while the function runs on",
      },
    ]);
  });

  it("flags a Regional REST API as medium, since its timeout can be raised by quota", () => {
    const findings = run(
      "api-function-timeout",
      behind(restApi("shop", { endpointTypes: ["REGIONAL"] }), 60),
    );
    expect(findings[0]?.severity).toBe("medium");
    expect(findings[0]?.message).toContain("(unless its integration timeout was raised by a quota increase)");
  });

  it("flags an HTTP API above its 30 s maximum", () => {
    expect(run("api-function-timeout", behind(httpApi("shop"), 31))[0]?.message).toContain(
      "above the 30 s integration timeout of HTTP API shop",
    );
  });
});

describe("lambda-default-timeout", () => {
  it("passes a consumer with a chosen timeout, and a 3 s function nothing waits on", () => {
    const inventory = inventoryOf([
      lambdaFunction("chosen", { timeoutSeconds: 10, eventSources: [mapping(queueArn("q"))] }),
      lambdaFunction("cron-ish", { timeoutSeconds: 3 }),
    ]);
    expect(run("lambda-default-timeout", inventory)).toEqual([]);
  });

  it("flags a 3 s queue consumer and a 3 s API handler", () => {
    const api = restApi("shop");
    const inventory = inventoryOf(
      [
        queue("q"),
        api,
        lambdaFunction("consumer", { timeoutSeconds: 3, eventSources: [mapping(queueArn("q"))] }),
        lambdaFunction("handler", { timeoutSeconds: 3 }),
      ],
      { relations: [relation("api-integration", api.arn, functionArn("handler"))] },
    );
    expect(
      run("lambda-default-timeout", inventory).map((f) => [f.resourceName, f.severity, f.message]),
    ).toEqual([
      [
        "consumer",
        "low",
        "still has Lambda's default 3 s timeout while it consumes sqs source q in batches of up to 10: one slow downstream call fails the whole batch, which is retried",
      ],
      [
        "handler",
        "low",
        "still has Lambda's default 3 s timeout while it serves API shop: a cold start plus one slow downstream call becomes an error response",
      ],
    ]);
  });
});

describe("eventbridge-target-no-dlq", () => {
  it("passes targets with a dead-letter queue", () => {
    const inventory = inventoryOf([
      rule("r", [{ id: "a", arn: queueArn("q"), deadLetterArn: queueArn("dlq") }]),
    ]);
    expect(run("eventbridge-target-no-dlq", inventory)).toEqual([]);
  });

  it("flags each target without one, with its retry policy", () => {
    const inventory = inventoryOf([
      queue("q"),
      rule("orders-rule", [
        { id: "b", arn: queueArn("q"), maximumRetryAttempts: 3, maximumEventAgeSeconds: 3_600 },
        { id: "a", arn: functionArn("f") },
      ]),
    ]);
    expect(run("eventbridge-target-no-dlq", inventory).map((f) => f.message)).toEqual([
      "target a (f) has no dead-letter queue: an event still failing after 185 retries or 1 d is dropped",
      "target b (q) has no dead-letter queue: an event still failing after 3 retries or 1 h is dropped",
    ]);
  });
});

describe("sns-subscription-no-dlq", () => {
  it("passes subscriptions with a redrive policy, people-facing ones and pending ones", () => {
    const inventory = inventoryOf([
      topic("alerts", [
        subscription("alerts", "sqs", queueArn("q"), { deadLetterArn: queueArn("dlq") }),
        subscription("alerts", "email", "ops@example.com"),
        { arn: "PendingConfirmation", protocol: "https", endpoint: "https://example.com/hook" },
      ]),
    ]);
    expect(run("sns-subscription-no-dlq", inventory)).toEqual([]);
  });

  it("flags an application subscription without one", () => {
    const sub = subscription("alerts", "https", "https://example.com/hook");
    const findings = run("sns-subscription-no-dlq", inventoryOf([topic("alerts", [sub])]));
    expect(findings).toMatchObject([
      {
        resourceArn: topicArn("alerts"),
        resourceKind: "sns-topic",
        severity: "medium",
        message:
          "https subscription to https://example.com/hook has no redrive policy: a message SNS cannot deliver is discarded after its retries",
        fix: `Set a RedrivePolicy (an SQS dead-letter queue) on subscription ${sub.arn.split(":").at(-1)}.`,
      },
    ]);
  });
});

describe("account-unreserved-concurrency", () => {
  const withAccount = (concurrentExecutions: number, unreservedConcurrentExecutions: number) =>
    inventoryOf([], { lambdaAccount: { concurrentExecutions, unreservedConcurrentExecutions } });

  it("passes an account with room left, a small account with nothing reserved, and unknown settings", () => {
    expect(run("account-unreserved-concurrency", withAccount(1000, 900))).toEqual([]);
    expect(run("account-unreserved-concurrency", withAccount(10, 10))).toEqual([]);
    expect(run("account-unreserved-concurrency", inventoryOf([]))).toEqual([]);
  });

  it("flags an account close to the minimum (high) and at it (critical)", () => {
    const [close] = run("account-unreserved-concurrency", withAccount(1000, 150));
    expect(close).toMatchObject({
      severity: "high",
      resourceArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:account-settings`,
      resourceKind: "lambda-account",
      message:
        "850 of 1000 concurrent executions are reserved, leaving 150 unreserved (50 above Lambda's minimum of 100): every function without a reservation shares those, and new reservations can fail",
    });
    expect(run("account-unreserved-concurrency", withAccount(1000, 100))[0]?.severity).toBe("critical");
  });
});

describe("sqs-unencrypted", () => {
  it("passes SSE-SQS and SSE-KMS queues", () => {
    const inventory = inventoryOf([queue("a"), queue("b", { encryption: "kms" })]);
    expect(run("sqs-unencrypted", inventory)).toEqual([]);
  });

  it("flags a queue with encryption off", () => {
    const findings = run("sqs-unencrypted", inventoryOf([queue("plain", { encryption: "none" })]));
    expect(names(findings)).toEqual(["plain"]);
    expect(findings[0]?.fix).toBe(
      "Turn on SSE-SQS (SqsManagedSseEnabled=true) or SSE-KMS (KmsMasterKeyId) on plain with SetQueueAttributes.",
    );
  });
});

describe("kinesis-unencrypted", () => {
  it("passes a KMS-encrypted stream", () => {
    expect(run("kinesis-unencrypted", inventoryOf([kinesisStream("s")]))).toEqual([]);
  });

  it("flags a stream without encryption", () => {
    const findings = run("kinesis-unencrypted", inventoryOf([kinesisStream("raw", { encryption: "none" })]));
    expect(findings).toMatchObject([
      { resourceName: "raw", severity: "medium", resourceKind: "kinesis-stream" },
    ]);
  });
});

describe("the catalog", () => {
  it("has one unit-tested, tag-safe, documented check per id", () => {
    expect(CHECKS.map((c) => c.id)).toEqual([
      "sqs-visibility-timeout",
      "sqs-no-dlq",
      "sqs-dlq-retention",
      "stream-unbounded-retries",
      "stream-no-failure-destination",
      "stream-no-bisect",
      "lambda-async-no-failure-handling",
      "lambda-default-timeout",
      "log-group-never-expires",
      "api-function-timeout",
      "eventbridge-target-no-dlq",
      "sns-subscription-no-dlq",
      "account-unreserved-concurrency",
      "sqs-unencrypted",
      "kinesis-unencrypted",
    ]);
    for (const check of CHECKS) {
      expect(check.id).toMatch(/^[a-z0-9-]+$/);
      expect(check.source).toMatch(/^https:\/\/(docs\.)?aws\.amazon\.com\//);
      expect(check.description.length).toBeGreaterThan(40);
    }
  });

  it("rejects an unknown check id, naming the known ones", () => {
    expect(() => runChecks(inventoryOf([]), { checks: ["sqs-no-dql"] })).toThrow(
      /unknown check "sqs-no-dql"; known checks: sqs-visibility-timeout, /,
    );
  });

  it("parses severities and rejects others with the valid list", () => {
    expect(parseSeverity(" High ")).toBe("high");
    expect(() => parseSeverity("urgent")).toThrow(
      'severity "urgent" is not valid; use one of critical, high, medium, low',
    );
  });
});

/** A small account with several mistakes, reused by the acceptance, ordering and summary tests. */
function sampleAccount(): Inventory {
  return inventoryOf(
    [
      queue("orders", { visibilityTimeoutSeconds: 5 }),
      queue("audit", { encryption: "none" }),
      lambdaFunction("worker", { timeoutSeconds: 10, eventSources: [mapping(queueArn("orders"))] }),
      logGroup("/aws/lambda/worker", { retentionInDays: undefined }),
    ],
    { lambdaAccount: { concurrentExecutions: 1000, unreservedConcurrentExecutions: 120 } },
  );
}

describe("acceptance and opt-out", () => {
  it("reports a finding accepted by tag as accepted, with the reason, and keeps the others open", () => {
    const base = sampleAccount();
    const inventory = {
      ...base,
      resources: base.resources.map((r) =>
        r.name === "orders"
          ? tagged(r, { "watchkeeper:accept:sqs-no-dlq": "orders are replayed from S3" })
          : r,
      ),
    };
    const findings = runChecks(inventory).filter((f) => f.resourceName === "orders");
    expect(findings.map((f) => [f.checkId, f.status, f.acceptReason])).toEqual([
      ["sqs-visibility-timeout", "open", undefined],
      ["sqs-no-dlq", "accepted", "orders are replayed from S3"],
    ]);
    expect(summarizeFindings(findings).open).toEqual({ critical: 1, high: 0, medium: 0, low: 0 });
  });

  it("accepts with an empty tag value, saying no reason was given", () => {
    const inventory = inventoryOf([
      tagged(queue("audit", { encryption: "none" }), { "watchkeeper:accept:sqs-unencrypted": "" }),
    ]);
    expect(run("sqs-unencrypted", inventory)[0]).toMatchObject({
      status: "accepted",
      acceptReason: "no reason given",
    });
  });

  it("accepts account findings through config", () => {
    const findings = runChecks(sampleAccount(), {
      checks: ["account-unreserved-concurrency"],
      accepted: [
        {
          checkId: "account-unreserved-concurrency",
          resourceArn: lambdaAccountArn({ accountId: ACCOUNT, region: REGION }),
          reason: "quota increase requested",
        },
      ],
    });
    expect(findings.map((f) => [f.status, f.acceptReason])).toEqual([
      ["accepted", "quota increase requested"],
    ]);
  });

  it("reports nothing about a resource tagged watchkeeper:ignore=true", () => {
    const base = sampleAccount();
    const inventory = {
      ...base,
      resources: base.resources.map((r) =>
        r.name === "orders" ? tagged(r, { "watchkeeper:ignore": "true" }) : r,
      ),
    };
    const findings = runChecks(inventory);
    expect(findings.some((f) => f.resourceName === "orders")).toBe(false);
    expect(findings.some((f) => f.resourceName === "audit")).toBe(true);
  });

  it("lists accept tags that name no check", () => {
    const inventory = inventoryOf([tagged(queue("q"), { "watchkeeper:accept:sqs-no-dql": "typo" })]);
    expect(unknownAcceptTags(inventory)).toEqual([
      { resourceArn: queueArn("q"), tag: "watchkeeper:accept:sqs-no-dql" },
    ]);
  });

  it("filters by minimum severity", () => {
    const findings = runChecks(sampleAccount(), { minSeverity: "high" });
    expect(findings.map((f) => [f.severity, f.checkId])).toEqual([
      ["critical", "sqs-visibility-timeout"],
      ["high", "account-unreserved-concurrency"],
    ]);
  });
});

describe("order, grouping and summary", () => {
  it("gives the same findings in the same order whatever order the inventory lists resources in", () => {
    const inventory = sampleAccount();
    const reversed = {
      ...inventory,
      resources: [...inventory.resources].reverse(),
      relations: [...inventory.relations].reverse(),
    };
    expect(runChecks(reversed)).toEqual(runChecks(inventory));
  });

  it("groups by resource, most severe first, accepted-only groups last", () => {
    const base = sampleAccount();
    const inventory = {
      ...base,
      resources: base.resources.map((r) =>
        r.name === "/aws/lambda/worker"
          ? tagged(r, { "watchkeeper:accept:log-group-never-expires": "audit" })
          : r,
      ),
    };
    const groups = groupFindings(runChecks(inventory));
    expect(groups.map((g) => [g.resourceName, g.severity, g.open, g.accepted])).toEqual([
      ["orders", "critical", 2, 0],
      [`Lambda concurrency (${ACCOUNT}, ${REGION})`, "high", 1, 0],
      ["audit", "medium", 2, 0],
      ["/aws/lambda/worker", undefined, 0, 1],
    ]);
    expect(groups[0]?.findings.map((f) => f.checkId)).toEqual(["sqs-visibility-timeout", "sqs-no-dlq"]);
  });

  it("summarizes counts by severity and the top findings, and renders them as Markdown", () => {
    const summary = summarizeFindings(runChecks(sampleAccount()), { top: 2 });
    expect(summary.open).toEqual({ critical: 1, high: 1, medium: 3, low: 1 });
    expect(summary.openTotal).toBe(6);
    expect(summary.accepted).toBe(0);
    expect(summary.top.map((f) => f.checkId)).toEqual([
      "sqs-visibility-timeout",
      "account-unreserved-concurrency",
    ]);
    expect(renderSummaryMarkdown(summary)).toBe(
      [
        "## Findings",
        "",
        "**6 open**: 1 critical · 1 high · 3 medium · 1 low",
        "",
        "| Severity | Resource | Finding | Fix |",
        "|---|---|---|---|",
        "| critical | orders | sqs-visibility-timeout: visibility timeout 5 s is shorter than consumer worker's own 10 s timeout: messages reappear mid-invocation and are processed twice | Set orders's VisibilityTimeout to at least 60 s. |",
        `| high | Lambda concurrency (${ACCOUNT}, ${REGION}) | account-unreserved-concurrency: 880 of 1000 concurrent executions are reserved, leaving 120 unreserved (20 above Lambda's minimum of 100): every function without a reservation shares those, and new reservations can fail | Lower reserved concurrency on functions that do not need it, or request a higher concurrency quota. |`,
        "",
        "4 more open. Run `watchkeeper findings` for every finding and its fix.",
      ].join("\n"),
    );
  });

  it("renders an empty summary and escapes table cells", () => {
    expect(renderSummaryMarkdown(summarizeFindings([]))).toBe(
      "## Findings\n\n**0 open**: 0 critical · 0 high · 0 medium · 0 low\n\nNo open findings.",
    );
    const [finding] = runChecks(inventoryOf([queue("a|b", { encryption: "none" })]), {
      checks: ["sqs-unencrypted"],
    });
    const markdown = renderSummaryMarkdown(summarizeFindings(finding ? [finding] : []), {
      title: "Open findings",
    });
    expect(markdown).toContain("## Open findings");
    expect(markdown).toContain("| medium | a\\|b | sqs-unencrypted:");
  });
});

describe("metrics", () => {
  it("counts open findings by severity, zeros included, as OpenFindings in Watchkeeper", () => {
    const findings = runChecks(sampleAccount());
    const at = new Date("2025-01-01T00:00:00Z");
    expect(findingMetrics(findings, { timestamp: at })).toEqual(
      [
        ["critical", 1],
        ["high", 1],
        ["medium", 3],
        ["low", 1],
      ].map(([severity, value]) => ({
        MetricName: "OpenFindings",
        Dimensions: [{ Name: "Severity", Value: severity }],
        Unit: "Count",
        Value: value,
        Timestamp: at,
      })),
    );
    expect(findingMetrics([]).map((d) => d.Value)).toEqual([0, 0, 0, 0]);
  });

  it("publishes them in one PutMetricData call through lib/aws", async () => {
    const sent: { command: string; input: unknown }[] = [];
    // Answers every call in place, so the test needs no endpoint: it records what the client sends.
    const plugin = (): Pluggable<object, object> => ({
      applyToStack(stack) {
        stack.add(
          (_next, context) => async (args) => {
            sent.push({ command: String(context.commandName), input: args.input });
            return { output: { $metadata: {} }, response: {} };
          },
          { step: "initialize", name: "recordCalls", priority: "low" },
        );
      },
    });
    const aws = new Aws({ region: REGION, plugin, credentials: { accessKeyId: "x", secretAccessKey: "y" } });
    const findings = runChecks(sampleAccount());
    const data = await publishFindingMetrics(aws, findings);
    aws.destroy();
    expect(sent).toEqual([
      {
        command: "PutMetricDataCommand",
        input: { Namespace: "Watchkeeper", MetricData: findingMetrics(findings) },
      },
    ]);
    expect(data).toEqual(findingMetrics(findings));
  });
});
