import type { Command } from "commander";
import { retentionState, type RetentionStateRow } from "../../../lib/logs/index.js";
import { colorsFor, type Colors } from "../io.js";
import type { CommandContext } from "../main.js";
import { openSession } from "../session.js";
import { formatTable } from "../table.js";
import { discover } from "./inventory.js";
import { configOf } from "./plan.js";
import { globalOptions, printJson } from "./shared.js";

export function registerRetention(program: Command, context: CommandContext): void {
  program
    .command("retention")
    .description("show each log group's retention now and after apply")
    .action(async (_flags, command: Command) => {
      const options = globalOptions(command);
      const config = configOf(options);
      const inventory = await discover(context.io, await openSession(options));
      const state = retentionState(inventory, config.retention);
      if (options.json) printJson(context.io, state);
      else context.io.out(renderRetention(state.rows, state.warnings, colorsFor(context.io)));
    });
}

function days(value: number | string): string {
  return typeof value === "number" ? `${value} d` : value;
}

const MB = 1024 * 1024;

export function renderRetention(
  rows: readonly RetentionStateRow[],
  warnings: readonly { logGroup: string; message: string }[],
  c: Colors,
): string {
  const table = formatTable([
    ["log group", "now", "after apply", "status", "stored MB", "why"],
    ...rows.map((row) => [
      row.logGroup,
      days(row.current),
      days(row.planned),
      row.status === "will-change" ? c.yellow(row.status) : row.status,
      row.storedBytes === undefined ? "" : (row.storedBytes / MB).toFixed(1),
      row.reason,
    ]),
  ]);
  const changing = rows.filter((row) => row.status === "will-change").length;
  return (
    [
      c.bold(`${rows.length} log groups, ${changing} to change`),
      table,
      ...warnings.map((w) => c.yellow(`  warning: ${w.logGroup}: ${w.message}`)),
    ].join("\n") + "\n"
  );
}
