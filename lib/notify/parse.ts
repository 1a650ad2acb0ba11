/**
 * Alarm state changes as they arrive: an SNS record (the Lambda event's `Records[i]`), the CloudWatch
 * alarm message inside it (object or JSON string), or an EventBridge "CloudWatch Alarm State Change"
 * event; and alarms as DescribeAlarms returns them (for previews). Each becomes one `AlarmStateChange`,
 * or a rejection whose problems name the field that is wrong.
 *
 * Shapes: CloudWatch user guide, "Alarm events and EventBridge" (event detail: alarmName, state,
 * previousState, configuration.metrics) and the SNS notification CloudWatch publishes (AlarmName,
 * NewStateValue, NewStateReason, StateChangeTime, Region as a display name, AWSAccountId, AlarmArn,
 * Trigger { MetricName, Namespace, Statistic (upper case) or ExtendedStatistic, Dimensions [{name,value}],
 * Period, Threshold, ComparisonOperator, ... } or Trigger.Metrics for math and Metrics Insights alarms,
 * AlarmContributorId/AlarmContributorAttributes for a Metrics Insights contributor).
 */
import type { MetricAlarm } from "@aws-sdk/client-cloudwatch";
import { z } from "zod";
import { regionCode } from "./regions.js";
import type {
  AlarmContributor,
  AlarmMetric,
  AlarmMetricQuery,
  AlarmStateChange,
  AlarmTrigger,
} from "./types.js";

export type ParsedNotification =
  | { readonly ok: true; readonly change: AlarmStateChange }
  | { readonly ok: false; readonly reason: string; readonly problems: readonly string[] };

const EVENT_SOURCE = "aws.cloudwatch";
const DETAIL_TYPE = "CloudWatch Alarm State Change";
/** A Metrics Insights alarm's change for one of its contributors (the event has `alarmContributor`). */
const CONTRIBUTOR_DETAIL_TYPE = "CloudWatch Alarm Contributor State Change";

const State = z.enum(["ALARM", "OK", "INSUFFICIENT_DATA"]);

/** SNS messages carry numbers as numbers, but emulators and hand-made tests often send strings. */
const Numeric = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, "expected a number")
    .transform(Number),
]);

const Timestamp = z.string().refine((value) => parseTime(value) !== undefined, "expected an ISO 8601 time");

const AlarmName = z.string().min(1, "must not be empty").max(255, "longer than 255 characters");

const AccountId = z.string().regex(/^\d{12}$/, "expected a 12-digit account id");

// ── SNS ────────────────────────────────────────────────────────────────────────────────────────────

const SnsDimension = z.object({ name: z.string(), value: z.string() });

const SnsMetricQuery = z.object({
  Id: z.string(),
  Expression: z.string().nullish(),
  Label: z.string().nullish(),
  ReturnData: z.boolean().nullish(),
  Period: Numeric.nullish(),
  MetricStat: z
    .object({
      Metric: z.object({
        Namespace: z.string(),
        MetricName: z.string(),
        Dimensions: z.array(SnsDimension).nullish(),
      }),
      Period: Numeric.nullish(),
      Stat: z.string().nullish(),
      Unit: z.string().nullish(),
    })
    .nullish(),
});

const SnsTrigger = z.object({
  MetricName: z.string().nullish(),
  Namespace: z.string().nullish(),
  StatisticType: z.string().nullish(),
  Statistic: z.string().nullish(),
  ExtendedStatistic: z.string().nullish(),
  Unit: z.string().nullish(),
  Dimensions: z.array(SnsDimension).nullish(),
  Period: Numeric.nullish(),
  EvaluationPeriods: Numeric.nullish(),
  DatapointsToAlarm: Numeric.nullish(),
  ComparisonOperator: z.string().nullish(),
  Threshold: Numeric.nullish(),
  TreatMissingData: z.string().nullish(),
  Metrics: z.array(SnsMetricQuery).nullish(),
});

const SnsAlarmMessage = z.object({
  AlarmName,
  AlarmDescription: z.string().nullish(),
  AWSAccountId: AccountId,
  NewStateValue: State,
  // "" for a new alarm's first notification in some emulators; absent in composite-alarm messages.
  OldStateValue: z.union([State, z.literal("")]).nullish(),
  NewStateReason: z.string(),
  StateChangeTime: Timestamp,
  Region: z.string().min(1),
  AlarmArn: z.string().nullish(),
  Trigger: SnsTrigger.nullish(),
  AlarmContributorId: z.string().nullish(),
  AlarmContributorAttributes: z.record(z.string(), z.string()).nullish(),
});

const SnsRecord = z.object({
  EventSource: z.string().optional(),
  Sns: z.object({ Message: z.string() }),
});

// ── EventBridge ────────────────────────────────────────────────────────────────────────────────────

const EventState = z.object({
  value: State,
  reason: z.string(),
  reasonData: z.string().nullish(),
  timestamp: Timestamp,
});

const EventMetricQuery = z.object({
  id: z.string(),
  expression: z.string().nullish(),
  label: z.string().nullish(),
  returnData: z.boolean().nullish(),
  period: Numeric.nullish(),
  metricStat: z
    .object({
      metric: z.object({
        namespace: z.string(),
        name: z.string(),
        dimensions: z.record(z.string(), z.string()).nullish(),
      }),
      period: Numeric.nullish(),
      stat: z.string().nullish(),
      unit: z.string().nullish(),
    })
    .nullish(),
});

const EventDetail = z.object({
  alarmName: AlarmName,
  state: EventState,
  previousState: EventState.partial().nullish(),
  configuration: z
    .object({
      description: z.string().nullish(),
      metrics: z.array(EventMetricQuery).nullish(),
    })
    .nullish(),
  alarmContributor: z
    .object({ id: z.string().nullish(), attributes: z.record(z.string(), z.string()) })
    .nullish(),
});

const EventEnvelope = z.object({
  source: z.string(),
  "detail-type": z.string(),
  account: AccountId,
  region: z.string(),
  time: Timestamp.nullish(),
  resources: z.array(z.string()).nullish(),
  detail: z.unknown(),
});

// ── Entry point ────────────────────────────────────────────────────────────────────────────────────

/**
 * One alarm state change from an SNS record, a CloudWatch alarm SNS message (object or JSON) or an
 * EventBridge "CloudWatch Alarm State Change" event. Never throws: malformed input is a rejection
 * whose `problems` name each bad field (`Sns.Message.NewStateValue: ...`).
 */
export function parseAlarmNotification(input: unknown): ParsedNotification {
  let value = input;
  if (typeof value === "string") {
    const json = parseJson(value, "input");
    if (!json.ok) return json;
    value = json.value;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return rejected("not an alarm notification", [`input: expected an object, got ${describe(value)}`]);
  }
  const object = value as Record<string, unknown>;
  if ("Records" in object) {
    const count = Array.isArray(object.Records) ? object.Records.length : 0;
    return rejected("an SNS event, not one record", [
      `input.Records: pass one record at a time (event.Records[i]); this event holds ${count}`,
    ]);
  }
  if ("Sns" in object) return fromSnsRecord(object);
  if ("detail-type" in object || "detail" in object) return fromEvent(object);
  if ("AlarmName" in object || "NewStateValue" in object) return fromSnsMessage(object, "Message");
  return rejected("not an alarm notification", [
    "input: expected an SNS record (Sns.Message), a CloudWatch alarm SNS message (AlarmName, NewStateValue) " +
      `or an EventBridge "${DETAIL_TYPE}" event (detail-type, detail); got keys ${Object.keys(object).slice(0, 8).join(", ") || "(none)"}`,
  ]);
}

function fromSnsRecord(record: Record<string, unknown>): ParsedNotification {
  const parsed = SnsRecord.safeParse(record);
  if (!parsed.success) return fromIssues("malformed SNS record", parsed.error.issues, "");
  const message = parseJson(parsed.data.Sns.Message, "Sns.Message");
  if (!message.ok) return message;
  return fromSnsMessage(message.value, "Sns.Message");
}

function fromSnsMessage(message: unknown, at: string): ParsedNotification {
  const parsed = SnsAlarmMessage.safeParse(message);
  if (!parsed.success) return fromIssues("malformed CloudWatch alarm message", parsed.error.issues, at);
  const m = parsed.data;
  const arnRegion = m.AlarmArn ? arnPart(m.AlarmArn, 3) : undefined;
  const region = arnRegion ?? regionCode(m.Region);
  if (!region) {
    return rejected("malformed CloudWatch alarm message", [
      `${at}.Region: "${m.Region}" is not a known AWS region name or code, and there is no AlarmArn to read it from`,
    ]);
  }
  const trigger = m.Trigger ? snsTrigger(m.Trigger) : {};
  const contributor: AlarmContributor | undefined = m.AlarmContributorAttributes
    ? {
        ...(m.AlarmContributorId ? { id: m.AlarmContributorId } : {}),
        attributes: m.AlarmContributorAttributes,
      }
    : undefined;
  const recentValues = valuesFromReason(m.NewStateReason);
  return {
    ok: true,
    change: {
      source: "sns",
      alarmName: m.AlarmName,
      ...(m.AlarmArn ? { alarmArn: m.AlarmArn } : {}),
      ...(m.AlarmDescription ? { description: m.AlarmDescription } : {}),
      state: m.NewStateValue,
      ...(m.OldStateValue ? { previousState: m.OldStateValue } : {}),
      reason: m.NewStateReason,
      ...(recentValues.length > 0 ? { recentValues } : {}),
      time: parseTime(m.StateChangeTime)!,
      accountId: m.AWSAccountId,
      region,
      trigger,
      ...(contributor ? { contributor } : {}),
    },
  };
}

function snsTrigger(t: z.infer<typeof SnsTrigger>): AlarmTrigger {
  const statistic = t.ExtendedStatistic ?? (t.Statistic ? canonicalStatistic(t.Statistic) : undefined);
  const period = t.Period ?? undefined;
  const metric: AlarmMetric | undefined =
    t.MetricName && t.Namespace
      ? {
          namespace: t.Namespace,
          metricName: t.MetricName,
          dimensions: (t.Dimensions ?? []).map((d) => ({ name: d.name, value: d.value })),
          ...(statistic ? { statistic } : {}),
          ...(period !== undefined ? { period } : {}),
          ...(t.Unit ? { unit: t.Unit } : {}),
        }
      : undefined;
  const queries: AlarmMetricQuery[] | undefined = t.Metrics?.map((q) => ({
    id: q.Id,
    ...(q.Expression ? { expression: q.Expression } : {}),
    ...(q.Label ? { label: q.Label } : {}),
    ...(q.Period != null ? { period: q.Period } : {}),
    returnData: q.ReturnData ?? true,
    ...(q.MetricStat
      ? {
          metric: {
            namespace: q.MetricStat.Metric.Namespace,
            metricName: q.MetricStat.Metric.MetricName,
            dimensions: (q.MetricStat.Metric.Dimensions ?? []).map((d) => ({ name: d.name, value: d.value })),
            ...(q.MetricStat.Stat ? { statistic: q.MetricStat.Stat } : {}),
            ...(q.MetricStat.Period != null ? { period: q.MetricStat.Period } : {}),
            ...(q.MetricStat.Unit ? { unit: q.MetricStat.Unit } : {}),
          },
        }
      : {}),
  }));
  return compact({
    metric,
    queries,
    threshold: t.Threshold ?? undefined,
    comparison: t.ComparisonOperator ?? undefined,
    evaluationPeriods: t.EvaluationPeriods ?? undefined,
    datapointsToAlarm: t.DatapointsToAlarm ?? undefined,
    period: period ?? queries?.find((q) => q.returnData)?.period ?? queries?.[0]?.metric?.period,
    treatMissingData: t.TreatMissingData ?? undefined,
  });
}

function fromEvent(event: Record<string, unknown>): ParsedNotification {
  const envelope = EventEnvelope.safeParse(event);
  if (!envelope.success) return fromIssues("malformed EventBridge event", envelope.error.issues, "event");
  const e = envelope.data;
  if (e.source !== EVENT_SOURCE || ![DETAIL_TYPE, CONTRIBUTOR_DETAIL_TYPE].includes(e["detail-type"])) {
    return rejected("not an alarm state change", [
      `event: source "${e.source}" and detail-type "${e["detail-type"]}" are not ${EVENT_SOURCE} / "${DETAIL_TYPE}"`,
    ]);
  }
  const detail = EventDetail.safeParse(e.detail);
  if (!detail.success)
    return fromIssues("malformed alarm state change event", detail.error.issues, "event.detail");
  const d = detail.data;
  const region = regionCode(e.region);
  if (!region)
    return rejected("malformed EventBridge event", [`event.region: "${e.region}" is not a region code`]);
  const reasonData = parseReasonData(d.state.reasonData);
  const queries: AlarmMetricQuery[] = (d.configuration?.metrics ?? []).map((q) => ({
    id: q.id,
    ...(q.expression ? { expression: q.expression } : {}),
    ...(q.label ? { label: q.label } : {}),
    ...(q.period != null ? { period: q.period } : {}),
    returnData: q.returnData ?? true,
    ...(q.metricStat
      ? {
          metric: {
            namespace: q.metricStat.metric.namespace,
            metricName: q.metricStat.metric.name,
            dimensions: Object.entries(q.metricStat.metric.dimensions ?? {}).map(([name, value]) => ({
              name,
              value,
            })),
            ...(q.metricStat.stat ? { statistic: q.metricStat.stat } : {}),
            ...(q.metricStat.period != null ? { period: q.metricStat.period } : {}),
            ...(q.metricStat.unit ? { unit: q.metricStat.unit } : {}),
          },
        }
      : {}),
  }));
  // One returned metric and no expression: a single-metric alarm, described like the SNS Trigger.
  const single =
    queries.length === 1 && queries[0]?.metric && !queries[0].expression ? queries[0].metric : undefined;
  const recentValues = reasonData?.recentDatapoints ?? valuesFromReason(d.state.reason);
  const alarmArn = e.resources?.find((arn) => arn.includes(":alarm:"));
  return {
    ok: true,
    change: {
      source: "eventbridge",
      alarmName: d.alarmName,
      ...(alarmArn ? { alarmArn } : {}),
      ...(d.configuration?.description ? { description: d.configuration.description } : {}),
      state: d.state.value,
      ...(d.previousState?.value ? { previousState: d.previousState.value } : {}),
      reason: d.state.reason,
      ...(recentValues.length > 0 ? { recentValues } : {}),
      time: parseTime(d.state.timestamp)!,
      accountId: e.account,
      region,
      trigger: compact({
        metric: single,
        queries: single ? undefined : queries.length > 0 ? queries : undefined,
        // The event has no threshold or operator of its own; the reason data has the threshold.
        threshold: reasonData?.threshold,
        period: reasonData?.period ?? single?.period ?? queries.find((q) => q.returnData)?.period,
      }),
      ...(d.alarmContributor
        ? {
            contributor: {
              ...(d.alarmContributor.id ? { id: d.alarmContributor.id } : {}),
              attributes: d.alarmContributor.attributes,
            },
          }
        : {}),
    },
  };
}

/**
 * An alarm as DescribeAlarms returns it, as if it had just changed to its current state: what
 * `watchkeeper notify preview --alarm <name>` renders.
 */
export function changeFromAlarm(alarm: MetricAlarm): AlarmStateChange {
  const arn = alarm.AlarmArn ?? "";
  const name = alarm.AlarmName ?? "";
  const region = arnPart(arn, 3);
  const accountId = arnPart(arn, 4);
  if (!name || !region || !accountId) {
    throw new Error(`alarm ${name || "(unnamed)"} has no AlarmArn to read its region and account from`);
  }
  const state = State.safeParse(alarm.StateValue);
  const reasonData = parseReasonData(alarm.StateReasonData);
  const statistic = alarm.ExtendedStatistic ?? alarm.Statistic;
  const metric: AlarmMetric | undefined =
    alarm.Namespace && alarm.MetricName
      ? {
          namespace: alarm.Namespace,
          metricName: alarm.MetricName,
          dimensions: (alarm.Dimensions ?? []).map((d) => ({ name: d.Name ?? "", value: d.Value ?? "" })),
          ...(statistic ? { statistic } : {}),
          ...(alarm.Period !== undefined ? { period: alarm.Period } : {}),
          ...(alarm.Unit ? { unit: alarm.Unit } : {}),
        }
      : undefined;
  const queries: AlarmMetricQuery[] | undefined = alarm.Metrics?.map((q) => ({
    id: q.Id ?? "",
    ...(q.Expression ? { expression: q.Expression } : {}),
    ...(q.Label ? { label: q.Label } : {}),
    ...(q.Period !== undefined ? { period: q.Period } : {}),
    returnData: q.ReturnData ?? true,
    ...(q.MetricStat?.Metric
      ? {
          metric: {
            namespace: q.MetricStat.Metric.Namespace ?? "",
            metricName: q.MetricStat.Metric.MetricName ?? "",
            dimensions: (q.MetricStat.Metric.Dimensions ?? []).map((d) => ({
              name: d.Name ?? "",
              value: d.Value ?? "",
            })),
            ...(q.MetricStat.Stat ? { statistic: q.MetricStat.Stat } : {}),
            ...(q.MetricStat.Period !== undefined ? { period: q.MetricStat.Period } : {}),
          },
        }
      : {}),
  }));
  const reason = alarm.StateReason ?? "";
  const recentValues = reasonData?.recentDatapoints ?? valuesFromReason(reason);
  return {
    source: "describe-alarms",
    alarmName: name,
    alarmArn: arn,
    ...(alarm.AlarmDescription ? { description: alarm.AlarmDescription } : {}),
    state: state.success ? state.data : "INSUFFICIENT_DATA",
    reason,
    ...(recentValues.length > 0 ? { recentValues } : {}),
    time: (alarm.StateUpdatedTimestamp ?? new Date(0)).toISOString(),
    accountId,
    region,
    trigger: compact({
      metric,
      queries: queries && queries.length > 0 ? queries : undefined,
      threshold: alarm.Threshold,
      comparison: alarm.ComparisonOperator,
      evaluationPeriods: alarm.EvaluationPeriods,
      datapointsToAlarm: alarm.DatapointsToAlarm,
      period: alarm.Period ?? queries?.find((q) => q.returnData)?.period,
      treatMissingData: alarm.TreatMissingData,
    }),
  };
}

// ── Helpers ────────────────────────────────────────────────────────────────────────────────────────

const STATISTICS: Readonly<Record<string, string>> = {
  sum: "Sum",
  average: "Average",
  maximum: "Maximum",
  minimum: "Minimum",
  samplecount: "SampleCount",
};

/** SNS writes basic statistics in upper case ("MAXIMUM", "SAMPLE_COUNT"); CloudWatch APIs want "Maximum". */
export function canonicalStatistic(statistic: string): string {
  return STATISTICS[statistic.replace(/_/g, "").toLowerCase()] ?? statistic;
}

/** "2019-10-02T17:04:40.989+0000" (CloudWatch writes offsets without a colon) → ISO 8601 in UTC. */
function parseTime(value: string): string | undefined {
  const normalized = value.trim().replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

interface ReasonData {
  readonly threshold?: number;
  readonly recentDatapoints?: number[];
  readonly period?: number;
}

const ReasonDataSchema = z.object({
  threshold: z.number().optional(),
  recentDatapoints: z.array(z.number()).optional(),
  period: z.number().optional(),
});

function parseReasonData(text: string | null | undefined): ReasonData | undefined {
  if (!text) return undefined;
  try {
    const parsed = ReasonDataSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** "Threshold Crossed: 2 out of the last 2 datapoints [41.0 (02/10/19 16:59:00), 33.8 (...)] was ..." → [41, 33.8] */
export function valuesFromReason(reason: string): number[] {
  const list = /\[([^\]]*)\]/.exec(reason)?.[1];
  if (!list) return [];
  const values: number[] = [];
  for (const match of list.matchAll(/(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*\(/g))
    values.push(Number(match[1]));
  return values;
}

/** arn:partition:service:region:account:... → the part at `index`. */
function arnPart(arn: string, index: number): string | undefined {
  const part = arn.split(":")[index];
  return part ? part : undefined;
}

function parseJson(
  text: string,
  at: string,
): { ok: true; value: unknown } | { ok: false; reason: string; problems: string[] } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return rejected("not JSON", [
      `${at}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    ]);
  }
}

function fromIssues(what: string, issues: readonly z.core.$ZodIssue[], at: string): ParsedNotification {
  const problems = issues.map((issue) => {
    const path = [at, ...issue.path.map(String)].filter((part) => part !== "").join(".");
    return `${path || "input"}: ${issue.message}`;
  });
  return rejected(what, problems);
}

function rejected(reason: string, problems: string[]): { ok: false; reason: string; problems: string[] } {
  return { ok: false, reason: `${reason}: ${problems.join("; ")}`, problems };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

/** Drops undefined fields, so optional properties stay absent (exactOptionalPropertyTypes-friendly). */
function compact<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
