/**
 * Top offenders of an aggregate alarm: one GetMetricData call with a Metrics Insights query grouped
 * by the resource's dimension, over the alarm's evaluation window ending at the state change, the
 * worst first. For a Metrics Insights alarm the query is its own, re-sorted with a small LIMIT; for an
 * account-wide metric (Lambda Errors has no dimensions) it is the catalog entry's metric, grouped by
 * FunctionName.
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataResult } from "@aws-sdk/client-cloudwatch";
import type { Aws } from "../aws/clients.js";
import { insightsFunction, insightsQuery, type InsightsFunction } from "../alarms/spec.js";
import { groupByKey, identifyAlarm, type AlarmIdentity } from "./identity.js";
import type { AlarmStateChange } from "./types.js";

export interface Offender {
  /** The group's label: the resource's dimension value (several values joined by spaces). */
  readonly name: string;
  /** The statistic over the window: the sum for SUM and COUNT, else the max, min or average. */
  readonly value: number;
}

export interface TopOffenders {
  readonly dimension: string;
  readonly function: InsightsFunction;
  readonly offenders: readonly Offender[];
  readonly query: string;
  readonly windowSeconds: number;
}

export interface TopOffendersOptions {
  /** When already known (with the alarm's tags); else derived from the change alone. */
  readonly identity?: AlarmIdentity;
  /** Default 5. */
  readonly limit?: number;
}

/** Metrics Insights queries only the most recent 3 hours of data. */
const MAX_WINDOW_SECONDS = 3 * 3600;
const MIN_WINDOW_SECONDS = 5 * 60;

/** The query and its shape, or undefined when the alarm has no resources to rank. */
export function offendersQuery(
  change: AlarmStateChange,
  identity: AlarmIdentity = identifyAlarm(change),
  limit = 5,
): { query: string; dimension: string; fn: InsightsFunction; descending: boolean } | undefined {
  const descending = !(change.trigger.comparison ?? identity.entry?.comparison ?? "").startsWith("Less");
  const own = change.trigger.queries?.find(
    (q) => /^\s*SELECT\b/i.test(q.expression ?? "") && groupByKey(q.expression) !== undefined,
  );
  if (own?.expression) {
    const fn = /^\s*SELECT\s+(AVG|SUM|MIN|MAX|COUNT)\s*\(/i.exec(own.expression)?.[1]?.toUpperCase() as
      InsightsFunction | undefined;
    const dimension = groupByKey(own.expression);
    if (!fn || !dimension) return undefined;
    const base = own.expression.replace(/\s+ORDER\s+BY\s+.*$/is, "").replace(/\s+LIMIT\s+\d+\s*$/i, "");
    return {
      query: `${base} ORDER BY ${fn}() ${descending ? "DESC" : "ASC"} LIMIT ${limit}`,
      dimension,
      fn,
      descending,
    };
  }
  const entry = identity.entry;
  const metric = change.trigger.metric;
  if (entry && entry.aggregate === "account-metric" && metric && metric.dimensions.length === 0) {
    const fn = insightsFunction(entry.statistic);
    if (!fn) return undefined;
    const query = insightsQuery({
      fn,
      namespace: entry.namespace,
      metricName: entry.metricName,
      groupBy: [entry.dimension],
      schema: "exact",
      exclude: [],
      descending,
      limit,
    });
    return { query, dimension: entry.dimension, fn, descending };
  }
  return undefined;
}

/**
 * The worst resources behind an aggregate alarm, or undefined when the alarm is not an aggregate (or
 * its query cannot be derived). AWS errors are thrown; callers decide whether a message goes without.
 */
export async function topOffenders(
  aws: Aws,
  change: AlarmStateChange,
  options: TopOffendersOptions = {},
): Promise<TopOffenders | undefined> {
  const limit = options.limit ?? 5;
  const shape = offendersQuery(change, options.identity ?? identifyAlarm(change), limit);
  if (!shape) return undefined;
  const period = Math.max(60, change.trigger.period ?? 60);
  const periods = Math.max(change.trigger.evaluationPeriods ?? 1, 1);
  const windowSeconds = Math.min(MAX_WINDOW_SECONDS, Math.max(MIN_WINDOW_SECONDS, periods * period));
  // The window ends with the period in which the state changed, so it holds the breaching datapoints.
  const changedAt = Date.parse(change.time);
  const end = (Math.floor(changedAt / 1000 / period) + 1) * period * 1000;
  const start = end - windowSeconds * 1000;

  const results: MetricDataResult[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws.client(CloudWatchClient).send(
      new GetMetricDataCommand({
        MetricDataQueries: [{ Id: "offenders", Expression: shape.query, Period: period, ReturnData: true }],
        StartTime: new Date(start),
        EndTime: new Date(end),
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    results.push(...(page.MetricDataResults ?? []));
    nextToken = page.NextToken;
  } while (nextToken && results.length < limit);

  const offenders = results
    .filter((r) => (r.Values?.length ?? 0) > 0)
    .map((r) => ({ name: r.Label ?? "(unnamed)", value: summarize(r.Values!, shape.fn) }))
    .sort(
      (a, b) => (shape.descending ? b.value - a.value : a.value - b.value) || a.name.localeCompare(b.name),
    )
    .slice(0, limit);
  return { dimension: shape.dimension, function: shape.fn, offenders, query: shape.query, windowSeconds };
}

function summarize(values: readonly number[], fn: InsightsFunction): number {
  switch (fn) {
    case "SUM":
    case "COUNT":
      return values.reduce((a, b) => a + b, 0);
    case "MAX":
      return Math.max(...values);
    case "MIN":
      return Math.min(...values);
    case "AVG":
      return values.reduce((a, b) => a + b, 0) / values.length;
  }
}
