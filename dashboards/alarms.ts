/**
 * The status of Watchkeeper's alarms at the top of the dashboard: the alarm plan's desired specs, by
 * ARN, aggregates first, in as many alarm status widgets as CloudWatch needs.
 */
import type { AlarmSpec } from "../lib/alarms/spec.js";
import { alarmArn } from "../lib/inventory/arn.js";
import type { Inventory } from "../lib/inventory/types.js";
import type { DashboardLimits } from "./limits.js";
import type { Block } from "./sections/section.js";
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

/**
 * The alarms' ARNs, each once: account-wide aggregates first (one of them firing says the most), then
 * the per-resource alarms; by name within each.
 */
export function statusArns(alarms: readonly AlarmSpec[], account: AlarmAccount): string[] {
  const sorted = byNameOnce(alarms);
  const aggregates = sorted.filter((alarm) => alarm.origin.level === "aggregate");
  const individual = sorted.filter((alarm) => alarm.origin.level !== "aggregate");
  return [...aggregates, ...individual].map((alarm) =>
    alarmArn(account.region, account.accountId, alarm.name),
  );
}

/** One widget holding every alarm: tall enough for its rows of tiles, up to half a screen. */
function allAlarmsBlock(arns: readonly string[]): Block {
  const height = Math.min(12, 3 + Math.ceil(arns.length / 8));
  return {
    widgets: [alarmStatusWidget({ title: `Watchkeeper alarms (${arns.length})`, alarms: arns, height })],
  };
}

/**
 * Widgets of up to `per` alarms that show only the alarms not OK, since a wall of green hides the red,
 * under a heading that says so. Each widget is a block of its own, so a long list may continue on the
 * next dashboard.
 */
function alarmsNotOkBlocks(arns: readonly string[], per: number): Block[] {
  const groups = chunks(arns, per);
  const count = arns.length.toLocaleString("en-US");
  const heading = textWidget(
    `## Watchkeeper alarms\n\n${count} alarms in ${groups.length} widgets of up to ${per}, account-wide ` +
      "aggregates first; each shows only its alarms in ALARM or INSUFFICIENT_DATA.",
    { height: 2 },
  );
  return groups.map((group, i) => {
    const widget = alarmStatusWidget({
      title: `Watchkeeper alarms not OK, ${i + 1}/${groups.length}`,
      alarms: group,
      states: ["ALARM", "INSUFFICIENT_DATA"],
      width: 12,
      height: 6,
    });
    return { widgets: i === 0 ? [heading, widget] : [widget] };
  });
}

/** The status of the alarms, in the order given, at most `alarmsPerAlarmWidget` (CloudWatch: 100) to a widget. */
export function alarmStatusBlocks(arns: readonly string[], limits: DashboardLimits): Block[] {
  if (arns.length === 0) return [];
  return arns.length <= limits.alarmsPerAlarmWidget
    ? [allAlarmsBlock(arns)]
    : alarmsNotOkBlocks(arns, limits.alarmsPerAlarmWidget);
}
