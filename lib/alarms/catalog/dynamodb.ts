/** Amazon DynamoDB: sustained throttling of reads and writes, and server-side errors, per table. */
import { RECOMMENDED_ALARMS, section } from "./sources.js";
import { defineEntry, type CatalogEntry } from "./types.js";

const NAMESPACE = "AWS/DynamoDB";
const SERVICE = "dynamodb";

function throttleEntry(direction: "Read" | "Write"): CatalogEntry {
  const lower = direction.toLowerCase();
  return defineEntry({
    id: `dynamodb-${lower}-throttle-events`,
    service: SERVICE,
    title: `DynamoDB ${lower}s throttled`,
    meaning: `${direction} requests to a table are throttled (provisioned capacity, on-demand maximums, or a hot partition). The SDK retries, but sustained throttling slows or fails the workload.`,
    resourceKind: "dynamodb-table",
    namespace: NAMESPACE,
    metricName: `${direction}ThrottleEvents`,
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "count",
    dimension: "TableName",
    aggregate: "metrics-insights",
    individual: "when-needed",
    threshold: { describe: "more than 0 throttled requests a minute", compute: () => 0 },
    runbook: "dynamodb-throttles",
    source: section(
      RECOMMENDED_ALARMS,
      `Amazon DynamoDB: ${direction}ThrottleEvents (Sum, 60 s, 5 of 5, > threshold)`,
    ),
  });
}

export const DYNAMODB_ENTRIES: readonly CatalogEntry[] = [
  throttleEntry("Read"),
  throttleEntry("Write"),
  defineEntry({
    id: "dynamodb-system-errors",
    service: SERVICE,
    title: "DynamoDB system errors",
    meaning:
      "Requests to a table fail with HTTP 500 (internal service errors). Usually transient and retried by the SDK; sustained errors mean a service issue: check the AWS Health Dashboard.",
    resourceKind: "dynamodb-table",
    namespace: NAMESPACE,
    metricName: "SystemErrors",
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 15,
    datapointsToAlarm: 15,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "count",
    dimension: "TableName",
    // SystemErrors is also published per Operation: the aggregate reads every dimension set.
    querySchema: "any",
    aggregate: "metrics-insights",
    individual: "when-needed",
    threshold: { describe: "more than 0 errors a minute", compute: () => 0 },
    runbook: "dynamodb-system-errors",
    source: section(RECOMMENDED_ALARMS, "Amazon DynamoDB: SystemErrors (Sum, 60 s, 15 of 15, > threshold)"),
  }),
];
