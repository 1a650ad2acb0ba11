/** Amazon SNS: notifications that could not be delivered to a subscriber, and those lost on the way to its DLQ. */
import type { SnsTopic } from "../../inventory/types.js";
import { RECOMMENDED_ALARMS, section } from "./sources.js";
import { defineEntry, PAGE_ON_EACH_LOSS, type CatalogEntry, type InventoryFacts } from "./types.js";

/** Subscribers SNS retries until they take the message: a failure to them is a real loss. */
const RELIABLE_PROTOCOLS = new Set(["sqs", "lambda", "firehose"]);

/**
 * AWS: "The number of notifications failed should be 0 for topics that have only SQS, Lambda or Firehose
 * subscriptions." Email, SMS and HTTP endpoints fail for reasons of their own (a full mailbox, an endpoint
 * down): what is normal for them only the team knows, so those topics need a threshold tag.
 */
function failuresAreIncidents(
  topic: SnsTopic,
  _facts: InventoryFacts,
  thresholds: ReadonlyMap<string, number>,
): boolean {
  return (
    topic.subscriptions.every((subscription) => RELIABLE_PROTOCOLS.has(subscription.protocol)) ||
    thresholds.has("NumberOfNotificationsFailed")
  );
}

export const SNS_ENTRIES: readonly CatalogEntry[] = [
  defineEntry<"sns-topic">({
    id: "sns-notifications-failed",
    service: "sns",
    title: "SNS deliveries failed",
    meaning:
      "A topic could not deliver notifications to a subscriber after the delivery retries. Enable delivery status logging to see which endpoint fails and why; failed messages go to the subscription's DLQ when it has one.",
    resourceKind: "sns-topic",
    namespace: "AWS/SNS",
    metricName: "NumberOfNotificationsFailed",
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "count",
    dimension: "TopicName",
    aggregate: "metrics-insights",
    individual: "when-needed",
    applies: failuresAreIncidents,
    excludeInapplicableFromAggregate: true,
    threshold: { describe: "more than 0 failed notifications a minute", compute: () => 0 },
    runbook: "sns-notifications-failed",
    source: section(
      RECOMMENDED_ALARMS,
      "Amazon SNS: NumberOfNotificationsFailed (Sum, 60 s, 5 of 5, > 0 for topics with only SQS, Lambda or Firehose subscriptions)",
    ),
  }),
  defineEntry<"sns-topic">({
    id: "sns-dlq-delivery-failed",
    service: "sns",
    title: "SNS messages lost: DLQ delivery failed",
    meaning:
      "Notifications that failed delivery could not be moved to the subscription's dead-letter queue either: they are lost. Check the DLQ exists and its policy lets SNS send to it (and its KMS key, if encrypted).",
    resourceKind: "sns-topic",
    namespace: "AWS/SNS",
    metricName: "NumberOfNotificationsFailedToRedriveToDlq",
    statistic: "Sum",
    period: 60,
    // AWS: 5 of 5. Each one is a lost message.
    ...PAGE_ON_EACH_LOSS,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "count",
    dimension: "TopicName",
    aggregate: "metrics-insights",
    individual: "when-needed",
    applies: (topic) => topic.subscriptions.some((subscription) => subscription.deadLetterArn !== undefined),
    threshold: { describe: "more than 0", compute: () => 0 },
    runbook: "sns-notifications-failed",
    source: section(
      RECOMMENDED_ALARMS,
      "Amazon SNS: NumberOfNotificationsFailedToRedriveToDlq (Sum, 60 s, > 0)",
    ),
  }),
];
