/**
 * The generator: inventory + alarms (+ findings) → one or a few dashboard bodies. Pure and
 * deterministic: the same inputs give byte-identical bodies.
 */
import type { AlarmSpec } from "../lib/alarms/spec.js";
import { indexInventory } from "../lib/inventory/query.js";
import type { Inventory } from "../lib/inventory/types.js";
import { alarmStatusBlocks, groupAlarms } from "./alarms.js";
import { annotateBlock, graphAlarms } from "./annotate.js";
import { resolveLimits, validateDashboardName, type DashboardLimits } from "./limits.js";
import { findingsBlock, headerWidget } from "./layout.js";
import {
  DEFAULT_EXPLICIT_THRESHOLD,
  DEFAULT_TOP_N,
  SECTIONS,
  type Block,
  type SectionContext,
} from "./sections/index.js";
import { splitIntoDashboards, type BodyMeasure, type SplitPart } from "./split.js";

export const DEFAULT_DASHBOARD_PREFIX = "watchkeeper-";

export interface DashboardOptions {
  /** Name prefix of everything Watchkeeper owns; default `watchkeeper-`. */
  readonly prefix?: string;
  /** Shown in the header; default: the inventory's `discoveredAt`. */
  readonly generatedAt?: string;
  /**
   * Watchkeeper's alarms: the alarm plan's desired specs. Their status is listed near what they watch
   * (the account-wide aggregates at the top, each service's per-resource alarms after its section), and
   * each is drawn on the graphs of the metric it watches.
   */
  readonly alarms?: readonly AlarmSpec[];
  /** Runbooks location, ending with "/"; the header links to `<runbookBaseUrl>README.md`. */
  readonly runbookBaseUrl?: string;
  /** Findings summary in Markdown (lib/findings renders it), shown under the account-wide alarms' status. */
  readonly findingsMarkdown?: string;
  /** Overrides of CloudWatch's limits (only lower values make sense). */
  readonly limits?: Partial<DashboardLimits>;
  /** Resources of a kind drawn one by one up to this count; above it, Metrics Insights top N. */
  readonly explicitThreshold?: number;
  readonly topN?: number;
}

/** One dashboard to write. */
export interface DashboardSpec {
  readonly name: string;
  /** The DashboardBody string: canonical JSON. */
  readonly body: string;
  /** 1-based; `parts` dashboards in all. */
  readonly part: number;
  readonly parts: number;
  readonly measure: BodyMeasure;
}

/**
 * The first dashboard's name: `<prefix>dashboard-<region>`. Dashboards are global to the account, not
 * regional, so the region is in the name: runs in two regions never write or delete each other's.
 */
export function dashboardBaseName(prefix: string, region: string): string {
  return validateDashboardName(`${prefix}dashboard-${region}`);
}

export function generateDashboards(inventory: Inventory, options: DashboardOptions = {}): DashboardSpec[] {
  const limits = resolveLimits(options.limits);
  const explicitThreshold = options.explicitThreshold ?? DEFAULT_EXPLICIT_THRESHOLD;
  const topN = options.topN ?? DEFAULT_TOP_N;
  if (!Number.isInteger(explicitThreshold) || explicitThreshold < 0) {
    throw new Error(`explicitThreshold must be a whole number of resources, got ${explicitThreshold}`);
  }
  if (options.runbookBaseUrl !== undefined && !options.runbookBaseUrl.endsWith("/")) {
    throw new Error(`runbookBaseUrl must end with "/", got ${options.runbookBaseUrl}`);
  }
  const base = dashboardBaseName(options.prefix ?? DEFAULT_DASHBOARD_PREFIX, inventory.region);
  const context: SectionContext = {
    inventory,
    index: indexInventory(inventory),
    region: inventory.region,
    explicitThreshold,
    topN,
    limits,
  };
  const alarms = options.alarms ?? [];
  const groups = groupAlarms(alarms, SECTIONS, context.index);
  const status = (group: string, specs: readonly AlarmSpec[]) =>
    alarmStatusBlocks(group, specs, inventory, limits);
  const findings = options.findingsMarkdown?.trim() ? [findingsBlock(options.findingsMarkdown.trim())] : [];
  const onGraphs = graphAlarms(alarms, inventory);
  // Each service's graphs, then the status of its resources' own alarms: an alarm next to what it watches,
  // and thousands of them never push the graphs off the first dashboard.
  const sections = SECTIONS.flatMap((section) => [
    ...section.blocks(context).map((block) => annotateBlock(block, onGraphs)),
    ...status(section.title, groups.bySection.get(section.id) ?? []),
  ]);
  // The account-wide alarms' state first: it is what someone opening the dashboard at 3 a.m. needs.
  const blocks: Block[] = [
    ...status("account-wide", groups.aggregates),
    ...findings,
    ...sections,
    ...status("other resources", groups.others),
  ];
  const generatedAt = options.generatedAt ?? inventory.discoveredAt;
  const parts = splitIntoDashboards(
    base,
    blocks,
    (names, part) =>
      headerWidget({
        accountId: inventory.accountId,
        region: inventory.region,
        generatedAt,
        resourceCount: inventory.resources.length,
        ...(options.runbookBaseUrl !== undefined ? { runbookBaseUrl: options.runbookBaseUrl } : {}),
        names,
        part,
      }),
    limits,
  );
  return dashboardSpecs(parts);
}

/** The parts a split made, numbered for writing. */
export function dashboardSpecs(parts: readonly SplitPart[]): DashboardSpec[] {
  return parts.map((part, i) => ({
    name: part.name,
    body: part.body,
    part: i + 1,
    parts: parts.length,
    measure: part.measure,
  }));
}

/**
 * The bodies for review (`watchkeeper dashboard --out FILE`): one dashboard's body as indented JSON,
 * ready for `aws cloudwatch put-dashboard --dashboard-body file://FILE`; several as `{ name: body }`.
 */
export function reviewJson(specs: readonly DashboardSpec[]): string {
  const parsed = specs.map((spec) => [spec.name, JSON.parse(spec.body) as unknown] as const);
  const value = parsed.length === 1 ? parsed[0]![1] : Object.fromEntries(parsed);
  return `${JSON.stringify(value, null, 2)}\n`;
}
