/**
 * Breakers driven by their alarms: a trip alarm's state change (from the EventBridge handler), and a
 * scheduled evaluation of every open breaker (auto-reset through half-open, drift). Events are only
 * hints: each one is checked against the alarm's state now, so late, repeated or reordered events all
 * end where the alarms are.
 */
import type { Aws } from "../aws/index.js";
import type { LambdaFunction } from "../inventory/types.js";
import { functionOfAlarm } from "./alarms.js";
import {
  context,
  decideTripFresh,
  executeHalfOpen,
  executeReset,
  executeTrip,
  type BreakerOptions,
  type Context,
  type ResetOutcome,
  type TripOutcome,
} from "./breaker.js";
import {
  decideEvaluation,
  decideSignal,
  type AlarmSignal,
  type AlarmStateValue,
  type AutoDecision,
  type Drift,
} from "./decide.js";
import { observeFunction, readOpenBreakers, readTripAlarms, type TripAlarm } from "./observe.js";
import { alarmActor, readRecord } from "./record.js";

/** One alarm state change, as the handler parsed it from the event. */
export interface AlarmStateChange {
  readonly alarmName: string;
  readonly state: AlarmStateValue;
  /** When the alarm entered `state` (the event's detail.state.timestamp). */
  readonly stateTimestamp: Date;
  /** FunctionName dimensions of the alarm's metrics, as the event carried them. */
  readonly functionNames: readonly string[];
}

interface OtherOutcome {
  readonly functionName?: string;
  readonly sentence: string;
  readonly dryRun: boolean;
  readonly warnings: readonly string[];
}

export type SignalOutcome =
  | TripOutcome
  | ResetOutcome
  /** Nothing to do for this event (not a trip alarm, stale, another alarm's breaker, ...). */
  | (OtherOutcome & { readonly result: "ignored" })
  /** Looked at and left as it is (cool-down, auto-reset off, drift reported). */
  | (OtherOutcome & { readonly result: "unchanged"; readonly drift?: readonly Drift[] });

export interface SignalOptions extends BreakerOptions {
  readonly dryRun?: boolean;
}

/** ALARM trips, OK closes (with auto-reset), anything else is ignored; see `decideSignal` for the rules. */
export async function onAlarmStateChange(
  aws: Aws,
  change: AlarmStateChange,
  options: SignalOptions = {},
): Promise<SignalOutcome> {
  const ctx = context(aws, {
    ...options,
    actor: alarmActor(change.alarmName),
    reason: `${change.alarmName} ${change.state}`,
  });
  const { policy } = ctx;
  const functionName = functionOfAlarm(policy.prefix, change.alarmName, change.functionNames);
  if (!functionName) {
    const why = change.alarmName.startsWith(`${policy.prefix}breaker-`)
      ? `cannot tell which function ${change.alarmName} trips (no single FunctionName dimension, and its name does not end in one)`
      : `${change.alarmName} is not a trip alarm (their names start with ${policy.prefix}breaker-)`;
    return ignored(ctx, undefined, why);
  }
  const observed = await observeFunction(aws, functionName);
  if (!observed)
    return ignored(ctx, functionName, `no function ${functionName}; ${change.alarmName} trips nothing`);
  const alarms = await readTripAlarms(aws, policy.prefix);
  const current = alarms.find((alarm) => alarm.name === change.alarmName);
  const signal: AlarmSignal = {
    alarmName: change.alarmName,
    state: change.state,
    stateTimestamp: change.stateTimestamp,
    ...(current ? { current } : {}),
    others: alarms.filter((alarm) => alarm.functionName === functionName && alarm.name !== change.alarmName),
    actor: ctx.actor,
  };
  const reading = readRecord(observed.fn.tags);
  const subject = { fn: observed.fn, invokers: [], asyncConfigRead: observed.asyncConfigRead };
  const decision = decideSignal(subject, reading, signal, { policy, now: ctx.now, recentTrips: 0 });
  if (decision.action === "ignore") return ignored(ctx, functionName, decision.reason);
  if (change.state === "ALARM") {
    // Not stale: decide the trip on the full facts (invokers, the account's recent trips).
    return executeTrip(aws, observed.fn, await decideTripFresh(aws, observed, ctx), ctx);
  }
  if (decision.action === "refuse") return executeReset(aws, observed.fn, decision, ctx);
  return executeAuto(aws, observed.fn, decision as AutoDecision, ctx);
}

export interface EvaluationReport {
  readonly outcomes: readonly SignalOutcome[];
}

/**
 * Every function carrying a breaker record (found by its state tag), judged against its trip alarms now:
 * drift reported (re-applied if the policy says so), and with auto-reset, half-open after the cool-down,
 * closed after a quiet half-open period, re-opened when an alarm fires while half-open.
 */
export async function evaluateBreakers(aws: Aws, options: SignalOptions = {}): Promise<EvaluationReport> {
  const base = context(aws, { ...options, actor: "watchkeeper:auto-reset", reason: "scheduled evaluation" });
  const arns = await readOpenBreakers(aws);
  if (arns.length === 0) return { outcomes: [] };
  const alarms = await readTripAlarms(aws, base.policy.prefix);
  const outcomes: SignalOutcome[] = [];
  for (const arn of arns) {
    const observed = await observeFunction(aws, arn);
    if (!observed) continue;
    const fn = observed.fn;
    const own = alarms.filter((alarm) => alarm.functionName === fn.name);
    const subject = { fn, invokers: [], asyncConfigRead: observed.asyncConfigRead };
    const decision = decideEvaluation(subject, readRecord(fn.tags), own, {
      policy: base.policy,
      now: base.now,
      recentTrips: 0,
    });
    const ctx = decision.action === "reopen" ? withActor(base, own) : base;
    outcomes.push(
      decision.action === "refuse"
        ? await executeReset(aws, fn, decision, ctx)
        : await executeAuto(aws, fn, decision, ctx),
    );
  }
  return { outcomes };
}

function withActor(ctx: Context, alarms: readonly TripAlarm[]): Context {
  const firing = alarms.find((alarm) => alarm.state === "ALARM");
  return firing ? { ...ctx, actor: alarmActor(firing.name), reason: `${firing.name} ALARM` } : ctx;
}

async function executeAuto(
  aws: Aws,
  fn: LambdaFunction,
  decision: AutoDecision,
  ctx: Context,
): Promise<SignalOutcome> {
  switch (decision.action) {
    case "reset":
      return executeReset(aws, fn, decision.reset, { ...ctx, reason: decision.reason });
    case "half-open":
      return executeHalfOpen(aws, fn, decision.record, decision.concurrency, decision.reason, ctx);
    case "reopen":
      return executeTrip(
        aws,
        fn,
        { action: "reopen", record: decision.record, reason: decision.reason },
        ctx,
      );
    case "reapply":
      return executeTrip(aws, fn, decision.trip, ctx);
    case "none": {
      const level = decision.drift && decision.drift.length > 0 ? "warn" : "info";
      ctx.logger[level](
        { functionName: fn.name, actor: ctx.actor, ...(decision.drift ? { drift: decision.drift } : {}) },
        decision.reason,
      );
      return {
        result: "unchanged",
        functionName: fn.name,
        sentence: decision.reason,
        dryRun: ctx.dryRun,
        warnings: [],
        ...(decision.drift ? { drift: decision.drift } : {}),
      };
    }
  }
}

function ignored(ctx: Context, functionName: string | undefined, reason: string): SignalOutcome {
  ctx.logger.info(
    { ...(functionName ? { functionName } : {}), actor: ctx.actor, reason: ctx.reason },
    `ignored: ${reason}`,
  );
  return {
    result: "ignored",
    ...(functionName ? { functionName } : {}),
    sentence: reason,
    dryRun: ctx.dryRun,
    warnings: [],
  };
}
