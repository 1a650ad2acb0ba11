/**
 * Amazon DynamoDB: sustained throttling of reads and writes (tables and global secondary indexes), and
 * server-side errors, per table. DynamoDB publishes these metrics only when they are not zero, and CloudWatch
 * alarms on AWS/DynamoDB always ignore missing data: a per-table alarm reads FILL(m1, 0) so it can return
 * to OK once the throttling stops.
 */
import { RECOMMENDED_ALARMS, section } from "./sources.js";
import { defineEntry, type CatalogEntry } from "./types.js";

const NAMESPACE = "AWS/DynamoDB";
const SERVICE = "dynamodb";

/** Zero-filled, so the missing minutes DynamoDB does not publish count as "no throttling". */
const ZERO_FILLED = { expression: "FILL(m1, 0)" } as const;

/**
 * AWS: "a very low threshold may cause the alarm to be too sensitive" (the SDK retries throttled requests).
 * More than 10 a minute for 5 minutes is throttling the retries do not absorb.
 */
const THROTTLE_THRESHOLD = { describe: "more than 10 throttled requests a minute", compute: () => 10 };

/** Throttled reads or writes of each table, or (`index`) of each global secondary index of every table. */
function throttleEntry(direction: "Read" | "Write", of: "table" | "index"): CatalogEntry {
  const lower = direction.toLowerCase();
  const shape =
    of === "table"
      ? {
          id: `dynamodb-${lower}-throttle-events`,
          title: `DynamoDB ${lower}s throttled`,
          meaning: `${direction} requests to a table are throttled (provisioned capacity, on-demand maximums, or a hot partition). The SDK retries, but sustained throttling slows or fails the workload.`,
          individual: "when-needed" as const,
          math: ZERO_FILLED,
          source: `${direction}ThrottleEvents (Sum, 60 s, 5 of 5, > a threshold that is not "too sensitive")`,
        }
      : {
          id: `dynamodb-index-${lower}-throttle-events`,
          title: `DynamoDB index ${lower}s throttled`,
          meaning: `${direction} requests to a global secondary index are throttled: the index's capacity (or, for writes, its back-pressure on the table) is not enough. Sustained index throttling also throttles writes to the table.`,
          // One contributor per table and index; indexes are not in the inventory, the query finds them.
          extraDimensions: ["GlobalSecondaryIndexName"],
          individual: "never" as const,
          source: `${direction}ThrottleEvents (TableName, GlobalSecondaryIndexName; Sum, 60 s, 5 of 5)`,
        };
  return defineEntry({
    ...shape,
    service: SERVICE,
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
    threshold: THROTTLE_THRESHOLD,
    runbook: "dynamodb-throttles",
    source: section(RECOMMENDED_ALARMS, `Amazon DynamoDB: ${shape.source}`),
  });
}

export const DYNAMODB_ENTRIES: readonly CatalogEntry[] = [
  throttleEntry("Read", "table"),
  throttleEntry("Write", "table"),
  throttleEntry("Read", "index"),
  throttleEntry("Write", "index"),
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
    // DynamoDB publishes SystemErrors per [TableName, Operation]: an alarm on [TableName] alone would get no
    // data. The query reads every dimension set and sums a table's operations into one contributor, so every
    // table, critical ones included, stays in it (a per-table alarm would need one metric per operation).
    querySchema: "any",
    aggregate: "metrics-insights",
    individual: "never",
    threshold: { describe: "more than 0 errors a minute, 15 minutes running", compute: () => 0 },
    runbook: "dynamodb-system-errors",
    source: section(
      RECOMMENDED_ALARMS,
      "Amazon DynamoDB: SystemErrors (Sum, 60 s, 15 of 15, > threshold; dimensions per the DynamoDB metrics reference: TableName, Operation)",
    ),
  }),
];
