/** CPU time of the pure planning over one inventory: no I/O, each plan measured on its own. */
import type { ExistingAlarm } from "../../lib/alarms/spec.js";
import { planAlarms } from "../../lib/alarms/plan.js";
import type { WatchkeeperConfig } from "../../lib/config/schema.js";
import { runChecks } from "../../lib/findings/run.js";
import type { Inventory } from "../../lib/inventory/types.js";
import { planRetention } from "../../lib/logs/plan.js";
import { generateDashboards } from "../../dashboards/generate.js";

export interface PlanningCpu {
  readonly alarmsMs: number;
  readonly retentionMs: number;
  readonly findingsMs: number;
  readonly dashboardsMs: number;
  readonly totalMs: number;
}

function cpu(work: () => unknown): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

export function measurePlanning(
  inventory: Inventory,
  existing: readonly ExistingAlarm[],
  config: WatchkeeperConfig,
): PlanningCpu {
  const alarmsMs = cpu(() => planAlarms(inventory, config.alarms, existing));
  const retentionMs = cpu(() => planRetention(inventory, config.retention));
  const findingsMs = cpu(() => runChecks(inventory));
  const dashboardsMs = cpu(() => generateDashboards(inventory, { prefix: config.prefix }));
  return {
    alarmsMs,
    retentionMs,
    findingsMs,
    dashboardsMs,
    totalMs: alarmsMs + retentionMs + findingsMs + dashboardsMs,
  };
}
