/**
 * Runs the check catalog over one inventory: drops ignored resources, marks what a team accepted (by the
 * `watchkeeper:accept:<checkId>=<reason>` tag or by config) and returns the findings in a fixed order.
 */
import type { Inventory } from "../inventory/types.js";
import { TAGS, isIgnored, tagsUnder } from "../policy/tags.js";
import { ACCOUNT_CHECKS } from "./checks/account.js";
import { APIGATEWAY_CHECKS } from "./checks/apigateway.js";
import { ENCRYPTION_CHECKS } from "./checks/encryption.js";
import { EVENTBRIDGE_CHECKS } from "./checks/eventbridge.js";
import { LAMBDA_CHECKS } from "./checks/lambda.js";
import { LOGS_CHECKS } from "./checks/logs.js";
import { SNS_CHECKS } from "./checks/sns.js";
import { SQS_CHECKS } from "./checks/sqs.js";
import { STREAM_CHECKS } from "./checks/streams.js";
import { findingsIndex, type FindingsIndex } from "./context.js";
import { SEVERITIES } from "./types.js";
import type { Check, Finding, FindingDraft, FindingThresholds, RunChecksOptions, Severity } from "./types.js";

/** Every check, in the order the catalog documents them. */
export const CHECKS: readonly Check[] = [
  ...SQS_CHECKS,
  ...STREAM_CHECKS,
  ...LAMBDA_CHECKS,
  ...LOGS_CHECKS,
  ...APIGATEWAY_CHECKS,
  ...EVENTBRIDGE_CHECKS,
  ...SNS_CHECKS,
  ...ACCOUNT_CHECKS,
  ...ENCRYPTION_CHECKS,
];

export const DEFAULT_THRESHOLDS: FindingThresholds = {
  visibilityTimeoutFactor: 6,
  restApiIntegrationTimeoutSeconds: 29,
  httpApiIntegrationTimeoutSeconds: 30,
  defaultFunctionTimeoutSeconds: 3,
  minimumUnreservedConcurrency: 100,
  unreservedHeadroomRatio: 0.1,
};

/** 0 for critical … 3 for low. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function isAtLeast(severity: Severity, minimum: Severity): boolean {
  return severityRank(severity) <= severityRank(minimum);
}

export function parseSeverity(value: string): Severity {
  const found = SEVERITIES.find((severity) => severity === value.trim().toLowerCase());
  if (!found) throw new Error(`severity "${value}" is not valid; use one of ${SEVERITIES.join(", ")}`);
  return found;
}

/** Open before accepted, most severe first, then by check, resource and message: the same input gives the same list. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    Number(a.status === "accepted") - Number(b.status === "accepted") ||
    severityRank(a.severity) - severityRank(b.severity) ||
    compareText(a.checkId, b.checkId) ||
    compareText(a.resourceArn, b.resourceArn) ||
    compareText(a.message, b.message)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function runChecks(inventory: Inventory, options: RunChecksOptions = {}): Finding[] {
  const checks = selectChecks(options.checks);
  const context = {
    inventory,
    index: findingsIndex(inventory),
    thresholds: { ...DEFAULT_THRESHOLDS, ...options.thresholds },
  };
  const findings: Finding[] = [];
  for (const check of checks) {
    for (const draft of check.run(context)) {
      const finding = toFinding(check, draft, context.index, options);
      if (finding) findings.push(finding);
    }
  }
  return findings.sort(compareFindings);
}

/** A check's draft as reported: undefined for an ignored resource or below the minimum severity. */
function toFinding(
  check: Check,
  draft: FindingDraft,
  index: FindingsIndex,
  options: RunChecksOptions,
): Finding | undefined {
  const resource = index.resource(draft.resourceArn);
  if (resource && isIgnored(resource.tags)) return undefined;
  const severity = draft.severity ?? check.severity;
  if (options.minSeverity && !isAtLeast(severity, options.minSeverity)) return undefined;
  const acceptReason =
    resource?.tags[`${TAGS.acceptPrefix}${check.id}`] ??
    options.accepted?.find((a) => a.checkId === check.id && a.resourceArn === draft.resourceArn)?.reason;
  return {
    checkId: check.id,
    severity,
    resourceArn: draft.resourceArn,
    resourceName: draft.resourceName,
    resourceKind: draft.resourceKind,
    message: draft.message,
    fix: draft.fix,
    source: check.source,
    ...(acceptReason === undefined
      ? { status: "open" as const }
      : { status: "accepted" as const, acceptReason: acceptReason.trim() || "no reason given" }),
  };
}

function selectChecks(ids: readonly string[] | undefined): readonly Check[] {
  if (ids === undefined) return CHECKS;
  const unknown = ids.filter((id) => !CHECKS.some((check) => check.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `unknown check ${unknown.map((id) => `"${id}"`).join(", ")}; known checks: ${CHECKS.map((c) => c.id).join(", ")}`,
    );
  }
  return CHECKS.filter((check) => ids.includes(check.id));
}

/**
 * `watchkeeper:accept:<id>` tags naming no known check (a typo silences nothing): worth a warning in the CLI.
 */
export function unknownAcceptTags(inventory: Inventory): { resourceArn: string; tag: string }[] {
  const known = new Set(CHECKS.map((check) => check.id));
  const found: { resourceArn: string; tag: string }[] = [];
  for (const resource of inventory.resources) {
    for (const id of Object.keys(tagsUnder(resource.tags, TAGS.acceptPrefix)).sort()) {
      if (!known.has(id)) found.push({ resourceArn: resource.arn, tag: `${TAGS.acceptPrefix}${id}` });
    }
  }
  return found;
}
