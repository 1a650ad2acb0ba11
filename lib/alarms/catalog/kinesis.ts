/** Amazon Kinesis Data Streams: consumers falling behind, and reads or writes throttled by the stream's capacity. */
import type { KinesisStream } from "../../inventory/types.js";
import { RECOMMENDED_ALARMS, section } from "./sources.js";
import { defineEntry, type CatalogEntry, type ThresholdContext } from "./types.js";

const NAMESPACE = "AWS/Kinesis";
const SERVICE = "kinesis";

/**
 * The same cap as Lambda's stream consumers (30 minutes by default), or half the stream's retention when
 * lower: AWS puts the risk of loss at half the retention, but a consumer hours behind is an incident long
 * before then, whoever the consumer is.
 */
export function streamIteratorAgeThresholdMs({ resource, limits }: ThresholdContext<KinesisStream>): number {
  const hours = resource?.retentionHours ?? limits.defaultStreamRetentionHours;
  return Math.round(Math.min(limits.iteratorAgeCapMs, hours * 3_600_000 * limits.retentionFraction));
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
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "fraction",
    dimension: "StreamName",
    aggregate: "metrics-insights",
    individual: "when-needed",
    // AWS: zero is "too sensitive"; set "a percentage". 1% is Watchkeeper's choice of percentage.
    threshold: { describe: "more than 1% of calls throttled (0.01)", compute: () => 0.01 },
    runbook: `kinesis-${lower}-throughput-exceeded`,
    source: section(
      RECOMMENDED_ALARMS,
      `Amazon Kinesis Data Streams: ${direction}ProvisionedThroughputExceeded (Average, 60 s, 5 of 5, > a percentage)`,
    ),
  });
}

export const KINESIS_ENTRIES: readonly CatalogEntry[] = [
  defineEntry<"kinesis-stream">({
    id: "kinesis-iterator-age",
    service: SERVICE,
    title: "Kinesis consumers lagging",
    meaning:
      "The oldest record read from a stream is old, or (for a stream a Lambda function polls) nothing reads it at all: a consumer is falling behind or stopped (an open circuit breaker disables it). Records older than the stream's retention are deleted before they are read.",
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
    // GetRecords metrics exist only while someone calls GetRecords: a polled stream whose metric vanishes is
    // not being read. Other streams may have no GetRecords reader at all (fan-out only), so silence is fine.
    missingDataFor: (stream, facts) => (facts.polledStreams.has(stream.arn) ? "breaching" : "notBreaching"),
    threshold: {
      describe: "30 minutes (policy cap), or half the stream's retention when lower",
      compute: streamIteratorAgeThresholdMs,
    },
    runbook: "kinesis-iterator-age",
    source: section(
      RECOMMENDED_ALARMS,
      "Amazon Kinesis Data Streams: GetRecords.IteratorAgeMilliseconds (Maximum, 60 s, 15 of 15, > a critical processing delay; loss risk past 50% of retention)",
    ),
  }),
  defineEntry<"kinesis-stream">({
    id: "kinesis-fan-out-consumer-lag",
    service: SERVICE,
    title: "Kinesis fan-out consumer lagging",
    meaning:
      "An enhanced fan-out consumer (SubscribeToShard) is behind the tip of the stream: it reads slower than records arrive. Records older than the stream's retention are deleted before they are read.",
    resourceKind: "kinesis-stream",
    namespace: NAMESPACE,
    metricName: "SubscribeToShardEvent.MillisBehindLatest",
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "milliseconds",
    dimension: "StreamName",
    // One contributor per consumer of each stream: consumers need not be in the inventory.
    extraDimensions: ["ConsumerName"],
    aggregate: "metrics-insights",
    individual: "never",
    threshold: {
      describe: "30 minutes (policy cap), or half the default stream retention when lower",
      compute: streamIteratorAgeThresholdMs,
    },
    runbook: "kinesis-iterator-age",
    // AWS uses Average; Maximum is the slowest shard's consumer, the one that loses records first.
    source: section(
      RECOMMENDED_ALARMS,
      "Amazon Kinesis Data Streams: SubscribeToShardEvent.MillisBehindLatest (StreamName, ConsumerName; Average, 60 s, 5 of 5)",
    ),
  }),
  throughputEntry("Read"),
  throughputEntry("Write"),
];
