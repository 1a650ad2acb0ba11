/**
 * GetMetricData's answer over the metric store: every returned series merged in scan order, cut at
 * MaxDatapoints, and continued by a NextToken that only the same request can use.
 *
 * What AWS documents, and this follows: MaxDatapoints is "The maximum number of data points the request should
 * return before paginating. If you omit this, the default of 100,800 is used"; ScanBy "TimestampDescending
 * returns the newest data first and paginates when the MaxDatapoints limit is reached"; a result's
 * "PartialData means that an incomplete set of data points were returned. You can use the NextToken value that
 * was returned and repeat your request to get more data points. NextToken is not returned if you are
 * performing a math expression" (GetMetricData, MetricDataResult).
 *
 * What AWS does not document, and this chooses: a page is a slice of time across all queries (newest first
 * means newest first for the request, not per query), so a page can end inside one query's series; every
 * returned query appears on every page, with this page's points only; a token names the request it belongs to,
 * and another request (other queries, times or order) is refused as InvalidNextToken.
 */
import { createHash } from "node:crypto";
import type {
  GetMetricDataCommandOutput,
  MetricDataQuery,
  MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import {
  evaluateMathExpression,
  isInsightsQuery,
  normalizeDimensions,
  periodGrid,
  runInsightsQuery,
  scanPeriods,
  type MetricStore,
  type Resume,
  type Sample,
} from "./metrics.js";
import { pageToken } from "./registry.js";
import type { Out } from "./service.js";

/** MaxDatapoints when the request omits it. */
export const DEFAULT_MAX_DATAPOINTS = 100_800;

export interface MetricDataRequest {
  readonly queries: readonly MetricDataQuery[];
  readonly start: number;
  readonly end: number;
  readonly descending: boolean;
  readonly maxDatapoints: number;
  /** The account's clock: StartTime rounding and retention are relative to it. */
  readonly now: number;
  /** Metrics Insights reads no point older than this. */
  readonly insightsSince: number;
}

/** Where the previous page stopped: the period it ended on and the rank of the last series it returned there. */
export interface MetricDataCursor {
  readonly at: number;
  readonly rank: number;
}

/** One returned series: a MetricStat query, a math expression, or one group of a Metrics Insights query. */
interface Source {
  readonly id: string;
  readonly label: string;
  scan(resume?: Resume): Iterator<Sample>;
}

function fingerprint(request: MetricDataRequest): string {
  const { queries, start, end, descending } = request;
  return createHash("sha256")
    .update(JSON.stringify([queries, start, end, descending]))
    .digest("base64url")
    .slice(0, 22);
}

export function encodeCursor(request: MetricDataRequest, cursor: MetricDataCursor): string {
  return pageToken.encode(JSON.stringify({ request: fingerprint(request), ...cursor }));
}

/** The cursor a token holds, or undefined when it is not one this request was given. */
export function decodeCursor(request: MetricDataRequest, token: string): MetricDataCursor | undefined {
  const after = pageToken.decode(token);
  if (after === undefined) return undefined;
  try {
    const value = JSON.parse(after) as { request?: unknown; at?: unknown; rank?: unknown };
    if (value.request !== fingerprint(request)) return undefined;
    if (typeof value.at !== "number" || typeof value.rank !== "number") return undefined;
    return { at: value.at, rank: value.rank };
  } catch {
    return undefined;
  }
}

/** Whether the request can be paged: not when it has a math expression (AWS returns no NextToken then). */
export function hasMathExpression(queries: readonly MetricDataQuery[]): boolean {
  return queries.some((q) => q.Expression !== undefined && !isInsightsQuery(q));
}

/** A series already computed (oldest first), scanned in either order from a resume point. */
function computed(id: string, label: string, samples: readonly Sample[], descending: boolean): Source {
  const due = (t: number, resume?: Resume) =>
    !resume || (descending ? t < resume.at : t > resume.at) || (t === resume.at && resume.inclusive);
  return {
    id,
    label,
    *scan(resume) {
      if (descending) {
        for (let i = samples.length - 1; i >= 0; i--) if (due(samples[i]![0], resume)) yield samples[i]!;
      } else {
        for (const sample of samples) if (due(sample[0], resume)) yield sample;
      }
    },
  };
}

/** The request's returned series in request order (a Metrics Insights query's groups in its own order). */
function sourcesOf(store: MetricStore, request: MetricDataRequest): Source[] {
  const { queries, start, end, descending, now } = request;
  const math = hasMathExpression(queries);
  // Every query's whole series, by id, for math expressions to read (only computed when one is there).
  const byId = new Map<string, Map<number, number>>();
  const perQuery: Source[][] = queries.map(() => []);
  for (const [i, q] of queries.entries()) {
    if (!q.MetricStat) continue;
    const { Metric, Period, Stat, Unit } = q.MetricStat;
    const series = store.find(
      Metric!.Namespace!,
      Metric!.MetricName!,
      normalizeDimensions(Metric!.Dimensions),
    );
    const points = series ? store.pointsInOrder(series) : [];
    const grid = periodGrid(start, end, Period!, now);
    const scan = (resume?: Resume) =>
      scanPeriods(points, grid, Stat!, {
        descending,
        ...(resume ? { resume } : {}),
        ...(Unit ? { unit: Unit } : {}),
      });
    if (math) byId.set(q.Id!, new Map(scanPeriods(points, grid, Stat!, Unit ? { unit: Unit } : {})));
    if (q.ReturnData !== false) perQuery[i]!.push({ id: q.Id!, label: q.Label ?? Metric!.MetricName!, scan });
  }
  for (const [i, q] of queries.entries()) {
    if (q.Expression === undefined) continue;
    if (isInsightsQuery(q)) {
      const grid = periodGrid(start, end, q.Period ?? 300, now);
      if (q.ReturnData === false) continue;
      for (const r of runInsightsQuery(store, q.Expression, grid, request.insightsSince))
        perQuery[i]!.push(computed(q.Id!, q.Label ?? r.label, r.samples, descending));
      continue;
    }
    const values = evaluateMathExpression(q.Expression, (id) => byId.get(id));
    byId.set(q.Id!, values);
    if (q.ReturnData === false) continue;
    const samples = [...values].sort((a, b) => a[0] - b[0]);
    perQuery[i]!.push(computed(q.Id!, q.Label ?? q.Id!, samples, descending));
  }
  return perQuery.flat();
}

interface Head {
  sample: Sample;
  readonly rank: number;
  readonly rest: Iterator<Sample>;
}

/** A binary heap of each series' next sample, by time in scan order, then by rank; sifts without allocating. */
class Heads {
  private readonly items: Head[] = [];

  constructor(private readonly descending: boolean) {}

  get size(): number {
    return this.items.length;
  }

  get top(): Head | undefined {
    return this.items[0];
  }

  ranks(): number[] {
    return this.items.map((h) => h.rank);
  }

  private before(a: Head, b: Head): boolean {
    const ta = a.sample[0];
    const tb = b.sample[0];
    if (ta !== tb) return this.descending ? ta > tb : ta < tb;
    return a.rank < b.rank;
  }

  push(head: Head): void {
    const items = this.items;
    let i = items.length;
    items.push(head);
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      if (!this.before(head, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = head;
  }

  /** Restores the order after the top's sample changed, or drops the top when its series ran out. */
  settleTop(remove = false): void {
    const items = this.items;
    let head = items[0];
    if (remove) {
      head = items.pop();
      if (items.length === 0) return;
    }
    if (!head) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= items.length) break;
      const r = l + 1;
      const child = r < items.length && this.before(items[r]!, items[l]!) ? r : l;
      if (!this.before(items[child]!, head)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = head;
  }
}

/** One page of GetMetricData: at most `maxDatapoints` values, from where `cursor` says the last page stopped. */
export function readMetricData(
  store: MetricStore,
  request: MetricDataRequest,
  cursor?: MetricDataCursor,
): Out<GetMetricDataCommandOutput> {
  const sources = sourcesOf(store, request);
  const heads = new Heads(request.descending);
  for (const [rank, source] of sources.entries()) {
    const rest = source.scan(cursor && { at: cursor.at, inclusive: rank > cursor.rank });
    const first = rest.next();
    if (!first.done) heads.push({ sample: first.value, rank, rest });
  }
  const results = sources.map((s) => ({
    Id: s.id,
    Label: s.label,
    Timestamps: [] as Date[],
    Values: [] as number[],
  }));
  let last: MetricDataCursor | undefined;
  for (let taken = 0; taken < request.maxDatapoints && heads.size > 0; taken++) {
    const head = heads.top!;
    const [at, value] = head.sample;
    const result = results[head.rank]!;
    result.Timestamps.push(new Date(at));
    result.Values.push(value);
    last = { at, rank: head.rank };
    const next = head.rest.next();
    if (next.done) heads.settleTop(true);
    else {
      head.sample = next.value;
      heads.settleTop();
    }
  }
  const pending = new Set(heads.ranks());
  const paged = pending.size > 0 && last !== undefined && !hasMathExpression(request.queries);
  return {
    MetricDataResults: results.map((r, rank): MetricDataResult => ({
      ...r,
      StatusCode: pending.has(rank) ? "PartialData" : "Complete",
    })),
    ...(paged ? { NextToken: encodeCursor(request, last!) } : {}),
    Messages: [],
  };
}
