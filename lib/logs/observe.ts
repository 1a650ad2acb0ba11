/**
 * Reads one log group as the plan needs it (retention, stored bytes, tags, and the function writing
 * to it when its name says which), for the event path, which must not wait for a full inventory.
 */
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  type LogGroup as SdkLogGroup,
} from "@aws-sdk/client-cloudwatch-logs";
import { GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { Aws } from "../aws/clients.js";
import { isNotFound } from "../aws/errors.js";
import { paginate } from "../aws/paginate.js";
import type { LogGroup } from "../inventory/types.js";
import type { LogGroupWriter, RetentionInput } from "./plan.js";

const LAMBDA_PREFIX = "/aws/lambda/";

/** The group and its writer as a one-group plan input, or undefined when the group does not exist. */
export async function observeLogGroup(aws: Aws, logGroupName: string): Promise<RetentionInput | undefined> {
  const described = await describeOne(aws, logGroupName);
  if (!described) return undefined;
  const arn = described.logGroupArn ?? stripWildcard(described.arn ?? "");
  const tags = arn
    ? ((await aws.client(CloudWatchLogsClient).send(new ListTagsForResourceCommand({ resourceArn: arn })))
        .tags ?? {})
    : {};
  const group: LogGroup = {
    kind: "log-group",
    arn,
    name: logGroupName,
    region: aws.region,
    accountId: arn.split(":")[4] ?? "",
    tags,
    ...(described.retentionInDays !== undefined ? { retentionInDays: described.retentionInDays } : {}),
    ...(described.storedBytes !== undefined ? { storedBytes: described.storedBytes } : {}),
    ...(described.logGroupClass !== undefined ? { logGroupClass: described.logGroupClass } : {}),
    ...(described.kmsKeyId !== undefined ? { kmsKeyId: described.kmsKeyId } : {}),
  };
  const writer = await defaultWriter(aws, logGroupName);
  return { logGroups: [group], functions: writer ? [writer] : [] };
}

/** DescribeLogGroups has no exact-name filter everywhere, so page the prefix until the name shows. */
async function describeOne(aws: Aws, logGroupName: string): Promise<SdkLogGroup | undefined> {
  const logs = aws.client(CloudWatchLogsClient);
  const pages = paginate(
    (nextToken) => logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName, nextToken })),
    (page) => page.nextToken,
  );
  for await (const page of pages) {
    const found = page.logGroups?.find((g) => g.logGroupName === logGroupName);
    if (found) return found;
  }
  return undefined;
}

/**
 * `/aws/lambda/<name>` belongs to function <name> unless advanced logging sent it elsewhere. A group
 * with a custom name cannot be traced to its function without listing them all: the sweep does that.
 */
async function defaultWriter(aws: Aws, logGroupName: string): Promise<LogGroupWriter | undefined> {
  if (!logGroupName.startsWith(LAMBDA_PREFIX)) return undefined;
  const functionName = logGroupName.slice(LAMBDA_PREFIX.length);
  if (!functionName || functionName.includes("/")) return undefined;
  try {
    const fn = await aws.client(LambdaClient).send(new GetFunctionCommand({ FunctionName: functionName }));
    const config = fn.Configuration;
    const writesTo = config?.LoggingConfig?.LogGroup ?? logGroupName;
    if (!config?.FunctionArn || writesTo !== logGroupName) return undefined;
    return { name: functionName, arn: config.FunctionArn, tags: fn.Tags ?? {}, logGroupName: writesTo };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function stripWildcard(arn: string): string {
  return arn.endsWith(":*") ? arn.slice(0, -2) : arn;
}
