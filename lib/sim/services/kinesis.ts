import {
  InvalidArgumentException,
  LimitExceededException,
  ResourceNotFoundException,
  type DescribeStreamSummaryCommandInput,
  type DescribeStreamSummaryCommandOutput,
  type ListStreamConsumersCommandInput,
  type ListStreamConsumersCommandOutput,
  type ListStreamsCommandInput,
  type ListStreamsCommandOutput,
  type ListTagsForStreamCommandInput,
  type ListTagsForStreamCommandOutput,
} from "@aws-sdk/client-kinesis";
import type { SimAccount } from "../account.js";
import { awsError } from "../errors.js";
import { pageSorted, pageToken } from "../registry.js";
import type { Out, SimService } from "../service.js";
import type { SimStream } from "../state.js";
import { tagList } from "../tags.js";
import { validator } from "../validate.js";

const invalid = (message: string) => awsError(InvalidArgumentException, 400, message);
const check = validator(invalid);

function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const after = pageToken.decode(token);
  if (after === undefined) throw invalid(`NextToken ${token} is not valid.`);
  return after;
}

function streamOf(sim: SimAccount, name: string | undefined, arn: string | undefined): SimStream {
  if (name === undefined && arn === undefined)
    throw invalid("Either StreamName or StreamARN must be provided.");
  const resolved = name ?? sim.arns.resourceOf("kinesis", arn!)?.replace(/^stream\//, "");
  const stream = resolved === undefined ? undefined : sim.streams.get(resolved);
  if (!stream || (name !== undefined && arn !== undefined && stream.arn !== arn)) {
    throw awsError(
      ResourceNotFoundException,
      400,
      `Stream ${name ?? arn} under account ${sim.accountId} not found.`,
    );
  }
  return stream;
}

export const kinesis: SimService = {
  throttled: (api) => awsError(LimitExceededException, 400, `Rate exceeded for ${api}.`),
  apis: {
    ListStreams(input: ListStreamsCommandInput, sim): Out<ListStreamsCommandOutput> {
      check.range(input.Limit, "limit", 1, 10_000);
      if (input.NextToken !== undefined && input.ExclusiveStartStreamName !== undefined) {
        throw invalid("NextToken and ExclusiveStartStreamName cannot be provided together.");
      }
      // "If you specify a value greater than 100, at most 100 results are returned." (API_ListStreams)
      const page = sim.streams.page({
        after: decodeToken(input.NextToken) ?? input.ExclusiveStartStreamName,
        limit: Math.min(input.Limit ?? 100, 100),
      });
      return {
        StreamNames: page.items.map((s) => s.name),
        HasMoreStreams: page.nextAfter !== undefined,
        ...(page.nextAfter !== undefined ? { NextToken: pageToken.encode(page.nextAfter) } : {}),
        StreamSummaries: page.items.map((s) => ({
          StreamName: s.name,
          StreamARN: s.arn,
          StreamStatus: s.status,
          StreamModeDetails: { StreamMode: s.mode },
          StreamCreationTimestamp: new Date(s.createdAt),
        })),
      };
    },

    DescribeStreamSummary(
      input: DescribeStreamSummaryCommandInput,
      sim,
    ): Out<DescribeStreamSummaryCommandOutput> {
      const s = streamOf(sim, input.StreamName, input.StreamARN);
      return {
        StreamDescriptionSummary: {
          StreamName: s.name,
          StreamARN: s.arn,
          StreamStatus: s.status,
          StreamModeDetails: { StreamMode: s.mode },
          RetentionPeriodHours: s.retentionHours,
          StreamCreationTimestamp: new Date(s.createdAt),
          EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
          EncryptionType: s.encryption,
          ...(s.keyId ? { KeyId: s.keyId } : {}),
          OpenShardCount: s.shardCount,
          ConsumerCount: s.consumers.length,
        },
      };
    },

    ListStreamConsumers(input: ListStreamConsumersCommandInput, sim): Out<ListStreamConsumersCommandOutput> {
      const stream = streamOf(sim, undefined, check.required(input.StreamARN, "streamARN"));
      check.range(input.MaxResults, "maxResults", 1, 10_000);
      const byName = new Map(stream.consumers.map((c) => [c.name, c]));
      const page = pageSorted([...byName.keys()].sort(), (key) => byName.get(key)!, {
        after: decodeToken(input.NextToken),
        limit: input.MaxResults ?? 100,
      });
      return {
        Consumers: page.items.map((c) => ({
          ConsumerName: c.name,
          ConsumerARN: c.arn,
          ConsumerStatus: c.status,
          ConsumerCreationTimestamp: new Date(c.createdAt),
        })),
        ...(page.nextAfter !== undefined ? { NextToken: pageToken.encode(page.nextAfter) } : {}),
      };
    },

    ListTagsForStream(input: ListTagsForStreamCommandInput, sim): Out<ListTagsForStreamCommandOutput> {
      const stream = streamOf(sim, input.StreamName, input.StreamARN);
      check.range(input.Limit, "limit", 1, 50);
      const all = tagList(stream.tags).filter(
        (t) => input.ExclusiveStartTagKey === undefined || t.Key > input.ExclusiveStartTagKey,
      );
      const limit = input.Limit ?? 50;
      return { Tags: all.slice(0, limit), HasMoreTags: all.length > limit };
    },
  },
};
