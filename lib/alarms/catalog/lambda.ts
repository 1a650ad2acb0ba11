/** AWS Lambda: errors, throttles, duration per function, account concurrency, stream lag, failed async deliveries. */
import type { LambdaFunction } from "../../inventory/types.js";
import { LAMBDA_METRICS, RECOMMENDED_ALARMS, SERVERLESS_LENS, section } from "./sources.js";
import { defineEntry, PAGE_ON_EACH_LOSS, type CatalogEntry, type ThresholdContext } from "./types.js";

const NAMESPACE = "AWS/Lambda";
const SERVICE = "lambda";

function isStreamConsumer(fn: LambdaFunction): boolean {
  return fn.eventSources.some(
    (source) => source.sourceKind === "kinesis" || source.sourceKind === "dynamodb-stream",
  );
}

function hasDestinations(fn: LambdaFunction): boolean {
  return (
    fn.asyncInvoke?.onFailureDestination !== undefined ||
    fn.asyncInvoke?.onSuccessDestination !== undefined ||
    fn.eventSources.some((source) => source.onFailureDestination !== undefined)
  );
}

/** Below the cap, below half the source stream's retention, and below half the mapping's maximum record age. */
export function iteratorAgeThresholdMs(context: ThresholdContext<LambdaFunction>): number {
  const { limits } = context;
  const candidates = [limits.iteratorAgeCapMs];
  if (context.resource && context.sourceRetentionHours !== undefined) {
    candidates.push(context.sourceRetentionHours * 3_600_000 * limits.retentionFraction);
  }
  if (context.resource && context.sourceMaxRecordAgeSeconds !== undefined) {
    candidates.push(context.sourceMaxRecordAgeSeconds * 1000 * limits.retentionFraction);
  }
  return Math.round(Math.min(...candidates));
}

export const LAMBDA_ENTRIES: readonly CatalogEntry[] = [
  defineEntry({
    id: "lambda-errors",
    service: SERVICE,
    title: "Lambda errors",
    meaning:
      "Invocations failed: exceptions thrown by the function code or by the Lambda runtime. Check the function's logs for the failing requests.",
    resourceKind: "lambda-function",
    namespace: NAMESPACE,
    metricName: "Errors",
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "count",
    dimension: "FunctionName",
    // Per function (each a contributor): one account-wide alarm sits in ALARM in a busy account, so a new
    // failure elsewhere never notifies, and ignored functions page through it.
    aggregate: "metrics-insights",
    individual: "when-needed",
    threshold: { describe: "more than 0 errors a minute", compute: () => 0 },
    runbook: "lambda-errors",
    source: section(RECOMMENDED_ALARMS, "AWS Lambda: Errors (Sum, 60 s, 3 of 3, > threshold)"),
  }),
  defineEntry({
    id: "lambda-throttles",
    service: SERVICE,
    title: "Lambda throttles",
    meaning:
      "Invocation requests were throttled: no concurrency was available to scale up. Raise reserved or account concurrency, or make the function faster.",
    resourceKind: "lambda-function",
    namespace: NAMESPACE,
    metricName: "Throttles",
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "count",
    dimension: "FunctionName",
    aggregate: "metrics-insights",
    individual: "when-needed",
    // An open circuit breaker holds the function at concurrency 0: its throttles are the breaker at work (its
    // trip was the page). Left out until it closes; the breaker asks for a run when it trips and resets.
    applies: (fn, facts) => !facts.openBreakers.has(fn.arn),
    excludeInapplicableFromAggregate: true,
    threshold: { describe: "more than 0 throttles a minute", compute: () => 0 },
    runbook: "lambda-throttles",
    source: section(RECOMMENDED_ALARMS, "AWS Lambda: Throttles (Sum, 60 s, 5 of 5, > threshold)"),
  }),
  defineEntry<"lambda-function">({
    id: "lambda-duration",
    service: SERVICE,
    title: "Lambda duration near timeout",
    meaning:
      "The function's p90 duration is close to its timeout: invocations are about to time out. Look for slow dependencies or a code change.",
    resourceKind: "lambda-function",
    namespace: NAMESPACE,
    metricName: "Duration",
    statistic: "p90",
    period: 60,
    evaluationPeriods: 15,
    datapointsToAlarm: 15,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "milliseconds",
    dimension: "FunctionName",
    // A percentile across functions with different timeouts means nothing, and Metrics Insights has no percentiles.
    aggregate: "none",
    individual: "always",
    threshold: {
      describe: "90% of the function's timeout",
      compute: ({ resource, limits }) =>
        Math.round((resource?.timeoutSeconds ?? 3) * 1000 * limits.durationTimeoutFraction),
    },
    runbook: "lambda-duration",
    source: section(
      RECOMMENDED_ALARMS,
      "AWS Lambda: Duration (p90, 60 s, 15 of 15, > threshold below the timeout)",
    ),
  }),
  defineEntry({
    id: "lambda-claimed-account-concurrency",
    service: SERVICE,
    title: "Lambda account concurrency near the limit",
    meaning:
      "Concurrency claimed in this region (on-demand, reserved and provisioned) is close to the account limit: functions will soon be throttled. Request a quota increase or lower reservations.",
    resourceKind: "lambda-function",
    namespace: NAMESPACE,
    metricName: "ClaimedAccountConcurrency",
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 10,
    datapointsToAlarm: 10,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "concurrent executions",
    dimension: "FunctionName",
    aggregate: "account-metric",
    individual: "never",
    threshold: {
      describe: "90% of the account's concurrency limit",
      compute: ({ accountConcurrency, limits }) =>
        Math.floor(accountConcurrency * limits.concurrencyFraction),
    },
    runbook: "lambda-concurrency",
    source: section(
      RECOMMENDED_ALARMS,
      "AWS Lambda: ClaimedAccountConcurrency (Maximum, 60 s, 10 of 10, > 90% of the regional quota)",
    ),
  }),
  defineEntry({
    id: "lambda-concurrent-executions",
    service: SERVICE,
    title: "Lambda concurrent executions near the limit",
    meaning:
      "Concurrent executions in this region are close to the account limit: functions will soon be throttled. ClaimedAccountConcurrency (on by default) also counts reservations.",
    resourceKind: "lambda-function",
    namespace: NAMESPACE,
    metricName: "ConcurrentExecutions",
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 10,
    datapointsToAlarm: 10,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "concurrent executions",
    dimension: "FunctionName",
    aggregate: "account-metric",
    individual: "never",
    enabledByDefault: false,
    threshold: {
      describe: "90% of the account's concurrency limit",
      compute: ({ accountConcurrency, limits }) =>
        Math.floor(accountConcurrency * limits.concurrencyFraction),
    },
    runbook: "lambda-concurrency",
    source: section(
      RECOMMENDED_ALARMS,
      "AWS Lambda: ConcurrentExecutions (Maximum, 60 s, 10 of 10, > 90% of the regional quota)",
    ),
  }),
  defineEntry<"lambda-function">({
    id: "lambda-iterator-age",
    service: SERVICE,
    title: "Lambda stream consumer lagging",
    meaning:
      "A function reading a Kinesis or DynamoDB stream is falling behind: the last record it read is old. Records expire at the end of the stream's retention and are then lost.",
    resourceKind: "lambda-function",
    namespace: NAMESPACE,
    metricName: "IteratorAge",
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 15,
    datapointsToAlarm: 15,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "milliseconds",
    dimension: "FunctionName",
    aggregate: "metrics-insights",
    individual: "when-needed",
    applies: isStreamConsumer,
    threshold: {
      describe: "30 minutes, or half the stream's retention or the mapping's maximum record age when lower",
      compute: iteratorAgeThresholdMs,
    },
    runbook: "lambda-iterator-age",
    source: section(
      SERVERLESS_LENS,
      `OPS 1 (IteratorAge for stream-based invocations); metric: ${LAMBDA_METRICS} — IteratorAge`,
    ),
  }),
  defineEntry<"lambda-function">({
    id: "lambda-dead-letter-errors",
    service: SERVICE,
    title: "Lambda dead-letter delivery failing",
    meaning:
      "An asynchronous invocation failed and Lambda could not send the event to the function's dead-letter queue or topic: the event is lost. Check the DLQ's permissions, KMS key and existence.",
    resourceKind: "lambda-function",
    namespace: NAMESPACE,
    metricName: "DeadLetterErrors",
    statistic: "Sum",
    period: 60,
    ...PAGE_ON_EACH_LOSS,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "count",
    dimension: "FunctionName",
    aggregate: "metrics-insights",
    individual: "when-needed",
    applies: (fn) => fn.deadLetterTargetArn !== undefined,
    threshold: { describe: "more than 0", compute: () => 0 },
    runbook: "lambda-dead-letter-errors",
    source: section(
      SERVERLESS_LENS,
      `OPS 1 (DeadLetterErrors for asynchronous invocations); metric: ${LAMBDA_METRICS} — DeadLetterErrors`,
    ),
  }),
  defineEntry<"lambda-function">({
    id: "lambda-destination-delivery-failures",
    service: SERVICE,
    title: "Lambda destination delivery failing",
    meaning:
      "Lambda could not send an invocation record to the function's destination (async on-success/on-failure, or a stream mapping's on-failure destination): the record is lost.",
    resourceKind: "lambda-function",
    namespace: NAMESPACE,
    metricName: "DestinationDeliveryFailures",
    statistic: "Sum",
    period: 60,
    ...PAGE_ON_EACH_LOSS,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "count",
    dimension: "FunctionName",
    aggregate: "metrics-insights",
    individual: "when-needed",
    applies: hasDestinations,
    threshold: { describe: "more than 0", compute: () => 0 },
    runbook: "lambda-destination-delivery-failures",
    source: section(
      LAMBDA_METRICS,
      "DestinationDeliveryFailures (asynchronous and event source mapping destinations)",
    ),
  }),
];
