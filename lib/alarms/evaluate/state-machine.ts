/**
 * An alarm's state over time: evaluated once per period, at its end, over the evaluation range; starts in
 * INSUFFICIENT_DATA (PutMetricAlarm: "the alarm state is immediately set to INSUFFICIENT_DATA").
 */
import { evaluateWindow, type WindowRule } from "./missing-data.js";
import type { AlarmState, DatapointClass, Transition } from "./types.js";

export interface Schedule {
  readonly periodMs: number;
  /** Periods the evaluation range spans (more than EvaluationPeriods; see `evaluationRange`). */
  readonly rangePeriods: number;
  /** Evaluation times, epoch ms, ascending; each evaluates the periods that ended by then. */
  readonly times: readonly number[];
}

/**
 * Periods CloudWatch retrieves per evaluation. AWS says it retrieves more than EvaluationPeriods, the exact
 * number depending on the period and resolution, and its tables show 5 for 3: N + 2 is that example's rule.
 */
export function evaluationRange(evaluationPeriods: number): number {
  return evaluationPeriods + 2;
}

export interface StateRun {
  readonly timeline: { at: number; state: AlarmState }[];
  readonly transitions: Transition[];
}

/**
 * Runs the evaluations in order; `classify` says how the datapoint of the period starting at a time compares.
 * `states` maps what one evaluation decides, over its range, to the state taken (a contributor is never
 * INSUFFICIENT_DATA).
 */
export function runStateMachine(
  classify: (periodStart: number) => DatapointClass,
  rule: WindowRule,
  schedule: Schedule,
  initial: AlarmState = "INSUFFICIENT_DATA",
  states: (decided: AlarmState, range: readonly DatapointClass[]) => AlarmState = (decided) => decided,
): StateRun {
  let state: AlarmState = initial;
  const timeline: { at: number; state: AlarmState }[] = [];
  const transitions: Transition[] = [];
  for (const at of schedule.times) {
    const range: DatapointClass[] = [];
    for (let k = schedule.rangePeriods; k >= 1; k--) range.push(classify(at - k * schedule.periodMs));
    const next = states(evaluateWindow(range, rule, state), range);
    if (next !== state) transitions.push({ at, from: state, to: next });
    state = next;
    timeline.push({ at, state });
  }
  return { timeline, transitions };
}
