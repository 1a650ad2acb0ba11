import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { generateDashboards, reviewJson } from "../../../dashboards/index.js";
import { planAlarms, type AlarmSpec } from "../../../lib/alarms/index.js";
import { planBreakerAlarms } from "../../../lib/breaker/index.js";
import type { WatchkeeperConfig } from "../../../lib/config/index.js";
import { renderSummaryMarkdown, runChecks, summarizeFindings } from "../../../lib/findings/index.js";
import type { Inventory } from "../../../lib/inventory/types.js";
import { plural } from "../../../lib/plural.js";
import { UsageError } from "../errors.js";
import type { CommandContext } from "../main.js";
import { discover } from "./inventory.js";
import { configOf } from "./plan.js";
import { globalOptions } from "./shared.js";

/**
 * The alarms a reconcile run plans for the inventory and shows on the dashboard (its `alarms.plan.desired`,
 * lib/reconcile/account.ts): the catalog's, with the breaker's trip alarms as extra specs, through the same
 * `planAlarms`. What exists changes only how they are written, not which are wanted, so none are read.
 */
export function desiredAlarms(inventory: Inventory, config: WatchkeeperConfig): readonly AlarmSpec[] {
  const trip = planBreakerAlarms(inventory, config.breaker, config.alarms);
  return planAlarms(inventory, config.alarms, [], { extra: trip.specs }).desired;
}

export function registerDashboard(program: Command, context: CommandContext): void {
  program
    .command("dashboard")
    .description("generate the dashboard body JSON for review (writes nothing to AWS)")
    .requiredOption("--out <file>", "where to write the body JSON ('-' for stdout)")
    .action(async (flags: { out: string }, command: Command) => {
      const options = globalOptions(command);
      const config = configOf(options);
      const inventory = await discover(context.io, await context.openSession(options));
      // What apply would write: the alarms it plans, in the status widgets and on the graphs.
      const specs = generateDashboards(inventory, {
        prefix: config.prefix,
        runbookBaseUrl: config.runbookBaseUrl,
        alarms: desiredAlarms(inventory, config),
        findingsMarkdown: renderSummaryMarkdown(summarizeFindings(runChecks(inventory))),
      });
      const json = reviewJson(specs);
      if (flags.out === "-") return context.io.out(json);
      try {
        writeFileSync(flags.out, json);
      } catch (error) {
        throw new UsageError(`--out ${flags.out}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const sizes = specs.map(
        (s) => `${s.name} (${plural(s.measure.widgets, "widget")}, ${plural(s.measure.bytes, "byte")})`,
      );
      context.io.out(
        `Wrote ${specs.length} dashboard ${specs.length === 1 ? "body" : "bodies"} to ${flags.out}: ${sizes.join(", ")}\n`,
      );
    });
}
