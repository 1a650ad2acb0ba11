/**
 * Findings: configuration mistakes that make a serverless workload lose or duplicate work, found by
 * pure checks over the inventory. A check never calls AWS; it reads one snapshot and says what is wrong,
 * on which resource, how to fix it, and where AWS documents the rule.
 */
import type { Inventory, ResourceKind } from "../inventory/types.js";
import type { FindingsIndex } from "./context.js";

/** Most severe first: the order every listing uses. */
export const SEVERITIES = ["critical", "high", "medium", "low"] as const;

export type Severity = (typeof SEVERITIES)[number];

export type FindingStatus = "open" | "accepted";

/** What a finding is about: an inventoried resource, or the account's Lambda settings. */
export type FindingResourceKind = ResourceKind | "lambda-account";

export interface Finding {
  readonly checkId: string;
  readonly severity: Severity;
  readonly resourceArn: string;
  readonly resourceName: string;
  readonly resourceKind: FindingResourceKind;
  /** One line, specific: names and numbers. */
  readonly message: string;
  /** One line: what to change. */
  readonly fix: string;
  /** Where AWS documents the rule. */
  readonly source: string;
  readonly status: FindingStatus;
  /** Why the team accepted it (the value of `watchkeeper:accept:<checkId>`); only when accepted. */
  readonly acceptReason?: string;
}

/** What a check reports before acceptance is applied; severity defaults to the check's. */
export interface FindingDraft {
  readonly resourceArn: string;
  readonly resourceName: string;
  readonly resourceKind: FindingResourceKind;
  readonly message: string;
  readonly fix: string;
  /** Only when this case differs from the check's usual severity (certain duplicates: critical; a limit that may have been raised: lower). */
  readonly severity?: Severity;
}

/** Tunable limits; every default is the documented AWS value or a stated rule of thumb. */
export interface FindingThresholds {
  /** Lambda SQS docs: visibility timeout at least 6× the function timeout. */
  readonly visibilityTimeoutFactor: number;
  /** API Gateway REST API default integration timeout, seconds. */
  readonly restApiIntegrationTimeoutSeconds: number;
  /** API Gateway HTTP API maximum integration timeout, seconds (not adjustable). */
  readonly httpApiIntegrationTimeoutSeconds: number;
  /** Lambda's default function timeout, seconds. */
  readonly defaultFunctionTimeoutSeconds: number;
  /** Lambda keeps at least this much concurrency unreserved (less on accounts whose limit is lower). */
  readonly minimumUnreservedConcurrency: number;
  /** Flag when the unreserved pool has less than this share of the account limit above the minimum. */
  readonly unreservedHeadroomRatio: number;
}

export interface CheckContext {
  readonly inventory: Inventory;
  readonly index: FindingsIndex;
  readonly thresholds: FindingThresholds;
}

export interface Check {
  /** Stable and tag-safe: `watchkeeper:accept:<id>` accepts it. */
  readonly id: string;
  readonly title: string;
  /** The usual severity; a draft may set another for a case that is clearly worse or less certain. */
  readonly severity: Severity;
  /** What the check detects and what it cannot see, in a few sentences. */
  readonly description: string;
  readonly source: string;
  run(context: CheckContext): readonly FindingDraft[];
}

/** An acceptance kept in config, for what has no tags (the account's Lambda settings). */
export interface Acceptance {
  readonly checkId: string;
  readonly resourceArn: string;
  readonly reason: string;
}

export interface RunChecksOptions {
  /** Report only findings at least this severe. */
  readonly minSeverity?: Severity;
  /** Run only these check ids (default: all). */
  readonly checks?: readonly string[];
  /** Acceptances from config, in addition to `watchkeeper:accept:<checkId>` tags. */
  readonly accepted?: readonly Acceptance[];
  readonly thresholds?: Partial<FindingThresholds>;
}
