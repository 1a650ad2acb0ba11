/**
 * One evaluation: the state the datapoints of the evaluation range lead to, as the CloudWatch user guide's
 * "How alarm state is evaluated when data is missing" (Configuring how CloudWatch alarms treat missing data)
 * documents it, rule by rule, and as its two tables of examples pin it.
 */
import type { TreatMissingData } from "../catalog/types.js";
import type { AlarmState, DatapointClass } from "./types.js";

export interface WindowRule {
  /** DatapointsToAlarm (M). */
  readonly datapointsToAlarm: number;
  /** EvaluationPeriods (N). */
  readonly evaluationPeriods: number;
  readonly treatMissingData: TreatMissingData;
}

const breachingCount = (points: readonly DatapointClass[]) => points.filter((p) => p === "breaching").length;

/**
 * `range` is the evaluation range, oldest first (more periods than N: CloudWatch retrieves extra ones).
 * - No datapoint missing, or at least N present: the N most recent present ones decide, and the
 *   missing-data setting is not used.
 * - Fewer than N present: every present one counts, filled with as few missing ones as needed to make N,
 *   each treated per the setting (`breaching`, `notBreaching`).
 * - `missing` and `ignore` fill nothing: too few breaches with a non-breaching datapoint present is OK (the
 *   tables' `0 - - - -`, `0 - X - -`, `- - - - 0`); only breaches, fewer than M, leave the state undecided:
 *   `ignore` keeps it, `missing` is INSUFFICIENT_DATA unless the oldest datapoint of the range breaches
 *   (the table's `X - - - -` row and its note: "the oldest evaluated data point is breaching and there
 *   aren't any non-breaching data points").
 * - Nothing present: `missing` → INSUFFICIENT_DATA, `ignore` keeps the state, the others as filled.
 * Then fewer than M breaching is OK, otherwise ALARM.
 */
export function evaluateWindow(
  range: readonly DatapointClass[],
  rule: WindowRule,
  current: AlarmState,
): AlarmState {
  const m = rule.datapointsToAlarm;
  const n = rule.evaluationPeriods;
  const present = range.filter((p) => p !== "missing");
  const verdict = (points: readonly DatapointClass[]): AlarmState =>
    breachingCount(points) >= m ? "ALARM" : "OK";

  if (present.length >= n) return verdict(present.slice(present.length - n));
  const fill = n - present.length;
  switch (rule.treatMissingData) {
    case "breaching":
      return verdict([...present, ...Array<DatapointClass>(fill).fill("breaching")]);
    case "notBreaching":
      return verdict([...present, ...Array<DatapointClass>(fill).fill("notBreaching")]);
    case "ignore":
    case "missing": {
      if (breachingCount(present) >= m) return "ALARM";
      if (present.some((p) => p === "notBreaching")) return "OK";
      if (rule.treatMissingData === "ignore") return current;
      return present.length > 0 && range[0] === "breaching" ? "ALARM" : "INSUFFICIENT_DATA";
    }
  }
}
