/**
 * Metrics Insights queries of the form lib/alarms/spec.ts `insightsQuery` writes:
 * `SELECT FN(metric) FROM SCHEMA(ns, dims…)|"ns" [WHERE dim != 'v' AND …] GROUP BY dims… ORDER BY FN() ASC|DESC LIMIT n`,
 * evaluated into one datapoint series per contributor (one GROUP BY value set).
 */
import type { InsightsFunction } from "../spec.js";
import { periodStart } from "./periods.js";
import { statistic } from "./statistics.js";
import { tokenize, unsupported } from "./math.js";
import { EvaluatorError, isRetrieved, type Datapoints, type MetricTrace } from "./types.js";

export interface ParsedInsightsQuery {
  readonly fn: InsightsFunction;
  readonly namespace: string;
  readonly metricName: string;
  /** The SCHEMA's dimension keys; undefined for FROM "namespace" (every dimension set). */
  readonly schema?: readonly string[];
  readonly groupBy: readonly string[];
  /** `dimension != value` conditions, all of which must hold. */
  readonly exclude: readonly { readonly name: string; readonly value: string }[];
  readonly descending: boolean;
  readonly limit: number;
}

export const STAT_OF: Readonly<Record<InsightsFunction, string>> = {
  AVG: "Average",
  COUNT: "SampleCount",
  MAX: "Maximum",
  MIN: "Minimum",
  SUM: "Sum",
};

const TOKEN = /\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|!=|[(),]|[^\s(),'"!]+)/y;

/** Identifier or label value, unquoted and unescaped as `insightsQuery` quotes them. */
const unquote = (token: string) => (/^["']/.test(token) ? token.slice(1, -1).replace(/\\(.)/g, "$1") : token);

export function isInsightsQuery(expression: string): boolean {
  return /^\s*SELECT\b/i.test(expression);
}

export function parseInsightsQuery(expression: string): ParsedInsightsQuery {
  const tokens = tokenize(expression, TOKEN);
  let i = 0;
  const next = () => {
    const token = tokens[i++];
    if (token === undefined) throw unsupported(expression);
    return token;
  };
  const keyword = (word: string) => {
    if (next().toUpperCase() !== word) throw unsupported(expression);
  };
  const list = (): string[] => {
    const items = [unquote(next())];
    while (tokens[i] === ",") {
      i++;
      items.push(unquote(next()));
    }
    return items;
  };

  keyword("SELECT");
  const fn = next().toUpperCase();
  if (!(fn in STAT_OF)) throw unsupported(expression);
  keyword("(");
  const metricName = unquote(next());
  keyword(")");
  keyword("FROM");
  let namespace: string;
  let schema: string[] | undefined;
  if (tokens[i]?.toUpperCase() === "SCHEMA") {
    i++;
    keyword("(");
    [namespace = "", ...schema] = list();
    keyword(")");
  } else namespace = unquote(next());
  const exclude: { name: string; value: string }[] = [];
  if (tokens[i]?.toUpperCase() === "WHERE") {
    do {
      i++;
      const name = unquote(next());
      keyword("!=");
      const value = next();
      if (!value.startsWith("'")) throw unsupported(expression);
      exclude.push({ name, value: unquote(value) });
    } while (tokens[i]?.toUpperCase() === "AND");
  }
  keyword("GROUP");
  keyword("BY");
  const groupBy = list();
  keyword("ORDER");
  keyword("BY");
  if (next().toUpperCase() !== fn) throw unsupported(expression);
  keyword("(");
  keyword(")");
  const direction = next().toUpperCase();
  if (direction !== "ASC" && direction !== "DESC") throw unsupported(expression);
  keyword("LIMIT");
  const limit = Number(next());
  if (!Number.isInteger(limit) || i !== tokens.length) throw unsupported(expression);
  return {
    fn: fn as InsightsFunction,
    namespace,
    metricName,
    ...(schema ? { schema } : {}),
    groupBy,
    exclude,
    descending: direction === "DESC",
    limit,
  };
}

/**
 * The contributor (`dim=value[,dim=value]` in GROUP BY order) a metric joins under the query, or undefined
 * when the query does not read it: another metric, a dimension set outside the SCHEMA, a GROUP BY
 * dimension missing, or an excluded value.
 */
export function contributorOf(
  query: ParsedInsightsQuery,
  metric: {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: readonly { readonly name: string; readonly value: string }[];
  },
): string | undefined {
  if (metric.namespace !== query.namespace || metric.metricName !== query.metricName) return undefined;
  const value = new Map(metric.dimensions.map((d) => [d.name, d.value]));
  const keys = metric.dimensions.map((d) => d.name);
  if (query.schema && !(keys.length === query.schema.length && query.schema.every((k) => value.has(k))))
    return undefined;
  if (!query.groupBy.every((k) => value.has(k))) return undefined;
  if (query.exclude.some((c) => value.get(c.name) === c.value)) return undefined;
  return query.groupBy.map((k) => `${k}=${value.get(k)}`).join(",");
}

/**
 * How a contributor's value is made from the retrieved datapoints of its series (each of `STAT_OF[fn]`):
 * sums add, extremes take the extreme. An average of several series needs their sample counts, which a
 * retrieved Average does not carry, so it is refused rather than guessed.
 */
function combineRetrieved(fn: InsightsFunction, values: readonly number[], contributor: string): number {
  if (fn === "SUM" || fn === "COUNT") return values.reduce((a, b) => a + b, 0);
  if (fn === "MAX") return Math.max(...values);
  if (fn === "MIN") return Math.min(...values);
  if (values.length === 1) return values[0] as number;
  throw new EvaluatorError(
    `AVG over the ${values.length} retrieved series of ${contributor} needs their sample counts`,
  );
}

/**
 * One datapoint series per contributor, keyed `dim=value[,dim=value]` in GROUP BY order. The function runs
 * over the raw samples of every series in the group (or combines their retrieved datapoints, see
 * `combineRetrieved`). ORDER BY … LIMIT is applied per period (AWS ranks over the query's time range): a
 * contributor outside the first `limit` in a period has no datapoint there. With FROM "namespace", series
 * without every GROUP BY dimension are left out.
 */
export function insightsContributors(
  query: ParsedInsightsQuery,
  trace: MetricTrace,
  periodSeconds: number,
): Map<string, Datapoints> {
  const periodMs = periodSeconds * 1000;
  const stat = STAT_OF[query.fn];
  const samples = new Map<string, Map<number, number[]>>();
  const retrieved = new Map<string, Map<number, number[]>>();
  const add = (
    groups: Map<string, Map<number, number[]>>,
    contributor: string,
    start: number,
    value: number,
  ) => {
    const periods = groups.get(contributor) ?? new Map<number, number[]>();
    groups.set(contributor, periods);
    const bucket = periods.get(start);
    if (bucket) bucket.push(value);
    else periods.set(start, [value]);
  };
  for (const series of trace) {
    const contributor = contributorOf(query, series);
    if (contributor === undefined) continue;
    if (!isRetrieved(series)) {
      for (const sample of series.samples)
        add(samples, contributor, periodStart(sample.at, periodMs), sample.value);
      continue;
    }
    if (series.stat !== stat || series.periodSeconds !== periodSeconds)
      throw new EvaluatorError(
        `${query.metricName} of ${contributor} was retrieved as ${series.stat} per ${series.periodSeconds} s, not ${stat} per ${periodSeconds} s`,
      );
    for (const [start, datapoint] of series.datapoints) add(retrieved, contributor, start, datapoint);
  }

  const byPeriod = new Map<number, { contributor: string; value: number }[]>();
  const rank = (contributor: string, start: number, value: number) => {
    const entries = byPeriod.get(start) ?? [];
    entries.push({ contributor, value });
    byPeriod.set(start, entries);
  };
  for (const [contributor, periods] of samples) {
    if (retrieved.has(contributor))
      throw new EvaluatorError(`${contributor} has both raw samples and retrieved datapoints`);
    for (const [start, values] of periods) rank(contributor, start, statistic(values, stat));
  }
  for (const [contributor, periods] of retrieved)
    for (const [start, values] of periods)
      rank(contributor, start, combineRetrieved(query.fn, values, contributor));
  const contributors = new Map<string, Map<number, number>>();
  for (const [start, entries] of byPeriod) {
    entries.sort((a, b) => (query.descending ? b.value - a.value : a.value - b.value));
    for (const { contributor, value } of entries.slice(0, query.limit)) {
      const datapoints = contributors.get(contributor) ?? new Map<number, number>();
      datapoints.set(start, value);
      contributors.set(contributor, datapoints);
    }
  }
  return contributors;
}
