/**
 * Trip, reset and status of one function's breaker: read the function fresh, check it may be changed at
 * all (`guardFunction`: not Watchkeeper's, opted in) before reading its record from its trip alarm, let
 * `decide.ts` rule, act, and say what happened in one sentence. Every trip and reset is logged with who
 * asked and why, and emitted as a metric.
 *
 * Order of operations, so that no failure loses what must be restored:
 * - trip: write the record (trip alarm tags) first, then disable mappings, then set concurrency 0, then
 *   mark the record applied. A failure in between leaves an unapplied record that a reset restores from,
 *   an explicit trip finishes, and the scheduled evaluation completes or rolls back (`decideUnfinished`).
 * - reset: restore concurrency first (so capacity is back before mappings deliver again), then re-enable
 *   the recorded mappings, and only then remove the record. A failed restore keeps the record, and says so.
 *
 * A completed trip or reset adds or removes the record the alarm plan reads (the throttles aggregate leaves
 * functions with an open breaker out), so it then asks the reconcile for a run soon (`askForReconcile`:
 * the breaker function sends one hint to the hints queue), last. A hint that cannot be sent is a warning;
 * the trip or reset stands and the scheduled reconcile catches up.
 */
import {
  DeleteFunctionConcurrencyCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  UntagResourceCommand,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import type { Aws } from "../aws/index.js";
import { describeAwsError, isNotFound } from "../aws/index.js";
import type { Inventory, LambdaFunction, ReservedConcurrency } from "../inventory/types.js";
import { silentLogger, type Logger } from "../log.js";
import { breakerAlarmName } from "./alarms.js";
import {
  decideReset,
  decideTrip,
  describeConcurrency,
  describeOpened,
  detectDrift,
  guardFunction,
  plural,
  refuse,
  type BreakerSubject,
  type Drift,
  type RefusalRule,
  type ResetDecision,
  type TripDecision,
  type TripMode,
} from "./decide.js";
import { breakerOptIn, invokersOf, isActiveMapping, tripAlarmKinds, type OptIn } from "./facts.js";
import { BREAKER_METRICS, emitBreakerMetric } from "./metrics.js";
import { invokersIn, observeFunction, readInvokers, type ObservedFunction } from "./observe.js";
import { DEFAULT_BREAKER_POLICY, type BreakerPolicy } from "./policy.js";
import {
  BREAKER_TAGS,
  legacyRecordKeys,
  recordKeys,
  recordTags,
  withTrip,
  type BreakerRecord,
  type BreakerState,
  type RecordReading,
} from "./record.js";
import {
  readFunctionTripAlarms,
  readRecentTrips,
  readRecordedFunctions,
  removeRecordTags,
  storedRecord,
  writeRecordTags,
  type StoredRecord,
} from "./store.js";

export interface BreakerOptions {
  readonly policy?: BreakerPolicy;
  /** Default: the time on `aws`'s clock (the virtual one under lib/sim). */
  readonly now?: Date;
  readonly logger?: Logger;
  /** A fresh inventory: invokers come from it instead of being read. */
  readonly inventory?: Inventory;
  /**
   * Called once after a trip or reset completes (never in a dry run), so the alarm plan sees the breaker
   * within minutes instead of at the next scheduled reconcile; resolves to why it could not ask (kept as a
   * warning), or undefined. The breaker function sends a hint to the hints queue (lib/reconcile/hints.ts
   * `breakerHints`); absent, nothing is asked and the schedule catches up.
   */
  readonly askForReconcile?: AskForReconcile;
}

/** What the breaker did to a function's record: opened it (a trip), or removed it (a reset, a roll-back). */
export type RecordChange = "tripped" | "reset";

export type AskForReconcile = (change: RecordChange, fn: LambdaFunction) => Promise<string | undefined>;

export interface ActionOptions extends BreakerOptions {
  /** Why, in a few words: kept on the function and in the log. */
  readonly reason: string;
  /** Who or what asks: `user:alice`, `alarm:<alarm name>`. */
  readonly actor: string;
  /** Decide and say what would happen; change nothing. */
  readonly dryRun?: boolean;
}

/** A function name, ARN, or an inventory's function (always read again: an inventory may be stale). */
export type BreakerTarget = string | LambdaFunction;

interface OutcomeBase {
  readonly functionName: string;
  /** One sentence for a person: what happened (or would, in a dry run) and why. */
  readonly sentence: string;
  readonly dryRun: boolean;
  /** Things that went wrong without changing the result (a metric not recorded). */
  readonly warnings: readonly string[];
}

export type TripOutcome = OutcomeBase &
  (
    | {
        readonly result: "tripped";
        readonly mode: TripMode;
        readonly previous?: ReservedConcurrency;
        readonly mappings: readonly string[];
      }
    | { readonly result: "reapplied"; readonly drift: readonly Drift[] }
    | { readonly result: "reopened" }
    | { readonly result: "already-open"; readonly record: BreakerRecord }
    | { readonly result: "refused"; readonly rule: RefusalRule }
    /** `recorded`: the record was written before the failure, so a reset restores from it. */
    | { readonly result: "failed"; readonly error: string; readonly recorded: boolean }
    | { readonly result: "not-found" }
  );

export type ResetOutcome = OutcomeBase &
  (
    | {
        readonly result: "reset";
        readonly restored?: ReservedConcurrency;
        readonly enabledMappings: readonly string[];
        readonly skippedMappings: readonly string[];
      }
    | { readonly result: "half-open"; readonly concurrency: number }
    | { readonly result: "already-closed" }
    | { readonly result: "refused"; readonly rule: RefusalRule }
    /** The record is kept: nothing recorded is lost, and the next reset tries again. */
    | {
        readonly result: "restore-failed";
        readonly step: "concurrency" | "mappings" | "record";
        readonly error: string;
        readonly recordKept: boolean;
      }
    | { readonly result: "not-found" }
  );

/** Trips `target`'s breaker, or says why not. Idempotent: tripping an open breaker changes nothing. */
export async function tripBreaker(
  aws: Aws,
  target: BreakerTarget,
  options: ActionOptions,
): Promise<TripOutcome> {
  const ctx = context(aws, options);
  const observed = await observeFunction(aws, refOf(target));
  if (!observed) return notFound(ctx, refOf(target), "trip");
  const guard = guardFunction(observed.fn, ctx.policy);
  if (guard) return executeTrip(aws, observed.fn, EMPTY_STORE, guard, ctx);
  const store = await readStore(aws, observed.fn, ctx);
  const decision = await decideTripFresh(aws, observed, store, ctx);
  return executeTrip(aws, observed.fn, store, decision, ctx);
}

/** Restores exactly what the trip recorded, or says why not. Idempotent: resetting a closed breaker changes nothing. */
export async function resetBreaker(
  aws: Aws,
  target: BreakerTarget,
  options: ActionOptions,
): Promise<ResetOutcome> {
  const ctx = context(aws, options);
  const observed = await observeFunction(aws, refOf(target));
  if (!observed) return notFound(ctx, refOf(target), "reset");
  const fn = observed.fn;
  const guard = guardFunction(fn, ctx.policy);
  if (guard) return executeReset(aws, fn, EMPTY_STORE, guard, ctx);
  const store = await readStore(aws, fn, ctx);
  const outcome = await executeReset(aws, fn, store, decideReset(fn, store.reading, ctx.policy), ctx);
  const legacy = await clearLegacyRecord(aws, fn, ctx);
  return legacy ? { ...outcome, warnings: [...outcome.warnings, legacy] } : outcome;
}

/** No alarm read: what a refused function gets (its record is never looked at). */
export const EMPTY_STORE: StoredRecord = { reading: { kind: "closed" }, alarms: [] };

/** The function's record, from its trip alarms; `preferred` holds a new one (the alarm that trips it). */
export async function readStore(
  aws: Aws,
  fn: LambdaFunction,
  ctx: Context,
  preferred?: string,
): Promise<StoredRecord> {
  return storedRecord(await readFunctionTripAlarms(aws, ctx.policy.prefix, fn), preferred);
}

/**
 * A record an older version left on the function's own tags: never obeyed. Removed from an opted-in
 * function (the caller has checked), after logging what it said; returns the sentence, or undefined.
 */
export async function clearLegacyRecord(
  aws: Aws,
  fn: LambdaFunction,
  ctx: Context,
): Promise<string | undefined> {
  const keys = legacyRecordKeys(fn.tags);
  if (keys.length === 0) return undefined;
  const said = keys.map((key) => `${key}=${fn.tags[key]}`).join(", ");
  const what = `${fn.name} carried an old breaker record on its own tags (${said}); it was not obeyed`;
  if (ctx.dryRun) return `${what}; it would be removed`;
  try {
    await lambda(aws).send(new UntagResourceCommand({ Resource: fn.arn, TagKeys: keys }));
  } catch (error) {
    const sentence = `${what}, and could not be removed (${describeAwsError(error)})`;
    ctx.logger.warn({ functionName: fn.name, legacyRecord: said }, sentence);
    return sentence;
  }
  const sentence = `${what} and was removed; if it was real, restore the function by hand`;
  ctx.logger.warn({ functionName: fn.name, legacyRecord: said }, sentence);
  return sentence;
}

export interface BreakerStatus {
  readonly functionName: string;
  readonly functionArn: string;
  readonly state: BreakerState | "unreadable";
  readonly optIn: OptIn;
  readonly record?: BreakerRecord;
  /** The trip alarm holding the record. */
  readonly recordAlarm?: string;
  /** An old record on the function's own tags, reported and never obeyed. */
  readonly legacyRecord?: Readonly<Record<string, string>>;
  /** Why the record cannot be trusted, when it cannot. */
  readonly problems?: readonly string[];
  readonly drift: readonly Drift[];
  readonly reservedConcurrency: ReservedConcurrency | "unknown";
  readonly mappings: readonly {
    readonly uuid: string;
    readonly state: string;
    readonly sourceArn?: string;
  }[];
  /** Closed breakers: what a trip would do now, or why it would be refused. */
  readonly wouldTrip?: TripDecision;
  /** The trip alarms' names. */
  readonly alarms: readonly string[];
  readonly sentence: string;
}

/**
 * One function's breaker (read fresh), or every breaker of an inventory: functions that opted in or carry
 * a record. Those with a record are read again, so drift is judged on the function as it is now.
 */
export async function breakerStatus(
  aws: Aws,
  target: Inventory | BreakerTarget,
  options: BreakerOptions = {},
): Promise<BreakerStatus[]> {
  const ctx = context(aws, options);
  if (typeof target === "string" || !("resources" in target)) {
    const observed = await observeFunction(aws, refOf(target));
    if (!observed) return [];
    const store = await readStore(aws, observed.fn, ctx);
    const decision = await decideTripFresh(aws, observed, store, ctx);
    return [statusOf(observed.fn, store, decision, ctx.policy)];
  }
  const inventory = target;
  const own = { accountId: inventory.accountId, region: inventory.region };
  const recorded = new Set(await readRecordedFunctions(aws, ctx.policy.prefix, own));
  const recentTrips = await readRecentTrips(aws, ctx.policy.prefix, own, ctx.now);
  const statuses: BreakerStatus[] = [];
  for (const resource of inventory.resources) {
    if (resource.kind !== "lambda-function") continue;
    const reported = recorded.has(resource.name) || legacyRecordKeys(resource.tags).length > 0;
    if (!reported && !breakerOptIn(resource, ctx.policy).optedIn) continue;
    let fn: LambdaFunction = resource;
    let asyncConfigRead = !inventory.warnings.some(
      (w) =>
        w.operation === "ListFunctionEventInvokeConfigs" &&
        (w.resource === undefined || w.resource === resource.arn),
    );
    let store = EMPTY_STORE;
    if (reported) {
      const observed = await observeFunction(aws, resource.arn);
      if (!observed) continue;
      fn = observed.fn;
      asyncConfigRead = observed.asyncConfigRead;
      store = await readStore(aws, fn, ctx);
    }
    const subject: BreakerSubject = {
      fn,
      invokers: invokersOf(fn.arn, inventory.relations),
      asyncConfigRead,
    };
    const decision = decideTrip(subject, store.reading, { policy: ctx.policy, now: ctx.now, recentTrips });
    statuses.push(statusOf(fn, store, decision, ctx.policy));
  }
  return statuses;
}

// ── internals shared with signal.ts ───────────────────────────────────────────────────────────────

export interface Context {
  readonly policy: BreakerPolicy;
  readonly now: Date;
  readonly logger: Logger;
  readonly inventory?: Inventory;
  readonly reason: string;
  readonly actor: string;
  readonly dryRun: boolean;
  readonly askForReconcile?: AskForReconcile;
}

export function context(aws: Aws, options: BreakerOptions & Partial<ActionOptions>): Context {
  return {
    policy: options.policy ?? DEFAULT_BREAKER_POLICY,
    now: options.now ?? new Date(aws.pacer.clock.now()),
    logger: options.logger ?? silentLogger,
    ...(options.inventory ? { inventory: options.inventory } : {}),
    ...(options.askForReconcile ? { askForReconcile: options.askForReconcile } : {}),
    reason: options.reason ?? "",
    actor: options.actor ?? "unknown",
    dryRun: options.dryRun ?? false,
  };
}

function refOf(target: BreakerTarget): string {
  return typeof target === "string" ? target : target.arn;
}

/**
 * Decides on fresh facts. Invokers and the account's recent trips cost account-wide reads, so they are
 * read only when the rules get that far: a first pass without them settles records, opt-out and
 * ownership; only a would-be trip pays for the rest.
 */
export async function decideTripFresh(
  aws: Aws,
  observed: ObservedFunction,
  store: StoredRecord,
  ctx: Context,
): Promise<TripDecision> {
  const { fn, asyncConfigRead } = observed;
  const reading = store.reading;
  const first = decideTrip({ fn, invokers: [], asyncConfigRead }, reading, {
    policy: ctx.policy,
    now: ctx.now,
    recentTrips: 0,
  });
  if (first.action !== "trip" && !(first.action === "refuse" && LATE_RULES.includes(first.rule)))
    return first;
  if (!store.holder) {
    return refuse(
      "no-trip-alarm",
      `${fn.name} has no trip alarm yet (${ctx.policy.prefix}breaker-<kind>-${fn.name}), and the breaker keeps its record only there; run a reconcile (watchkeeper apply) to create it, then trip again`,
    );
  }
  const subject = await subjectOf(aws, observed, ctx);
  const own = { accountId: fn.accountId, region: fn.region };
  const recentTrips = await readRecentTrips(aws, ctx.policy.prefix, own, ctx.now);
  return decideTrip(subject, reading, { policy: ctx.policy, now: ctx.now, recentTrips });
}

/** Refusals that depend on invokers or the trip count, which the first pass does not read. */
const LATE_RULES: readonly RefusalRule[] = [
  "rate-limit",
  "too-many-mappings",
  "nothing-to-stop",
  "unknown-concurrency",
  "already-throttled",
  "async-without-failure-destination",
  "unknown-invocation-type",
];

export async function subjectOf(aws: Aws, observed: ObservedFunction, ctx: Context): Promise<BreakerSubject> {
  const { fn, asyncConfigRead } = observed;
  const invokers = ctx.inventory ? invokersIn(fn.arn, ctx.inventory) : await readInvokers(aws, fn.arn);
  return { fn, invokers, asyncConfigRead };
}

export async function executeTrip(
  aws: Aws,
  fn: LambdaFunction,
  store: StoredRecord,
  decision: TripDecision,
  ctx: Context,
): Promise<TripOutcome> {
  const base = { functionName: fn.name, dryRun: ctx.dryRun };
  const holder = store.holder;
  const would = ctx.dryRun ? "would " : "";
  switch (decision.action) {
    case "refuse":
      return done(ctx, "warn", {
        ...base,
        result: "refused",
        rule: decision.rule,
        sentence: `not tripped: ${decision.reason}`,
        warnings: [],
      });
    case "none":
      return done(ctx, "info", {
        ...base,
        result: "already-open",
        record: decision.record,
        sentence: `${decision.reason}; nothing to do`,
        warnings: [],
      });
    case "reopen": {
      if (ctx.dryRun)
        return { ...base, result: "reopened", sentence: `would re-open: ${decision.reason}`, warnings: [] };
      const failure = holder ? await reopen(aws, fn, holder, decision.record, ctx) : NO_HOLDER;
      if (failure)
        return done(ctx, "error", {
          ...base,
          result: "failed",
          error: failure,
          recorded: true,
          sentence: `re-opening ${fn.name} failed: ${failure}`,
          warnings: [],
        });
      const warning = await emitBreakerMetric(aws, BREAKER_METRICS.trips, fn.name);
      return done(ctx, "info", {
        ...base,
        result: "reopened",
        sentence: `re-opened: ${decision.reason}`,
        warnings: warning ? [warning] : [],
      });
    }
    case "reapply": {
      if (ctx.dryRun)
        return {
          ...base,
          result: "reapplied",
          drift: decision.drift,
          sentence: `would re-apply: ${decision.reason}`,
          warnings: [],
        };
      const failure =
        (await stop(aws, fn, decision.disableMappings, decision.zeroConcurrency)) ??
        (holder && !decision.record.applied ? await markApplied(aws, holder, ctx) : undefined);
      if (failure)
        return done(ctx, "error", {
          ...base,
          result: "failed",
          error: failure,
          recorded: true,
          sentence: `re-applying ${fn.name}'s breaker failed: ${failure}`,
          warnings: [],
        });
      return done(ctx, "warn", {
        ...base,
        result: "reapplied",
        drift: decision.drift,
        sentence: `re-applied: ${decision.reason}`,
        warnings: [],
      });
    }
    case "trip": {
      const sentence = `${would}trip: ${decision.reason} (by ${ctx.actor}${ctx.reason ? `: ${ctx.reason}` : ""})`;
      const tripped = {
        ...base,
        result: "tripped" as const,
        mode: decision.mode,
        ...(decision.previous !== undefined ? { previous: decision.previous } : {}),
        mappings: decision.mappings,
      };
      if (ctx.dryRun) return { ...tripped, sentence, warnings: [] };
      if (!holder)
        return done(ctx, "error", {
          ...base,
          result: "failed",
          error: NO_HOLDER,
          recorded: false,
          sentence: `not tripped: ${NO_HOLDER}`,
          warnings: [],
        });
      const record: BreakerRecord = {
        state: "open",
        ...(decision.previous !== undefined ? { previous: decision.previous } : {}),
        mappings: decision.mappings,
        since: ctx.now,
        by: ctx.actor,
        reason: ctx.reason,
      };
      try {
        await writeRecordTags(aws, holder, {
          ...recordTags(record),
          [BREAKER_TAGS.trips]: withTrip(holder.tags, ctx.now),
        });
      } catch (error) {
        const why = describeAwsError(error);
        return done(ctx, "error", {
          ...base,
          result: "failed",
          error: why,
          recorded: false,
          sentence: `not tripped: the record of what to restore could not be written to ${holder.name} (${why}), so nothing was changed`,
          warnings: [],
        });
      }
      const failure = await stop(aws, fn, decision.mappings, decision.previous !== undefined);
      if (failure) {
        return done(ctx, "error", {
          ...base,
          result: "failed",
          error: failure,
          recorded: true,
          sentence: `trip of ${fn.name} failed halfway: ${failure}. The record is on ${holder.name}: trip again to finish, or reset to restore`,
          warnings: [],
        });
      }
      const unmarked = await markApplied(aws, holder, ctx);
      const metric = await emitBreakerMetric(aws, BREAKER_METRICS.trips, fn.name);
      const unhinted = await askForReconcile(fn, "tripped", ctx);
      const warnings = [
        ...(unmarked ? [`${unmarked}; the scheduled evaluation marks it`] : []),
        ...(metric ? [metric] : []),
        ...(unhinted ? [unhinted] : []),
      ];
      return done(ctx, "info", { ...tripped, sentence: sentence.replace(/^trip:/, "tripped:"), warnings });
    }
  }
}

export async function executeReset(
  aws: Aws,
  fn: LambdaFunction,
  store: StoredRecord,
  decision: ResetDecision,
  ctx: Context,
): Promise<ResetOutcome> {
  const base = { functionName: fn.name, dryRun: ctx.dryRun };
  if (decision.action === "refuse") {
    return done(ctx, "error", {
      ...base,
      result: "refused",
      rule: decision.rule,
      sentence: `not reset: ${decision.reason}`,
      warnings: [],
    });
  }
  if (decision.action === "none") {
    return done(ctx, "info", {
      ...base,
      result: "already-closed",
      sentence: `${decision.reason}`,
      warnings: [],
    });
  }
  const by = ` (by ${ctx.actor}${ctx.reason ? `: ${ctx.reason}` : ""})`;
  const result = {
    ...base,
    result: "reset" as const,
    ...(decision.restore !== undefined ? { restored: decision.restore } : {}),
    enabledMappings: decision.enableMappings,
    skippedMappings: decision.missingMappings,
  };
  if (ctx.dryRun) return { ...result, sentence: `would reset: ${decision.reason}${by}`, warnings: [] };

  const failed = async (step: "concurrency" | "mappings" | "record", error: string, sentence: string) => {
    const warning = await emitBreakerMetric(aws, BREAKER_METRICS.resetFailures, fn.name);
    return done(ctx, "error", {
      ...base,
      result: "restore-failed" as const,
      step,
      error,
      recordKept: true,
      sentence,
      warnings: warning ? [warning] : [],
    });
  };
  if (decision.restore !== undefined) {
    try {
      await restoreConcurrency(aws, fn, decision.restore);
    } catch (error) {
      const why = describeAwsError(error);
      return failed(
        "concurrency",
        why,
        `reset of ${fn.name} failed: reserved concurrency ${describeConcurrency(decision.restore)} could not be restored (${why}). ` +
          `The breaker stays open and keeps its record (${BREAKER_TAGS.previous}=${describeConcurrency(decision.restore)}); ` +
          `free reserved concurrency elsewhere (the account keeps a minimum unreserved) and reset again`,
      );
    }
  }
  const skipped = [...decision.missingMappings];
  const enabled: string[] = [];
  for (const uuid of decision.enableMappings) {
    try {
      await lambda(aws).send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
      enabled.push(uuid);
    } catch (error) {
      if (isNotFound(error)) {
        skipped.push(uuid);
        continue;
      }
      const why = describeAwsError(error);
      return failed(
        "mappings",
        why,
        `reset of ${fn.name} failed: event source mapping ${uuid} could not be re-enabled (${why}); the breaker keeps its record, reset again`,
      );
    }
  }
  try {
    if (store.holder) await removeRecordTags(aws, store.holder, recordKeys(store.holder.tags));
  } catch (error) {
    const why = describeAwsError(error);
    return failed(
      "record",
      why,
      `${fn.name} was restored but its breaker record could not be removed (${why}); it still shows as open: reset again`,
    );
  }
  const warning = await emitBreakerMetric(aws, BREAKER_METRICS.resets, fn.name);
  const unhinted = await askForReconcile(fn, "reset", ctx);
  return done(ctx, "info", {
    ...result,
    enabledMappings: enabled,
    skippedMappings: skipped,
    sentence: `reset: ${decision.reason}${by}`,
    warnings: [...(warning ? [warning] : []), ...(unhinted ? [unhinted] : [])],
  });
}

/** Half-open: a trickle of concurrency first, then the record (the previous value is already recorded). */
export async function executeHalfOpen(
  aws: Aws,
  fn: LambdaFunction,
  holder: StoredRecord["holder"],
  record: BreakerRecord,
  concurrency: number,
  reason: string,
  ctx: Context,
): Promise<ResetOutcome> {
  const base = { functionName: fn.name, dryRun: ctx.dryRun };
  if (ctx.dryRun)
    return {
      ...base,
      result: "half-open",
      concurrency,
      sentence: `would half-open: ${reason}`,
      warnings: [],
    };
  try {
    if (!holder) throw new Error(NO_HOLDER);
    await lambda(aws).send(
      new PutFunctionConcurrencyCommand({ FunctionName: fn.name, ReservedConcurrentExecutions: concurrency }),
    );
    const halfOpen: BreakerRecord = {
      ...record,
      state: "half-open",
      halfOpenSince: ctx.now,
      halfOpenConcurrency: concurrency,
    };
    await writeRecordTags(aws, holder, recordTags(halfOpen));
  } catch (error) {
    const why = describeAwsError(error);
    return done(ctx, "error", {
      ...base,
      result: "restore-failed",
      step: "concurrency",
      error: why,
      recordKept: true,
      sentence: `${fn.name} could not go half-open (${why}); it stays open with its record`,
      warnings: [],
    });
  }
  return done(ctx, "info", {
    ...base,
    result: "half-open",
    concurrency,
    sentence: `half-open: ${reason}`,
    warnings: [],
  });
}

function lambda(aws: Aws): LambdaClient {
  return aws.client(LambdaClient);
}

/**
 * The record was just written or removed: ask the reconcile to plan again soon (the throttles aggregate
 * leaves open breakers out). Returns a warning when it could not ask; never throws.
 */
async function askForReconcile(
  fn: LambdaFunction,
  change: RecordChange,
  ctx: Context,
): Promise<string | undefined> {
  if (!ctx.askForReconcile || ctx.dryRun) return undefined;
  let failure: string | undefined;
  try {
    failure = await ctx.askForReconcile(change, fn);
  } catch (error) {
    failure = describeAwsError(error);
  }
  if (failure === undefined) return undefined;
  return `could not ask the reconcile for a run (${failure}): the alarms follow the ${change === "tripped" ? "open" : "closed"} breaker at the next scheduled run`;
}

const NO_HOLDER = "the function has no trip alarm to hold the breaker's record";

/** The stop is done: the record says so, and the scheduled evaluation stops treating the trip as unfinished. */
async function markApplied(
  aws: Aws,
  holder: NonNullable<StoredRecord["holder"]>,
  ctx: Context,
): Promise<string | undefined> {
  try {
    await writeRecordTags(aws, holder, { [BREAKER_TAGS.applied]: ctx.now.toISOString() });
    return undefined;
  } catch (error) {
    return `the record on ${holder.name} could not be marked done (${describeAwsError(error)})`;
  }
}

/** The rest of an unfinished trip: what is left to stop, then the mark. */
export async function completeTrip(
  aws: Aws,
  fn: LambdaFunction,
  store: StoredRecord,
  zeroConcurrency: boolean,
  disableMappings: readonly string[],
  ctx: Context,
): Promise<string | undefined> {
  if (!store.holder) return NO_HOLDER;
  if (ctx.dryRun) return undefined;
  return (
    (await stop(aws, fn, disableMappings, zeroConcurrency)) ?? (await markApplied(aws, store.holder, ctx))
  );
}

/** Disables mappings, then sets concurrency 0; the first failure is returned as a sentence. */
async function stop(
  aws: Aws,
  fn: LambdaFunction,
  mappings: readonly string[],
  zeroConcurrency: boolean,
): Promise<string | undefined> {
  for (const uuid of mappings) {
    try {
      await lambda(aws).send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    } catch (error) {
      return `event source mapping ${uuid} could not be disabled (${describeAwsError(error)})`;
    }
  }
  if (zeroConcurrency) {
    try {
      await lambda(aws).send(
        new PutFunctionConcurrencyCommand({ FunctionName: fn.name, ReservedConcurrentExecutions: 0 }),
      );
    } catch (error) {
      return `reserved concurrency could not be set to 0 (${describeAwsError(error)})`;
    }
  }
  return undefined;
}

/** Half-open → open: the record first (state, since, by), then concurrency 0 again. */
async function reopen(
  aws: Aws,
  fn: LambdaFunction,
  holder: NonNullable<StoredRecord["holder"]>,
  record: BreakerRecord,
  ctx: Context,
): Promise<string | undefined> {
  const open: BreakerRecord = {
    ...record,
    state: "open",
    since: ctx.now,
    by: ctx.actor,
    reason: ctx.reason || record.reason,
  };
  const { halfOpenSince: _since, halfOpenConcurrency: _concurrency, ...rest } = open;
  try {
    await writeRecordTags(aws, holder, recordTags(rest));
    await removeRecordTags(aws, holder, [BREAKER_TAGS.halfOpenSince, BREAKER_TAGS.halfOpenConcurrency]);
  } catch (error) {
    return `the record could not be updated (${describeAwsError(error)})`;
  }
  return stop(aws, fn, [], true);
}

async function restoreConcurrency(aws: Aws, fn: LambdaFunction, value: ReservedConcurrency): Promise<void> {
  if (value === "unset") {
    await lambda(aws).send(new DeleteFunctionConcurrencyCommand({ FunctionName: fn.name }));
  } else {
    await lambda(aws).send(
      new PutFunctionConcurrencyCommand({ FunctionName: fn.name, ReservedConcurrentExecutions: value }),
    );
  }
}

function notFound<T extends TripOutcome | ResetOutcome>(ctx: Context, ref: string, what: string): T {
  return done(ctx, "warn", {
    functionName: ref,
    result: "not-found",
    dryRun: ctx.dryRun,
    sentence: `no function ${ref} in this account and region; nothing to ${what}`,
    warnings: [],
  } as unknown as T);
}

/** Logs the outcome with who asked and why, and returns it. */
function done<T extends TripOutcome | ResetOutcome>(
  ctx: Context,
  level: "info" | "warn" | "error",
  outcome: T,
): T {
  if (!outcome.dryRun) {
    ctx.logger[level](
      {
        functionName: outcome.functionName,
        result: outcome.result,
        actor: ctx.actor,
        reason: ctx.reason,
        ...(outcome.warnings.length > 0 ? { warnings: outcome.warnings } : {}),
      },
      outcome.sentence,
    );
    for (const warning of outcome.warnings) ctx.logger.warn({ functionName: outcome.functionName }, warning);
  }
  return outcome;
}

function statusOf(
  fn: LambdaFunction,
  store: StoredRecord,
  decision: TripDecision,
  policy: BreakerPolicy,
): BreakerStatus {
  const reading: RecordReading = store.reading;
  const optIn = breakerOptIn(fn, policy);
  const legacyKeys = legacyRecordKeys(fn.tags);
  const legacyRecord = Object.fromEntries(legacyKeys.map((key) => [key, fn.tags[key] ?? ""]));
  const legacyNote =
    legacyKeys.length > 0
      ? `. OLD RECORD on the function's own tags, not obeyed: ${legacyKeys.map((k) => `${k}=${legacyRecord[k]}`).join(", ")}`
      : "";
  const alarms = tripAlarmKinds(fn, policy).kinds.map((kind) =>
    breakerAlarmName(policy.prefix, kind, fn.name),
  );
  const common = {
    functionName: fn.name,
    functionArn: fn.arn,
    optIn,
    reservedConcurrency: fn.reservedConcurrency,
    mappings: fn.eventSources.map((m) => ({
      uuid: m.uuid,
      state: m.state,
      ...(m.sourceArn ? { sourceArn: m.sourceArn } : {}),
    })),
    alarms: optIn.optedIn ? alarms : [],
    ...(store.holder && reading.kind !== "closed" ? { recordAlarm: store.holder.name } : {}),
    ...(legacyKeys.length > 0 ? { legacyRecord } : {}),
  };
  if (reading.kind === "unreadable") {
    return {
      ...common,
      state: "unreadable",
      problems: reading.problems,
      drift: [],
      sentence: `${fn.name}: breaker record unreadable (${reading.problems.join("; ")})${legacyNote}`,
    };
  }
  if (reading.kind === "recorded") {
    const record = reading.record;
    const drift = detectDrift(fn, record);
    const restore = [
      ...(record.previous !== undefined ? [`concurrency ${describeConcurrency(record.previous)}`] : []),
      ...(record.mappings.length > 0 ? [plural(record.mappings.length, "mapping")] : []),
    ].join(" and ");
    return {
      ...common,
      state: record.state,
      record,
      drift,
      sentence:
        `${fn.name}: ${record.state} ${describeOpened(record)}; reset restores ${restore}` +
        (record.state === "open" && !record.applied ? ". UNFINISHED: the trip was never marked done" : "") +
        (drift.length > 0 ? `. DRIFT: ${drift.map((d) => d.sentence).join("; ")}` : "") +
        legacyNote,
    };
  }
  const active = fn.eventSources.filter(isActiveMapping).length;
  const now = `reserved concurrency ${describeConcurrency(fn.reservedConcurrency)}${fn.eventSources.length > 0 ? `, ${active}/${fn.eventSources.length} mappings enabled` : ""}`;
  return {
    ...common,
    state: "closed",
    drift: [],
    wouldTrip: decision,
    sentence:
      decision.action === "trip"
        ? `${fn.name}: closed (${now}); a trip would ${decision.reason}${legacyNote}`
        : `${fn.name}: closed (${now}); a trip would be refused: ${decision.action === "refuse" ? decision.reason : decision.action}${legacyNote}`,
  };
}
