import type { Command } from "commander";
import { renderStatus, type OnCallStatus } from "../../../lib/actions/index.js";
import { runCliAction } from "../actions.js";
import { colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";

/** `watchkeeper status`: one screen for on-call. */
export function registerStatus(program: Command, context: CommandContext): void {
  program
    .command("status")
    .description(
      "one screen for on-call: alarms in ALARM, open breakers, DLQs with messages, running redrives, silences",
    )
    .action(async (_flags, command: Command) => {
      const c = colorsFor(context.io);
      await runCliAction(context, command, {
        input: { action: "status" },
        progress: "Reading the account",
        render: (result) =>
          renderStatus(result.details as OnCallStatus, {
            heading: (t) => c.bold(t),
            bad: (t) => c.red(t),
            dim: (t) => c.dim(t),
          }).trimEnd(),
      });
    });
}
