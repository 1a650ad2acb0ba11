/**
 * Splitting into numbered dashboards: `<base>`, `<base>-2`, `<base>-3`, ... when one body would exceed a
 * limit. Blocks are packed in order, so the dashboards still read top-down; each part starts with a
 * header that links to every part, and the header's size depends on how many parts there are, so the
 * packing is repeated until the count is stable.
 */
import { canonicalJson } from "../lib/plan/change.js";
import { validateDashboardName, type DashboardLimits } from "./limits.js";
import { placeWidgets } from "./layout.js";
import type { Block } from "./sections/section.js";
import { metricCount, type DashboardBody, type Widget } from "./widgets.js";

/** `items` in consecutive runs of at most `size`: what one widget or one dashboard can hold. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}

/** `<base>` for the first part, `<base>-N` for the others. */
export function partName(base: string, index: number): string {
  return validateDashboardName(index === 0 ? base : `${base}-${index + 1}`);
}

export function partNames(base: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => partName(base, i));
}

/** True when `name` is `base` or `base-N` (N ≥ 2): the only names a run may write or delete. */
export function isPartName(base: string, name: string): boolean {
  if (name === base) return true;
  if (!name.startsWith(`${base}-`)) return false;
  return /^[1-9][0-9]*$/.test(name.slice(base.length + 1)) && Number(name.slice(base.length + 1)) >= 2;
}

/** The body as written: widgets placed top-down, keys sorted, so equal inputs give equal bytes. */
export function renderBody(widgets: readonly Widget[]): string {
  const body: DashboardBody = { start: "-PT3H", widgets: placeWidgets(widgets) };
  return canonicalJson(body);
}

export interface BodyMeasure {
  readonly widgets: number;
  readonly metrics: number;
  readonly maxWidgetMetrics: number;
  readonly maxAlarmsPerWidget: number;
  readonly bytes: number;
}

export function measure(widgets: readonly Widget[], body = renderBody(widgets)): BodyMeasure {
  const perWidget = widgets.map(metricCount);
  return {
    widgets: widgets.length,
    metrics: perWidget.reduce((a, b) => a + b, 0),
    maxWidgetMetrics: Math.max(0, ...perWidget),
    maxAlarmsPerWidget: Math.max(
      0,
      ...widgets.map((w) => (w.type === "alarm" ? w.properties.alarms.length : 0)),
    ),
    bytes: Buffer.byteLength(body, "utf8"),
  };
}

/** Which limits a body breaks, in words; empty when it fits. */
export function limitViolations(m: BodyMeasure, limits: DashboardLimits): string[] {
  const problems: string[] = [];
  if (m.widgets > limits.widgetsPerDashboard)
    problems.push(`${m.widgets} widgets > ${limits.widgetsPerDashboard}`);
  if (m.maxWidgetMetrics > limits.metricsPerWidget) {
    problems.push(`a widget with ${m.maxWidgetMetrics} metrics > ${limits.metricsPerWidget}`);
  }
  if (m.metrics > limits.metricsPerDashboard)
    problems.push(`${m.metrics} metrics > ${limits.metricsPerDashboard}`);
  if (m.maxAlarmsPerWidget > limits.alarmsPerAlarmWidget) {
    problems.push(`an alarm widget with ${m.maxAlarmsPerWidget} alarms > ${limits.alarmsPerAlarmWidget}`);
  }
  if (m.bytes > limits.bodyBytes) problems.push(`${m.bytes} bytes > ${limits.bodyBytes}`);
  return problems;
}

export interface SplitPart {
  readonly name: string;
  readonly widgets: readonly Widget[];
  readonly body: string;
  readonly measure: BodyMeasure;
}

/**
 * Packs `blocks` after a header into as few dashboards as the limits allow. `header(names, part)` builds
 * each part's header from the final list of names.
 */
export function splitIntoDashboards(
  base: string,
  blocks: readonly Block[],
  header: (names: readonly string[], part: number) => Widget,
  limits: DashboardLimits,
): SplitPart[] {
  let count = 1;
  // Each pass can only need more parts than the last (a longer header leaves less room), so this ends.
  for (let pass = 0; pass <= blocks.length + 1; pass++) {
    const names = partNames(base, count);
    const parts = pack(names, blocks, header, limits);
    if (parts.length === count) return parts;
    count = Math.max(count + 1, parts.length);
  }
  throw new Error(`could not split the dashboard ${base} into parts that fit CloudWatch's limits`);
}

function pack(
  names: readonly string[],
  blocks: readonly Block[],
  header: (names: readonly string[], part: number) => Widget,
  limits: DashboardLimits,
): SplitPart[] {
  const parts: SplitPart[] = [];
  // Names past the planned count are placeholders: that pass is thrown away and redone with more names.
  const nameOf = (i: number) => names[i] ?? `${names[0]}-${i + 1}`;
  const start = (i: number) => [header(names, Math.min(i, names.length - 1))];
  const finish = (i: number, widgets: Widget[]): SplitPart => {
    const body = renderBody(widgets);
    return { name: nameOf(i), widgets, body, measure: measure(widgets, body) };
  };
  let widgets = start(0);
  let used = 0;
  for (const block of blocks) {
    const candidate = [...widgets, ...block.widgets];
    if (limitViolations(measure(candidate), limits).length === 0) {
      widgets = candidate;
      used += 1;
      continue;
    }
    if (used === 0) throw oversized(block, limits);
    parts.push(finish(parts.length, widgets));
    widgets = [...start(parts.length), ...block.widgets];
    used = 1;
    const problems = limitViolations(measure(widgets), limits);
    if (problems.length > 0) throw oversized(block, limits, problems);
  }
  parts.push(finish(parts.length, widgets));
  return parts;
}

function oversized(block: Block, limits: DashboardLimits, problems?: string[]): Error {
  const detail = problems ?? limitViolations(measure(block.widgets), limits);
  const titles = block.widgets.map((w) => ("title" in w.properties ? w.properties.title : w.type)).join(", ");
  return new Error(
    `a dashboard block (${titles}) does not fit in one dashboard even alone (${detail.join("; ")}); ` +
      "raise the body size budget or lower the rows per widget",
  );
}
