/**
 * Monthly cost of alarms, as CloudWatch bills them: per alarm metric. A standard-resolution alarm on
 * one metric costs USD 0.10 a month, a high-resolution one 0.30, and an alarm on a Metrics Insights
 * query is billed for every metric the query analyzes: an aggregate over 1,000 queues costs about what
 * 1,000 single-metric alarms cost. Lambda's dimensionless account metrics are one metric each. A
 * metric-math alarm is billed per metric it reads; an anomaly-detection alarm as three metrics: the
 * metric and the band's upper and lower bounds.
 */
import type { AlarmPlan } from "./plan.js";
import { NOT_OWNED_REASON } from "./plan.js";
import { isBandAlarm, type AlarmDefinition, type AlarmSpec } from "./spec.js";

/** us-east-1 list prices; other regions differ. The free tier (10 standard alarm metrics) is not subtracted. */
export const ALARM_PRICES = {
  standardPerMetric: 0.1,
  highResolutionPerMetric: 0.3,
  metricsInsightsPerMetric: 0.1,
  source:
    "https://aws.amazon.com/cloudwatch/pricing/ (Alarms: per alarm metric; Metrics Insights alarms: per metric analyzed; anomaly detection: 3 metrics, the metric and the band's two bounds)",
} as const;

export interface CostEstimate {
  readonly alarms: number;
  /** Billed alarm metrics: one per metric an alarm reads or a query analyzes, two more for an anomaly band. */
  readonly alarmMetrics: number;
  readonly monthlyUsd: number;
}

export interface PlanCost {
  /** Watchkeeper's alarms as they are now. */
  readonly before: CostEstimate;
  /** After the plan is applied. */
  readonly after: CostEstimate;
  /** True when an existing query alarm's metric count was not known and counted as 1. */
  readonly approximate: boolean;
}

const cents = (usd: number) => Math.round(usd * 100) / 100;

/** The band's upper and lower bounds, billed on top of the metric an anomaly-detection alarm reads. */
const BAND_BOUNDS = 2;

/**
 * Alarm metrics billed for an alarm that is not on a Metrics Insights query (those are billed per metric
 * the query analyzes): one for a single metric, one per metric a metric-math alarm reads, and for an
 * anomaly-detection alarm the metric it reads plus the band's two bounds (3 for a band on one metric).
 */
export function billedMetrics(definition: AlarmDefinition): number {
  const read = definition.metric
    ? 1
    : Math.max(1, (definition.metrics ?? []).filter((query) => query.metricStat !== undefined).length);
  return isBandAlarm(definition) ? read + BAND_BOUNDS : read;
}

export function estimateMonthlyCost(specs: readonly AlarmSpec[]): CostEstimate {
  let metrics = 0;
  let usd = 0;
  for (const spec of specs) {
    const { highResolution, usesMetricsInsights } = spec.origin;
    const count = usesMetricsInsights ? spec.origin.metricsAnalyzed : billedMetrics(spec);
    metrics += count;
    usd +=
      count *
      (usesMetricsInsights
        ? ALARM_PRICES.metricsInsightsPerMetric
        : highResolution
          ? ALARM_PRICES.highResolutionPerMetric
          : ALARM_PRICES.standardPerMetric);
  }
  return { alarms: specs.length, alarmMetrics: metrics, monthlyUsd: cents(usd) };
}

/** Before and after the plan, over the alarms Watchkeeper owns (unowned alarms are neither counted nor changed). */
export function estimatePlanCost(plan: AlarmPlan): PlanCost {
  let approximate = false;
  let alarms = 0;
  let metrics = 0;
  let usd = 0;
  for (const change of plan.changes) {
    const actual = change.actual;
    if (!actual?.managed) continue;
    alarms += 1;
    const usesQuery = (actual.metrics ?? []).some((query) =>
      query.expression?.trim().toUpperCase().startsWith("SELECT"),
    );
    let count: number;
    if (usesQuery) {
      // What the query analyzes now is best known from the inventory, through the desired spec.
      count = change.desired?.origin.metricsAnalyzed ?? 1;
      if (!change.desired) approximate = true;
    } else {
      count = billedMetrics(actual);
    }
    const period = actual.metric?.period ?? 60;
    metrics += count;
    usd +=
      count *
      (period < 60 && !usesQuery ? ALARM_PRICES.highResolutionPerMetric : ALARM_PRICES.standardPerMetric);
  }
  const notOwned = new Set(
    plan.changes.filter((change) => change.reason === NOT_OWNED_REASON).map((change) => change.target),
  );
  return {
    before: { alarms, alarmMetrics: metrics, monthlyUsd: cents(usd) },
    after: estimateMonthlyCost(plan.desired.filter((spec) => !notOwned.has(spec.name))),
    approximate,
  };
}
