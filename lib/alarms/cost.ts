/**
 * Monthly cost of alarms, as CloudWatch bills them: per alarm metric. A standard-resolution alarm on
 * one metric costs USD 0.10 a month, a high-resolution one 0.30, and an alarm on a Metrics Insights
 * query is billed for every metric the query analyzes: an aggregate over 1,000 queues costs about what
 * 1,000 single-metric alarms cost. Lambda's dimensionless account metrics are one metric each.
 */
import type { AlarmPlan } from "./plan.js";
import { NOT_OWNED_REASON } from "./plan.js";
import type { AlarmDefinition, AlarmSpec } from "./spec.js";

/** us-east-1 list prices; other regions differ. The free tier (10 standard alarm metrics) is not subtracted. */
export const ALARM_PRICES = {
  standardPerMetric: 0.1,
  highResolutionPerMetric: 0.3,
  metricsInsightsPerMetric: 0.1,
  source:
    "https://aws.amazon.com/cloudwatch/pricing/ (Alarms: per alarm metric; Metrics Insights alarms: per metric analyzed)",
} as const;

export interface CostEstimate {
  readonly alarms: number;
  /** Billed alarm metrics: one per single-metric alarm, one per metric a query analyzes. */
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

function metricsOf(definition: AlarmDefinition): number {
  if (definition.metric) return 1;
  return (definition.metrics ?? []).filter((query) => query.metricStat !== undefined).length;
}

export function estimateMonthlyCost(specs: readonly AlarmSpec[]): CostEstimate {
  let metrics = 0;
  let usd = 0;
  for (const spec of specs) {
    const { metricsAnalyzed, highResolution, usesMetricsInsights } = spec.origin;
    metrics += metricsAnalyzed;
    usd +=
      metricsAnalyzed *
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
      count = Math.max(1, metricsOf(actual));
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
