/**
 * Independent checks of how a generated dashboard shows the planned alarms: the status widgets list each
 * planned alarm once, aggregates first, and nothing else; every annotation names a planned alarm that
 * watches what the graph showed before it was annotated, and changes nothing else about the graph.
 * They read the JSON as CloudWatch would, with lib/sim's query parser rather than the generator's.
 */
import { isDeepStrictEqual } from "node:util";
import type { DashboardSpec } from "../../dashboards/index.js";
import type { AlarmSpec } from "../../lib/alarms/index.js";
import type { Inventory } from "../../lib/inventory/types.js";
import { parseInsightsQuery } from "../../lib/sim/metrics.js";
import { arnOf } from "./fixtures.js";

interface Props {
  readonly [key: string]: unknown;
  readonly title?: string;
  readonly markdown?: string;
  readonly alarms?: readonly string[];
  readonly metrics?: readonly (readonly unknown[])[];
  readonly stat?: string;
  readonly period?: number;
  readonly annotations?: {
    readonly alarms?: readonly string[];
    readonly horizontal?: readonly { readonly value: number; readonly label?: string }[];
  };
}

interface BodyWidget {
  readonly type: string;
  readonly width: number;
  readonly height: number;
  readonly properties: Props;
}

const widgetsOf = (spec: DashboardSpec) => (JSON.parse(spec.body) as { widgets: BodyWidget[] }).widgets;

/** What the status widgets should list: aggregates by name, then per-resource alarms by name. */
export function expectedStatusArns(inventory: Inventory, alarms: readonly AlarmSpec[]): string[] {
  const names = (level: boolean) =>
    alarms
      .filter((a) => (a.origin.level === "aggregate") === level)
      .map((a) => a.name)
      .sort();
  return [...names(true), ...names(false)].map((name) => arnOf(inventory, name));
}

/** Every ARN the alarm status widgets list, across the parts, in order. */
export function statusArnsShown(specs: readonly DashboardSpec[]): string[] {
  return specs.flatMap((spec) =>
    widgetsOf(spec)
      .filter((w) => w.type === "alarm")
      .flatMap((w) => w.properties.alarms ?? []),
  );
}

/**
 * The graphs and section headings, in order across the parts, without their place (the alarm status
 * above them moves them down): no headers, alarm status or findings.
 */
function sectionWidgets(specs: readonly DashboardSpec[]): BodyWidget[] {
  return specs.flatMap((spec) =>
    widgetsOf(spec)
      .slice(1)
      .filter(
        (w) =>
          w.type !== "alarm" &&
          !w.properties.markdown?.startsWith("## Watchkeeper alarms") &&
          !w.properties.markdown?.startsWith("## Findings"),
      )
      .map(({ type, width, height, properties }) => ({ type, width, height, properties })),
  );
}

const without = (props: Props, ...keys: string[]) =>
  Object.fromEntries(Object.entries(props).filter(([key]) => !keys.includes(key)));

/** `[ns, name, dim, value, ..., {rendering}]` → comparable metric and its statistic. */
function explicitLine(item: readonly unknown[], widgetStat: string | undefined) {
  const strings = item.filter((part): part is string => typeof part === "string");
  const rendering = item.find((part) => typeof part === "object") as { stat?: string } | undefined;
  const dims: string[] = [];
  for (let k = 2; k + 1 < strings.length; k += 2) dims.push(`${strings[k]}=${strings[k + 1]}`);
  return {
    namespace: strings[0],
    metricName: strings[1],
    dims: dims.sort(),
    stat: rendering?.stat ?? widgetStat,
  };
}

/** An alarm graph: the graph it replaced drew exactly the alarm's metric, statistic and period. */
function alarmGraphProblem(annotated: BodyWidget, plain: BodyWidget, alarm: AlarmSpec | undefined): string {
  const title = plain.properties.title;
  const metric = alarm?.metric;
  if (!metric) return `${title}: the annotation names no planned single-metric alarm`;
  const items = plain.properties.metrics ?? [];
  if (items.length !== 1 || typeof items[0]![0] !== "string") return `${title}: drew ${items.length} series`;
  const line = explicitLine(items[0]!, plain.properties.stat);
  const watched = {
    namespace: metric.namespace,
    metricName: metric.metricName,
    dims: metric.dimensions.map((d) => `${d.name}=${d.value}`).sort(),
    stat: metric.statistic ?? metric.extendedStatistic,
  };
  if (!isDeepStrictEqual(line, watched) || plain.properties.period !== metric.period)
    return `${title}: drew ${JSON.stringify(line)} every ${plain.properties.period} s, not what ${alarm.name} watches`;
  const rest = without(annotated.properties, "annotations");
  if (!isDeepStrictEqual(rest, without(plain.properties, "metrics", "stat", "period")))
    return `${title}: more than the metrics changed`;
  return "";
}

/** Threshold lines: each is a planned Metrics Insights alarm's threshold, on its metric, over every line. */
function thresholdProblems(
  annotated: BodyWidget,
  plain: BodyWidget,
  byName: ReadonlyMap<string, AlarmSpec>,
): string[] {
  const title = plain.properties.title;
  const before = plain.properties.annotations?.horizontal ?? [];
  const after = annotated.properties.annotations?.horizontal ?? [];
  if (!isDeepStrictEqual(after.slice(0, before.length), before)) return [`${title}: lost its own lines`];
  if (
    !isDeepStrictEqual(without(annotated.properties, "annotations"), without(plain.properties, "annotations"))
  )
    return [`${title}: more than its annotations changed`];
  return after.slice(before.length).flatMap((line) => {
    const alarm = byName.get(line.label?.split(" ")[0] ?? "");
    const query = alarm?.metrics?.length === 1 ? alarm.metrics[0]!.expression : undefined;
    if (!alarm || query === undefined || alarm.threshold !== line.value)
      return [`${title}: line ${JSON.stringify(line)} is no planned query alarm's threshold`];
    const watched = parseInsightsQuery(query);
    const sameMetric = (namespace: unknown, metricName: unknown, stat: unknown) =>
      namespace === watched.namespace && metricName === watched.metricName && stat === watched.stat;
    const shown = (plain.properties.metrics ?? []).every((item) => {
      if (typeof item[0] === "string") {
        const l = explicitLine(item, plain.properties.stat);
        return sameMetric(l.namespace, l.metricName, l.stat);
      }
      const q = parseInsightsQuery((item[0] as { expression: string }).expression);
      return sameMetric(q.namespace, q.metricName, q.stat);
    });
    return shown ? [] : [`${title}: ${alarm.name} does not watch every line of the graph`];
  });
}

/**
 * Problems with the alarms of `annotated` (generated with `alarms`), compared with `plain` (the same
 * inventory and options without alarms); empty when every alarm is shown as it should be.
 */
export function alarmProblems(
  inventory: Inventory,
  alarms: readonly AlarmSpec[],
  annotated: readonly DashboardSpec[],
  plain: readonly DashboardSpec[],
): string[] {
  const problems: string[] = [];
  const expected = expectedStatusArns(inventory, alarms);
  const listed = statusArnsShown(annotated);
  if (!isDeepStrictEqual(listed, expected))
    problems.push(
      `the status widgets list ${listed.length} ARNs, not the ${expected.length} planned ones in order`,
    );
  const byArn = new Map(alarms.map((a) => [arnOf(inventory, a.name), a]));
  const byName = new Map(alarms.map((a) => [a.name, a]));
  const graphs = sectionWidgets(annotated);
  const before = sectionWidgets(plain);
  if (graphs.length !== before.length) return [...problems, `${graphs.length} widgets, not ${before.length}`];
  for (const [i, graph] of graphs.entries()) {
    const was = before[i]!;
    if (isDeepStrictEqual(graph, was)) continue;
    if (graph.type !== was.type || graph.width !== was.width || graph.height !== was.height)
      problems.push(`${was.properties.title}: moved or resized`);
    const alarm = graph.properties.annotations?.alarms;
    if (alarm) problems.push(alarmGraphProblem(graph, was, byArn.get(alarm[0]!)));
    else problems.push(...thresholdProblems(graph, was, byName));
  }
  return problems.filter((problem) => problem !== "");
}

/** How many graphs carry an alarm, and how many a threshold line: for tests that want some of each. */
export function annotationCounts(specs: readonly DashboardSpec[]): { alarms: number; thresholds: number } {
  const graphs = sectionWidgets(specs);
  return {
    alarms: graphs.filter((w) => w.properties.annotations?.alarms).length,
    thresholds: graphs.filter((w) =>
      w.properties.annotations?.horizontal?.some((line) => line.label?.startsWith("watchkeeper-")),
    ).length,
  };
}
