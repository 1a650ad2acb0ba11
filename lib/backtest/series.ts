/**
 * The series a backtest must retrieve for one alarm: its metric, each metric of its math, or, for a
 * Metrics Insights query, every listed metric the query would group (the query itself is not replayed:
 * GetMetricData's reference says Metrics Insights reads only the last three hours, and one query a call).
 */
import { contributorOf, isInsightsQuery, parseInsightsQuery, STAT_OF } from "../alarms/evaluate/insights.js";
import type { AlarmSpec } from "../alarms/spec.js";
import { metricKey, type ListedMetrics } from "../metrics/listed.js";
import type { SeriesRequest } from "../metrics/retrieve.js";
import { dimensionKey } from "../alarms/evaluate/periods.js";

export type AlarmSeries = { readonly requests: readonly SeriesRequest[] } | { readonly unevaluable: string };

/**
 * A metric of exact dimensions that ListMetrics did not list had no data in the past two weeks: nothing to
 * retrieve. When the listing failed it is requested anyway (the listing only saves calls).
 */
function exact(request: SeriesRequest, listed: ListedMetrics): SeriesRequest[] {
  const known = listed.metrics.get(metricKey(request));
  if (known === undefined) return [request];
  const key = dimensionKey(request.dimensions);
  return known.some((metric) => dimensionKey(metric.dimensions) === key) ? [request] : [];
}

export function alarmSeries(spec: AlarmSpec, listed: ListedMetrics): AlarmSeries {
  if (spec.metric) {
    const { namespace, metricName, dimensions, period } = spec.metric;
    const stat = spec.metric.extendedStatistic ?? spec.metric.statistic;
    if (stat === undefined) return { unevaluable: "the alarm's metric has no statistic" };
    return { requests: exact({ namespace, metricName, dimensions, stat, periodSeconds: period }, listed) };
  }
  const requests: SeriesRequest[] = [];
  for (const query of spec.metrics ?? []) {
    if (query.metricStat) {
      const { namespace, metricName, dimensions, stat, period } = query.metricStat;
      requests.push(...exact({ namespace, metricName, dimensions, stat, periodSeconds: period }, listed));
    } else if (query.expression !== undefined && isInsightsQuery(query.expression)) {
      const parsed = parseInsightsQuery(query.expression);
      const key = metricKey(parsed);
      const why = listed.unread.get(key);
      if (why !== undefined) return { unevaluable: `its query's metrics could not be listed: ${why}` };
      if (query.period === undefined) return { unevaluable: `query ${query.id} has no period` };
      const periodSeconds = query.period;
      for (const metric of listed.metrics.get(key) ?? [])
        if (contributorOf(parsed, metric) !== undefined)
          requests.push({ ...metric, stat: STAT_OF[parsed.fn], periodSeconds });
    }
  }
  return { requests };
}
