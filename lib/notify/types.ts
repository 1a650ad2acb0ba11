/**
 * What a notification is about, independent of how it arrived (SNS, EventBridge, DescribeAlarms): one
 * alarm's state change, normalized. Everything in lib/notify reads this shape.
 */

export type AlarmState = "ALARM" | "OK" | "INSUFFICIENT_DATA";

export const ALARM_STATES: readonly AlarmState[] = ["ALARM", "OK", "INSUFFICIENT_DATA"];

export interface MetricDimension {
  readonly name: string;
  readonly value: string;
}

/** One metric as an alarm reads it. */
export interface AlarmMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly MetricDimension[];
  /** Canonical CloudWatch spelling: "Maximum", "Sum", "SampleCount", or a percentile such as "p90". */
  readonly statistic?: string;
  readonly period?: number;
  readonly unit?: string;
}

/** One query of a metric-math or Metrics Insights alarm. */
export interface AlarmMetricQuery {
  readonly id: string;
  readonly expression?: string;
  readonly label?: string;
  readonly metric?: AlarmMetric;
  readonly period?: number;
  readonly returnData: boolean;
}

/** What the alarm compares. Every field is optional: EventBridge events carry less than SNS messages. */
export interface AlarmTrigger {
  /** A single-metric alarm. */
  readonly metric?: AlarmMetric;
  /** A metric-math or Metrics Insights alarm. */
  readonly queries?: readonly AlarmMetricQuery[];
  readonly threshold?: number;
  readonly comparison?: string;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
  /** Seconds. */
  readonly period?: number;
  readonly treatMissingData?: string;
}

/** A Metrics Insights alarm reports each breaching time series as a contributor. */
export interface AlarmContributor {
  readonly id?: string;
  /** The contributor's dimensions, e.g. { QueueName: "orders" }. */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface AlarmStateChange {
  readonly source: "sns" | "eventbridge" | "describe-alarms";
  readonly alarmName: string;
  readonly alarmArn?: string;
  readonly description?: string;
  readonly state: AlarmState;
  readonly previousState?: AlarmState;
  /** CloudWatch's own sentence ("Threshold Crossed: 3 out of the last 3 datapoints ..."). */
  readonly reason: string;
  /** The datapoints CloudWatch evaluated, from the reason data or the reason text. */
  readonly recentValues?: readonly number[];
  /** ISO 8601. */
  readonly time: string;
  readonly accountId: string;
  /** A region code (us-east-1), never a display name. */
  readonly region: string;
  readonly trigger: AlarmTrigger;
  readonly contributor?: AlarmContributor;
}
