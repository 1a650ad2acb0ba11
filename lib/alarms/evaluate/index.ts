/**
 * The alarm evaluator: given an alarm definition (AlarmSpec / AlarmDefinition) and metric traces, the
 * alarm's state over time, its transitions and the notifications they send, with CloudWatch's documented
 * semantics (period statistics, M of N over the evaluation range, TreatMissingData, Metrics Insights
 * contributors). Pure: no I/O. See docs/architecture.md, "The alarm evaluator", for what is approximated.
 */
import type { AlarmDefinition } from "../spec.js";
import type { TreatMissingData } from "../catalog/types.js";
import { breaches } from "./compare.js";
import { isInsightsQuery, parseInsightsQuery } from "./insights.js";
import { alarmInput, type ComparedSeries } from "./series.js";
import { evaluationRange, runStateMachine, type Schedule, type StateRun } from "./state-machine.js";
import type {
  AlarmEvaluation,
  AlarmState,
  ContributorEvaluation,
  DatapointClass,
  MetricTrace,
  Notification,
  Transition,
} from "./types.js";

export type * from "./types.js";
export { EvaluatorError } from "./types.js";
export { evaluateWindow } from "./missing-data.js";

export interface EvaluateOptions {
  /** Epoch ms: the alarm is created here (evaluations start one period later). */
  readonly start: number;
  /** Epoch ms: the last evaluation is at or before this. */
  readonly end: number;
  /** Periods per evaluation range; default `evaluationRange(EvaluationPeriods)`. */
  readonly rangePeriods?: number;
}

function actionsFor(definition: AlarmDefinition, state: AlarmState): readonly string[] {
  if (!definition.actionsEnabled) return [];
  if (state === "ALARM") return definition.alarmActions;
  if (state === "OK") return definition.okActions;
  return definition.insufficientDataActions;
}

/** The namespaces of every metric the alarm reads. */
function namespacesRead(definition: AlarmDefinition): string[] {
  if (definition.metric) return [definition.metric.namespace];
  return (definition.metrics ?? []).flatMap((query) => {
    if (query.metricStat) return [query.metricStat.namespace];
    if (query.expression !== undefined && isInsightsQuery(query.expression))
      return [parseInsightsQuery(query.expression).namespace];
    return [];
  });
}

/**
 * PutMetricAlarm, TreatMissingData: "Alarms that evaluate metrics in the AWS/DynamoDB namespace always ignore
 * missing data even if you choose a different option … [they] remain in their current state."
 */
function effectiveMissingData(definition: AlarmDefinition): TreatMissingData {
  return namespacesRead(definition).includes("AWS/DynamoDB") ? "ignore" : definition.treatMissingData;
}

/**
 * A contributor is ALARM or OK; with no datapoint of its own in the range it no longer exists, so it is OK
 * whatever the missing-data setting (an assumption: AWS does not say what a vanished contributor's state is).
 */
function contributorState(decided: AlarmState, range: readonly DatapointClass[]): AlarmState {
  if (decided === "INSUFFICIENT_DATA" || range.every((point) => point === "missing")) return "OK";
  return decided;
}

/** The alarm's state: ALARM while any contributor is, else OK while any is, else INSUFFICIENT_DATA. */
function combinedState(states: readonly AlarmState[]): AlarmState {
  if (states.includes("ALARM")) return "ALARM";
  return states.includes("OK") ? "OK" : "INSUFFICIENT_DATA";
}

export function evaluateAlarm(
  definition: AlarmDefinition,
  trace: MetricTrace,
  options: EvaluateOptions,
): AlarmEvaluation {
  const rangePeriods = options.rangePeriods ?? evaluationRange(definition.evaluationPeriods);
  const evaluationTimes = (periodMs: number) => {
    const times: number[] = [];
    for (
      let at = Math.ceil(options.start / periodMs) * periodMs + periodMs;
      at <= options.end;
      at += periodMs
    )
      times.push(at);
    return times;
  };
  // Every period some evaluation retrieves: from the first evaluation's range to the last period.
  const retrieved = (periodSeconds: number) => {
    const periodMs = periodSeconds * 1000;
    const times = evaluationTimes(periodMs);
    const first = (times[0] ?? options.end) - rangePeriods * periodMs;
    const periods: number[] = [];
    for (let at = first; at < (times.at(-1) ?? first); at += periodMs) periods.push(at);
    return periods;
  };
  const input = alarmInput(definition, trace, retrieved);
  const periodMs = input.periodSeconds * 1000;
  const times = evaluationTimes(periodMs);
  const rule = {
    datapointsToAlarm: definition.datapointsToAlarm,
    evaluationPeriods: definition.evaluationPeriods,
    treatMissingData: effectiveMissingData(definition),
  };
  const classify =
    (series: ComparedSeries) =>
    (periodStart: number): DatapointClass => {
      const value = series.datapoints.get(periodStart);
      const threshold = input.band ? input.band.get(periodStart) : definition.threshold;
      if (value === undefined || threshold === undefined) return "missing";
      return breaches(value, definition.comparisonOperator, threshold) ? "breaching" : "notBreaching";
    };
  const notify = (transitions: readonly Transition[]): Notification[] =>
    transitions
      .map((t) => ({ ...t, actions: actionsFor(definition, t.to) }))
      .filter((n) => n.actions.length > 0);

  if (!input.multiSeries) {
    const [series] = input.series;
    const run = runStateMachine(series ? classify(series) : () => "missing", rule, {
      periodMs,
      rangePeriods,
      times,
    });
    return { ...run, contributors: [], notifications: notify(run.transitions) };
  }

  // A contributor joins when its first datapoint can be evaluated ("any resource that matches your query
  // … joins the alarm monitoring scope when its corresponding metric becomes available"). Acting on alarm
  // changes: "each time series (contributor) can only be in ALARM or OK state, never in INSUFFICIENT_DATA
  // state. This is because a time series only exists when data is present": it joins in OK, and a range
  // without its data leaves it OK.
  const runs = new Map<string, { joined: number; run: StateRun }>();
  for (const series of input.series) {
    const first = [...series.datapoints.keys()].reduce((a, b) => Math.min(a, b), Infinity);
    const schedule: Schedule = { periodMs, rangePeriods, times: times.filter((t) => t > first) };
    const run = runStateMachine(classify(series), rule, schedule, "OK", contributorState);
    runs.set(series.contributor as string, {
      joined: schedule.times[0] ?? Infinity,
      run: {
        timeline: run.timeline,
        transitions: run.transitions.map((t) => ({ ...t, contributor: series.contributor as string })),
      },
    });
  }
  const contributors: ContributorEvaluation[] = [...runs]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([contributor, { run }]) => ({
      contributor,
      transitions: run.transitions,
      finalState: run.timeline.at(-1)?.state ?? "INSUFFICIENT_DATA",
    }));

  const timeline: { at: number; state: AlarmState }[] = [];
  const transitions: Transition[] = [];
  let state: AlarmState = "INSUFFICIENT_DATA";
  times.forEach((at) => {
    const states = [...runs.values()]
      .filter(({ joined }) => joined <= at)
      .map(({ joined, run }) => run.timeline[(at - joined) / periodMs]?.state ?? "INSUFFICIENT_DATA");
    const next = combinedState(states);
    if (next !== state) transitions.push({ at, from: state, to: next });
    state = next;
    timeline.push({ at, state });
  });
  const notifications = notify(contributors.flatMap((c) => c.transitions)).sort((a, b) => a.at - b.at);
  return { timeline, transitions, contributors, notifications };
}
