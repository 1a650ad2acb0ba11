/** Amazon SQS: queues whose consumers fall behind, and every dead-letter queue that receives a message. */
import type { SqsQueue } from "../../inventory/types.js";
import { RECOMMENDED_ALARMS, SERVERLESS_LENS, SQS_DEAD_LETTER_QUEUES, section } from "./sources.js";
import { defineEntry, type CatalogEntry, type ThresholdContext } from "./types.js";

const NAMESPACE = "AWS/SQS";
const SERVICE = "sqs";

/** Half the queue's retention (messages are deleted at retention), capped so a 14-day queue still alarms within the hour. */
export function queueAgeThresholdSeconds({ resource, limits }: ThresholdContext<SqsQueue>): number {
  if (!resource) return limits.queueAgeCapSeconds;
  return Math.round(
    Math.min(limits.queueAgeCapSeconds, resource.messageRetentionSeconds * limits.retentionFraction),
  );
}

export const SQS_ENTRIES: readonly CatalogEntry[] = [
  defineEntry<"sqs-queue">({
    id: "sqs-age-of-oldest-message",
    service: SERVICE,
    title: "SQS messages waiting too long",
    meaning:
      "The oldest message in a queue is old: consumers are too slow, stopped, or stuck on a poison message. Messages are deleted when they reach the queue's retention.",
    resourceKind: "sqs-queue",
    namespace: NAMESPACE,
    metricName: "ApproximateAgeOfOldestMessage",
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 15,
    datapointsToAlarm: 15,
    comparison: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
    unit: "seconds",
    dimension: "QueueName",
    aggregate: "metrics-insights",
    individual: "when-needed",
    // A DLQ's messages are old by design; its own depth alarm says what matters.
    applies: (queue, facts) => !facts.deadLetterQueues.has(queue.arn),
    excludeInapplicableFromAggregate: true,
    threshold: {
      describe: "half the queue's retention period, at most 1 hour (policy cap)",
      compute: queueAgeThresholdSeconds,
    },
    runbook: "sqs-age-of-oldest-message",
    source: section(
      RECOMMENDED_ALARMS,
      "Amazon SQS: ApproximateAgeOfOldestMessage (Maximum, 60 s, 15 of 15, >= threshold)",
    ),
  }),
  defineEntry<"sqs-queue">({
    id: "sqs-dlq-messages-visible",
    service: SERVICE,
    title: "Messages in a dead-letter queue",
    meaning:
      "A dead-letter queue holds messages: something failed to process them (a queue's consumer, an async Lambda invocation, an EventBridge target or an SNS subscription). Inspect them, fix the cause, then redrive.",
    resourceKind: "sqs-queue",
    namespace: NAMESPACE,
    metricName: "ApproximateNumberOfMessagesVisible",
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "count",
    dimension: "QueueName",
    aggregate: "none",
    individual: "always",
    applies: (queue, facts) => facts.deadLetterQueues.has(queue.arn),
    threshold: { describe: "more than 0 messages", compute: () => 0 },
    runbook: "sqs-dlq-messages-visible",
    source: section(
      SERVERLESS_LENS,
      `OPS 1 (alarm on every DLQ: any message is a failure); ${SQS_DEAD_LETTER_QUEUES}`,
    ),
  }),
];
