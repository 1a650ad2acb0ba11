import {
  CloudWatchServiceException,
  DashboardInvalidInputError,
  DashboardNotFoundError,
  InvalidFormatFault,
  InvalidNextToken,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  LimitExceededFault,
  MissingRequiredParameterException,
  ResourceNotFound,
  ResourceNotFoundException,
  type DeleteAlarmsCommandInput,
  type DeleteAlarmsCommandOutput,
  type DeleteDashboardsCommandInput,
  type DeleteDashboardsCommandOutput,
  type DescribeAlarmHistoryCommandInput,
  type DescribeAlarmHistoryCommandOutput,
  type DescribeAlarmsCommandInput,
  type DescribeAlarmsCommandOutput,
  type DisableAlarmActionsCommandInput,
  type DisableAlarmActionsCommandOutput,
  type EnableAlarmActionsCommandInput,
  type EnableAlarmActionsCommandOutput,
  type GetDashboardCommandInput,
  type GetDashboardCommandOutput,
  type GetMetricDataCommandInput,
  type GetMetricDataCommandOutput,
  type ListMetricsCommandInput,
  type ListMetricsCommandOutput,
  type ListDashboardsCommandInput,
  type ListDashboardsCommandOutput,
  type ListTagsForResourceCommandInput,
  type ListTagsForResourceCommandOutput,
  type MetricAlarm,
  type MetricDataQuery,
  type PutDashboardCommandInput,
  type PutDashboardCommandOutput,
  type PutMetricAlarmInput,
  type PutMetricAlarmCommandOutput,
  type PutMetricDataCommandInput,
  type PutMetricDataCommandOutput,
  type SetAlarmStateCommandInput,
  type SetAlarmStateCommandOutput,
  type TagResourceCommandInput,
  type TagResourceCommandOutput,
  type UntagResourceCommandInput,
  type UntagResourceCommandOutput,
} from "@aws-sdk/client-cloudwatch";
import type { SimAccount } from "../account.js";
import { changeAlarmState } from "../alarm-state-change.js";
import { awsCodeError, awsError } from "../errors.js";
import { DEFAULT_MAX_DATAPOINTS, decodeCursor, hasMathExpression, readMetricData } from "../metric-data.js";
import {
  INSIGHTS_LOOKBACK_MS,
  isInsightsAlarm,
  isInsightsQuery,
  isStatistic,
  normalizeDimensions,
} from "../metrics.js";
import { pageSorted, pageToken } from "../registry.js";
import type { Out, SimService } from "../service.js";
import type { SimAlarm, SimDatapoint } from "../state.js";
import { applyTags, removeTags, tagList, tagsFromList } from "../tags.js";
import { validator } from "../validate.js";

// CloudWatch reports constraint violations as "ValidationError", which the SDK does not model.
const check = validator((message) =>
  awsCodeError(CloudWatchServiceException, "ValidationError", 400, message),
);
const invalidValue = (message: string) => awsError(InvalidParameterValueException, 400, message);
const combination = (message: string) => awsError(InvalidParameterCombinationException, 400, message);
const missing = (message: string) => awsError(MissingRequiredParameterException, 400, message);

const COMPARISON_OPERATORS = [
  "GreaterThanOrEqualToThreshold",
  "GreaterThanThreshold",
  "LessThanThreshold",
  "LessThanOrEqualToThreshold",
  "LessThanLowerOrGreaterThanUpperThreshold",
  "LessThanLowerThreshold",
  "GreaterThanUpperThreshold",
] as const;
const BAND_OPERATORS = new Set<string>(COMPARISON_OPERATORS.slice(4));
const STATISTICS = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"] as const;
const STATES = ["OK", "ALARM", "INSUFFICIENT_DATA"] as const;
const HISTORY_ITEM_TYPES = [
  "ConfigurationUpdate",
  "StateUpdate",
  "Action",
  "AlarmContributorStateUpdate",
  "AlarmContributorAction",
] as const;
const ACTION_ARN = /^arn:aws[a-z-]*:(sns|lambda|automate|ssm|ssm-incidents|swf|autoscaling|ec2):/;
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;
const DASHBOARD_NAME = /^[A-Za-z0-9_-]+$/;

/** Alarm quotas (cloudwatch_limits): actions per state, metrics per math alarm, Metrics Insights alarms. */
export const ALARM_LIMITS = {
  actionsPerState: 5,
  metricsPerAlarm: 10,
  insightsAlarms: 200,
  maxEvaluationSeconds: 86_400,
} as const;
/** Dashboard quotas: widgets per dashboard, metrics per widget, metrics per dashboard. */
export const DASHBOARD_LIMITS = { widgets: 500, metricsPerWidget: 500, metricsPerDashboard: 2500 } as const;

function checkMetricQueries(queries: readonly MetricDataQuery[], field: string): void {
  const ids = new Set<string>();
  for (const [i, q] of queries.entries()) {
    const at = `${field}.${i + 1}.member`;
    check.required(q.Id, `${at}.id`);
    check.length(q.Id, `${at}.id`, 1, 255);
    check.pattern(q.Id, `${at}.id`, QUERY_ID);
    if (ids.has(q.Id!)) throw invalidValue(`The value ${q.Id} for field Id in ${field} must be unique.`);
    ids.add(q.Id!);
    if ((q.MetricStat === undefined) === (q.Expression === undefined)) {
      throw invalidValue(
        `Exactly one of MetricStat and Expression must be given in the query with Id ${q.Id}.`,
      );
    }
    check.length(q.Expression, `${at}.expression`, 1, 2048);
    if (q.Period !== undefined) {
      check.range(q.Period, `${at}.period`, 1, Number.MAX_SAFE_INTEGER);
      checkPeriod(q.Period);
    }
    if (q.MetricStat) {
      check.required(q.MetricStat.Metric?.MetricName, `${at}.metricStat.metric.metricName`);
      check.required(q.MetricStat.Metric?.Namespace, `${at}.metricStat.metric.namespace`);
      check.required(q.MetricStat.Period, `${at}.metricStat.period`);
      // MetricStat.Period: "Valid Range: Minimum value of 1", then 1, 5, 10, 20, 30 or a multiple of 60.
      check.range(q.MetricStat.Period, `${at}.metricStat.period`, 1, Number.MAX_SAFE_INTEGER);
      checkPeriod(q.MetricStat.Period!);
      const stat = check.required(q.MetricStat.Stat, `${at}.metricStat.stat`);
      if (!isStatistic(stat))
        throw invalidValue(`The value ${stat} for field Stat is not a valid statistic.`);
      check.maxItems(q.MetricStat.Metric?.Dimensions, `${at}.metricStat.metric.dimensions`, 30);
    }
  }
}

/**
 * MetricStat.Period: "For metrics with regular resolution, a period can be as short as one minute (60 seconds)
 * and must be a multiple of 60. For high-resolution metrics ... the period can be 1, 5, 10, 20, 30, 60, or any
 * multiple of 60." A request cannot know the resolution, so only the second rule is an error; a sub-minute
 * period over standard data finds at most one value a minute (see `storedAt`). The wording is the simulator's.
 */
function checkPeriod(period: number): void {
  if (!([1, 5, 10, 20, 30].includes(period) || (period >= 60 && period % 60 === 0))) {
    throw invalidValue(`The parameter Period must be 1, 5, 10, 20, 30 or a multiple of 60; got ${period}.`);
  }
}

/** PutMetricAlarm: validates like CloudWatch and creates or replaces the alarm (state kept on update). */
export function putMetricAlarm(sim: SimAccount, input: PutMetricAlarmInput): SimAlarm {
  const name = check.required(input.AlarmName, "alarmName");
  check.length(name, "alarmName", 1, 255);
  check.length(input.AlarmDescription, "alarmDescription", 0, 1024);
  for (const field of ["OKActions", "AlarmActions", "InsufficientDataActions"] as const) {
    const actions = input[field] ?? [];
    const wire = field.charAt(0).toLowerCase() + field.slice(1);
    check.maxItems(actions, wire, ALARM_LIMITS.actionsPerState);
    for (const action of actions) {
      check.length(action, `${wire}.member`, 1, 1024);
      if (!ACTION_ARN.test(action)) throw invalidValue(`Invalid arn syntax: ${action}`);
    }
  }
  const metrics = input.Metrics;
  const single = [
    input.MetricName,
    input.Namespace,
    input.Statistic,
    input.ExtendedStatistic,
    input.Dimensions,
    input.Period,
    input.Unit,
  ];
  let period: number;
  if (metrics) {
    if (single.some((v) => v !== undefined)) {
      throw combination(
        "The parameters MetricName, Namespace, Statistic, ExtendedStatistic, Dimensions, Period and Unit cannot be used with Metrics.",
      );
    }
    if (metrics.length === 0) throw missing("The parameter Metrics must contain at least one query.");
    checkMetricQueries(metrics, "metrics");
    const stats = metrics.filter((q) => q.MetricStat).length;
    if (stats > ALARM_LIMITS.metricsPerAlarm) {
      throw check.fail(
        `An alarm can use at most ${ALARM_LIMITS.metricsPerAlarm} metrics; this one uses ${stats}. Split it or use a Metrics Insights query.`,
      );
    }
    // An anomaly-detection alarm returns its band (ThresholdMetricId) as well as the metric it judges.
    const band = BAND_OPERATORS.has(input.ComparisonOperator ?? "") ? input.ThresholdMetricId : undefined;
    const returning = metrics.filter((q) => q.ReturnData !== false && q.Id !== band);
    if (returning.length !== 1)
      throw invalidValue("Exactly one element of the metrics list should return data.");
    const result = returning[0]!;
    if (isInsightsQuery(result) || result.Expression) {
      period = check.required(result.Period, `Period of the expression ${result.Id}`);
      checkPeriod(period);
    } else {
      period = result.MetricStat!.Period!;
    }
  } else {
    if (input.MetricName === undefined) throw missing("One of MetricName and Metrics must be given.");
    check.length(input.MetricName, "metricName", 1, 255);
    check.required(input.Namespace, "namespace");
    check.length(input.Namespace, "namespace", 1, 255);
    if ((input.Statistic === undefined) === (input.ExtendedStatistic === undefined)) {
      throw combination("Exactly one of Statistic and ExtendedStatistic must be given.");
    }
    check.oneOf(input.Statistic, "statistic", STATISTICS);
    if (input.ExtendedStatistic !== undefined && !isStatistic(input.ExtendedStatistic)) {
      throw invalidValue(
        `The value ${input.ExtendedStatistic} for parameter ExtendedStatistic is not supported.`,
      );
    }
    check.maxItems(input.Dimensions, "dimensions", 30);
    for (const d of input.Dimensions ?? []) {
      check.length(check.required(d.Name, "dimensions.member.name"), "dimensions.member.name", 1, 255);
      check.length(check.required(d.Value, "dimensions.member.value"), "dimensions.member.value", 1, 1024);
    }
    period = check.required(input.Period, "period");
    checkPeriod(period);
  }
  const evaluationPeriods = check.required(input.EvaluationPeriods, "evaluationPeriods");
  check.range(evaluationPeriods, "evaluationPeriods", 1, Number.MAX_SAFE_INTEGER);
  check.range(input.DatapointsToAlarm, "datapointsToAlarm", 1, evaluationPeriods);
  if (period * evaluationPeriods > ALARM_LIMITS.maxEvaluationSeconds) {
    throw invalidValue(
      `Period (${period}) multiplied by EvaluationPeriods (${evaluationPeriods}) must not exceed 86400 seconds (one day).`,
    );
  }
  const operator = check.required(input.ComparisonOperator, "comparisonOperator");
  check.oneOf(operator, "comparisonOperator", COMPARISON_OPERATORS);
  if (BAND_OPERATORS.has(operator)) {
    if (input.ThresholdMetricId === undefined)
      throw missing(`ComparisonOperator ${operator} needs ThresholdMetricId.`);
    if (!metrics?.some((q) => q.Id === input.ThresholdMetricId))
      throw invalidValue(`ThresholdMetricId ${input.ThresholdMetricId} names no query in Metrics.`);
  } else if (input.Threshold === undefined) {
    throw missing("The parameter Threshold is required.");
  }
  check.oneOf(input.TreatMissingData, "treatMissingData", ["breaching", "notBreaching", "ignore", "missing"]);
  check.oneOf(input.EvaluateLowSampleCountPercentile, "evaluateLowSampleCountPercentile", [
    "evaluate",
    "ignore",
  ]);

  const { Tags: tags, ...config } = input;
  const existing = sim.alarms.get(name);
  if (isInsightsAlarm(config) && !(existing && isInsightsAlarm(existing.config))) {
    const count = [...sim.alarms.values()].filter((a) => isInsightsAlarm(a.config)).length;
    if (count >= ALARM_LIMITS.insightsAlarms) {
      throw awsError(
        LimitExceededFault,
        400,
        `The maximum number of Metrics Insights alarms (${ALARM_LIMITS.insightsAlarms}) has been reached.`,
      );
    }
  }
  const now = sim.clock.now();
  if (existing) {
    // An update replaces the configuration and keeps state and tags (tags given on update are ignored).
    existing.config = config;
    existing.configUpdatedAt = now;
    return existing;
  }
  const alarm: SimAlarm = {
    name,
    arn: sim.arns.of("cloudwatch", `alarm:${name}`),
    config,
    configUpdatedAt: now,
    state: "INSUFFICIENT_DATA",
    stateReason: "Unchecked: Initial alarm creation",
    stateUpdatedAt: now,
    tags: {},
  };
  applyTags(alarm.tags, tagsFromList(tags, check), check);
  return sim.alarms.set(name, alarm);
}

/** The alarm as DescribeAlarms returns it. */
export function describeAlarm(alarm: SimAlarm): MetricAlarm {
  const c = alarm.config;
  return {
    ...structuredClone(c),
    AlarmArn: alarm.arn,
    ActionsEnabled: c.ActionsEnabled ?? true,
    OKActions: [...(c.OKActions ?? [])],
    AlarmActions: [...(c.AlarmActions ?? [])],
    InsufficientDataActions: [...(c.InsufficientDataActions ?? [])],
    ...(c.Metrics === undefined ? { Dimensions: structuredClone(c.Dimensions ?? []) } : {}),
    AlarmConfigurationUpdatedTimestamp: new Date(alarm.configUpdatedAt),
    StateValue: alarm.state,
    StateReason: alarm.stateReason,
    ...(alarm.stateReasonData ? { StateReasonData: alarm.stateReasonData } : {}),
    StateUpdatedTimestamp: new Date(alarm.stateUpdatedAt),
    StateTransitionedTimestamp: new Date(alarm.stateUpdatedAt),
  };
}

function alarmNames(names: string[] | undefined, field = "alarmNames"): string[] {
  const list = check.required(names, field);
  check.maxItems(list, field, 100);
  for (const name of list) check.length(name, `${field}.member`, 1, 255);
  return list;
}

function alarmByArn(sim: SimAccount, arn: string | undefined): SimAlarm {
  check.required(arn, "resourceARN");
  const resource = sim.arns.resourceOf("cloudwatch", arn!);
  const alarm = resource?.startsWith("alarm:") ? sim.alarms.get(resource.slice("alarm:".length)) : undefined;
  if (!alarm)
    throw awsError(ResourceNotFoundException, 404, `Resource ${arn} does not exist.`, {
      ResourceType: "alarm",
      ResourceId: arn!,
    });
  return alarm;
}

function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const after = pageToken.decode(token);
  if (after === undefined)
    throw awsError(InvalidNextToken, 400, "The service returned an invalid NextToken.");
  return after;
}

function dashboardInvalid(message: string, path = "/"): Error {
  return awsError(
    DashboardInvalidInputError,
    400,
    "The dashboard body is invalid, there are 1 validation errors: " + message,
    {
      dashboardValidationMessages: [{ DataPath: path, Message: message }],
    },
  );
}

function checkDashboardBody(body: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw dashboardInvalid("The field DashboardBody must be a valid JSON object");
  }
  const widgets = (parsed as { widgets?: unknown } | null)?.widgets;
  if (typeof parsed !== "object" || parsed === null || !Array.isArray(widgets)) {
    throw dashboardInvalid("Should have required property 'widgets'");
  }
  if (widgets.length > DASHBOARD_LIMITS.widgets) {
    throw dashboardInvalid(`Should NOT have more than ${DASHBOARD_LIMITS.widgets} items`, "/widgets");
  }
  let total = 0;
  for (const [i, widget] of widgets.entries()) {
    const { type, properties } = (widget ?? {}) as {
      type?: unknown;
      properties?: {
        metrics?: unknown;
        alarms?: unknown;
        annotations?: { alarms?: unknown; horizontal?: unknown; vertical?: unknown };
      };
    };
    const path = `/widgets/${i}/properties`;
    // Properties of an Alarm Status Widget Object: "The array can have 1-100 ARNs".
    const listed = properties?.alarms;
    if (type === "alarm" && !(Array.isArray(listed) && listed.length >= 1 && listed.length <= 100)) {
      throw dashboardInvalid("Should have between 1 and 100 items", `${path}/alarms`);
    }
    // Annotation Properties: 0–1 alarm ARNs, and an alarm annotation has neither a metrics array nor
    // horizontal or vertical annotations beside it; without one, a metric widget needs its metrics.
    const annotations = properties?.annotations;
    const alarm = Array.isArray(annotations?.alarms) && annotations.alarms.length > 0;
    if (Array.isArray(annotations?.alarms) && annotations.alarms.length > 1) {
      throw dashboardInvalid("Should NOT have more than 1 items", `${path}/annotations/alarms`);
    }
    if (alarm && properties?.metrics !== undefined) {
      throw dashboardInvalid("A widget with an alarm annotation cannot also have metrics", `${path}/metrics`);
    }
    if (alarm && (annotations?.horizontal !== undefined || annotations?.vertical !== undefined)) {
      throw dashboardInvalid(
        "A widget cannot have both an alarm and horizontal or vertical annotations",
        `${path}/annotations`,
      );
    }
    if (type === "metric" && !alarm && properties?.metrics === undefined) {
      throw dashboardInvalid("Should have required property 'metrics'", path);
    }
    const metrics = properties?.metrics;
    // An alarm graph draws the alarm's one metric.
    const count = Array.isArray(metrics) ? metrics.length : alarm ? 1 : 0;
    if (count > DASHBOARD_LIMITS.metricsPerWidget) {
      throw dashboardInvalid(
        `Should NOT have more than ${DASHBOARD_LIMITS.metricsPerWidget} items`,
        `${path}/metrics`,
      );
    }
    total += count;
  }
  if (total > DASHBOARD_LIMITS.metricsPerDashboard) {
    throw dashboardInvalid(
      `The dashboard has ${total} metrics; a dashboard can have at most ${DASHBOARD_LIMITS.metricsPerDashboard}`,
      "/widgets",
    );
  }
}

function dashboardNames(names: string[] | undefined): string[] {
  const list = check.required(names, "dashboardNames");
  for (const name of list) check.length(name, "dashboardNames.member", 1, 255);
  return list;
}

/** PutMetricData input → points, keeping Sum, SampleCount, Minimum and Maximum of StatisticValues exact. */
function datapoints(
  datum: NonNullable<PutMetricDataCommandInput["MetricData"]>[number],
  now: number,
): SimDatapoint[] {
  const timestamp = datum.Timestamp ? new Date(datum.Timestamp).getTime() : now;
  if (timestamp < now - 14 * 86_400_000 || timestamp > now + 2 * 3_600_000) {
    throw invalidValue(
      `The parameter MetricData.member.Timestamp must be within the past two weeks and not more than two hours in the future; got ${new Date(timestamp).toISOString()}.`,
    );
  }
  // Data put without a unit is stored as "None" (MetricStat.Unit: "If you specify a unit that does not match
  // the data collected, the results of the operation are null").
  const unit = { unit: datum.Unit ?? "None" } as const;
  const resolution = datum.StorageResolution === 1 ? { highResolution: true } : {};
  const given = [
    datum.Value !== undefined,
    datum.Values !== undefined,
    datum.StatisticValues !== undefined,
  ].filter(Boolean).length;
  if (given !== 1)
    throw combination("Exactly one of Value, Values and StatisticValues must be given for each datum.");
  if (datum.Value !== undefined) return [{ timestamp, value: datum.Value, ...unit, ...resolution }];
  if (datum.Values) {
    check.maxItems(datum.Values, "metricData.member.values", 150);
    if (datum.Counts && datum.Counts.length !== datum.Values.length)
      throw invalidValue("Values and Counts must have the same length.");
    return datum.Values.map((value, i) => ({
      timestamp,
      value,
      count: datum.Counts?.[i] ?? 1,
      ...unit,
      ...resolution,
    }));
  }
  const s = datum.StatisticValues!;
  const n = check.required(s.SampleCount, "statisticValues.sampleCount");
  const [sum, min, max] = [
    check.required(s.Sum, "statisticValues.sum"),
    check.required(s.Minimum, "statisticValues.minimum"),
    check.required(s.Maximum, "statisticValues.maximum"),
  ];
  if (n <= 0) throw invalidValue("StatisticValues.SampleCount must be positive.");
  if (n === 1) return [{ timestamp, value: sum, ...unit, ...resolution }];
  const rest = n - 2;
  return [
    { timestamp, value: min, ...unit, ...resolution },
    { timestamp, value: max, ...unit, ...resolution },
    ...(rest > 0
      ? [{ timestamp, value: (sum - min - max) / rest, count: rest, ...unit, ...resolution }]
      : []),
  ];
}

export const cloudwatch: SimService = {
  throttled: () => awsCodeError(CloudWatchServiceException, "Throttling", 400, "Rate exceeded"),
  apis: {
    PutMetricAlarm(input: PutMetricAlarmInput, sim): Out<PutMetricAlarmCommandOutput> {
      putMetricAlarm(sim, input);
      return {};
    },

    DescribeAlarms(input: DescribeAlarmsCommandInput, sim): Out<DescribeAlarmsCommandOutput> {
      check.range(input.MaxRecords, "maxRecords", 1, 100);
      check.length(input.AlarmNamePrefix, "alarmNamePrefix", 1, 255);
      check.length(input.ActionPrefix, "actionPrefix", 1, 1024);
      check.oneOf(input.StateValue, "stateValue", STATES);
      if (input.AlarmNames !== undefined) alarmNames(input.AlarmNames);
      if (input.AlarmNames !== undefined && input.AlarmNamePrefix !== undefined) {
        throw combination("AlarmNames and AlarmNamePrefix cannot be given together.");
      }
      const types = input.AlarmTypes ?? ["MetricAlarm"];
      for (const type of types) check.oneOf(type, "alarmTypes.member", ["MetricAlarm", "CompositeAlarm"]);
      const where = (a: SimAlarm) =>
        (input.StateValue === undefined || a.state === input.StateValue) &&
        (input.ActionPrefix === undefined ||
          [
            ...(a.config.OKActions ?? []),
            ...(a.config.AlarmActions ?? []),
            ...(a.config.InsufficientDataActions ?? []),
          ].some((x) => x.startsWith(input.ActionPrefix!)));
      const options = { after: decodeToken(input.NextToken), limit: input.MaxRecords ?? 50, where };
      const page = !types.includes("MetricAlarm")
        ? { items: [] }
        : input.AlarmNames
          ? pageSorted(
              [...new Set(input.AlarmNames)].filter((n) => sim.alarms.has(n)).sort(),
              (n) => sim.alarms.get(n)!,
              options,
            )
          : sim.alarms.page({
              ...options,
              ...(input.AlarmNamePrefix ? { prefix: input.AlarmNamePrefix } : {}),
            });
      return {
        // Composite alarms are not simulated: none exist.
        ...(types.includes("CompositeAlarm") ? { CompositeAlarms: [] } : {}),
        ...(types.includes("MetricAlarm") ? { MetricAlarms: page.items.map(describeAlarm) } : {}),
        ...("nextAfter" in page && page.nextAfter !== undefined
          ? { NextToken: pageToken.encode(page.nextAfter) }
          : {}),
      };
    },

    DescribeAlarmHistory(
      input: DescribeAlarmHistoryCommandInput,
      sim,
    ): Out<DescribeAlarmHistoryCommandOutput> {
      check.length(input.AlarmName, "alarmName", 1, 255);
      check.range(input.MaxRecords, "maxRecords", 1, 100);
      check.oneOf(input.HistoryItemType, "historyItemType", HISTORY_ITEM_TYPES);
      check.oneOf(input.ScanBy, "scanBy", ["TimestampDescending", "TimestampAscending"]);
      for (const type of input.AlarmTypes ?? [])
        check.oneOf(type, "alarmTypes.member", ["MetricAlarm", "CompositeAlarm"]);
      const start = input.StartDate?.getTime() ?? -Infinity;
      const end = input.EndDate?.getTime() ?? Infinity;
      // Items are kept by their index in `alarmHistory`, which only grows: the token is the last index returned.
      const matching = sim.alarmHistory
        .map((item, index) => ({ item, index }))
        .filter(
          ({ item }) =>
            (input.AlarmName === undefined || item.alarmName === input.AlarmName) &&
            (input.HistoryItemType === undefined || item.type === input.HistoryItemType) &&
            (input.AlarmTypes === undefined || input.AlarmTypes.includes("MetricAlarm")) &&
            item.timestamp >= start &&
            item.timestamp <= end,
        )
        .sort((a, b) => a.item.timestamp - b.item.timestamp || a.index - b.index);
      if (input.ScanBy !== "TimestampAscending") matching.reverse();
      const after = decodeToken(input.NextToken);
      const from = after === undefined ? 0 : matching.findIndex(({ index }) => String(index) === after) + 1;
      if (from === 0 && after !== undefined)
        throw awsError(InvalidNextToken, 400, "The service returned an invalid NextToken.");
      const page = matching.slice(from, from + (input.MaxRecords ?? 50));
      const last = page.at(-1);
      return {
        AlarmHistoryItems: page.map(({ item }) => ({
          AlarmName: item.alarmName,
          AlarmType: "MetricAlarm",
          Timestamp: new Date(item.timestamp),
          HistoryItemType: item.type,
          HistorySummary: item.summary,
          HistoryData: item.data,
        })),
        ...(last && from + page.length < matching.length
          ? { NextToken: pageToken.encode(String(last.index)) }
          : {}),
      };
    },

    DeleteAlarms(input: DeleteAlarmsCommandInput, sim): Out<DeleteAlarmsCommandOutput> {
      const names = alarmNames(input.AlarmNames);
      const unknown = names.filter((n) => !sim.alarms.has(n));
      // Nothing is deleted when any name is wrong.
      if (unknown.length > 0)
        throw awsError(ResourceNotFound, 404, `${unknown.length} Alarm(s) not found: ${unknown.join(", ")}`);
      for (const name of names) sim.alarms.delete(name);
      return {};
    },

    EnableAlarmActions(input: EnableAlarmActionsCommandInput, sim): Out<EnableAlarmActionsCommandOutput> {
      for (const name of alarmNames(input.AlarmNames)) {
        const alarm = sim.alarms.get(name);
        if (alarm) alarm.config.ActionsEnabled = true;
      }
      return {};
    },

    DisableAlarmActions(input: DisableAlarmActionsCommandInput, sim): Out<DisableAlarmActionsCommandOutput> {
      for (const name of alarmNames(input.AlarmNames)) {
        const alarm = sim.alarms.get(name);
        if (alarm) alarm.config.ActionsEnabled = false;
      }
      return {};
    },

    SetAlarmState(input: SetAlarmStateCommandInput, sim): Out<SetAlarmStateCommandOutput> {
      const name = check.required(input.AlarmName, "alarmName");
      check.length(name, "alarmName", 1, 255);
      const state = check.required(input.StateValue, "stateValue");
      check.oneOf(state, "stateValue", STATES);
      const reason = check.required(input.StateReason, "stateReason");
      check.length(reason, "stateReason", 0, 1023);
      check.length(input.StateReasonData, "stateReasonData", 0, 4000);
      if (input.StateReasonData !== undefined) {
        try {
          JSON.parse(input.StateReasonData);
        } catch {
          throw awsError(InvalidFormatFault, 400, "StateReasonData must be valid JSON.");
        }
      }
      const alarm = sim.alarms.get(name);
      if (!alarm) throw awsError(ResourceNotFound, 404, `Alarm ${name} not found`);
      // "When the updated state differs from the previous value, the action configured for the appropriate
      // state is invoked": recorded like an evaluated change. The next evaluation may move it back.
      if (alarm.state !== state)
        changeAlarmState(sim, alarm, {
          alarmName: name,
          at: sim.clock.now(),
          from: alarm.state,
          to: state,
          reason,
        });
      alarm.state = state;
      alarm.stateReason = reason;
      if (input.StateReasonData !== undefined) alarm.stateReasonData = input.StateReasonData;
      else delete alarm.stateReasonData;
      alarm.stateUpdatedAt = sim.clock.now();
      return {};
    },

    ListTagsForResource(input: ListTagsForResourceCommandInput, sim): Out<ListTagsForResourceCommandOutput> {
      return { Tags: tagList(alarmByArn(sim, input.ResourceARN).tags) };
    },

    TagResource(input: TagResourceCommandInput, sim): Out<TagResourceCommandOutput> {
      const alarm = alarmByArn(sim, input.ResourceARN);
      applyTags(alarm.tags, tagsFromList(check.required(input.Tags, "tags"), check), check);
      return {};
    },

    UntagResource(input: UntagResourceCommandInput, sim): Out<UntagResourceCommandOutput> {
      removeTags(alarmByArn(sim, input.ResourceARN).tags, check.required(input.TagKeys, "tagKeys"));
      return {};
    },

    PutDashboard(input: PutDashboardCommandInput, sim): Out<PutDashboardCommandOutput> {
      const name = check.required(input.DashboardName, "dashboardName");
      check.length(name, "dashboardName", 1, 255);
      if (!DASHBOARD_NAME.test(name))
        throw dashboardInvalid(
          "The value for field DashboardName contains invalid characters. It can only contain alphanumerics, dash (-) and underscore (_).",
        );
      const body = check.required(input.DashboardBody, "dashboardBody");
      checkDashboardBody(body);
      sim.addDashboard({ name, body });
      return { DashboardValidationMessages: [] };
    },

    GetDashboard(input: GetDashboardCommandInput, sim): Out<GetDashboardCommandOutput> {
      const name = check.required(input.DashboardName, "dashboardName");
      const dashboard = sim.dashboards.get(name);
      if (!dashboard) throw awsError(DashboardNotFoundError, 404, `Dashboard ${name} does not exist`);
      return { DashboardArn: dashboard.arn, DashboardBody: dashboard.body, DashboardName: dashboard.name };
    },

    ListDashboards(input: ListDashboardsCommandInput, sim): Out<ListDashboardsCommandOutput> {
      const page = sim.dashboards.page({
        after: decodeToken(input.NextToken),
        limit: 1000,
        ...(input.DashboardNamePrefix ? { prefix: input.DashboardNamePrefix } : {}),
      });
      return {
        DashboardEntries: page.items.map((d) => ({
          DashboardName: d.name,
          DashboardArn: d.arn,
          LastModified: new Date(d.lastModified),
          Size: Buffer.byteLength(d.body),
        })),
        ...(page.nextAfter !== undefined ? { NextToken: pageToken.encode(page.nextAfter) } : {}),
      };
    },

    DeleteDashboards(input: DeleteDashboardsCommandInput, sim): Out<DeleteDashboardsCommandOutput> {
      const names = dashboardNames(input.DashboardNames);
      const unknown = names.filter((n) => !sim.dashboards.has(n));
      if (unknown.length > 0)
        throw awsError(
          DashboardNotFoundError,
          404,
          `The specified dashboard does not exist. [${unknown.join(", ")}]`,
        );
      for (const name of names) sim.dashboards.delete(name);
      return {};
    },

    PutMetricData(input: PutMetricDataCommandInput, sim): Out<PutMetricDataCommandOutput> {
      const namespace = check.required(input.Namespace, "namespace");
      check.length(namespace, "namespace", 1, 255);
      if (namespace.startsWith("AWS/"))
        throw invalidValue(
          `The value ${namespace} for parameter Namespace is invalid: the AWS/ prefix is reserved.`,
        );
      const data = check.required(input.MetricData, "metricData");
      check.maxItems(data, "metricData", 1000);
      const now = sim.clock.now();
      const batch = data.map((datum, i) => {
        const metricName = check.required(datum.MetricName, `metricData.${i + 1}.member.metricName`);
        check.length(metricName, `metricData.${i + 1}.member.metricName`, 1, 255);
        check.maxItems(datum.Dimensions, `metricData.${i + 1}.member.dimensions`, 30);
        // AWS's words (quoted in boto/botocore#1671); 1 is high resolution, 60 (the default) standard.
        if (datum.StorageResolution !== undefined && ![1, 60].includes(datum.StorageResolution))
          throw invalidValue(
            `The parameter MetricData.member.${i + 1}.StorageResolution must be a value in the set [ 1, 60 ].`,
          );
        return {
          metricName,
          dimensions: normalizeDimensions(datum.Dimensions),
          points: datapoints(datum, now),
        };
      });
      // Validate the whole request before storing any of it.
      for (const { metricName, dimensions, points } of batch)
        sim.metrics.put(namespace, metricName, dimensions, points);
      return {};
    },

    /**
     * ListMetrics: "Up to 500 results are returned for any one call"; "ListMetrics doesn't return information
     * about metrics if those metrics haven't reported data in the past two weeks"; a DimensionFilter without a
     * Value matches any value, and "If you specify one dimension name and a metric has that dimension and also
     * other dimensions, it will be returned"; RecentlyActive "PT3H" keeps metrics with data in the past three
     * hours (AWS's answer is "an approximation", up to 50 minutes looser; the simulator's is exact).
     * IncludeLinkedAccounts and OwningAccount are accepted and ignored: a simulated account is never a
     * monitoring account, so there are no source accounts and no OwningAccounts in the answer. Not simulated:
     * "allow up to 15 minutes for the metric to appear" (a new series is listed at once).
     */
    ListMetrics(input: ListMetricsCommandInput, sim): Out<ListMetricsCommandOutput> {
      check.length(input.Namespace, "namespace", 1, 255);
      check.length(input.MetricName, "metricName", 1, 255);
      const filters = input.Dimensions ?? [];
      check.maxItems(filters, "dimensions", 10);
      for (const [i, d] of filters.entries()) {
        const at = `dimensions.${i + 1}.member`;
        check.length(check.required(d.Name, `${at}.name`), `${at}.name`, 1, 255);
        check.length(d.Value, `${at}.value`, 1, 1024);
      }
      check.oneOf(input.RecentlyActive, "recentlyActive", ["PT3H"]);
      check.length(input.OwningAccount, "owningAccount", 1, 255);
      let after: string | undefined;
      if (input.NextToken !== undefined) {
        after = pageToken.decode(input.NextToken);
        // ListMetrics models no InvalidNextToken: a bad token is InvalidParameterValue (moto's wording).
        if (after === undefined) throw invalidValue("Request parameter NextToken is invalid");
      }
      const since = sim.clock.now() - (input.RecentlyActive ? 3 * 3_600_000 : 14 * 86_400_000);
      const page = pageSorted(sim.metrics.keys(), (key) => sim.metrics.listed(key), {
        ...(after !== undefined ? { after } : {}),
        limit: 500,
        where: ({ series, latest }) =>
          latest >= since &&
          (input.Namespace === undefined || series.namespace === input.Namespace) &&
          (input.MetricName === undefined || series.metricName === input.MetricName) &&
          filters.every((f) =>
            series.dimensions.some(
              (d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value),
            ),
          ),
      });
      return {
        Metrics: page.items.map(({ series }) => ({
          Namespace: series.namespace,
          MetricName: series.metricName,
          Dimensions: series.dimensions.map((d) => ({ Name: d.Name, Value: d.Value })),
        })),
        ...(page.nextAfter !== undefined ? { NextToken: pageToken.encode(page.nextAfter) } : {}),
      };
    },

    /** GetMetricData: validation here; periods, retention and paging in `lib/sim/metric-data.ts`. */
    GetMetricData(input: GetMetricDataCommandInput, sim): Out<GetMetricDataCommandOutput> {
      const queries = check.required(input.MetricDataQueries, "metricDataQueries");
      check.maxItems(queries, "metricDataQueries", 500);
      checkMetricQueries(queries, "metricDataQueries");
      // "If you include a Metrics Insights query, each GetMetricData operation can include only one query"
      // (GetMetricData); AWS's error as grafana/grafana#74563 quotes it.
      if (queries.filter(isInsightsQuery).length > 1)
        throw check.fail("Maximum number of queries (1) exceeded");
      const start = check.required(input.StartTime, "startTime").getTime();
      const end = check.required(input.EndTime, "endTime").getTime();
      // AWS's words for equal times (quoted in elastic/beats#32687); moto's for the reverse order.
      if (start === end) throw check.fail("The parameter StartTime must not equal parameter EndTime.");
      if (start > end) throw check.fail("The parameter EndTime must be greater than StartTime.");
      check.oneOf(input.ScanBy, "scanBy", ["TimestampDescending", "TimestampAscending"]);
      check.range(input.MaxDatapoints, "maxDatapoints", 1, Number.MAX_SAFE_INTEGER);
      const now = sim.clock.now();
      const request = {
        queries,
        start,
        end,
        descending: input.ScanBy !== "TimestampAscending",
        maxDatapoints: input.MaxDatapoints ?? DEFAULT_MAX_DATAPOINTS,
        now,
        insightsSince: now - INSIGHTS_LOOKBACK_MS[sim.metricsInsightsLookback],
      };
      let cursor;
      if (input.NextToken !== undefined) {
        // A request with a math expression is never paged, so it has no token to continue.
        cursor = hasMathExpression(queries) ? undefined : decodeCursor(request, input.NextToken);
        if (!cursor) throw awsError(InvalidNextToken, 400, "The next token specified is invalid.");
      }
      return readMetricData(sim.metrics, request, cursor);
    },
  },
};
