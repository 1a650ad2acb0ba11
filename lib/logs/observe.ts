/**
 * Reads one log group as the plan needs it (retention, stored bytes, tags, and the functions writing
 * to it), for the paths that must not wait for a full inventory: the CreateLogGroup event and
 * `retention set`. A tag read that fails is an error naming the call, never an empty set of tags: an
 * opt-out that could not be seen must not be taken for none.
 */
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  type LogGroup as SdkLogGroup,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  GetFunctionCommand,
  LambdaClient,
  ListTagsCommand,
  paginateListFunctions,
  type FunctionConfiguration,
} from "@aws-sdk/client-lambda";
import type { Aws } from "../aws/clients.js";
import { awsErrorReason, isNotFound } from "../aws/errors.js";
import { paginate } from "../aws/paginate.js";
import type { LogGroup } from "../inventory/types.js";
import type { LogGroupWriter, RetentionInput } from "./plan.js";

const LAMBDA_PREFIX = "/aws/lambda/";

/** A read that decides whether Watchkeeper may touch the group failed: nothing may be done on a guess. */
export class LogGroupUnseen extends Error {
  constructor(
    /** The failed call, as IAM names it: `logs:ListTagsForResource`. */
    readonly call: string,
    readonly target: string,
    why: string,
    options?: ErrorOptions,
  ) {
    super(`${call} on ${target} failed: ${why}`, options);
    this.name = "LogGroupUnseen";
  }
}

export interface ObserveOptions {
  /**
   * Find every function writing to the group (ListFunctions, then each one's tags), not only the one
   * its `/aws/lambda/<name>` says: for a one-off action, where a missed opt-out matters more than calls.
   */
  readonly allWriters?: boolean;
}

/**
 * The group and its writers as a one-group plan input, or undefined when the group does not exist.
 * Throws LogGroupUnseen when its tags or a writer's tags cannot be read.
 */
export async function observeLogGroup(
  aws: Aws,
  logGroupName: string,
  options: ObserveOptions = {},
): Promise<RetentionInput | undefined> {
  const described = await describeOne(aws, logGroupName);
  if (!described) return undefined;
  const arn = described.logGroupArn ?? stripWildcard(described.arn ?? "");
  if (!arn)
    throw new LogGroupUnseen(
      "logs:DescribeLogGroups",
      logGroupName,
      "the answer carries no ARN for the group, so its tags cannot be read",
    );
  const tags = await readOrName("logs:ListTagsForResource", arn, async () => {
    const answer = await aws
      .client(CloudWatchLogsClient)
      .send(new ListTagsForResourceCommand({ resourceArn: arn }));
    return answer.tags ?? {};
  });
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
  const functions = options.allWriters
    ? await everyWriter(aws, logGroupName)
    : await defaultWriter(aws, logGroupName);
  return { logGroups: [group], functions };
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
 * with a custom name cannot be traced to its function without listing them all: `everyWriter` does.
 */
async function defaultWriter(aws: Aws, logGroupName: string): Promise<LogGroupWriter[]> {
  if (!logGroupName.startsWith(LAMBDA_PREFIX)) return [];
  const functionName = logGroupName.slice(LAMBDA_PREFIX.length);
  if (!functionName || functionName.includes("/")) return [];
  const config = await readOrName("lambda:GetFunction", functionName, async () => {
    try {
      const fn = await aws.client(LambdaClient).send(new GetFunctionCommand({ FunctionName: functionName }));
      return fn.Configuration;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  });
  if (!config?.FunctionArn || writesTo(config) !== logGroupName) return [];
  return [await writer(aws, { arn: config.FunctionArn, name: functionName, logGroupName })];
}

/** Every function whose logs go to the group, with its tags. */
async function everyWriter(aws: Aws, logGroupName: string): Promise<LogGroupWriter[]> {
  const found = await readOrName("lambda:ListFunctions", "the account's functions", async () => {
    const writing: { arn: string; name: string; logGroupName: string }[] = [];
    for await (const page of paginateListFunctions({ client: aws.client(LambdaClient) }, {})) {
      for (const config of page.Functions ?? []) {
        if (config.FunctionArn && config.FunctionName && writesTo(config) === logGroupName)
          writing.push({ arn: config.FunctionArn, name: config.FunctionName, logGroupName });
      }
    }
    return writing;
  });
  const writers: LogGroupWriter[] = [];
  for (const fn of found) writers.push(await writer(aws, fn));
  return writers;
}

/** ListTags, not GetFunction's Tags: GetFunction leaves them out, silently, without lambda:ListTags. */
async function writer(aws: Aws, fn: Omit<LogGroupWriter, "tags">): Promise<LogGroupWriter> {
  const tags = await readOrName("lambda:ListTags", fn.arn, async () => {
    const answer = await aws.client(LambdaClient).send(new ListTagsCommand({ Resource: fn.arn }));
    return answer.Tags ?? {};
  });
  return { ...fn, tags };
}

function writesTo(config: Pick<FunctionConfiguration, "FunctionName" | "LoggingConfig">): string {
  return config.LoggingConfig?.LogGroup ?? `${LAMBDA_PREFIX}${config.FunctionName ?? ""}`;
}

async function readOrName<T>(call: string, target: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new LogGroupUnseen(call, target, awsErrorReason(error), { cause: error });
  }
}

function stripWildcard(arn: string): string {
  return arn.endsWith(":*") ? arn.slice(0, -2) : arn;
}
