/**
 * The reason in plain words: the alarm's metric, value and threshold as a sentence a person reads at
 * a glance ("Oldest message in orders has been waiting 42 min (threshold: at least 30 min)"), with
 * CloudWatch's own reason as the fallback when the numbers are not known. Pure.
 */
import type { ResourceKind } from "../inventory/types.js";
import type { AlarmIdentity } from "./identity.js";
import type { TopOffenders } from "./offenders.js";
import type { AlarmStateChange } from "./types.js";

/** The catalog's threshold units plus the ones CloudWatch metrics name themselves. */
export type MeasureUnit =
  "count" | "milliseconds" | "seconds" | "fraction" | "percent" | "concurrent executions";

const UNIT_BY_CLOUDWATCH: Readonly<Record<string, MeasureUnit>> = {
  Seconds: "seconds",
  Milliseconds: "milliseconds",
  Percent: "percent",
  Count: "count",
};

/** Units of the metrics Watchkeeper alarms on, for alarms that are not in the catalog. */
const UNIT_BY_METRIC: Readonly<Record<string, MeasureUnit>> = {
  ApproximateAgeOfOldestMessage: "seconds",
  IteratorAge: "milliseconds",
  "GetRecords.IteratorAgeMilliseconds": "milliseconds",
  Duration: "milliseconds",
  Latency: "milliseconds",
  IntegrationLatency: "milliseconds",
};

export function measureUnit(change: AlarmStateChange, identity: AlarmIdentity): MeasureUnit | undefined {
  if (identity.entry) return identity.entry.unit;
  const metric = change.trigger.metric;
  return (
    (metric?.unit ? UNIT_BY_CLOUDWATCH[metric.unit] : undefined) ??
    (metric ? UNIT_BY_METRIC[metric.metricName] : undefined)
  );
}

/** 2520 s → "42 min"; 0.052 as a fraction → "5.2%"; 1234 → "1,234". */
export function formatMeasure(value: number, unit: MeasureUnit | undefined): string {
  switch (unit) {
    case "seconds":
      return duration(value);
    case "milliseconds":
      return Math.abs(value) < 1000 ? `${round(value, 0)} ms` : duration(value / 1000);
    case "fraction":
      return `${round(value * 100, 2)}%`;
    case "percent":
      return `${round(value, 2)}%`;
    default:
      return Number.isInteger(value) ? value.toLocaleString("en-US") : String(round(value, 2));
  }
}

function duration(seconds: number): string {
  const abs = Math.abs(seconds);
  if (abs < 60) return `${round(seconds, abs < 10 ? 1 : 0)} s`;
  if (abs < 3600) return `${round(seconds / 60, abs < 600 ? 1 : 0)} min`;
  if (abs < 86_400) return `${round(seconds / 3600, 1)} h`;
  return `${round(seconds / 86_400, 1)} d`;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

const COMPARISON_WORDS: Readonly<Record<string, string>> = {
  GreaterThanThreshold: "more than",
  GreaterThanOrEqualToThreshold: "at least",
  LessThanThreshold: "less than",
  LessThanOrEqualToThreshold: "at most",
};

const KIND_NOUNS: Readonly<Record<ResourceKind, string>> = {
  "lambda-function": "a function",
  "sqs-queue": "a queue",
  "kinesis-stream": "a stream",
  "dynamodb-table": "a table",
  "rest-api": "an API",
  "http-api": "an API",
  "websocket-api": "an API",
  "state-machine": "a state machine",
  "eventbridge-rule": "a rule",
  "sns-topic": "a topic",
  "log-group": "a log group",
};

interface Phrase {
  /** Who: a resource name, or "a queue" when an aggregate alarm names none. */
  readonly who: string;
  /** The measured value, formatted. */
  readonly value: string;
  /** The raw value, for singular/plural. */
  readonly n: number;
  /** "in 1 min", "in the last 5 min". */
  readonly span: string;
  /** "p90", "Maximum" ... */
  readonly stat: string;
  readonly region: string;
}

const times = (n: number, one: string, many = `${one}s`) => (n === 1 ? one : many);

/** Sentences by metric name, so alarms Watchkeeper did not make read as well as its own. */
const PHRASES: Readonly<Record<string, (p: Phrase) => string>> = {
  ApproximateAgeOfOldestMessage: (p) => `Oldest message in ${p.who} has been waiting ${p.value}`,
  ApproximateNumberOfMessagesVisible: (p) => `${p.who} holds ${p.value} ${times(p.n, "message")}`,
  Errors: (p) => `${p.who} had ${p.value} ${times(p.n, "error")} ${p.span}`,
  Throttles: (p) => `${p.who} was throttled ${p.value} ${times(p.n, "time")} ${p.span}`,
  Duration: (p) => `${p.stat} duration of ${p.who} is ${p.value}`,
  IteratorAge: (p) => `${p.who} is ${p.value} behind the stream it reads`,
  "GetRecords.IteratorAgeMilliseconds": (p) => `Consumers of ${p.who} are ${p.value} behind`,
  ClaimedAccountConcurrency: (p) => `Lambda concurrency claimed in ${p.region} is ${p.value}`,
  ConcurrentExecutions: (p) => `Lambda concurrent executions in ${p.region} reached ${p.value}`,
  DeadLetterErrors: (p) =>
    `${p.who} failed to send ${p.value} ${times(p.n, "event")} to its dead-letter queue ${p.span}: they are lost`,
  DestinationDeliveryFailures: (p) =>
    `${p.who} failed to deliver ${p.value} ${times(p.n, "record")} to its destination ${p.span}: they are lost`,
  "5XXError": (p) => `${p.value} of requests to ${p.who} failed with a 5XX error`,
  "5xx": (p) => `${p.value} of requests to ${p.who} failed with a 5XX error`,
  Latency: (p) => `${p.stat} latency of ${p.who} is ${p.value}`,
  ExecutionError: (p) => `${p.value} of messages to ${p.who} failed calling the integration`,
  IntegrationLatency: (p) => `${p.stat} integration latency of ${p.who} is ${p.value}`,
  ReadProvisionedThroughputExceeded: (p) => `${p.value} of reads from ${p.who} were throttled`,
  WriteProvisionedThroughputExceeded: (p) => `${p.value} of writes to ${p.who} were throttled`,
  ReadThrottleEvents: (p) => `${p.who} throttled ${p.value} read ${times(p.n, "request")} ${p.span}`,
  WriteThrottleEvents: (p) => `${p.who} throttled ${p.value} write ${times(p.n, "request")} ${p.span}`,
  SystemErrors: (p) => `${p.who} returned ${p.value} system ${times(p.n, "error")} ${p.span}`,
  ExecutionsFailed: (p) => `${p.value} ${times(p.n, "execution")} of ${p.who} failed ${p.span}`,
  ExecutionThrottled: (p) => `${p.value} ${times(p.n, "execution")} of ${p.who} were throttled ${p.span}`,
  ExecutionsTimedOut: (p) => `${p.value} ${times(p.n, "execution")} of ${p.who} timed out ${p.span}`,
  ExecutionTime: (p) => `${p.stat} execution time of ${p.who} is ${p.value}`,
  FailedInvocations: (p) =>
    `Rule ${p.who} failed to invoke its targets ${p.value} ${times(p.n, "time")} ${p.span}`,
  NumberOfNotificationsFailed: (p) =>
    `Topic ${p.who} failed to deliver ${p.value} ${times(p.n, "notification")} ${p.span}`,
};

/**
 * The alarm's reason as a sentence. For an aggregate alarm with top offenders, the top offender is
 * the subject. Without a value or a metric to read, CloudWatch's own reason is returned.
 */
export function plainReason(
  change: AlarmStateChange,
  identity: AlarmIdentity,
  offenders?: TopOffenders,
): string {
  if (change.state === "INSUFFICIENT_DATA") {
    return `Not enough data to evaluate the alarm. CloudWatch says: ${change.reason || "no reason given"}`;
  }
  const metricName = identity.entry?.metricName ?? change.trigger.metric?.metricName;
  const top = change.state === "ALARM" ? offenders?.offenders[0] : undefined;
  const value = top?.value ?? breachingValue(change);
  if (metricName === undefined || value === undefined) return change.reason;

  const unit = measureUnit(change, identity);
  const period = change.trigger.period ?? identity.entry?.period;
  const phrase: Phrase = {
    who:
      top?.name ??
      identity.resourceName ??
      (identity.entry ? KIND_NOUNS[identity.entry.resourceKind] : undefined) ??
      "a resource",
    value: formatMeasure(value, unit),
    n: value,
    span: top
      ? `in the last ${formatMeasure(offenders!.windowSeconds, "seconds")}`
      : period
        ? `in ${formatMeasure(period, "seconds")}`
        : "",
    stat: change.trigger.metric?.statistic ?? identity.entry?.statistic ?? "",
    region: change.region,
  };
  const describe =
    PHRASES[metricName] ??
    ((p: Phrase) => `${p.stat ? `${p.stat} of ` : ""}${metricName} for ${p.who} is ${p.value}`);
  let sentence = describe(phrase).replace(/\s+/g, " ").trim();
  sentence = sentence.charAt(0).toUpperCase() + sentence.slice(1);
  const threshold = change.trigger.threshold;
  if (threshold !== undefined) {
    const comparison = change.trigger.comparison ?? identity.entry?.comparison;
    const words = comparison ? COMPARISON_WORDS[comparison] : undefined;
    sentence += ` (threshold: ${words ? `${words} ` : ""}${formatMeasure(threshold, unit)})`;
  }
  if (top && offenders && offenders.offenders.length > 1) {
    sentence += `; ${offenders.offenders.length - 1} more listed below`;
  }
  return change.state === "OK" ? `Back to normal. ${sentence}` : sentence;
}

/** The evaluated value furthest past the threshold (largest for "greater than" alarms, smallest for "less than"). */
function breachingValue(change: AlarmStateChange): number | undefined {
  const values = change.recentValues;
  if (!values || values.length === 0) return undefined;
  const less = change.trigger.comparison?.startsWith("Less") ?? false;
  return less ? Math.min(...values) : Math.max(...values);
}
