/**
 * Circuit breaker: stops an opted-in Lambda function during an anomaly (reserved concurrency 0, or its
 * event source mappings disabled), remembers exactly what it changed on the function's trip alarm, and
 * restores it.
 *
 * - `policy.ts`: opt-in list, trip alarms and their sensitivity, trips per hour, auto-reset.
 * - `record.ts`: the durable record, as tags (on the trip alarm; old ones on the function are never obeyed).
 * - `trust.ts`: which events and alarms the breaker believes, and the function an alarm trips.
 * - `store.ts`: the record on the function's trip alarm, read and written; the account's recent trips.
 * - `facts.ts`: opt-in, ownership, invokers, failure destinations.
 * - `decide.ts`: the rules, pure: trip, reset, alarm signals, scheduled evaluation, drift.
 * - `observe.ts`: fresh reads (the function, its invokers, which functions carry a record).
 * - `breaker.ts`: `tripBreaker`, `resetBreaker`, `breakerStatus`.
 * - `signal.ts`: `onAlarmStateChange` (the EventBridge handler's core), `evaluateBreakers` (schedule).
 * - `alarms.ts`: the trip alarms as AlarmSpecs (`breakerAlarmSpecs`, planned by the alarms capability
 *   in every account reconcile) and alarm → function.
 * - `metrics.ts`: BreakerTrips, BreakerResets, BreakerResetFailures in the Watchkeeper namespace.
 */
export {
  BREAKER_ALARM_KINDS,
  DEFAULT_BREAKER_POLICY,
  resolveBreakerPolicy,
  type BreakerAlarmKind,
  type BreakerPolicy,
  type BreakerPolicyInput,
} from "./policy.js";
export {
  BREAKER_ALARMS_TAG,
  BREAKER_TAGS,
  alarmActor,
  legacyRecordKeys,
  readRecord,
  recordTags,
  tagValue,
  type BreakerRecord,
  type BreakerState,
  type RecordReading,
} from "./record.js";
export {
  breakerOptIn,
  catchesFailures,
  invokersOf,
  isWatchkeeperFunction,
  tripAlarmKinds,
  type Invoker,
  type OptIn,
} from "./facts.js";
export {
  decideEvaluation,
  decideReset,
  decideSignal,
  decideTrip,
  decideUnfinished,
  detectDrift,
  guardFunction,
  halfOpenConcurrency,
  type AlarmSignal,
  type AlarmState,
  type AlarmStateValue,
  type AutoDecision,
  type BreakerSubject,
  type Drift,
  type RefusalRule,
  type ResetDecision,
  type SignalDecision,
  type TripContext,
  type TripDecision,
  type TripMode,
} from "./decide.js";
export { observeFunction, readOpenBreakers, type ObservedFunction } from "./observe.js";
export { foreignEvent, vetTripAlarm, type AlarmRead, type Identity, type TripAlarm } from "./trust.js";
export { readFunctionTripAlarms, storedRecord, type StoredRecord } from "./store.js";
export {
  breakerStatus,
  resetBreaker,
  tripBreaker,
  type ActionOptions,
  type AskForReconcile,
  type RecordChange,
  type BreakerOptions,
  type BreakerStatus,
  type BreakerTarget,
  type ResetOutcome,
  type TripOutcome,
} from "./breaker.js";
export {
  evaluateBreakers,
  onAlarmStateChange,
  type AlarmStateChange,
  type EvaluationReport,
  type SignalOptions,
  type SignalOutcome,
} from "./signal.js";
export {
  BREAKER_FUNCTION_TAG,
  BREAKER_RUNBOOK,
  breakerAlarmName,
  breakerAlarmPrefix,
  breakerAlarmSpecs,
  breakerFunctions,
  functionOfAlarm,
  planBreakerAlarms,
  type BreakerAlarmPlan,
} from "./alarms.js";
export {
  BREAKER_METRICS,
  BREAKER_METRIC_NAMESPACE,
  emitBreakerMetric,
  type BreakerMetric,
} from "./metrics.js";
