/**
 * What a team decides about its alarms: the name prefix, where notifications go, runbook links,
 * threshold overrides, which resources are critical, which entries are off. Config is validated
 * into warnings, and so are resource tags: a bad override never stops a run, it falls back to the default.
 */
import type { Resource } from "../inventory/types.js";
import { TAG_NAMESPACE, TAGS, isCritical, isIgnored, tagsUnder } from "../policy/tags.js";
import { CATALOG, alarmMetricsOfKind } from "./catalog/index.js";
import type { AlarmLimits, CatalogEntry } from "./catalog/types.js";

/** Limits AWS puts on alarms on Metrics Insights queries; each is a policy value so a raised quota is a config change. */
export interface MetricsInsightsLimits {
  /**
   * A query processes at most this many metrics ("only the first 10,000 it finds"). Above it the
   * entry falls back to per-resource alarms. Source: CloudWatch user guide, "Metrics Insights quotas".
   */
  readonly maxMetricsPerQuery: number;
  /** A query returns at most 500 time series; with ORDER BY, the top 500 in sort order. Same source. */
  readonly maxSeriesPerQuery: number;
  /** Default quota: 200 Metrics Insights alarms per account and region (adjustable). Same source. */
  readonly alarmQuota: number;
  /** MetricDataQuery.Expression is at most 2,048 characters (CloudWatch API reference). */
  readonly maxExpressionLength: number;
}

export interface AlarmPolicy {
  /** Every managed alarm's name starts with it; only alarms with it and the managed tag are ever changed. */
  readonly prefix: string;
  /** SNS topic for alarm and OK actions; without it alarms have no actions. */
  readonly notificationTopicArn?: string;
  /** runbooks/<slug>.md is appended: e.g. https://github.com/acme/watchkeeper/blob/main/runbooks/ */
  readonly runbookBaseUrl: string;
  /** Threshold overrides, keyed by catalog entry id ("lambda-errors") or metric name ("Errors"); the id wins. */
  readonly thresholds: Readonly<Record<string, number>>;
  /** ARNs that get individual alarms (as does the tag watchkeeper:critical=true). */
  readonly criticalResources: readonly string[];
  /** Entry ids turned off. */
  readonly disabled: readonly string[];
  /** Entry ids that are off by default and turned on. */
  readonly enabled: readonly string[];
  /** Lambda concurrency limit assumed when the inventory could not read GetAccountSettings. */
  readonly defaultAccountConcurrency: number;
  readonly limits: AlarmLimits;
  readonly metricsInsights: MetricsInsightsLimits;
}

export const DEFAULT_ALARM_POLICY: AlarmPolicy = {
  prefix: "watchkeeper-",
  runbookBaseUrl: "https://github.com/watchkeeper/watchkeeper/blob/main/runbooks/",
  thresholds: {},
  criticalResources: [],
  disabled: [],
  enabled: [],
  defaultAccountConcurrency: 1000,
  limits: {
    retentionFraction: 0.5,
    queueAgeCapSeconds: 3600,
    iteratorAgeCapMs: 30 * 60 * 1000,
    durationTimeoutFraction: 0.9,
    executionTimeoutFraction: 0.8,
    concurrencyFraction: 0.9,
    defaultStreamRetentionHours: 24,
  },
  metricsInsights: {
    maxMetricsPerQuery: 10_000,
    maxSeriesPerQuery: 500,
    alarmQuota: 200,
    maxExpressionLength: 2048,
  },
};

/** What a caller may set; everything else takes the default. */
export type AlarmPolicyInput = Partial<Omit<AlarmPolicy, "limits" | "metricsInsights">> & {
  readonly limits?: Partial<AlarmLimits>;
  readonly metricsInsights?: Partial<MetricsInsightsLimits>;
};

export interface ResolvedPolicy {
  readonly policy: AlarmPolicy;
  readonly warnings: string[];
}

const MAX_PREFIX = 64;
const SNS_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/;

/**
 * Fills defaults and checks the config. Problems a run can survive (an unknown entry id, a bad
 * threshold) become warnings and the default applies; only a prefix that would make ownership
 * meaningless throws, because then no alarm could be safely told apart.
 */
export function resolveAlarmPolicy(input: AlarmPolicyInput = {}): ResolvedPolicy {
  const warnings: string[] = [];
  const base = DEFAULT_ALARM_POLICY;
  const prefix = input.prefix ?? base.prefix;
  if (prefix.trim().length === 0) {
    throw new Error('alarm prefix is empty: it must be a non-empty string such as "watchkeeper-"');
  }
  if (prefix.length > MAX_PREFIX) {
    throw new Error(`alarm prefix "${prefix}" is ${prefix.length} characters; use at most ${MAX_PREFIX}`);
  }

  let notificationTopicArn = input.notificationTopicArn;
  if (notificationTopicArn !== undefined && !SNS_ARN.test(notificationTopicArn)) {
    warnings.push(
      `notification topic "${notificationTopicArn}" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>); alarms get no actions`,
    );
    notificationTopicArn = undefined;
  }

  let runbookBaseUrl = input.runbookBaseUrl ?? base.runbookBaseUrl;
  if (!/^https?:\/\//.test(runbookBaseUrl)) {
    warnings.push(`runbook base URL "${runbookBaseUrl}" is not an http(s) URL; using ${base.runbookBaseUrl}`);
    runbookBaseUrl = base.runbookBaseUrl;
  }
  if (!runbookBaseUrl.endsWith("/")) runbookBaseUrl += "/";

  const ids = new Set(CATALOG.map((entry) => entry.id));
  const metrics = new Set(CATALOG.map((entry) => entry.metricName));
  const thresholds: Record<string, number> = {};
  for (const [key, value] of Object.entries(input.thresholds ?? {})) {
    if (!ids.has(key) && !metrics.has(key)) {
      warnings.push(`threshold override "${key}" names no catalog entry or alarm metric; ignored`);
    } else if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      warnings.push(`threshold override "${key}" is not a number ≥ 0: ${String(value)}; using the default`);
    } else {
      thresholds[key] = value;
    }
  }

  const entryList = (list: readonly string[] | undefined, what: string) => {
    const known: string[] = [];
    for (const id of list ?? []) {
      if (ids.has(id)) known.push(id);
      else warnings.push(`${what} entry "${id}" is not in the alarm catalog; ignored`);
    }
    return [...new Set(known)].sort();
  };

  const limits = { ...base.limits, ...input.limits };
  for (const [key, value] of Object.entries(limits) as [keyof AlarmLimits, number][]) {
    const fraction = key.endsWith("Fraction");
    if (!Number.isFinite(value) || value <= 0 || (fraction && value > 1)) {
      warnings.push(`limit ${key} = ${String(value)} is not valid; using ${base.limits[key]}`);
      (limits as Record<string, number>)[key] = base.limits[key];
    }
  }
  const metricsInsights = { ...base.metricsInsights, ...input.metricsInsights };
  for (const [key, value] of Object.entries(metricsInsights) as [keyof MetricsInsightsLimits, number][]) {
    if (!Number.isInteger(value) || value <= 0) {
      warnings.push(
        `Metrics Insights limit ${key} = ${String(value)} is not a positive integer; using ${base.metricsInsights[key]}`,
      );
      (metricsInsights as Record<string, number>)[key] = base.metricsInsights[key];
    }
  }

  const defaultAccountConcurrency =
    input.defaultAccountConcurrency !== undefined &&
    Number.isInteger(input.defaultAccountConcurrency) &&
    input.defaultAccountConcurrency > 0
      ? input.defaultAccountConcurrency
      : base.defaultAccountConcurrency;

  const policy: AlarmPolicy = {
    prefix,
    ...(notificationTopicArn !== undefined ? { notificationTopicArn } : {}),
    runbookBaseUrl,
    thresholds,
    criticalResources: [...new Set(input.criticalResources ?? [])].sort(),
    disabled: entryList(input.disabled, "disabled"),
    enabled: entryList(input.enabled, "enabled"),
    defaultAccountConcurrency,
    limits,
    metricsInsights,
  };
  return { policy, warnings };
}

export function isEntryEnabled(entry: CatalogEntry, policy: AlarmPolicy): boolean {
  if (policy.disabled.includes(entry.id)) return false;
  return entry.enabledByDefault !== false || policy.enabled.includes(entry.id);
}

/** The config override for an entry: by id first, then by metric name. */
export function configThreshold(entry: CatalogEntry, policy: AlarmPolicy): number | undefined {
  const byMetric = entry.byMetricName === false ? undefined : policy.thresholds[entry.metricName];
  return policy.thresholds[entry.id] ?? byMetric;
}

/** What a resource's tags ask of its alarms. */
export interface ResourceAlarmTags {
  readonly ignore: boolean;
  /** Tagged critical, listed as critical in the policy, or `watchkeeper:alarms=individual`. */
  readonly individual: boolean;
  /** Valid `watchkeeper:threshold:<Metric>` values, by metric name. */
  readonly thresholds: ReadonlyMap<string, number>;
  readonly warnings: readonly string[];
}

/**
 * Reads `watchkeeper:ignore`, `watchkeeper:critical`, `watchkeeper:alarms` and
 * `watchkeeper:threshold:<Metric>` from a resource. Never throws: a value that cannot be used
 * becomes a warning naming the resource, and the default applies.
 */
const NO_TAGS: ResourceAlarmTags = { ignore: false, individual: false, thresholds: new Map(), warnings: [] };
const CRITICAL_ONLY: ResourceAlarmTags = {
  ignore: false,
  individual: true,
  thresholds: new Map(),
  warnings: [],
};

function hasWatchkeeperTags(tags: Resource["tags"]): boolean {
  for (const key in tags) if (key.startsWith(TAG_NAMESPACE)) return true;
  return false;
}

export function readResourceAlarmTags(
  resource: Resource,
  policy: AlarmPolicy,
  knownMetrics: readonly string[] = alarmMetricsOfKind(resource.kind),
): ResourceAlarmTags {
  // Most resources carry no Watchkeeper tag: share one answer instead of building one per resource.
  if (!hasWatchkeeperTags(resource.tags)) {
    return policy.criticalResources.includes(resource.arn) ? CRITICAL_ONLY : NO_TAGS;
  }
  const warnings: string[] = [];
  const ignore = isIgnored(resource.tags);
  let individual = isCritical(resource.tags) || policy.criticalResources.includes(resource.arn);
  const mode = resource.tags[TAGS.alarms];
  if (mode !== undefined) {
    const value = mode.trim().toLowerCase();
    if (value === "individual") individual = true;
    else if (value !== "aggregate" && value !== "") {
      warnings.push(
        `${TAGS.alarms}=${mode} on ${resource.arn} is not understood (use "individual" or "aggregate"); ignored`,
      );
    }
  }

  const overrides = tagsUnder(resource.tags, TAGS.thresholdPrefix);
  const thresholds = new Map<string, number>();
  const known = knownMetrics;
  for (const metric of Object.keys(overrides).sort()) {
    const raw = overrides[metric] ?? "";
    if (!known.includes(metric)) {
      const hint =
        known.length > 0
          ? `known for a ${resource.kind}: ${known.join(", ")}`
          : `a ${resource.kind} has none`;
      warnings.push(
        `threshold override for ${metric} on ${resource.arn} names no alarm metric (${hint}); ignored`,
      );
      continue;
    }
    const value = raw.trim() === "" ? Number.NaN : Number(raw.trim());
    if (!Number.isFinite(value)) {
      warnings.push(
        `threshold override for ${metric} on ${resource.arn} is not a number: ${raw}; using the default`,
      );
    } else if (value < 0) {
      warnings.push(
        `threshold override for ${metric} on ${resource.arn} is negative: ${raw}; using the default`,
      );
    } else {
      thresholds.set(metric, value);
    }
  }
  return { ignore, individual, thresholds, warnings };
}

/** policy.runbookBaseUrl + slug + ".md" */
export function runbookUrl(policy: AlarmPolicy, slug: string): string {
  return `${policy.runbookBaseUrl}${slug}.md`;
}
