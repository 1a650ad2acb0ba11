/**
 * How CloudWatch wants an alarm written: the desired alarm (AlarmSpec), the existing one
 * (ExistingAlarm), static thresholds and anomaly-detection bands, names within 255 characters,
 * descriptions within 1,024, Metrics Insights queries, and the PutMetricAlarm input. Pure: no I/O.
 */
import { createHash } from "node:crypto";
import type { PutMetricAlarmCommandInput } from "@aws-sdk/client-cloudwatch";
import type {
  BandComparisonOperator,
  Dimension,
  Statistic,
  ThresholdComparisonOperator,
  ThresholdUnit,
  TreatMissingData,
} from "./catalog/types.js";

/** Alarm name: at most 255 characters (PutMetricAlarm AlarmName). */
export const MAX_ALARM_NAME = 255;
/** AlarmDescription: at most 1,024 characters. */
export const MAX_DESCRIPTION = 1024;
/** At most 50 tags per alarm; keys ≤ 128, values ≤ 256 characters. */
export const MAX_TAG_VALUE = 256;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** The ASCII part of TAG_VALUE: most values are ARNs and URLs, and this test is much cheaper. */
const ASCII_TAG_VALUE = /^[A-Za-z0-9 _.:/=+\-@]*$/;

export interface SingleMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly Dimension[];
  /** One of statistic or extendedStatistic ("p90"). */
  readonly statistic?: Statistic;
  readonly extendedStatistic?: string;
  readonly period: number;
}

/** One MetricDataQuery of a metric-math or Metrics Insights alarm. */
export interface MetricQuery {
  readonly id: string;
  readonly expression?: string;
  readonly metricStat?: {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: readonly Dimension[];
    readonly stat: string;
    readonly period: number;
  };
  readonly period?: number;
  readonly label?: string;
  readonly returnData: boolean;
}

/** The fields PutMetricAlarm overwrites besides what the metric is compared with. */
export interface AlarmSettings {
  readonly description: string;
  /** A single metric, or `metrics` (metric math / Metrics Insights / anomaly band), never both. */
  readonly metric?: SingleMetric;
  readonly metrics?: readonly MetricQuery[];
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
  readonly insufficientDataActions: readonly string[];
  readonly actionsEnabled: boolean;
}

/** Compared with a static number. */
export interface StaticThreshold {
  readonly threshold: number;
  readonly thresholdMetricId?: never;
  readonly comparisonOperator: ThresholdComparisonOperator;
}

/**
 * Compared with an anomaly-detection band: `thresholdMetricId` is the id of the query in `metrics` that
 * computes it (`ANOMALY_DETECTION_BAND(m1, 2)`, which returns data alongside the metric), and the operator
 * says which side of the band breaches. PutMetricAlarm then takes no Threshold.
 */
export interface BandThreshold {
  readonly thresholdMetricId: string;
  readonly threshold?: never;
  readonly comparisonOperator: BandComparisonOperator;
}

/**
 * The fields PutMetricAlarm overwrites, shared by what is wanted and what exists. Exactly one of
 * `threshold` (with a static operator) or `thresholdMetricId` (with a band operator): the type rejects a mix.
 */
export type AlarmDefinition = AlarmSettings & (StaticThreshold | BandThreshold);

export function isBandAlarm(definition: AlarmDefinition): definition is AlarmSettings & BandThreshold {
  return definition.thresholdMetricId !== undefined;
}

export type AlarmLevel = "aggregate" | "individual";

/** Why the alarm exists; not sent to CloudWatch except through tags. */
export interface AlarmOrigin {
  readonly entryId: string;
  readonly level: AlarmLevel;
  /** The resource an individual alarm watches. */
  readonly resourceArn?: string;
  /**
   * Metrics the alarm reads: 1 for a single metric, the covered resources for a Metrics Insights query
   * (the cost estimate takes those from here; for other alarms it counts them from the definition).
   */
  readonly metricsAnalyzed: number;
  /** Period under 60 s: billed as a high-resolution alarm. */
  readonly highResolution: boolean;
  readonly usesMetricsInsights: boolean;
}

/** The desired alarm, exactly as PutMetricAlarm takes it (see `toPutMetricAlarmInput`). */
export type AlarmSpec = AlarmDefinition & {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly origin: AlarmOrigin;
};

/** An alarm as DescribeAlarms returns it, normalized, and whether Watchkeeper owns it. */
export type ExistingAlarm = AlarmDefinition & {
  readonly name: string;
  readonly arn: string;
  /** Carries `watchkeeper:managed=true`. */
  readonly managed: boolean;
  /** All its tags when known (always for managed alarms). */
  readonly tags: Readonly<Record<string, string>>;
};

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}

/**
 * `<prefix><entry-id>` for an aggregate, `<prefix><entry-id>-<label>` for one resource. Names over
 * 255 characters keep their start and end with a stable hash of the full name, so the same resource
 * always gets the same name.
 */
export function alarmName(prefix: string, entryId: string, label?: string): string {
  const full = label === undefined ? `${prefix}${entryId}` : `${prefix}${entryId}-${label}`;
  return fitName(full);
}

/** Shortens a name over 255 characters to `<start>-<hash>`, the hash taken over the whole name. */
export function fitName(full: string): string {
  if (full.length <= MAX_ALARM_NAME) return full;
  const suffix = `-${shortHash(full)}`;
  return full.slice(0, MAX_ALARM_NAME - suffix.length) + suffix;
}

/** Disambiguates a name shared by two resources (REST APIs may share a name) with a hash of the resource's ARN. */
export function disambiguate(name: string, arn: string): string {
  const suffix = `-${shortHash(arn)}`;
  return name.length + suffix.length <= MAX_ALARM_NAME ? name + suffix : fitName(name + suffix);
}

/** One formatter for every threshold: `toLocaleString` builds a new one per call. */
const GROUPED = new Intl.NumberFormat("en-US");

export function formatThreshold(value: number, unit: ThresholdUnit): string {
  const number = Number.isInteger(value) ? GROUPED.format(value) : String(value);
  switch (unit) {
    case "milliseconds":
      return `${number} ms${value >= 60_000 ? ` (${humanDuration(value / 1000)})` : ""}`;
    case "seconds":
      return `${number} s${value >= 60 ? ` (${humanDuration(value)})` : ""}`;
    case "fraction":
      return `${number} (${+(value * 100).toFixed(4)}%)`;
    default:
      return `${number} ${unit === "count" ? "" : unit}`.trim();
  }
}

function humanDuration(seconds: number): string {
  if (seconds >= 86_400 && seconds % 3600 === 0) return `${+(seconds / 86_400).toFixed(2)} d`;
  if (seconds >= 3600) return `${+(seconds / 3600).toFixed(2)} h`;
  return `${+(seconds / 60).toFixed(2)} min`;
}

export const COMPARISON_SYMBOLS: Readonly<Record<ThresholdComparisonOperator, string>> = {
  GreaterThanThreshold: ">",
  GreaterThanOrEqualToThreshold: "≥",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "≤",
};

export interface DescriptionParts {
  readonly title: string;
  readonly meaning: string;
  /** "Maximum of ApproximateAgeOfOldestMessage over 60 s, 15 of 15 periods" */
  readonly condition: string;
  readonly comparison: ThresholdComparisonOperator;
  readonly threshold: string;
  readonly thresholdRule: string;
  readonly scope: string;
  readonly runbookUrl: string;
}

/**
 * Meaning, condition, threshold, scope and runbook, within 1,024 characters. When too long, the
 * meaning is shortened first: the threshold and the runbook link always stay.
 */
export function alarmDescription(parts: DescriptionParts): string {
  const tail =
    ` Fires when the ${parts.condition} is ${COMPARISON_SYMBOLS[parts.comparison]} ${parts.threshold} (${parts.thresholdRule}).` +
    ` Scope: ${parts.scope}. Runbook: ${parts.runbookUrl}`;
  let head = `${parts.title}: ${parts.meaning}`;
  const budget = MAX_DESCRIPTION - tail.length;
  if (head.length > budget) head = budget > 1 ? `${head.slice(0, budget - 1)}…` : "";
  const description = head + tail;
  return description.length <= MAX_DESCRIPTION ? description : description.slice(0, MAX_DESCRIPTION);
}

/** Keeps only tags CloudWatch accepts (values ≤ 256 characters of letters, digits, spaces and _.:/=+-@). */
export function acceptableTags(tags: Readonly<Record<string, string>>): {
  tags: Record<string, string>;
  dropped: string[];
} {
  const kept: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (acceptableTagValue(value) && key.length <= 128) kept[key] = value;
    else dropped.push(key);
  }
  return { tags: kept, dropped };
}

/** A value CloudWatch takes as a tag: at most 256 letters, digits, spaces and _.:/=+-@. */
export function acceptableTagValue(value: string): boolean {
  return value.length <= MAX_TAG_VALUE && (ASCII_TAG_VALUE.test(value) || TAG_VALUE.test(value));
}

const SIMPLE_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set([
  "SELECT",
  "FROM",
  "WHERE",
  "GROUP",
  "BY",
  "ORDER",
  "LIMIT",
  "AND",
  "OR",
  "ASC",
  "DESC",
  "SCHEMA",
]);

function identifier(name: string): string {
  return SIMPLE_IDENTIFIER.test(name) && !RESERVED.has(name.toUpperCase())
    ? name
    : `"${name.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function labelValue(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

export type InsightsFunction = "AVG" | "COUNT" | "MAX" | "MIN" | "SUM";

/** Metrics Insights has no percentiles: undefined for those. */
export function insightsFunction(statistic: string): InsightsFunction | undefined {
  const map: Readonly<Record<string, InsightsFunction>> = {
    Average: "AVG",
    SampleCount: "COUNT",
    Maximum: "MAX",
    Minimum: "MIN",
    Sum: "SUM",
  };
  return map[statistic];
}

export interface InsightsQuery {
  readonly fn: InsightsFunction;
  readonly namespace: string;
  readonly metricName: string;
  /** The dimensions of the SCHEMA and of GROUP BY; the first names the resource. */
  readonly groupBy: readonly string[];
  /** "exact": SCHEMA(namespace, dims) matches only that dimension set; "any": the whole namespace. */
  readonly schema: "exact" | "any";
  /** Values of the first dimension left out (`!=`, joined by AND: the operators AWS documents for WHERE). */
  readonly exclude: readonly string[];
  /** Sort so that breaching series come first: DESC for "greater than" alarms. */
  readonly descending: boolean;
  readonly limit: number;
}

/**
 * `SELECT MAX(ApproximateAgeOfOldestMessage) FROM SCHEMA("AWS/SQS", QueueName) WHERE QueueName != 'dlq'
 *  GROUP BY QueueName ORDER BY MAX() DESC LIMIT 500`. With ORDER BY, AWS sorts every processed series and
 * returns the first `limit`: breaching resources sort first, so the alarm sees every breach even when
 * more than 500 resources exist, and the query never returns more than 500 series (no PARTIAL_DATA).
 */
export function insightsQuery(query: InsightsQuery): string {
  const keys = query.groupBy.map(identifier);
  const from =
    query.schema === "exact"
      ? `SCHEMA(${identifier(query.namespace)}, ${keys.join(", ")})`
      : `"${query.namespace}"`;
  const [first] = keys;
  const where =
    query.exclude.length > 0 && first !== undefined
      ? ` WHERE ${query.exclude.map((value) => `${first} != ${labelValue(value)}`).join(" AND ")}`
      : "";
  return (
    `SELECT ${query.fn}(${identifier(query.metricName)}) FROM ${from}${where}` +
    ` GROUP BY ${keys.join(", ")} ORDER BY ${query.fn}() ${query.descending ? "DESC" : "ASC"} LIMIT ${query.limit}`
  );
}

/** The longest exclusion list that keeps the query within `maxLength`; the rest stay in the aggregate. */
export function fitExclusions(
  query: Omit<InsightsQuery, "exclude">,
  candidates: readonly string[],
  maxLength: number,
): { exclude: string[]; overflow: string[] } {
  const exclude: string[] = [];
  let length = insightsQuery({ ...query, exclude: [] }).length;
  const key = identifier(query.groupBy[0] ?? "");
  for (let i = 0; i < candidates.length; i++) {
    const value = candidates[i] as string;
    const clause =
      (exclude.length === 0 ? " WHERE " : " AND ").length + `${key} != ${labelValue(value)}`.length;
    if (length + clause > maxLength) return { exclude, overflow: candidates.slice(i) };
    exclude.push(value);
    length += clause;
  }
  return { exclude, overflow: [] };
}

const sortedDimensions = (dimensions: readonly Dimension[] | undefined) =>
  [...(dimensions ?? [])]
    .map((d) => ({ Name: d.name, Value: d.value }))
    .sort((a, b) =>
      a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : a.Value < b.Value ? -1 : a.Value > b.Value ? 1 : 0,
    );

const sortedList = (values: readonly string[] | undefined) => [...(values ?? [])].sort();

/**
 * Every field PutMetricAlarm overwrites, under its API name, normalized (sorted dimensions and actions,
 * absent values as null) so that what exists and what is wanted compare equal when they mean the same.
 */
export type AlarmFields = Readonly<Record<string, unknown>>;

export const ALARM_FIELDS = [
  "AlarmDescription",
  "Namespace",
  "MetricName",
  "Dimensions",
  "Statistic",
  "ExtendedStatistic",
  "Period",
  "Metrics",
  "EvaluationPeriods",
  "DatapointsToAlarm",
  "Threshold",
  "ThresholdMetricId",
  "ComparisonOperator",
  "TreatMissingData",
  "ActionsEnabled",
  "AlarmActions",
  "OKActions",
  "InsufficientDataActions",
] as const;

export function alarmFields(definition: AlarmDefinition): AlarmFields {
  const metric = definition.metric;
  const metrics = (definition.metrics ?? []).map((query) => ({
    Id: query.id,
    Expression: query.expression ?? null,
    MetricStat: query.metricStat
      ? {
          Metric: {
            Namespace: query.metricStat.namespace,
            MetricName: query.metricStat.metricName,
            Dimensions: sortedDimensions(query.metricStat.dimensions),
          },
          Stat: query.metricStat.stat,
          Period: query.metricStat.period,
        }
      : null,
    Period: query.period ?? null,
    Label: query.label ?? null,
    ReturnData: query.returnData,
  }));
  return {
    AlarmDescription: definition.description,
    Namespace: metric?.namespace ?? null,
    MetricName: metric?.metricName ?? null,
    Dimensions: sortedDimensions(metric?.dimensions),
    Statistic: metric?.statistic ?? null,
    ExtendedStatistic: metric?.extendedStatistic ?? null,
    Period: metric?.period ?? null,
    Metrics: metrics,
    EvaluationPeriods: definition.evaluationPeriods,
    DatapointsToAlarm: definition.datapointsToAlarm,
    Threshold: definition.threshold ?? null,
    ThresholdMetricId: definition.thresholdMetricId ?? null,
    ComparisonOperator: definition.comparisonOperator,
    TreatMissingData: definition.treatMissingData,
    ActionsEnabled: definition.actionsEnabled,
    AlarmActions: sortedList(definition.alarmActions),
    OKActions: sortedList(definition.okActions),
    InsufficientDataActions: sortedList(definition.insufficientDataActions),
  };
}

const sameDimensions = (a: readonly Dimension[], b: readonly Dimension[]) =>
  a.length === b.length && a.every((d, i) => d.name === b[i]!.name && d.value === b[i]!.value);

const sameStrings = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((value, i) => value === b![i]);

function sameQuery(a: MetricQuery, b: MetricQuery): boolean {
  const x = a.metricStat;
  const y = b.metricStat;
  return (
    a.id === b.id &&
    (a.expression ?? null) === (b.expression ?? null) &&
    (a.period ?? null) === (b.period ?? null) &&
    (a.label ?? null) === (b.label ?? null) &&
    a.returnData === b.returnData &&
    (x === undefined
      ? y === undefined
      : y !== undefined &&
        x.namespace === y.namespace &&
        x.metricName === y.metricName &&
        x.stat === y.stat &&
        x.period === y.period &&
        sameDimensions(x.dimensions, y.dimensions))
  );
}

/**
 * True when `alarmFields` of the two would be equal, read in place: a plan compares tens of thousands of
 * alarms that almost all match. Lists must match in order here, so false only means "compare the fields".
 */
export function sameAlarmFields(a: AlarmDefinition, b: AlarmDefinition): boolean {
  const m = a.metric;
  const n = b.metric;
  const metricsA = a.metrics ?? [];
  const metricsB = b.metrics ?? [];
  return (
    a.description === b.description &&
    a.evaluationPeriods === b.evaluationPeriods &&
    a.datapointsToAlarm === b.datapointsToAlarm &&
    (a.threshold ?? null) === (b.threshold ?? null) &&
    (a.thresholdMetricId ?? null) === (b.thresholdMetricId ?? null) &&
    a.comparisonOperator === b.comparisonOperator &&
    a.treatMissingData === b.treatMissingData &&
    a.actionsEnabled === b.actionsEnabled &&
    sameStrings(a.alarmActions, b.alarmActions) &&
    sameStrings(a.okActions, b.okActions) &&
    sameStrings(a.insufficientDataActions, b.insufficientDataActions) &&
    (m === undefined
      ? n === undefined
      : n !== undefined &&
        m.namespace === n.namespace &&
        m.metricName === n.metricName &&
        (m.statistic ?? null) === (n.statistic ?? null) &&
        (m.extendedStatistic ?? null) === (n.extendedStatistic ?? null) &&
        m.period === n.period &&
        sameDimensions(m.dimensions, n.dimensions)) &&
    metricsA.length === metricsB.length &&
    metricsA.every((query, i) => sameQuery(query, metricsB[i]!))
  );
}

/**
 * Tags the alarm is missing or carries with another value, or undefined when it has them all; extra tags
 * someone added are left alone.
 */
export function missingTags(
  desired: Readonly<Record<string, string>>,
  actual: Readonly<Record<string, string>>,
): Record<string, string> | undefined {
  let missing: Record<string, string> | undefined;
  for (const key in desired) {
    if (actual[key] !== desired[key]) (missing ??= {})[key] = desired[key] as string;
  }
  return missing;
}

const toDimensions = (dimensions: readonly Dimension[]) =>
  dimensions.map((d) => ({ Name: d.name, Value: d.value }));

/** The PutMetricAlarm request for a spec. Tags only take effect when the alarm is created (AWS ignores them on update). */
export function toPutMetricAlarmInput(spec: AlarmSpec): PutMetricAlarmCommandInput {
  const input: PutMetricAlarmCommandInput = {
    AlarmName: spec.name,
    AlarmDescription: spec.description,
    ActionsEnabled: spec.actionsEnabled,
    AlarmActions: [...spec.alarmActions],
    OKActions: [...spec.okActions],
    InsufficientDataActions: [...spec.insufficientDataActions],
    EvaluationPeriods: spec.evaluationPeriods,
    DatapointsToAlarm: spec.datapointsToAlarm,
    ComparisonOperator: spec.comparisonOperator,
    TreatMissingData: spec.treatMissingData,
    Tags: Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value })),
  };
  // A band alarm takes ThresholdMetricId and no Threshold: CloudWatch rejects the pair.
  if (spec.thresholdMetricId !== undefined) input.ThresholdMetricId = spec.thresholdMetricId;
  else input.Threshold = spec.threshold;
  if (spec.metric) {
    input.Namespace = spec.metric.namespace;
    input.MetricName = spec.metric.metricName;
    input.Dimensions = toDimensions(spec.metric.dimensions);
    input.Period = spec.metric.period;
    if (spec.metric.extendedStatistic) input.ExtendedStatistic = spec.metric.extendedStatistic;
    else if (spec.metric.statistic) input.Statistic = spec.metric.statistic;
  }
  if (spec.metrics) {
    input.Metrics = spec.metrics.map((query) => ({
      Id: query.id,
      ReturnData: query.returnData,
      ...(query.expression !== undefined ? { Expression: query.expression } : {}),
      ...(query.period !== undefined ? { Period: query.period } : {}),
      ...(query.label !== undefined ? { Label: query.label } : {}),
      ...(query.metricStat
        ? {
            MetricStat: {
              Metric: {
                Namespace: query.metricStat.namespace,
                MetricName: query.metricStat.metricName,
                Dimensions: toDimensions(query.metricStat.dimensions),
              },
              Stat: query.metricStat.stat,
              Period: query.metricStat.period,
            },
          }
        : {}),
    }));
  }
  return input;
}
