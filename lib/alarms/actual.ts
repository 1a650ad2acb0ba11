/**
 * Reads the alarms that carry the prefix, and which of them Watchkeeper owns. DescribeAlarms lists by
 * prefix, 100 a page (metric alarms only: composite alarms are never Watchkeeper's). Ownership comes
 * from the Resource Groups Tagging API (one paged call for every managed alarm), or, when that API is
 * denied or missing, from ListTagsForResource on each prefixed alarm.
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  type MetricAlarm,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from "@aws-sdk/client-resource-groups-tagging-api";
import type { Aws } from "../aws/clients.js";
import { describeAwsError } from "../aws/errors.js";
import { paginate } from "../aws/paginate.js";
import { MANAGED_TAG } from "../policy/tags.js";
import {
  isBandOperator,
  type ThresholdComparisonOperator,
  type Statistic,
  type TreatMissingData,
} from "./catalog/types.js";
import type { BandThreshold, ExistingAlarm, MetricQuery, StaticThreshold } from "./spec.js";

export type OwnershipSource = "tagging-api" | "alarm-tags";

export interface ReadAlarmsOptions {
  readonly prefix: string;
  /** "auto" (default): the Tagging API, falling back to per-alarm tags when it fails. */
  readonly ownership?: "auto" | OwnershipSource;
}

export interface ExistingAlarms {
  readonly alarms: readonly ExistingAlarm[];
  readonly ownershipSource: OwnershipSource;
  readonly warnings: readonly string[];
  /** Why the alarms could not be read (then `alarms` is empty and no alarm change may be made). */
  readonly unread?: string;
}

/** What a run knows of its alarms when reading them failed: nothing, and why, naming the call. */
export function unreadAlarms(error: unknown): ExistingAlarms {
  return {
    alarms: [],
    ownershipSource: "alarm-tags",
    warnings: [],
    unread: describeAwsError(error, "cloudwatch DescribeAlarms or the alarms' tags"),
  };
}

type TagList = readonly { readonly Key?: string; readonly Value?: string }[] | undefined;

function tagRecord(tags: TagList): Record<string, string> {
  const record: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) record[tag.Key] = tag.Value ?? "";
  return record;
}

function normalizeQuery(query: MetricDataQuery): MetricQuery {
  const stat = query.MetricStat;
  return {
    id: query.Id ?? "",
    ...(query.Expression !== undefined ? { expression: query.Expression } : {}),
    ...(stat?.Metric
      ? {
          metricStat: {
            namespace: stat.Metric.Namespace ?? "",
            metricName: stat.Metric.MetricName ?? "",
            dimensions: (stat.Metric.Dimensions ?? []).map((d) => ({
              name: d.Name ?? "",
              value: d.Value ?? "",
            })),
            stat: stat.Stat ?? "",
            period: stat.Period ?? 0,
          },
        }
      : {}),
    ...(query.Period !== undefined ? { period: query.Period } : {}),
    ...(query.Label !== undefined ? { label: query.Label } : {}),
    returnData: query.ReturnData ?? true,
  };
}

/**
 * What the alarm compares with: its band when it has a ThresholdMetricId (an anomaly-detection alarm has no
 * Threshold), else its static threshold. NaN only for a static alarm without a Threshold, which CloudWatch
 * never returns: it then differs from every wanted value and the plan rewrites it.
 */
function comparisonOf(alarm: MetricAlarm): StaticThreshold | BandThreshold {
  const operator = alarm.ComparisonOperator ?? "GreaterThanThreshold";
  if (alarm.ThresholdMetricId !== undefined) {
    return {
      thresholdMetricId: alarm.ThresholdMetricId,
      // A band operator is the only kind CloudWatch accepts with ThresholdMetricId.
      comparisonOperator: isBandOperator(operator) ? operator : "LessThanLowerOrGreaterThanUpperThreshold",
    };
  }
  return {
    threshold: alarm.Threshold ?? Number.NaN,
    comparisonOperator: operator as ThresholdComparisonOperator,
  };
}

/** DescribeAlarms' MetricAlarm in the shape plans compare; absent values take CloudWatch's defaults. */
export function normalizeAlarm(
  alarm: MetricAlarm,
  tags: Record<string, string>,
  managed: boolean,
): ExistingAlarm {
  const evaluationPeriods = alarm.EvaluationPeriods ?? 1;
  const metrics = alarm.Metrics && alarm.Metrics.length > 0 ? alarm.Metrics.map(normalizeQuery) : undefined;
  return {
    name: alarm.AlarmName ?? "",
    arn: alarm.AlarmArn ?? "",
    managed,
    tags,
    description: alarm.AlarmDescription ?? "",
    ...(alarm.MetricName !== undefined && !metrics
      ? {
          metric: {
            namespace: alarm.Namespace ?? "",
            metricName: alarm.MetricName,
            dimensions: (alarm.Dimensions ?? []).map((d) => ({ name: d.Name ?? "", value: d.Value ?? "" })),
            ...(alarm.ExtendedStatistic !== undefined
              ? { extendedStatistic: alarm.ExtendedStatistic }
              : alarm.Statistic !== undefined
                ? { statistic: alarm.Statistic as Statistic }
                : {}),
            period: alarm.Period ?? 60,
          },
        }
      : {}),
    ...(metrics ? { metrics } : {}),
    evaluationPeriods,
    datapointsToAlarm: alarm.DatapointsToAlarm ?? evaluationPeriods,
    ...comparisonOf(alarm),
    treatMissingData: (alarm.TreatMissingData ?? "missing") as TreatMissingData,
    alarmActions: alarm.AlarmActions ?? [],
    okActions: alarm.OKActions ?? [],
    insufficientDataActions: alarm.InsufficientDataActions ?? [],
    actionsEnabled: alarm.ActionsEnabled ?? true,
  };
}

async function describePrefixed(aws: Aws, prefix: string): Promise<MetricAlarm[]> {
  const cloudwatch = aws.client(CloudWatchClient);
  const alarms: MetricAlarm[] = [];
  const pages = paginate(
    (token) =>
      cloudwatch.send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: prefix,
          AlarmTypes: ["MetricAlarm"],
          MaxRecords: 100,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    (page) => page.NextToken,
  );
  for await (const page of pages) {
    for (const alarm of page.MetricAlarms ?? []) {
      // The prefix filter is the endpoint's; check it again so nothing else can ever be planned over.
      if (alarm.AlarmName?.startsWith(prefix) && alarm.AlarmArn) alarms.push(alarm);
    }
  }
  return alarms;
}

/** Every alarm in the region tagged managed, with all its tags, by ARN. */
async function managedByTaggingApi(aws: Aws): Promise<Map<string, Record<string, string>>> {
  const tagging = aws.client(ResourceGroupsTaggingAPIClient);
  const found = new Map<string, Record<string, string>>();
  const pages = paginate(
    (token) =>
      tagging.send(
        new GetResourcesCommand({
          ResourceTypeFilters: ["cloudwatch:alarm"],
          TagFilters: [{ Key: MANAGED_TAG.key, Values: [MANAGED_TAG.value] }],
          ResourcesPerPage: 100,
          ...(token ? { PaginationToken: token } : {}),
        }),
      ),
    (page) => page.PaginationToken,
  );
  for await (const page of pages) {
    for (const mapping of page.ResourceTagMappingList ?? []) {
      if (mapping.ResourceARN) found.set(mapping.ResourceARN, tagRecord(mapping.Tags));
    }
  }
  return found;
}

async function tagsByAlarm(
  aws: Aws,
  alarms: readonly MetricAlarm[],
): Promise<Map<string, Record<string, string>>> {
  const cloudwatch = aws.client(CloudWatchClient);
  const found = new Map<string, Record<string, string>>();
  for (const alarm of alarms) {
    const arn = alarm.AlarmArn as string;
    const response = await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    found.set(arn, tagRecord(response.Tags));
  }
  return found;
}

/**
 * The prefixed metric alarms of the account and region, each marked managed when it carries
 * `watchkeeper:managed=true`. Throws only when DescribeAlarms itself fails: without the list, no plan is safe.
 */
export async function readExistingAlarms(aws: Aws, options: ReadAlarmsOptions): Promise<ExistingAlarms> {
  const warnings: string[] = [];
  const mode = options.ownership ?? "auto";
  // Both listings at once: they draw on different quotas (CloudWatch's and the Tagging API's).
  const managed =
    mode === "alarm-tags"
      ? undefined
      : managedByTaggingApi(aws).then(
          (found) => ({ ok: true as const, found }),
          (error: unknown) => ({ ok: false as const, error }),
        );
  const raw = await describePrefixed(aws, options.prefix);
  let tags: Map<string, Record<string, string>> | undefined;
  let ownershipSource: OwnershipSource = "alarm-tags";
  if (managed && raw.length > 0) {
    const listed = await managed;
    if (listed.ok) {
      tags = listed.found;
      ownershipSource = "tagging-api";
    } else {
      const error = listed.error;
      if (mode === "tagging-api") throw error;
      warnings.push(
        `managed alarms not listed: ${describeAwsError(error)}; reading each alarm's tags instead`,
      );
    }
  } else if (mode === "tagging-api") {
    ownershipSource = "tagging-api";
  }
  tags ??= raw.length > 0 ? await tagsByAlarm(aws, raw) : new Map();

  const alarms = raw
    .map((alarm) => {
      const alarmTags = tags.get(alarm.AlarmArn as string) ?? {};
      return normalizeAlarm(alarm, alarmTags, alarmTags[MANAGED_TAG.key] === MANAGED_TAG.value);
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { alarms, ownershipSource, warnings };
}
