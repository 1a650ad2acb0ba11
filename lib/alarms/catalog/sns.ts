/** Amazon SNS: notifications that could not be delivered to a subscriber. */
import { RECOMMENDED_ALARMS, section } from "./sources.js";
import { defineEntry, type CatalogEntry } from "./types.js";

export const SNS_ENTRIES: readonly CatalogEntry[] = [
  defineEntry({
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
    threshold: { describe: "more than 0 failed notifications a minute", compute: () => 0 },
    runbook: "sns-notifications-failed",
    source: section(
      RECOMMENDED_ALARMS,
      "Amazon SNS: NumberOfNotificationsFailed (Sum, 60 s, 5 of 5, > threshold)",
    ),
  }),
];
