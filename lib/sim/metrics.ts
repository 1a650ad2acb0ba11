/**
 * The metric store behind PutMetricData, ListMetrics and GetMetricData: data points per time series, aggregated
 * into periods with CloudWatch's statistics (StartTime rounding and retention by period as the API reference
 * says), plus a small Metrics Insights subset (one aggregate, WHERE on dimensions, GROUP BY, ORDER BY, LIMIT) so
 * top-offender queries have something real to read.
 */
import type { Dimension, MetricDataQuery, PutMetricAlarmInput } from "@aws-sdk/client-cloudwatch";
import { SimUnsupportedError } from "./errors.js";
import type { SimDatapoint, SimMetricSeries } from "./state.js";

export type Dimensions = readonly Required<Dimension>[];

export function normalizeDimensions(
  dimensions: Readonly<Record<string, string>> | readonly Dimension[] | undefined,
): Required<Dimension>[] {
  const list = Array.isArray(dimensions)
    ? (dimensions as readonly Dimension[]).map((d) => ({ Name: d.Name ?? "", Value: d.Value ?? "" }))
    : Object.entries((dimensions ?? {}) as Record<string, string>).map(([Name, Value]) => ({ Name, Value }));
  return list.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
}

/**
 * A series' key, made so that code-unit order is namespace, then name, then dimensions (a metric with fewer
 * first): the order ListMetrics pages in. Control characters separate the parts; CloudWatch names have none.
 */
function seriesKey(namespace: string, metricName: string, dimensions: Dimensions): string {
  const dims = dimensions.map((d) => `${d.Name}\u0001${d.Value}`).join("\u0002");
  return `${namespace}\u0000${metricName}\u0000${dims}`;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface StoredSeries {
  readonly series: SimMetricSeries;
  /** Timestamp of the newest point: what ListMetrics' two-week and RecentlyActive filters read. */
  latest: number;
  /** False after an out-of-order put, until the next read sorts the points. */
  sorted: boolean;
}

/** A series as ListMetrics sees it: its key (the page order) and when it last received data. */
export interface ListedSeries {
  readonly key: string;
  readonly series: SimMetricSeries;
  readonly latest: number;
}

export class MetricStore {
  private readonly bySeries = new Map<string, StoredSeries>();
  private sortedKeys: string[] | undefined;

  get size(): number {
    return this.bySeries.size;
  }

  *series(): IterableIterator<SimMetricSeries> {
    for (const stored of this.bySeries.values()) yield stored.series;
  }

  put(namespace: string, metricName: string, dimensions: Dimensions, points: readonly SimDatapoint[]): void {
    const key = seriesKey(namespace, metricName, dimensions);
    let stored = this.bySeries.get(key);
    if (!stored) {
      stored = {
        series: { namespace, metricName, dimensions: [...dimensions], points: [] },
        latest: -Infinity,
        sorted: true,
      };
      this.bySeries.set(key, stored);
      this.sortedKeys = undefined;
    }
    for (const point of points) {
      const last = stored.series.points.at(-1);
      if (last && point.timestamp < last.timestamp) stored.sorted = false;
      stored.series.points.push(point);
      if (point.timestamp > stored.latest) stored.latest = point.timestamp;
    }
  }

  /** The series with exactly these dimensions (CloudWatch matches dimension sets exactly). */
  find(namespace: string, metricName: string, dimensions: Dimensions): SimMetricSeries | undefined {
    return this.bySeries.get(seriesKey(namespace, metricName, dimensions))?.series;
  }

  /** The series' points in time order, so a read can binary-search instead of scanning every point. */
  pointsInOrder(series: SimMetricSeries): readonly SimDatapoint[] {
    const stored = this.bySeries.get(seriesKey(series.namespace, series.metricName, series.dimensions));
    if (stored && !stored.sorted) {
      stored.series.points.sort((a, b) => a.timestamp - b.timestamp);
      stored.sorted = true;
    }
    return series.points;
  }

  /** Series keys in code-unit order (ListMetrics pages in it), cached until a series is added. */
  keys(): readonly string[] {
    this.sortedKeys ??= [...this.bySeries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return this.sortedKeys;
  }

  /** One series of `keys()` with the timestamp of its newest point. */
  listed(key: string): ListedSeries {
    const { series, latest } = this.bySeries.get(key)!;
    return { key, series, latest };
  }
}

const PERCENTILE = /^p(\d{1,2}(?:\.\d+)?)$/;

export function isStatistic(stat: string): boolean {
  return ["SampleCount", "Average", "Sum", "Minimum", "Maximum"].includes(stat) || PERCENTILE.test(stat);
}

/**
 * A CloudWatch statistic over samples (each point may stand for several samples of one value), over
 * `points[from, to)` so a period of a long series needs no copy.
 */
export function aggregate(
  points: readonly SimDatapoint[],
  stat: string,
  from = 0,
  to = points.length,
): number {
  let samples = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = from; i < to; i++) {
    const p = points[i]!;
    const n = p.count ?? 1;
    samples += n;
    sum += p.value * n;
    if (p.value < min) min = p.value;
    if (p.value > max) max = p.value;
  }
  switch (stat) {
    case "SampleCount":
      return samples;
    case "Sum":
      return sum;
    case "Average":
      return sum / samples;
    case "Minimum":
      return min;
    case "Maximum":
      return max;
  }
  const p = PERCENTILE.exec(stat);
  if (!p) throw new Error(`unknown statistic ${stat}`);
  const sorted = points.slice(from, to).sort((a, b) => a.value - b.value);
  const rank = Math.max(1, Math.ceil((Number(p[1]) / 100) * samples));
  let seen = 0;
  for (const point of sorted) {
    seen += point.count ?? 1;
    if (seen >= rank) return point.value;
  }
  return max;
}

// ── Periods: how GetMetricData turns points into one value per period ──────────────────────────────

/** One period's value: [start of the period, value]. */
export type Sample = readonly [timestamp: number, value: number];

/** The periods one query reads: [first, end) in steps of the period. */
export interface PeriodGrid {
  readonly first: number;
  readonly end: number;
  readonly periodMs: number;
}

/**
 * How long data stays readable at a period. GetMetricData: "Data points with a period of less than 60 seconds
 * are available for 3 hours. ... 60 seconds (1-minute) are available for 15 days. ... 300 seconds (5-minute)
 * are available for 63 days. ... 3600 seconds (1 hour) are available for 455 days"; MetricStat.Period: past 3
 * hours "you must specify the period as follows or no data points in that time range is returned" (a multiple
 * of 60 up to 15 days, of 300 up to 63, of 3600 beyond). So a period lives as long as the coarsest stored
 * resolution it is a multiple of: 120 s as long as 1-minute data, 600 s as long as 5-minute data.
 */
export function retentionMs(periodSeconds: number): number {
  if (periodSeconds % 3600 === 0) return 455 * DAY;
  if (periodSeconds % 300 === 0) return 63 * DAY;
  if (periodSeconds % 60 === 0) return 15 * DAY;
  return 3 * HOUR;
}

/**
 * StartTime as CloudWatch uses it (GetMetricData, StartTime): "Start time less than 15 days ago - Round down to
 * the nearest whole minute ... between 15 and 63 days ago - ... 5-minute clock interval ... greater than 63 days
 * ago - ... 1-hour clock interval", and with a Period of 5, 10, 20 or 30 "rounded down to the nearest time that
 * corresponds to even 5-, 10-, 20-, or 30-second divisions of a minute".
 */
export function roundStartTime(start: number, now: number, periodSeconds: number): number {
  const age = now - start;
  const unit =
    periodSeconds < 60
      ? periodSeconds * SECOND
      : age < 15 * DAY
        ? MINUTE
        : age <= 63 * DAY
          ? 5 * MINUTE
          : HOUR;
  return Math.floor(start / unit) * unit;
}

/**
 * The periods of one query: they start at the rounded StartTime (not at multiples of the period: AWS asks for
 * aligned StartTime "for better performance", it does not align for you), and those older than the period's
 * retention are gone, silently, as in AWS.
 */
export function periodGrid(start: number, end: number, periodSeconds: number, now: number): PeriodGrid {
  const periodMs = periodSeconds * SECOND;
  let first = roundStartTime(start, now, periodSeconds);
  const oldest = now - retentionMs(periodSeconds);
  if (first < oldest) first += Math.ceil((oldest - first) / periodMs) * periodMs;
  return { first, end, periodMs };
}

/**
 * Where CloudWatch files a point: standard-resolution data has one-minute granularity, so a point counts at its
 * minute; a high-resolution one (StorageResolution 1) at its second.
 */
export function storedAt(point: SimDatapoint): number {
  const unit = point.highResolution ? SECOND : MINUTE;
  return point.timestamp - (point.timestamp % unit);
}

/** Index of the first point (of points in time order) filed at or after `time`. */
function firstAtOrAfter(points: readonly SimDatapoint[], time: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (storedAt(points[mid]!) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where a scan picks up on the next page: after the period at `at`, or at it when this series' value there is still due. */
export interface Resume {
  readonly at: number;
  readonly inclusive: boolean;
}

export interface ScanOptions {
  readonly descending?: boolean;
  readonly resume?: Resume;
  /** MetricStat.Unit: only data put with this unit (a point whose unit the simulator does not know matches any). */
  readonly unit?: string;
}

/**
 * The non-empty periods of one series (points in time order), aggregated with `stat`, in scan order. Lazy and
 * bounded by binary search, so a page of a long series costs what it returns, not the whole series.
 */
export function* scanPeriods(
  points: readonly SimDatapoint[],
  grid: PeriodGrid,
  stat: string,
  { descending = false, resume, unit }: ScanOptions = {},
): Generator<Sample> {
  const { first, periodMs } = grid;
  const slotOf = (t: number) => first + Math.floor((t - first) / periodMs) * periodMs;
  const slotAtOrAfter = (t: number) => first + Math.ceil((t - first) / periodMs) * periodMs;
  let lo = first;
  let hi = grid.end;
  if (resume && descending)
    hi = Math.min(hi, resume.inclusive ? slotOf(resume.at) + periodMs : slotAtOrAfter(resume.at));
  if (resume && !descending)
    lo = Math.max(lo, resume.inclusive ? slotAtOrAfter(resume.at) : slotOf(resume.at) + periodMs);
  if (lo >= hi) return;
  const from = firstAtOrAfter(points, lo);
  const to = firstAtOrAfter(points, hi);
  const matches = (p: SimDatapoint) => unit === undefined || p.unit === undefined || p.unit === unit;
  let i = descending ? to - 1 : from;
  while (descending ? i >= from : i < to) {
    const slot = slotOf(storedAt(points[i]!));
    // This period's points are points[a, b).
    let a = i;
    let b = i;
    if (descending) {
      while (a > from && storedAt(points[a - 1]!) >= slot) a--;
      b = i + 1;
      i = a - 1;
    } else {
      while (b < to && storedAt(points[b]!) < slot + periodMs) b++;
      i = b;
    }
    if (unit === undefined) {
      yield [slot, aggregate(points, stat, a, b)];
      continue;
    }
    const kept = points.slice(a, b).filter(matches);
    if (kept.length > 0) yield [slot, aggregate(kept, stat)];
  }
}

/** One series of a Metrics Insights result, oldest period first. */
export interface LabelledSeries {
  readonly label: string;
  readonly samples: readonly Sample[];
}

// ── Metrics Insights (a subset) ─────────────────────────────────────────────────────────────────

const INSIGHTS_FUNCTIONS: Readonly<Record<string, string>> = {
  AVG: "Average",
  SUM: "Sum",
  MIN: "Minimum",
  MAX: "Maximum",
  COUNT: "SampleCount",
};

interface InsightsQuery {
  readonly stat: string;
  readonly metricName: string;
  readonly namespace: string;
  /** SCHEMA(...) dimension keys: only series with exactly these keys. */
  readonly schema?: readonly string[];
  readonly where: readonly { readonly name: string; readonly op: "=" | "!="; readonly value: string }[];
  readonly groupBy: readonly string[];
  readonly order?: "ASC" | "DESC";
  readonly limit: number;
}

const IDENT = String.raw`(?:"[^"]+"|[A-Za-z0-9_./:-]+)`;
const QUERY = new RegExp(
  String.raw`^\s*SELECT\s+(AVG|SUM|MIN|MAX|COUNT)\s*\(\s*(${IDENT})\s*\)\s+FROM\s+(SCHEMA\s*\([^)]*\)|${IDENT})` +
    String.raw`(?:\s+WHERE\s+(.+?))?(?:\s+GROUP\s+BY\s+(.+?))?(?:\s+ORDER\s+BY\s+(?:AVG|SUM|MIN|MAX|COUNT)\s*\(\s*\)\s*(ASC|DESC)?)?(?:\s+LIMIT\s+(\d+))?\s*$`,
  "i",
);

const unquote = (text: string): string => text.trim().replace(/^"(.*)"$/, "$1");

export function isInsightsQuery(query: MetricDataQuery): boolean {
  return /^\s*SELECT\s/i.test(query.Expression ?? "");
}

/** An alarm on a Metrics Insights query: one time series per contributor, each with its own state and actions. */
export function isInsightsAlarm(config: Pick<PutMetricAlarmInput, "Metrics">): boolean {
  return (config.Metrics ?? []).some(isInsightsQuery);
}

/** Parses the supported subset, or explains what lib/sim cannot run. */
export function parseInsightsQuery(expression: string): InsightsQuery {
  const m = QUERY.exec(expression);
  if (!m) {
    throw new SimUnsupportedError(
      `lib/sim runs Metrics Insights queries of the form SELECT AVG|SUM|MIN|MAX|COUNT(metric) FROM namespace|SCHEMA(...) ` +
        `[WHERE dim = 'v' AND ...] [GROUP BY dims] [ORDER BY FUNC() ASC|DESC] [LIMIT n]; cannot run: ${expression}`,
    );
  }
  const [, fn, metric, from, where, groupBy, order, limit] = m;
  let namespace = unquote(from!);
  let schema: string[] | undefined;
  const schemaMatch = /^SCHEMA\s*\((.*)\)$/i.exec(from!.trim());
  if (schemaMatch) {
    const parts = schemaMatch[1]!.split(",").map(unquote);
    namespace = parts[0]!;
    schema = parts.slice(1);
  }
  const conditions = (where ?? "")
    .split(/\s+AND\s+/i)
    .filter((c) => c.trim() !== "")
    .map((c) => {
      const cm = /^\s*(\S+?)\s*(!=|=)\s*'([^']*)'\s*$/.exec(c);
      if (!cm)
        throw new SimUnsupportedError(
          `lib/sim supports WHERE conditions of the form dim = 'value' or dim != 'value'; cannot run: ${c}`,
        );
      return { name: unquote(cm[1]!), op: cm[2] as "=" | "!=", value: cm[3]! };
    });
  return {
    stat: INSIGHTS_FUNCTIONS[fn!.toUpperCase()]!,
    metricName: unquote(metric!),
    namespace,
    ...(schema ? { schema } : {}),
    where: conditions,
    groupBy: (groupBy ?? "")
      .split(",")
      .map(unquote)
      .filter((g) => g !== ""),
    ...(order || /ORDER\s+BY/i.test(expression)
      ? { order: (order?.toUpperCase() ?? "ASC") as "ASC" | "DESC" }
      : {}),
    limit: limit ? Number(limit) : 500,
  };
}

/**
 * How far back Metrics Insights reads: "Metrics Insights queries can query the most recent two weeks of metric
 * data. For alarm condition evaluations, Metrics Insights queries can query only the most recent three hours"
 * (GetMetricData, API reference as of SDK 3.1164; the Metrics Insights quotas page says the same). Older copies
 * of the API reference said three hours for every query; `SimAccountOptions.metricsInsightsLookback` keeps that
 * case testable.
 */
export const INSIGHTS_LOOKBACK_MS = { "two-weeks": 14 * DAY, "three-hours": 3 * HOUR } as const;

/**
 * Runs a Metrics Insights query: one result per group (or one for the whole query without GROUP BY). Points
 * before `since` are not read, even inside the oldest period ("the oldest data point differs from the expected
 * value ... because the CloudWatch Metrics Insights queries return only data within the two-week retention
 * period", Troubleshooting Metrics Insights).
 */
export function runInsightsQuery(
  store: MetricStore,
  expression: string,
  grid: PeriodGrid,
  since: number,
): LabelledSeries[] {
  const query = parseInsightsQuery(expression);
  const groups = new Map<string, SimDatapoint[]>();
  for (const series of store.series()) {
    if (series.namespace !== query.namespace || series.metricName !== query.metricName) continue;
    const dims = new Map(series.dimensions.map((d) => [d.Name, d.Value]));
    if (query.schema && (dims.size !== query.schema.length || !query.schema.every((k) => dims.has(k))))
      continue;
    const matches = query.where.every((c) =>
      c.op === "=" ? dims.get(c.name) === c.value : dims.get(c.name) !== c.value,
    );
    if (!matches || !query.groupBy.every((g) => dims.has(g))) continue;
    const label = query.groupBy.map((g) => dims.get(g)).join(" ") || query.metricName;
    let points = groups.get(label);
    if (!points) groups.set(label, (points = []));
    for (const p of series.points) {
      const at = storedAt(p);
      if (at >= grid.first && at < grid.end && p.timestamp >= since) points.push(p);
    }
  }
  let results = [...groups]
    .filter(([, points]) => points.length > 0)
    .map(([label, points]) => ({ label, points }));
  if (query.order) {
    const sign = query.order === "DESC" ? -1 : 1;
    const total = new Map(results.map((r) => [r, aggregate(r.points, query.stat)]));
    results = results.sort((a, b) => sign * (total.get(a)! - total.get(b)!));
  }
  return results.slice(0, query.limit).map(({ label, points }) => ({
    label,
    samples: [
      ...scanPeriods(
        points.sort((a, b) => a.timestamp - b.timestamp),
        grid,
        query.stat,
      ),
    ],
  }));
}

// ── Metric math (arithmetic only) ───────────────────────────────────────────────────────────────

/** A time series keyed by timestamp, or a constant. */
type Operand = Map<number, number> | number;

/**
 * Evaluates `+ - * /` and parentheses over other queries' results (by id) and numbers, aligning series
 * on timestamps. CloudWatch's functions (FILL, IF, SEARCH, METRICS(), ...) are not simulated.
 */
export function evaluateMathExpression(
  expression: string,
  resolve: (id: string) => Map<number, number> | undefined,
): Map<number, number> {
  const tokens =
    expression.match(/\s*(\d+(?:\.\d+)?|[A-Za-z][A-Za-z0-9_]*|[-+*/()]|\S)/g)?.map((t) => t.trim()) ?? [];
  let pos = 0;
  const unsupported = (why: string): never => {
    throw new SimUnsupportedError(
      `lib/sim evaluates metric math with + - * / ( ) over query ids and numbers only; ${why} in: ${expression}`,
    );
  };
  const combine = (a: Operand, b: Operand, op: string): Operand => {
    const apply = (x: number, y: number): number =>
      op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : x / y;
    if (typeof a === "number" && typeof b === "number") return apply(a, b);
    const out = new Map<number, number>();
    if (typeof a === "number") for (const [t, v] of b as Map<number, number>) out.set(t, apply(a, v));
    else if (typeof b === "number") for (const [t, v] of a) out.set(t, apply(v, b));
    else for (const [t, v] of a) if (b.has(t)) out.set(t, apply(v, b.get(t)!));
    return out;
  };
  const factor = (): Operand => {
    const token = tokens[pos++];
    if (token === undefined) return unsupported("the expression ends early");
    if (token === "-") return combine(-1, factor(), "*");
    if (token === "(") {
      const value = sum();
      if (tokens[pos++] !== ")") unsupported("a parenthesis is not closed");
      return value;
    }
    if (/^\d/.test(token)) return Number(token);
    if (/^[A-Za-z]/.test(token)) {
      if (tokens[pos] === "(") unsupported(`function ${token}() is not supported`);
      return resolve(token) ?? unsupported(`id "${token}" names no other query`);
    }
    return unsupported(`unexpected "${token}"`);
  };
  const product = (): Operand => {
    let value = factor();
    while (tokens[pos] === "*" || tokens[pos] === "/") {
      const op = tokens[pos++]!;
      value = combine(value, factor(), op);
    }
    return value;
  };
  function sum(): Operand {
    let value = product();
    while (tokens[pos] === "+" || tokens[pos] === "-") {
      const op = tokens[pos++]!;
      value = combine(value, product(), op);
    }
    return value;
  }
  const result = sum();
  if (pos < tokens.length) unsupported(`unexpected "${tokens[pos]}"`);
  return typeof result === "number" ? new Map() : result;
}
