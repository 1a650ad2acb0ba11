/**
 * The metrics an account has, as ListMetrics answers: every dimension set of a metric that received data in
 * the past two weeks ("Metrics that have not had any new data points in the past two weeks are not
 * returned", ListMetrics API reference). The lint reads it to tell an alarm that will receive data from one
 * that never can; the backtest reads it to find the series a Metrics Insights alarm would group.
 */
import { CloudWatchClient, ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import type { Dimension } from "../alarms/catalog/types.js";
import { describeAwsError, paginate, type Aws } from "../aws/index.js";

export interface MetricName {
  readonly namespace: string;
  readonly metricName: string;
}

export interface ListedMetric extends MetricName {
  /** Sorted by name. */
  readonly dimensions: readonly Dimension[];
}

export interface ListedMetrics {
  /** Every listed dimension set, per metric (`metricKey`); a metric listed without any has an empty list. */
  readonly metrics: ReadonlyMap<string, readonly ListedMetric[]>;
  /** Metrics whose listing failed, with why: nothing may be concluded about them. */
  readonly unread: ReadonlyMap<string, string>;
  /** ListMetrics calls made (pages). */
  readonly calls: number;
}

export const metricKey = (metric: MetricName): string => `${metric.namespace} ${metric.metricName}`;

export const byDimensionName = (a: Dimension, b: Dimension): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

export interface ListOptions {
  /** Called after each metric's listing ends, with how many of `names` are done. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Lists each metric by namespace and name (500 dimension sets a page), paced by `aws`; one failure leaves only that metric unread. */
export async function listMetrics(
  aws: Aws,
  names: readonly MetricName[],
  options: ListOptions = {},
): Promise<ListedMetrics> {
  const client = aws.client(CloudWatchClient);
  const unique = [...new Map(names.map((name) => [metricKey(name), name])).values()];
  const metrics = new Map<string, ListedMetric[]>();
  const unread = new Map<string, string>();
  let done = 0;
  let calls = 0;
  await Promise.all(
    unique.map(async (name) => {
      const key = metricKey(name);
      try {
        const found: ListedMetric[] = [];
        const pages = paginate(
          (token) => {
            calls++;
            return client.send(
              new ListMetricsCommand({
                Namespace: name.namespace,
                MetricName: name.metricName,
                ...(token ? { NextToken: token } : {}),
              }),
            );
          },
          (page) => page.NextToken,
        );
        for await (const page of pages)
          for (const metric of page.Metrics ?? [])
            found.push({
              ...name,
              dimensions: (metric.Dimensions ?? [])
                .map((d) => ({ name: d.Name ?? "", value: d.Value ?? "" }))
                .sort(byDimensionName),
            });
        metrics.set(key, found);
      } catch (error) {
        unread.set(key, describeAwsError(error, "cloudwatch ListMetrics"));
      }
      options.onProgress?.(++done, unique.length);
    }),
  );
  return { metrics, unread, calls };
}
