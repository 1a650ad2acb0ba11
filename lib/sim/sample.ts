/**
 * The demo account: a handful of ordinary serverless apps with the shapes Watchkeeper cares about —
 * queues with and without DLQs, stream consumers that retry forever, async functions with and without a
 * place for failed events, reserved concurrency, advanced logging, log groups with every kind of
 * retention, and alarms Watchkeeper does not own.
 */
import { SimAccount, type SimAccountOptions } from "./account.js";

export function sampleAccount(options: SimAccountOptions = {}): SimAccount {
  return addSampleApps(new SimAccount({ seed: "watchkeeper-sample", ...options }));
}

/** Puts the sample's apps into `sim` (an organization's member, say) and returns it. */
export function addSampleApps(sim: SimAccount): SimAccount {
  const q = (name: string) => sim.arns.of("sqs", name);
  const fn = (name: string) => sim.arns.of("lambda", `function:${name}`);

  // Orders: a REST API with three handlers and a table whose stream feeds a fourth function.
  const orders = { team: "orders", app: "orders" };
  sim.addRestApi({
    name: "orders-api",
    description: "Public orders API",
    stages: ["prod", "staging"],
    tags: orders,
  });
  for (const name of ["orders-create", "orders-get", "orders-list"]) {
    sim.addFunction({ name, runtime: "nodejs20.x", memorySize: 512, timeout: 10, tags: orders });
  }
  const ordersTable = sim.addTable({
    name: "orders",
    partitionKey: "orderId",
    stream: "NEW_AND_OLD_IMAGES",
    itemCount: 120_000,
    sizeBytes: 48_000_000,
    tags: orders,
  });
  sim.addQueue({ name: "orders-stream-failures", tags: orders });
  sim.addFunction({ name: "orders-stream-processor", memorySize: 256, timeout: 60, tags: orders });
  sim.addEventSourceMapping({
    functionName: "orders-stream-processor",
    eventSourceArn: ordersTable.stream!.arn,
    startingPosition: "TRIM_HORIZON",
    maximumRetryAttempts: 3,
    bisectBatchOnFunctionError: true,
    onFailureDestination: q("orders-stream-failures"),
  });

  // Payments: an SQS consumer with a DLQ that already holds a few failed messages.
  const payments = { team: "payments", app: "payments" };
  sim.addQueue({ name: "payments-dlq", messageRetentionPeriod: 1_209_600, tags: payments });
  sim.addQueue({
    name: "payments",
    visibilityTimeout: 60,
    deadLetterQueue: "payments-dlq",
    maxReceiveCount: 5,
    tags: payments,
  });
  sim.addFunction({
    name: "payments-consumer",
    timeout: 30,
    memorySize: 512,
    tags: { ...payments, "watchkeeper:breaker": "on" },
  });
  sim.addEventSourceMapping({
    functionName: "payments-consumer",
    eventSourceArn: q("payments"),
    batchSize: 10,
    reportBatchItemFailures: true,
  });
  for (const id of [1041, 1042, 1057]) {
    sim.addMessage("payments-dlq", {
      body: JSON.stringify({ paymentId: id, amount: 42.5 }),
      fromQueue: "payments",
      receiveCount: 5,
    });
  }

  // Ledger: FIFO queue with a FIFO DLQ.
  sim.addQueue({ name: "ledger-dlq.fifo", tags: payments });
  sim.addQueue({
    name: "ledger.fifo",
    deadLetterQueue: "ledger-dlq.fifo",
    maxReceiveCount: 3,
    contentBasedDeduplication: true,
    tags: payments,
  });
  sim.addFunction({ name: "ledger-writer", tags: payments });
  sim.addEventSourceMapping({
    functionName: "ledger-writer",
    eventSourceArn: q("ledger.fifo"),
    batchSize: 1,
  });
  sim.addMessage("ledger-dlq.fifo", {
    body: '{"entry":"A-17"}',
    groupId: "account-17",
    fromQueue: "ledger.fifo",
    receiveCount: 3,
  });
  sim.addMessage("ledger-dlq.fifo", {
    body: '{"entry":"A-18"}',
    groupId: "account-17",
    fromQueue: "ledger.fifo",
    receiveCount: 3,
  });

  // Clickstream: Kinesis with one consumer that retries forever and has nowhere to put failures.
  const analytics = { team: "analytics", app: "clickstream" };
  const clickstream = sim.addStream({
    name: "clickstream",
    shardCount: 4,
    retentionHours: 48,
    consumers: ["clickstream-analytics"],
    tags: analytics,
  });
  sim.addFunction({ name: "clickstream-processor", memorySize: 1024, timeout: 120, tags: analytics });
  sim.addEventSourceMapping({
    functionName: "clickstream-processor",
    eventSourceArn: clickstream.arn,
    batchSize: 500,
    startingPosition: "LATEST",
    maximumRetryAttempts: -1,
    maximumRecordAgeInSeconds: -1,
  });
  sim.addQueue({ name: "clickstream-failures", tags: analytics });
  sim.addFunction({ name: "clickstream-archiver", timeout: 60, tags: analytics });
  sim.addEventSourceMapping({
    functionName: "clickstream-archiver",
    eventSourceArn: clickstream.arn,
    startingPosition: "TRIM_HORIZON",
    maximumRetryAttempts: 2,
    maximumRecordAgeInSeconds: 3600,
    onFailureDestination: q("clickstream-failures"),
  });

  // Async functions: one with a DLQ, one with an on-failure destination.
  const platform = { team: "platform" };
  sim.addQueue({ name: "notifications-dlq", tags: platform });
  sim.addFunction({
    name: "notifications-sender",
    deadLetterTargetArn: q("notifications-dlq"),
    eventInvokeConfig: { maximumRetryAttempts: 2 },
    tags: platform,
  });
  sim.addQueue({ name: "report-failures", tags: platform });
  sim.addFunction({
    name: "report-generator",
    memorySize: 2048,
    timeout: 900,
    eventInvokeConfig: {
      maximumRetryAttempts: 1,
      maximumEventAgeInSeconds: 3600,
      onFailure: q("report-failures"),
    },
    tags: platform,
  });

  // Reserved concurrency and advanced logging.
  sim.addFunction({
    name: "image-resizer",
    memorySize: 1536,
    timeout: 30,
    reservedConcurrency: 50,
    tags: { team: "media" },
  });
  sim.addFunction({
    name: "audit-logger",
    logGroup: "/app/audit",
    logFormat: "JSON",
    tags: { team: "security" },
  });

  // Step Functions.
  sim.addStateMachine({ name: "order-fulfillment", logLevel: "ERROR", tags: orders });

  // EventBridge: a scheduled job, and an event rule with one target that has a DLQ and one that has none.
  sim.addFunction({ name: "cleanup-job", timeout: 300, tags: platform });
  sim.addRule({
    name: "nightly-cleanup",
    scheduleExpression: "cron(0 3 * * ? *)",
    targets: [{ arn: fn("cleanup-job") }],
    tags: platform,
  });
  sim.addQueue({ name: "order-events-dlq", tags: orders });
  sim.addRule({
    name: "order-placed",
    eventPattern: JSON.stringify({ source: ["orders"], "detail-type": ["OrderPlaced"] }),
    targets: [
      {
        id: "notify",
        arn: fn("notifications-sender"),
        deadLetterArn: q("order-events-dlq"),
        maximumRetryAttempts: 4,
      },
      { id: "audit", arn: fn("audit-logger") },
    ],
    tags: orders,
  });

  // SNS: an alerts topic with an email, a function and a queue subscription (the queue one has a DLQ).
  sim.addQueue({ name: "alerts-archive", tags: platform });
  sim.addQueue({ name: "alerts-archive-dlq", tags: platform });
  sim.addTopic({ name: "alerts", displayName: "Operational alerts", tags: platform });
  sim.addSubscription({ topic: "alerts", protocol: "email", endpoint: "oncall@example.com" });
  sim.addSubscription({ topic: "alerts", protocol: "lambda", endpoint: fn("notifications-sender") });
  sim.addSubscription({
    topic: "alerts",
    protocol: "sqs",
    endpoint: q("alerts-archive"),
    deadLetterArn: q("alerts-archive-dlq"),
    rawMessageDelivery: true,
  });

  // HTTP API, and a WebSocket API pushing order updates to the portal.
  sim.addHttpApi({ name: "customer-portal", tags: { team: "web" } });
  sim.addHttpApi({ name: "order-updates", protocolType: "WEBSOCKET", tags: { team: "web" } });
  sim.addFunction({ name: "portal-backend", memorySize: 256, tags: { team: "web" } });

  // Log groups: most functions have one; retention ranges from unset (never expire) to ten years.
  const retention: Record<string, number | undefined> = {
    "orders-create": 30,
    "orders-get": 30,
    "orders-list": undefined,
    "orders-stream-processor": 14,
    "payments-consumer": 3653,
    "ledger-writer": 90,
    "clickstream-processor": undefined,
    "clickstream-archiver": 7,
    "notifications-sender": undefined,
    "report-generator": 30,
    "image-resizer": undefined,
    "cleanup-job": 14,
    "portal-backend": undefined,
  };
  for (const [name, days] of Object.entries(retention)) {
    sim.addLogGroup({
      name: `/aws/lambda/${name}`,
      storedBytes: 5_000_000 + name.length * 1_000_003,
      ...(days ? { retentionInDays: days } : {}),
    });
  }
  sim.addLogGroup({
    name: "/app/audit",
    retentionInDays: 400,
    storedBytes: 90_000_000,
    tags: { team: "security" },
  });
  sim.addLogGroup({ name: "/aws/vendedlogs/states/order-fulfillment", storedBytes: 1_200_000 });
  sim.addLogGroup({ name: "/aws/apigateway/orders-api/access", storedBytes: 22_000_000 });
  sim.addLogGroup({
    name: "/legacy/batch-import",
    storedBytes: 750_000_000,
    tags: { "watchkeeper:ignore": "true", team: "data" },
  });

  // Alarms that exist before Watchkeeper: one borrows its prefix but is not tagged as managed.
  const alerts = sim.topicArn("alerts");
  sim.addAlarm({
    AlarmName: "watchkeeper-legacy-orders-errors",
    AlarmDescription: "Hand-made before Watchkeeper was installed",
    Namespace: "AWS/Lambda",
    MetricName: "Errors",
    Dimensions: [{ Name: "FunctionName", Value: "orders-create" }],
    Statistic: "Sum",
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: 5,
    ComparisonOperator: "GreaterThanOrEqualToThreshold",
    AlarmActions: [alerts],
  });
  sim.addAlarm({
    AlarmName: "orders-api-5xx",
    Namespace: "AWS/ApiGateway",
    MetricName: "5XXError",
    Dimensions: [{ Name: "ApiName", Value: "orders-api" }],
    Statistic: "Sum",
    Period: 60,
    EvaluationPeriods: 5,
    DatapointsToAlarm: 3,
    Threshold: 10,
    ComparisonOperator: "GreaterThanThreshold",
    TreatMissingData: "notBreaching",
    AlarmActions: [alerts],
    Tags: [{ Key: "team", Value: "orders" }],
    state: "OK",
  });

  // An hour of Lambda metrics, so queries for top offenders have an answer; and the stream metrics Kinesis
  // publishes while the clickstream's two Lambda readers poll it (a polled stream without them is unread).
  const now = sim.clock.now();
  const errorsPerMinute: Record<string, number> = {
    "payments-consumer": 4,
    "clickstream-processor": 9,
    "orders-create": 1,
  };
  for (let minute = 60; minute >= 1; minute--) {
    const timestamp = now - minute * 60_000;
    for (const name of ["orders-create", "orders-get", "payments-consumer", "clickstream-processor"]) {
      const dimensions = { FunctionName: name };
      sim.emitMetric({
        namespace: "AWS/Lambda",
        metricName: "Invocations",
        dimensions,
        values: [100 + (minute % 7) * 10],
        timestamp,
        unit: "Count",
      });
      sim.emitMetric({
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions,
        values: [errorsPerMinute[name] ?? 0],
        timestamp,
        unit: "Count",
      });
    }
    sim.emitMetric({
      namespace: "AWS/Kinesis",
      metricName: "GetRecords.IteratorAgeMilliseconds",
      dimensions: { StreamName: "clickstream" },
      values: [400 + (minute % 5) * 100],
      timestamp,
      unit: "Milliseconds",
    });
  }
  return sim;
}
