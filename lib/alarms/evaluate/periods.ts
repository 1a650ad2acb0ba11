/** Period aggregation: raw samples become one datapoint per period, as an alarm's metric query returns them. */
import type { Dimension } from "../catalog/types.js";
import { statistic } from "./statistics.js";
import type { Datapoints, MetricSeries, MetricTrace, Sample } from "./types.js";

/** The start of the period holding `at`: periods are aligned to multiples of their length since the epoch. */
export function periodStart(at: number, periodMs: number): number {
  return Math.floor(at / periodMs) * periodMs;
}

/** Samples grouped by the period they fall in. */
export function byPeriod(samples: readonly Sample[], periodMs: number): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const sample of samples) {
    const start = periodStart(sample.at, periodMs);
    const group = groups.get(start);
    if (group) group.push(sample.value);
    else groups.set(start, [sample.value]);
  }
  return groups;
}

/** One datapoint per period that has samples; a period without samples is missing, not zero. */
export function aggregate(samples: readonly Sample[], stat: string, periodSeconds: number): Datapoints {
  const datapoints = new Map<number, number>();
  for (const [start, values] of byPeriod(samples, periodSeconds * 1000)) {
    datapoints.set(start, statistic(values, stat));
  }
  return datapoints;
}

const dimensionKey = (dimensions: readonly Dimension[]) =>
  [...dimensions]
    .map((d) => `${d.name}=${d.value}`)
    .sort()
    .join(",");

/** The samples of the metric with exactly these dimensions (CloudWatch treats another dimension set as another metric). */
export function samplesOf(
  trace: MetricTrace,
  namespace: string,
  metricName: string,
  dimensions: readonly Dimension[],
): Sample[] {
  const key = dimensionKey(dimensions);
  return trace
    .filter(
      (series: MetricSeries) =>
        series.namespace === namespace &&
        series.metricName === metricName &&
        dimensionKey(series.dimensions) === key,
    )
    .flatMap((series) => series.samples);
}
