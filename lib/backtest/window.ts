/**
 * How far back an alarm's history can be read at its period. GetMetricData, MetricStat Period: "If the
 * StartTime parameter specifies a time stamp that is greater than 3 hours ago, you must specify the period
 * as follows or no data points in that time range is returned": 60-second multiples up to 15 days, 300
 * up to 63 days, 3600 beyond (kept 455 days). Without this check a long window reads as a quiet one.
 */
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function retentionMs(periodSeconds: number): number {
  if (periodSeconds % 3600 === 0) return 455 * DAY_MS;
  if (periodSeconds % 300 === 0) return 63 * DAY_MS;
  if (periodSeconds % 60 === 0) return 15 * DAY_MS;
  return 3 * HOUR_MS;
}

/** Why a window of `days` cannot be read at these periods, or undefined when it can. */
export function windowProblem(days: number, periods: readonly number[]): string | undefined {
  const shortest = [...new Set(periods)]
    .filter((period) => retentionMs(period) < days * DAY_MS)
    .sort((a, b) => retentionMs(a) - retentionMs(b));
  const [period] = shortest;
  if (period === undefined) return undefined;
  const count = periods.filter((p) => retentionMs(p) < days * DAY_MS).length;
  const kept = retentionMs(period);
  const keptText = kept >= DAY_MS ? `${kept / DAY_MS} days` : `${kept / HOUR_MS} hours`;
  return (
    `CloudWatch keeps ${period}-second datapoints for ${keptText}, and ${count} of the planned alarms read ` +
    `${period}-second periods: a ${days}-day window would read as quiet where it has no data. ` +
    `Use --days ${Math.floor(kept / DAY_MS) || 1} or less.`
  );
}
