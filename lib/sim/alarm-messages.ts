/**
 * What CloudWatch writes about an alarm's state change, in its own shapes: the DescribeAlarmHistory
 * StateUpdate item, the JSON it publishes to an SNS action (CloudWatch user guide, "Using Amazon SNS
 * topics": AlarmName … Trigger, per contributor for a Metrics Insights alarm) and the EventBridge
 * "CloudWatch Alarm State Change" event ("Alarm events and EventBridge"). lib/notify/parse.ts reads the
 * last two; functions/breaker.ts the event.
 */
import type { MetricDataQuery, PutMetricAlarmInput, StateValue } from "@aws-sdk/client-cloudwatch";
import { regionName } from "../notify/regions.js";
import type { SimAccount } from "./account.js";
import type {
  SimAlarm,
  SimAlarmEventMetric,
  SimAlarmHistoryItem,
  SimAlarmStateChangeEvent,
  SimAlarmTransition,
} from "./state.js";

/** The state an alarm leaves: what the history item and the event's `previousState` describe. */
export interface PreviousState {
  readonly value: StateValue;
  readonly reason: string;
  readonly at: number;
}

type AlarmConfig = Omit<PutMetricAlarmInput, "Tags">;

/** "2025-01-01T00:05:00.000+0000": CloudWatch writes offsets without a colon. */
const cloudWatchTime = (at: number) => new Date(at).toISOString().replace("Z", "+0000");

export function stateUpdateItem(
  transition: SimAlarmTransition,
  previous: PreviousState,
): SimAlarmHistoryItem {
  return {
    alarmName: transition.alarmName,
    timestamp: transition.at,
    type: "StateUpdate",
    summary: `Alarm updated from ${transition.from} to ${transition.to}`,
    data: JSON.stringify({
      version: "1.0",
      oldState: { stateValue: previous.value, stateReason: previous.reason },
      newState: { stateValue: transition.to, stateReason: transition.reason },
    }),
  };
}

/** The message body an SNS action receives (the SNS record's `Sns.Message`). */
export function snsAlarmMessage(sim: SimAccount, alarm: SimAlarm, transition: SimAlarmTransition): string {
  const c = alarm.config;
  const contributor = transition.contributor;
  return JSON.stringify({
    AlarmName: alarm.name,
    AlarmDescription: c.AlarmDescription ?? null,
    AWSAccountId: sim.accountId,
    AlarmConfigurationUpdatedTimestamp: cloudWatchTime(alarm.configUpdatedAt),
    NewStateValue: transition.to,
    NewStateReason: transition.reason,
    StateChangeTime: cloudWatchTime(transition.at),
    Region: regionName(sim.region) ?? sim.region,
    AlarmArn: alarm.arn,
    OldStateValue: transition.from,
    OKActions: c.OKActions ?? [],
    AlarmActions: c.AlarmActions ?? [],
    InsufficientDataActions: c.InsufficientDataActions ?? [],
    ...(contributor !== undefined
      ? { AlarmContributorId: contributor, AlarmContributorAttributes: contributorAttributes(contributor) }
      : {}),
    Trigger: trigger(c),
  });
}

/** "QueueName=orders,Stage=prod" (the evaluator's contributor key) → { QueueName: "orders", Stage: "prod" }. */
function contributorAttributes(contributor: string): Record<string, string> {
  return Object.fromEntries(
    contributor.split(",").map((pair) => {
      const at = pair.indexOf("=");
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

/** SNS writes basic statistics in upper snake case: "SAMPLE_COUNT", "SUM". */
const snsStatistic = (statistic: string | undefined) =>
  statistic?.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();

const snsDimensions = (dimensions: AlarmConfig["Dimensions"]) =>
  (dimensions ?? []).map((d) => ({ value: d.Value, name: d.Name }));

function trigger(c: AlarmConfig): Record<string, unknown> {
  const rule = {
    EvaluationPeriods: c.EvaluationPeriods,
    DatapointsToAlarm: c.DatapointsToAlarm ?? c.EvaluationPeriods,
    ComparisonOperator: c.ComparisonOperator,
    ...(c.ThresholdMetricId !== undefined
      ? { ThresholdMetricId: c.ThresholdMetricId }
      : { Threshold: c.Threshold }),
    TreatMissingData: c.TreatMissingData ?? "missing",
    EvaluateLowSampleCountPercentile: c.EvaluateLowSampleCountPercentile ?? "",
  };
  if (c.Metrics) return { ...rule, Metrics: c.Metrics.map(snsQuery) };
  return {
    MetricName: c.MetricName,
    Namespace: c.Namespace,
    ...(c.ExtendedStatistic !== undefined
      ? { StatisticType: "ExtendedStatistic", ExtendedStatistic: c.ExtendedStatistic }
      : { StatisticType: "Statistic", Statistic: snsStatistic(c.Statistic) }),
    Unit: c.Unit ?? null,
    Dimensions: snsDimensions(c.Dimensions),
    Period: c.Period,
    ...rule,
  };
}

function snsQuery(q: MetricDataQuery): Record<string, unknown> {
  const stat = q.MetricStat;
  return {
    Id: q.Id,
    ...(q.Expression !== undefined ? { Expression: q.Expression } : {}),
    ...(q.Label !== undefined ? { Label: q.Label } : {}),
    ...(q.Period !== undefined ? { Period: q.Period } : {}),
    ReturnData: q.ReturnData ?? true,
    ...(stat
      ? {
          MetricStat: {
            Metric: {
              Namespace: stat.Metric?.Namespace,
              MetricName: stat.Metric?.MetricName,
              Dimensions: snsDimensions(stat.Metric?.Dimensions),
            },
            Period: stat.Period,
            Stat: stat.Stat,
            ...(stat.Unit !== undefined ? { Unit: stat.Unit } : {}),
          },
        }
      : {}),
  };
}

/** The event CloudWatch sends to EventBridge on every state change, whether or not actions are enabled. */
export function alarmStateChangeEvent(
  sim: SimAccount,
  alarm: SimAlarm,
  transition: SimAlarmTransition,
  previous: PreviousState,
): SimAlarmStateChangeEvent {
  const c = alarm.config;
  return {
    version: "0",
    id: sim.random.uuid(),
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: sim.accountId,
    time: new Date(transition.at).toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: sim.region,
    resources: [alarm.arn],
    detail: {
      alarmName: alarm.name,
      state: { value: transition.to, reason: transition.reason, timestamp: cloudWatchTime(transition.at) },
      previousState: {
        value: previous.value,
        reason: previous.reason,
        timestamp: cloudWatchTime(previous.at),
      },
      configuration: {
        ...(c.AlarmDescription !== undefined ? { description: c.AlarmDescription } : {}),
        metrics: c.Metrics ? c.Metrics.map(eventQuery) : [singleMetric(sim, c)],
      },
    },
  };
}

const eventDimensions = (dimensions: AlarmConfig["Dimensions"]) =>
  Object.fromEntries((dimensions ?? []).map((d) => [d.Name ?? "", d.Value ?? ""]));

/** A single-metric alarm's metric, as the event lists it: one returned query under a generated id. */
function singleMetric(sim: SimAccount, c: AlarmConfig): SimAlarmEventMetric {
  return {
    id: sim.random.uuid(),
    metricStat: {
      metric: {
        namespace: c.Namespace ?? "",
        name: c.MetricName ?? "",
        dimensions: eventDimensions(c.Dimensions),
      },
      period: c.Period ?? 60,
      stat: c.ExtendedStatistic ?? c.Statistic ?? "",
      ...(c.Unit !== undefined ? { unit: c.Unit } : {}),
    },
    returnData: true,
  };
}

function eventQuery(q: MetricDataQuery): SimAlarmEventMetric {
  const stat = q.MetricStat;
  return {
    id: q.Id ?? "",
    ...(q.Expression !== undefined ? { expression: q.Expression } : {}),
    ...(q.Label !== undefined ? { label: q.Label } : {}),
    ...(q.Period !== undefined ? { period: q.Period } : {}),
    returnData: q.ReturnData ?? true,
    ...(stat
      ? {
          metricStat: {
            metric: {
              namespace: stat.Metric?.Namespace ?? "",
              name: stat.Metric?.MetricName ?? "",
              dimensions: eventDimensions(stat.Metric?.Dimensions),
            },
            period: stat.Period ?? 60,
            stat: stat.Stat ?? "",
            ...(stat.Unit !== undefined ? { unit: stat.Unit } : {}),
          },
        }
      : {}),
  };
}
