/**
 * Watchkeeper's alarms drawn on the graphs of the metrics they watch, following "Dashboard Body Structure
 * and Syntax", Annotation Properties: a graph has at most one alarm, and an alarm graph has no `metrics`
 * array and no horizontal or vertical annotations beside it.
 * - A graph of exactly one metric that an alarm watches alone (same metric, statistic and period)
 *   becomes that alarm's graph: CloudWatch draws the same line with the alarm's threshold and state.
 * - A graph whose every line is a series that one alarm on a Metrics Insights query compares with its
 *   static threshold (the aggregates: GROUP BY the resource, so each series is a contributor) gets a
 *   horizontal line at that threshold.
 * Nothing else about a graph changes; anything not provably covered is left alone.
 */
import type { ThresholdComparisonOperator } from "../lib/alarms/catalog/types.js";
import { parseInsightsQuery, type ParsedInsightsQuery } from "../lib/alarms/evaluate/insights.js";
import {
  COMPARISON_SYMBOLS,
  insightsFunction,
  type AlarmSpec,
  type SingleMetric,
} from "../lib/alarms/spec.js";
import { alarmArn } from "../lib/inventory/arn.js";
import { byNameOnce, type AlarmAccount } from "./alarms.js";
import type { Block } from "./sections/section.js";
import {
  explicitMetrics,
  expressions,
  isAlarmGraph,
  isInsightsQuery,
  type Dimension,
  type HorizontalAnnotation,
  type MetricRef,
  type MetricWidget,
  type MetricsGraphProperties,
  type Widget,
} from "./widgets.js";

/** The colour of an alarm threshold line: the red the dashboard uses for limits. */
const THRESHOLD_COLOR = "#d62728";

/**
 * An alarm on a Metrics Insights query with a static threshold, whose contributors are each one series:
 * the threshold applies to every series it groups.
 */
interface QueryAlarm {
  readonly name: string;
  readonly query: ParsedInsightsQuery;
  readonly period: number;
  readonly threshold: number;
  readonly comparison: ThresholdComparisonOperator;
}

/** The alarms a graph can be annotated with, looked up by what they watch. */
export interface GraphAlarms {
  /** Single-metric alarms' ARNs by `seriesKey`; the first by name when several watch the same series. */
  readonly bySeries: ReadonlyMap<string, string>;
  /** By name. */
  readonly queryAlarms: readonly QueryAlarm[];
}

/** One series as CloudWatch computes it: metric, dimension set, statistic and period. */
function seriesKey(
  metric: Pick<MetricRef, "namespace" | "metricName" | "dimensions">,
  stat: string,
  period: number,
): string {
  const dimensions = [...metric.dimensions]
    .map((d) => `${d.name}=${d.value}`)
    .sort()
    .join(",");
  return JSON.stringify([metric.namespace, metric.metricName, dimensions, stat, period]);
}

function singleMetricKey(metric: SingleMetric): string | undefined {
  const stat = metric.statistic ?? metric.extendedStatistic;
  return stat === undefined ? undefined : seriesKey(metric, stat, metric.period);
}

/** Same keys, in any order; false when `keys` is absent (FROM "namespace": any dimension set). */
function sameKeys(names: readonly string[], keys: readonly string[] | undefined): boolean {
  return keys !== undefined && names.length === keys.length && names.every((name) => keys.includes(name));
}

/**
 * Each contributor of the query is exactly one series: its SCHEMA names the dimension set and it groups
 * by all of it. Otherwise a contributor merges several series and no line of the graph is it.
 */
function onePerSeries(query: ParsedInsightsQuery): boolean {
  return sameKeys(query.groupBy, query.schema);
}

/** The query's parts; undefined for another form (another capability's query): its coverage is unknown. */
function readQuery(expression: string | undefined): ParsedInsightsQuery | undefined {
  if (expression === undefined || !isInsightsQuery(expression)) return undefined;
  try {
    return parseInsightsQuery(expression);
  } catch {
    return undefined;
  }
}

/** The alarm as a QueryAlarm: one Metrics Insights query, one series per contributor, a static threshold. */
function queryAlarm(alarm: AlarmSpec): QueryAlarm | undefined {
  const [query, ...others] = alarm.metrics ?? [];
  if (alarm.threshold === undefined || others.length > 0 || query?.period === undefined) return undefined;
  const parsed = readQuery(query.expression);
  if (!parsed || !onePerSeries(parsed)) return undefined;
  return {
    name: alarm.name,
    query: parsed,
    period: query.period,
    threshold: alarm.threshold,
    comparison: alarm.comparisonOperator,
  };
}

/** Indexes the planned alarms once, for every graph of the dashboard. */
export function graphAlarms(alarms: readonly AlarmSpec[], account: AlarmAccount): GraphAlarms {
  const bySeries = new Map<string, string>();
  const queryAlarms: QueryAlarm[] = [];
  for (const alarm of byNameOnce(alarms)) {
    const key = alarm.metric && singleMetricKey(alarm.metric);
    if (key !== undefined && !bySeries.has(key))
      bySeries.set(key, alarmArn(account.region, account.accountId, alarm.name));
    const query = queryAlarm(alarm);
    if (query) queryAlarms.push(query);
  }
  return { bySeries, queryAlarms };
}

/** A metric widget that draws its `metrics` array (not yet an alarm graph). */
type MetricsGraph = MetricWidget & { readonly properties: MetricsGraphProperties };

function isMetricsGraph(widget: Widget): widget is MetricsGraph {
  return widget.type === "metric" && !isAlarmGraph(widget.properties);
}

/** Does the alarm compare this explicit line (drawn with `stat`) with its threshold? */
function comparesLine(alarm: QueryAlarm, line: MetricRef, stat: string | undefined): boolean {
  const { query } = alarm;
  const excluded = (d: Dimension) => query.exclude.some((c) => c.name === d.name && c.value === d.value);
  return (
    line.namespace === query.namespace &&
    line.metricName === query.metricName &&
    stat !== undefined &&
    insightsFunction(stat) === query.fn &&
    sameKeys(
      line.dimensions.map((d) => d.name),
      query.schema,
    ) &&
    !line.dimensions.some(excluded)
  );
}

/** Does the alarm compare every series the graph's top-N query can draw with its threshold? */
function comparesQuery(alarm: QueryAlarm, expression: string): boolean {
  if (!isInsightsQuery(expression)) return false;
  const { query } = alarm;
  const shown = parseInsightsQuery(expression);
  return (
    shown.namespace === query.namespace &&
    shown.metricName === query.metricName &&
    shown.fn === query.fn &&
    sameKeys(shown.groupBy, query.groupBy) &&
    sameKeys(shown.schema ?? [], query.schema) &&
    // The top N may be any series of the schema: an alarm that leaves some out does not cover them all.
    query.exclude.length === 0
  );
}

/** Every line of the graph is a series the alarm compares with its threshold, read on the left axis. */
function comparesEveryLine(alarm: QueryAlarm, graph: MetricsGraph): boolean {
  const { period, stat } = graph.properties;
  return (
    // Datapoints of another period are not what the alarm compares: its threshold would mislead there.
    period === alarm.period &&
    explicitMetrics(graph).every(
      (line) => line.yAxis !== "right" && comparesLine(alarm, line, line.stat ?? stat),
    ) &&
    expressions(graph).every((expression) => comparesQuery(alarm, expression))
  );
}

function thresholdLine(alarm: QueryAlarm): HorizontalAnnotation {
  const value = alarm.threshold.toLocaleString("en-US");
  return {
    value: alarm.threshold,
    label: `${alarm.name} ${COMPARISON_SYMBOLS[alarm.comparison]} ${value}`,
    color: THRESHOLD_COLOR,
  };
}

/** The ARN of the alarm that watches the graph's only line alone, if any. */
function alarmOfGraph(graph: MetricsGraph, alarms: GraphAlarms): string | undefined {
  const { metrics, stat, period } = graph.properties;
  const [line] = explicitMetrics(graph);
  const lineStat = line?.stat ?? stat;
  if (metrics.length !== 1 || line === undefined || lineStat === undefined || period === undefined)
    return undefined;
  return alarms.bySeries.get(seriesKey(line, lineStat, period));
}

/** Stat, period and metrics describe the `metrics` array, which an alarm graph does not have. */
function asAlarmGraph(graph: MetricsGraph, arn: string): MetricWidget {
  const { metrics: _metrics, stat: _stat, period: _period, ...rest } = graph.properties;
  return { ...graph, properties: { ...rest, annotations: { alarms: [arn] } } };
}

function withThresholds(graph: MetricsGraph, lines: readonly HorizontalAnnotation[]): MetricWidget {
  const horizontal = [...(graph.properties.annotations?.horizontal ?? []), ...lines];
  return { ...graph, properties: { ...graph.properties, annotations: { horizontal } } };
}

/** A time-series graph with its alarm annotation or threshold lines; any other widget unchanged. */
export function annotateWidget(widget: Widget, alarms: GraphAlarms): Widget {
  if (!isMetricsGraph(widget) || (widget.properties.view ?? "timeSeries") !== "timeSeries") return widget;
  // A graph that already has horizontal lines keeps them: it cannot become an alarm graph.
  const arn = widget.properties.annotations ? undefined : alarmOfGraph(widget, alarms);
  if (arn !== undefined) return asAlarmGraph(widget, arn);
  const lines = alarms.queryAlarms.filter((alarm) => comparesEveryLine(alarm, widget)).map(thresholdLine);
  return lines.length > 0 ? withThresholds(widget, lines) : widget;
}

export function annotateBlock(block: Block, alarms: GraphAlarms): Block {
  return { widgets: block.widgets.map((widget) => annotateWidget(widget, alarms)) };
}
