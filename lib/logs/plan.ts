/**
 * The retention plan: pure, from the inventory's log groups (and the functions that write to them)
 * and the policy to one change per group, each with its reason. No I/O.
 *
 * What a group wants, most specific first:
 *   excluded (DELIVERY class, excludePrefixes, watchkeeper:ignore on the group or an owning function,
 *   an exclude rule)
 *   → watchkeeper:retention on the group → on an owning function → the longest matching rule → defaultDays.
 * What is written, given what the group has:
 *   never expires → the wanted value; shorter than wanted → raised, except for the default (a shorter
 *   retention was chosen by someone); longer → kept, unless the value came from a tag on the group or
 *   its function, or `shortenLonger` is on; above `maxDays` → capped whatever the source.
 * Watchkeeper only ever sets a retention: it never removes one and never deletes a group.
 */
import { logGroupNameOfArn, normalizeLogGroupArn } from "../inventory/arn.js";
import type { Inventory, LambdaFunction, LogGroup, Relation } from "../inventory/types.js";
import { describeFailure, readGaps } from "../inventory/gaps.js";
import { held, type Change } from "../plan/change.js";
import { isIgnored, TAGS } from "../policy/tags.js";
import type { RetentionPolicy, RetentionRule } from "./policy.js";
import { describeRetention, NEVER, readTagRetention, type Never, type RetentionDays } from "./retention.js";
import { storagePrice } from "./prices.js";
import { estimateRetentionSaving, type SavingEstimate } from "./savings.js";

/** A group's retention; absent `retentionInDays` means it never expires. */
export interface RetentionTarget {
  readonly logGroupName: string;
  readonly retentionInDays?: number;
}

/** Where the wanted retention came from. */
export type RetentionSource = "excluded" | "group-tag" | "function-tag" | "rule" | "default";

export interface RetentionChange extends Change<RetentionTarget> {
  readonly kind: "log-retention";
  readonly desired: RetentionTarget;
  readonly actual: RetentionTarget;
  readonly source: RetentionSource;
  /** Functions that write to the group (by their logGroupName, which advanced logging may customize). */
  readonly functions: readonly string[];
  readonly storedBytes?: number;
}

export interface RetentionWarning {
  readonly logGroup: string;
  readonly message: string;
}

export interface RetentionPlan {
  /** One change per log group, sorted by group name; writes are `update`, the rest `noop`. */
  readonly changes: readonly RetentionChange[];
  readonly warnings: readonly RetentionWarning[];
  readonly saving: SavingEstimate;
}

/** What a function contributes to its log group's plan. */
export type LogGroupWriter = Pick<LambdaFunction, "name" | "arn" | "tags" | "logGroupName">;

/** The part of an inventory the plan reads; the event handler builds one for a single group. */
export interface RetentionInput {
  readonly logGroups: readonly LogGroup[];
  readonly functions: readonly LogGroupWriter[];
  /** `log-group` relations (function ARN → log group ARN), matched in addition to `logGroupName`. */
  readonly relations?: readonly Relation[];
  /** Where the groups are, for the storage price of the saving estimate; absent: us-east-1's, said so. */
  readonly region?: string;
}

export function retentionInput(inventory: Inventory): RetentionInput {
  const logGroups: LogGroup[] = [];
  const functions: LambdaFunction[] = [];
  for (const resource of inventory.resources) {
    if (resource.kind === "log-group") logGroups.push(resource);
    else if (resource.kind === "lambda-function") functions.push(resource);
  }
  return {
    logGroups,
    functions,
    relations: inventory.relations.filter((r) => r.type === "log-group"),
    region: inventory.region,
  };
}

/**
 * The account's plan. A group is changed only when the run saw it completely: its tags, and every
 * function that writes to it with theirs (an opt-out on either protects it); otherwise the change is
 * held back, naming the read that failed.
 */
export function planRetention(inventory: Inventory, policy: RetentionPolicy): RetentionPlan {
  const input = retentionInput(inventory);
  const plan = planGroupRetention(input, policy);
  const gaps = readGaps(inventory);
  if (gaps.complete) return plan;
  const groups = new Map(input.logGroups.map((group) => [group.name, group]));
  const functions = new Map(input.functions.map((fn) => [fn.name, fn as LambdaFunction]));
  const changes = plan.changes.map((change) => {
    if (change.action === "noop") return change;
    const failure = gaps.why("log-group", groups.get(change.target));
    if (failure) return held(change, describeFailure(failure));
    const unseen = change.functions.map((name) => functions.get(name)).find((fn) => fn && !gaps.known(fn));
    if (!unseen) return change;
    return held(change, `the tags or facts of ${unseen.arn}, which writes to the group, could not be read`);
  });
  return { ...plan, changes, saving: estimateRetentionSaving(changes, storagePrice(input.region)) };
}

export function planGroupRetention(input: RetentionInput, policy: RetentionPolicy): RetentionPlan {
  const writers = writersByGroup(input);
  const warnings: RetentionWarning[] = [];
  const groups = [...input.logGroups].sort((a, b) => compare(a.name, b.name));
  const changes = groups.map((group) => planOne(group, writers.get(group.name) ?? [], policy, warnings));
  return { changes, warnings, saving: estimateRetentionSaving(changes, storagePrice(input.region)) };
}

/** Log group name → the functions writing to it, sorted by name. */
function writersByGroup(input: RetentionInput): Map<string, LogGroupWriter[]> {
  // Most groups have one writer: small arrays, each function once.
  const found = new Map<string, LogGroupWriter[]>();
  const add = (groupName: string, fn: LogGroupWriter) => {
    const writers = found.get(groupName);
    if (!writers) found.set(groupName, [fn]);
    else if (!writers.some((writer) => writer.arn === fn.arn)) writers.push(fn);
  };
  for (const fn of input.functions) add(fn.logGroupName, fn);
  const relations = (input.relations ?? []).filter((relation) => relation.type === "log-group");
  if (relations.length > 0) {
    const functionByArn = new Map(input.functions.map((fn) => [fn.arn, fn]));
    let groupByArn: Map<string, string> | undefined;
    for (const relation of relations) {
      const fn = functionByArn.get(relation.from);
      // The relation to the group a function names itself is the common case, already counted above.
      if (!fn || logGroupNameOfArn(relation.to) === fn.logGroupName) continue;
      groupByArn ??= new Map(input.logGroups.map((group) => [normalizeLogGroupArn(group.arn), group.name]));
      const groupName = groupByArn.get(normalizeLogGroupArn(relation.to));
      if (groupName !== undefined) add(groupName, fn);
    }
  }
  for (const writers of found.values()) {
    if (writers.length > 1) writers.sort((a, b) => compare(a.name, b.name));
  }
  return found;
}

interface Wanted {
  readonly value: RetentionDays | Never;
  readonly source: Exclude<RetentionSource, "excluded">;
  /** How the reason names the source, e.g. `tag watchkeeper:retention=45 (snapped up to 60)`. */
  readonly from: string;
}

function planOne(
  group: LogGroup,
  writers: readonly LogGroupWriter[],
  policy: RetentionPolicy,
  warnings: RetentionWarning[],
): RetentionChange {
  const current = group.retentionInDays;
  const actual: RetentionTarget = target(group.name, current);
  const functions = writers.map((fn) => fn.name);
  // Every change of the plan is built here, in one shape: tens of thousands of groups are planned at once.
  const change = (
    action: "noop" | "update",
    source: RetentionSource,
    reason: string,
    desired: RetentionTarget,
  ): RetentionChange => {
    const made: RetentionChange = {
      action,
      kind: "log-retention",
      target: group.name,
      reason,
      desired,
      actual,
      source,
      functions,
      ...(action === "update"
        ? { diff: [{ field: "retentionInDays", from: current ?? NEVER, to: desired.retentionInDays }] }
        : {}),
    };
    return group.storedBytes === undefined ? made : { ...made, storedBytes: group.storedBytes };
  };
  const keep = (source: RetentionSource, reason: string) => change("noop", source, reason, actual);

  const exclusion = retentionExclusion(group, writers, policy);
  if (exclusion) return keep("excluded", exclusion.reason);

  const wanted = wantedRetention(group, writers, policy, (message) =>
    warnings.push({ logGroup: group.name, message }),
  );
  if (wanted.value === NEVER && policy.maxDays === undefined) {
    return keep(
      wanted.source,
      current === undefined
        ? `never expires, as ${wanted.from} asks`
        : `${wanted.from} asks to never expire, but Watchkeeper never removes a retention: ${describeRetention(current)} kept`,
    );
  }

  // The cap wins over every source, "never" included.
  const capped = policy.maxDays !== undefined && (wanted.value === NEVER || wanted.value > policy.maxDays);
  const days: number = capped ? (policy.maxDays as number) : (wanted.value as number);
  const wantedText = capped
    ? `${describeRetention(days)}, the maxDays cap (${wanted.from} asks for ${
        wanted.value === NEVER ? "no expiry" : describeRetention(wanted.value)
      })`
    : `${describeRetention(days)} from ${wanted.from}`;
  const set = (reason: string, to: number) => change("update", wanted.source, reason, target(group.name, to));

  if (current === undefined) return set(`never expires: set ${wantedText}`, days);
  if (current === days) return keep(wanted.source, `already ${wantedText}`);
  if (current < days) {
    if (wanted.source === "default") {
      return keep(
        wanted.source,
        `${describeRetention(current)} is shorter than the default ${days} and kept`,
      );
    }
    return set(`${describeRetention(current)} is shorter than ${wantedText}: raised`, days);
  }
  // current > days: shorten only when asked to.
  const byTag = wanted.source === "group-tag" || wanted.source === "function-tag";
  if (byTag || policy.shortenLonger) {
    const why = byTag ? "" : " (shortenLonger is on)";
    return set(`${describeRetention(current)} is longer than ${wantedText}: shortened${why}`, days);
  }
  if (policy.maxDays !== undefined && current > policy.maxDays) {
    return set(
      `${describeRetention(current)} is above maxDays ${policy.maxDays}: capped (wanted ${describeRetention(days)}; shortenLonger is off)`,
      policy.maxDays,
    );
  }
  return keep(
    wanted.source,
    `${describeRetention(current)} is longer than ${wantedText} and kept (shortenLonger is off)`,
  );
}

/** What keeps the policy off a group, named as the config or the tags say it. */
export interface RetentionExclusion {
  /** E.g. `retention.excludePrefixes "/app/"`, `the tag watchkeeper:ignore=true on function api`. */
  readonly rule: string;
  /** The plan's reason for leaving the group alone. */
  readonly reason: string;
  /** CloudWatch Logs fixes the retention itself (DELIVERY class): no one can set it. */
  readonly fixed: boolean;
}

/** Why the policy leaves the group alone, or undefined when it does not. */
export function retentionExclusion(
  group: LogGroup,
  writers: readonly LogGroupWriter[],
  policy: RetentionPolicy,
): RetentionExclusion | undefined {
  const excluded = (rule: string, reason: string, fixed = false) => ({ rule, reason, fixed });
  // CloudWatch Logs rejects PutRetentionPolicy on DELIVERY-class groups: their retention is fixed.
  if (group.logGroupClass === "DELIVERY")
    return excluded(
      "its DELIVERY log group class",
      "excluded: DELIVERY-class groups have a fixed retention",
      true,
    );
  const prefix = policy.excludePrefixes.find((p) => group.name.startsWith(p));
  if (prefix !== undefined)
    return excluded(
      `retention.excludePrefixes "${prefix}"`,
      `excluded: name starts with "${prefix}" (excludePrefixes)`,
    );
  if (isIgnored(group.tags)) {
    const tag = `${TAGS.ignore}=${group.tags[TAGS.ignore]}`;
    return excluded(`the tag ${tag} on the group`, `excluded: ${tag} on the group`);
  }
  const ignoredBy = writers.find((fn) => isIgnored(fn.tags));
  if (ignoredBy) {
    const tag = `${TAGS.ignore}=${ignoredBy.tags[TAGS.ignore]}`;
    return excluded(
      `the tag ${tag} on function ${ignoredBy.name}, which writes to it`,
      `excluded: ${tag} on function ${ignoredBy.name}`,
    );
  }
  const rule = matchingRule(group.name, policy.rules);
  if (rule?.exclude)
    return excluded(
      `the retention.rules exclude rule for prefix "${rule.prefix}"`,
      `excluded: rule for prefix "${rule.prefix}"`,
    );
  return undefined;
}

function wantedRetention(
  group: LogGroup,
  writers: readonly LogGroupWriter[],
  policy: RetentionPolicy,
  warn: (message: string) => void,
): Wanted {
  const groupTag = group.tags[TAGS.retention];
  if (groupTag !== undefined) {
    const read = readTagRetention(groupTag);
    if (read.ok)
      return { value: read.value, source: "group-tag", from: tagText(groupTag, read.value, read.asked) };
    warn(`tag ${TAGS.retention} on the group: ${read.problem}; ignored (use a number of days or "never")`);
  }

  // Several functions may share one group (advanced logging): the longest ask wins, so none gets less.
  const asks: { fn: LogGroupWriter; value: RetentionDays | Never; raw: string; asked?: number }[] = [];
  for (const fn of writers) {
    const raw = fn.tags[TAGS.retention];
    if (raw === undefined) continue;
    const read = readTagRetention(raw);
    if (read.ok)
      asks.push({ fn, value: read.value, raw, ...(read.asked !== undefined ? { asked: read.asked } : {}) });
    else
      warn(
        `tag ${TAGS.retention} on function ${fn.name}: ${read.problem}; ignored (use a number of days or "never")`,
      );
  }
  if (asks.length > 0) {
    const longest = asks.reduce((a, b) => (rank(b.value) > rank(a.value) ? b : a));
    if (new Set(asks.map((a) => a.value)).size > 1) {
      const all = asks.map((a) => `${a.fn.name}=${a.raw}`).join(", ");
      warn(`functions sharing this group ask for different retentions (${all}); the longest is used`);
    }
    return {
      value: longest.value,
      source: "function-tag",
      from: `${tagText(longest.raw, longest.value, longest.asked)} on function ${longest.fn.name}`,
    };
  }

  const rule = matchingRule(group.name, policy.rules);
  if (rule?.days !== undefined)
    return { value: rule.days, source: "rule", from: `the rule for "${rule.prefix}"` };
  return { value: policy.defaultDays, source: "default", from: "the default" };
}

/** The rule with the longest prefix the name starts with: the most specific rule wins, in any order. */
export function matchingRule(name: string, rules: readonly RetentionRule[]): RetentionRule | undefined {
  let best: RetentionRule | undefined;
  for (const rule of rules) {
    if (name.startsWith(rule.prefix) && (best === undefined || rule.prefix.length > best.prefix.length))
      best = rule;
  }
  return best;
}

function tagText(raw: string, value: RetentionDays | Never, asked: number | undefined): string {
  const snapped = asked !== undefined ? ` (snapped up to ${value})` : "";
  return `tag ${TAGS.retention}=${raw.trim()}${snapped}`;
}

function rank(value: RetentionDays | Never): number {
  return value === NEVER ? Number.POSITIVE_INFINITY : value;
}

function target(logGroupName: string, days: number | undefined): RetentionTarget {
  return days === undefined ? { logGroupName } : { logGroupName, retentionInDays: days };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
