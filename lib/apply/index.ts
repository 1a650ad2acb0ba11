export {
  applyOperations,
  type ApplyOptions,
  type ApplyReport,
  type ChangeOutcome,
  type DeferredCause,
  type Operation,
  type OutcomeStatus,
} from "./apply.js";
