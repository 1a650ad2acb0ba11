/**
 * Period statistics, as "CloudWatch statistics definitions" defines them: SampleCount, Sum, Average
 * (Sum/SampleCount), Minimum, Maximum and percentiles pNN(.NN).
 */
import { EvaluatorError } from "./types.js";

const PERCENTILE = /^p(\d{1,2}(?:\.\d{1,2})?|100)$/;

/**
 * Nearest rank: the smallest sample with at least `p`% of the samples at or below it. AWS defines p95 as
 * the value 95% of the period's data is below (Statistics definitions, "Percentile") and documents no
 * interpolation for raw values, so this is the plainest reading of that definition.
 */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** The statistic of one period's samples (never empty: a period without samples has no datapoint). */
export function statistic(values: readonly number[], stat: string): number {
  switch (stat) {
    case "SampleCount":
      return values.length;
    case "Sum":
      return values.reduce((a, b) => a + b, 0);
    case "Average":
      return values.reduce((a, b) => a + b, 0) / values.length;
    case "Minimum":
      return Math.min(...values);
    case "Maximum":
      return Math.max(...values);
  }
  const p = PERCENTILE.exec(stat);
  if (p) return percentile(values, Number(p[1]));
  throw new EvaluatorError(`statistic not supported by the evaluator: ${stat}`);
}
