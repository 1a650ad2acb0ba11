/**
 * Amazon SQS: queues whose consumers fall behind or near the in-flight quota, and every dead-letter queue:
 * its first message, later bursts while it already holds some, and dead letters nearing their expiry.
 */
import type { SqsQueue } from "../../inventory/types.js";
import { RECOMMENDED_ALARMS, SERVERLESS_LENS, SQS_DEAD_LETTER_QUEUES, section } from "./sources.js";
import { defineEntry, type CatalogEntry, type ThresholdContext } from "./types.js";

const NAMESPACE = "AWS/SQS";
const SERVICE = "sqs";

/** SQS quotas: at most about 120,000 in-flight messages per queue, standard and FIFO alike (the quota pages). */
export const IN_FLIGHT_QUOTA = 120_000;

/** Half the DLQ's own retention: dead letters are deleted, unread, when they reach it. */
function deadLetterAgeThresholdSeconds({ resource, limits }: ThresholdContext<SqsQueue>): number {
  const retention = resource?.messageRetentionSeconds ?? 345_600;
  return Math.round(retention * limits.retentionFraction);
}

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
      "The oldest message in a queue is old: consumers are too slow or stopped. Messages are deleted when they reach the queue's retention. (A message received three times without being deleted is left out of this metric: a poison message shows as errors and dead letters, not as age.)",
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
  defineEntry<"sqs-queue">({
    id: "sqs-dlq-new-messages",
    service: SERVICE,
    title: "New dead letters in a dead-letter queue",
    meaning:
      "A burst of new messages reached a dead-letter queue that already held some: a new failure, or the old one got worse. Its first messages were paged by the DLQ's depth alarm, which stays in ALARM until the queue is drained and so says nothing of what arrives meanwhile.",
    resourceKind: "sqs-queue",
    namespace: NAMESPACE,
    metricName: "ApproximateNumberOfMessagesVisible",
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 1,
    comparison: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
    unit: "count",
    dimension: "QueueName",
    aggregate: "none",
    individual: "always",
    applies: (queue, facts) => facts.deadLetterQueues.has(queue.arn),
    // Visible plus in flight: reading a dead letter to inspect it moves it between the two and adds nothing.
    // Only while the queue already held messages: into an empty queue, the depth alarm pages.
    math: {
      metrics: { m2: { metricName: "ApproximateNumberOfMessagesNotVisible", statistic: "Maximum" } },
      steps: { held: "m1 + m2", added: "DIFF(held)" },
      expression: "IF(held - added > 0, added, 0)",
    },
    // The depth alarm's ApproximateNumberOfMessagesVisible threshold is a depth, not new messages a minute.
    byMetricName: false,
    // A trickle (a message now and then) is the one incident the depth alarm paged; 5 in a minute is a burst.
    threshold: { describe: "5 or more new dead letters in a minute", compute: () => 5 },
    runbook: "sqs-dlq-messages-visible",
    source: section(
      SERVERLESS_LENS,
      `OPS 1 (alarm on every DLQ); Watchkeeper's own: a DLQ already in ALARM does not notify again (${SQS_DEAD_LETTER_QUEUES})`,
    ),
  }),
  defineEntry<"sqs-queue">({
    id: "sqs-dlq-age",
    service: SERVICE,
    title: "Dead letters near expiry",
    meaning:
      "The oldest message in a dead-letter queue is half-way to the queue's retention: when it reaches it, SQS deletes it unread and the failed work is lost. Redrive or save the messages before then.",
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
    aggregate: "none",
    individual: "always",
    applies: (queue, facts) => facts.deadLetterQueues.has(queue.arn),
    // An ApproximateAgeOfOldestMessage threshold is meant for work queues (sqs-age-of-oldest-message).
    byMetricName: false,
    threshold: {
      describe: "half the dead-letter queue's retention period",
      compute: deadLetterAgeThresholdSeconds,
    },
    runbook: "sqs-dlq-messages-visible",
    source: section(
      RECOMMENDED_ALARMS,
      `Amazon SQS: ApproximateAgeOfOldestMessage (Maximum, 60 s, 15 of 15, >=), against the DLQ's retention (${SQS_DEAD_LETTER_QUEUES})`,
    ),
  }),
  defineEntry<"sqs-queue">({
    id: "sqs-messages-in-flight",
    service: SERVICE,
    title: "SQS messages in flight near the quota",
    meaning:
      "Messages received but not yet deleted are close to SQS's in-flight quota (about 120,000 per queue): past it, receives fail with OverLimit and consumers stall. Consumers are not deleting what they receive (failing, or a visibility timeout far too long).",
    resourceKind: "sqs-queue",
    namespace: NAMESPACE,
    metricName: "ApproximateNumberOfMessagesNotVisible",
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    comparison: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
    unit: "count",
    dimension: "QueueName",
    aggregate: "metrics-insights",
    individual: "when-needed",
    // AWS sets it "50% over" the expected in-flight count, which only the team knows; the quota is known.
    threshold: {
      describe: "90% of the in-flight quota (108,000)",
      compute: () => Math.round(IN_FLIGHT_QUOTA * 0.9),
    },
    runbook: "sqs-messages-in-flight",
    source: section(
      RECOMMENDED_ALARMS,
      "Amazon SQS: ApproximateNumberOfMessagesNotVisible (60 s, >=); threshold from the SQS quotas pages (120,000 in flight, standard and FIFO)",
    ),
  }),
];
