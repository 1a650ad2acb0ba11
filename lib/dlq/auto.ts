/**
 * Opt-in automatic redrive. A DLQ takes part when it (or one of its sources) carries
 * `watchkeeper:auto-redrive=<minutes>`; it is redriven only when the source's error alarm has been OK for
 * at least that many minutes, and at most `maxPerDay` times a UTC day, so a poison message that fails
 * again cannot loop forever. The day's count lives on the DLQ itself as the tag
 * `watchkeeper:redrives=<yyyy-mm-dd>:<n>`, written before each redrive starts (a redrive that then fails
 * still counts: the cap errs towards doing less).
 *
 * `autoRedrivePlan` is pure; `runAutoRedrive` applies a plan; `readAlarmStates` reads the alarms a plan needs.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import {
  ListMessageMoveTasksCommand,
  ListQueueTagsCommand,
  SQSClient,
  TagQueueCommand,
} from "@aws-sdk/client-sqs";
import { alarmName } from "../alarms/spec.js";
import type { Aws } from "../aws/clients.js";
import { describeAwsError } from "../aws/errors.js";
import { indexInventory, type InventoryIndex } from "../inventory/query.js";
import type { Inventory, LambdaFunction, SqsQueue } from "../inventory/types.js";
import { isIgnored, TAGS } from "../policy/tags.js";
import { DlqError } from "./errors.js";
import { gone } from "./live.js";
import { plural } from "../plural.js";
import { startRedrive } from "./move.js";
import { redriveAsyncDlq, type AsyncRedriveOptions } from "./reinvoke.js";
import { chooseRedrive, describeSources, queueRef, type RedriveRoute } from "./route.js";
import type { AsyncRedriveReport, QueueRef, RedriveMethod, StartedRedrive } from "./types.js";

/** The DLQ's redrive count for one UTC day. */
export const REDRIVE_COUNT_TAG = "watchkeeper:redrives";
export const DEFAULT_MAX_PER_DAY = 3;
/** The longest wait a tag may ask for: a week. */
export const MAX_WAIT_MINUTES = 10_080;
const DEFAULT_ALARM_PREFIX = "watchkeeper-";

export interface AlarmStateInput {
  /** OK, ALARM or INSUFFICIENT_DATA. */
  readonly state: string;
  /**
   * DescribeAlarms' StateUpdatedTimestamp. It also moves when only the evaluation state changes, so it can be
   * later than the last transition to OK: waiting from it errs towards waiting longer.
   */
  readonly stateUpdatedTimestamp: Date | string | number;
}

export type AlarmStates = ReadonlyMap<string, AlarmStateInput> | Readonly<Record<string, AlarmStateInput>>;

export interface RedriveCount {
  /** yyyy-mm-dd, UTC. */
  readonly day: string;
  readonly count: number;
}

/** Redrive counts by DLQ ARN; a value "invalid" stands for a count tag that could not be read. */
export type RedriveHistory = ReadonlyMap<string, RedriveCount | "invalid">;

export interface AutoRedriveOptions {
  /** Redrives per queue per UTC day (default 3). */
  readonly maxPerDay?: number;
  /** The alarm name prefix (default "watchkeeper-"). */
  readonly alarmPrefix?: string;
  /**
   * The error alarms that must be OK before a function's failures are redriven. Default: Watchkeeper's
   * per-function Lambda Errors alarm, `<prefix>lambda-errors-<function>` (made for functions tagged
   * watchkeeper:alarms=individual or watchkeeper:critical=true).
   */
  readonly errorAlarmsOf?: (fn: LambdaFunction) => readonly string[];
}

export interface AlarmCheck {
  readonly name: string;
  /** Absent when the alarm was not found. */
  readonly state?: string;
  readonly okForMinutes?: number;
}

export interface AutoRedriveDecision {
  readonly queue: QueueRef;
  readonly action: "redrive" | "skip";
  readonly method?: RedriveMethod;
  /** reinvoke: the function. */
  readonly functionName?: string;
  readonly waitMinutes?: number;
  /** Where the auto-redrive tag was read: the queue or a source's name. */
  readonly tagOn?: string;
  readonly alarms: readonly AlarmCheck[];
  readonly redrivesToday: number;
  readonly maxPerDay: number;
  readonly reason: string;
  readonly sentence: string;
}

export interface AutoRedrivePlan {
  /** The UTC day the counts are for. */
  readonly day: string;
  readonly decisions: readonly AutoRedriveDecision[];
  readonly warnings: readonly string[];
  readonly sentence: string;
}

function indexOf(inventory: Inventory | InventoryIndex): InventoryIndex {
  return "inventory" in inventory ? inventory : indexInventory(inventory);
}

export function utcDay(now: Date | number): string {
  return new Date(now).toISOString().slice(0, 10);
}

const COUNT = /^(\d{4}-\d{2}-\d{2}):(\d{1,6})$/;

/** `2025-01-01:2` → { day, count }; undefined when absent; "invalid" when unreadable. */
export function parseRedriveCount(value: string | undefined): RedriveCount | "invalid" | undefined {
  if (value === undefined) return undefined;
  const m = COUNT.exec(value.trim());
  if (!m || Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`))) return "invalid";
  return { day: m[1]!, count: Number(m[2]) };
}

export function formatRedriveCount(count: RedriveCount): string {
  return `${count.day}:${count.count}`;
}

/** The redrive counts the inventory's queue tags hold. */
export function redriveHistory(inventory: Inventory | InventoryIndex): Map<string, RedriveCount | "invalid"> {
  const history = new Map<string, RedriveCount | "invalid">();
  for (const queue of indexOf(inventory).ofKind("sqs-queue")) {
    const count = parseRedriveCount(queue.tags[REDRIVE_COUNT_TAG]);
    if (count !== undefined) history.set(queue.arn, count);
  }
  return history;
}

type WaitTag =
  | { readonly ok: true; readonly minutes: number; readonly on: string; readonly note?: string }
  | { readonly ok: false; readonly on: string; readonly problem: string }
  | undefined;

/** The opt-in tag: the queue's own wins; among sources, the longest valid wait. */
function waitTag(index: InventoryIndex, queue: SqsQueue): WaitTag {
  const own = queue.tags[TAGS.autoRedrive];
  if (own !== undefined) return parseWait(own, queue.name);
  const found = describeSources(index, queue.arn).flatMap((source) => {
    const value = index.byArn(source.arn)?.tags[TAGS.autoRedrive];
    return value === undefined ? [] : [parseWait(value, source.name)];
  });
  if (found.length === 0) return undefined;
  const bad = found.find((t) => t !== undefined && !t.ok);
  if (bad) return bad;
  const valid = found.filter((t): t is Extract<NonNullable<WaitTag>, { ok: true }> => t?.ok === true);
  const longest = valid.reduce((a, b) => (b.minutes > a.minutes ? b : a));
  const distinct = new Set(valid.map((t) => t.minutes));
  return distinct.size > 1
    ? {
        ...longest,
        note: `sources disagree on ${TAGS.autoRedrive} (${valid.map((t) => `${t.on}=${t.minutes}`).join(", ")}): waiting the longest`,
      }
    : longest;
}

function parseWait(value: string, on: string): NonNullable<WaitTag> {
  const text = value.trim();
  const minutes = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_WAIT_MINUTES) {
    return {
      ok: false,
      on,
      problem:
        `${TAGS.autoRedrive}="${value}" on ${on} is not valid: use the minutes the source's error alarm must ` +
        `have been OK, a whole number from 1 to ${MAX_WAIT_MINUTES}`,
    };
  }
  return { ok: true, minutes, on };
}

/** Which error alarms gate the queue's redrive, or why there is none. */
function gatingAlarms(
  index: InventoryIndex,
  route: RedriveRoute,
  errorAlarmsOf: (fn: LambdaFunction) => readonly string[],
): { names: string[] } | { problem: string } {
  if (route.method === "reinvoke") return { names: [...errorAlarmsOf(route.fn)] };
  const names: string[] = [];
  for (const source of route.sources.filter((s) => s.kind === "sqs-queue")) {
    const consumers = index.consumersOf(source.arn);
    if (consumers.length === 0) {
      return {
        problem: `source queue ${source.name} has no consuming function in the inventory, so there is no error alarm to wait for`,
      };
    }
    for (const fn of consumers) names.push(...errorAlarmsOf(fn));
  }
  return { names: [...new Set(names)] };
}

function defaultErrorAlarms(prefix: string): (fn: LambdaFunction) => readonly string[] {
  return (fn) => [alarmName(prefix, "lambda-errors", fn.name)];
}

/** Alarm names `autoRedrivePlan` will look up, for `readAlarmStates`. */
export function autoRedriveAlarmNames(
  inventory: Inventory | InventoryIndex,
  options: AutoRedriveOptions = {},
): string[] {
  const index = indexOf(inventory);
  const errorAlarmsOf =
    options.errorAlarmsOf ?? defaultErrorAlarms(options.alarmPrefix ?? DEFAULT_ALARM_PREFIX);
  const names = new Set<string>();
  for (const queue of optedIn(index)) {
    try {
      const gating = gatingAlarms(index, chooseRedrive(index, queue), errorAlarmsOf);
      if ("names" in gating) for (const name of gating.names) names.add(name);
    } catch (error) {
      if (!(error instanceof DlqError)) throw error;
    }
  }
  return [...names].sort();
}

function optedIn(index: InventoryIndex): SqsQueue[] {
  return [...index.dlqArns]
    .map((arn) => index.byArn(arn))
    .filter((q): q is SqsQueue => q?.kind === "sqs-queue")
    .filter((q) => waitTag(index, q) !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
}

function alarmLookup(states: AlarmStates, name: string): AlarmStateInput | undefined {
  return states instanceof Map
    ? states.get(name)
    : (states as Readonly<Record<string, AlarmStateInput>>)[name];
}

/**
 * For every opted-in DLQ: redrive now, or skip and why. Pure: the inventory, the alarms' states, the
 * counts so far and the time in; decisions out.
 */
export function autoRedrivePlan(
  inventory: Inventory | InventoryIndex,
  alarmStates: AlarmStates,
  history: RedriveHistory,
  now: Date | number,
  options: AutoRedriveOptions = {},
): AutoRedrivePlan {
  const index = indexOf(inventory);
  const maxPerDay = options.maxPerDay ?? DEFAULT_MAX_PER_DAY;
  if (!Number.isInteger(maxPerDay) || maxPerDay < 1 || maxPerDay > 100) {
    throw new DlqError(
      "invalid-option",
      `maxPerDay ${maxPerDay} is not valid: use a whole number from 1 to 100`,
    );
  }
  const errorAlarmsOf =
    options.errorAlarmsOf ?? defaultErrorAlarms(options.alarmPrefix ?? DEFAULT_ALARM_PREFIX);
  const at = new Date(now).getTime();
  const day = utcDay(at);
  const warnings: string[] = [];
  const decisions: AutoRedriveDecision[] = [];

  for (const queue of optedIn(index)) {
    const tag = waitTag(index, queue)!;
    const recorded = history.get(queue.arn);
    const redrivesToday =
      recorded !== undefined && recorded !== "invalid" && recorded.day === day ? recorded.count : 0;
    const base = {
      queue: queueRef(queue),
      alarms: [] as AlarmCheck[],
      redrivesToday,
      maxPerDay,
      tagOn: tag.on,
    };
    const skip = (reason: string, extra: Partial<AutoRedriveDecision> = {}): void => {
      decisions.push({
        ...base,
        ...extra,
        action: "skip",
        reason,
        sentence: `${queue.name}: no auto-redrive: ${reason}`,
      });
    };

    if (!tag.ok) {
      warnings.push(tag.problem);
      skip(tag.problem);
      continue;
    }
    if (tag.note) warnings.push(`${queue.name}: ${tag.note}`);
    const wait = { waitMinutes: tag.minutes };
    if (isIgnored(queue.tags)) {
      skip("the queue carries watchkeeper:ignore=true", wait);
      continue;
    }
    if (recorded === "invalid") {
      const problem = `${REDRIVE_COUNT_TAG}="${queue.tags[REDRIVE_COUNT_TAG]}" on ${queue.name} is not <yyyy-mm-dd>:<n>; fix or remove it`;
      warnings.push(problem);
      skip(`today's redrive count cannot be read: ${problem}`, wait);
      continue;
    }
    let route: RedriveRoute;
    try {
      route = chooseRedrive(index, queue);
    } catch (error) {
      if (!(error instanceof DlqError)) throw error;
      skip(`automatic redrive needs an unambiguous route: ${error.message}`, wait);
      continue;
    }
    const how = {
      ...wait,
      method: route.method,
      ...(route.method === "reinvoke" ? { functionName: route.fn.name } : {}),
    };
    if (queue.approximateMessages === 0) {
      skip("the queue was empty when the inventory was read", how);
      continue;
    }
    if (redrivesToday >= maxPerDay) {
      skip(
        `already redriven ${plural(redrivesToday, "time")} today (${day}, UTC), the most allowed is ${maxPerDay}: ` +
          `what keeps failing stays in the DLQ until tomorrow or a person redrives it`,
        how,
      );
      continue;
    }
    const gating = gatingAlarms(index, route, errorAlarmsOf);
    if ("problem" in gating) {
      skip(gating.problem, how);
      continue;
    }
    const checks: AlarmCheck[] = gating.names.map((name) => {
      const state = alarmLookup(alarmStates, name);
      if (!state) return { name };
      const since = new Date(state.stateUpdatedTimestamp).getTime();
      return {
        name,
        state: state.state,
        ...(state.state === "OK" && Number.isFinite(since)
          ? { okForMinutes: Math.max(0, Math.floor((at - since) / 60_000)) }
          : {}),
      };
    });
    const checked = { ...how, alarms: checks };
    if (checks.length === 0) {
      skip("no error alarm gates this queue's sources", checked);
      continue;
    }
    const missing = checks.filter((c) => c.state === undefined);
    if (missing.length > 0) {
      skip(
        `error alarm ${missing.map((c) => c.name).join(", ")} not found: auto-redrive waits for the source's ` +
          `error alarm to be OK (tag the function watchkeeper:alarms=individual so Watchkeeper makes one)`,
        checked,
      );
      continue;
    }
    const notOk = checks.filter((c) => c.state !== "OK");
    if (notOk.length > 0) {
      skip(`error alarm ${notOk.map((c) => `${c.name} is ${c.state}`).join(", ")}`, checked);
      continue;
    }
    const tooRecent = checks.filter((c) => (c.okForMinutes ?? -1) < tag.minutes);
    if (tooRecent.length > 0) {
      skip(
        `error alarm ${tooRecent
          .map((c) => `${c.name} has been OK for ${c.okForMinutes ?? "an unknown number of"} min`)
          .join(", ")}, less than the ${tag.minutes} min asked by ${TAGS.autoRedrive} on ${tag.on}`,
        checked,
      );
      continue;
    }
    const reason =
      `error alarm${checks.length > 1 ? "s" : ""} OK for at least ${tag.minutes} min; ` +
      `redrive ${redrivesToday + 1} of at most ${maxPerDay} today`;
    decisions.push({
      ...base,
      ...checked,
      action: "redrive",
      reason,
      sentence: `${queue.name}: auto-redrive ${route.method === "move-task" ? "with a message move task" : `by re-invoking ${route.fn.name}`} (${reason})`,
    });
  }
  const redrives = decisions.filter((d) => d.action === "redrive").length;
  return {
    day,
    decisions,
    warnings,
    sentence:
      decisions.length === 0
        ? `no DLQ is opted in to auto-redrive (tag ${TAGS.autoRedrive}=<minutes>)`
        : `${plural(decisions.length, "opted-in DLQ")}: ${redrives} to redrive, ${decisions.length - redrives} skipped`,
  };
}

/** State and StateUpdatedTimestamp of the named alarms (metric and composite); absent names are not found. */
export async function readAlarmStates(
  aws: Aws,
  names: readonly string[],
): Promise<Map<string, AlarmStateInput>> {
  const states = new Map<string, AlarmStateInput>();
  const client = aws.client(CloudWatchClient);
  for (let i = 0; i < names.length; i += 100) {
    let nextToken: string | undefined;
    do {
      const out = await client.send(
        new DescribeAlarmsCommand({
          AlarmNames: names.slice(i, i + 100),
          AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      for (const alarm of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
        if (alarm.AlarmName && alarm.StateValue && alarm.StateUpdatedTimestamp) {
          states.set(alarm.AlarmName, {
            state: alarm.StateValue,
            stateUpdatedTimestamp: alarm.StateUpdatedTimestamp,
          });
        }
      }
      nextToken = out.NextToken;
    } while (nextToken);
  }
  return states;
}

export interface AutoRedriveRunOptions {
  readonly maxPerDay?: number;
  /** Stop starting new redrives by then (epoch ms on the Aws clock); re-invoke runs stop by it too. */
  readonly deadline?: number;
  /** Per re-invoke run (default 100). */
  readonly maxMessages?: number;
  readonly ratePerSecond?: number;
}

export interface AutoRedriveOutcome {
  readonly queue: QueueRef;
  readonly status: "started" | "redriven" | "skipped" | "failed";
  readonly moveTask?: StartedRedrive;
  readonly reinvoke?: AsyncRedriveReport;
  /** The count written before the redrive, when one was. */
  readonly count?: RedriveCount;
  readonly sentence: string;
}

/**
 * Applies the plan's redrive decisions one queue at a time: re-reads the count tag (the inventory may be
 * older than another run), writes the incremented count, then starts the redrive. A queue whose count
 * cannot be written is not redriven.
 */
export async function runAutoRedrive(
  aws: Aws,
  inventory: Inventory | InventoryIndex,
  plan: AutoRedrivePlan,
  options: AutoRedriveRunOptions = {},
): Promise<AutoRedriveOutcome[]> {
  const index = indexOf(inventory);
  const clock = aws.pacer.clock;
  const sqs = aws.client(SQSClient);
  const outcomes: AutoRedriveOutcome[] = [];
  for (const decision of plan.decisions) {
    if (decision.action !== "redrive") continue;
    const queue = decision.queue;
    const outcome = (
      status: AutoRedriveOutcome["status"],
      sentence: string,
      extra: Partial<AutoRedriveOutcome> = {},
    ) => outcomes.push({ queue, status, ...extra, sentence: `${queue.name}: ${sentence}` });
    if (options.deadline !== undefined && clock.now() >= options.deadline) {
      outcome("skipped", "not started: the run reached its deadline");
      continue;
    }
    try {
      const day = utcDay(clock.now());
      const tags = (await sqs.send(new ListQueueTagsCommand({ QueueUrl: queue.url }))).Tags ?? {};
      const current = parseRedriveCount(tags[REDRIVE_COUNT_TAG]);
      if (current === "invalid") {
        outcome(
          "skipped",
          `${REDRIVE_COUNT_TAG}="${tags[REDRIVE_COUNT_TAG]}" is not <yyyy-mm-dd>:<n>; not redriven`,
        );
        continue;
      }
      const today = current?.day === day ? current.count : 0;
      const max = options.maxPerDay ?? decision.maxPerDay;
      if (today >= max) {
        outcome("skipped", `already redriven ${plural(today, "time")} today (max ${max})`);
        continue;
      }
      if (decision.method === "move-task") {
        const tasks = await sqs.send(
          new ListMessageMoveTasksCommand({ SourceArn: queue.arn, MaxResults: 1 }),
        );
        const status = tasks.Results?.[0]?.Status;
        if (status === "RUNNING" || status === "CANCELLING") {
          outcome("skipped", `a message move task is already ${status}`);
          continue;
        }
      }
      const count = { day, count: today + 1 };
      await sqs.send(
        new TagQueueCommand({
          QueueUrl: queue.url,
          Tags: { [REDRIVE_COUNT_TAG]: formatRedriveCount(count) },
        }),
      );
      if (decision.method === "move-task") {
        const started = await startRedrive(aws, index, queue.arn);
        outcome("started", `${started.sentence} (auto-redrive ${count.count} of ${max} today)`, {
          moveTask: started,
          count,
        });
      } else {
        const runOptions: AsyncRedriveOptions = {
          ...(decision.functionName !== undefined ? { functionName: decision.functionName } : {}),
          ...(options.maxMessages !== undefined ? { maxMessages: options.maxMessages } : {}),
          ...(options.ratePerSecond !== undefined ? { ratePerSecond: options.ratePerSecond } : {}),
          ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
        };
        const report = await redriveAsyncDlq(aws, index, queue.arn, runOptions);
        const failed = report.stopped === "invoke-failed" || report.stopped === "delete-failed";
        outcome(
          failed ? "failed" : "redriven",
          `${report.sentence} (auto-redrive ${count.count} of ${max} today)`,
          {
            reinvoke: report,
            count,
          },
        );
      }
    } catch (error) {
      const why = error instanceof DlqError ? error.message : describeAwsError(gone(error, queue));
      outcome("failed", `auto-redrive failed: ${why}`);
    }
  }
  return outcomes;
}
