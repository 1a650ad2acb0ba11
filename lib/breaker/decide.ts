/**
 * The breaker's rules, pure: from a function's facts and its record, what a trip, a reset, an alarm
 * signal or a scheduled evaluation should do, each with a sentence saying why. No I/O: `breaker.ts`
 * reads the facts, asks here, and acts.
 *
 * How a breaker stops a function (safety rules in the design):
 * - Triggered only by event source mappings (SQS, Kinesis, DynamoDB streams, ...): disable the mappings
 *   that are enabled and record their UUIDs. Concurrency is left alone: at 0, SQS messages would pile up,
 *   climb their receive counts and spill into the DLQ, and stream shards would block until records expire.
 * - Anything else: record the reserved concurrency ("unset" being its own value) and set it to 0. With
 *   mappings too, both.
 * - Concurrency 0 sends new async events straight to the DLQ or on-failure destination, without retries,
 *   and drops them when there is neither. So: a function a rule or topic invokes needs a DLQ or an
 *   on-failure destination for what they invoke. And when Watchkeeper sees nothing that invokes the
 *   function (S3 notifications, direct async Invoke calls and other accounts are invisible to it), it
 *   does less: it requires a DLQ or on-failure destination, or the team's word that only synchronous
 *   callers invoke it (`watchkeeper:breaker=sync`, or `syncFunctions` in config). An API in front of the
 *   function is not that word: something else may still invoke it asynchronously.
 */
import type { LambdaFunction, ReservedConcurrency } from "../inventory/types.js";
import { TAGS, isIgnored } from "../policy/tags.js";
import {
  breakerOptIn,
  catchesFailures,
  describeInvoker,
  describeMapping,
  isActiveMapping,
  isAsyncInvoker,
  isWatchkeeperFunction,
  type Invoker,
} from "./facts.js";
import type { BreakerPolicy } from "./policy.js";
import { MAX_RECORDED_MAPPINGS, isoSeconds, type BreakerRecord, type RecordReading } from "./record.js";

/** A function as the breaker sees it: its current facts and what is known to invoke it. */
export interface BreakerSubject {
  /** Current facts: tags, reserved concurrency, mappings with their states, DLQ, async invoke configs. */
  readonly fn: LambdaFunction;
  readonly invokers: readonly Invoker[];
  /** False when the async invoke configs could not be read: on-failure destinations are then unknown (taken as none). */
  readonly asyncConfigRead: boolean;
}

export type TripMode = "zero-concurrency" | "disable-mappings" | "disable-mappings-and-zero-concurrency";

export type RefusalRule =
  | "unreadable-record"
  | "no-trip-alarm"
  | "untrusted-alarm"
  | "foreign-event"
  | "watchkeeper-function"
  | "ignored"
  | "not-opted-in"
  | "rate-limit"
  | "too-many-mappings"
  | "nothing-to-stop"
  | "unknown-concurrency"
  | "already-throttled"
  | "async-without-failure-destination"
  | "unknown-invocation-type";

export interface Refusal {
  readonly action: "refuse";
  readonly rule: RefusalRule;
  readonly reason: string;
}

/** What differs, while open, from what the trip set: someone (a deploy, a person) changed it since. */
export type Drift =
  | {
      readonly kind: "concurrency";
      readonly expected: number;
      readonly actual: ReservedConcurrency;
      readonly sentence: string;
    }
  | { readonly kind: "mapping-enabled"; readonly uuid: string; readonly sentence: string }
  | { readonly kind: "mapping-missing"; readonly uuid: string; readonly sentence: string };

export type TripDecision =
  | {
      readonly action: "trip";
      readonly mode: TripMode;
      /** Present when concurrency is set to 0: what a reset restores. */
      readonly previous?: ReservedConcurrency;
      /** Enabled mappings to disable (and later re-enable). */
      readonly mappings: readonly string[];
      readonly reason: string;
    }
  /** Open already, but someone undid part of it: apply it again (an explicit trip asks for exactly that). */
  | {
      readonly action: "reapply";
      readonly record: BreakerRecord;
      readonly drift: readonly Drift[];
      readonly zeroConcurrency: boolean;
      readonly disableMappings: readonly string[];
      readonly reason: string;
    }
  /** Half-open: back to open. Not a new trip, so the rate guard does not apply. */
  | { readonly action: "reopen"; readonly record: BreakerRecord; readonly reason: string }
  | { readonly action: "none"; readonly record: BreakerRecord; readonly reason: string }
  | Refusal;

export interface TripContext {
  readonly policy: BreakerPolicy;
  readonly now: Date;
  /** Trips recorded across the account in the hour before `now`. */
  readonly recentTrips: number;
}

/**
 * Checked before any record is read, on every path: Watchkeeper's own functions, ignored ones and those
 * that did not opt in are never changed, whatever a record says.
 */
export function guardFunction(fn: LambdaFunction, policy: BreakerPolicy): Refusal | undefined {
  if (isWatchkeeperFunction(fn, policy)) {
    return refuse(
      "watchkeeper-function",
      `${fn.name} is one of Watchkeeper's own functions (tagged watchkeeper:managed=true or named ${policy.prefix}*); Watchkeeper never changes itself`,
    );
  }
  if (isIgnored(fn.tags)) {
    return refuse("ignored", `${fn.name} is tagged ${TAGS.ignore}=true; Watchkeeper leaves it alone`);
  }
  const optIn = breakerOptIn(fn, policy);
  if (!optIn.optedIn) {
    const how = `tag it ${TAGS.breaker}=on (or list it in the breaker policy's functions)`;
    return refuse(
      "not-opted-in",
      optIn.note
        ? `${fn.name} has not opted in: ${optIn.note}`
        : optIn.source === "tag"
          ? `${fn.name} opted out (${TAGS.breaker}=${fn.tags[TAGS.breaker]})`
          : `${fn.name} has not opted in to the circuit breaker; ${how}`,
    );
  }
  return undefined;
}

export function decideTrip(
  subject: BreakerSubject,
  reading: RecordReading,
  context: TripContext,
): TripDecision {
  const { fn, invokers } = subject;
  const { policy } = context;
  const guard = guardFunction(fn, policy);
  if (guard) return guard;
  if (reading.kind === "unreadable") return unreadable(fn, reading.problems);
  if (reading.kind === "recorded") {
    const record = reading.record;
    if (record.state === "half-open") {
      return {
        action: "reopen",
        record,
        reason: `${fn.name} is half-open; back to open: reserved concurrency 0 again (still restoring ${describeConcurrency(record.previous ?? "unset")} on reset)`,
      };
    }
    const drift = detectDrift(fn, record);
    if (drift.length > 0) {
      const disableMappings = drift.filter((d) => d.kind === "mapping-enabled").map((d) => d.uuid);
      const zeroConcurrency = drift.some((d) => d.kind === "concurrency");
      const steps = [
        ...(zeroConcurrency ? ["reserved concurrency 0 again"] : []),
        ...(disableMappings.length > 0
          ? [`${plural(disableMappings.length, "mapping")} disabled again`]
          : []),
      ];
      const what = drift.map((d) => d.sentence).join("; ");
      if (steps.length === 0)
        return { action: "none", record, reason: `${fn.name} is already open; ${what}` };
      return {
        action: "reapply",
        record,
        drift,
        zeroConcurrency,
        disableMappings,
        reason: `${fn.name} is open but changed since the trip (${what}): ${steps.join(", ")}`,
      };
    }
    return { action: "none", record, reason: `${fn.name} is already open ${describeOpened(record)}` };
  }

  const optIn = breakerOptIn(fn, policy);
  if (context.recentTrips >= policy.maxTripsPerHour) {
    return refuse(
      "rate-limit",
      `${plural(context.recentTrips, "breaker")} tripped in this account in the last hour, the most allowed (maxTripsPerHour ${policy.maxTripsPerHour}); ${fn.name} is left running. Something wider than one function may be wrong`,
    );
  }

  const active = fn.eventSources.filter(isActiveMapping);
  const asyncInvokers = invokers.filter(isAsyncInvoker);
  const apis = invokers.filter((invoker) => !isAsyncInvoker(invoker));
  const hasMappings = fn.eventSources.length > 0;
  // Mappings are the trigger unless something else is known to invoke the function too.
  const needsConcurrency = !hasMappings || invokers.length > 0;
  if (active.length > MAX_RECORDED_MAPPINGS) {
    return refuse(
      "too-many-mappings",
      `${fn.name} has ${active.length} enabled event source mappings; the record holds at most ${MAX_RECORDED_MAPPINGS}. Disable them by hand`,
    );
  }
  const mappings = active.map((m) => m.uuid);
  const mappingText = active.map(describeMapping).join(", ");

  if (!needsConcurrency) {
    if (active.length === 0) {
      return refuse(
        "nothing-to-stop",
        `${fn.name}'s ${plural(fn.eventSources.length, "event source mapping")} ${fn.eventSources.length === 1 ? "is" : "are"} disabled already and nothing else is known to invoke it; nothing to stop`,
      );
    }
    return {
      action: "trip",
      mode: "disable-mappings",
      mappings,
      reason: `disable ${plural(active.length, "event source mapping")} of ${fn.name} (${mappingText}); reserved concurrency stays as it is`,
    };
  }

  const current = fn.reservedConcurrency;
  if (current === "unknown") {
    return refuse(
      "unknown-concurrency",
      `${fn.name}'s reserved concurrency could not be read, so it could not be restored exactly; not tripping`,
    );
  }
  if (current === 0 && active.length === 0) {
    return refuse(
      "already-throttled",
      `${fn.name}'s reserved concurrency is already 0 (set outside the breaker); nothing to stop`,
    );
  }
  const configNote = subject.asyncConfigRead ? "" : " (its async invoke configs could not be read)";
  const unsafe = asyncInvokers.filter((invoker) => !catchesFailures(fn, invoker.target));
  if (unsafe.length > 0) {
    return refuse(
      "async-without-failure-destination",
      `${fn.name} is invoked asynchronously by ${unsafe.map(describeInvoker).join(", ")}: reserved concurrency 0 would send new events straight to its DLQ or on-failure destination, and with neither${configNote} they would be lost. Add a DLQ or an on-failure destination, then trip again`,
    );
  }
  if (asyncInvokers.length === 0 && !catchesFailures(fn) && !optIn.declaredSync) {
    const seen = apis.length > 0 ? `; it sits behind ${apis.map(describeInvoker).join(", ")}, but` : ";";
    return refuse(
      "unknown-invocation-type",
      `Watchkeeper cannot tell how ${fn.name} is invoked${seen} S3 notifications, direct async invokes and other accounts are invisible to it, and at reserved concurrency 0 their events would be lost without a DLQ or on-failure destination${configNote}. Add one, or tag it ${TAGS.breaker}=sync if only synchronous callers invoke it`,
    );
  }
  const both = active.length > 0;
  return {
    action: "trip",
    mode: both ? "disable-mappings-and-zero-concurrency" : "zero-concurrency",
    previous: current,
    mappings,
    reason:
      `set ${fn.name}'s reserved concurrency ${describeConcurrency(current)} → 0` +
      (both ? ` and disable ${plural(active.length, "event source mapping")} (${mappingText})` : "") +
      `; a reset restores ${describeConcurrency(current)}`,
  };
}

/** Differences between what an open or half-open record set and what the function has now. */
export function detectDrift(fn: LambdaFunction, record: BreakerRecord): Drift[] {
  const drift: Drift[] = [];
  if (record.previous !== undefined && fn.reservedConcurrency !== "unknown") {
    const expected = record.state === "half-open" ? (record.halfOpenConcurrency ?? 0) : 0;
    if (fn.reservedConcurrency !== expected) {
      drift.push({
        kind: "concurrency",
        expected,
        actual: fn.reservedConcurrency,
        sentence: `reserved concurrency is ${describeConcurrency(fn.reservedConcurrency)}, not ${expected} as the breaker set it (a deploy of the function's stack?); a reset would still restore ${describeConcurrency(record.previous)}`,
      });
    }
  }
  for (const uuid of record.mappings) {
    const mapping = fn.eventSources.find((m) => m.uuid === uuid);
    if (!mapping) {
      drift.push({
        kind: "mapping-missing",
        uuid,
        sentence: `event source mapping ${uuid} no longer exists; a reset skips it`,
      });
    } else if (record.state === "open" && isActiveMapping(mapping)) {
      drift.push({
        kind: "mapping-enabled",
        uuid,
        sentence: `event source mapping ${uuid} (${describeMapping(mapping)}) is ${mapping.state} again while the breaker is open`,
      });
    }
  }
  return drift;
}

export type ResetDecision =
  | {
      readonly action: "reset";
      readonly record: BreakerRecord;
      /** Recorded mappings that still exist: re-enabled. */
      readonly enableMappings: readonly string[];
      /** Recorded mappings that are gone: skipped, and said so. */
      readonly missingMappings: readonly string[];
      /** What to restore; absent when the trip left concurrency alone. */
      readonly restore?: ReservedConcurrency;
      readonly reason: string;
    }
  | { readonly action: "none"; readonly reason: string }
  | Refusal;

export function decideReset(
  fn: LambdaFunction,
  reading: RecordReading,
  policy: BreakerPolicy,
): ResetDecision {
  const guard = guardFunction(fn, policy);
  if (guard) return guard;
  if (reading.kind === "closed")
    return { action: "none", reason: `${fn.name}'s breaker is closed; nothing to reset` };
  if (reading.kind === "unreadable") return unreadable(fn, reading.problems);
  const record = reading.record;
  const existing = new Set(fn.eventSources.map((m) => m.uuid));
  const enableMappings = record.mappings.filter((uuid) => existing.has(uuid));
  const missingMappings = record.mappings.filter((uuid) => !existing.has(uuid));
  const steps = [
    ...(record.previous !== undefined
      ? [`restore reserved concurrency ${describeConcurrency(record.previous)}`]
      : []),
    ...(enableMappings.length > 0
      ? [`re-enable ${plural(enableMappings.length, "event source mapping")}`]
      : []),
    ...(missingMappings.length > 0
      ? [`skip ${plural(missingMappings.length, "mapping")} that no longer exist`]
      : []),
  ];
  return {
    action: "reset",
    record,
    enableMappings,
    missingMappings,
    ...(record.previous !== undefined ? { restore: record.previous } : {}),
    reason: `${steps.join(", ")} on ${fn.name} (open ${describeOpened(record)})`,
  };
}

export type AlarmStateValue = "ALARM" | "OK" | "INSUFFICIENT_DATA";

/** An alarm's state as CloudWatch holds it now. */
export interface AlarmState {
  readonly name: string;
  readonly state: AlarmStateValue;
  readonly since: Date;
}

/** A state change of a trip alarm, with what CloudWatch says now (events may be late, repeated, out of order). */
export interface AlarmSignal {
  readonly alarmName: string;
  readonly state: AlarmStateValue;
  readonly stateTimestamp: Date;
  /** The alarm now; absent when it no longer exists. */
  readonly current?: AlarmState;
  /** The function's other trip alarms, now. */
  readonly others: readonly AlarmState[];
  /** `alarm:<name>`, as the record holds it. */
  readonly actor: string;
}

export type AutoDecision =
  | {
      readonly action: "reset";
      readonly reset: Extract<ResetDecision, { action: "reset" }>;
      readonly reason: string;
    }
  | {
      readonly action: "half-open";
      readonly record: BreakerRecord;
      readonly concurrency: number;
      readonly reason: string;
    }
  | { readonly action: "reopen"; readonly record: BreakerRecord; readonly reason: string }
  | {
      readonly action: "reapply";
      readonly trip: Extract<TripDecision, { action: "reapply" }>;
      readonly reason: string;
    }
  /** A trip that died halfway, finished: what is left to stop, then the record marked applied. */
  | {
      readonly action: "complete";
      readonly record: BreakerRecord;
      readonly zeroConcurrency: boolean;
      readonly disableMappings: readonly string[];
      readonly reason: string;
    }
  /** A trip that died halfway, undone: what it stopped is restored and the record removed. */
  | {
      readonly action: "roll-back";
      readonly reset: Extract<ResetDecision, { action: "reset" }>;
      readonly reason: string;
    }
  | { readonly action: "none"; readonly reason: string; readonly drift?: readonly Drift[] };

export type SignalDecision =
  TripDecision | AutoDecision | { readonly action: "ignore"; readonly reason: string };

/**
 * ALARM: trip, but only if the alarm is in ALARM now (a late or repeated event for an alarm that has
 * since gone OK trips nothing). OK: closes (or half-opens) only a breaker this alarm opened, after the
 * trip, when the alarm is still OK, no other trip alarm of the function is in ALARM, auto-reset is on
 * and the cool-down is over. Anything else is ignored with the reason.
 */
export function decideSignal(
  subject: BreakerSubject,
  reading: RecordReading,
  signal: AlarmSignal,
  context: TripContext,
): SignalDecision {
  const name = subject.fn.name;
  if (signal.state === "INSUFFICIENT_DATA") {
    return {
      action: "ignore",
      reason: `${signal.alarmName} has insufficient data; ${name}'s breaker is left as it is`,
    };
  }
  if (!signal.current) {
    return {
      action: "ignore",
      reason: `alarm ${signal.alarmName} no longer exists; ${name}'s breaker is left as it is`,
    };
  }
  if (signal.state === "ALARM") {
    if (signal.current.state !== "ALARM") {
      return {
        action: "ignore",
        reason: `stale ALARM event: ${signal.alarmName} is ${signal.current.state} since ${isoSeconds(signal.current.since)}; ${name} is not tripped`,
      };
    }
    return decideTrip(subject, reading, context);
  }
  // OK
  const guard = guardFunction(subject.fn, context.policy);
  if (guard) return guard;
  if (reading.kind === "closed")
    return { action: "ignore", reason: `${name}'s breaker is closed; nothing to reset` };
  if (reading.kind === "unreadable") return unreadable(subject.fn, reading.problems);
  const record = reading.record;
  if (record.by !== signal.actor) {
    return {
      action: "ignore",
      reason: `${name}'s breaker was opened by ${record.by}, not ${signal.actor}; an OK from this alarm does not reset it`,
    };
  }
  if (signal.stateTimestamp.getTime() <= record.since.getTime()) {
    return {
      action: "ignore",
      reason: `stale OK event: ${signal.alarmName} went OK at ${isoSeconds(signal.stateTimestamp)}, before ${name} was tripped at ${isoSeconds(record.since)}`,
    };
  }
  if (signal.current.state === "ALARM") {
    return { action: "ignore", reason: `${signal.alarmName} is in ALARM again; ${name} stays open` };
  }
  return autoClose(subject, record, signal.others, context, "OK event");
}

/**
 * A scheduled look at one breaker: drift is reported (and, if the policy says so, the trip re-applied);
 * with auto-reset, an alarm-opened breaker whose trip alarms are quiet half-opens after the cool-down and
 * closes after a quiet half-open period, and a half-open one whose alarm fires again re-opens.
 */
export function decideEvaluation(
  subject: BreakerSubject,
  reading: RecordReading,
  alarms: readonly AlarmState[],
  context: TripContext,
): AutoDecision | Refusal {
  const name = subject.fn.name;
  const guard = guardFunction(subject.fn, context.policy);
  if (guard) return guard;
  if (reading.kind === "closed") return { action: "none", reason: `${name}'s breaker is closed` };
  if (reading.kind === "unreadable") return unreadable(subject.fn, reading.problems);
  const record = reading.record;
  if (record.state === "open" && !record.applied)
    return decideUnfinished(subject, record, alarms, context.now);
  const drift = detectDrift(subject.fn, record);
  const firing = alarms.filter((alarm) => alarm.state === "ALARM");
  if (record.state === "half-open" && firing.length > 0) {
    return {
      action: "reopen",
      record,
      reason: `${firing.map((a) => a.name).join(", ")} in ALARM while ${name} is half-open: back to open`,
    };
  }
  if (drift.length > 0) {
    const trip = decideTrip(subject, reading, context);
    if (context.policy.reapplyOnDrift && trip.action === "reapply")
      return { action: "reapply", trip, reason: trip.reason };
    return {
      action: "none",
      drift,
      reason: `${name} is ${record.state} but ${drift.map((d) => d.sentence).join("; ")}; reported, not re-applied (reapplyOnDrift is off)`,
    };
  }
  if (!record.by.startsWith("alarm:")) {
    return { action: "none", reason: `${name} was tripped by ${record.by}; only a person resets it` };
  }
  const tripAlarm = record.by.slice("alarm:".length);
  if (!alarms.some((alarm) => alarm.name === tripAlarm)) {
    return { action: "none", reason: `${name}'s trip alarm ${tripAlarm} no longer exists; reset it by hand` };
  }
  if (firing.length > 0) {
    return {
      action: "none",
      reason: `${firing.map((a) => a.name).join(", ")} still in ALARM; ${name} stays open`,
    };
  }
  return autoClose(subject, record, alarms, context, "scheduled evaluation");
}

/** A trip takes seconds and an alarm's retries minutes; a record unapplied for longer belongs to a trip that died. */
export const UNFINISHED_AFTER_MS = 10 * 60_000;

/**
 * An open record never marked applied: the trip wrote it and died before its stop was done. Finished
 * when a person asked for it or its alarm is still in ALARM; otherwise undone (what it stopped is
 * restored: concurrency only if it is 0 now, mappings only those disabled now) and the record removed.
 */
export function decideUnfinished(
  subject: BreakerSubject,
  record: BreakerRecord,
  alarms: readonly AlarmState[],
  now: Date,
): AutoDecision {
  const { fn } = subject;
  const started = `${fn.name}'s trip ${describeOpened(record)} was never marked done`;
  if (now.getTime() - record.since.getTime() < UNFINISHED_AFTER_MS)
    return { action: "none", reason: `${started}; it may still be under way, so it is left for now` };
  const drift = detectDrift(fn, record);
  const zeroConcurrency = drift.some((d) => d.kind === "concurrency");
  const disableMappings = drift.filter((d) => d.kind === "mapping-enabled").map((d) => d.uuid);
  if (!zeroConcurrency && disableMappings.length === 0)
    return {
      action: "complete",
      record,
      zeroConcurrency,
      disableMappings,
      reason: `${started}, though everything it stops is stopped: completed (marked done)`,
    };
  const tripAlarm = record.by.startsWith("alarm:") ? record.by.slice("alarm:".length) : undefined;
  const firing = tripAlarm !== undefined && alarms.some((a) => a.name === tripAlarm && a.state === "ALARM");
  if (tripAlarm === undefined || firing) {
    const why = tripAlarm === undefined ? `${record.by} asked for it` : `${tripAlarm} is still in ALARM`;
    return {
      action: "complete",
      record,
      zeroConcurrency,
      disableMappings,
      reason: `${started}: completed, because ${why}`,
    };
  }
  const disabled = new Set(fn.eventSources.filter((m) => !isActiveMapping(m)).map((m) => m.uuid));
  const enableMappings = record.mappings.filter((uuid) => disabled.has(uuid));
  const restore = record.previous !== undefined && fn.reservedConcurrency === 0 ? record.previous : undefined;
  return {
    action: "roll-back",
    reset: {
      action: "reset",
      record,
      enableMappings,
      missingMappings: [],
      ...(restore !== undefined ? { restore } : {}),
      reason:
        `${started}: rolled back, because ${tripAlarm} is no longer in ALARM` +
        (enableMappings.length > 0 ? `; ${plural(enableMappings.length, "mapping")} re-enabled` : "") +
        (restore !== undefined ? `; reserved concurrency ${describeConcurrency(restore)} restored` : "") +
        "; record removed",
    },
    reason: `${started}: rolled back, because ${tripAlarm} is no longer in ALARM`,
  };
}

function autoClose(
  subject: BreakerSubject,
  record: BreakerRecord,
  alarms: readonly AlarmState[],
  context: TripContext,
  trigger: string,
): AutoDecision {
  const { policy, now } = context;
  const name = subject.fn.name;
  const firing = alarms.filter((alarm) => alarm.state === "ALARM");
  if (firing.length > 0) {
    return {
      action: "none",
      reason: `${firing.map((a) => a.name).join(", ")} still in ALARM; ${name} stays open`,
    };
  }
  if (!policy.autoReset) {
    return {
      action: "none",
      reason: `auto-reset is off: ${name} stays open until someone runs watchkeeper breaker reset ${name}`,
    };
  }
  const reset = decideReset(subject.fn, { kind: "recorded", record }, policy);
  if (reset.action !== "reset") return { action: "none", reason: reset.reason };
  if (record.state === "half-open") {
    const until = (record.halfOpenSince ?? record.since).getTime() + policy.halfOpenSeconds * 1000;
    if (now.getTime() < until) {
      return {
        action: "none",
        reason: `${name} is half-open and quiet; it closes after ${isoSeconds(new Date(until))}`,
      };
    }
    return { action: "reset", reset, reason: `${trigger}: quiet through half-open; ${reset.reason}` };
  }
  const coolDownEnds = record.since.getTime() + policy.coolDownSeconds * 1000;
  if (now.getTime() < coolDownEnds) {
    return {
      action: "none",
      reason: `${name} stays open until its cool-down ends at ${isoSeconds(new Date(coolDownEnds))}; the scheduled evaluation closes it after that`,
    };
  }
  const trickle = halfOpenConcurrency(record, policy);
  if (trickle !== undefined) {
    return {
      action: "half-open",
      record,
      concurrency: trickle,
      reason: `${trigger}: cool-down over; ${name} half-open at reserved concurrency ${trickle} for ${policy.halfOpenSeconds} s before it closes`,
    };
  }
  return { action: "reset", reset, reason: `${trigger}: cool-down over; ${reset.reason}` };
}

/** The trickle a half-open breaker allows, or undefined when it skips half-open (mappings, or 0 configured). */
export function halfOpenConcurrency(record: BreakerRecord, policy: BreakerPolicy): number | undefined {
  if (record.previous === undefined || record.mappings.length > 0 || policy.halfOpenConcurrency === 0)
    return undefined;
  if (record.previous === 0) return undefined;
  return record.previous === "unset"
    ? policy.halfOpenConcurrency
    : Math.min(record.previous, policy.halfOpenConcurrency);
}

function unreadable(fn: LambdaFunction, problems: readonly string[]): Refusal {
  return refuse(
    "unreadable-record",
    `${fn.name}'s breaker record cannot be trusted (${problems.join("; ")}); restore it by hand and remove the watchkeeper:breaker-* tags from its trip alarms`,
  );
}

export function refuse(rule: RefusalRule, reason: string): Refusal {
  return { action: "refuse", rule, reason };
}

export function describeConcurrency(value: ReservedConcurrency | "unknown"): string {
  return value === "unset" ? "unset" : String(value);
}

export function describeOpened(record: BreakerRecord): string {
  return `since ${isoSeconds(record.since)} by ${record.by}${record.reason ? ` (${record.reason})` : ""}`;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
