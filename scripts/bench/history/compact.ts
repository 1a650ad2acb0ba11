/**
 * A minute's samples of one metric as a few counted points (lib/sim's `SimDatapoint.count`: one point
 * standing for n samples of one value), so weeks of per-minute metrics fit in memory.
 *
 * - Up to EXACT_DISTINCT distinct values (counts, the 0/1 samples of API Gateway's error metrics): one
 *   point per value with its count. Every statistic is exact.
 * - More (Lambda Duration, API Gateway Latency): the samples at KEPT_QUANTILES, each point counting the
 *   samples ranked above the previous kept one up to it. SampleCount, Minimum, Maximum and the kept
 *   percentiles (p50, p75, p90, p95, p99: what the catalog's alarms and the dashboards read) of a minute
 *   are exact; any other percentile reads the next kept one up, and Sum and Average lean high (each sample
 *   counts as the top of its band). Over longer periods the same holds band by band. Never kinder than
 *   the samples: an alarm on slowness sees at least what they would show it.
 *
 * Points are immutable, so equal ones of one minute are one object: a zero (most of an idle queue's
 * depths, most functions' Throttles), and the latencies API Gateway publishes for both an API and its stage.
 */
import type { StandardUnit } from "@aws-sdk/client-cloudwatch";
import type { SimDatapoint } from "../../../lib/sim/index.js";

export const KEPT_QUANTILES = [0, 0.5, 0.75, 0.9, 0.95, 0.99, 1] as const;
/** Up to this many distinct values a minute are kept as they are: never more points than a summary. */
export const EXACT_DISTINCT = KEPT_QUANTILES.length;

export class Compactor {
  private minute = NaN;
  private readonly zeros = new Map<StandardUnit | undefined, SimDatapoint>();
  private lastValues: readonly number[] | undefined;
  private lastPoints: SimDatapoint[] = [];
  /** Where the summary selects its ranks (durations are at most a few hundred a minute). */
  private scratch = new Float64Array(128);

  samples(values: readonly number[], timestamp: number, unit?: StandardUnit): SimDatapoint[] {
    if (timestamp !== this.minute) {
      this.minute = timestamp;
      this.zeros.clear();
      this.lastValues = undefined;
    }
    if (values === this.lastValues) return this.lastPoints;
    // Literals of one shape, not spreads: millions of points are made here.
    const point = (value: number, count: number): SimDatapoint =>
      count > 1 ? { timestamp, value, count, unit } : { timestamp, value, unit };
    let points: SimDatapoint[];
    if (values.length === 1 && values[0] === 0) {
      let zero = this.zeros.get(unit);
      if (!zero) this.zeros.set(unit, (zero = point(0, 1)));
      points = [zero];
    } else if (values.length === 1) points = [point(values[0]!, 1)];
    else points = this.exact(values, point) ?? this.summary(values, point);
    this.lastValues = values;
    this.lastPoints = points;
    return points;
  }

  private exact(
    values: readonly number[],
    point: (value: number, count: number) => SimDatapoint,
  ): SimDatapoint[] | undefined {
    // A linear search over a few values beats a Map for the common 0/1 samples.
    const distinct: number[] = [];
    const counts: number[] = [];
    for (const v of values) {
      const i = distinct.indexOf(v);
      if (i >= 0) counts[i]!++;
      else if (distinct.push(v) > EXACT_DISTINCT) return undefined;
      else counts.push(1);
    }
    return distinct.map((value, i) => point(value, counts[i]!));
  }

  private summary(
    values: readonly number[],
    point: (value: number, count: number) => SimDatapoint,
  ): SimDatapoint[] {
    const n = values.length;
    if (this.scratch.length < n) this.scratch = new Float64Array(n * 2);
    const a = this.scratch;
    for (let i = 0; i < n; i++) a[i] = values[i]!;
    const points: SimDatapoint[] = [];
    let previous = 0;
    for (const q of KEPT_QUANTILES) {
      // CloudWatch's rank for a percentile (lib/sim's `aggregate`): ceil(q × n), at least 1.
      const rank = Math.max(1, Math.ceil(q * n));
      if (rank <= previous) continue;
      // Ranks rise, so each selection only looks above the last one.
      points.push(point(select(a, previous, n - 1, rank - 1), rank - previous));
      previous = rank;
    }
    return points;
  }
}

/** The k-th smallest of a[lo..hi] (Hoare's selection), leaving smaller values before it and larger after. */
function select(a: Float64Array, lo: number, hi: number, k: number): number {
  while (hi > lo) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}
