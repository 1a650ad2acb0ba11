import type { Command } from "commander";
import { MAX_SILENCE_MINUTES } from "../../../lib/alarms/index.js";
import { durationFlag, durationText, runCliAction } from "../actions.js";
import type { CommandContext } from "../main.js";

/**
 * `watchkeeper silence <alarm> --for 1h` and `unsilence <alarm>`. They do not ask first: a silence
 * turns off notifications only, ends on its own, and is undone with one command (`--dry-run` shows it).
 */
export function registerSilence(program: Command, context: CommandContext): void {
  program
    .command("silence")
    .description("turn a Watchkeeper alarm's notifications off for a while; they come back on their own")
    .argument("<alarm>", "the alarm's name")
    .requiredOption(
      "--for <duration>",
      `how long: 30m, 1h, 4h, 1h30m, 2d (at most ${durationText(MAX_SILENCE_MINUTES)})`,
    )
    .option("--dry-run", "say what it would do; change nothing")
    .action(async (alarm: string, flags: { for: string; dryRun?: boolean }, command: Command) => {
      await runCliAction(context, command, {
        input: {
          action: "alarm-silence",
          alarm,
          minutes: durationFlag(flags.for, "--for", { minutes: MAX_SILENCE_MINUTES, what: "a silence" }),
          ...(flags.dryRun ? { dryRun: true } : {}),
        },
        labels: { alarm: "<alarm>", minutes: "--for (minutes)" },
      });
    });

  program
    .command("unsilence")
    .description("end an alarm's silence now: its notifications are back on")
    .argument("<alarm>", "the alarm's name")
    .option("--dry-run", "say what it would do; change nothing")
    .action(async (alarm: string, flags: { dryRun?: boolean }, command: Command) => {
      await runCliAction(context, command, {
        input: { action: "alarm-unsilence", alarm, ...(flags.dryRun ? { dryRun: true } : {}) },
        labels: { alarm: "<alarm>" },
      });
    });
}
