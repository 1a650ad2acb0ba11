export {
  plannedWrites,
  reconcileAccount,
  runReports,
  runTotals,
  type AccountRun,
  type AccountRunOptions,
  type AnyReport,
  type DashboardRun,
  type RunTotals,
} from "./account.js";
