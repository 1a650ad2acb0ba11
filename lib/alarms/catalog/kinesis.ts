/** Amazon Kinesis Data Streams: consumers falling behind, and reads or writes throttled by the stream's capacity. */
import type { KinesisStream } from "../../inventory/types.js";
import { RECOMMENDED_ALARMS, section } from "./sources.js";
import { defineEntry, type CatalogEntry, type ThresholdContext } from "./types.js";

const NAMESPACE = "AWS/Kinesis";
const SERVICE = "kinesis";

/** Half the stream's retention: past it, a lagging consumer is on its way to losing records. */
export function streamIteratorAgeThresholdMs({ resource, limits }: ThresholdContext<KinesisStream>): number {
  const hours = resource?.retentionHours ?? limits.defaultStreamRetentionHours;
  return Math.round(hours * 3_600_000 * limits.retentionFraction);
}

function throughputEntry(direction: "Read" | "Write"): CatalogEntry {
  const lower = direction.toLowerCase();
  return defineEntry({
    id: `kinesis-${lower}-throughput-exceeded`,
    service: SERVICE,
    title: `Kinesis ${lower}s throttled`,
    meaning:
      direction === "Read"
        ? "GetRecords calls are throttled by the stream's read capacity: consumers fall behind. Add shards, use enhanced fan-out, or read less often."
        : "Put calls are throttled by the stream's write capacity: producers must retry or lose records. Add shards or spread partition keys.",
    resourceKind: "kinesis-stream",
    namespace: NAMESPACE,
    metricName: `${direction}ProvisionedThroughputExceeded`,
    statistic: "Average",
    period: 60,
    evaluationPeriods: 15,
    datapointsToAlarm: 15,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "fraction",
    dimension: "StreamName",
    aggregate: "metrics-insights",
    individual: "when-needed",
    threshold: { describe: "more than 1% of calls throttled (0.01)", compute: () => 0.01 },
    runbook: `kinesis-${lower}-throughput-exceeded`,
    source: section(
      RECOMMENDED_ALARMS,
      `Amazon Kinesis Data Streams: ${direction}ProvisionedThroughputExceeded (Average, 60 s, 15 of 15, > 0.01)`,
    ),
  });
}

export const KINESIS_ENTRIES: readonly CatalogEntry[] = [
  defineEntry<"kinesis-stream">({
    id: "kinesis-iterator-age",
    service: SERVICE,
    title: "Kinesis consumers lagging",
    meaning:
      "The oldest record read from a stream is old: a consumer is falling behind. Records older than the stream's retention are deleted before they are read.",
    resourceKind: "kinesis-stream",
    namespace: NAMESPACE,
    metricName: "GetRecords.IteratorAgeMilliseconds",
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 15,
    datapointsToAlarm: 15,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "milliseconds",
    dimension: "StreamName",
    aggregate: "metrics-insights",
    individual: "when-needed",
    threshold: { describe: "half the stream's retention period", compute: streamIteratorAgeThresholdMs },
    runbook: "kinesis-iterator-age",
    source: section(
      RECOMMENDED_ALARMS,
      "Amazon Kinesis Data Streams: GetRecords.IteratorAgeMilliseconds (Maximum, 60 s, 15 of 15, > threshold)",
    ),
  }),
  throughputEntry("Read"),
  throughputEntry("Write"),
];
