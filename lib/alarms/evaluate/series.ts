/**
 * What an alarm compares with its threshold, per period: the single metric, the one returned math
 * expression, or one series per Metrics Insights contributor; and the band for an anomaly-band alarm.
 */
import type { AlarmDefinition, MetricQuery } from "../spec.js";
import { anomalyBand, type Band } from "./band.js";
import { insightsContributors, isInsightsQuery, parseInsightsQuery } from "./insights.js";
import { evaluateMath, parseMath, unsupported, type MathValue } from "./math.js";
import { datapointsOf } from "./periods.js";
import { EvaluatorError, type Datapoints, type MetricTrace } from "./types.js";

export interface ComparedSeries {
  /** GROUP BY values of a Metrics Insights contributor; undefined for a single-series alarm. */
  readonly contributor?: string;
  readonly datapoints: Datapoints;
}

export interface AlarmInput {
  readonly periodSeconds: number;
  readonly series: readonly ComparedSeries[];
  /** Per period, for an anomaly-band alarm. */
  readonly band?: ReadonlyMap<number, Band>;
  readonly multiSeries: boolean;
}

const BAND = /^\s*ANOMALY_DETECTION_BAND\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*,\s*(\d+(?:\.\d+)?)\s*\)\s*$/;

function queryPeriod(query: MetricQuery, queries: readonly MetricQuery[]): number {
  const period =
    query.period ?? query.metricStat?.period ?? queries.find((q) => q.metricStat)?.metricStat?.period;
  if (period === undefined) throw new EvaluatorError(`query ${query.id} has no period`);
  return period;
}

/** `periods`: the start of every period the alarm's evaluations retrieve, oldest first (what FILL fills). */
export function alarmInput(
  definition: AlarmDefinition,
  trace: MetricTrace,
  periods: (periodSeconds: number) => readonly number[],
): AlarmInput {
  if (definition.metric) {
    const metric = definition.metric;
    const stat = metric.extendedStatistic ?? metric.statistic;
    if (stat === undefined) throw new EvaluatorError("the alarm's metric has no statistic");
    return {
      periodSeconds: metric.period,
      series: [
        {
          datapoints: datapointsOf(
            trace,
            metric.namespace,
            metric.metricName,
            metric.dimensions,
            stat,
            metric.period,
          ),
        },
      ],
      multiSeries: false,
    };
  }
  const queries = definition.metrics ?? [];
  const returned = queries.filter((q) => q.returnData && q.id !== definition.thresholdMetricId);
  const [main] = returned;
  if (main === undefined || returned.length !== 1)
    throw new EvaluatorError(
      `an alarm needs exactly one returned query besides its band; got ${returned.length}`,
    );
  const periodSeconds = queryPeriod(main, queries);

  if (main.expression !== undefined && isInsightsQuery(main.expression)) {
    if (queries.length !== 1) throw unsupported(main.expression);
    const contributors = insightsContributors(parseInsightsQuery(main.expression), trace, periodSeconds);
    return {
      periodSeconds,
      series: [...contributors].map(([contributor, datapoints]) => ({ contributor, datapoints })),
      multiSeries: true,
    };
  }

  const values = new Map<string, MathValue>();
  const valueOf = (id: string): MathValue => {
    const known = values.get(id);
    if (known !== undefined) return known;
    const query = queries.find((q) => q.id === id);
    if (query === undefined) throw new EvaluatorError(`no query with id ${id}`);
    let value: MathValue;
    if (query.metricStat) {
      const m = query.metricStat;
      value = datapointsOf(trace, m.namespace, m.metricName, m.dimensions, m.stat, m.period);
    } else if (query.expression !== undefined && !BAND.test(query.expression)) {
      value = evaluateMath(parseMath(query.expression), valueOf, periods(periodSeconds));
    } else throw unsupported(query.expression ?? `query ${id} without metric or expression`);
    values.set(id, value);
    return value;
  };
  const compared = valueOf(main.id);
  if (typeof compared === "number")
    throw new EvaluatorError(`query ${main.id} is a constant, not a time series`);

  let band: Map<number, Band> | undefined;
  if (definition.thresholdMetricId !== undefined) {
    const bandQuery = queries.find((q) => q.id === definition.thresholdMetricId);
    const match = BAND.exec(bandQuery?.expression ?? "");
    if (!match)
      throw unsupported(bandQuery?.expression ?? `thresholdMetricId ${definition.thresholdMetricId}`);
    const banded = valueOf(match[1] as string);
    if (typeof banded === "number") throw new EvaluatorError(`the band's metric ${match[1]} is a constant`);
    band = anomalyBand(banded, Number(match[2]));
  }
  return { periodSeconds, series: [{ datapoints: compared }], ...(band ? { band } : {}), multiSeries: false };
}
