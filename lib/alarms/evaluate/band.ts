/**
 * ANOMALY_DETECTION_BAND(m, k), approximated: CloudWatch trains a model on up to two weeks of the metric
 * (seasonality and trend included); here the band at a period is the mean ± k standard deviations of the
 * metric's datapoints in the trailing two weeks before it. Periods with fewer than MIN_BASELINE earlier
 * datapoints get no band, so the alarm sees them as missing, as a model still training gives no band.
 */
import type { Datapoints } from "./types.js";

export interface Band {
  readonly lower: number;
  readonly upper: number;
}

const BASELINE_MS = 14 * 24 * 3600 * 1000;
export const MIN_BASELINE = 5;

/** One pass with running sums over the trailing window: a fortnight of minutes is 20,160 datapoints. */
export function anomalyBand(metric: Datapoints, width: number): Map<number, Band> {
  const points = [...metric].sort(([a], [b]) => a - b);
  const bands = new Map<number, Band>();
  let first = 0;
  let sum = 0;
  let squares = 0;
  points.forEach(([at, value], index) => {
    // The baseline is points[first, index): earlier datapoints within two weeks before this one.
    while (first < index && (points[first] as [number, number])[0] < at - BASELINE_MS) {
      const [, old] = points[first++] as [number, number];
      sum -= old;
      squares -= old * old;
    }
    const count = index - first;
    if (count >= MIN_BASELINE) {
      const mean = sum / count;
      const deviation = Math.sqrt(Math.max(0, squares / count - mean * mean));
      bands.set(at, { lower: mean - width * deviation, upper: mean + width * deviation });
    }
    sum += value;
    squares += value * value;
  });
  return bands;
}
