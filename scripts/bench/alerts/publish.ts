/**
 * What AWS publishes to CloudWatch for a minute of activity: which metrics, with which dimension sets, and
 * in which minutes at all. This is where the traces must not be kinder than AWS — a metric that AWS stops
 * sending (a stopped stream consumer's IteratorAge, an idle queue's depth) is not sent here either, so an
 * alarm that treats missing data as "not breaching" stays quiet exactly as it would in an account.
 *
 * Each rule cites the service's metric documentation. Where AWS does not say whether a zero is sent, the
 * choice is noted; for the catalog's alarms (missing data not breaching, thresholds above zero) a zero and
 * a missing value read alike.
 */
import type { StandardUnit } from "@aws-sdk/client-cloudwatch";
import type {
  ApiActivity,
  FunctionActivity,
  MinuteActivity,
  QueueActivity,
  RuleActivity,
  StateMachineActivity,
  StreamActivity,
  TableActivity,
  TopicActivity,
  WebSocketActivity,
} from "./traffic.js";

export interface MetricDatum {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** One value per sample; the statistics run over them. */
  readonly values: readonly number[];
  readonly unit: StandardUnit;
}

export const SOURCES = {
  lambda: "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html",
  sqs: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html",
  sqsActive:
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-monitoring-using-cloudwatch.html",
  kinesis: "https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html",
  dynamodb: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html",
  restApi:
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html",
  httpApi: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html",
  webSocketApi:
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-logging.html",
  recommendedAlarms:
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Best_Practice_Recommended_Alarms_AWS_Services.html",
  stepFunctions: "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html",
  eventBridge: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html",
  sns: "https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html",
} as const;

/** SQS: "CloudWatch considers a queue to be active for up to six hours if it contains any messages, or if any action accesses it." */
const SQS_ACTIVE_MS = 6 * 3_600_000;

type Dimensions = Readonly<Record<string, string>>;

const datum = (
  namespace: string,
  metricName: string,
  dimensions: Dimensions,
  values: readonly number[],
  unit: StandardUnit,
): MetricDatum => ({ namespace, metricName, dimensions, values, unit });

/** `ones` samples of 1 and the rest 0: a per-request metric whose Average is a rate. */
const perRequest = (total: number, ones: number): number[] =>
  // fill, not a callback per sample: the history (scripts/bench/history) publishes weeks of them.
  new Array<number>(total).fill(0).fill(1, 0, ones);

/**
 * Lambda ({@link SOURCES.lambda}): invocation metrics are per invocation, so a minute without invocations
 * has no Invocations, Errors or Duration ("Invocations aren't recorded if the invocation request is
 * throttled"); Throttles in minutes with requests. Each is published per FunctionName and, without
 * dimensions, summed over every function of the account and region (the console's "Across All
 * Functions") — an ignored function counts in it too. Duration: one sample per invocation (see
 * DURATION_SAMPLES). IteratorAge: "for event source mappings that read from streams, the age of the last
 * record in the event", so only when a batch is sent to the function. ConcurrentExecutions per function only
 * for functions with reserved concurrency; ClaimedAccountConcurrency for the account every minute.
 */
function lambda(functions: readonly FunctionActivity[], claimed: number): MetricDatum[] {
  const NS = "AWS/Lambda";
  const out: MetricDatum[] = [];
  const total = { invocations: 0, errors: 0, throttles: 0, requested: false, invoked: false };
  for (const f of functions) {
    if (f.invocations + f.throttles === 0) continue;
    const dims = { FunctionName: f.name };
    total.requested = true;
    total.throttles += f.throttles;
    out.push(datum(NS, "Throttles", dims, [f.throttles], "Count"));
    if (f.invocations > 0) {
      total.invoked = true;
      total.invocations += f.invocations;
      total.errors += f.errors;
      out.push(
        datum(NS, "Invocations", dims, [f.invocations], "Count"),
        datum(NS, "Errors", dims, [f.errors], "Count"),
        datum(NS, "Duration", dims, f.durationsMs, "Milliseconds"),
      );
    }
    if (f.iteratorAgeMs !== undefined)
      out.push(datum(NS, "IteratorAge", dims, [f.iteratorAgeMs], "Milliseconds"));
    if (f.reservedConcurrency !== undefined)
      out.push(datum(NS, "ConcurrentExecutions", dims, [f.concurrency], "Count"));
  }
  if (total.requested) out.push(datum(NS, "Throttles", {}, [total.throttles], "Count"));
  if (total.invoked)
    out.push(
      datum(NS, "Invocations", {}, [total.invocations], "Count"),
      datum(NS, "Errors", {}, [total.errors], "Count"),
    );
  out.push(datum(NS, "ClaimedAccountConcurrency", {}, [claimed], "Count"));
  return out;
}

/**
 * SQS ({@link SOURCES.sqs}, {@link SOURCES.sqsActive}): every minute while the queue is active — up to six
 * hours after it last held a message or was accessed (an event source mapping polls it all the time; a DLQ
 * nobody reads is inactive until a message is moved in). Depths are published as they are, 0 included.
 * ApproximateAgeOfOldestMessage only while the queue holds a message; a poison message received again and
 * again is left out of it, and a message moved to a DLQ starts its age again there.
 */
class SqsPublisher {
  private readonly activeUntil = new Map<string, number>();

  publish(queues: readonly QueueActivity[], at: number): MetricDatum[] {
    const NS = "AWS/SQS";
    const out: MetricDatum[] = [];
    for (const q of queues) {
      const accessed = q.polled || q.sent > 0 || q.movedIn > 0 || q.visible + q.inFlight > 0;
      if (accessed) this.activeUntil.set(q.name, at + SQS_ACTIVE_MS);
      if (at >= (this.activeUntil.get(q.name) ?? -Infinity)) continue;
      const dims = { QueueName: q.name };
      out.push(
        datum(NS, "ApproximateNumberOfMessagesVisible", dims, [q.visible], "Count"),
        datum(NS, "ApproximateNumberOfMessagesNotVisible", dims, [q.inFlight], "Count"),
        datum(NS, "ApproximateNumberOfMessagesDelayed", dims, [0], "Count"),
        datum(NS, "NumberOfMessagesSent", dims, [q.sent], "Count"),
        datum(NS, "NumberOfMessagesReceived", dims, [q.received], "Count"),
        datum(NS, "NumberOfMessagesDeleted", dims, [q.deleted], "Count"),
      );
      if (q.oldestAgeSeconds !== undefined)
        out.push(datum(NS, "ApproximateAgeOfOldestMessage", dims, [q.oldestAgeSeconds], "Seconds"));
    }
    return out;
  }
}

/**
 * Kinesis ({@link SOURCES.kinesis}), per StreamName: IncomingRecords and WriteProvisionedThroughputExceeded
 * in minutes with puts; GetRecords.* and ReadProvisionedThroughputExceeded only from GetRecords calls, so
 * they vanish when no consumer calls it (a stopped Lambda event source mapping or KCL application) while
 * records keep arriving. GetRecords.IteratorAgeMilliseconds is "the age of the last record in all
 * GetRecords calls": one sample per consumer, the Maximum the laggiest. The throughput-exceeded metrics are
 * sent as one value a minute, the share of calls throttled (their Average, which is what is read).
 */
function kinesis(streams: readonly StreamActivity[]): MetricDatum[] {
  const NS = "AWS/Kinesis";
  return streams.flatMap((s) => {
    const dims = { StreamName: s.name };
    const out: MetricDatum[] = [];
    if (s.incomingRecords > 0)
      out.push(
        datum(NS, "IncomingRecords", dims, [s.incomingRecords], "Count"),
        datum(NS, "WriteProvisionedThroughputExceeded", dims, [0], "Count"),
      );
    if (s.reads.length > 0)
      out.push(
        datum(
          NS,
          "GetRecords.IteratorAgeMilliseconds",
          dims,
          s.reads.map((r) => r.iteratorAgeMs),
          "Milliseconds",
        ),
        datum(NS, "GetRecords.Success", dims, [s.reads.reduce((n, r) => n + r.calls, 0)], "Count"),
        datum(
          NS,
          "ReadProvisionedThroughputExceeded",
          dims,
          s.reads.map(() => 0),
          "Count",
        ),
      );
    return out;
  });
}

/**
 * DynamoDB ({@link SOURCES.dynamodb}): ReadThrottleEvents and WriteThrottleEvents per TableName (a GSI's
 * with GlobalSecondaryIndexName too, not modeled: no scenario's table has one); SystemErrors only with [TableName, Operation] — there is no
 * SystemErrors series with TableName alone. Sent in minutes with events (the console shows gaps, not
 * zeros, between them; AWS does not document it). Consumed capacity in minutes with requests.
 */
function dynamodb(tables: readonly TableActivity[]): MetricDatum[] {
  const NS = "AWS/DynamoDB";
  return tables.flatMap((t) => {
    const dims = { TableName: t.name };
    const out: MetricDatum[] = [];
    if (t.requests > 0)
      out.push(
        datum(NS, "ConsumedReadCapacityUnits", dims, [Math.ceil(t.requests / 2)], "Count"),
        datum(NS, "ConsumedWriteCapacityUnits", dims, [Math.floor(t.requests / 2)], "Count"),
      );
    if (t.readThrottles > 0) out.push(datum(NS, "ReadThrottleEvents", dims, [t.readThrottles], "Count"));
    if (t.writeThrottles > 0) out.push(datum(NS, "WriteThrottleEvents", dims, [t.writeThrottles], "Count"));
    for (const { operation, count } of t.systemErrors)
      out.push(datum(NS, "SystemErrors", { ...dims, Operation: operation }, [count], "Count"));
    return out;
  });
}

/**
 * API Gateway, in minutes with requests. REST APIs ({@link SOURCES.restApi}) by [ApiName] and [ApiName,
 * Stage]: 5XXError and 4XXError are one sample per request, 1 for an error and 0 otherwise ("the Average
 * statistic represents the 5XXError error rate"). HTTP APIs ({@link SOURCES.httpApi}) the same as 5xx and 4xx
 * by [ApiId] and [ApiId, Stage]. Latency one sample per request (see DURATION_SAMPLES); Count one value a
 * minute, its Sum.
 */
function apiGateway(apis: readonly ApiActivity[]): MetricDatum[] {
  const NS = "AWS/ApiGateway";
  return apis.flatMap((api) => {
    if (api.requests === 0) return [];
    const [server, client, key] =
      api.kind === "rest-api" ? ["5XXError", "4XXError", "ApiName"] : ["5xx", "4xx", "ApiId"];
    return [{ [key]: api.key }, { [key]: api.key, Stage: api.stage }].flatMap((dims) => [
      datum(NS, server, dims, perRequest(api.requests, api.serverErrors), "Count"),
      datum(NS, client, dims, perRequest(api.requests, api.clientErrors), "Count"),
      datum(NS, "Count", dims, [api.requests], "Count"),
      datum(NS, "Latency", dims, api.latenciesMs, "Milliseconds"),
    ]);
  });
}

/**
 * API Gateway WebSocket APIs ({@link SOURCES.webSocketApi}), in minutes with messages, per [ApiId] and
 * [ApiId, Stage] (per route only with detailed metrics, which no scenario turns on). ClientError (refused
 * before the integration) and ExecutionError (the integration call failed) one sample per message, 1 or 0:
 * AWS's recommended alarms ({@link SOURCES.recommendedAlarms}) read their Average as a share of requests
 * ("more than 5% of total requests are getting execution errors"). IntegrationError the same (no scenario's
 * integration answers an error of its own: zeros). IntegrationLatency one sample per message passed to the
 * integration (see DURATION_SAMPLES). MessageCount one value a minute, the clients' messages (replies to
 * clients, which it counts too, are not modeled). ConnectCount is not modeled: nothing reads it.
 */
function webSocketApis(apis: readonly WebSocketActivity[]): MetricDatum[] {
  const NS = "AWS/ApiGateway";
  return apis.flatMap((api) => {
    if (api.messages === 0) return [];
    const passed = api.messages - api.clientErrors;
    const dimensionSets: Dimensions[] = [{ ApiId: api.apiId }, { ApiId: api.apiId, Stage: api.stage }];
    return dimensionSets.flatMap((dims) => [
      datum(NS, "MessageCount", dims, [api.messages], "Count"),
      datum(NS, "ClientError", dims, perRequest(api.messages, api.clientErrors), "Count"),
      datum(NS, "ExecutionError", dims, perRequest(api.messages, api.executionErrors), "Count"),
      datum(NS, "IntegrationError", dims, perRequest(api.messages, 0), "Count"),
      ...(passed > 0
        ? [datum(NS, "IntegrationLatency", dims, api.integrationLatenciesMs, "Milliseconds")]
        : []),
    ]);
  });
}

/**
 * Step Functions ({@link SOURCES.stepFunctions}): execution metrics per StateMachineArn, in minutes with
 * executions starting or ending (zeros included; AWS does not say, and the catalog's alarms read both
 * alike). ExecutionsSucceeded, ExecutionsFailed and ExecutionsTimedOut in the minute an execution ends;
 * ExecutionTime, "the interval between the time the execution starts and the time it closes", one sample
 * per execution that ended then. Whether a timed-out execution sends one AWS does not say: left out, so
 * timeouts never help the execution-time alarm.
 */
function stepFunctions(machines: readonly StateMachineActivity[]): MetricDatum[] {
  const NS = "AWS/States";
  return machines.flatMap((m) => {
    if (m.started + m.succeeded + m.failed + m.timedOut === 0) return [];
    const dims = { StateMachineArn: m.arn };
    return [
      datum(NS, "ExecutionsStarted", dims, [m.started], "Count"),
      datum(NS, "ExecutionsSucceeded", dims, [m.succeeded], "Count"),
      datum(NS, "ExecutionsFailed", dims, [m.failed], "Count"),
      datum(NS, "ExecutionsTimedOut", dims, [m.timedOut], "Count"),
      datum(NS, "ExecutionThrottled", dims, [0], "Count"),
      ...(m.executionTimesMs.length > 0
        ? [datum(NS, "ExecutionTime", dims, m.executionTimesMs, "Milliseconds")]
        : []),
    ];
  });
}

/**
 * EventBridge ({@link SOURCES.eventBridge}): per RuleName for rules on the default bus, per [EventBusName,
 * RuleName] on a custom bus, in minutes with matched events.
 */
function eventBridge(rules: readonly RuleActivity[]): MetricDatum[] {
  const NS = "AWS/Events";
  return rules.flatMap((r) => {
    if (r.invocations === 0) return [];
    const dims: Dimensions =
      r.bus === "default" ? { RuleName: r.name } : { EventBusName: r.bus, RuleName: r.name };
    return [
      datum(NS, "MatchedEvents", dims, [r.invocations], "Count"),
      datum(NS, "TriggeredRules", dims, [r.invocations], "Count"),
      datum(NS, "Invocations", dims, [r.invocations], "Count"),
      datum(NS, "FailedInvocations", dims, [r.failed], "Count"),
    ];
  });
}

/** SNS ({@link SOURCES.sns}): per TopicName, in minutes with publishes. */
function sns(topics: readonly TopicActivity[]): MetricDatum[] {
  const NS = "AWS/SNS";
  return topics.flatMap((t) => {
    if (t.published === 0) return [];
    const dims = { TopicName: t.name };
    return [
      datum(NS, "NumberOfMessagesPublished", dims, [t.published], "Count"),
      datum(NS, "NumberOfNotificationsDelivered", dims, [t.published - t.failed], "Count"),
      datum(NS, "NumberOfNotificationsFailed", dims, [t.failed], "Count"),
    ];
  });
}

/** Turns each minute's activity into the metric data AWS would send; remembers which queues are active. */
export class Publisher {
  private readonly sqs = new SqsPublisher();

  publish(minute: MinuteActivity): MetricDatum[] {
    return [
      ...lambda(minute.functions, minute.claimedConcurrency),
      ...this.sqs.publish(minute.queues, minute.at),
      ...kinesis(minute.streams),
      ...dynamodb(minute.tables),
      ...apiGateway(minute.apis),
      ...webSocketApis(minute.webSockets),
      ...stepFunctions(minute.stateMachines),
      ...eventBridge(minute.rules),
      ...sns(minute.topics),
    ];
  }
}
