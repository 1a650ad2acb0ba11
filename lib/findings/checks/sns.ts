/** SNS: a subscription that cannot be delivered to discards messages unless it has a redrive policy. */
import { displayName } from "../context.js";
import type { Check, FindingDraft } from "../types.js";

const SNS_DLQ = "https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html";

/** Subscriptions that feed an application; email, SMS and mobile push reach people, not pipelines. */
const APPLICATION_PROTOCOLS = new Set(["lambda", "sqs", "http", "https", "firehose"]);

export const snsSubscriptionNoDlq: Check = {
  id: "sns-subscription-no-dlq",
  title: "SNS subscription without a redrive policy",
  severity: "medium",
  description:
    "When SNS cannot deliver to a subscription (endpoint gone, permission or KMS errors, retries " +
    "exhausted) it discards the message unless the subscription has a redrive policy naming an SQS " +
    "dead-letter queue. Checked for lambda, sqs, http(s) and firehose subscriptions; subscriptions " +
    "still pending confirmation are skipped.",
  source: SNS_DLQ,
  run({ index }) {
    const drafts: FindingDraft[] = [];
    for (const topic of index.ofKind("sns-topic")) {
      const subscriptions = [...topic.subscriptions].sort((a, b) => a.arn.localeCompare(b.arn));
      for (const subscription of subscriptions) {
        const protocol = subscription.protocol.toLowerCase();
        if (!APPLICATION_PROTOCOLS.has(protocol) || !subscription.arn.startsWith("arn:")) continue;
        if (subscription.deadLetterArn) continue;
        const endpoint = subscription.endpoint.startsWith("arn:")
          ? displayName(index, subscription.endpoint)
          : subscription.endpoint;
        const id = subscription.arn.split(":").at(-1) ?? subscription.arn;
        drafts.push({
          resourceArn: topic.arn,
          resourceName: topic.name,
          resourceKind: topic.kind,
          message: `${protocol} subscription to ${endpoint} has no redrive policy: a message SNS cannot deliver is discarded after its retries`,
          fix: `Set a RedrivePolicy (an SQS dead-letter queue${topic.fifo ? ", FIFO" : ""}) on subscription ${id}.`,
        });
      }
    }
    return drafts;
  },
};

export const SNS_CHECKS: readonly Check[] = [snsSubscriptionNoDlq];
