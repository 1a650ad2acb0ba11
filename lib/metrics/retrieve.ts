/**
 * Metric history through GetMetricData: requests packed into as few calls as the API allows (at most 500
 * queries and 100,800 datapoints a call), paced by `aws`, continued through NextToken, each series returned
 * as the evaluator reads it (`RetrievedSeries`). What a call could not return is said per series, never
 * dropped: a backtest must not take "no answer" for "no data".
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import type { Dimension } from "../alarms/catalog/types.js";
import type { RetrievedSeries } from "../alarms/evaluate/index.js";
import { describeAwsError, type Aws } from "../aws/index.js";
import { byDimensionName } from "./listed.js";

/** One series at one statistic and period: one MetricStat query. */
export interface SeriesRequest {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly Dimension[];
  readonly stat: string;
  readonly periodSeconds: number;
}

/** Epoch ms, [start, end). */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** GetMetricData: "as many as 500 different metrics in a single request, with a total of as many as 100,800 data points". */
export const MAX_QUERIES_PER_CALL = 500;
export const MAX_DATAPOINTS_PER_CALL = 100_800;
/**
 * CloudWatch pricing, "API requests": GetMetricData at $0.01 per 1,000 metrics requested (US East (N.
 * Virginia); other regions differ a little). Each MetricStat of a call is one metric requested.
 */
export const USD_PER_METRIC_REQUESTED = 0.01 / 1000;

export function requestKey(request: SeriesRequest): string {
  const dimensions = [...request.dimensions].sort(byDimensionName).map((d) => [d.name, d.value]);
  return JSON.stringify([
    request.namespace,
    request.metricName,
    dimensions,
    request.stat,
    request.periodSeconds,
  ]);
}

export function datapointsPerSeries(request: SeriesRequest, window: TimeWindow): number {
  return Math.ceil((window.end - window.start) / (request.periodSeconds * 1000));
}

/**
 * Calls in order, each filled until its next series would pass either limit. A series longer than one
 * call's datapoints gets a call of its own and is continued with NextToken.
 */
export function packCalls(requests: readonly SeriesRequest[], window: TimeWindow): SeriesRequest[][] {
  const calls: SeriesRequest[][] = [];
  let current: SeriesRequest[] = [];
  let datapoints = 0;
  for (const request of requests) {
    const points = datapointsPerSeries(request, window);
    if (
      current.length > 0 &&
      (current.length === MAX_QUERIES_PER_CALL || datapoints + points > MAX_DATAPOINTS_PER_CALL)
    ) {
      calls.push(current);
      current = [];
      datapoints = 0;
    }
    current.push(request);
    datapoints += points;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

/** Every datapoint the requests return over the window. */
export function totalDatapoints(requests: readonly SeriesRequest[], window: TimeWindow): number {
  return requests.reduce((sum, r) => sum + datapointsPerSeries(r, window), 0);
}

/** The fewest calls any packing needs: series ÷ 500 and datapoints ÷ 100,800, whichever is more. */
export function fewestCalls(requests: readonly SeriesRequest[], window: TimeWindow): number {
  return Math.max(
    Math.ceil(requests.length / MAX_QUERIES_PER_CALL),
    Math.ceil(totalDatapoints(requests, window) / MAX_DATAPOINTS_PER_CALL),
  );
}

export interface Retrieved {
  readonly series: readonly RetrievedSeries[];
  /** By `requestKey`: why the series could not be (wholly) read. */
  readonly unread: ReadonlyMap<string, string>;
  /** GetMetricData calls made, continuations included. */
  readonly calls: number;
}

export interface RetrieveOptions {
  /** After each call's last page, with calls done and planned. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Calls in flight at once; the pacer keeps them within the quota. */
  readonly concurrency?: number;
}

/** Retrieves every request over `window` (align it to the periods: datapoints are keyed by period start). */
export async function retrieveSeries(
  aws: Aws,
  requests: readonly SeriesRequest[],
  window: TimeWindow,
  options: RetrieveOptions = {},
): Promise<Retrieved> {
  const client = aws.client(CloudWatchClient);
  const unique = [...new Map(requests.map((r) => [requestKey(r), r])).values()];
  const batches = packCalls(unique, window);
  const series: RetrievedSeries[] = [];
  const unread = new Map<string, string>();
  let calls = 0;
  let done = 0;

  const run = async (batch: readonly SeriesRequest[]) => {
    const queries: MetricDataQuery[] = batch.map((r, i) => ({
      Id: `m${i}`,
      MetricStat: {
        Metric: {
          Namespace: r.namespace,
          MetricName: r.metricName,
          Dimensions: r.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
        },
        Period: r.periodSeconds,
        Stat: r.stat,
      },
      ReturnData: true,
    }));
    const values = batch.map(() => new Map<number, number>());
    const problems = batch.map((): string | undefined => undefined);
    try {
      let token: string | undefined;
      const seen = new Set<string>();
      do {
        calls++;
        const page = await client.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: new Date(window.start),
            EndTime: new Date(window.end),
            ScanBy: "TimestampAscending",
            ...(token ? { NextToken: token } : {}),
          }),
        );
        for (const result of page.MetricDataResults ?? []) {
          const index = Number(result.Id?.slice(1));
          const into = values[index];
          if (into === undefined) continue;
          (result.Timestamps ?? []).forEach((at, i) => {
            const value = result.Values?.[i];
            if (value !== undefined) into.set(at.getTime(), value);
          });
          if (result.StatusCode === "Forbidden" || result.StatusCode === "InternalError")
            problems[index] =
              `GetMetricData answered ${result.StatusCode} for it${messages(result.Messages)}`;
        }
        token = page.NextToken || undefined;
        if (token !== undefined && seen.has(token)) {
          batch.forEach(
            (_, i) => (problems[i] ??= "GetMetricData repeated a NextToken: the rest was not read"),
          );
          break;
        }
        if (token !== undefined) seen.add(token);
      } while (token !== undefined);
    } catch (error) {
      const reason = describeAwsError(error, "cloudwatch GetMetricData");
      batch.forEach((_, i) => (problems[i] = reason));
    }
    batch.forEach((request, i) => {
      const problem = problems[i];
      if (problem !== undefined) unread.set(requestKey(request), problem);
      else
        series.push({
          namespace: request.namespace,
          metricName: request.metricName,
          dimensions: request.dimensions,
          stat: request.stat,
          periodSeconds: request.periodSeconds,
          datapoints: values[i] as Map<number, number>,
        });
    });
    options.onProgress?.(++done, batches.length);
  };

  // A few calls in flight: enough to keep the pacer's budget busy without holding every answer at once.
  const queue = [...batches];
  const workers = Array.from({ length: Math.min(options.concurrency ?? 4, queue.length) }, async () => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) await run(batch);
  });
  await Promise.all(workers);
  return { series, unread, calls };
}

function messages(list: readonly { Code?: string; Value?: string }[] | undefined): string {
  const said = (list ?? []).map((m) => [m.Code, m.Value].filter(Boolean).join(": ")).filter(Boolean);
  return said.length > 0 ? ` (${said.join("; ")})` : "";
}
