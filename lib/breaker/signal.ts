/**
 * Breakers driven by their alarms: a trip alarm's state change (from the EventBridge handler), and a
 * scheduled evaluation of every open breaker (auto-reset through half-open, drift, trips that died
 * halfway). Events are only hints: the event must come from this account and region, the alarm it names
 * is read again and must be Watchkeeper's trip alarm, and the function comes from that alarm, never from
 * the event; its state now decides, so late, repeated or reordered events all end where the alarms are.
 */
import type { Aws } from "../aws/index.js";
import type { LambdaFunction } from "../inventory/types.js";
import { breakerAlarmPrefix } from "./alarms.js";
import {
  EMPTY_STORE,
  clearLegacyRecord,
  completeTrip,
  context,
  decideTripFresh,
  executeHalfOpen,
  executeReset,
  executeTrip,
  readStore,
  type BreakerOptions,
  type Context,
  type ResetOutcome,
  type TripOutcome,
} from "./breaker.js";
import {
  decideEvaluation,
  decideSignal,
  guardFunction,
  type AlarmSignal,
  type AlarmStateValue,
  type AutoDecision,
  type Drift,
  type RefusalRule,
} from "./decide.js";
import { observeFunction, readLegacyRecords } from "./observe.js";
import { alarmActor } from "./record.js";
import { callerIdentity, readAlarms, readRecordedFunctions, type StoredRecord } from "./store.js";
import { foreignEvent, vetTripAlarm, type Identity, type TripAlarm } from "./trust.js";

/** One alarm state change, as the handler parsed it from the event. */
export interface AlarmStateChange {
  readonly alarmName: string;
  readonly state: AlarmStateValue;
  /** When the alarm entered `state` (the event's detail.state.timestamp). */
  readonly stateTimestamp: Date;
  /** The alarm's ARN (the event's resources[0]): compared with the alarm as read. */
  readonly alarmArn: string;
  /** The event's account and region: compared with the breaker's own. */
  readonly account?: string;
  readonly region?: string;
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
  /** An event or alarm Watchkeeper does not trust (another account, a hand-made alarm): nothing changed. */
  | (OtherOutcome & { readonly result: "refused"; readonly rule: RefusalRule })
  /** Looked at and left as it is (cool-down, auto-reset off, drift reported, an old record reported). */
  | (OtherOutcome & { readonly result: "unchanged"; readonly drift?: readonly Drift[] })
  /** A trip that died halfway: finished, or undone (`decideUnfinished`). */
  | (OtherOutcome & { readonly result: "completed" | "rolled-back" });

export interface SignalOptions extends BreakerOptions {
  readonly dryRun?: boolean;
  /** This account and region (from the Lambda context); read from STS when absent. */
  readonly identity?: Identity;
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
  const own = options.identity ?? (await callerIdentity(aws));
  const foreign = foreignEvent({ ...change, alarmArn: change.alarmArn }, own);
  if (foreign) return refused(ctx, undefined, "foreign-event", `${foreign}; nothing is changed`);
  if (!change.alarmName.startsWith(breakerAlarmPrefix(policy.prefix)))
    return ignored(
      ctx,
      undefined,
      `${change.alarmName} is not a trip alarm (their names start with ${breakerAlarmPrefix(policy.prefix)})`,
    );
  const [read] = await readAlarms(aws, [change.alarmName]);
  if (!read) return ignored(ctx, undefined, `alarm ${change.alarmName} no longer exists; nothing is tripped`);
  if (read.arn !== change.alarmArn)
    return refused(
      ctx,
      undefined,
      "untrusted-alarm",
      `the event names ${change.alarmArn}, but alarm ${read.name} is ${read.arn}; nothing is changed`,
    );
  const vetted = vetTripAlarm(read, policy.prefix, own);
  if (!vetted.ok) return refused(ctx, undefined, "untrusted-alarm", `${vetted.reason}; nothing is changed`);
  const functionName = vetted.alarm.functionName;
  const observed = await observeFunction(aws, functionName);
  if (!observed)
    return ignored(ctx, functionName, `no function ${functionName}; ${change.alarmName} trips nothing`);
  const fn = observed.fn;
  const guard = guardFunction(fn, policy);
  if (guard) return executeTrip(aws, fn, EMPTY_STORE, guard, ctx);
  const store = await readStore(aws, fn, ctx, change.alarmName);
  const current = store.alarms.find((alarm) => alarm.name === change.alarmName);
  const signal: AlarmSignal = {
    alarmName: change.alarmName,
    state: change.state,
    stateTimestamp: change.stateTimestamp,
    ...(current ? { current } : {}),
    others: store.alarms.filter((alarm) => alarm.name !== change.alarmName),
    actor: ctx.actor,
  };
  const subject = { fn, invokers: [], asyncConfigRead: observed.asyncConfigRead };
  const decision = decideSignal(subject, store.reading, signal, { policy, now: ctx.now, recentTrips: 0 });
  if (decision.action === "ignore") return ignored(ctx, functionName, decision.reason);
  if (change.state === "ALARM") {
    // Not stale: decide the trip on the full facts (invokers, the account's recent trips).
    return executeTrip(aws, fn, store, await decideTripFresh(aws, observed, store, ctx), ctx);
  }
  if (decision.action === "refuse") return executeReset(aws, fn, store, decision, ctx);
  return executeAuto(aws, fn, store, decision as AutoDecision, ctx);
}

export interface EvaluationReport {
  readonly outcomes: readonly SignalOutcome[];
}

/**
 * Every function with a breaker record on its trip alarm, judged against its trip alarms now: trips that
 * died halfway completed or rolled back, drift reported (re-applied if the policy says so), and with
 * auto-reset, half-open after the cool-down, closed after a quiet half-open period, re-opened when an
 * alarm fires while half-open. Records an older version left on functions' own tags are reported, never
 * obeyed, and removed from opted-in functions. Functions that may not be changed are only reported.
 */
export async function evaluateBreakers(aws: Aws, options: SignalOptions = {}): Promise<EvaluationReport> {
  const base = context(aws, { ...options, actor: "watchkeeper:auto-reset", reason: "scheduled evaluation" });
  const own = options.identity ?? (await callerIdentity(aws));
  const [recorded, legacy] = await Promise.all([
    readRecordedFunctions(aws, base.policy.prefix, own),
    readLegacyRecords(aws),
  ]);
  const refs = [...new Set([...recorded, ...legacy.map((arn) => arn.split(":").at(-1) ?? arn)])].sort();
  const outcomes: SignalOutcome[] = [];
  for (const ref of refs) {
    const observed = await observeFunction(aws, ref);
    if (!observed) continue;
    const fn = observed.fn;
    const guard = guardFunction(fn, base.policy);
    if (guard) {
      outcomes.push(unchanged(base, fn, `${guard.reason}; its breaker record is not obeyed`));
      continue;
    }
    const legacyNote = await clearLegacyRecord(aws, fn, base);
    const store = await readStore(aws, fn, base);
    const subject = { fn, invokers: [], asyncConfigRead: observed.asyncConfigRead };
    const decision = decideEvaluation(subject, store.reading, store.alarms, {
      policy: base.policy,
      now: base.now,
      recentTrips: 0,
    });
    const ctx = decision.action === "reopen" ? withActor(base, store.alarms) : base;
    const outcome =
      decision.action === "refuse"
        ? await executeReset(aws, fn, store, decision, ctx)
        : await executeAuto(aws, fn, store, decision, ctx);
    outcomes.push(legacyNote ? { ...outcome, warnings: [...outcome.warnings, legacyNote] } : outcome);
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
  store: StoredRecord,
  decision: AutoDecision,
  ctx: Context,
): Promise<SignalOutcome> {
  switch (decision.action) {
    case "reset":
      return executeReset(aws, fn, store, decision.reset, { ...ctx, reason: decision.reason });
    case "half-open":
      return executeHalfOpen(
        aws,
        fn,
        store.holder,
        decision.record,
        decision.concurrency,
        decision.reason,
        ctx,
      );
    case "reopen":
      return executeTrip(
        aws,
        fn,
        store,
        { action: "reopen", record: decision.record, reason: decision.reason },
        ctx,
      );
    case "reapply":
      return executeTrip(aws, fn, store, decision.trip, ctx);
    case "complete": {
      const failure = await completeTrip(
        aws,
        fn,
        store,
        decision.zeroConcurrency,
        decision.disableMappings,
        ctx,
      );
      if (failure) {
        const sentence = `${decision.reason}, but the rest failed: ${failure}; the next evaluation tries again`;
        ctx.logger.error({ functionName: fn.name, actor: ctx.actor }, sentence);
        return {
          result: "failed",
          functionName: fn.name,
          error: failure,
          recorded: true,
          sentence,
          dryRun: ctx.dryRun,
          warnings: [],
        };
      }
      return finished(ctx, fn, "completed", decision.reason);
    }
    case "roll-back": {
      const outcome = await executeReset(aws, fn, store, decision.reset, { ...ctx, reason: decision.reason });
      return outcome.result === "reset" ? finished(ctx, fn, "rolled-back", decision.reset.reason) : outcome;
    }
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

function finished(
  ctx: Context,
  fn: LambdaFunction,
  result: "completed" | "rolled-back",
  reason: string,
): SignalOutcome {
  const sentence = ctx.dryRun ? `would be ${result}: ${reason}` : reason;
  if (!ctx.dryRun) ctx.logger.warn({ functionName: fn.name, actor: ctx.actor, result }, sentence);
  return { result, functionName: fn.name, sentence, dryRun: ctx.dryRun, warnings: [] };
}

function unchanged(ctx: Context, fn: LambdaFunction, reason: string): SignalOutcome {
  ctx.logger.warn({ functionName: fn.name, actor: ctx.actor }, reason);
  return { result: "unchanged", functionName: fn.name, sentence: reason, dryRun: ctx.dryRun, warnings: [] };
}

function refused(
  ctx: Context,
  functionName: string | undefined,
  rule: RefusalRule,
  reason: string,
): SignalOutcome {
  ctx.logger.warn(
    { ...(functionName ? { functionName } : {}), actor: ctx.actor, rule },
    `refused: ${reason}`,
  );
  return {
    result: "refused",
    rule,
    ...(functionName ? { functionName } : {}),
    sentence: reason,
    dryRun: ctx.dryRun,
    warnings: [],
  };
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
