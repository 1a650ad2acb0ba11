import {
  InvalidParameterException,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  ThrottlingException,
  type CreateLogGroupCommandInput,
  type CreateLogGroupCommandOutput,
  type DeleteLogGroupCommandInput,
  type DeleteLogGroupCommandOutput,
  type DeleteRetentionPolicyCommandInput,
  type DeleteRetentionPolicyCommandOutput,
  type DescribeLogGroupsCommandInput,
  type DescribeLogGroupsCommandOutput,
  type ListTagsForResourceCommandInput,
  type ListTagsForResourceCommandOutput,
  type ListTagsLogGroupCommandInput,
  type ListTagsLogGroupCommandOutput,
  type LogGroup,
  type PutRetentionPolicyCommandInput,
  type PutRetentionPolicyCommandOutput,
  type TagResourceCommandInput,
  type TagResourceCommandOutput,
  type UntagResourceCommandInput,
  type UntagResourceCommandOutput,
} from "@aws-sdk/client-cloudwatch-logs";
import type { SimAccount } from "../account.js";
import { awsError } from "../errors.js";
import { pageToken } from "../registry.js";
import type { Out, SimService } from "../service.js";
import type { SimLogGroup } from "../state.js";
import { applyTags, removeTags } from "../tags.js";
import { validator } from "../validate.js";

/** The only values PutRetentionPolicy accepts. */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const invalid = (message: string) => awsError(InvalidParameterException, 400, message);
const check = validator(invalid);
const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;
/** CloudWatch Logs allows more tags per resource than most services. */
const MAX_LOG_TAGS = 50;

function checkName(name: string | undefined, field = "logGroupName"): string {
  check.required(name, field);
  check.length(name, field, 1, 512);
  check.pattern(name, field, LOG_GROUP_NAME);
  return name!;
}

function groupOf(sim: SimAccount, name: string | undefined): SimLogGroup {
  const group = sim.logGroups.get(checkName(name));
  if (!group) throw awsError(ResourceNotFoundException, 400, "The specified log group does not exist.");
  return group;
}

/** Tagging APIs take the group's ARN without the trailing `:*` that DescribeLogGroups' `arn` has. */
function groupByArn(sim: SimAccount, arn: string | undefined): SimLogGroup {
  check.required(arn, "resourceArn");
  if (arn!.endsWith(":*"))
    throw invalid(
      `The ARN ${arn} is not valid: use the log group ARN without the trailing ":*" (logGroupArn)`,
    );
  const resource = sim.arns.resourceOf("logs", arn!);
  const group = resource?.startsWith("log-group:")
    ? sim.logGroups.get(resource.slice("log-group:".length))
    : undefined;
  if (!group) throw awsError(ResourceNotFoundException, 400, `The specified resource does not exist: ${arn}`);
  return group;
}

function describe(group: SimLogGroup): LogGroup {
  return {
    logGroupName: group.name,
    creationTime: group.createdAt,
    // Only present when set: a group without it never expires.
    ...(group.retentionInDays !== undefined ? { retentionInDays: group.retentionInDays } : {}),
    metricFilterCount: 0,
    arn: `${group.arn}:*`,
    storedBytes: group.storedBytes,
    ...(group.kmsKeyId ? { kmsKeyId: group.kmsKeyId } : {}),
    logGroupClass: group.logGroupClass,
    logGroupArn: group.arn,
  };
}

export const logs: SimService = {
  throttled: () => awsError(ThrottlingException, 400, "Rate exceeded"),
  apis: {
    DescribeLogGroups(input: DescribeLogGroupsCommandInput, sim): Out<DescribeLogGroupsCommandOutput> {
      check.range(input.limit, "limit", 1, 50);
      if (input.logGroupNamePrefix !== undefined) checkName(input.logGroupNamePrefix, "logGroupNamePrefix");
      if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
        throw invalid("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
      }
      let after: string | undefined;
      if (input.nextToken !== undefined) {
        after = pageToken.decode(input.nextToken);
        if (after === undefined) throw invalid("The specified nextToken is invalid.");
      }
      const pattern = input.logGroupNamePattern?.toLowerCase();
      const page = sim.logGroups.page({
        after,
        limit: input.limit ?? 50,
        ...(input.logGroupNamePrefix ? { prefix: input.logGroupNamePrefix } : {}),
        where: (g) =>
          (pattern === undefined || g.name.toLowerCase().includes(pattern)) &&
          (input.logGroupClass === undefined || g.logGroupClass === input.logGroupClass),
      });
      return {
        logGroups: page.items.map(describe),
        ...(page.nextAfter !== undefined ? { nextToken: pageToken.encode(page.nextAfter) } : {}),
      };
    },

    CreateLogGroup(input: CreateLogGroupCommandInput, sim): Out<CreateLogGroupCommandOutput> {
      const name = checkName(input.logGroupName);
      check.oneOf(input.logGroupClass, "logGroupClass", ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"]);
      if (sim.logGroups.has(name))
        throw awsError(ResourceAlreadyExistsException, 400, "The specified log group already exists");
      const tags = {};
      applyTags(tags, input.tags ?? {}, check, MAX_LOG_TAGS);
      sim.addLogGroup({
        name,
        tags,
        ...(input.kmsKeyId ? { kmsKeyId: input.kmsKeyId } : {}),
        ...(input.logGroupClass
          ? { logGroupClass: input.logGroupClass as SimLogGroup["logGroupClass"] }
          : {}),
      });
      return {};
    },

    DeleteLogGroup(input: DeleteLogGroupCommandInput, sim): Out<DeleteLogGroupCommandOutput> {
      sim.logGroups.delete(groupOf(sim, input.logGroupName).name);
      return {};
    },

    PutRetentionPolicy(input: PutRetentionPolicyCommandInput, sim): Out<PutRetentionPolicyCommandOutput> {
      const days = check.required(input.retentionInDays, "retentionInDays");
      check.oneOf(days, "retentionInDays", RETENTION_DAYS);
      const group = groupOf(sim, input.logGroupName);
      if (group.logGroupClass === "DELIVERY")
        throw invalid("Retention cannot be changed for a log group of the DELIVERY class.");
      group.retentionInDays = days;
      return {};
    },

    DeleteRetentionPolicy(
      input: DeleteRetentionPolicyCommandInput,
      sim,
    ): Out<DeleteRetentionPolicyCommandOutput> {
      delete groupOf(sim, input.logGroupName).retentionInDays;
      return {};
    },

    ListTagsForResource(input: ListTagsForResourceCommandInput, sim): Out<ListTagsForResourceCommandOutput> {
      return { tags: { ...groupByArn(sim, input.resourceArn).tags } };
    },

    ListTagsLogGroup(input: ListTagsLogGroupCommandInput, sim): Out<ListTagsLogGroupCommandOutput> {
      return { tags: { ...groupOf(sim, input.logGroupName).tags } };
    },

    TagResource(input: TagResourceCommandInput, sim): Out<TagResourceCommandOutput> {
      applyTags(
        groupByArn(sim, input.resourceArn).tags,
        check.required(input.tags, "tags"),
        check,
        MAX_LOG_TAGS,
      );
      return {};
    },

    UntagResource(input: UntagResourceCommandInput, sim): Out<UntagResourceCommandOutput> {
      removeTags(groupByArn(sim, input.resourceArn).tags, check.required(input.tagKeys, "tagKeys"));
      return {};
    },
  },
};
