export {
  discoverAndReconcile,
  plannedChanges,
  plannedWrites,
  reconcileAccount,
  runReports,
  runTotals,
  type AccountRun,
  type AccountRunOptions,
  type AnyReport,
  type DashboardRun,
  type DiscoverAndReconcileOptions,
  type RunTotals,
} from "./account.js";
export {
  HEALTH_NAMESPACE,
  publishRunHealth,
  RUN_PROBLEMS_METRIC,
  runHealth,
  runProblems,
  type RunHealth,
  type RunStatus,
} from "./health.js";
