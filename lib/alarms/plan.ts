/**
 * The alarm plan: (inventory, policy, existing alarms) → changes. Pure and deterministic: the same
 * inputs give the same changes in the same order, whatever order the inputs came in.
 *
 * Coverage model:
 * - one aggregate alarm per catalog entry (a dimensionless account metric, or a Metrics Insights
 *   query grouped by resource) covers every resource of the kind, new ones included;
 * - a resource gets its own alarm when the entry always wants one (Duration, Latency, DLQs), when it
 *   is critical or tagged `watchkeeper:alarms=individual`, or when its threshold differs from the
 *   aggregate's (adapted to its retention or timeout, or overridden by tag); it is then left out of
 *   the aggregate query so that it alarms once, at its own threshold.
 * Other capabilities add the alarms they need (the circuit breaker's trip alarms) as extra specs: they
 * are checked like the catalog's and planned with them, so the plan creates, updates and deletes them too
 * (a managed alarm no one wants any more is deleted, whoever wanted it before).
 * Ownership: only alarms named with the prefix AND tagged `watchkeeper:managed=true` are updated or
 * deleted; a prefixed alarm without the tag is reported and left alone.
 */
import {
  KIND_LABELS,
  type Inventory,
  type LambdaFunction,
  type Resource,
  type ResourceKind,
} from "../inventory/types.js";
import { diffFields, type Change, type FieldDiff } from "../plan/change.js";
import { MANAGED_TAG, TAGS } from "../policy/tags.js";
import { CATALOG, alarmMetricsOfKind } from "./catalog/index.js";
import {
  alarmTargets,
  dimensionValue,
  type AlarmTarget,
  type CatalogEntry,
  type EntryMath,
  type InventoryFacts,
  type Statistic,
  type ThresholdContext,
  type TreatMissingData,
} from "./catalog/types.js";
import {
  configThreshold,
  isEntryEnabled,
  readResourceAlarmTags,
  runbookUrl,
  type AlarmPolicy,
  type ResourceAlarmTags,
} from "./policy.js";
import { deleteReasons } from "./delete-reason.js";
import { holdUnseen } from "./hold.js";
import { SILENCE_FIELD, silencedActions } from "./silence.js";
import {
  ALARM_FIELDS,
  acceptableTags,
  acceptableTagValue,
  alarmDescription,
  alarmFields,
  alarmName,
  disambiguate,
  fitExclusions,
  formatThreshold,
  insightsFunction,
  insightsQuery,
  MAX_ALARM_NAME,
  MAX_DESCRIPTION,
  missingTags,
  sameAlarmFields,
  type AlarmDefinition,
  type AlarmLevel,
  type AlarmSpec,
  type ExistingAlarm,
  type MetricQuery,
  type SingleMetric,
} from "./spec.js";

export type AlarmChange = Change<AlarmSpec, ExistingAlarm>;

export interface PlanAlarmsOptions {
  /**
   * Alarms other capabilities want, e.g. the circuit breaker's trip alarms. Each must be named with the
   * policy's prefix, within 255 characters, with a band alarm's `thresholdMetricId` naming one of its
   * queries; otherwise it is left out with a warning. Tags CloudWatch would refuse are dropped and a
   * description over 1,024 characters is shortened, with a warning; the managed tag is added when missing.
   * A name the catalog already plans keeps the catalog's alarm, with a warning.
   */
  readonly extra?: readonly AlarmSpec[];
  /** The recommended alarms (default: the built-in catalog). */
  readonly catalog?: readonly CatalogEntry[];
  /**
   * When silences are judged (`watchkeeper:silenced-until` on an alarm, see silence.ts): an alarm whose
   * silence runs keeps its actions off, whatever else changes; one whose silence ended gets its actions
   * back and loses the silence tags. Absent: every silence is kept and none is lifted.
   */
  readonly now?: Date;
  /**
   * Why the alarms Watchkeeper owns could not be read, when they could not: every change is then held
   * (see hold.ts), as are those a gap in the inventory covers.
   */
  readonly ownedUnread?: string;
}

export interface AlarmPlan {
  /** Deletes first (cheap, batched), then creates, updates, and the noops that explain themselves. */
  readonly changes: readonly AlarmChange[];
  /** Every alarm the inventory needs, by name. */
  readonly desired: readonly AlarmSpec[];
  /** Bad tags and config, limits reached: reported, never fatal. */
  readonly warnings: readonly string[];
}

/** lib/breaker/record.ts BREAKER_TAGS.state: present while a breaker is open or half-open (a test keeps them equal). */
export const OPEN_BREAKER_TAG = "watchkeeper:breaker-state";

export const NOT_OWNED_REASON = `not owned: missing tag ${MANAGED_TAG.key}=${MANAGED_TAG.value}`;

/** Tag keys Watchkeeper writes on its alarms. */
export const ALARM_TAGS = {
  managed: MANAGED_TAG.key,
  runbook: TAGS.runbook,
  entry: "watchkeeper:alarm",
  level: "watchkeeper:level",
  resource: "watchkeeper:resource",
} as const;

const DLQ_RELATIONS = new Set([
  "dead-letter-queue",
  "async-dlq",
  "target-dlq",
  "subscription-dlq",
  "on-failure-destination",
]);

/** Queues that receive what failed elsewhere, from relations and from the resources' own facts. */
function deadLetterQueues(inventory: Inventory): Set<string> {
  const queues = new Set<string>();
  for (const resource of inventory.resources) if (resource.kind === "sqs-queue") queues.add(resource.arn);
  const found = new Set<string>();
  const mark = (arn: string | undefined) => {
    if (arn !== undefined && queues.has(arn)) found.add(arn);
  };
  for (const relation of inventory.relations) if (DLQ_RELATIONS.has(relation.type)) mark(relation.to);
  for (const resource of inventory.resources) {
    switch (resource.kind) {
      case "sqs-queue":
        mark(resource.redrivePolicy?.deadLetterTargetArn);
        break;
      case "lambda-function":
        mark(resource.deadLetterTargetArn);
        mark(resource.asyncInvoke?.onFailureDestination);
        for (const source of resource.eventSources) mark(source.onFailureDestination);
        break;
      case "eventbridge-rule":
        for (const target of resource.targets) mark(target.deadLetterArn);
        break;
      case "sns-topic":
        for (const subscription of resource.subscriptions) mark(subscription.deadLetterArn);
        break;
      default:
        break;
    }
  }
  return found;
}

/** Streams a Lambda mapping reads with GetRecords: its source is the stream itself, not a fan-out consumer. */
function polledStreams(inventory: Inventory): Set<string> {
  const streams = new Set<string>();
  for (const resource of inventory.resources) {
    if (resource.kind !== "lambda-function") continue;
    for (const source of resource.eventSources) {
      if (source.sourceKind === "kinesis" && source.sourceArn && !source.sourceArn.includes("/consumer/"))
        streams.add(source.sourceArn);
    }
  }
  return streams;
}

/**
 * Functions whose circuit breaker is open or half-open: the record on their trip alarm says so. Read from
 * Watchkeeper's own alarms (fresh each run), never from a tag on the function.
 */
function openBreakers(existing: readonly ExistingAlarm[]): Set<string> {
  const functions = new Set<string>();
  for (const alarm of existing) {
    const fn = alarm.tags[ALARM_TAGS.resource];
    if (alarm.managed && alarm.tags[OPEN_BREAKER_TAG] !== undefined && fn !== undefined) functions.add(fn);
  }
  return functions;
}

export function inventoryFacts(
  inventory: Inventory,
  existing: readonly ExistingAlarm[] = [],
): InventoryFacts {
  return {
    deadLetterQueues: deadLetterQueues(inventory),
    polledStreams: polledStreams(inventory),
    openBreakers: openBreakers(existing),
  };
}

/** Retention and maximum record age of the streams a function reads, for its IteratorAge threshold. */
function streamSourceFacts(
  fn: LambdaFunction,
  retentionByArn: ReadonlyMap<string, number>,
): Pick<ThresholdContext, "sourceRetentionHours" | "sourceMaxRecordAgeSeconds"> {
  let retention: number | undefined;
  let maxAge: number | undefined;
  for (const source of fn.eventSources) {
    if (source.sourceKind !== "kinesis" && source.sourceKind !== "dynamodb-stream") continue;
    // DynamoDB streams keep records for 24 hours; Kinesis streams as configured.
    const hours =
      source.sourceKind === "dynamodb-stream"
        ? 24
        : source.sourceArn !== undefined
          ? retentionByArn.get(source.sourceArn)
          : undefined;
    if (hours !== undefined) retention = retention === undefined ? hours : Math.min(retention, hours);
    const age = source.maximumRecordAgeSeconds;
    if (age !== undefined && age > 0) maxAge = maxAge === undefined ? age : Math.min(maxAge, age);
  }
  return {
    ...(retention !== undefined ? { sourceRetentionHours: retention } : {}),
    ...(maxAge !== undefined ? { sourceMaxRecordAgeSeconds: maxAge } : {}),
  };
}

interface ThresholdChoice {
  readonly value: number;
  readonly rule: string;
}

/** A resource to leave out of an aggregate query; lower ranks matter more when not all fit. */
interface Exclusion {
  readonly value: string;
  /** 0: ignored; 1: would alarm falsely in the aggregate (inapplicable, or a looser threshold); 2: has a stricter alarm of its own. */
  readonly rank: number;
}

/** By rank, then value; each value once, at its best rank. */
function orderExclusions(exclusions: readonly Exclusion[]): string[] {
  const best = new Map<string, number>();
  for (const { value, rank } of exclusions) best.set(value, Math.min(rank, best.get(value) ?? rank));
  return [...best]
    .sort(([a, ra], [b, rb]) => ra - rb || (a < b ? -1 : a > b ? 1 : 0))
    .map(([value]) => value);
}

/** The parts of an alarm's description and metric that depend only on its catalog entry. */
interface EntryText {
  readonly runbookUrl: string;
  readonly condition: string;
  /** The condition of an aggregate query alarm: "…, for any SQS queue". */
  readonly queryCondition: string;
  /** The condition of a resource's own metric-math alarm (`entry.math`). */
  readonly mathCondition?: string;
  readonly statistic: Pick<SingleMetric, "statistic" | "extendedStatistic">;
  /** The tags every alarm of the entry carries, by level, checked once (the resource's ARN is per alarm). */
  readonly tags: Readonly<Record<AlarmLevel, ReturnType<typeof acceptableTags>>>;
}

interface Item {
  readonly resource: Resource;
  readonly tags: ResourceAlarmTags;
}

/** What the planner learns of one entry while it reads the resources of the entry's kind. */
interface EntryState {
  readonly entry: CatalogEntry;
  readonly aggregate: ThresholdChoice;
  /** A "greater than" comparison: a higher threshold is looser. */
  readonly greater: boolean;
  readonly excluded: Exclusion[];
  readonly covered: Item[];
}

const compareArn = (a: Resource, b: Resource) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0);

function isSortedByArn(items: readonly Item[]): boolean {
  for (let i = 1; i < items.length; i++) {
    if (compareArn((items[i - 1] as Item).resource, (items[i] as Item).resource) > 0) return false;
  }
  return true;
}

function sortByName<T extends { readonly name: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The queries of a metric-math alarm on one resource: its metrics (m1 the entry's), the steps, the returned expression. */
function mathQueries(entry: CatalogEntry, math: EntryMath, target: AlarmTarget): MetricQuery[] {
  const metrics = {
    m1: { metricName: entry.metricName, statistic: entry.statistic as Statistic },
    ...math.metrics,
  };
  return [
    ...Object.entries(metrics).map(([id, { metricName, statistic }]) => ({
      id,
      metricStat: {
        namespace: entry.namespace,
        metricName,
        dimensions: target.dimensions,
        stat: statistic,
        period: entry.period,
      },
      returnData: false,
    })),
    ...Object.entries(math.steps ?? {}).map(([id, expression]) => ({ id, expression, returnData: false })),
    { id: "alarm", expression: math.expression, period: entry.period, label: entry.title, returnData: true },
  ];
}

/** "DIFF(e1) where m1 = Maximum of ApproximateNumberOfMessagesVisible, e1 = m1 + m2". */
function mathCondition(entry: CatalogEntry, math: EntryMath): string {
  const terms = [
    `m1 = ${entry.statistic} of ${entry.metricName}`,
    ...Object.entries(math.metrics ?? {}).map(([id, m]) => `${id} = ${m.statistic} of ${m.metricName}`),
    ...Object.entries(math.steps ?? {}).map(([id, expression]) => `${id} = ${expression}`),
  ];
  return `${math.expression} where ${terms.join(", ")},`;
}

class Planner {
  readonly warnings: string[] = [];
  readonly specs: AlarmSpec[] = [];
  private readonly warned = new Set<string>();
  private readonly facts: InventoryFacts;
  private readonly accountConcurrency: number;
  /** Resources by kind, sorted by ARN, each with its tags read once. */
  private readonly byKind = new Map<ResourceKind, Item[]>();
  private readonly retentionByArn = new Map<string, number>();
  private readonly knownMetrics = new Map<ResourceKind, string[]>();
  private readonly actions: readonly string[];
  private readonly entryTexts = new Map<CatalogEntry, EntryText>();
  private insightsAlarms = 0;

  constructor(
    private readonly inventory: Inventory,
    private readonly policy: AlarmPolicy,
    private readonly catalog: readonly CatalogEntry[],
    existing: readonly ExistingAlarm[],
  ) {
    for (const resource of inventory.resources) {
      const item = { resource, tags: this.readTags(resource) };
      const list = this.byKind.get(resource.kind);
      if (list) list.push(item);
      else this.byKind.set(resource.kind, [item]);
      if (resource.kind === "kinesis-stream") this.retentionByArn.set(resource.arn, resource.retentionHours);
    }
    for (const list of this.byKind.values()) {
      if (!isSortedByArn(list)) list.sort((a, b) => compareArn(a.resource, b.resource));
    }
    this.facts = inventoryFacts(inventory, existing);
    this.accountConcurrency =
      inventory.lambdaAccount?.concurrentExecutions ?? policy.defaultAccountConcurrency;
    this.actions = policy.notificationTopicArn ? [policy.notificationTopicArn] : [];
  }

  warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.warnings.push(message);
  }

  /** Every resource's tags are read once, so bad tags are reported even on kinds no entry covers. */
  private readTags(resource: Resource): ResourceAlarmTags {
    let known = this.knownMetrics.get(resource.kind);
    if (!known) {
      known = alarmMetricsOfKind(resource.kind, this.catalog);
      this.knownMetrics.set(resource.kind, known);
    }
    const tags = readResourceAlarmTags(resource, this.policy, known);
    for (const warning of tags.warnings) this.warn(warning);
    return tags;
  }

  /** Alarms on Metrics Insights queries the plan needs, the extra specs' included. */
  checkInsightsQuota(extra: readonly AlarmSpec[]): void {
    const total = this.insightsAlarms + extra.filter((spec) => spec.origin.usesMetricsInsights).length;
    if (total > this.policy.metricsInsights.alarmQuota) {
      this.warn(
        `the plan needs ${total} alarms on Metrics Insights queries; the account's quota is ${this.policy.metricsInsights.alarmQuota} per region by default: request an increase or creates past it will fail`,
      );
    }
  }

  run(): void {
    const lambdaEntries = this.catalog.filter(
      (entry) => entry.resourceKind === "lambda-function" && isEntryEnabled(entry, this.policy),
    );
    if (
      !this.inventory.lambdaAccount &&
      (this.byKind.get("lambda-function")?.length ?? 0) > 0 &&
      lambdaEntries.some((entry) => entry.unit === "concurrent executions")
    ) {
      this.warn(
        `the Lambda account concurrency limit is unknown (GetAccountSettings was not read); concurrency alarms assume ${this.policy.defaultAccountConcurrency}`,
      );
    }
    const states: EntryState[] = this.catalog
      .filter((entry) => isEntryEnabled(entry, this.policy) && this.byKind.has(entry.resourceKind))
      .map((entry) => ({
        entry,
        aggregate: this.aggregateThreshold(entry),
        greater: entry.comparison.startsWith("Greater"),
        excluded: [],
        covered: [],
      }));
    // Resource by resource, each through every entry of its kind: the entries' rules alternate from the
    // start, so the JIT compiles this loop once for all of them instead of again for each entry.
    for (const [kind, items] of this.byKind) {
      const ofKind = states.filter((state) => state.entry.resourceKind === kind);
      if (ofKind.length === 0) continue;
      for (const item of items) for (const state of ofKind) this.classify(state, item);
    }
    for (const state of states) this.finishEntry(state);
  }

  private context(entry: CatalogEntry, resource?: Resource): ThresholdContext {
    if (resource?.kind === "lambda-function" && entry.metricName === "IteratorAge") {
      return {
        limits: this.policy.limits,
        accountConcurrency: this.accountConcurrency,
        ...streamSourceFacts(resource, this.retentionByArn),
        resource,
      };
    }
    return resource
      ? { limits: this.policy.limits, accountConcurrency: this.accountConcurrency, resource }
      : { limits: this.policy.limits, accountConcurrency: this.accountConcurrency };
  }

  private aggregateThreshold(entry: CatalogEntry): ThresholdChoice {
    const configured = configThreshold(entry, this.policy);
    if (configured !== undefined) return { value: configured, rule: "set by config" };
    return { value: entry.threshold.compute(this.context(entry)), rule: entry.threshold.describe };
  }

  private resourceThreshold(
    entry: CatalogEntry,
    resource: Resource,
    tags: ResourceAlarmTags,
  ): ThresholdChoice {
    const tagged = entry.byMetricName === false ? undefined : tags.thresholds.get(entry.metricName);
    if (tagged !== undefined) {
      return { value: tagged, rule: `set by tag ${TAGS.thresholdPrefix}${entry.metricName}` };
    }
    const configured = configThreshold(entry, this.policy);
    if (configured !== undefined) return { value: configured, rule: "set by config" };
    return { value: entry.threshold.compute(this.context(entry, resource)), rule: entry.threshold.describe };
  }

  /** Where one resource stands for one entry: ignored, left out, in the aggregate, or with its own alarm. */
  private classify(state: EntryState, item: Item): void {
    const { entry, aggregate } = state;
    const { resource, tags } = item;
    if (tags.ignore) {
      state.excluded.push({ value: dimensionValue(entry, resource), rank: 0 });
      return;
    }
    if (entry.applies && !entry.applies(resource, this.facts, tags.thresholds)) {
      if (entry.excludeInapplicableFromAggregate) {
        state.excluded.push({ value: dimensionValue(entry, resource), rank: 1 });
      }
      return;
    }
    if (entry.individual === "never") {
      state.covered.push(item);
      return;
    }
    const threshold = this.resourceThreshold(entry, resource, tags);
    const missingData = entry.missingDataFor?.(resource, this.facts) ?? entry.treatMissingData;
    const own =
      entry.individual === "always" ||
      entry.aggregate === "none" ||
      tags.individual ||
      threshold.value !== aggregate.value ||
      missingData !== entry.treatMissingData;
    if (own) {
      // Its alarms now, resource by resource: the order is the plan's by name in the end.
      this.individualSpecs(entry, resource, threshold, missingData);
      // Left in the aggregate, a resource allowed more than the aggregate's threshold would alarm there
      // too: those go first when not every exclusion fits; a stricter one only alarms twice.
      const looser = state.greater ? threshold.value > aggregate.value : threshold.value < aggregate.value;
      state.excluded.push({ value: dimensionValue(entry, resource), rank: looser ? 1 : 2 });
    } else {
      state.covered.push(item);
    }
  }

  /** The entry's alarms, once every resource of its kind is classified. */
  private finishEntry({ entry, aggregate, excluded, covered }: EntryState): void {
    const maxMetrics = this.policy.metricsInsights.maxMetricsPerQuery;
    if (entry.aggregate === "metrics-insights" && covered.length > maxMetrics) {
      // AWS: a query processes only the first 10,000 metrics it finds, and WHERE supports only =, != and
      // AND, so a query cannot be split into ranges: past the limit every resource gets its own alarm.
      this.warn(
        `${entry.id}: ${covered.length} ${KIND_LABELS[entry.resourceKind]}s exceed the ${maxMetrics} metrics one Metrics Insights query processes; each gets its own alarm instead of the aggregate`,
      );
      for (const { resource, tags } of covered) {
        this.individualSpecs(
          entry,
          resource,
          this.resourceThreshold(entry, resource, tags),
          entry.treatMissingData,
        );
      }
    } else if (entry.aggregate !== "none") {
      this.aggregateSpec(entry, aggregate, covered.length, excluded);
    }
  }

  private individualSpecs(
    entry: CatalogEntry,
    resource: Resource,
    threshold: ThresholdChoice,
    treatMissingData: TreatMissingData,
  ): void {
    for (const target of alarmTargets(entry, resource))
      this.individualSpec(entry, resource, target, threshold, treatMissingData);
  }

  private aggregateSpec(
    entry: CatalogEntry,
    threshold: ThresholdChoice,
    covered: number,
    excluded: readonly Exclusion[],
  ): void {
    const { prefix } = this.policy;
    const scopeOf = `in account ${this.inventory.accountId}, ${this.inventory.region}`;
    if (entry.aggregate === "account-metric") {
      // A dimensionless metric sums every function: an ignored or individually alarmed function still counts in it.
      this.push(entry, {
        name: alarmName(prefix, entry.id),
        level: "aggregate",
        metric: {
          namespace: entry.namespace,
          metricName: entry.metricName,
          dimensions: [],
          ...this.textOf(entry).statistic,
          period: entry.period,
        },
        threshold,
        scope: `every ${KIND_LABELS[entry.resourceKind]} ${scopeOf} (account-wide metric)`,
        metricsAnalyzed: 1,
        treatMissingData: entry.treatMissingData,
      });
      return;
    }

    const fn = insightsFunction(entry.statistic);
    if (!fn)
      throw new Error(`catalog entry ${entry.id}: ${entry.statistic} has no Metrics Insights function`);
    const base = {
      fn,
      namespace: entry.namespace,
      metricName: entry.metricName,
      groupBy: [entry.dimension, ...(entry.extraDimensions ?? [])],
      schema: entry.querySchema ?? "exact",
      descending: entry.comparison.startsWith("Greater"),
      limit: this.policy.metricsInsights.maxSeriesPerQuery,
    } as const;
    const candidates = orderExclusions(excluded);
    const { exclude, overflow } = fitExclusions(
      base,
      candidates,
      this.policy.metricsInsights.maxExpressionLength,
    );
    if (overflow.length > 0) {
      this.warn(
        `${entry.id}: ${overflow.length} ${KIND_LABELS[entry.resourceKind]}s with their own alarm or ignored do not fit in the aggregate query's exclusions (${this.policy.metricsInsights.maxExpressionLength}-character limit) and stay in it too: ${overflow.slice(0, 5).join(", ")}${overflow.length > 5 ? ", …" : ""}`,
      );
    }
    this.insightsAlarms += 1;
    const others = exclude.length > 0 ? `, except ${exclude.length} with their own alarm or ignored` : "";
    this.push(entry, {
      name: alarmName(prefix, entry.id),
      level: "aggregate",
      metrics: [
        {
          id: "q1",
          expression: insightsQuery({ ...base, exclude }),
          period: entry.period,
          label: entry.title,
          returnData: true,
        },
      ],
      threshold,
      scope: `every ${KIND_LABELS[entry.resourceKind]} ${scopeOf}, each a contributor (${covered} now${others})`,
      metricsAnalyzed: covered + overflow.length,
      treatMissingData: entry.treatMissingData,
    });
  }

  private individualSpec(
    entry: CatalogEntry,
    resource: Resource,
    target: AlarmTarget,
    threshold: ThresholdChoice,
    treatMissingData: TreatMissingData,
  ) {
    const detail =
      target.dimensions.length > 1
        ? ` (${target.dimensions.map((d) => `${d.name}=${d.value}`).join(", ")})`
        : "";
    const metric = {
      namespace: entry.namespace,
      metricName: entry.metricName,
      dimensions: target.dimensions,
      ...this.textOf(entry).statistic,
      period: entry.period,
    };
    this.push(entry, {
      name: alarmName(this.policy.prefix, entry.id, target.label),
      level: "individual",
      resource,
      ...(entry.math ? { metrics: mathQueries(entry, entry.math, target) } : { metric }),
      threshold,
      scope: `${resource.arn}${detail}`,
      metricsAnalyzed: entry.math ? 1 + Object.keys(entry.math.metrics ?? {}).length : 1,
      treatMissingData,
    });
  }

  /** What every alarm of the entry shares, worked out once per entry rather than once per alarm. */
  private textOf(entry: CatalogEntry): EntryText {
    let text = this.entryTexts.get(entry);
    if (!text) {
      const window = `over ${entry.period} s, ${entry.datapointsToAlarm} of ${entry.evaluationPeriods} periods`;
      const condition = `${entry.statistic} of ${entry.metricName} ${window}`;
      const url = runbookUrl(this.policy, entry.runbook);
      const tagsOf = (level: AlarmLevel) =>
        acceptableTags({
          [ALARM_TAGS.managed]: MANAGED_TAG.value,
          [ALARM_TAGS.runbook]: url,
          [ALARM_TAGS.entry]: entry.id,
          [ALARM_TAGS.level]: level,
        });
      text = {
        runbookUrl: url,
        tags: { aggregate: tagsOf("aggregate"), individual: tagsOf("individual") },
        condition,
        queryCondition: `${condition}, for any ${KIND_LABELS[entry.resourceKind]}`,
        ...(entry.math ? { mathCondition: `${mathCondition(entry, entry.math)} ${window}` } : {}),
        statistic: entry.statistic.startsWith("p")
          ? { extendedStatistic: entry.statistic }
          : { statistic: entry.statistic as Exclude<CatalogEntry["statistic"], `p${number}`> },
      };
      this.entryTexts.set(entry, text);
    }
    return text;
  }

  private push(
    entry: CatalogEntry,
    alarm: {
      name: string;
      level: AlarmLevel;
      resource?: Resource;
      metric?: AlarmDefinition["metric"];
      metrics?: AlarmDefinition["metrics"];
      threshold: ThresholdChoice;
      scope: string;
      metricsAnalyzed: number;
      treatMissingData: TreatMissingData;
    },
  ): void {
    const text = this.textOf(entry);
    const url = text.runbookUrl;
    // A resource's own metric-math alarm, not an aggregate query (an entry may have both).
    const math = alarm.level === "individual" && entry.math !== undefined;
    const query = alarm.metrics !== undefined && !math;
    const condition = math ? (text.mathCondition as string) : query ? text.queryCondition : text.condition;
    const shared = text.tags[alarm.level];
    const tags: Record<string, string> = { ...shared.tags };
    const dropped = [...shared.dropped];
    if (alarm.resource) {
      if (acceptableTagValue(alarm.resource.arn)) tags[ALARM_TAGS.resource] = alarm.resource.arn;
      else dropped.push(ALARM_TAGS.resource);
    }
    for (const key of dropped) {
      if (key === ALARM_TAGS.managed) throw new Error("the managed tag must always be acceptable");
      this.warn(
        `tag ${key} is left off alarm ${alarm.name}: its value is longer than 256 characters or has characters CloudWatch tags do not allow`,
      );
    }
    this.specs.push({
      name: alarm.name,
      description: alarmDescription({
        title: entry.title,
        meaning: entry.meaning,
        condition,
        comparison: entry.comparison,
        threshold: formatThreshold(alarm.threshold.value, entry.unit),
        thresholdRule: alarm.threshold.rule,
        scope: alarm.scope,
        runbookUrl: url,
      }),
      ...(alarm.metric ? { metric: alarm.metric } : {}),
      ...(alarm.metrics ? { metrics: alarm.metrics } : {}),
      evaluationPeriods: entry.evaluationPeriods,
      datapointsToAlarm: entry.datapointsToAlarm,
      threshold: alarm.threshold.value,
      comparisonOperator: entry.comparison,
      treatMissingData: alarm.treatMissingData,
      alarmActions: this.actions,
      okActions: this.actions,
      insufficientDataActions: [],
      actionsEnabled: true,
      tags,
      origin: {
        entryId: entry.id,
        level: alarm.level,
        ...(alarm.resource ? { resourceArn: alarm.resource.arn } : {}),
        metricsAnalyzed: alarm.metricsAnalyzed,
        highResolution: entry.period < 60,
        usesMetricsInsights: query,
      },
    });
  }
}

/** Two resources wanting the same alarm name (REST APIs may share a name): identical specs merge, others get a hash of their ARN. */
function uniqueNames(specs: AlarmSpec[], warn: (message: string) => void): AlarmSpec[] {
  // Sorted (stable), a name's specs sit together in the order they were planned.
  sortByName(specs);
  const result: AlarmSpec[] = [];
  let renamed = false;
  for (let start = 0, end = 1; start < specs.length; start = end, end = start + 1) {
    const first = specs[start] as AlarmSpec;
    while (end < specs.length && (specs[end] as AlarmSpec).name === first.name) end += 1;
    if (end - start === 1) {
      result.push(first);
      continue;
    }
    const group = specs.slice(start, end);
    const json = JSON.stringify(alarmFields(first));
    if (group.every((spec) => JSON.stringify(alarmFields(spec)) === json)) {
      result.push(first);
      continue;
    }
    warn(`${group.length} resources want the alarm name ${first.name}; each gets a hash of its ARN appended`);
    renamed = true;
    for (const spec of group) {
      result.push({
        ...spec,
        name: disambiguate(first.name, spec.origin.resourceArn ?? spec.origin.entryId),
      });
    }
  }
  return renamed ? sortByName(result) : result;
}

/**
 * The extra specs that can be planned, checked as the catalog's are built: prefix, name and description
 * lengths, tags CloudWatch accepts, the managed tag; a band's ThresholdMetricId must name one of its
 * queries. The first spec of a name wins; a name the catalog plans stays the catalog's.
 */
function checkExtraSpecs(
  extra: readonly AlarmSpec[],
  catalogSpecs: readonly AlarmSpec[],
  prefix: string,
  warn: (message: string) => void,
): AlarmSpec[] {
  if (extra.length === 0) return [];
  const catalogByName = new Map(catalogSpecs.map((spec) => [spec.name, spec]));
  const seen = new Map<string, AlarmSpec>();
  for (const spec of extra) {
    const who = `alarm ${spec.name} (wanted by ${spec.origin.entryId})`;
    if (!spec.name.startsWith(prefix) || spec.name.length === prefix.length) {
      warn(
        `${who} is left out: its name does not start with the prefix ${prefix}, so it could never be managed`,
      );
      continue;
    }
    if (spec.name.length > MAX_ALARM_NAME) {
      warn(`${who} is left out: its name is longer than ${MAX_ALARM_NAME} characters`);
      continue;
    }
    if (
      spec.thresholdMetricId !== undefined &&
      !(spec.metrics ?? []).some((query) => query.id === spec.thresholdMetricId)
    ) {
      warn(`${who} is left out: its ThresholdMetricId ${spec.thresholdMetricId} names none of its queries`);
      continue;
    }
    const catalog = catalogByName.get(spec.name);
    if (catalog) {
      warn(
        `${who} has the same name as the catalog's alarm for ${catalog.origin.entryId}: the catalog's alarm is kept and ${spec.origin.entryId}'s is left out`,
      );
      continue;
    }
    const first = seen.get(spec.name);
    if (first) {
      warn(`${who} is wanted twice (also by ${first.origin.entryId}): the first is kept`);
      continue;
    }
    const { tags, dropped } = acceptableTags({ ...spec.tags, [ALARM_TAGS.managed]: MANAGED_TAG.value });
    for (const key of dropped) {
      warn(
        `tag ${key} is left off alarm ${spec.name}: its value is longer than 256 characters or has characters CloudWatch tags do not allow`,
      );
    }
    let description = spec.description;
    if (description.length > MAX_DESCRIPTION) {
      warn(`${who}: its description is longer than ${MAX_DESCRIPTION} characters and is shortened`);
      description = `${description.slice(0, MAX_DESCRIPTION - 1)}…`;
    }
    seen.set(spec.name, { ...spec, tags, description });
  }
  return [...seen.values()];
}

const ACTION_ORDER: readonly AlarmChange["action"][] = ["delete", "create", "update", "noop"];

/** By action, then target. Most come in target order already, which keeps the sorts cheap. */
function inActionOrder(changes: readonly AlarmChange[]): AlarmChange[] {
  const byAction = new Map(ACTION_ORDER.map((action) => [action, [] as AlarmChange[]]));
  for (const change of changes) byAction.get(change.action)!.push(change);
  return ACTION_ORDER.flatMap((action) =>
    byAction.get(action)!.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0)),
  );
}

function tagDiff(desired: AlarmSpec, actual: ExistingAlarm): FieldDiff | undefined {
  const missing = missingTags(desired.tags, actual.tags);
  if (missing === undefined) return undefined;
  const from = Object.fromEntries(Object.keys(missing).map((key) => [key, actual.tags[key] ?? null]));
  return { field: "Tags", from, to: missing };
}

/** A silence on an existing alarm: judged at `now`, or, without a time, kept and never lifted. */
function silenceOf(actual: ExistingAlarm, now: Date | undefined): { off: boolean; lift: boolean } {
  if (now) return silencedActions(actual.tags, now);
  return { off: actual.tags[TAGS.silencedUntil] !== undefined, lift: false };
}

/**
 * Plans the account's managed alarms: the catalog's for the inventory, and `options.extra` from other
 * capabilities. `existing` holds the alarms found with the prefix (see `readExistingAlarms`); alarms
 * without the prefix are never touched, whatever is passed.
 */
export function planAlarms(
  inventory: Inventory,
  policy: AlarmPolicy,
  existing: readonly ExistingAlarm[],
  options: PlanAlarmsOptions = {},
): AlarmPlan {
  const planner = new Planner(inventory, policy, options.catalog ?? CATALOG, existing);
  planner.run();
  const warn = (message: string) => planner.warn(message);
  const catalogSpecs = uniqueNames(planner.specs, warn);
  const extra = checkExtraSpecs(options.extra ?? [], catalogSpecs, policy.prefix, warn);
  planner.checkInsightsQuota(extra);
  const desired = extra.length > 0 ? sortByName([...catalogSpecs, ...extra]) : catalogSpecs;
  // Existing alarms by name: each desired alarm takes its own out, so what is left nobody wants.
  const unclaimed = new Map<string, ExistingAlarm>();
  for (const alarm of existing) if (alarm.name.startsWith(policy.prefix)) unclaimed.set(alarm.name, alarm);

  const changes: AlarmChange[] = [];
  for (const spec of desired) {
    const actual = unclaimed.get(spec.name);
    unclaimed.delete(spec.name);
    if (!actual) {
      changes.push({
        action: "create",
        kind: "alarm",
        target: spec.name,
        reason: "needed and missing",
        desired: spec,
      });
      continue;
    }
    if (!actual.managed) {
      planner.warn(
        `alarm ${spec.name} exists without the tag ${MANAGED_TAG.key}=${MANAGED_TAG.value}: Watchkeeper leaves it as it is`,
      );
      changes.push({
        action: "noop",
        kind: "alarm",
        target: spec.name,
        reason: NOT_OWNED_REASON,
        desired: spec,
        actual,
      });
      continue;
    }
    // A running silence is the alarm's actions turned off on purpose: never fight it.
    const silence = silenceOf(actual, options.now);
    const want: AlarmSpec = silence.off ? { ...spec, actionsEnabled: false } : spec;
    const diff = sameAlarmFields(actual, want)
      ? []
      : diffFields(alarmFields(actual), alarmFields(want), ALARM_FIELDS);
    const tags = tagDiff(want, actual);
    if (tags) diff.push(tags);
    if (silence.lift) diff.push({ field: SILENCE_FIELD, from: actual.tags[TAGS.silencedUntil], to: "ended" });
    const note = silence.off ? ` (silenced until ${actual.tags[TAGS.silencedUntil]}: actions stay off)` : "";
    if (diff.length === 0) {
      changes.push({
        action: "noop",
        kind: "alarm",
        target: spec.name,
        reason: `up to date${note}`,
        desired: want,
        actual,
      });
    } else {
      changes.push({
        action: "update",
        kind: "alarm",
        target: spec.name,
        reason: `differs in ${diff.map((d) => d.field).join(", ")}${note}`,
        desired: want,
        actual,
        diff,
      });
    }
  }
  const deleteReason = deleteReasons(inventory, policy, options.catalog ?? CATALOG);
  for (const actual of unclaimed.values()) {
    const openBreaker = actual.tags[OPEN_BREAKER_TAG];
    if (actual.managed && openBreaker !== undefined) {
      // The breaker's record (what to restore) lives on its trip alarm: deleting it would strand the function.
      changes.push({
        action: "noop",
        kind: "alarm",
        target: actual.name,
        reason: `kept: it holds the record of a circuit breaker that is ${openBreaker}; reset the breaker first`,
        actual,
      });
    } else if (actual.managed) {
      changes.push({
        action: "delete",
        kind: "alarm",
        target: actual.name,
        reason: `no longer needed: ${deleteReason(actual)}`,
        actual,
      });
    } else {
      changes.push({ action: "noop", kind: "alarm", target: actual.name, reason: NOT_OWNED_REASON, actual });
    }
  }
  const seen = holdUnseen(changes, inventory, options.catalog ?? CATALOG, options.ownedUnread);
  return { changes: inActionOrder(seen), desired, warnings: planner.warnings };
}
