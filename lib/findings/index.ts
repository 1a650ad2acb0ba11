export {
  SEVERITIES,
  type Acceptance,
  type Check,
  type CheckContext,
  type Finding,
  type FindingDraft,
  type FindingResourceKind,
  type FindingStatus,
  type FindingThresholds,
  type RunChecksOptions,
  type Severity,
} from "./types.js";
export {
  CHECKS,
  DEFAULT_THRESHOLDS,
  compareFindings,
  isAtLeast,
  parseSeverity,
  runChecks,
  severityRank,
  unknownAcceptTags,
} from "./run.js";
export {
  countOpenBySeverity,
  groupFindings,
  renderSummaryMarkdown,
  summarizeFindings,
  type FindingGroup,
  type FindingSummary,
} from "./report.js";
export {
  FINDINGS_NAMESPACE,
  OPEN_FINDINGS_METRIC,
  findingMetrics,
  publishFindingMetrics,
} from "./metrics.js";
export { lambdaAccountArn } from "./checks/account.js";
