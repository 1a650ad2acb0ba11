import type { Command } from "commander";
import { NEVER, RETENTION_DAYS, retentionState, type RetentionStateRow } from "../../../lib/logs/index.js";
import type { SetRetentionOutcome } from "../../../lib/logs/set.js";
import { integerFlag, runCliAction } from "../actions.js";
import { plural } from "../../../lib/plural.js";
import { configSourceOption, type ConfigSourceChoice } from "../config-source.js";
import { colorsFor, type Colors } from "../io.js";
import type { CommandContext } from "../main.js";
import { formatTable } from "../table.js";
import { discover } from "./inventory.js";
import { configOf } from "./plan.js";
import { globalOptions, printJson } from "./shared.js";

export function registerRetention(program: Command, context: CommandContext): void {
  const retention = program
    .command("retention")
    .description("show each log group's retention now and after apply")
    .action(async (_flags, command: Command) => {
      const options = globalOptions(command);
      const config = configOf(options);
      const inventory = await discover(context.io, await context.openSession(options));
      const state = retentionState(inventory, config.retention);
      if (options.json) printJson(context.io, state);
      else context.io.out(renderRetention(state.rows, state.warnings, colorsFor(context.io)));
    });

  retention
    .command("set")
    .description(
      "set one log group's retention now (asks first when it shortens it); refuses a group the " +
        "retention policy leaves alone (excludePrefixes, an exclude rule, watchkeeper:ignore on it or " +
        "its function) unless --force",
    )
    .argument("<log-group>", "the log group's name")
    .requiredOption("--days <n>", `days: ${RETENTION_DAYS.join(", ")}, or never (it never expires)`)
    .option("--dry-run", "say what it would change; change nothing")
    .option("--yes", "shorten without asking")
    .option("--force", "set it even on a group the retention policy leaves alone (still asks to shorten)")
    // The exclusions that protect a group are the deployed agent's, as for plan and apply.
    .addOption(configSourceOption())
    .action(
      async (
        logGroup: string,
        flags: {
          days: string;
          dryRun?: boolean;
          yes?: boolean;
          force?: boolean;
          configSource?: ConfigSourceChoice;
        },
        command: Command,
      ) => {
        await runCliAction(context, command, {
          input: {
            action: "retention-set",
            logGroup,
            days: flags.days.trim().toLowerCase() === NEVER ? NEVER : integerFlag(flags.days, "--days"),
            ...(flags.dryRun ? { dryRun: true } : {}),
            ...(flags.force ? { force: true } : {}),
          },
          labels: { logGroup: "<log-group>", days: "--days", force: "--force" },
          yes: flags.yes,
          configSource: { ...(flags.configSource ? { choice: flags.configSource } : {}) },
          // Only a shorter retention deletes anything: that one asks.
          confirm: (preview) =>
            (preview.details as SetRetentionOutcome | undefined)?.shortens
              ? `Shorten the retention of ${logGroup}?`
              : undefined,
        });
      },
    );
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
      c.bold(`${plural(rows.length, "log group")}, ${changing} to change`),
      table,
      ...warnings.map((w) => c.yellow(`  warning: ${w.logGroup}: ${w.message}`)),
    ].join("\n") + "\n"
  );
}
