import type { Command } from "commander";
import { previewAlarmMessage } from "../../../lib/notify/index.js";
import { ALARM_STATES, type AlarmState } from "../../../lib/notify/types.js";
import { CommandFailed, UsageError } from "../errors.js";
import type { CommandContext } from "../main.js";
import { configOf } from "./plan.js";
import { globalOptions, printJson } from "./shared.js";

/** `watchkeeper notify preview --alarm <name>`: the Slack message an alarm would send, as Block Kit JSON. */
export function registerNotify(program: Command, context: CommandContext): void {
  const notify = program.command("notify").description("Slack notifications");
  notify
    .command("preview")
    .description("print the Block Kit JSON of the Slack message an alarm would send now (posts nothing)")
    .requiredOption("--alarm <name>", "the alarm's name")
    .option("--state <state>", "as if it had changed to this state: ALARM, OK or INSUFFICIENT_DATA")
    .action(async (flags: { alarm: string; state?: string }, command: Command) => {
      const options = globalOptions(command);
      const state = flags.state === undefined ? undefined : stateFlag(flags.state);
      const config = configOf(options);
      const session = await context.openSession(options);
      const prepared = await previewAlarmMessage(session.aws, flags.alarm, {
        prefix: config.prefix,
        runbookBaseUrl: config.runbookBaseUrl,
        interactive: config.slack?.interactive ?? false,
        ...(state ? { state } : {}),
      }).catch((error: unknown) => {
        // No such alarm, or a composite one: lib/notify says so in a plain Error; AWS errors pass on.
        throw error instanceof Error && error.constructor === Error
          ? new CommandFailed(error.message)
          : error;
      });
      for (const warning of prepared.warnings) context.io.err(`warning: ${warning}\n`);
      printJson(context.io, prepared.message);
    });
}

function stateFlag(value: string): AlarmState {
  const state = ALARM_STATES.find((s) => s === value.trim().toUpperCase());
  if (!state) throw new UsageError(`--state "${value}" is not valid; use ${ALARM_STATES.join(", ")}`);
  return state;
}
