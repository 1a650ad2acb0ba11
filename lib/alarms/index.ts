/**
 * Alarms: the recommended alarms for every resource in the inventory, account-wide aggregates and
 * per-resource ones, created, updated and deleted without ever touching an alarm Watchkeeper does not own.
 *
 * - `catalog/`: the recommended alarms as data, one module per service, with their sources.
 * - `policy.ts`: prefix, notifications, runbooks, overrides by config and by tag (validated into warnings).
 * - `spec.ts`: the desired alarm as PutMetricAlarm takes it; names, descriptions, Metrics Insights queries.
 * - `plan.ts`: pure (inventory, policy, existing alarms, other capabilities' alarms) → changes.
 * - `actual.ts`: reads the prefixed alarms and which are owned.
 * - `apply.ts`: changes → paced write calls.
 * - `cost.ts`: monthly cost before and after a plan.
 * - `reconcile.ts`: read, plan, apply in one call, for the CLI and the scheduled function.
 * - `silence.ts`: silences (actions off until a time, kept on the alarm), which the plan respects.
 * - `lint.ts`: the alarm data check: will each planned alarm's metric receive data (from ListMetrics)?
 */
export { CATALOG, catalogEntry, entriesForKind, alarmMetricsOfKind } from "./catalog/index.js";
export { BAND_COMPARISON_OPERATORS, isBandOperator } from "./catalog/types.js";
export type {
  AggregateMode,
  AlarmLimits,
  BandComparisonOperator,
  CatalogEntry,
  ComparisonOperator,
  IndividualMode,
  Statistic,
  ThresholdComparisonOperator,
  ThresholdContext,
  TreatMissingData,
} from "./catalog/types.js";
export {
  DEFAULT_ALARM_POLICY,
  configThreshold,
  isEntryEnabled,
  readResourceAlarmTags,
  resolveAlarmPolicy,
  runbookUrl,
  type AlarmPolicy,
  type AlarmPolicyInput,
  type MetricsInsightsLimits,
  type ResolvedPolicy,
  type ResourceAlarmTags,
} from "./policy.js";
export {
  MAX_ALARM_NAME,
  MAX_DESCRIPTION,
  alarmFields,
  alarmName,
  insightsQuery,
  isBandAlarm,
  toPutMetricAlarmInput,
  type AlarmDefinition,
  type AlarmOrigin,
  type AlarmSettings,
  type AlarmSpec,
  type BandThreshold,
  type ExistingAlarm,
  type StaticThreshold,
  type MetricQuery,
  type SingleMetric,
} from "./spec.js";
export {
  ALARM_TAGS,
  NOT_OWNED_REASON,
  planAlarms,
  type AlarmChange,
  type AlarmPlan,
  type PlanAlarmsOptions,
} from "./plan.js";
export {
  normalizeAlarm,
  readExistingAlarms,
  type ExistingAlarms,
  type OwnershipSource,
  type ReadAlarmsOptions,
} from "./actual.js";
export { DELETE_BATCH, alarmOperations, applyAlarmChanges } from "./apply.js";
export {
  ALARM_PRICES,
  billedMetrics,
  estimateMonthlyCost,
  estimatePlanCost,
  type CostEstimate,
  type PlanCost,
} from "./cost.js";
export { reconcileAlarms, type ReconcileOptions, type ReconcileResult } from "./reconcile.js";
export {
  MAX_SILENCE_MINUTES,
  SILENCE_FIELD,
  expireSilences,
  readSilence,
  readSilencedAlarms,
  silenceAlarm,
  silencedActions,
  unsilenceAlarm,
  type SilenceExpiry,
  type SilenceOutcome,
  type SilenceReading,
  type SilencedAlarm,
  type UnsilenceOutcome,
} from "./silence.js";
export {
  alarmMetricNames,
  lintAlarmData,
  type AlarmDataCause,
  type AlarmDataCheck,
  type AlarmDataFinding,
  type AlarmDataStatus,
} from "./lint.js";
