/** Period aggregation: raw samples become one datapoint per period, as an alarm's metric query returns them. */
import type { Dimension } from "../catalog/types.js";
import { statistic } from "./statistics.js";
import { EvaluatorError, isRetrieved, type Datapoints, type MetricTrace, type Sample } from "./types.js";

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

export const dimensionKey = (dimensions: readonly Dimension[]): string =>
  [...dimensions]
    .map((d) => `${d.name}=${d.value}`)
    .sort()
    .join(",");

/**
 * The metric with exactly these dimensions (CloudWatch treats another dimension set as another metric), one
 * datapoint per period of `stat`: aggregated from raw samples, or as retrieved when it was retrieved with
 * this statistic and period. Retrieved with others, it cannot be re-aggregated: the evaluator refuses.
 */
export function datapointsOf(
  trace: MetricTrace,
  namespace: string,
  metricName: string,
  dimensions: readonly Dimension[],
  stat: string,
  periodSeconds: number,
): Datapoints {
  const key = dimensionKey(dimensions);
  const matching = trace.filter(
    (series) =>
      series.namespace === namespace &&
      series.metricName === metricName &&
      dimensionKey(series.dimensions) === key,
  );
  const retrieved = matching.filter(isRetrieved);
  if (retrieved.length === 0)
    return aggregate(
      matching.flatMap((series) => (isRetrieved(series) ? [] : series.samples)),
      stat,
      periodSeconds,
    );
  const exact = retrieved.find((series) => series.stat === stat && series.periodSeconds === periodSeconds);
  if (!exact || retrieved.length !== matching.length)
    throw new EvaluatorError(
      `${namespace} ${metricName} {${key}} was retrieved as ${retrieved.map((r) => `${r.stat} per ${r.periodSeconds} s`).join(", ")}, not as ${stat} per ${periodSeconds} s`,
    );
  return exact.datapoints;
}
