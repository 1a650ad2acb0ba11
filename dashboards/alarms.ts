/**
 * The status of Watchkeeper's alarms (the alarm plan's desired specs), each near what it watches: the
 * account-wide aggregates at the top of the first dashboard, each service's per-resource alarms right
 * after that service's section, and those of resources no section draws at the end. Each alarm once, by
 * name within its group, in as many alarm status widgets as CloudWatch needs.
 */
import type { AlarmSpec } from "../lib/alarms/spec.js";
import { alarmArn } from "../lib/inventory/arn.js";
import type { InventoryIndex } from "../lib/inventory/query.js";
import type { Inventory, ResourceKind } from "../lib/inventory/types.js";
import type { DashboardLimits } from "./limits.js";
import type { Block, ServiceSection } from "./sections/section.js";
import { chunks } from "./split.js";
import { alarmStatusWidget, textWidget } from "./widgets.js";

/** Where the alarms live: the inventory's account and region. */
export type AlarmAccount = Pick<Inventory, "accountId" | "region">;

/** Each alarm once (the first given of a name), by name: the same plan in any order gives the same body. */
export function byNameOnce(alarms: readonly AlarmSpec[]): AlarmSpec[] {
  const once = new Map<string, AlarmSpec>();
  for (const alarm of alarms) if (!once.has(alarm.name)) once.set(alarm.name, alarm);
  return [...once.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The alarms by where the dashboard shows their status: each alarm in exactly one group, by name. */
export interface AlarmGroups {
  /** Account-wide aggregates: at the top of the first dashboard (one of them firing says the most). */
  readonly aggregates: readonly AlarmSpec[];
  /** Per-resource alarms by the id of the section that draws their resource: after that section. */
  readonly bySection: ReadonlyMap<string, readonly AlarmSpec[]>;
  /** Per-resource alarms of resources no section draws (SNS topics, or not in the inventory): at the end. */
  readonly others: readonly AlarmSpec[];
}

/** Groups the alarms: aggregates, per-resource alarms by the section of their resource's kind, the rest. */
export function groupAlarms(
  alarms: readonly AlarmSpec[],
  sections: readonly ServiceSection[],
  index: InventoryIndex,
): AlarmGroups {
  const sectionOfKind = new Map<ResourceKind, string>();
  for (const section of sections) {
    for (const kind of section.kinds) if (!sectionOfKind.has(kind)) sectionOfKind.set(kind, section.id);
  }
  const aggregates: AlarmSpec[] = [];
  const bySection = new Map<string, AlarmSpec[]>();
  const others: AlarmSpec[] = [];
  for (const alarm of byNameOnce(alarms)) {
    if (alarm.origin.level === "aggregate") {
      aggregates.push(alarm);
      continue;
    }
    const arn = alarm.origin.resourceArn;
    const kind = arn === undefined ? undefined : index.byArn(arn)?.kind;
    const section = kind === undefined ? undefined : sectionOfKind.get(kind);
    if (section === undefined) others.push(alarm);
    else if (bySection.has(section)) bySection.get(section)!.push(alarm);
    else bySection.set(section, [alarm]);
  }
  return { aggregates, bySection, others };
}

/** One widget holding every alarm of the group: tall enough for its rows of tiles, up to half a screen. */
function allAlarmsBlock(group: string, arns: readonly string[]): Block {
  const height = Math.min(12, 3 + Math.ceil(arns.length / 8));
  return {
    widgets: [
      alarmStatusWidget({ title: `Watchkeeper alarms: ${group} (${arns.length})`, alarms: arns, height }),
    ],
  };
}

/**
 * Widgets of up to `per` alarms that show only the alarms not OK, since a wall of green hides the red,
 * under a heading that says so. Each widget is a block of its own, so a long list may continue on the
 * next dashboard.
 */
function alarmsNotOkBlocks(group: string, arns: readonly string[], per: number): Block[] {
  const groups = chunks(arns, per);
  const count = arns.length.toLocaleString("en-US");
  const heading = textWidget(
    `## Watchkeeper alarms: ${group}\n\n${count} alarms in ${groups.length} widgets of up to ${per}; ` +
      "each shows only its alarms in ALARM or INSUFFICIENT_DATA.",
    { height: 2 },
  );
  return groups.map((arnsOfWidget, i) => {
    const widget = alarmStatusWidget({
      title: `Watchkeeper alarms: ${group}, not OK, ${i + 1}/${groups.length}`,
      alarms: arnsOfWidget,
      states: ["ALARM", "INSUFFICIENT_DATA"],
      width: 12,
      height: 6,
    });
    return { widgets: i === 0 ? [heading, widget] : [widget] };
  });
}

/**
 * The status of one group of alarms (`group` names it: "account-wide", a section's title), in the order
 * given, at most `alarmsPerAlarmWidget` (CloudWatch: 100) to a widget; no blocks for no alarms.
 */
export function alarmStatusBlocks(
  group: string,
  alarms: readonly AlarmSpec[],
  account: AlarmAccount,
  limits: DashboardLimits,
): Block[] {
  const arns = alarms.map((alarm) => alarmArn(account.region, account.accountId, alarm.name));
  if (arns.length === 0) return [];
  return arns.length <= limits.alarmsPerAlarmWidget
    ? [allAlarmsBlock(group, arns)]
    : alarmsNotOkBlocks(group, arns, limits.alarmsPerAlarmWidget);
}
