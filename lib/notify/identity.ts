/**
 * Which alarm this is: the catalog entry it was made from, whether it covers one resource or every
 * resource of a kind, which resource it names, and its runbook. Read from the alarm's tags when known
 * (Watchkeeper tags every alarm it makes), else from its name (`<prefix><entry-id>` for an aggregate,
 * `<prefix><entry-id>-<resource>` for one resource), its metric and its description. Pure.
 */
import { ALARM_TAGS, CATALOG, DEFAULT_ALARM_POLICY, type CatalogEntry } from "../alarms/index.js";
import type { AlarmLevel } from "../alarms/spec.js";
import type { ResourceKind, Tags } from "../inventory/types.js";
import type { AlarmStateChange, MetricDimension } from "./types.js";

export interface AlarmIdentity {
  readonly entry?: CatalogEntry;
  readonly level: AlarmLevel;
  /** The dimension that names one resource (QueueName, FunctionName, ...). */
  readonly dimension?: string;
  /** The resource an individual alarm (or a Metrics Insights contributor) is about. */
  readonly resourceName?: string;
  readonly resourceArn?: string;
  readonly runbookUrl?: string;
  /** "SQS messages waiting too long", or the alarm name when it is not a catalog alarm. */
  readonly title: string;
}

export interface IdentityContext {
  /** Watchkeeper's alarm name prefix (default "watchkeeper-"). */
  readonly prefix?: string;
  /** Where runbooks live when the alarm has no runbook tag (the alarm policy's runbookBaseUrl). */
  readonly runbookBaseUrl?: string;
  /** The alarm's tags (ListTagsForResource), when read. */
  readonly alarmTags?: Tags;
  readonly catalog?: readonly CatalogEntry[];
}

export function identifyAlarm(change: AlarmStateChange, context: IdentityContext = {}): AlarmIdentity {
  const prefix = context.prefix ?? DEFAULT_ALARM_POLICY.prefix;
  const catalog = context.catalog ?? CATALOG;
  const tags = context.alarmTags ?? {};
  const byName = entryFromName(change.alarmName, prefix, catalog);
  const taggedEntry = tags[ALARM_TAGS.entry];
  const entry = (taggedEntry ? catalog.find((e) => e.id === taggedEntry) : undefined) ?? byName?.entry;

  const dimensions = change.trigger.metric?.dimensions ?? [];
  const dimension = entry?.dimension ?? dimensions[0]?.name ?? groupByDimension(change);
  const taggedLevel = tags[ALARM_TAGS.level];
  const level: AlarmLevel =
    taggedLevel === "aggregate" || taggedLevel === "individual"
      ? taggedLevel
      : byName
        ? byName.label === undefined
          ? "aggregate"
          : "individual"
        : dimensions.length === 0 &&
            (change.trigger.metric !== undefined || groupByDimension(change) !== undefined)
          ? "aggregate"
          : "individual";

  const resourceName =
    (dimension ? change.contributor?.attributes[dimension] : undefined) ??
    firstAttribute(change.contributor?.attributes) ??
    (level === "individual" ? (dimensionValue(dimensions, dimension) ?? byName?.label) : undefined);
  const resourceArn =
    tags[ALARM_TAGS.resource] ??
    (resourceName && entry ? resourceArnOf(entry.resourceKind, resourceName, change) : undefined);

  const runbookUrl =
    tags[ALARM_TAGS.runbook] ??
    runbookFromDescription(change.description) ??
    (entry
      ? `${withSlash(context.runbookBaseUrl ?? DEFAULT_ALARM_POLICY.runbookBaseUrl)}${entry.runbook}.md`
      : undefined);

  return {
    ...(entry ? { entry } : {}),
    level,
    ...(dimension ? { dimension } : {}),
    ...(resourceName ? { resourceName } : {}),
    ...(resourceArn ? { resourceArn } : {}),
    ...(runbookUrl ? { runbookUrl } : {}),
    title: entry?.title ?? change.alarmName,
  };
}

/** The catalog entry whose id is the longest one the name carries after the prefix, and the rest (the label). */
export function entryFromName(
  alarmName: string,
  prefix: string,
  catalog: readonly CatalogEntry[] = CATALOG,
): { entry: CatalogEntry; label?: string } | undefined {
  if (!alarmName.startsWith(prefix)) return undefined;
  const rest = alarmName.slice(prefix.length);
  let best: CatalogEntry | undefined;
  for (const entry of catalog) {
    if ((rest === entry.id || rest.startsWith(`${entry.id}-`)) && entry.id.length > (best?.id.length ?? 0)) {
      best = entry;
    }
  }
  if (!best) return undefined;
  const label = rest.length > best.id.length ? rest.slice(best.id.length + 1) : undefined;
  return label ? { entry: best, label } : { entry: best };
}

/** The first GROUP BY key of a Metrics Insights expression, unquoted. */
export function groupByKey(expression: string | undefined): string | undefined {
  const match = /\bGROUP\s+BY\s+("[^"]+"|[A-Za-z0-9_.:/-]+)/i.exec(expression ?? "");
  return match?.[1]?.replace(/^"(.*)"$/, "$1");
}

/** The first GROUP BY key among the alarm's queries. */
export function groupByDimension(change: AlarmStateChange): string | undefined {
  for (const query of change.trigger.queries ?? []) {
    const key = groupByKey(query.expression);
    if (key) return key;
  }
  return undefined;
}

function dimensionValue(
  dimensions: readonly MetricDimension[],
  name: string | undefined,
): string | undefined {
  return (dimensions.find((d) => d.name === name) ?? dimensions[0])?.value;
}

function firstAttribute(attributes: Readonly<Record<string, string>> | undefined): string | undefined {
  return attributes ? Object.values(attributes)[0] : undefined;
}

/** The ARN of a resource named by its dimension value, for the kinds whose ARN follows from the name. */
function resourceArnOf(kind: ResourceKind, name: string, change: AlarmStateChange): string | undefined {
  const partition = change.alarmArn?.split(":")[1] ?? "aws";
  const base = `arn:${partition}`;
  switch (kind) {
    case "sqs-queue":
      return `${base}:sqs:${change.region}:${change.accountId}:${name}`;
    case "lambda-function":
      return `${base}:lambda:${change.region}:${change.accountId}:function:${name}`;
    case "kinesis-stream":
      return `${base}:kinesis:${change.region}:${change.accountId}:stream/${name}`;
    case "dynamodb-table":
      return `${base}:dynamodb:${change.region}:${change.accountId}:table/${name}`;
    case "sns-topic":
      return `${base}:sns:${change.region}:${change.accountId}:${name}`;
    case "state-machine":
      return name.startsWith("arn:") ? name : undefined;
    default:
      return undefined;
  }
}

/** Watchkeeper's descriptions end with "Runbook: <url>". */
function runbookFromDescription(description: string | undefined): string | undefined {
  return description ? /Runbook:\s*(https?:\/\/\S+)/.exec(description)?.[1] : undefined;
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
