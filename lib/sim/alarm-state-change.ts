/**
 * What an alarm's state change causes, recorded on the account: the alarm takes the new state, a StateUpdate
 * goes into `alarmHistory` and a "CloudWatch Alarm State Change" event into `alarmEvents` (both whether or
 * not actions are enabled), and each SNS action of the new state publishes to `notifications`. A Metrics
 * Insights alarm runs its actions per contributor (`publish` with the contributor's change), never for the
 * alarm as a whole. Actions on anything but SNS (Lambda, EC2, Systems Manager) are not simulated.
 */
import type { PutMetricAlarmInput, StateValue } from "@aws-sdk/client-cloudwatch";
import type { SimAccount } from "./account.js";
import { alarmStateChangeEvent, snsAlarmMessage, stateUpdateItem } from "./alarm-messages.js";
import { parseArn } from "./arn.js";
import { isInsightsAlarm } from "./metrics.js";
import type { SimAlarm, SimAlarmTransition } from "./state.js";

/** The actions CloudWatch runs on entering `state`: none while actions are disabled. */
function stateActions(config: Omit<PutMetricAlarmInput, "Tags">, state: StateValue): readonly string[] {
  if (config.ActionsEnabled === false) return [];
  const actions =
    state === "ALARM"
      ? config.AlarmActions
      : state === "OK"
        ? config.OKActions
        : config.InsufficientDataActions;
  return actions ?? [];
}

/** Moves the alarm to `transition.to` and records what that causes. */
export function changeAlarmState(sim: SimAccount, alarm: SimAlarm, transition: SimAlarmTransition): void {
  const previous = { value: alarm.state, reason: alarm.stateReason, at: alarm.stateUpdatedAt };
  sim.alarmHistory.push(stateUpdateItem(transition, previous));
  sim.alarmEvents.push(alarmStateChangeEvent(sim, alarm, transition, previous));
  alarm.state = transition.to;
  alarm.stateReason = transition.reason;
  delete alarm.stateReasonData;
  alarm.stateUpdatedAt = transition.at;
  if (!isInsightsAlarm(alarm.config))
    publish(sim, alarm, transition, stateActions(alarm.config, transition.to));
}

/** Publishes the change to each SNS topic among `actions` (for a contributor: the evaluator's, per contributor). */
export function publish(
  sim: SimAccount,
  alarm: SimAlarm,
  transition: SimAlarmTransition,
  actions: readonly string[],
): void {
  for (const topicArn of actions) {
    if (parseArn(topicArn)?.service !== "sns") continue;
    const topic = sim.arns.resourceOf("sns", topicArn);
    sim.notifications.push({
      at: transition.at,
      topicArn,
      alarmName: alarm.name,
      ...(transition.contributor !== undefined ? { contributor: transition.contributor } : {}),
      newState: transition.to,
      oldState: transition.from,
      message: snsAlarmMessage(sim, alarm, transition),
      outcome: topic !== undefined && sim.topics.has(topic) ? "delivered" : "failed",
    });
  }
}
