/**
 * CloudWatch-like state reasons for evaluated alarms. The evaluator returns states, not the datapoints
 * behind them, so a reason names the alarm's rule (M of N and the threshold: the least that decides the
 * state) rather than the values CloudWatch lists, and a Metrics Insights alarm says how many of its time
 * series are in ALARM.
 */
import type { AlarmDefinition } from "../alarms/spec.js";
import type { AlarmEvaluation, AlarmState } from "../alarms/evaluate/index.js";

const COMPARED: Readonly<Record<AlarmDefinition["comparisonOperator"], string>> = {
  GreaterThanThreshold: "greater than the threshold",
  GreaterThanOrEqualToThreshold: "greater than or equal to the threshold",
  LessThanThreshold: "less than the threshold",
  LessThanOrEqualToThreshold: "less than or equal to the threshold",
  GreaterThanUpperThreshold: "greater than the band's upper threshold",
  LessThanLowerThreshold: "less than the band's lower threshold",
  LessThanLowerOrGreaterThanUpperThreshold: "outside the band",
};

/** CloudWatch writes thresholds with at least one decimal: "(0.0)", "(1800.0)", "(0.25)". */
const decimal = (value: number) => (Number.isInteger(value) ? value.toFixed(1) : String(value));

/** "Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (0.0)." */
export function thresholdReason(definition: AlarmDefinition, state: AlarmState): string {
  const n = definition.evaluationPeriods;
  if (state === "INSUFFICIENT_DATA")
    return `Insufficient Data: ${n} datapoint${n === 1 ? " was" : "s were"} unknown.`;
  const threshold = definition.threshold === undefined ? "" : ` (${decimal(definition.threshold)})`;
  const compared = `${COMPARED[definition.comparisonOperator]}${threshold}`;
  // ALARM takes M breaching datapoints of N; OK means fewer, so at least N - M + 1 did not breach.
  const count = state === "ALARM" ? definition.datapointsToAlarm : n - definition.datapointsToAlarm + 1;
  const verb = count === 1 ? "was" : "were";
  return `Threshold Crossed: ${count} out of the last ${n} datapoints ${verb} ${state === "ALARM" ? "" : "not "}${compared}.`;
}

/**
 * "1 out of 4 time series evaluated to ALARM" at evaluation time `at`. The count is of every contributor the
 * evaluation found, including any that only joined after `at`.
 */
export function seriesReason(evaluation: AlarmEvaluation, at: number): string {
  const inAlarm = evaluation.contributors.filter(
    (c) => c.transitions.filter((t) => t.at <= at).at(-1)?.to === "ALARM",
  ).length;
  return `${inAlarm} out of ${evaluation.contributors.length} time series evaluated to ALARM`;
}
