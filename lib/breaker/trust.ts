/**
 * What the breaker trusts, pure: an event only from this account and region, and a trip alarm only when
 * it is Watchkeeper's (named `<prefix>breaker-<kind>-<function>`, tagged `watchkeeper:managed=true`, in
 * this account and region) and everything it says about its function agrees. The function a breaker acts
 * on comes from such an alarm, never from the event's other fields.
 */
import { ALARM_TAGS } from "../alarms/plan.js";
import type { Tags } from "../inventory/types.js";
import { MANAGED_TAG } from "../policy/tags.js";
import { BREAKER_FUNCTION_TAG, breakerAlarmName, breakerAlarmPrefix } from "./alarms.js";
import type { AlarmStateValue } from "./decide.js";
import { BREAKER_ALARM_KINDS } from "./policy.js";

/** The account and region Watchkeeper runs in (its Lambda context, or STS and the client's region). */
export interface Identity {
  readonly accountId: string;
  readonly region: string;
}

/** An alarm as CloudWatch returned it, before anything it says is believed. */
export interface AlarmRead {
  readonly name: string;
  readonly arn: string;
  readonly state: AlarmStateValue;
  readonly since: Date;
  readonly tags: Tags;
  /** FunctionName dimensions of its metrics. */
  readonly functionNames: readonly string[];
}

/** A trip alarm that passed `vetTripAlarm`: its function is the one it trips. */
export interface TripAlarm extends AlarmRead {
  readonly functionName: string;
}

export type Vetted =
  { readonly ok: true; readonly alarm: TripAlarm } | { readonly ok: false; readonly reason: string };

const ALARM_ARN = /^arn:aws[a-z-]*:cloudwatch:([a-z0-9-]+):(\d{12}):alarm:(.+)$/;
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9_-]{1,64})$/;

/** Whether `alarm` is one of Watchkeeper's trip alarms in `own`'s account and region, and for which function. */
export function vetTripAlarm(alarm: AlarmRead, prefix: string, own: Identity): Vetted {
  const no = (why: string): Vetted => ({ ok: false, reason: `alarm ${alarm.name} ${why}` });
  if (!alarm.name.startsWith(breakerAlarmPrefix(prefix)))
    return no(`is not a trip alarm (their names start with ${breakerAlarmPrefix(prefix)})`);
  const [, region, accountId, name] = ALARM_ARN.exec(alarm.arn) ?? [];
  if (name !== alarm.name) return no(`has the ARN ${alarm.arn}, which does not name it`);
  if (region !== own.region || accountId !== own.accountId)
    return no(
      `is in account ${accountId} and ${region}, not in this account (${own.accountId}) and ${own.region}`,
    );
  if (alarm.tags[MANAGED_TAG.key] !== MANAGED_TAG.value)
    return no(
      `is not Watchkeeper's: it lacks the tag ${MANAGED_TAG.key}=${MANAGED_TAG.value} (made by hand?)`,
    );
  const tagged = alarm.tags[BREAKER_FUNCTION_TAG];
  const resource = alarm.tags[ALARM_TAGS.resource];
  const [, fnRegion, fnAccount, fromResource] =
    resource !== undefined ? (FUNCTION_ARN.exec(resource) ?? []) : [];
  const named = [...new Set(alarm.functionNames)];
  const functionName = tagged ?? fromResource ?? (named.length === 1 ? named[0] : undefined);
  if (!functionName)
    return no(
      `names no function (no ${BREAKER_FUNCTION_TAG} or ${ALARM_TAGS.resource} tag, no single FunctionName dimension)`,
    );
  if (
    resource !== undefined &&
    (fromResource !== functionName || fnRegion !== own.region || fnAccount !== own.accountId)
  )
    return no(
      `disagrees with itself: ${ALARM_TAGS.resource}=${resource} is not function ${functionName} of this account and region`,
    );
  const others = named.filter((n) => n !== functionName);
  if (others.length > 0)
    return no(`disagrees with itself: it watches ${others.join(", ")}, not ${functionName}`);
  if (!BREAKER_ALARM_KINDS.some((kind) => breakerAlarmName(prefix, kind, functionName) === alarm.name))
    return no(`disagrees with itself: its name does not end in the function it names (${functionName})`);
  return { ok: true, alarm: { ...alarm, functionName } };
}

/** What an alarm event claims about where it comes from. */
export interface EventOrigin {
  readonly account?: string;
  readonly region?: string;
  readonly alarmArn: string;
}

/** Why an event is not from this account and region, or undefined when it is. */
export function foreignEvent(origin: EventOrigin, own: Identity): string | undefined {
  if (origin.account !== undefined && origin.account !== own.accountId)
    return `the event comes from account ${origin.account}; this breaker serves ${own.accountId}`;
  if (origin.region !== undefined && origin.region !== own.region)
    return `the event comes from ${origin.region}; this breaker serves ${own.region}`;
  const [, region, accountId] = ALARM_ARN.exec(origin.alarmArn) ?? [];
  if (region !== own.region || accountId !== own.accountId)
    return `the event's alarm ${origin.alarmArn} is not in this account (${own.accountId}) and ${own.region}`;
  return undefined;
}

/** Account and region of a function ARN (the breaker's own identity, as the function was read with its credentials). */
export function identityOfFunction(functionArn: string): Identity | undefined {
  const [, region, accountId] = FUNCTION_ARN.exec(functionArn) ?? [];
  return region && accountId ? { accountId, region } : undefined;
}
