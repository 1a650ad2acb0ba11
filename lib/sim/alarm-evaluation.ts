/**
 * The sim's alarms evaluated for real. Each alarm's configuration, read as DescribeAlarms returns it and
 * normalized by lib/alarms, and the account's metric samples go through the pure evaluator
 * (lib/alarms/evaluate) from the alarm's last configuration change up to the clock. The alarm then follows
 * the evaluations it has not seen yet: those after both its last evaluation and its last state change, so a
 * SetAlarmState holds until the next evaluation, which moves the alarm back when the metrics disagree (as
 * CloudWatch does). The changes of every alarm are applied in time order (alarm-state-change.ts records
 * what each causes).
 *
 * An alarm updated after it was evaluated (PutMetricAlarm on an existing alarm "leaves its state
 * unchanged" and replaces its configuration) goes on where it was: the new configuration's evaluations
 * continue the schedule (the first is the first period boundary after both the last evaluation and the
 * update, not one period after the update as for a new alarm), and each Metrics Insights contributor goes
 * on from the state it was in, so an update neither skips an evaluation nor re-sends a contributor's ALARM;
 * a contributor the new query no longer matches has no data, and goes OK like one whose data stopped.
 * Evaluate before updating: the sim keeps only the current configuration, so periods between the last
 * evaluation and the update are evaluated with the new one. Not carried over: the state an evaluation
 * with too few datapoints keeps under TreatMissingData `ignore` (and for AWS/DynamoDB, which always
 * ignores), which the evaluator starts afresh (INSUFFICIENT_DATA; OK for a contributor).
 */
import { normalizeAlarm } from "../alarms/actual.js";
import {
  EvaluatorError,
  evaluateAlarm,
  type AlarmEvaluation,
  type AlarmState,
  type MetricTrace,
} from "../alarms/evaluate/index.js";
import type { AlarmDefinition, MetricQuery } from "../alarms/spec.js";
import type { SimAccount } from "./account.js";
import { seriesReason, thresholdReason } from "./alarm-reason.js";
import { changeAlarmState, publish } from "./alarm-state-change.js";
import { isInsightsAlarm, type MetricStore } from "./metrics.js";
import { describeAlarm } from "./services/cloudwatch.js";
import type { SimAlarm, SimAlarmTransition } from "./state.js";

export interface SimAlarmEvaluation {
  /** The alarms' own state changes this call made, in time order (contributors' are in `notifications`). */
  readonly transitions: readonly SimAlarmTransition[];
  /** Alarms the evaluator refuses (an unsupported expression or statistic): left as they were. */
  readonly skipped: readonly { readonly alarmName: string; readonly reason: string }[];
}

/** One change to apply: the alarm's own, or a Metrics Insights contributor's with the actions it runs. */
interface Change {
  readonly alarm: SimAlarm;
  readonly transition: SimAlarmTransition;
  readonly contributorActions?: readonly string[];
}

/**
 * What the evaluation keeps of an alarm between calls: where its current configuration's evaluations
 * start (`evaluateAlarm`'s `start`, fixed when that configuration is first evaluated, so every call
 * replays the same schedule), and its contributors' states as last applied (absent: OK).
 */
interface Memory {
  readonly configUpdatedAt: number;
  readonly start: number;
  readonly contributors: Map<string, AlarmState>;
}

const memories = new WeakMap<SimAlarm, Memory>();

/** The alarm's period, ms, as the evaluator reads it (the returned query's, else the first metric's). */
function periodMs(definition: AlarmDefinition): number | undefined {
  if (definition.metric) return definition.metric.period * 1000;
  const queries: readonly MetricQuery[] = definition.metrics ?? [];
  const main = queries.find((q) => q.returnData && q.id !== definition.thresholdMetricId);
  const seconds =
    main?.period ?? main?.metricStat?.period ?? queries.find((q) => q.metricStat)?.metricStat?.period;
  return seconds === undefined ? undefined : seconds * 1000;
}

/**
 * Where the current configuration's evaluations start. A new alarm (or one updated before any
 * evaluation): its creation, evaluated one period later. An alarm updated after evaluations: the period
 * before the first boundary that is after its last evaluation and not before the update, so that boundary
 * is the new configuration's first evaluation.
 */
function memoryOf(alarm: SimAlarm, definition: AlarmDefinition): Memory {
  const known = memories.get(alarm);
  if (known?.configUpdatedAt === alarm.configUpdatedAt) return known;
  const updated = alarm.configUpdatedAt;
  const period = periodMs(definition);
  const last = alarm.evaluatedAt;
  const start =
    last === undefined || period === undefined
      ? updated
      : Math.max(Math.floor(last / period) * period + period, Math.ceil(updated / period) * period) - period;
  const memory = { configUpdatedAt: updated, start, contributors: known?.contributors ?? new Map() };
  memories.set(alarm, memory);
  return memory;
}

/** The actions a change to `state` runs (as the evaluator's notifications name them). */
function actionsFor(definition: AlarmDefinition, state: AlarmState): readonly string[] {
  if (!definition.actionsEnabled) return [];
  if (state === "ALARM") return definition.alarmActions;
  if (state === "OK") return definition.okActions;
  return definition.insufficientDataActions;
}

/** The metric store as the evaluator reads it: a point that stands for several samples is that many. */
function metricTrace(store: MetricStore): MetricTrace {
  return [...store.series()].map((series) => ({
    namespace: series.namespace,
    metricName: series.metricName,
    dimensions: series.dimensions.map((d) => ({ name: d.Name ?? "", value: d.Value ?? "" })),
    samples: series.points.flatMap((p) =>
      Array<{ at: number; value: number }>(p.count ?? 1).fill({ at: p.timestamp, value: p.value }),
    ),
  }));
}

function changesOf(
  alarm: SimAlarm,
  definition: AlarmDefinition,
  evaluation: AlarmEvaluation,
  memory: Memory,
): Change[] {
  const multiSeries = isInsightsAlarm(alarm.config);
  const evaluated = alarm.evaluatedAt ?? -Infinity;
  const since = Math.max(evaluated, alarm.stateUpdatedAt);
  const changes: Change[] = [];
  let state = alarm.state;
  for (const { at, state: next } of evaluation.timeline) {
    if (at <= since || next === state) continue;
    const reason = multiSeries ? seriesReason(evaluation, at) : thresholdReason(definition, next);
    changes.push({ alarm, transition: { alarmName: alarm.name, at, from: state, to: next, reason } });
    state = next;
  }
  // Contributors have states of their own, which SetAlarmState does not touch. Each goes on from the state
  // it was left in: at the first new evaluation it takes the state the evaluator gives it then (OK when the
  // query no longer has it), then follows the evaluator's changes.
  const first = evaluation.timeline.find((e) => e.at > evaluated)?.at;
  if (!multiSeries || first === undefined) return changes;
  const byContributor = new Map(evaluation.contributors.map((c) => [c.contributor, c.transitions]));
  for (const contributor of [...new Set([...memory.contributors.keys(), ...byContributor.keys()])].sort()) {
    const transitions = byContributor.get(contributor) ?? [];
    const stateAt = (at: number) => transitions.findLast((t) => t.at <= at)?.to ?? "OK";
    const steps = [
      { at: first, to: stateAt(first) },
      ...transitions.filter((t) => t.at > first).map((t) => ({ at: t.at, to: t.to })),
    ];
    let current: AlarmState = memory.contributors.get(contributor) ?? "OK";
    for (const { at, to } of steps) {
      if (to === current) continue;
      const transition = {
        alarmName: alarm.name,
        at,
        from: current,
        to,
        reason: thresholdReason(definition, to),
        contributor,
      };
      const actions = actionsFor(definition, to);
      if (actions.length > 0) changes.push({ alarm, transition, contributorActions: actions });
      current = to;
    }
    if (current === "OK") memory.contributors.delete(contributor);
    else memory.contributors.set(contributor, current);
  }
  return changes;
}

/** Evaluates every alarm up to the clock and applies what changed since the previous call. */
export function evaluateSimAlarms(sim: SimAccount): SimAlarmEvaluation {
  const end = sim.clock.now();
  const trace = sim.alarms.size > 0 ? metricTrace(sim.metrics) : [];
  const changes: Change[] = [];
  const skipped: { alarmName: string; reason: string }[] = [];
  for (const alarm of sim.alarms.sorted()) {
    const definition = normalizeAlarm(describeAlarm(alarm), alarm.tags, false);
    const memory = memoryOf(alarm, definition);
    let evaluation: AlarmEvaluation;
    try {
      evaluation = evaluateAlarm(definition, trace, { start: memory.start, end });
    } catch (error) {
      if (!(error instanceof EvaluatorError)) throw error;
      skipped.push({ alarmName: alarm.name, reason: error.message });
      continue;
    }
    changes.push(...changesOf(alarm, definition, evaluation, memory));
    const last = evaluation.timeline.at(-1)?.at;
    if (last !== undefined) alarm.evaluatedAt = last;
  }
  // Stable: one alarm's changes at the same time keep their order (its own first, then its contributors').
  changes.sort((a, b) => a.transition.at - b.transition.at);
  for (const { alarm, transition, contributorActions } of changes) {
    if (contributorActions) publish(sim, alarm, transition, contributorActions);
    else changeAlarmState(sim, alarm, transition);
  }
  return { transitions: changes.filter((c) => !c.contributorActions).map((c) => c.transition), skipped };
}
