/** SNS topics with their subscriptions and each subscription's dead-letter queue. */
import { compareText } from "../order.js";
import {
  GetSubscriptionAttributesCommand,
  SNSClient,
  paginateListSubscriptions,
  paginateListTopics,
  type Subscription,
} from "@aws-sdk/client-sns";
import { nameOfArn } from "../arn.js";
import { attempt, listCall, collect, detailEach, type DiscoveryContext } from "../context.js";
import type { SnsSubscription, SnsTopic } from "../types.js";

export type ConfirmedSubscription = Subscription & { SubscriptionArn: string; TopicArn: string };

/**
 * The account's confirmed subscriptions, one listing (undefined when it cannot be read). Discovery shares
 * it: Lambda discovery learns from it which functions SNS invokes asynchronously.
 */
export async function listConfirmedSubscriptions(
  ctx: DiscoveryContext,
): Promise<ConfirmedSubscription[] | undefined> {
  const client = ctx.aws.client(SNSClient);
  const listed = await attempt(
    ctx,
    { service: "sns", operation: "ListSubscriptions", covers: { kind: "sns-topic", what: "facts" } },
    () =>
      collect(paginateListSubscriptions({ client, stopOnSameToken: true }, {}), (page) => page.Subscriptions),
  );
  // Unconfirmed subscriptions have no ARN yet ("PendingConfirmation") and deliver nothing.
  return listed.ok
    ? listed.value.filter(
        (s): s is ConfirmedSubscription => !!s.SubscriptionArn?.startsWith("arn:") && !!s.TopicArn,
      )
    : undefined;
}

export async function discoverSnsTopics(
  ctx: DiscoveryContext,
  listing: Promise<ConfirmedSubscription[] | undefined> = listConfirmedSubscriptions(ctx),
): Promise<SnsTopic[]> {
  const client = ctx.aws.client(SNSClient);
  // When ListTopics fails, the listing's own failure must not go unobserved (the first error is reported).
  listing.catch(() => undefined);
  const topics = await attempt(ctx, listCall("sns", "ListTopics", "sns-topic"), () =>
    collect(paginateListTopics({ client, stopOnSameToken: true }, {}), (page) => page.Topics),
  );
  const confirmed = (await listing) ?? [];
  if (!topics.ok) return [];

  const subscriptions = await detailEach(ctx, "sns-subscription", confirmed, async (subscription) => {
    const arn = subscription.SubscriptionArn;
    const attributes = await attempt(
      ctx,
      {
        service: "sns",
        operation: "GetSubscriptionAttributes",
        resource: arn,
        covers: { kind: "sns-topic", what: "facts", resource: subscription.TopicArn },
      },
      () => client.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn })),
    );
    if (!attributes.ok && attributes.reason === "missing") return undefined;
    const deadLetterArn = attributes.ok
      ? redriveTarget(ctx, arn, attributes.value.Attributes?.RedrivePolicy)
      : undefined;
    return {
      topicArn: subscription.TopicArn,
      subscription: {
        arn,
        protocol: subscription.Protocol ?? "",
        endpoint: subscription.Endpoint ?? "",
        ...(deadLetterArn ? { deadLetterArn } : {}),
      } satisfies SnsSubscription,
    };
  });

  const byTopic = new Map<string, SnsSubscription[]>();
  for (const { topicArn, subscription } of subscriptions) {
    byTopic.set(topicArn, [...(byTopic.get(topicArn) ?? []), subscription]);
  }
  return topics.value.flatMap((topic): SnsTopic[] => {
    const arn = topic.TopicArn;
    if (!arn) return [];
    const name = nameOfArn(arn);
    return [
      {
        kind: "sns-topic",
        arn,
        name,
        region: ctx.region,
        accountId: ctx.accountId,
        tags: {},
        // FIFO topic names must end in .fifo, so the listing alone tells.
        fifo: name.endsWith(".fifo"),
        subscriptions: (byTopic.get(arn) ?? []).sort((a, b) => compareText(a.arn, b.arn)),
      },
    ];
  });
}

function redriveTarget(
  ctx: DiscoveryContext,
  subscriptionArn: string,
  json: string | undefined,
): string | undefined {
  if (!json) return undefined;
  try {
    const target = (JSON.parse(json) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    if (typeof target === "string" && target) return target;
  } catch {
    // reported below
  }
  ctx.warn({
    service: "sns",
    operation: "GetSubscriptionAttributes",
    code: "InvalidRedrivePolicy",
    message: `RedrivePolicy has no deadLetterTargetArn: ${json}`,
    resource: subscriptionArn,
  });
  return undefined;
}
