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

export function anomalyBand(metric: Datapoints, width: number): Map<number, Band> {
  const points = [...metric].sort(([a], [b]) => a - b);
  const bands = new Map<number, Band>();
  points.forEach(([at], index) => {
    const baseline = points
      .slice(0, index)
      .filter(([t]) => t >= at - BASELINE_MS)
      .map(([, v]) => v);
    if (baseline.length < MIN_BASELINE) return;
    const mean = baseline.reduce((a, b) => a + b, 0) / baseline.length;
    const deviation = Math.sqrt(baseline.reduce((a, v) => a + (v - mean) ** 2, 0) / baseline.length);
    bands.set(at, { lower: mean - width * deviation, upper: mean + width * deviation });
  });
  return bands;
}
