/** CloudWatch Logs log groups with retention (absent: never expires) and stored bytes. */
import { CloudWatchLogsClient, paginateDescribeLogGroups } from "@aws-sdk/client-cloudwatch-logs";
import { logGroupArn, normalizeLogGroupArn } from "../arn.js";
import { attempt, listCall, collect, type DiscoveryContext } from "../context.js";
import type { LogGroup } from "../types.js";

export async function discoverLogGroups(ctx: DiscoveryContext): Promise<LogGroup[]> {
  const client = ctx.aws.client(CloudWatchLogsClient);
  ctx.progress({ phase: "log-group", done: 0 });
  const listed = await attempt(ctx, listCall("logs", "DescribeLogGroups", "log-group"), () =>
    collect(
      paginateDescribeLogGroups({ client, stopOnSameToken: true }, { limit: 50 }),
      (page) => page.logGroups,
    ),
  );
  if (!listed.ok) return [];
  ctx.progress({ phase: "log-group", done: listed.value.length, total: listed.value.length });

  return listed.value.flatMap((group): LogGroup[] => {
    const name = group.logGroupName;
    if (!name) return [];
    return [
      {
        kind: "log-group",
        arn:
          group.logGroupArn ??
          (group.arn ? normalizeLogGroupArn(group.arn) : logGroupArn(ctx.region, ctx.accountId, name)),
        name,
        region: ctx.region,
        accountId: ctx.accountId,
        tags: {},
        ...(group.retentionInDays !== undefined ? { retentionInDays: group.retentionInDays } : {}),
        ...(group.storedBytes !== undefined ? { storedBytes: group.storedBytes } : {}),
        ...(group.logGroupClass ? { logGroupClass: group.logGroupClass } : {}),
        ...(group.kmsKeyId ? { kmsKeyId: group.kmsKeyId } : {}),
      },
    ];
  });
}
