/**
 * Independent checks of how a generated dashboard shows the planned alarms: the status widgets list each
 * planned alarm once and nothing else, each near what it watches (aggregates at the top, a resource's own
 * alarms under the section that draws its kind, the rest at the end); every annotation names a planned
 * alarm that watches what the graph showed before it was annotated, and changes nothing else about it.
 * They read the JSON as CloudWatch would, with lib/sim's query parser rather than the generator's.
 */
import { isDeepStrictEqual } from "node:util";
import type { DashboardSpec } from "../../dashboards/index.js";
import type { AlarmSpec } from "../../lib/alarms/index.js";
import type { Inventory, ResourceKind } from "../../lib/inventory/types.js";
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

/** The service sections' headings, top to bottom. */
const SERVICES = ["Lambda", "SQS", "Kinesis", "API Gateway", "DynamoDB", "Step Functions", "EventBridge"];

/** The section each kind is drawn in; kinds without one (SNS topics, log groups) have their alarms at the end. */
const SERVICE_OF_KIND: Partial<Record<ResourceKind, string>> = {
  "lambda-function": "Lambda",
  "sqs-queue": "SQS",
  "kinesis-stream": "Kinesis",
  "rest-api": "API Gateway",
  "http-api": "API Gateway",
  "websocket-api": "API Gateway",
  "dynamodb-table": "DynamoDB",
  "state-machine": "Step Functions",
  "eventbridge-rule": "EventBridge",
};

/** The end: after every section. */
const END = SERVICES.length + 1;

/** Where an alarm's status belongs: 0 at the top, 1–7 under that service's section, END at the end. */
function placeOf(kindOf: ReadonlyMap<string, ResourceKind>): (alarm: Pick<AlarmSpec, "origin">) => number {
  return (alarm) => {
    if (alarm.origin.level === "aggregate") return 0;
    const kind = alarm.origin.resourceArn && kindOf.get(alarm.origin.resourceArn);
    const service = kind ? SERVICE_OF_KIND[kind] : undefined;
    return service ? SERVICES.indexOf(service) + 1 : END;
  };
}

const kindsOf = (inventory: Inventory) => new Map(inventory.resources.map((r) => [r.arn, r.kind]));

/**
 * What the status widgets should list, in order: aggregates by name, then each service's per-resource
 * alarms by name, services top to bottom, then those of resources no section draws, by name.
 */
export function expectedStatusArns(inventory: Inventory, alarms: readonly AlarmSpec[]): string[] {
  const place = placeOf(kindsOf(inventory));
  return alarms
    .map((alarm) => ({ place: place(alarm), name: alarm.name }))
    .sort((a, b) => a.place - b.place || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(({ name }) => arnOf(inventory, name));
}

/** A service section's heading: its place (1–7); undefined for any other widget. */
function headingPlace(widget: BodyWidget): number | undefined {
  const heading = /^## (.+)/.exec(widget.properties.markdown?.split("\n")[0] ?? "")?.[1];
  const at = heading === undefined ? -1 : SERVICES.indexOf(heading);
  return at < 0 ? undefined : at + 1;
}

/**
 * Each status widget's alarms sit where they belong, reading the parts in sequence: aggregates above the
 * first section, a resource's own alarms under its section's heading (or, when that section drew nothing,
 * under the one before it), the rest after the last section.
 */
export function statusPlacementProblems(
  inventory: Inventory,
  alarms: readonly AlarmSpec[],
  specs: readonly DashboardSpec[],
): string[] {
  const place = placeOf(kindsOf(inventory));
  const byArn = new Map(alarms.map((a) => [arnOf(inventory, a.name), a]));
  const widgets = specs.flatMap((spec) => widgetsOf(spec).slice(1));
  const headings = widgets.map(headingPlace).filter((p): p is number => p !== undefined);
  const under = (p: number) => Math.max(0, ...headings.filter((h) => h <= p));
  const name = (p: number) => (p === 0 ? "the top" : p === END ? "the end" : `## ${SERVICES[p - 1]}`);
  const problems: string[] = [];
  let current = 0;
  for (const widget of widgets) {
    current = headingPlace(widget) ?? current;
    if (widget.type !== "alarm") continue;
    for (const arn of widget.properties.alarms ?? []) {
      const alarm = byArn.get(arn);
      if (!alarm) problems.push(`${arn} is listed but not planned`);
      else if (current !== under(place(alarm)))
        problems.push(`${alarm.name} is listed under ${name(current)}, not ${name(under(place(alarm)))}`);
    }
  }
  return problems;
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
  problems.push(...statusPlacementProblems(inventory, alarms, annotated));
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
