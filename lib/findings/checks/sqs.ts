/** SQS queues: enough visibility timeout for their Lambda consumers, a DLQ, and a DLQ that outlives its source. */
import type { LambdaFunction, SqsQueue } from "../../inventory/types.js";
import type { FindingsIndex } from "../context.js";
import { formatDuration } from "../format.js";
import type { Check, FindingDraft } from "../types.js";

const LAMBDA_SQS = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html";
const SQS_DLQ =
  "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html";
const SQS_DLQ_RETENTION =
  "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html";

/** SQS's maximum message retention, seconds (14 days). */
const MAX_RETENTION = 1_209_600;

/** Lambda functions that consume a queue through an event source mapping, once each, by name. */
export function queueConsumers(index: FindingsIndex, queueArn: string): LambdaFunction[] {
  const consumers = new Map(index.consumersOf(queueArn).map((fn) => [fn.arn, fn]));
  return [...consumers.values()].sort((a, b) => a.name.localeCompare(b.name) || a.arn.localeCompare(b.arn));
}

export const sqsVisibilityTimeout: Check = {
  id: "sqs-visibility-timeout",
  title: "Queue visibility timeout below 6× its Lambda consumer's timeout",
  severity: "high",
  description:
    "Lambda's SQS guide asks for a visibility timeout of at least six times the function timeout, so that " +
    "a batch retried after throttling does not reappear on the queue and get processed twice. Compared " +
    "against the longest timeout among the queue's Lambda consumers; critical when the visibility timeout " +
    "is shorter than the function timeout itself.",
  source: LAMBDA_SQS,
  run({ index, thresholds }) {
    const drafts: FindingDraft[] = [];
    for (const queue of index.ofKind("sqs-queue")) {
      const consumers = queueConsumers(index, queue.arn);
      const slowest = consumers.reduce<LambdaFunction | undefined>(
        (worst, fn) => (worst === undefined || fn.timeoutSeconds > worst.timeoutSeconds ? fn : worst),
        undefined,
      );
      if (!slowest) continue;
      const factor = thresholds.visibilityTimeoutFactor;
      const required = factor * slowest.timeoutSeconds;
      const visibility = queue.visibilityTimeoutSeconds;
      if (visibility >= required) continue;
      const belowTimeout = visibility < slowest.timeoutSeconds;
      drafts.push({
        ...subject(queue),
        severity: belowTimeout ? "critical" : undefined,
        message: belowTimeout
          ? `visibility timeout ${visibility} s is shorter than consumer ${slowest.name}'s own ${slowest.timeoutSeconds} s timeout: messages reappear mid-invocation and are processed twice`
          : `visibility timeout ${visibility} s is below ${factor} × ${slowest.timeoutSeconds} s (consumer ${slowest.name}'s timeout) = ${required} s: a batch retried after throttling can reappear and be processed twice`,
        // 6 × Lambda's 900 s maximum is 5400 s, well inside SQS's 12 h visibility maximum.
        fix: `Set ${queue.name}'s VisibilityTimeout to at least ${required} s.`,
      });
    }
    return drafts;
  },
};

export const sqsNoDlq: Check = {
  id: "sqs-no-dlq",
  title: "Queue without a dead-letter queue",
  severity: "medium",
  description:
    "A queue with no redrive policy keeps redelivering a message that always fails until its retention " +
    "expires, and a Lambda consumer spends its concurrency on it the whole time. Queues that are " +
    "themselves a failure destination (an SQS, Lambda, EventBridge or SNS dead-letter queue, or an " +
    "on-failure destination) are not flagged. FIFO queues are flagged too (a failing message blocks its " +
    "message group); accept the finding where strict order matters more than isolation.",
  source: SQS_DLQ,
  run({ index }) {
    const drafts: FindingDraft[] = [];
    // In a large account discovery reads async invoke configs only of functions known to be invoked
    // asynchronously; an on-failure destination of another function then looks like any queue.
    const unread = index
      .ofKind("lambda-function")
      .filter((fn) => fn.notRead?.includes("async-invoke")).length;
    for (const queue of index.ofKind("sqs-queue")) {
      if (queue.redrivePolicy) continue;
      // A queue that receives failures (of a queue, function, rule target or subscription) needs no DLQ.
      if (index.isDlq(queue.arn)) continue;
      const consumers = queueConsumers(index, queue.arn).map((fn) => fn.name);
      const impact = queue.fifo
        ? "blocks its message group"
        : consumers.length > 0
          ? `keeps consumer ${consumers[0]} retrying it`
          : "is received again and again";
      const unsure =
        unread > 0 && consumers.length === 0
          ? `; ${unread} functions' async invoke configs were not read, so if it is one's on-failure destination, accept this finding`
          : "";
      drafts.push({
        ...subject(queue),
        message: `no dead-letter queue (redrive policy): a message that always fails ${impact} until it expires after ${formatDuration(queue.messageRetentionSeconds)}${unsure}`,
        fix: `Create a DLQ${queue.fifo ? " (FIFO)" : ""} and set a RedrivePolicy with maxReceiveCount (e.g. 5) on ${queue.name}.`,
      });
    }
    return drafts;
  },
};

export const sqsDlqRetention: Check = {
  id: "sqs-dlq-retention",
  title: "Dead-letter queue retention not longer than its source's",
  severity: "medium",
  description:
    "For standard queues a message keeps its original enqueue timestamp when it moves to the DLQ, so a " +
    "DLQ whose retention is not longer than the source's deletes failed messages early, sometimes " +
    "before anyone looks. FIFO queues reset the timestamp on the move and are not checked. DLQs outside " +
    "the inventory are not checked.",
  source: SQS_DLQ_RETENTION,
  run({ index }) {
    const sourcesByDlq = new Map<string, SqsQueue[]>();
    for (const queue of index.ofKind("sqs-queue")) {
      if (!queue.redrivePolicy || queue.fifo) continue;
      const list = sourcesByDlq.get(queue.redrivePolicy.deadLetterTargetArn) ?? [];
      list.push(queue);
      sourcesByDlq.set(queue.redrivePolicy.deadLetterTargetArn, list);
    }
    const drafts: FindingDraft[] = [];
    for (const [dlqArn, sources] of sourcesByDlq) {
      const dlq = index.resource(dlqArn);
      if (dlq?.kind !== "sqs-queue") continue;
      const longest = sources
        .filter((source) => source.messageRetentionSeconds >= dlq.messageRetentionSeconds)
        .sort(
          (a, b) => b.messageRetentionSeconds - a.messageRetentionSeconds || a.name.localeCompare(b.name),
        )[0];
      if (!longest) continue;
      const dlqRetention = formatDuration(dlq.messageRetentionSeconds);
      const sourceRetention = formatDuration(longest.messageRetentionSeconds);
      drafts.push({
        ...subject(dlq),
        message: `retention ${dlqRetention} is not longer than source queue ${longest.name}'s ${sourceRetention}: expiry counts from the original enqueue time, so failed messages are deleted early`,
        fix:
          longest.messageRetentionSeconds < MAX_RETENTION
            ? `Set ${dlq.name}'s MessageRetentionPeriod to ${MAX_RETENTION} s (14 d, the maximum).`
            : `Lower ${longest.name}'s MessageRetentionPeriod below 14 d so its DLQ (already at most 14 d) can outlive it.`,
      });
    }
    return drafts;
  },
};

function subject(queue: SqsQueue) {
  return { resourceArn: queue.arn, resourceName: queue.name, resourceKind: queue.kind };
}

export const SQS_CHECKS: readonly Check[] = [sqsVisibilityTimeout, sqsNoDlq, sqsDlqRetention];
