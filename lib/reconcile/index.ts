export { reconcileAccount, type AccountRun, type AccountRunOptions, type DashboardRun } from "./account.js";
