/**
 * Open findings as a CloudWatch metric, one datum per severity (zeros included, so an alarm on
 * `OpenFindings{Severity=high} > 0` sees a value every run rather than missing data).
 */
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from "@aws-sdk/client-cloudwatch";
import type { Aws } from "../aws/clients.js";
import { countOpenBySeverity } from "./report.js";
import { SEVERITIES } from "./types.js";
import type { Finding } from "./types.js";

export const FINDINGS_NAMESPACE = "Watchkeeper";
export const OPEN_FINDINGS_METRIC = "OpenFindings";

export function findingMetrics(
  findings: readonly Finding[],
  options: { timestamp?: Date } = {},
): MetricDatum[] {
  const counts = countOpenBySeverity(findings);
  return SEVERITIES.map((severity) => ({
    MetricName: OPEN_FINDINGS_METRIC,
    Dimensions: [{ Name: "Severity", Value: severity }],
    Unit: "Count",
    Value: counts[severity],
    ...(options.timestamp ? { Timestamp: options.timestamp } : {}),
  }));
}

/** Sends the counts in one PutMetricData call (paced by lib/aws) and returns what was sent. */
export async function publishFindingMetrics(
  aws: Aws,
  findings: readonly Finding[],
  options: { timestamp?: Date } = {},
): Promise<MetricDatum[]> {
  const data = findingMetrics(findings, options);
  await aws
    .client(CloudWatchClient)
    .send(new PutMetricDataCommand({ Namespace: FINDINGS_NAMESPACE, MetricData: data }));
  return data;
}
