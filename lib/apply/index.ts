export {
  applyOperations,
  type ApplyOptions,
  type ApplyReport,
  type ChangeOutcome,
  type Operation,
  type OutcomeStatus,
} from "./apply.js";
