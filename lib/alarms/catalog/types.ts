/**
 * What a catalog entry is: one recommended alarm, for one metric of one kind of resource, as data.
 * The catalog says what matters per service; `spec.ts` knows how CloudWatch wants it written and
 * `plan.ts` decides which alarms an inventory needs.
 */
import type { Resource, ResourceKind, ResourceOfKind } from "../../inventory/types.js";

export type Statistic = "Sum" | "Average" | "Maximum" | "Minimum" | "SampleCount";
/** Percentiles go in PutMetricAlarm's ExtendedStatistic, e.g. "p90". */
export type Percentile = `p${number}`;
/** Compares the metric with a static `threshold`. */
export type ThresholdComparisonOperator =
  | "GreaterThanThreshold"
  | "GreaterThanOrEqualToThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";
/** Compares the metric with an anomaly-detection band, the query named by `thresholdMetricId`. */
export type BandComparisonOperator =
  "LessThanLowerOrGreaterThanUpperThreshold" | "LessThanLowerThreshold" | "GreaterThanUpperThreshold";
/** Every operator PutMetricAlarm takes (metric alarms). */
export type ComparisonOperator = ThresholdComparisonOperator | BandComparisonOperator;

export const BAND_COMPARISON_OPERATORS: readonly BandComparisonOperator[] = [
  "LessThanLowerOrGreaterThanUpperThreshold",
  "LessThanLowerThreshold",
  "GreaterThanUpperThreshold",
];

export function isBandOperator(operator: string): operator is BandComparisonOperator {
  return (BAND_COMPARISON_OPERATORS as readonly string[]).includes(operator);
}
export type TreatMissingData = "breaching" | "notBreaching" | "ignore" | "missing";

/**
 * How one alarm covers every resource of the kind in the account and region.
 * - "account-metric": the service publishes a dimensionless account-wide metric (Lambda).
 * - "metrics-insights": an alarm on a Metrics Insights query, GROUP BY the resource's dimension, so
 *   each resource is a contributor and a new resource is covered as soon as it emits the metric.
 * - "none": no aggregate form, e.g. percentiles (Metrics Insights has only AVG, COUNT, MAX, MIN, SUM).
 */
export type AggregateMode = "account-metric" | "metrics-insights" | "none";

/**
 * When a resource gets an alarm of its own.
 * - "always": its profile differs from its neighbours' (Duration vs its timeout, Latency, every DLQ).
 * - "when-needed": only when critical, tagged `watchkeeper:alarms=individual`, or when its threshold
 *   (adapted to the resource or overridden) differs from the aggregate's.
 * - "never": account-level metrics.
 */
export type IndividualMode = "always" | "when-needed" | "never";

export type ThresholdUnit = "count" | "milliseconds" | "seconds" | "fraction" | "concurrent executions";

export interface Dimension {
  readonly name: string;
  readonly value: string;
}

/** One alarm target inside a resource: most resources have one, an API has one per stage. */
export interface AlarmTarget {
  /** Appended to the alarm name after the entry id. */
  readonly label: string;
  readonly dimensions: readonly Dimension[];
}

/** The numbers thresholds adapt to; every one comes from the policy, so teams can change them. */
export interface AlarmLimits {
  /** Fraction of a retention period (queue, stream) at which age alarms fire. */
  readonly retentionFraction: number;
  /** Upper bound for SQS ApproximateAgeOfOldestMessage, in seconds (also the aggregate's threshold). */
  readonly queueAgeCapSeconds: number;
  /** Upper bound for Lambda IteratorAge, in milliseconds (also the aggregate's threshold). */
  readonly iteratorAgeCapMs: number;
  /** Fraction of a function's timeout at which Duration alarms fire. */
  readonly durationTimeoutFraction: number;
  /**
   * Fraction of a state machine's timeout at which its slowest execution alarms (ExecutionTime, Maximum).
   * Lower than `durationTimeoutFraction`: the slowest execution, not p90, so it warns while the slowest have
   * a fifth of their time left instead of after the tail already times out.
   */
  readonly executionTimeoutFraction: number;
  /** Fraction of the account's Lambda concurrency limit at which concurrency alarms fire. */
  readonly concurrencyFraction: number;
  /** Kinesis retention assumed for the aggregate (the minimum a stream can have: 24 h). */
  readonly defaultStreamRetentionHours: number;
}

/** Facts a threshold rule may read: the resource (absent for an aggregate), the account, the policy. */
export interface ThresholdContext<R extends Resource = Resource> {
  readonly resource?: R;
  readonly limits: AlarmLimits;
  /** The account's Lambda concurrency limit (GetAccountSettings), or the policy's assumption. */
  readonly accountConcurrency: number;
  /** For a stream consumer: the shortest retention, in hours, among the streams it reads. */
  readonly sourceRetentionHours?: number;
  /** For a stream consumer: the smallest MaximumRecordAgeInSeconds among its mappings (records older are dropped). */
  readonly sourceMaxRecordAgeSeconds?: number;
}

/** Facts about the whole inventory (and Watchkeeper's own alarms) that decide whether an entry applies to a resource. */
export interface InventoryFacts {
  /** ARNs of queues that receive failed messages: redrive DLQs, async DLQs, rule-target and subscription DLQs, on-failure destinations. */
  readonly deadLetterQueues: ReadonlySet<string>;
  /** ARNs of Kinesis streams a Lambda event source mapping reads with GetRecords (enabled or not; not fan-out). */
  readonly polledStreams: ReadonlySet<string>;
  /** ARNs of functions whose circuit breaker is open or half-open (the record on Watchkeeper's trip alarm). */
  readonly openBreakers: ReadonlySet<string>;
}

/**
 * A per-resource alarm on metric math over the resource's own metrics, instead of the metric itself. The
 * entry's metric is `m1`; every query shares the entry's statistic period and the resource's dimensions.
 */
export interface EntryMath {
  /** More metrics of the resource, by query id ("m2"). */
  readonly metrics?: Readonly<Record<string, { readonly metricName: string; readonly statistic: Statistic }>>;
  /** Intermediate expressions by id, in order, not returned ("e1": "m1 + m2"). */
  readonly steps?: Readonly<Record<string, string>>;
  /** The expression compared with the threshold. */
  readonly expression: string;
}

export interface ThresholdRule<R extends Resource = Resource> {
  /** One line for descriptions and docs: "90% of the function's timeout". */
  readonly describe: string;
  readonly compute: (context: ThresholdContext<R>) => number;
}

interface EntryFields<K extends ResourceKind> {
  /** Stable id, also the alarm name's stem and the config key: "lambda-errors". */
  readonly id: string;
  readonly service: string;
  readonly title: string;
  /** What it means when the alarm fires, for the description. */
  readonly meaning: string;
  readonly resourceKind: K;
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: Statistic | Percentile;
  /** Seconds; Metrics Insights alarms need at least 60. */
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** Catalog alarms always have a static threshold. */
  readonly comparison: ThresholdComparisonOperator;
  readonly treatMissingData: TreatMissingData;
  readonly unit: ThresholdUnit;
  /** The dimension that names one resource (FunctionName, QueueName, ...). */
  readonly dimension: string;
  /** Other dimensions of the metric's exact dimension set, in the Metrics Insights SCHEMA and GROUP BY (e.g. Stage). */
  readonly extraDimensions?: readonly string[];
  /** "any": the aggregate query reads every dimension set of the metric (FROM the namespace, not SCHEMA). */
  readonly querySchema?: "exact" | "any";
  readonly aggregate: AggregateMode;
  readonly individual: IndividualMode;
  /** Off unless the policy enables it (e.g. ConcurrentExecutions, superseded by ClaimedAccountConcurrency). */
  readonly enabledByDefault?: boolean;
  /** Resources for which the metric is not meaningful are also left out of the aggregate query. */
  readonly excludeInapplicableFromAggregate?: boolean;
  readonly threshold: ThresholdRule<ResourceOfKind<K>>;
  /**
   * False: neither `watchkeeper:threshold:<Metric>` nor config by metric name sets this entry's threshold,
   * because another entry of the kind alarms on the same metric with a threshold of another meaning (config
   * by entry id still does).
   */
  readonly byMetricName?: false;
  /** A resource's own alarm reads metric math over its metrics (rates, arrivals, zero-filled); an aggregate query reads the metric. */
  readonly math?: EntryMath;
  /**
   * How one resource's alarm treats missing data when it differs from `treatMissingData` (the aggregate's):
   * e.g. a stream Lambda polls, whose metric vanishing means no one reads it. Such a resource gets its own alarm.
   */
  readonly missingDataFor?: (resource: ResourceOfKind<K>, facts: InventoryFacts) => TreatMissingData;
  /** `runbooks/<slug>.md`; the URL is the policy's runbookBaseUrl + slug + ".md". */
  readonly runbook: string;
  /** Where the defaults come from: URL and section. */
  readonly source: string;
  /** `thresholds`: the resource's valid `watchkeeper:threshold:<Metric>` tags, as the policy read them. */
  readonly applies?: (
    resource: ResourceOfKind<K>,
    facts: InventoryFacts,
    thresholds: ReadonlyMap<string, number>,
  ) => boolean;
  /** The value of `dimension` for a resource; default its name (a state machine's is its ARN, an HTTP API's its id). */
  readonly dimensionValue?: (resource: ResourceOfKind<K>) => string;
  /** Default: one target labelled with the resource's name, in `dimension` = `dimensionValue`. */
  readonly targets?: (resource: ResourceOfKind<K>) => readonly AlarmTarget[];
}

/** As authored in a service module, typed by its resource kind. */
export type TypedCatalogEntry<K extends ResourceKind> = EntryFields<K>;

/** As the planner sees every entry: rules take any resource, and the planner only passes the entry's kind. */
export type CatalogEntry = EntryFields<ResourceKind> & {
  readonly threshold: ThresholdRule;
  readonly applies?: (
    resource: Resource,
    facts: InventoryFacts,
    thresholds: ReadonlyMap<string, number>,
  ) => boolean;
  readonly missingDataFor?: (resource: Resource, facts: InventoryFacts) => TreatMissingData;
  readonly dimensionValue?: (resource: Resource) => string;
  readonly targets?: (resource: Resource) => readonly AlarmTarget[];
};

/** Erases the kind parameter; safe because the planner calls an entry only with resources of `resourceKind`. */
export function defineEntry<K extends ResourceKind>(entry: TypedCatalogEntry<K>): CatalogEntry {
  return entry as unknown as CatalogEntry;
}

export function dimensionValue(entry: CatalogEntry, resource: Resource): string {
  return entry.dimensionValue ? entry.dimensionValue(resource) : resource.name;
}

/** The alarms one resource needs for an entry: one, labelled with its name, unless the entry says otherwise. */
export function alarmTargets(entry: CatalogEntry, resource: Resource): readonly AlarmTarget[] {
  return entry.targets
    ? entry.targets(resource)
    : [
        {
          label: resource.name,
          dimensions: [{ name: entry.dimension, value: dimensionValue(entry, resource) }],
        },
      ];
}

/**
 * For failures that lose an event or a message: one pages, and the alarm then holds ALARM until 15 minutes
 * pass without one, so a burst is one page and one OK instead of a pair per failing minute.
 */
export const PAGE_ON_EACH_LOSS = { evaluationPeriods: 15, datapointsToAlarm: 1 } as const;
