/**
 * Where an alarm's last ALARM message is, so its OK (or INSUFFICIENT_DATA) replies in that thread.
 * Kept as a tag on the alarm itself, `watchkeeper:slack-thread=<channel>/<ts>`: the alarm is
 * Watchkeeper's (only alarms with the managed tag are tagged), it is read anyway for the notification
 * (ListTagsForResource), tags survive alarm updates (PutMetricAlarm ignores tags; the reconciler only
 * adds the tags it wants), and the state goes when the alarm goes. No table, no history search.
 */
import { CloudWatchClient, TagResourceCommand } from "@aws-sdk/client-cloudwatch";
import type { Aws } from "../aws/clients.js";
import type { Tags } from "../inventory/types.js";
import { TAGS } from "../policy/tags.js";

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

/** Tags the alarm with the message's place; returns false when the place cannot be written as a tag. */
export async function rememberThread(aws: Aws, alarmArn: string, thread: SlackThread): Promise<boolean> {
  const value = threadTagValue(thread);
  if (!value) return false;
  await aws
    .client(CloudWatchClient)
    .send(new TagResourceCommand({ ResourceARN: alarmArn, Tags: [{ Key: TAGS.slackThread, Value: value }] }));
  return true;
}
