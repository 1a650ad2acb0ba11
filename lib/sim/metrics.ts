/**
 * The metric store behind PutMetricData and GetMetricData: data points per time series, aggregated into
 * periods with CloudWatch's statistics, plus a small Metrics Insights subset (one aggregate, WHERE on
 * dimensions, GROUP BY, ORDER BY, LIMIT) so top-offender queries have something real to read.
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

function seriesKey(namespace: string, metricName: string, dimensions: Dimensions): string {
  return JSON.stringify([namespace, metricName, dimensions.map((d) => [d.Name, d.Value])]);
}

export class MetricStore {
  private readonly bySeries = new Map<string, SimMetricSeries>();

  get size(): number {
    return this.bySeries.size;
  }

  series(): IterableIterator<SimMetricSeries> {
    return this.bySeries.values();
  }

  put(namespace: string, metricName: string, dimensions: Dimensions, points: readonly SimDatapoint[]): void {
    const key = seriesKey(namespace, metricName, dimensions);
    let series = this.bySeries.get(key);
    if (!series) {
      series = { namespace, metricName, dimensions: [...dimensions], points: [] };
      this.bySeries.set(key, series);
    }
    series.points.push(...points);
  }

  /** The series with exactly these dimensions (CloudWatch matches dimension sets exactly). */
  find(namespace: string, metricName: string, dimensions: Dimensions): SimMetricSeries | undefined {
    return this.bySeries.get(seriesKey(namespace, metricName, dimensions));
  }
}

const PERCENTILE = /^p(\d{1,2}(?:\.\d+)?)$/;

export function isStatistic(stat: string): boolean {
  return ["SampleCount", "Average", "Sum", "Minimum", "Maximum"].includes(stat) || PERCENTILE.test(stat);
}

/** A CloudWatch statistic over samples (each point may stand for several samples of one value). */
export function aggregate(points: readonly SimDatapoint[], stat: string): number {
  let samples = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const p of points) {
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
  const sorted = [...points].sort((a, b) => a.value - b.value);
  const rank = Math.max(1, Math.ceil((Number(p[1]) / 100) * samples));
  let seen = 0;
  for (const point of sorted) {
    seen += point.count ?? 1;
    if (seen >= rank) return point.value;
  }
  return max;
}

export interface TimeSeriesResult {
  readonly label: string;
  /** Newest first, as GetMetricData returns by default. */
  readonly timestamps: Date[];
  readonly values: number[];
}

/** Points in [start, end) grouped into periods aligned to the start, aggregated with `stat`; empty periods omitted. */
export function bucket(
  points: readonly SimDatapoint[],
  start: number,
  end: number,
  periodSeconds: number,
  stat: string,
): Omit<TimeSeriesResult, "label"> {
  const periodMs = periodSeconds * 1000;
  const buckets = new Map<number, SimDatapoint[]>();
  for (const point of points) {
    if (point.timestamp < start || point.timestamp >= end) continue;
    const slot = start + Math.floor((point.timestamp - start) / periodMs) * periodMs;
    let inSlot = buckets.get(slot);
    if (!inSlot) buckets.set(slot, (inSlot = []));
    inSlot.push(point);
  }
  const slots = [...buckets.keys()].sort((a, b) => b - a);
  return {
    timestamps: slots.map((t) => new Date(t)),
    values: slots.map((t) => aggregate(buckets.get(t)!, stat)),
  };
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

/** Runs a Metrics Insights query: one result per group (or one for the whole query without GROUP BY). */
export function runInsightsQuery(
  store: MetricStore,
  expression: string,
  start: number,
  end: number,
  periodSeconds: number,
): TimeSeriesResult[] {
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
    const points = groups.get(label) ?? [];
    points.push(...series.points.filter((p) => p.timestamp >= start && p.timestamp < end));
    groups.set(label, points);
  }
  let results = [...groups]
    .filter(([, points]) => points.length > 0)
    .map(([label, points]) => ({ label, points }));
  if (query.order) {
    const sign = query.order === "DESC" ? -1 : 1;
    const total = new Map(results.map((r) => [r, aggregate(r.points, query.stat)]));
    results = results.sort((a, b) => sign * (total.get(a)! - total.get(b)!));
  }
  return results
    .slice(0, query.limit)
    .map(({ label, points }) => ({ label, ...bucket(points, start, end, periodSeconds, query.stat) }));
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
