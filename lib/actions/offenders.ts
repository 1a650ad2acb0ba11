/**
 * Top offenders of an aggregate alarm, over lib/notify's `topOffenders`: the alarm read with
 * DescribeAlarms, identified from its tags, and ranked over its evaluation window: the window in which
 * it went to ALARM while it is in ALARM, else the window ending now.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import type { Aws } from "../aws/clients.js";
import { describeAwsError } from "../aws/errors.js";
import { changeFromAlarm, identifyAlarm, topOffenders } from "../notify/index.js";
import { alarmTags } from "../notify/tags.js";
import type { Tags } from "../inventory/types.js";
import type { ActionOf } from "./schema.js";
import type { ActionAnswer, ActionContext } from "./types.js";

export async function topOffendersAction(
  aws: Aws,
  action: ActionOf<"top-offenders">,
  ctx: ActionContext,
): Promise<ActionAnswer> {
  const answer = await aws
    .client(CloudWatchClient)
    .send(new DescribeAlarmsCommand({ AlarmNames: [action.alarm], AlarmTypes: ["MetricAlarm"] }));
  const alarm = answer.MetricAlarms?.find((a) => a.AlarmName === action.alarm);
  if (!alarm) return { outcome: "refused", text: `no metric alarm named ${action.alarm} in ${aws.region}` };
  const current = changeFromAlarm(alarm);
  const change = current.state === "ALARM" ? current : { ...current, time: ctx.now.toISOString() };
  let tags: Tags | undefined;
  let warning: string | undefined;
  try {
    tags = alarm.AlarmArn ? await alarmTags(aws, alarm.AlarmArn) : undefined;
  } catch (error) {
    warning = `the alarm's tags could not be read (${describeAwsError(error)}); identified by its name`;
  }
  const identity = identifyAlarm(change, {
    prefix: ctx.config.prefix,
    runbookBaseUrl: ctx.config.runbookBaseUrl,
    ...(tags ? { alarmTags: tags } : {}),
  });
  if (identity.level !== "aggregate")
    return {
      outcome: "refused",
      text:
        `${action.alarm} watches one resource${identity.resourceName ? ` (${identity.resourceName})` : ""}: ` +
        `top offenders rank the resources of an aggregate alarm (${ctx.config.prefix}<catalog-id>)`,
    };
  const top = await topOffenders(aws, change, { identity, limit: action.limit ?? 5 });
  if (!top)
    return {
      outcome: "refused",
      text: `${action.alarm} has no query that can be grouped by resource, so its offenders cannot be ranked`,
    };
  const window = `${Math.round(top.windowSeconds / 60)} min to ${change.time.slice(11, 16)} UTC`;
  const when =
    current.state === "ALARM"
      ? `when it went to ALARM (${window})`
      : `now (${window}; it is ${current.state})`;
  const width = Math.max(0, ...top.offenders.map((o) => o.name.length));
  const lines =
    top.offenders.length === 0
      ? [`no ${top.dimension} reported data for ${action.alarm} ${when}`]
      : [
          `top ${top.offenders.length} ${top.dimension} of ${action.alarm} ${when}, ${top.function} of ${identity.entry?.metricName ?? "the metric"}:`,
          ...top.offenders.map((o, i) => `  ${i + 1}. ${o.name.padEnd(width)}  ${formatValue(o.value)}`),
        ];
  return {
    outcome: "done",
    text: [...lines, ...(warning ? [`(${warning})`] : [])].join("\n"),
    details: { alarm: action.alarm, state: current.state, ...top },
  };
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
