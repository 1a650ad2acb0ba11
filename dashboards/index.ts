/**
 * Dashboards: a generated CloudWatch dashboard (or a few numbered ones) over everything the inventory
 * holds, written only when its body changed. Generation and planning are pure; `apply.ts` is the I/O.
 */
export {
  dashboardBaseName,
  DEFAULT_DASHBOARD_PREFIX,
  generateDashboards,
  reviewJson,
  type DashboardOptions,
  type DashboardSpec,
} from "./generate.js";
export {
  comparableBody,
  isManagedBody,
  planDashboards,
  type DashboardChange,
  type ExistingDashboard,
} from "./plan.js";
export {
  applyDashboards,
  dashboardOperations,
  DELETE_BATCH,
  planAccountDashboards,
  readDashboards,
  type DashboardApplyOptions,
  type DashboardPlan,
  type DashboardValidationReport,
} from "./apply.js";
export { dashboardUrl, MANAGED_MARKER } from "./layout.js";
export { isPartName, limitViolations, measure, partName, type BodyMeasure } from "./split.js";
export {
  DASHBOARD_LIMIT_SOURCES,
  DASHBOARD_NAME,
  DEFAULT_DASHBOARD_LIMITS,
  GRID,
  resolveLimits,
  validateDashboardName,
  type DashboardLimits,
} from "./limits.js";
export {
  explicitMetrics,
  expressions,
  metricCount,
  type DashboardBody,
  type MetricRef,
  type PlacedWidget,
} from "./widgets.js";
export { SECTIONS, DEFAULT_EXPLICIT_THRESHOLD, DEFAULT_TOP_N } from "./sections/index.js";
