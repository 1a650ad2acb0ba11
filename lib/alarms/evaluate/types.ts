/** The shapes the alarm evaluator reads (metric traces) and returns (states, transitions, notifications). */
import type { Dimension } from "../catalog/types.js";

/** One raw value published to CloudWatch, at epoch milliseconds. */
export interface Sample {
  readonly at: number;
  readonly value: number;
}

/** Raw samples of one metric: namespace, name and the exact dimension set identify it, as in CloudWatch. */
export interface MetricSeries {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly Dimension[];
  readonly samples: readonly Sample[];
}

/**
 * One metric as GetMetricData returns it: one value of one statistic per period, keyed by the period's
 * start. An account's history comes this way (a backtest reads no raw samples); an alarm reading the metric
 * with another statistic or period cannot be evaluated from it.
 */
export interface RetrievedSeries {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly Dimension[];
  readonly stat: string;
  readonly periodSeconds: number;
  readonly datapoints: Datapoints;
}

/** Every metric an alarm may read: raw samples, or datapoints already retrieved per period. */
export type MetricTrace = readonly (MetricSeries | RetrievedSeries)[];

export function isRetrieved(series: MetricSeries | RetrievedSeries): series is RetrievedSeries {
  return "datapoints" in series;
}

/** One value per period, keyed by the period's start (epoch ms): a period without data has no key. */
export type Datapoints = ReadonlyMap<number, number>;

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** How one datapoint of the evaluation range compares with the threshold. */
export type DatapointClass = "breaching" | "notBreaching" | "missing";

export interface Transition {
  /** Epoch ms of the evaluation that changed the state. */
  readonly at: number;
  readonly from: AlarmState;
  readonly to: AlarmState;
  /** The contributor's GROUP BY values ("QueueName=orders") for a Metrics Insights alarm. */
  readonly contributor?: string;
}

/** A transition that runs actions: the ARNs of the new state's action list. */
export interface Notification extends Transition {
  readonly actions: readonly string[];
}

export interface ContributorEvaluation {
  readonly contributor: string;
  readonly transitions: readonly Transition[];
  readonly finalState: AlarmState;
}

export interface AlarmEvaluation {
  /** The alarm's state after each evaluation, in time order. */
  readonly timeline: readonly { readonly at: number; readonly state: AlarmState }[];
  /** The alarm's own state changes (for a multi-series alarm: ALARM while any contributor is). */
  readonly transitions: readonly Transition[];
  /** Per contributor of a Metrics Insights GROUP BY alarm; empty for other alarms. */
  readonly contributors: readonly ContributorEvaluation[];
  /** What the alarm's actions would be run for: per contributor for a multi-series alarm. */
  readonly notifications: readonly Notification[];
}

/** Unsupported input: the evaluator refuses rather than guess. */
export class EvaluatorError extends Error {
  override readonly name = "EvaluatorError";
}
