/** SQS queues with their redrive policy, so DLQs and their sources are known. */
import { GetQueueAttributesCommand, SQSClient, paginateListQueues } from "@aws-sdk/client-sqs";
import { nameOfArn } from "../arn.js";
import { attempt, listCall, collect, detailEach, type DiscoveryContext } from "../context.js";
import type { RedrivePolicy, SqsQueue } from "../types.js";

export async function discoverSqsQueues(ctx: DiscoveryContext): Promise<SqsQueue[]> {
  const client = ctx.aws.client(SQSClient);
  // Without MaxResults, ListQueues returns at most 1,000 URLs and no NextToken.
  const listed = await attempt(ctx, listCall("sqs", "ListQueues", "sqs-queue"), () =>
    collect(
      paginateListQueues({ client, stopOnSameToken: true }, { MaxResults: 1000 }),
      (page) => page.QueueUrls,
    ),
  );
  if (!listed.ok) return [];

  return detailEach(ctx, "sqs-queue", listed.value, async (url) => {
    const got = await attempt(
      ctx,
      {
        service: "sqs",
        operation: "GetQueueAttributes",
        resource: url,
        covers: { kind: "sqs-queue", what: "resources" },
      },
      () => client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] })),
    );
    if (!got.ok) return undefined;
    const attributes = got.value.Attributes ?? {};
    const arn = attributes.QueueArn;
    if (!arn) return undefined;
    const redrivePolicy = parseRedrivePolicy(ctx, arn, attributes.RedrivePolicy);
    return {
      kind: "sqs-queue",
      arn,
      name: nameOfArn(arn),
      region: ctx.region,
      accountId: ctx.accountId,
      tags: {},
      url,
      fifo: attributes.FifoQueue === "true",
      visibilityTimeoutSeconds: int(attributes.VisibilityTimeout, 30),
      messageRetentionSeconds: int(attributes.MessageRetentionPeriod, 345_600),
      ...(redrivePolicy ? { redrivePolicy } : {}),
      encryption: attributes.KmsMasterKeyId
        ? "kms"
        : attributes.SqsManagedSseEnabled === "true"
          ? "sqs-managed"
          : "none",
      approximateMessages: int(attributes.ApproximateNumberOfMessages, 0),
      approximateMessagesNotVisible: int(attributes.ApproximateNumberOfMessagesNotVisible, 0),
    } satisfies SqsQueue;
  });
}

/** RedrivePolicy is a JSON string; maxReceiveCount arrives as a number or a string depending on who set it. */
export function parseRedrivePolicy(
  ctx: DiscoveryContext,
  queueArn: string,
  json: string | undefined,
): RedrivePolicy | undefined {
  if (!json) return undefined;
  try {
    const policy = JSON.parse(json) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
    const target = policy.deadLetterTargetArn;
    const count = Number(policy.maxReceiveCount);
    if (typeof target === "string" && target && Number.isInteger(count)) {
      return { deadLetterTargetArn: target, maxReceiveCount: count };
    }
  } catch {
    // reported below
  }
  ctx.warn({
    service: "sqs",
    operation: "GetQueueAttributes",
    code: "InvalidRedrivePolicy",
    message: `RedrivePolicy is not {deadLetterTargetArn, maxReceiveCount}: ${json}`,
    resource: queueArn,
  });
  return undefined;
}

function int(value: string | undefined, fallback: number): number {
  const parsed = value === undefined ? NaN : Number.parseInt(value, 10);
  return Number.isFinite(parsed) ? parsed : fallback;
}
