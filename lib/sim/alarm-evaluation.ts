/**
 * The sim's alarms evaluated for real. Each alarm's configuration, read as DescribeAlarms returns it and
 * normalized by lib/alarms, and the account's metric samples go through the pure evaluator
 * (lib/alarms/evaluate) from the alarm's last configuration change up to the clock. The alarm then follows
 * the evaluations it has not seen yet: those after both its last evaluation and its last state change, so a
 * SetAlarmState holds until the next evaluation, which moves the alarm back when the metrics disagree (as
 * CloudWatch does). The changes of every alarm are applied in time order (alarm-state-change.ts records
 * what each causes).
 */
import { normalizeAlarm } from "../alarms/actual.js";
import {
  EvaluatorError,
  evaluateAlarm,
  type AlarmEvaluation,
  type MetricTrace,
} from "../alarms/evaluate/index.js";
import type { AlarmDefinition } from "../alarms/spec.js";
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

function changesOf(alarm: SimAlarm, definition: AlarmDefinition, evaluation: AlarmEvaluation): Change[] {
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
  // Contributors have states of their own, which SetAlarmState does not touch.
  for (const n of multiSeries ? evaluation.notifications : []) {
    if (n.at <= evaluated) continue;
    const transition = {
      alarmName: alarm.name,
      at: n.at,
      from: n.from,
      to: n.to,
      reason: thresholdReason(definition, n.to),
      ...(n.contributor !== undefined ? { contributor: n.contributor } : {}),
    };
    changes.push({ alarm, transition, contributorActions: n.actions });
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
    let evaluation: AlarmEvaluation;
    try {
      evaluation = evaluateAlarm(definition, trace, { start: alarm.configUpdatedAt, end });
    } catch (error) {
      if (!(error instanceof EvaluatorError)) throw error;
      skipped.push({ alarmName: alarm.name, reason: error.message });
      continue;
    }
    changes.push(...changesOf(alarm, definition, evaluation));
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
