/**
 * The trip alarms, as data for the alarms capability to create: per opted-in function, an error-rate
 * alarm (metric math over Errors and Invocations) and an anomaly-detection band on Invocations (a spike
 * far above what the function usually gets: a retry storm, a recursive loop, a flood upstream). And the
 * reverse mapping the handler needs: from an alarm back to its function.
 *
 * Names: `<prefix>breaker-<kind>-<function>`. The prefix is Watchkeeper's, so a trip alarm is also a
 * managed alarm (tagged like lib/alarms tags its own, plus `watchkeeper:breaker-function`). The specs are
 * plain `AlarmSpec`s — the band alarm compares with its `thresholdMetricId` — and the account reconcile
 * hands them to the alarms plan as extra specs (`planAlarms(..., { extra })`), which creates, updates and
 * deletes them with the catalog's alarms; `toPutMetricAlarmInput` writes either shape.
 */
import { DEFAULT_ALARM_POLICY, type AlarmPolicy } from "../alarms/policy.js";
import { ALARM_TAGS } from "../alarms/plan.js";
import type { AlarmSpec } from "../alarms/spec.js";
import type { Inventory, LambdaFunction } from "../inventory/types.js";
import { MANAGED_TAG, isIgnored } from "../policy/tags.js";
import { breakerOptIn, isWatchkeeperFunction, tripAlarmKinds } from "./facts.js";
import { BREAKER_ALARM_KINDS, type BreakerAlarmKind, type BreakerPolicy } from "./policy.js";

export const BREAKER_RUNBOOK = "lambda-circuit-breaker";
/** Tag on a trip alarm naming the function it trips. */
export const BREAKER_FUNCTION_TAG = "watchkeeper:breaker-function";

export function breakerAlarmName(prefix: string, kind: BreakerAlarmKind, functionName: string): string {
  return `${prefix}breaker-${kind}-${functionName}`;
}

/** Every trip alarm's name starts with this. */
export function breakerAlarmPrefix(prefix: string): string {
  return `${prefix}breaker-`;
}

/**
 * The function a trip alarm trips: its FunctionName dimension when it has one, else the name's tail.
 * Undefined for an alarm that is not a trip alarm.
 */
export function functionOfAlarm(
  prefix: string,
  alarmName: string,
  functionNames: readonly string[] = [],
): string | undefined {
  const stem = breakerAlarmPrefix(prefix);
  if (!alarmName.startsWith(stem)) return undefined;
  const named = [...new Set(functionNames)];
  if (named.length === 1) return named[0];
  if (named.length > 1) return undefined;
  const rest = alarmName.slice(stem.length);
  const kind = BREAKER_ALARM_KINDS.find((k) => rest.startsWith(`${k}-`));
  const fn = kind ? rest.slice(kind.length + 1) : undefined;
  return fn && /^[a-zA-Z0-9_-]{1,64}$/.test(fn) ? fn : undefined;
}

/** Functions that opted in and may be tripped (not Watchkeeper's own, not ignored). */
export function breakerFunctions(inventory: Inventory, policy: BreakerPolicy): LambdaFunction[] {
  return inventory.resources.filter(
    (r): r is LambdaFunction =>
      r.kind === "lambda-function" &&
      !isWatchkeeperFunction(r, policy) &&
      !isIgnored(r.tags) &&
      breakerOptIn(r, policy).optedIn,
  );
}

export interface BreakerAlarmPlan {
  /** By name; each tagged with its function (`BREAKER_FUNCTION_TAG`), its entry id `breaker-<kind>`. */
  readonly specs: AlarmSpec[];
  readonly warnings: string[];
}

/**
 * The trip alarms every opted-in function of the inventory needs. Pure. `alarmPolicy` supplies the
 * runbook base URL and the notification topic (people hear of a trip alarm as of any other; the breaker
 * itself listens on EventBridge and needs no action).
 */
export function breakerAlarmSpecs(
  inventory: Inventory,
  policy: BreakerPolicy,
  alarmPolicy: Pick<AlarmPolicy, "runbookBaseUrl" | "notificationTopicArn"> = DEFAULT_ALARM_POLICY,
): AlarmSpec[] {
  return planBreakerAlarms(inventory, policy, alarmPolicy).specs;
}

/** `breakerAlarmSpecs`, with a warning for each tag it could not use. */
export function planBreakerAlarms(
  inventory: Inventory,
  policy: BreakerPolicy,
  alarmPolicy: Pick<AlarmPolicy, "runbookBaseUrl" | "notificationTopicArn"> = DEFAULT_ALARM_POLICY,
): BreakerAlarmPlan {
  const specs: AlarmSpec[] = [];
  const warnings: string[] = [];
  for (const fn of breakerFunctions(inventory, policy)) {
    const { kinds, warning } = tripAlarmKinds(fn, policy);
    if (warning) warnings.push(warning);
    for (const kind of kinds)
      specs.push(
        kind === "error-rate" ? errorRate(fn, policy, alarmPolicy) : anomaly(fn, policy, alarmPolicy),
      );
  }
  specs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { specs, warnings };
}

function common(
  fn: LambdaFunction,
  kind: BreakerAlarmKind,
  policy: BreakerPolicy,
  alarmPolicy: Pick<AlarmPolicy, "runbookBaseUrl" | "notificationTopicArn">,
  metricsAnalyzed: number,
) {
  const runbook = `${alarmPolicy.runbookBaseUrl}${BREAKER_RUNBOOK}.md`;
  const actions = alarmPolicy.notificationTopicArn ? [alarmPolicy.notificationTopicArn] : [];
  return {
    name: breakerAlarmName(policy.prefix, kind, fn.name),
    treatMissingData: "notBreaching" as const,
    alarmActions: actions,
    okActions: actions,
    insufficientDataActions: [],
    actionsEnabled: true,
    tags: {
      [ALARM_TAGS.managed]: MANAGED_TAG.value,
      [ALARM_TAGS.runbook]: runbook,
      [ALARM_TAGS.entry]: `breaker-${kind}`,
      [ALARM_TAGS.level]: "individual",
      [ALARM_TAGS.resource]: fn.arn,
      [BREAKER_FUNCTION_TAG]: fn.name,
    },
    origin: {
      entryId: `breaker-${kind}`,
      level: "individual" as const,
      resourceArn: fn.arn,
      metricsAnalyzed,
      highResolution: false,
      usesMetricsInsights: false,
    },
    runbook,
  };
}

const lambdaMetric = (fn: LambdaFunction, metricName: string, period: number) => ({
  namespace: "AWS/Lambda",
  metricName,
  dimensions: [{ name: "FunctionName", value: fn.name }],
  stat: "Sum",
  period,
});

function errorRate(
  fn: LambdaFunction,
  policy: BreakerPolicy,
  alarmPolicy: Pick<AlarmPolicy, "runbookBaseUrl" | "notificationTopicArn">,
): AlarmSpec {
  const { runbook, ...base } = common(fn, "error-rate", policy, alarmPolicy, 2);
  const periods = policy.errorRatePeriods;
  return {
    ...base,
    description:
      `Circuit breaker for ${fn.name}: more than ${policy.errorRatePercent}% of its invocations failed in ${periods} consecutive ` +
      `minute${periods === 1 ? "" : "s"} (minutes with fewer than ${policy.errorRateMinInvocations} invocations count as 0%). ` +
      `ALARM trips the breaker (reserved concurrency 0, or its event source mappings disabled). Runbook: ${runbook}`,
    metrics: [
      { id: "errors", metricStat: lambdaMetric(fn, "Errors", 60), returnData: false },
      { id: "invocations", metricStat: lambdaMetric(fn, "Invocations", 60), returnData: false },
      {
        id: "rate",
        expression: `IF(invocations >= ${policy.errorRateMinInvocations}, 100 * errors / invocations, 0)`,
        label: `${fn.name} error rate (%)`,
        period: 60,
        returnData: true,
      },
    ],
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    threshold: policy.errorRatePercent,
    comparisonOperator: "GreaterThanThreshold",
  };
}

function anomaly(
  fn: LambdaFunction,
  policy: BreakerPolicy,
  alarmPolicy: Pick<AlarmPolicy, "runbookBaseUrl" | "notificationTopicArn">,
): AlarmSpec {
  const { runbook, ...base } = common(fn, "invocations-anomaly", policy, alarmPolicy, 1);
  const periods = policy.anomalyPeriods;
  return {
    ...base,
    description:
      `Circuit breaker for ${fn.name}: invocations above the anomaly-detection band (${policy.anomalyBandWidth} standard deviations) ` +
      `for ${periods} consecutive 5-minute periods, e.g. a retry storm or a recursive loop. ALARM trips the breaker. Runbook: ${runbook}`,
    metrics: [
      { id: "invocations", metricStat: lambdaMetric(fn, "Invocations", 300), returnData: true },
      {
        id: "band",
        expression: `ANOMALY_DETECTION_BAND(invocations, ${policy.anomalyBandWidth})`,
        label: `${fn.name} invocations (expected)`,
        returnData: true,
      },
    ],
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    thresholdMetricId: "band",
    comparisonOperator: "GreaterThanUpperThreshold",
  };
}
