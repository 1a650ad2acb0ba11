/**
 * What the breaker needs to know about a function besides its own configuration: whether it opted in,
 * whether it is Watchkeeper's own, what is known to invoke it (and how), and where its failed async
 * events would go. Pure: read from inventory facts and relations.
 */
import { functionQualifier, unqualifiedFunctionArn } from "../inventory/arn.js";
import type { EventSourceMapping, LambdaFunction, Relation } from "../inventory/types.js";
import { TAGS, isManaged } from "../policy/tags.js";
import { BREAKER_ALARM_KINDS, type BreakerAlarmKind, type BreakerPolicy } from "./policy.js";
import { BREAKER_ALARMS_TAG } from "./record.js";

export interface OptIn {
  readonly optedIn: boolean;
  /** The team says only synchronous callers invoke it (`watchkeeper:breaker=sync`, or `syncFunctions`). */
  readonly declaredSync: boolean;
  readonly source: "tag" | "config" | "none";
  /** Why a tag value was not understood, when it was not. */
  readonly note?: string;
}

const ON = ["on", "true", "yes", "1"];
const OFF = ["off", "false", "no", "0"];

/**
 * `watchkeeper:breaker=on|sync|off` on the function, else the policy's `functions` list. The tag wins
 * both ways: `off` keeps a function listed in config out. A value not understood opts nothing in.
 */
export function breakerOptIn(fn: LambdaFunction, policy: BreakerPolicy): OptIn {
  const raw = fn.tags[TAGS.breaker];
  const value = raw?.trim().toLowerCase();
  const syncByConfig = policy.syncFunctions.includes(fn.name);
  if (value !== undefined && value !== "") {
    if (value === "sync") return { optedIn: true, declaredSync: true, source: "tag" };
    if (ON.includes(value)) return { optedIn: true, declaredSync: syncByConfig, source: "tag" };
    if (OFF.includes(value)) return { optedIn: false, declaredSync: false, source: "tag" };
    return {
      optedIn: false,
      declaredSync: false,
      source: "none",
      note: `${TAGS.breaker}=${raw} is not understood; use on, sync or off`,
    };
  }
  if (policy.functions.includes(fn.name))
    return { optedIn: true, declaredSync: syncByConfig, source: "config" };
  return { optedIn: false, declaredSync: false, source: "none" };
}

/** Watchkeeper's own functions (managed tag, or its name prefix) are never tripped. */
export function isWatchkeeperFunction(fn: LambdaFunction, policy: BreakerPolicy): boolean {
  return isManaged(fn.tags) || fn.name.startsWith(policy.prefix);
}

/** The trip alarms a function wants: its `watchkeeper:breaker-alarms` tag, else the policy's list. */
export function tripAlarmKinds(
  fn: LambdaFunction,
  policy: BreakerPolicy,
): {
  kinds: BreakerAlarmKind[];
  warning?: string;
} {
  const raw = fn.tags[BREAKER_ALARMS_TAG];
  if (raw === undefined || raw.trim() === "") return { kinds: [...policy.alarms] };
  const named = raw.trim().split(/\s+/);
  const unknown = named.filter((kind) => !(BREAKER_ALARM_KINDS as readonly string[]).includes(kind));
  const kinds = BREAKER_ALARM_KINDS.filter((kind) => named.includes(kind));
  if (unknown.length === 0 && kinds.length > 0) return { kinds };
  return {
    kinds: kinds.length > 0 ? kinds : [...policy.alarms],
    warning: `${BREAKER_ALARMS_TAG}=${raw} on ${fn.name}: ${unknown.join(", ") || "nothing"} is not a trip alarm (use ${BREAKER_ALARM_KINDS.join(", ")}); ${kinds.length > 0 ? "using the rest" : "using the policy's"}`,
  };
}

/** Something known to invoke a function: rules and topics invoke asynchronously, APIs synchronously. */
export interface Invoker {
  readonly kind: "rule" | "topic" | "api";
  /** The rule, topic or API. */
  readonly arn: string;
  /** The function ARN it invokes; a qualified one names a version or alias. */
  readonly target: string;
}

const INVOKER_RELATIONS = {
  "rule-target": "rule",
  subscription: "topic",
  "api-integration": "api",
} as const;

/** Invokers of `functionArn` (unqualified) found in an inventory's relations, qualified targets included. */
export function invokersOf(functionArn: string, relations: readonly Relation[]): Invoker[] {
  const invokers: Invoker[] = [];
  for (const relation of relations) {
    const kind = INVOKER_RELATIONS[relation.type as keyof typeof INVOKER_RELATIONS];
    if (kind && unqualifiedFunctionArn(relation.to) === functionArn) {
      invokers.push({ kind, arn: relation.from, target: relation.to });
    }
  }
  return invokers;
}

export function isAsyncInvoker(invoker: Invoker): boolean {
  return invoker.kind !== "api";
}

/**
 * Whether async events sent to `target` end somewhere when the function cannot run them: the function's
 * DLQ (taken as covering every version; a version published before the DLQ was set would lack it), or an
 * on-failure destination on the async invoke config of the qualifier invoked ($LATEST when unqualified).
 */
export function catchesFailures(fn: LambdaFunction, target: string = fn.arn): boolean {
  if (fn.deadLetterTargetArn) return true;
  const qualifier = functionQualifier(target);
  const config =
    qualifier === undefined || qualifier === "$LATEST"
      ? fn.asyncInvoke
      : fn.qualifiedAsyncInvoke?.find((c) => c.qualifier === qualifier);
  return config?.onFailureDestination !== undefined;
}

/** A mapping that is delivering, or about to: disabled, disabling and deleting ones are not. */
export function isActiveMapping(mapping: EventSourceMapping): boolean {
  return !["Disabled", "Disabling", "Deleting"].includes(mapping.state);
}

const SOURCE_LABELS: Readonly<Record<EventSourceMapping["sourceKind"], string>> = {
  sqs: "SQS",
  kinesis: "Kinesis",
  "dynamodb-stream": "DynamoDB stream",
  kafka: "Kafka",
  mq: "MQ",
  other: "event source",
};

/** "SQS payments" — the kind and the last part of the source's ARN. */
export function describeMapping(mapping: EventSourceMapping): string {
  const source = mapping.sourceArn?.split(/[:/]/).filter(Boolean);
  const name = mapping.sourceKind === "dynamodb-stream" ? source?.at(-3) : source?.at(-1);
  return `${SOURCE_LABELS[mapping.sourceKind]} ${name ?? mapping.uuid}`;
}

export function describeInvoker(invoker: Invoker): string {
  const name = invoker.arn.split(/[:/]/).at(-1) ?? invoker.arn;
  const qualifier = functionQualifier(invoker.target);
  const what = invoker.kind === "rule" ? "rule" : invoker.kind === "topic" ? "topic" : "API";
  return `${what} ${name}${qualifier ? ` (through :${qualifier})` : ""}`;
}
