/**
 * Typed builders for the CloudWatch dashboard body, following "Dashboard Body Structure and Syntax"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
 * Builders return unplaced widgets (width and height only); `layout.ts` gives them x and y.
 */
import { GRID, INSIGHTS_MAX_SERIES } from "./limits.js";

/** `SampleCount | Average | Sum | Minimum | Maximum | p??` */
export type Statistic = "SampleCount" | "Average" | "Sum" | "Minimum" | "Maximum" | `p${number}`;

/** Metrics Insights aggregation functions: there are no percentiles. */
export type InsightsFunction = "AVG" | "COUNT" | "MAX" | "MIN" | "SUM";

export interface Dimension {
  readonly name: string;
  readonly value: string;
}

/** One metric, as the sections describe it before it is written in the array form. */
export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly Dimension[];
  /** Only when it differs from the widget's `stat`. */
  readonly stat?: Statistic;
  readonly label?: string;
  readonly yAxis?: "left" | "right";
}

/** Per-metric rendering properties, the optional last element of a metric array. */
export interface RenderingProperties {
  readonly label?: string;
  readonly stat?: Statistic;
  readonly period?: number;
  readonly color?: string;
  readonly yAxis?: "left" | "right";
  readonly visible?: boolean;
  readonly id?: string;
}

/** A Metrics Insights query, math or search expression: `[ { "expression": ..., "id": ... } ]`. */
export interface ExpressionProperties {
  readonly expression: string;
  /** Must start with a lowercase letter. */
  readonly id: string;
  readonly label?: string;
  readonly period?: number;
}

/** `[ Namespace, MetricName, DimName, DimValue, ..., {rendering} ]` or `[ {expression} ]`. */
export type MetricsItem = readonly (string | RenderingProperties)[] | readonly [ExpressionProperties];

export interface HorizontalAnnotation {
  readonly value: number;
  readonly label?: string;
  /** Six-digit HTML hex colour. */
  readonly color?: string;
  readonly fill?: "above" | "below" | "none";
  readonly yAxis?: "left" | "right";
  readonly visible?: boolean;
}

export interface YAxisSide {
  readonly min?: number;
  readonly max?: number;
  readonly label?: string;
  readonly showUnits?: boolean;
}

export type MetricView = "timeSeries" | "singleValue" | "gauge" | "bar" | "pie" | "table";

export interface TableProperties {
  readonly layout?: "horizontal" | "vertical";
  readonly stickySummary?: boolean;
  readonly showTimeSeriesData?: boolean;
  readonly summaryColumns?: readonly ("MIN" | "MAX" | "SUM" | "AVG")[];
}

interface GraphProperties {
  /** Required by CloudWatch. */
  readonly region: string;
  readonly title?: string;
  readonly view?: MetricView;
  readonly stacked?: boolean;
  readonly stat?: Statistic;
  /** Seconds: a multiple of 60, at least 60. */
  readonly period?: number;
  readonly yAxis?: { readonly left?: YAxisSide; readonly right?: YAxisSide };
  readonly legend?: { readonly position: "right" | "bottom" | "hidden" };
  readonly table?: TableProperties;
}

/** A graph of the metrics it lists, with optional horizontal lines. */
export interface MetricsGraphProperties extends GraphProperties {
  readonly metrics: readonly MetricsItem[];
  readonly annotations?: { readonly horizontal: readonly HorizontalAnnotation[] };
}

/**
 * A graph of one alarm: CloudWatch draws the alarm's own metric and threshold. "Dashboard Body Structure
 * and Syntax", Annotation Properties: at most one alarm, no `metrics` array beside it, and no
 * horizontal or vertical annotations with it.
 */
export interface AlarmGraphProperties extends GraphProperties {
  readonly metrics?: never;
  readonly annotations: { readonly alarms: readonly [string] };
}

export type MetricWidgetProperties = MetricsGraphProperties | AlarmGraphProperties;

export function isAlarmGraph(properties: MetricWidgetProperties): properties is AlarmGraphProperties {
  return properties.metrics === undefined;
}

export interface TextWidgetProperties {
  readonly markdown: string;
  readonly background?: "solid" | "transparent";
}

export type AlarmState = "ALARM" | "INSUFFICIENT_DATA" | "OK";

export interface AlarmWidgetProperties {
  /** 1–100 alarm ARNs. */
  readonly alarms: readonly string[];
  readonly title?: string;
  readonly sortBy?: "default" | "stateUpdatedTimestamp" | "timestamp";
  readonly states?: readonly AlarmState[];
}

interface WidgetOf<T extends string, P> {
  readonly type: T;
  readonly width: number;
  readonly height: number;
  readonly properties: P;
}

export type TextWidget = WidgetOf<"text", TextWidgetProperties>;
export type MetricWidget = WidgetOf<"metric", MetricWidgetProperties>;
export type AlarmWidget = WidgetOf<"alarm", AlarmWidgetProperties>;
/** A widget before layout: it knows its size, not its place. */
export type Widget = TextWidget | MetricWidget | AlarmWidget;
export type PlacedWidget = Widget & { readonly x: number; readonly y: number };

export interface DashboardBody {
  readonly start?: string;
  readonly periodOverride?: "auto" | "inherit";
  readonly widgets: readonly PlacedWidget[];
}

export interface Size {
  readonly width?: number;
  readonly height?: number;
}

function size(requested: Size, defaults: Required<Size>): { width: number; height: number } {
  const width = requested.width ?? defaults.width;
  const height = requested.height ?? defaults.height;
  if (!Number.isInteger(width) || width < 1 || width > GRID.columns) {
    throw new Error(`widget width ${width} is outside the dashboard grid's 1–${GRID.columns} columns`);
  }
  if (!Number.isInteger(height) || height < 1 || height > GRID.maxHeight) {
    throw new Error(`widget height ${height} is outside CloudWatch's 1–${GRID.maxHeight}`);
  }
  return { width, height };
}

export function textWidget(markdown: string, options: Size = {}): TextWidget {
  return { type: "text", ...size(options, { width: GRID.columns, height: 2 }), properties: { markdown } };
}

/** A metric as the array form: namespace, name, dimension pairs, then rendering properties if any. */
export function metricItem(metric: MetricRef): MetricsItem {
  const item: (string | RenderingProperties)[] = [metric.namespace, metric.metricName];
  for (const dimension of metric.dimensions) item.push(dimension.name, dimension.value);
  const rendering: RenderingProperties = {
    ...(metric.label !== undefined ? { label: metric.label } : {}),
    ...(metric.stat !== undefined ? { stat: metric.stat } : {}),
    ...(metric.yAxis !== undefined ? { yAxis: metric.yAxis } : {}),
  };
  if (Object.keys(rendering).length > 0) item.push(rendering);
  return item;
}

export interface MetricWidgetOptions extends Size {
  readonly title: string;
  readonly region: string;
  readonly metrics: readonly MetricRef[];
  readonly stat: Statistic;
  readonly period: number;
  readonly view?: MetricView;
  readonly stacked?: boolean;
  readonly annotations?: readonly HorizontalAnnotation[];
  readonly yAxis?: MetricWidgetProperties["yAxis"];
  readonly table?: TableProperties;
}

function checkPeriod(period: number): number {
  if (!Number.isInteger(period) || period < 60 || period % 60 !== 0) {
    throw new Error(
      `widget period ${period} is not valid; CloudWatch wants a multiple of 60 seconds, at least 60`,
    );
  }
  return period;
}

export function metricWidget(options: MetricWidgetOptions): MetricWidget {
  if (options.metrics.length === 0) throw new Error(`metric widget "${options.title}" has no metrics`);
  return {
    type: "metric",
    ...size(options, { width: 8, height: 6 }),
    properties: {
      title: options.title,
      region: options.region,
      view: options.view ?? "timeSeries",
      ...(options.view === undefined || options.view === "timeSeries"
        ? { stacked: options.stacked ?? false }
        : {}),
      stat: options.stat,
      period: checkPeriod(options.period),
      metrics: options.metrics.map(metricItem),
      ...(options.annotations && options.annotations.length > 0
        ? { annotations: { horizontal: options.annotations } }
        : {}),
      ...(options.yAxis ? { yAxis: options.yAxis } : {}),
      ...(options.table ? { table: options.table } : {}),
    },
  };
}

export interface InsightsQuery {
  readonly fn: InsightsFunction;
  readonly namespace: string;
  readonly metricName: string;
  /** The exact dimension set (SCHEMA); absent: every dimension set of the namespace. */
  readonly schema?: readonly string[];
  readonly groupBy: readonly string[];
  /** Top N by the same function, highest first. */
  readonly limit: number;
}

/**
 * The label Metrics Insights adds in a cross-account monitoring account: the account a series comes from.
 * Written bare, as AWS's docs and examples write it (`GROUP BY AWS.AccountId`), not quoted like a
 * dimension name with a dot.
 */
export const ACCOUNT_LABEL = "AWS.AccountId";

/** Identifiers with anything but letters, digits and underscores are double-quoted (Metrics Insights syntax). */
export function insightsIdentifier(name: string): string {
  if (name === ACCOUNT_LABEL) return name;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name.replace(/(["\\])/g, "\\$1")}"`;
}

/** `SELECT MAX(m) FROM SCHEMA("ns", Dim) GROUP BY Dim ORDER BY MAX() DESC LIMIT 10` */
export function insightsQuery(query: InsightsQuery): string {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > INSIGHTS_MAX_SERIES) {
    throw new Error(`Metrics Insights LIMIT ${query.limit} is outside 1–${INSIGHTS_MAX_SERIES}`);
  }
  const from = query.schema
    ? `SCHEMA(${[query.namespace, ...query.schema].map(insightsIdentifier).join(", ")})`
    : insightsIdentifier(query.namespace);
  const groupBy =
    query.groupBy.length > 0 ? ` GROUP BY ${query.groupBy.map(insightsIdentifier).join(", ")}` : "";
  return (
    `SELECT ${query.fn}(${insightsIdentifier(query.metricName)}) FROM ${from}${groupBy}` +
    ` ORDER BY ${query.fn}() DESC LIMIT ${query.limit}`
  );
}

export interface InsightsWidgetOptions extends Size {
  readonly title: string;
  readonly region: string;
  readonly query: InsightsQuery;
  readonly period: number;
  readonly view?: MetricView;
}

/** A metric widget whose one `metrics` entry is a Metrics Insights query (one query per widget is allowed). */
export function insightsWidget(options: InsightsWidgetOptions): MetricWidget {
  const period = checkPeriod(options.period);
  return {
    type: "metric",
    ...size(options, { width: 8, height: 6 }),
    properties: {
      title: options.title,
      region: options.region,
      view: options.view ?? "timeSeries",
      ...(options.view === undefined || options.view === "timeSeries" ? { stacked: false } : {}),
      period,
      metrics: [[{ expression: insightsQuery(options.query), id: "q1", period }]],
    },
  };
}

export interface AlarmWidgetOptions extends Size {
  readonly title: string;
  readonly alarms: readonly string[];
  readonly states?: readonly AlarmState[];
}

/** Alarms in ALARM first, then INSUFFICIENT_DATA, then OK; within each, the most recent change first. */
export function alarmStatusWidget(options: AlarmWidgetOptions): AlarmWidget {
  if (options.alarms.length === 0) throw new Error(`alarm status widget "${options.title}" has no alarms`);
  return {
    type: "alarm",
    ...size(options, { width: GRID.columns, height: 6 }),
    properties: {
      title: options.title,
      alarms: options.alarms,
      sortBy: "stateUpdatedTimestamp",
      ...(options.states && options.states.length > 0 ? { states: options.states } : {}),
    },
  };
}

/** A widget's `metrics` array; an alarm graph and a text or alarm widget have none. */
function metricsItems(widget: Widget): readonly MetricsItem[] {
  return widget.type === "metric" ? (widget.properties.metrics ?? []) : [];
}

/** A metric array read back into the MetricRef it was written from (`metricItem`'s inverse). */
function metricRef(item: readonly (string | RenderingProperties)[]): MetricRef {
  const strings = item.filter((part): part is string => typeof part === "string");
  const rendering = item.find((part): part is RenderingProperties => typeof part === "object");
  const [namespace, metricName, ...pairs] = strings;
  const dimensions: Dimension[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) dimensions.push({ name: pairs[i]!, value: pairs[i + 1]! });
  return {
    namespace: namespace!,
    metricName: metricName!,
    dimensions,
    ...(rendering?.label !== undefined ? { label: rendering.label } : {}),
    ...(rendering?.stat !== undefined ? { stat: rendering.stat } : {}),
    ...(rendering?.yAxis !== undefined ? { yAxis: rendering.yAxis } : {}),
  };
}

/** What a widget's `metrics` array names explicitly (not expressions), with their rendering. */
export function explicitMetrics(widget: Widget): MetricRef[] {
  return metricsItems(widget)
    .filter((item): item is readonly (string | RenderingProperties)[] => typeof item[0] === "string")
    .map(metricRef);
}

/** Expressions in a widget's `metrics` array. */
export function expressions(widget: Widget): string[] {
  return metricsItems(widget).flatMap((item) => {
    const first = item[0];
    return first !== undefined && typeof first === "object" && "expression" in first
      ? [first.expression]
      : [];
  });
}

export function isInsightsQuery(expression: string): boolean {
  return /^\s*SELECT\s/i.test(expression);
}

/**
 * Metrics a widget counts toward the per-widget and per-dashboard caps: one per explicit metric, and
 * for a Metrics Insights query the series it can return (its LIMIT). AWS does not say how a query is
 * counted, so the number of series it draws is the closest honest bound.
 */
export function metricCount(widget: Widget): number {
  if (widget.type !== "metric") return 0;
  // An alarm graph draws the alarm's one metric.
  if (isAlarmGraph(widget.properties)) return 1;
  let count = explicitMetrics(widget).length;
  for (const expression of expressions(widget)) {
    if (isInsightsQuery(expression)) {
      const limit = /\bLIMIT\s+(\d+)\s*$/i.exec(expression);
      count += limit ? Number(limit[1]) : INSIGHTS_MAX_SERIES;
    } else {
      count += 1;
    }
  }
  return count;
}
