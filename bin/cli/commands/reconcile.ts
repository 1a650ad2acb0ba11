import type { Command } from "commander";
import { runCliAction } from "../actions.js";
import { configSourceOption, type ConfigSourceChoice } from "../config-source.js";
import type { CommandContext } from "../main.js";

/**
 * `watchkeeper reconcile`: the scheduled run, now: `apply --yes` without the plan printed first, through
 * the same runbook action the Lambda and Slack run. `plan` shows what it would change.
 */
export function registerReconcile(program: Command, context: CommandContext): void {
  program
    .command("reconcile")
    .description(
      "run the reconcile now (inventory, alarms, log retention, dashboard), like the schedule does",
    )
    .option("--dry-run", "plan only; change nothing (same as `watchkeeper plan`, in short)")
    .addOption(configSourceOption())
    .action(async (flags: { dryRun?: boolean; configSource?: ConfigSourceChoice }, command: Command) => {
      await runCliAction(context, command, {
        input: { action: "reconcile", ...(flags.dryRun ? { dryRun: true } : {}) },
        progress: "Reconciling",
        configSource: { ...(flags.configSource ? { choice: flags.configSource } : {}) },
        stoppable: true,
      });
    });
}
