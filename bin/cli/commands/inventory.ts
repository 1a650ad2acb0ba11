import type { Command } from "commander";
import {
  discoverInventory,
  summarizeInventory,
  type DiscoveryDetail,
  type Inventory,
} from "../../../lib/inventory/index.js";
import { plural } from "../../../lib/plural.js";
import { colorsFor, type Io } from "../io.js";
import type { CommandContext } from "../main.js";
import { withProgress } from "../progress.js";
import type { Session } from "../session.js";
import { formatTable } from "../table.js";
import { exitForGaps, renderInventoryGaps } from "../unread.js";
import { globalOptions, printJson } from "./shared.js";

export function registerInventory(program: Command, context: CommandContext): void {
  program
    .command("inventory")
    .description("discover the account's serverless resources and print a summary")
    .action(async (_options, command: Command) => {
      const options = globalOptions(command);
      const session = await context.openSession(options);
      const inventory = await discover(context.io, session);
      if (options.json) printJson(context.io, inventory);
      else context.io.out(renderInventory(inventory, context.io));
      exitForGaps(context, inventory.warnings);
    });
}

/** `detail: "reconcile"` reads what plan and apply use, exactly as the scheduled reconcile does. */
export function discover(io: Io, session: Session, detail: DiscoveryDetail = "full"): Promise<Inventory> {
  return withProgress(io, `Discovering ${session.label}`, (report) =>
    discoverInventory(session.aws, { onProgress: report, detail }),
  );
}

const MAX_LISTED = 8;

function listed(names: readonly string[]): string {
  const shown = names.slice(0, MAX_LISTED).join(", ");
  return names.length > MAX_LISTED ? `${shown}, and ${names.length - MAX_LISTED} more` : shown;
}

export function renderInventory(inventory: Inventory, io: Io): string {
  const c = colorsFor(io);
  const summary = summarizeInventory(inventory);
  const lines = [
    c.bold(`Inventory of account ${summary.accountId} in ${summary.region}`) +
      c.dim(` (discovered ${summary.discoveredAt})`),
    "",
    formatTable([
      ["kind", "count"],
      ...Object.entries(summary.counts).map(([kind, count]): [string, number] => [kind, count]),
    ]),
    "",
    `  ${plural(summary.eventSourceMappings, "event source mapping")}, ${plural(summary.deadLetterQueues, "dead-letter queue")}, ` +
      (summary.functionsWithReservedConcurrency === "not-read"
        ? "reserved concurrency not read"
        : `${plural(summary.functionsWithReservedConcurrency, "function")} with reserved concurrency`),
  ];
  const attention: string[] = [];
  if (summary.queuesWithoutDlq.length > 0) {
    attention.push(
      `${plural(summary.queuesWithoutDlq.length, "queue")} without a DLQ: ${listed(summary.queuesWithoutDlq)}`,
    );
  }
  if (summary.logGroupsNeverExpiring.length > 0) {
    attention.push(
      `${plural(summary.logGroupsNeverExpiring.length, "log group")} never ${summary.logGroupsNeverExpiring.length === 1 ? "expires" : "expire"}: ${listed(summary.logGroupsNeverExpiring)}`,
    );
  }
  if (attention.length > 0) lines.push("", c.yellow("Attention"), ...attention.map((line) => `  ${line}`));
  const other = summary.warnings.filter((w) => !w.covers && !w.unsupported);
  if (other.length > 0) {
    lines.push(
      "",
      c.yellow(`Read with ${other.length === 1 ? "a warning" : `${other.length} warnings`}`),
      ...other.map(
        (w) => `  ${w.service} ${w.operation}${w.resource ? ` ${w.resource}` : ""}: ${w.code}: ${w.message}`,
      ),
    );
  }
  return renderInventoryGaps(inventory.warnings, c) + lines.join("\n") + "\n";
}
