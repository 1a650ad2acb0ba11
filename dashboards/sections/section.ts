/**
 * What a dashboard section is, and the one rule every section shares for choosing between explicit
 * metrics and a Metrics Insights top-N query. Each service module only says which metrics matter and
 * how a resource is named in them.
 */
import type { InventoryIndex } from "../../lib/inventory/query.js";
import type { Inventory, Resource, ResourceKind, ResourceOfKind } from "../../lib/inventory/types.js";
import { isIgnored } from "../../lib/policy/index.js";
import type { DashboardLimits } from "../limits.js";
import {
  insightsWidget,
  metricWidget,
  textWidget,
  type Dimension,
  type InsightsFunction,
  type Statistic,
  type Widget,
} from "../widgets.js";

/** The alarm catalog's period for every metric (1-minute datapoints). */
export const PERIOD_SECONDS = 60;

/**
 * Up to this many resources of a kind, a section draws each one explicitly (exact dimensions, and
 * percentiles work). Above it, one Metrics Insights query per metric shows the top N: a graph with
 * more lines than that is unreadable anyway, the query covers resources created after the dashboard
 * was written, and its size does not grow with the account.
 */
export const DEFAULT_EXPLICIT_THRESHOLD = 10;
export const DEFAULT_TOP_N = 10;

/** Widgets that stay together on one dashboard when the dashboard is split. */
export interface Block {
  readonly widgets: readonly Widget[];
}

export interface SectionContext {
  readonly inventory: Inventory;
  readonly index: InventoryIndex;
  readonly region: string;
  readonly explicitThreshold: number;
  readonly topN: number;
  readonly limits: DashboardLimits;
}

export interface ServiceSection {
  readonly id: string;
  readonly title: string;
  /** The resource kinds it draws: the status of their own alarms follows the section (alarms.ts). */
  readonly kinds: readonly ResourceKind[];
  /** No blocks when the account has nothing of this service. */
  blocks(context: SectionContext): Block[];
}

/** One metric a section shows, with the statistic the alarm catalog recommends. */
export interface DashboardMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly stat: Statistic;
  /** Ranking function for the top-N query; Metrics Insights has no percentiles, so p99 ranks by MAX. */
  readonly insights: InsightsFunction;
  /** Widget title, e.g. "Errors (Sum)". */
  readonly title: string;
  /** Where the statistic comes from. */
  readonly source: string;
  /**
   * The top-N title's noun when another kind publishes the metric with the same dimensions, so its query
   * ranks both ("HTTP and WebSocket APIs"); default the section's noun.
   */
  readonly topNoun?: string;
}

/** How one resource appears in a metric: its dimensions and the label to draw. */
export interface MetricTarget {
  readonly label: string;
  readonly dimensions: readonly Dimension[];
}

export interface PerResourceOptions<R extends Resource> {
  readonly metrics: readonly DashboardMetric[];
  readonly resources: readonly R[];
  readonly target: (resource: R) => MetricTarget;
  /** The exact dimension set for the query's SCHEMA; absent: every dimension set (FROM the namespace). */
  readonly schema?: readonly string[];
  readonly groupBy: readonly string[];
  /** Plural noun for top-N titles: "functions", "queues". */
  readonly noun: string;
  /** Put before explicit widgets' titles when a section has several kinds: "REST". */
  readonly subject?: string;
}

export function labelNeeded(target: MetricTarget): boolean {
  return target.dimensions.length !== 1 || target.dimensions[0]!.value !== target.label;
}

/** Resources a section draws: ignored ones (`watchkeeper:ignore=true`) are left out, order is by ARN. */
export function shown<R extends Resource>(resources: readonly R[]): R[] {
  return resources
    .filter((r) => !isIgnored(r.tags))
    .sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
}

/** Width that puts `count` widgets side by side: 2 → 12 columns, 3 → 8, 4 or more → 6 (wrapping). */
export function rowWidth(count: number): number {
  return Math.min(12, Math.max(6, Math.floor(24 / Math.max(1, count))));
}

/** One widget per metric: every resource explicitly when few, otherwise the top N by a Metrics Insights query. */
export function perResourceWidgets<R extends Resource>(
  context: SectionContext,
  options: PerResourceOptions<R>,
): Widget[] {
  const { resources, metrics } = options;
  if (resources.length === 0) return [];
  const width = rowWidth(metrics.length);
  if (resources.length <= context.explicitThreshold) {
    const targets = resources.map(options.target);
    return metrics.map((metric) =>
      metricWidget({
        title: options.subject ? `${options.subject} ${metric.title}` : metric.title,
        region: context.region,
        stat: metric.stat,
        period: PERIOD_SECONDS,
        width,
        metrics: targets.map((target) => ({
          namespace: metric.namespace,
          metricName: metric.metricName,
          dimensions: target.dimensions,
          // CloudWatch labels a line by its dimension value; a label is only written when that is not the name.
          ...(labelNeeded(target) ? { label: target.label } : {}),
        })),
      }),
    );
  }
  return metrics.map((metric) =>
    insightsWidget({
      title: `Top ${context.topN} ${metric.topNoun ?? options.noun} by ${metric.title}`,
      region: context.region,
      period: PERIOD_SECONDS,
      width,
      query: {
        fn: metric.insights,
        namespace: metric.namespace,
        metricName: metric.metricName,
        ...(options.schema ? { schema: options.schema } : {}),
        groupBy: options.groupBy,
        limit: context.topN,
      },
    }),
  );
}

/** "1 function" / "1,234 functions" */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? singular : plural}`;
}

/** A section's title bar: a heading and one line saying what is shown and how. */
export function sectionHeader(title: string, summary: string): Widget {
  return textWidget(`## ${title}\n\n${summary}`, { height: 2 });
}

/** "drawn one by one" or "top 10 by Metrics Insights", for section summaries. */
export function howShown(context: SectionContext, n: number): string {
  return n <= context.explicitThreshold ? "each drawn" : `top ${context.topN} by Metrics Insights`;
}

export const RECOMMENDED_ALARMS =
  "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Best_Practice_Recommended_Alarms_AWS_Services.html";

/** A section that draws one resource kind with one row of widgets: most services need nothing more. */
export interface KindSectionSpec<K extends ResourceKind> extends Omit<
  PerResourceOptions<ResourceOfKind<K>>,
  "resources"
> {
  readonly id: string;
  readonly title: string;
  readonly kind: K;
  /** Singular noun for the header count: "stream". */
  readonly singular: string;
}

export function kindSection<K extends ResourceKind>(spec: KindSectionSpec<K>): ServiceSection {
  const { id, title, kind, singular, ...options } = spec;
  return {
    id,
    title,
    kinds: [kind],
    blocks(context) {
      const resources = shown(context.index.ofKind(kind));
      if (resources.length === 0) return [];
      const header = sectionHeader(
        title,
        `${count(resources.length, singular)} (${howShown(context, resources.length)}).`,
      );
      return [{ widgets: [header, ...perResourceWidgets(context, { ...options, resources })] }];
    },
  };
}
