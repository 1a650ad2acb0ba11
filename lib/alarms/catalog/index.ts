/**
 * The recommended alarms as data: one module per service, each a list of entries over the shared
 * types. A new service is a new module added to CATALOG; nothing else changes.
 */
import type { ResourceKind } from "../../inventory/types.js";
import { APIGATEWAY_ENTRIES } from "./apigateway.js";
import { DYNAMODB_ENTRIES } from "./dynamodb.js";
import { EVENTBRIDGE_ENTRIES } from "./eventbridge.js";
import { KINESIS_ENTRIES } from "./kinesis.js";
import { LAMBDA_ENTRIES } from "./lambda.js";
import { SNS_ENTRIES } from "./sns.js";
import { SQS_ENTRIES } from "./sqs.js";
import { STEPFUNCTIONS_ENTRIES } from "./stepfunctions.js";
import type { CatalogEntry } from "./types.js";

export const CATALOG: readonly CatalogEntry[] = [
  ...LAMBDA_ENTRIES,
  ...SQS_ENTRIES,
  ...KINESIS_ENTRIES,
  ...APIGATEWAY_ENTRIES,
  ...DYNAMODB_ENTRIES,
  ...STEPFUNCTIONS_ENTRIES,
  ...EVENTBRIDGE_ENTRIES,
  ...SNS_ENTRIES,
];

const BY_ID = new Map(CATALOG.map((entry) => [entry.id, entry]));

export function catalogEntry(id: string): CatalogEntry | undefined {
  return BY_ID.get(id);
}

export function entriesForKind(
  kind: ResourceKind,
  catalog: readonly CatalogEntry[] = CATALOG,
): CatalogEntry[] {
  return catalog.filter((entry) => entry.resourceKind === kind);
}

/**
 * The metric names a tag `watchkeeper:threshold:<Metric>` may name on a resource of this kind: those of
 * entries that can alarm on one resource (account-level metrics such as ClaimedAccountConcurrency cannot).
 */
export function alarmMetricsOfKind(kind: ResourceKind, catalog: readonly CatalogEntry[] = CATALOG): string[] {
  const entries = entriesForKind(kind, catalog).filter(
    (entry) => entry.individual !== "never" && entry.byMetricName !== false,
  );
  return [...new Set(entries.map((entry) => entry.metricName))].sort();
}

export { APIGATEWAY_ENTRIES, DYNAMODB_ENTRIES, EVENTBRIDGE_ENTRIES, KINESIS_ENTRIES, LAMBDA_ENTRIES };
export { SNS_ENTRIES, SQS_ENTRIES, STEPFUNCTIONS_ENTRIES };
export { iteratorAgeThresholdMs } from "./lambda.js";
export { queueAgeThresholdSeconds } from "./sqs.js";
export { streamIteratorAgeThresholdMs } from "./kinesis.js";
export { executionTimeoutSeconds } from "./stepfunctions.js";
export * from "./types.js";
export * as sources from "./sources.js";
