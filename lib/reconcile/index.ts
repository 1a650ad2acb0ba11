export {
  discoverAndReconcile,
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
