/**
 * The backtest: how a plan's alarms would have behaved on the account's own history. Observe (ListMetrics,
 * GetMetricData, batched and paced), then evaluate each alarm with the CloudWatch evaluator
 * (lib/alarms/evaluate) as if it had existed over the window, and count its pages. Nothing is written.
 */
import { evaluateAlarm, EvaluatorError } from "../alarms/evaluate/index.js";
import { evaluationRange } from "../alarms/evaluate/state-machine.js";
import { alarmMetricNames } from "../alarms/lint.js";
import { isBandAlarm, type AlarmSpec } from "../alarms/spec.js";
import type { Aws } from "../aws/index.js";
import { listMetrics, type ListedMetrics } from "../metrics/listed.js";
import {
  fewestCalls,
  packCalls,
  requestKey,
  totalDatapoints,
  retrieveSeries,
  USD_PER_METRIC_REQUESTED,
  type SeriesRequest,
  type TimeWindow,
} from "../metrics/retrieve.js";
import { alarmEpisodes, type Episode } from "./episodes.js";
import { alarmSeries } from "./series.js";
import { windowProblem } from "./window.js";

const DAY_MS = 86_400_000;
const WEEK_DAYS = 7;
/** The longest episodes shown per alarm. */
const WORST_SHOWN = 3;

export interface BacktestOptions {
  readonly days: number;
  /** An alarm that would have paged more often than this a week is reported as noisy. */
  readonly maxPagesPerWeek: number;
  /** Epoch ms: the window ends here (default: the aws clock's now). */
  readonly now?: number;
  readonly onProgress?: (phase: "listing" | "retrieving", done: number, total: number) => void;
}

export class BacktestWindowError extends Error {
  override readonly name = "BacktestWindowError";
}

/** What the backtest will read, before it reads: shown (with its cost) before running on a large account. */
export interface BacktestPlan {
  readonly window: TimeWindow;
  readonly alarms: readonly {
    readonly spec: AlarmSpec;
    readonly requests: readonly SeriesRequest[];
    readonly unevaluable?: string;
  }[];
  readonly requests: readonly SeriesRequest[];
  readonly listed: ListedMetrics;
  readonly estimate: {
    readonly series: number;
    readonly datapoints: number;
    readonly calls: number;
    /** The fewest calls any packing could use (series ÷ 500, datapoints ÷ 100,800). */
    readonly fewestCalls: number;
    readonly usd: number;
  };
}

export interface ContributorResult {
  readonly contributor?: string;
  readonly pages: number;
  readonly alarmMinutes: number;
  /** The longest episodes, longest first. */
  readonly worst: readonly Episode[];
  /** Every episode (each start is a page), in time order: to line the pages up with what happened. */
  readonly episodes: readonly Episode[];
}

export interface AlarmResult {
  readonly name: string;
  readonly entryId: string;
  readonly level: string;
  readonly resourceArn?: string;
  /** Why its numbers are only an approximation of CloudWatch's, when they are. */
  readonly approximate?: string;
  /** Why it could not be evaluated; then it has no numbers. */
  readonly notEvaluated?: string;
  readonly pages: number;
  readonly alarmMinutes: number;
  readonly pagesPerWeek: number;
  readonly noisy: boolean;
  /** Contributors (or the alarm itself) that went to ALARM, most pages first. */
  readonly contributors: readonly ContributorResult[];
}

export interface BacktestReport {
  readonly window: { readonly start: string; readonly end: string; readonly days: number };
  readonly maxPagesPerWeek: number;
  readonly alarms: readonly AlarmResult[];
  readonly totals: {
    readonly alarms: number;
    readonly evaluated: number;
    readonly notEvaluated: number;
    readonly paging: number;
    readonly noisy: number;
    readonly pages: number;
  };
  readonly calls: { readonly getMetricData: number; readonly fewest: number; readonly listMetrics: number };
  readonly cost: { readonly metricsRequested: number; readonly usd: number };
}

/** The window: whole periods of the longest period read, ending at or before `now`. */
export function backtestWindow(specs: readonly AlarmSpec[], days: number, now: number): TimeWindow {
  const longest = Math.max(60, ...specs.map(periodOf)) * 1000;
  const end = Math.floor(now / longest) * longest;
  return { start: end - days * DAY_MS, end };
}

/**
 * Evaluations from the first whose range (N + 2 periods) lies inside the window: before it nothing was read,
 * and missing data treated as breaching would page on those periods. Reading them instead would cost calls:
 * 14 days of minutes are exactly a fifth of a call's datapoints.
 */
function evaluatedWindow(spec: AlarmSpec, window: TimeWindow): TimeWindow {
  const lead = (evaluationRange(spec.evaluationPeriods) - 1) * periodOf(spec) * 1000;
  return { start: Math.min(window.start + lead, window.end), end: window.end };
}

function periodOf(spec: AlarmSpec): number {
  if (spec.metric) return spec.metric.period;
  const periods = (spec.metrics ?? []).map((q) => q.period ?? q.metricStat?.period ?? 60);
  return Math.max(60, ...periods);
}

export async function planBacktest(
  aws: Aws,
  specs: readonly AlarmSpec[],
  options: BacktestOptions,
): Promise<BacktestPlan> {
  if (!(options.days > 0)) throw new BacktestWindowError(`--days must be more than 0, got ${options.days}`);
  const problem = windowProblem(options.days, specs.map(periodOf));
  if (problem) throw new BacktestWindowError(problem);
  const window = backtestWindow(specs, options.days, options.now ?? aws.pacer.clock.now());
  const listed = await listMetrics(aws, alarmMetricNames(specs), {
    onProgress: (done, total) => options.onProgress?.("listing", done, total),
  });
  const alarms = specs.map((spec) => {
    const series = alarmSeries(spec, listed);
    return "unevaluable" in series
      ? { spec, requests: [], unevaluable: series.unevaluable }
      : { spec, requests: series.requests };
  });
  const requests = [...new Map(alarms.flatMap((a) => a.requests).map((r) => [requestKey(r), r])).values()];
  return {
    window,
    alarms,
    requests,
    listed,
    estimate: {
      series: requests.length,
      datapoints: totalDatapoints(requests, window),
      calls: packCalls(requests, window).length,
      fewestCalls: fewestCalls(requests, window),
      usd: requests.length * USD_PER_METRIC_REQUESTED,
    },
  };
}

export async function runBacktest(
  aws: Aws,
  plan: BacktestPlan,
  options: BacktestOptions,
): Promise<BacktestReport> {
  const { window } = plan;
  const retrieved = await retrieveSeries(aws, plan.requests, window, {
    onProgress: (done, total) => options.onProgress?.("retrieving", done, total),
  });
  const weeks = (window.end - window.start) / DAY_MS / WEEK_DAYS;
  const alarms = plan.alarms.map(({ spec, requests, unevaluable }): AlarmResult => {
    const base = {
      name: spec.name,
      entryId: spec.origin.entryId,
      level: spec.origin.level,
      ...(spec.origin.resourceArn ? { resourceArn: spec.origin.resourceArn } : {}),
      ...(isBandAlarm(spec) ? { approximate: BAND_APPROXIMATION } : {}),
    };
    const unread = requests.map((r) => retrieved.unread.get(requestKey(r))).find((why) => why !== undefined);
    const why = unevaluable ?? unread;
    if (why !== undefined) return { ...base, notEvaluated: why, ...NO_NUMBERS };
    try {
      const evaluation = evaluateAlarm(spec, retrieved.series, evaluatedWindow(spec, window));
      const contributors = alarmEpisodes(evaluation, window.end)
        .map((c): ContributorResult => ({
          ...(c.contributor !== undefined ? { contributor: c.contributor } : {}),
          pages: c.episodes.length,
          alarmMinutes: c.episodes.reduce((sum, e) => sum + e.minutes, 0),
          worst: [...c.episodes].sort((a, b) => b.minutes - a.minutes).slice(0, WORST_SHOWN),
          episodes: c.episodes,
        }))
        .filter((c) => c.pages > 0)
        .sort((a, b) => b.pages - a.pages || b.alarmMinutes - a.alarmMinutes);
      const pages = contributors.reduce((sum, c) => sum + c.pages, 0);
      const pagesPerWeek = pages / weeks;
      return {
        ...base,
        pages,
        alarmMinutes: contributors.reduce((sum, c) => sum + c.alarmMinutes, 0),
        pagesPerWeek,
        noisy: pagesPerWeek > options.maxPagesPerWeek,
        contributors,
      };
    } catch (error) {
      if (!(error instanceof EvaluatorError)) throw error;
      return { ...base, notEvaluated: `the evaluator cannot replay it: ${error.message}`, ...NO_NUMBERS };
    }
  });
  const evaluated = alarms.filter((a) => a.notEvaluated === undefined);
  return {
    window: {
      start: new Date(window.start).toISOString(),
      end: new Date(window.end).toISOString(),
      days: (window.end - window.start) / DAY_MS,
    },
    maxPagesPerWeek: options.maxPagesPerWeek,
    alarms,
    totals: {
      alarms: alarms.length,
      evaluated: evaluated.length,
      notEvaluated: alarms.length - evaluated.length,
      paging: evaluated.filter((a) => a.pages > 0).length,
      noisy: evaluated.filter((a) => a.noisy).length,
      pages: evaluated.reduce((sum, a) => sum + a.pages, 0),
    },
    calls: {
      getMetricData: retrieved.calls,
      fewest: plan.estimate.fewestCalls,
      listMetrics: plan.listed.calls,
    },
    cost: { metricsRequested: plan.requests.length, usd: plan.estimate.usd },
  };
}

/** lib/alarms/evaluate/band.ts: what the evaluator can know of CloudWatch's anomaly model. */
const BAND_APPROXIMATION =
  "an anomaly-detection band: CloudWatch's model (trained on two weeks, with daily and weekly seasonality) is " +
  "approximated by the trailing two weeks' mean ± the band's standard deviations, without seasonality, so " +
  "regular peaks may count as anomalies here that CloudWatch would expect";

const NO_NUMBERS = { pages: 0, alarmMinutes: 0, pagesPerWeek: 0, noisy: false, contributors: [] } as const;
