import type { Command } from "commander";
import { runCliAction } from "../actions.js";
import type { CommandContext } from "../main.js";

/** `watchkeeper top <alarm>`: the worst resources behind an aggregate alarm. */
export function registerTop(program: Command, context: CommandContext): void {
  program
    .command("top")
    .description("top offenders of an aggregate alarm: the resources behind it, worst first")
    .argument("<alarm>", "the aggregate alarm's name, e.g. watchkeeper-lambda-errors")
    .action(async (alarm: string, _flags, command: Command) => {
      await runCliAction(context, command, {
        input: { action: "top-offenders", alarm },
        labels: { alarm: "<alarm>" },
      });
    });
}
