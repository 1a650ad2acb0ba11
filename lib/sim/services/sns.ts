import {
  InvalidParameterException,
  NotFoundException,
  ResourceNotFoundException,
  ThrottledException,
  type GetSubscriptionAttributesCommandInput,
  type GetSubscriptionAttributesCommandOutput,
  type GetTopicAttributesCommandInput,
  type GetTopicAttributesCommandOutput,
  type ListSubscriptionsByTopicCommandInput,
  type ListSubscriptionsByTopicCommandOutput,
  type ListSubscriptionsCommandInput,
  type ListSubscriptionsCommandOutput,
  type ListTagsForResourceCommandInput,
  type ListTagsForResourceCommandOutput,
  type ListTopicsCommandInput,
  type ListTopicsCommandOutput,
  type Subscription,
} from "@aws-sdk/client-sns";
import type { SimAccount } from "../account.js";
import { awsError } from "../errors.js";
import { pageToken, type PageOptions } from "../registry.js";
import type { Out, SimService } from "../service.js";
import type { SimSubscription, SimTopic } from "../state.js";
import { tagList } from "../tags.js";
import { validator } from "../validate.js";

const invalid = (message: string) => awsError(InvalidParameterException, 400, message);
const check = validator(invalid);

/** SNS list APIs return 100 items a page. */
const PAGE = 100;

function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const after = pageToken.decode(token);
  if (after === undefined) throw invalid("Invalid parameter: NextToken");
  return after;
}

function topicOf(sim: SimAccount, arn: string | undefined, field = "TopicArn"): SimTopic {
  check.required(arn, field);
  const name = sim.arns.resourceOf("sns", arn!);
  if (name === undefined || name.includes(":")) throw invalid(`Invalid parameter: ${field}`);
  const topic = sim.topics.get(name);
  if (!topic) throw awsError(NotFoundException, 404, "Topic does not exist");
  return topic;
}

function subscriptionSummary(sim: SimAccount, s: SimSubscription): Subscription {
  return {
    SubscriptionArn: s.arn,
    Owner: sim.accountId,
    Protocol: s.protocol,
    Endpoint: s.endpoint,
    TopicArn: s.topicArn,
  };
}

function subscriptionPage(sim: SimAccount, options: PageOptions<SimSubscription>) {
  const page = sim.subscriptions.page(options);
  return {
    Subscriptions: page.items.map((s) => subscriptionSummary(sim, s)),
    ...(page.nextAfter !== undefined ? { NextToken: pageToken.encode(page.nextAfter) } : {}),
  };
}

export const sns: SimService = {
  throttled: () => awsError(ThrottledException, 400, "Rate exceeded"),
  apis: {
    ListTopics(input: ListTopicsCommandInput, sim): Out<ListTopicsCommandOutput> {
      const page = sim.topics.page({ after: decodeToken(input.NextToken), limit: PAGE });
      return {
        Topics: page.items.map((t) => ({ TopicArn: t.arn })),
        ...(page.nextAfter !== undefined ? { NextToken: pageToken.encode(page.nextAfter) } : {}),
      };
    },

    ListSubscriptions(input: ListSubscriptionsCommandInput, sim): Out<ListSubscriptionsCommandOutput> {
      return subscriptionPage(sim, { after: decodeToken(input.NextToken), limit: PAGE });
    },

    ListSubscriptionsByTopic(
      input: ListSubscriptionsByTopicCommandInput,
      sim,
    ): Out<ListSubscriptionsByTopicCommandOutput> {
      const topic = topicOf(sim, input.TopicArn);
      // Subscription ARNs start with their topic's ARN, so a topic's subscriptions are one key range.
      return subscriptionPage(sim, {
        after: decodeToken(input.NextToken),
        limit: PAGE,
        prefix: `${topic.arn}:`,
      });
    },

    GetTopicAttributes(input: GetTopicAttributesCommandInput, sim): Out<GetTopicAttributesCommandOutput> {
      const t = topicOf(sim, input.TopicArn);
      const confirmed = sim.subscriptions.page({ limit: Number.MAX_SAFE_INTEGER, prefix: `${t.arn}:` }).items
        .length;
      return {
        Attributes: {
          TopicArn: t.arn,
          Owner: sim.accountId,
          DisplayName: t.displayName,
          Policy: JSON.stringify({ Version: "2008-10-17", Id: "__default_policy_ID", Statement: [] }),
          SubscriptionsConfirmed: String(confirmed),
          SubscriptionsPending: "0",
          SubscriptionsDeleted: "0",
          EffectiveDeliveryPolicy: JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 3 } } }),
          ...(t.fifo
            ? { FifoTopic: "true", ContentBasedDeduplication: String(t.contentBasedDeduplication) }
            : {}),
          ...(t.kmsMasterKeyId ? { KmsMasterKeyId: t.kmsMasterKeyId } : {}),
        },
      };
    },

    GetSubscriptionAttributes(
      input: GetSubscriptionAttributesCommandInput,
      sim,
    ): Out<GetSubscriptionAttributesCommandOutput> {
      const arn = check.required(input.SubscriptionArn, "SubscriptionArn");
      const s = sim.subscriptions.get(arn);
      if (!s) throw awsError(NotFoundException, 404, "Subscription does not exist");
      return {
        Attributes: {
          SubscriptionArn: s.arn,
          TopicArn: s.topicArn,
          Owner: sim.accountId,
          Protocol: s.protocol,
          Endpoint: s.endpoint,
          ConfirmationWasAuthenticated: "true",
          PendingConfirmation: "false",
          RawMessageDelivery: String(s.rawMessageDelivery),
          SubscriptionPrincipal: `arn:aws:iam::${sim.accountId}:root`,
          ...(s.deadLetterArn
            ? { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: s.deadLetterArn }) }
            : {}),
          ...(s.filterPolicy ? { FilterPolicy: s.filterPolicy, FilterPolicyScope: "MessageAttributes" } : {}),
        },
      };
    },

    ListTagsForResource(input: ListTagsForResourceCommandInput, sim): Out<ListTagsForResourceCommandOutput> {
      const arn = check.required(input.ResourceArn, "ResourceArn");
      const name = sim.arns.resourceOf("sns", arn);
      const topic = name === undefined ? undefined : sim.topics.get(name);
      if (!topic) throw awsError(ResourceNotFoundException, 404, "Resource does not exist");
      return { Tags: tagList(topic.tags) };
    },
  },
};
