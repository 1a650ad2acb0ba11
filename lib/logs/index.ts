/** Log retention: which retention each log group should have, and setting it. */
export {
  MAX_RETENTION_DAYS,
  NEVER,
  RETENTION_DAYS,
  describeRetention,
  isValidRetention,
  parseRetention,
  parseRetentionDays,
  readTagRetention,
  snapRetention,
  type Never,
  type RetentionDays,
  type TagRetention,
} from "./retention.js";
export {
  DEFAULT_RETENTION_POLICY,
  retentionPolicy,
  type RetentionPolicy,
  type RetentionRule,
} from "./policy.js";
export {
  matchingRule,
  planGroupRetention,
  planRetention,
  retentionExclusion,
  retentionInput,
  type LogGroupWriter,
  type RetentionChange,
  type RetentionExclusion,
  type RetentionInput,
  type RetentionPlan,
  type RetentionSource,
  type RetentionTarget,
  type RetentionWarning,
} from "./plan.js";
export { storagePrice, type StoragePrice } from "./prices.js";
export { describeSaving, estimateRetentionSaving, type GroupSaving, type SavingEstimate } from "./savings.js";
export { retentionState, stateRow, type RetentionStateRow, type RetentionStatus } from "./state.js";
export {
  reconcileRetention,
  retentionOperations,
  type ReconcileRetentionOptions,
  type RetentionRun,
} from "./apply.js";
export { observeLogGroup } from "./observe.js";
