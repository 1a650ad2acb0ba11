/**
 * Where the breaker's record lives: tags on the function's trip alarm. Reads go through `vetTripAlarm`,
 * so a record counts only on Watchkeeper's own alarm of that function in this account and region; an
 * alarm without the prefix or the managed tag, or one naming another function, holds nothing.
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type MetricAlarm,
} from "@aws-sdk/client-cloudwatch";
import {
  ResourceGroupsTaggingAPIClient,
  paginateGetResources,
} from "@aws-sdk/client-resource-groups-tagging-api";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { Aws } from "../aws/index.js";
import { collect } from "../inventory/context.js";
import type { LambdaFunction, Tags } from "../inventory/types.js";
import { breakerAlarmName } from "./alarms.js";
import type { AlarmStateValue } from "./decide.js";
import { BREAKER_ALARM_KINDS } from "./policy.js";
import { BREAKER_TAGS, countRecentTrips, readRecord, type RecordReading } from "./record.js";
import { vetTripAlarm, type AlarmRead, type Identity, type TripAlarm } from "./trust.js";

/** This account and region, from STS: for callers without a Lambda context or a function to go by. */
export async function callerIdentity(aws: Aws): Promise<Identity> {
  const out = await aws.client(STSClient).send(new GetCallerIdentityCommand({}));
  if (!out.Account) throw new Error("STS GetCallerIdentity returned no account id");
  return { accountId: out.Account, region: aws.region };
}

const STATES: readonly AlarmStateValue[] = ["ALARM", "OK", "INSUFFICIENT_DATA"];

/** Alarms by exact name, with their tags (DescribeAlarms, then ListTagsForResource each). */
export async function readAlarms(aws: Aws, names: readonly string[]): Promise<AlarmRead[]> {
  if (names.length === 0) return [];
  const cloudwatch = aws.client(CloudWatchClient);
  const out = await cloudwatch.send(
    new DescribeAlarmsCommand({ AlarmNames: [...names], AlarmTypes: ["MetricAlarm"], MaxRecords: 100 }),
  );
  const read: AlarmRead[] = [];
  for (const alarm of out.MetricAlarms ?? []) {
    const state = STATES.find((s) => s === alarm.StateValue);
    if (!alarm.AlarmName || !alarm.AlarmArn || !state) continue;
    const tags = await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }));
    read.push({
      name: alarm.AlarmName,
      arn: alarm.AlarmArn,
      state,
      since: new Date(alarm.StateUpdatedTimestamp ?? alarm.StateTransitionedTimestamp ?? 0),
      tags: Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
      functionNames: functionDimensions(alarm),
    });
  }
  return read;
}

function functionDimensions(alarm: MetricAlarm): string[] {
  const dims = [
    ...(alarm.Dimensions ?? []),
    ...(alarm.Metrics ?? []).flatMap((q) => q.MetricStat?.Metric?.Dimensions ?? []),
  ];
  return dims.filter((d) => d.Name === "FunctionName" && d.Value).map((d) => d.Value as string);
}

/** The function's trip alarms, every kind (a record may sit on a kind since turned off), vetted; in kind order. */
export async function readFunctionTripAlarms(
  aws: Aws,
  prefix: string,
  fn: LambdaFunction,
): Promise<TripAlarm[]> {
  const names = BREAKER_ALARM_KINDS.map((kind) => breakerAlarmName(prefix, kind, fn.name));
  const own = { accountId: fn.accountId, region: fn.region };
  return (await readAlarms(aws, names))
    .flatMap((alarm) => {
      const vetted = vetTripAlarm(alarm, prefix, own);
      return vetted.ok && vetted.alarm.functionName === fn.name ? [vetted.alarm] : [];
    })
    .sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
}

/** A function's record and the alarm holding it; two alarms holding records is a conflict, never guessed. */
export interface StoredRecord {
  readonly reading: RecordReading;
  /** The alarm with the record, or (closed) the one a trip would write to. */
  readonly holder?: TripAlarm;
  readonly alarms: readonly TripAlarm[];
}

export function storedRecord(alarms: readonly TripAlarm[], preferred?: string): StoredRecord {
  const holding = alarms.filter((alarm) => alarm.tags[BREAKER_TAGS.state] !== undefined);
  if (holding.length > 1) {
    return {
      reading: {
        kind: "unreadable",
        problems: [`records on ${holding.length} trip alarms (${holding.map((a) => a.name).join(", ")})`],
      },
      alarms,
    };
  }
  const holder = holding[0] ?? alarms.find((alarm) => alarm.name === preferred) ?? alarms[0];
  return {
    reading: holding[0] ? readRecord(holding[0].tags) : { kind: "closed" },
    ...(holder ? { holder } : {}),
    alarms,
  };
}

/** Writes tags of the record on its alarm (TagResource replaces each key's value). */
export async function writeRecordTags(
  aws: Aws,
  alarm: TripAlarm,
  tags: Record<string, string>,
): Promise<void> {
  await aws.client(CloudWatchClient).send(
    new TagResourceCommand({
      ResourceARN: alarm.arn,
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
}

export async function removeRecordTags(aws: Aws, alarm: TripAlarm, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await aws
    .client(CloudWatchClient)
    .send(new UntagResourceCommand({ ResourceARN: alarm.arn, TagKeys: [...keys] }));
}

/** Alarms of the account carrying `key` (Tagging API), vetted: a tag on anything else counts for nothing. */
async function vettedAlarmsTagged(
  aws: Aws,
  key: string,
  prefix: string,
  own: Identity,
): Promise<TripAlarm[]> {
  const client = aws.client(ResourceGroupsTaggingAPIClient);
  const found = await collect(
    paginateGetResources(
      { client, stopOnSameToken: true },
      { ResourceTypeFilters: ["cloudwatch:alarm"], TagFilters: [{ Key: key }], ResourcesPerPage: 100 },
    ),
    (page) => page.ResourceTagMappingList,
  );
  return found.flatMap((mapping) => {
    const arn = mapping.ResourceARN ?? "";
    const name = arn.split(":alarm:")[1] ?? "";
    const tags: Tags = Object.fromEntries((mapping.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
    // The Tagging API gives no state or dimensions; the vetting here is by name, ARN and tags.
    const vetted = vetTripAlarm(
      { name, arn, state: "INSUFFICIENT_DATA", since: new Date(0), tags, functionNames: [] },
      prefix,
      own,
    );
    return vetted.ok ? [vetted.alarm] : [];
  });
}

/** Functions with a record on one of their trip alarms, by name. */
export async function readRecordedFunctions(aws: Aws, prefix: string, own: Identity): Promise<string[]> {
  const alarms = await vettedAlarmsTagged(aws, BREAKER_TAGS.state, prefix, own);
  return [...new Set(alarms.map((alarm) => alarm.functionName))].sort();
}

/** Breaker trips recorded on the account's trip alarms in the hour before `now`. */
export async function readRecentTrips(aws: Aws, prefix: string, own: Identity, now: Date): Promise<number> {
  const alarms = await vettedAlarmsTagged(aws, BREAKER_TAGS.trips, prefix, own);
  return countRecentTrips(
    alarms.map((alarm) => alarm.tags),
    now,
  );
}
