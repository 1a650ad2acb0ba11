/**
 * Where an alarm's last ALARM message is, so its OK (or INSUFFICIENT_DATA) replies in that thread.
 * Kept as a tag on the alarm itself, `watchkeeper:slack-thread=<channel>/<ts>`: the alarm is
 * Watchkeeper's, it is read anyway for the notification (ListTagsForResource), tags survive alarm
 * updates (PutMetricAlarm ignores tags; the reconciler only adds the tags it wants), and the state goes
 * when the alarm goes. No table, no history search.
 *
 * Only an alarm Watchkeeper owns keeps thread state: its name has the prefix AND it carries the managed
 * tag, and it is in this region. Anything else (an alarm borrowing the prefix, a team's alarm that a
 * notification names) is posted without threading, and never tagged.
 */
import { CloudWatchClient, TagResourceCommand } from "@aws-sdk/client-cloudwatch";
import type { Aws } from "../aws/clients.js";
import type { Tags } from "../inventory/types.js";
import { isManaged, MANAGED_TAG, TAGS } from "../policy/tags.js";
import { alarmTags } from "./tags.js";

export interface SlackThread {
  readonly channel: string;
  readonly ts: string;
}

/** Channel IDs are letters and digits; a ts is "<seconds>.<micros>": both fit CloudWatch's tag characters. */
const THREAD = /^([A-Z0-9]{2,40})\/(\d{6,12}\.\d{1,9})$/;

export function readThread(alarmTags: Tags): SlackThread | undefined {
  const match = THREAD.exec(alarmTags[TAGS.slackThread]?.trim() ?? "");
  return match ? { channel: match[1]!, ts: match[2]! } : undefined;
}

export function threadTagValue(thread: SlackThread): string | undefined {
  const value = `${thread.channel}/${thread.ts}`;
  return THREAD.test(value) ? value : undefined;
}

/**
 * Why Watchkeeper may not keep thread state on the alarm, or undefined when it may. `alarmTags` are the
 * alarm's own, read by its ARN; the name is the ARN's, the one a tag would be written on.
 */
export function notThreadable(
  alarmArn: string,
  alarmTags: Tags,
  where: { readonly prefix: string; readonly region: string },
): string | undefined {
  const parts = alarmArn.split(":");
  const name = parts.slice(6).join(":");
  if (parts[2] !== "cloudwatch" || parts[5] !== "alarm" || !name)
    return `${alarmArn} is not a CloudWatch alarm ARN`;
  if (parts[3] !== where.region) return `alarm ${name} is in ${parts[3]}, not in ${where.region}`;
  if (!name.startsWith(where.prefix)) return `alarm ${name} does not start with the prefix "${where.prefix}"`;
  if (!isManaged(alarmTags)) return `alarm ${name} does not carry ${MANAGED_TAG.key}=${MANAGED_TAG.value}`;
  return undefined;
}

export type RememberedThread =
  { readonly remembered: true } | { readonly remembered: false; readonly why: string };

/**
 * Tags the alarm with the message's place, after reading its tags again: only an alarm Watchkeeper owns
 * (`notThreadable`) is ever tagged. Throws when the read or the write fails.
 */
export async function rememberThread(
  aws: Aws,
  alarmArn: string,
  thread: SlackThread,
  prefix: string,
): Promise<RememberedThread> {
  const value = threadTagValue(thread);
  if (!value) return { remembered: false, why: `${thread.channel}/${thread.ts} cannot be written as a tag` };
  const why = notThreadable(alarmArn, await alarmTags(aws, alarmArn), { prefix, region: aws.region });
  if (why !== undefined) return { remembered: false, why };
  await aws
    .client(CloudWatchClient)
    .send(new TagResourceCommand({ ResourceARN: alarmArn, Tags: [{ Key: TAGS.slackThread, Value: value }] }));
  return { remembered: true };
}
