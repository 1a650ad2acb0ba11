/**
 * Silences: a Watchkeeper alarm's actions turned off until a given time. The end is kept on the alarm
 * itself (tag `watchkeeper:silenced-until`, ISO 8601), so it survives any restart and needs no store:
 * - `silenceAlarm` writes the end first, then DisableAlarmActions (a failed disable leaves a silence
 *   that the next reconcile completes and that still ends on time; never an unbounded one);
 * - `unsilenceAlarm` removes the end first, then EnableAlarmActions (a failed enable leaves actions off
 *   without a silence, which the next reconcile turns back on; never a silence a reconcile would restore);
 * - `expireSilences` turns actions back on for every silence that has ended (the runbook-action
 *   function runs it every few minutes), and the alarm plan does the same on every reconcile
 *   (`silencedActions`): an active silence keeps `ActionsEnabled: false`, an ended one is lifted.
 * Only alarms named with the prefix and tagged `watchkeeper:managed=true` are ever silenced.
 *
 * A silence turns off notifications only: the alarm keeps evaluating, and CloudWatch still sends its
 * state changes to EventBridge, where the circuit breaker listens (`watchkeeper:breaker=off` on the
 * function is what stops trips).
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  DisableAlarmActionsCommand,
  EnableAlarmActionsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type MetricAlarm,
} from "@aws-sdk/client-cloudwatch";
import type { Aws } from "../aws/clients.js";
import { awsErrorReason, describeAwsError } from "../aws/errors.js";
import { paginate } from "../aws/paginate.js";
import type { Tags } from "../inventory/types.js";
import { MANAGED_TAG, TAGS, isManaged } from "../policy/tags.js";

/** How a plan's diff says a silence is lifted (its tags removed); not an alarm field. */
export const SILENCE_FIELD = "Silence";

/** The longest silence: a week (the Slack button asks for an hour). */
export const MAX_SILENCE_MINUTES = 7 * 24 * 60;

const TAG_VALUE_DISALLOWED = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu;

export type SilenceReading =
  | { readonly kind: "none" }
  | { readonly kind: "active"; readonly until: Date; readonly by?: string }
  | { readonly kind: "ended"; readonly until: Date; readonly by?: string }
  /** The tag holds no date: treated as ended, so a damaged tag never keeps an alarm quiet. */
  | { readonly kind: "unreadable"; readonly value: string };

/** What an alarm's tags say about its silence at `now`. Pure. */
export function readSilence(tags: Tags, now: Date): SilenceReading {
  const value = tags[TAGS.silencedUntil];
  if (value === undefined) return { kind: "none" };
  const until = new Date(value.trim());
  if (!/^\d{4}-\d\d-\d\dT/.test(value.trim()) || Number.isNaN(until.getTime()))
    return { kind: "unreadable", value };
  const by = tags[TAGS.silencedBy];
  return until.getTime() > now.getTime()
    ? { kind: "active", until, ...(by ? { by } : {}) }
    : { kind: "ended", until, ...(by ? { by } : {}) };
}

/**
 * What the alarm plan wants for an existing managed alarm's actions: off while a silence is active,
 * on otherwise. `lift` is set when the silence tags must go (the silence ended or is unreadable).
 */
export function silencedActions(tags: Tags, now: Date): { readonly off: boolean; readonly lift: boolean } {
  const reading = readSilence(tags, now);
  return { off: reading.kind === "active", lift: reading.kind === "ended" || reading.kind === "unreadable" };
}

/** "2026-11-23 20:30 UTC" */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "45 min", "1 h", "1 h 30 min", "2 d 4 h" */
export function formatMinutes(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = Math.round(minutes % 60);
  const parts = [days ? `${days} d` : "", hours ? `${hours} h` : "", rest ? `${rest} min` : ""].filter(
    Boolean,
  );
  return parts.length > 0 ? parts.join(" ") : "0 min";
}

// ── Reads ──────────────────────────────────────────────────────────────────────────────────────────

interface AlarmFacts {
  readonly name: string;
  readonly arn: string;
  readonly composite: boolean;
  readonly actionsEnabled: boolean;
  readonly state: string;
}

async function describeOne(aws: Aws, name: string): Promise<AlarmFacts | undefined> {
  const answer = await aws
    .client(CloudWatchClient)
    .send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ["MetricAlarm", "CompositeAlarm"] }));
  const metric = answer.MetricAlarms?.find((a) => a.AlarmName === name);
  const composite = answer.CompositeAlarms?.find((a) => a.AlarmName === name);
  const found = metric ?? composite;
  if (!found?.AlarmArn) return undefined;
  return {
    name,
    arn: found.AlarmArn,
    composite: !metric,
    actionsEnabled: found.ActionsEnabled ?? true,
    state: found.StateValue ?? "INSUFFICIENT_DATA",
  };
}

async function tagsOf(aws: Aws, arn: string): Promise<Tags> {
  const answer = await aws
    .client(CloudWatchClient)
    .send(new ListTagsForResourceCommand({ ResourceARN: arn }));
  return Object.fromEntries((answer.Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""]));
}

/** Why Watchkeeper may not silence this alarm, or undefined when it may. */
function refusal(alarm: AlarmFacts, tags: Tags, prefix: string): string | undefined {
  if (alarm.composite)
    return `${alarm.name} is a composite alarm; Watchkeeper silences only the metric alarms it owns`;
  if (!alarm.name.startsWith(prefix))
    return (
      `${alarm.name} is not Watchkeeper's (its name does not start with ${prefix}); Watchkeeper only silences ` +
      `its own alarms: turn its actions off in the CloudWatch console or with aws cloudwatch disable-alarm-actions`
    );
  if (!isManaged(tags))
    return `${alarm.name} is not Watchkeeper's: it lacks the tag ${MANAGED_TAG.key}=${MANAGED_TAG.value}, so Watchkeeper leaves it alone`;
  return undefined;
}

// ── Silence ────────────────────────────────────────────────────────────────────────────────────────

export interface SilenceOptions {
  /** Watchkeeper's name prefix. */
  readonly prefix: string;
  readonly now: Date;
  /** Who asks, kept on the alarm (`watchkeeper:silenced-by`). */
  readonly actor: string;
  readonly dryRun?: boolean;
}

export interface SilenceOutcome {
  readonly alarmName: string;
  readonly result: "silenced" | "extended" | "refused" | "not-found" | "failed";
  readonly dryRun: boolean;
  /** ISO 8601. */
  readonly until?: string;
  /** The end of the silence it replaced. */
  readonly previousUntil?: string;
  /** The alarm's state (ALARM, OK, INSUFFICIENT_DATA). */
  readonly alarmState?: string;
  readonly sentence: string;
}

/** Turns the alarm's actions off until `now + minutes`; a second silence replaces the first one's end. */
export async function silenceAlarm(
  aws: Aws,
  alarmName: string,
  minutes: number,
  options: SilenceOptions,
): Promise<SilenceOutcome> {
  const dryRun = options.dryRun ?? false;
  const base = { alarmName, dryRun };
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_SILENCE_MINUTES)
    return {
      ...base,
      result: "refused",
      sentence: `a silence lasts 1 to ${MAX_SILENCE_MINUTES} minutes (a week), not ${minutes}`,
    };
  const alarm = await describeOne(aws, alarmName);
  if (!alarm)
    return { ...base, result: "not-found", sentence: `no alarm named ${alarmName} in ${aws.region}` };
  const tags = alarm.composite ? {} : await tagsOf(aws, alarm.arn);
  const refused = refusal(alarm, tags, options.prefix);
  if (refused)
    return { ...base, result: "refused", alarmState: alarm.state, sentence: `not silenced: ${refused}` };

  const until = new Date(options.now.getTime() + minutes * 60_000);
  const previous = readSilence(tags, options.now);
  const extended = previous.kind === "active";
  const span = `until ${formatUtc(until)} (${formatMinutes(minutes)})`;
  const sentence = extended
    ? `${alarmName} was silenced until ${formatUtc(previous.until)}; now ${span}`
    : `silenced ${alarmName} ${span}: no notifications until then; it keeps evaluating`;
  const outcome = {
    ...base,
    result: extended ? ("extended" as const) : ("silenced" as const),
    until: until.toISOString(),
    ...(extended ? { previousUntil: previous.until.toISOString() } : {}),
    alarmState: alarm.state,
  };
  if (dryRun)
    return { ...outcome, sentence: `would ${extended ? "extend the silence" : "silence"}: ${sentence}` };

  const cloudwatch = aws.client(CloudWatchClient);
  try {
    // The end first: whatever fails after it, the silence still ends on time.
    await cloudwatch.send(
      new TagResourceCommand({
        ResourceARN: alarm.arn,
        Tags: [
          { Key: TAGS.silencedUntil, Value: until.toISOString() },
          { Key: TAGS.silencedBy, Value: options.actor.replace(TAG_VALUE_DISALLOWED, "_").slice(0, 256) },
        ],
      }),
    );
  } catch (error) {
    return {
      ...base,
      result: "failed",
      alarmState: alarm.state,
      sentence: `not silenced: the end of the silence could not be recorded on ${alarmName} (${describeAwsError(error)}), so nothing was changed`,
    };
  }
  try {
    await cloudwatch.send(new DisableAlarmActionsCommand({ AlarmNames: [alarmName] }));
  } catch (error) {
    const why = awsErrorReason(error);
    const undone = await untag(aws, alarm.arn).then(
      () => "the recorded end was removed again",
      () => "the recorded end stays, so the next reconcile completes the silence, which still ends on time",
    );
    return {
      ...base,
      result: "failed",
      alarmState: alarm.state,
      sentence: `not silenced: DisableAlarmActions on ${alarmName} failed (${why}); ${undone}`,
    };
  }
  return { ...outcome, sentence };
}

// ── Unsilence ──────────────────────────────────────────────────────────────────────────────────────

export interface UnsilenceOutcome {
  readonly alarmName: string;
  readonly result: "unsilenced" | "not-silenced" | "refused" | "not-found" | "failed";
  readonly dryRun: boolean;
  /** The end the silence had. */
  readonly until?: string;
  readonly alarmState?: string;
  readonly sentence: string;
}

/** Ends a silence now: actions back on, the recorded end removed. */
export async function unsilenceAlarm(
  aws: Aws,
  alarmName: string,
  options: Omit<SilenceOptions, "actor">,
): Promise<UnsilenceOutcome> {
  const dryRun = options.dryRun ?? false;
  const base = { alarmName, dryRun };
  const alarm = await describeOne(aws, alarmName);
  if (!alarm)
    return { ...base, result: "not-found", sentence: `no alarm named ${alarmName} in ${aws.region}` };
  const tags = alarm.composite ? {} : await tagsOf(aws, alarm.arn);
  const refused = refusal(alarm, tags, options.prefix);
  if (refused)
    return { ...base, result: "refused", alarmState: alarm.state, sentence: `not unsilenced: ${refused}` };
  const reading = readSilence(tags, options.now);
  const recorded = reading.kind !== "none";
  if (!recorded && alarm.actionsEnabled)
    return {
      ...base,
      result: "not-silenced",
      alarmState: alarm.state,
      sentence: `${alarmName} is not silenced (its actions are on); nothing to do`,
    };
  const was =
    reading.kind === "active" || reading.kind === "ended"
      ? ` (it was silenced until ${formatUtc(reading.until)})`
      : "";
  const replay =
    alarm.state === "ALARM"
      ? `. It is in ALARM now: CloudWatch notifies only on the next state change, so look at watchkeeper status`
      : "";
  const outcome = {
    ...base,
    result: "unsilenced" as const,
    alarmState: alarm.state,
    ...(reading.kind === "active" || reading.kind === "ended" ? { until: reading.until.toISOString() } : {}),
  };
  if (dryRun) return { ...outcome, sentence: `would unsilence ${alarmName}: turn its actions back on${was}` };
  try {
    // The end first: a silence record left on an alarm whose actions are on would be restored by a reconcile.
    if (recorded) await untag(aws, alarm.arn);
    await aws.client(CloudWatchClient).send(new EnableAlarmActionsCommand({ AlarmNames: [alarmName] }));
  } catch (error) {
    return {
      ...base,
      result: "failed",
      alarmState: alarm.state,
      sentence: `unsilencing ${alarmName} failed (${describeAwsError(error)}); the next reconcile turns its actions back on`,
    };
  }
  return { ...outcome, sentence: `unsilenced ${alarmName}: its actions are on again${was}${replay}` };
}

async function untag(aws: Aws, arn: string): Promise<void> {
  await aws
    .client(CloudWatchClient)
    .send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: [TAGS.silencedUntil, TAGS.silencedBy] }));
}

// ── Every silence ──────────────────────────────────────────────────────────────────────────────────

export interface SilencedAlarm {
  readonly name: string;
  readonly arn: string;
  /** active: until a future time; ended: waiting to be lifted; unreadable: a damaged end; off: actions off with no silence of Watchkeeper's. */
  readonly silence: "active" | "ended" | "unreadable" | "off";
  readonly until?: string;
  readonly by?: string;
  readonly alarmState: string;
}

async function prefixed(aws: Aws, prefix: string): Promise<MetricAlarm[]> {
  const cloudwatch = aws.client(CloudWatchClient);
  const found: MetricAlarm[] = [];
  const pages = paginate(
    (token) =>
      cloudwatch.send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: prefix,
          AlarmTypes: ["MetricAlarm"],
          MaxRecords: 100,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    (page) => page.NextToken,
  );
  for await (const page of pages)
    for (const alarm of page.MetricAlarms ?? [])
      if (alarm.AlarmName?.startsWith(prefix) && alarm.AlarmArn) found.push(alarm);
  return found;
}

/**
 * Watchkeeper's managed alarms whose actions are off, with their silence: DescribeAlarms by prefix
 * (100 a page), then the tags of only those with actions off (few, in practice).
 */
export async function readSilencedAlarms(aws: Aws, prefix: string, now: Date): Promise<SilencedAlarm[]> {
  const silenced: SilencedAlarm[] = [];
  for (const alarm of await prefixed(aws, prefix)) {
    if (alarm.ActionsEnabled !== false) continue;
    const tags = await tagsOf(aws, alarm.AlarmArn!);
    if (!isManaged(tags)) continue;
    const reading = readSilence(tags, now);
    silenced.push({
      name: alarm.AlarmName!,
      arn: alarm.AlarmArn!,
      silence: reading.kind === "none" ? "off" : reading.kind,
      ...(reading.kind === "active" || reading.kind === "ended"
        ? { until: reading.until.toISOString(), ...(reading.by ? { by: reading.by } : {}) }
        : {}),
      alarmState: alarm.StateValue ?? "INSUFFICIENT_DATA",
    });
  }
  return silenced.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface SilenceExpiry {
  /** Silences that had ended: actions back on (or, on a dry run, would be). */
  readonly lifted: readonly SilencedAlarm[];
  /** Still running. */
  readonly active: readonly SilencedAlarm[];
  readonly failed: readonly { readonly name: string; readonly error: string }[];
  readonly dryRun: boolean;
  readonly sentence: string;
}

/** EnableAlarmActions takes at most 100 names. */
const ENABLE_BATCH = 100;

/**
 * Lifts every silence that has ended (or whose end is unreadable): actions on, then the record removed.
 * Alarms with actions off and no silence of Watchkeeper's are the reconcile's business, not this one's.
 */
export async function expireSilences(
  aws: Aws,
  options: Omit<SilenceOptions, "actor">,
): Promise<SilenceExpiry> {
  const dryRun = options.dryRun ?? false;
  const all = await readSilencedAlarms(aws, options.prefix, options.now);
  const due = all.filter((a) => a.silence === "ended" || a.silence === "unreadable");
  const active = all.filter((a) => a.silence === "active");
  const failed: { name: string; error: string }[] = [];
  if (!dryRun) {
    const cloudwatch = aws.client(CloudWatchClient);
    for (let i = 0; i < due.length; i += ENABLE_BATCH) {
      const batch = due.slice(i, i + ENABLE_BATCH);
      try {
        await cloudwatch.send(new EnableAlarmActionsCommand({ AlarmNames: batch.map((a) => a.name) }));
      } catch (error) {
        for (const alarm of batch) failed.push({ name: alarm.name, error: describeAwsError(error) });
        continue;
      }
      for (const alarm of batch) {
        try {
          await untag(aws, alarm.arn);
        } catch (error) {
          // Actions are on; the stale end is removed by the next run or reconcile.
          failed.push({
            name: alarm.name,
            error: `actions on, but the silence record stays: ${describeAwsError(error)}`,
          });
        }
      }
    }
  }
  const lifted = due.filter(
    (a) => !failed.some((f) => f.name === a.name && !f.error.startsWith("actions on")),
  );
  const verb = dryRun ? "would lift" : "lifted";
  const sentence =
    due.length === 0
      ? `no silence has ended; ${active.length} still running`
      : `${verb} ${lifted.length} ended silence${lifted.length === 1 ? "" : "s"} (${lifted.map((a) => a.name).join(", ")})` +
        (failed.length > 0
          ? `; ${failed.length} failed: ${failed.map((f) => `${f.name}: ${f.error}`).join("; ")}`
          : "") +
        `; ${active.length} still running`;
  return { lifted, active, failed, dryRun, sentence };
}
