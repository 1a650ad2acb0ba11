import type { Command } from "commander";
import { runCliAction } from "../actions.js";
import type { CommandContext } from "../main.js";

/** `watchkeeper breaker status|trip|reset`: the circuit breaker, by hand. Trip and reset ask first. */
export function registerBreaker(program: Command, context: CommandContext): void {
  const breaker = program
    .command("breaker")
    .description("circuit breakers: status, trip and reset (reserved concurrency 0 or mappings disabled)");

  breaker
    .command("status")
    .description("every breaker (opted-in functions and open breakers), or one function's")
    .argument("[function]", "a function name or ARN")
    .action(async (fn: string | undefined, _flags, command: Command) => {
      await runCliAction(context, command, {
        input: { action: "breaker-status", ...(fn !== undefined ? { function: fn } : {}) },
        labels: { function: "<function>" },
        progress: "Reading breakers",
      });
    });

  breaker
    .command("trip")
    .description("stop a function now, remembering exactly what to restore")
    .argument("<function>", "a function name or ARN")
    .requiredOption("--reason <text>", "why, in a few words (kept on the function)")
    .option("--dry-run", "say what a trip would do, or why it would be refused; change nothing")
    .option("--yes", "trip without asking")
    .action(
      async (fn: string, flags: { reason: string; dryRun?: boolean; yes?: boolean }, command: Command) => {
        await runCliAction(context, command, {
          input: {
            action: "breaker-trip",
            function: fn,
            reason: flags.reason,
            ...(flags.dryRun ? { dryRun: true } : {}),
          },
          labels: { function: "<function>", reason: "--reason" },
          yes: flags.yes,
          confirm: () => `Trip the breaker of ${fn}?`,
        });
      },
    );

  breaker
    .command("reset")
    .description("restore exactly what the trip recorded (concurrency, mappings)")
    .argument("<function>", "a function name or ARN")
    .option("--reason <text>", "why, in a few words (for the log)")
    .option("--dry-run", "say what a reset would restore; change nothing")
    .option("--yes", "reset without asking")
    .action(
      async (fn: string, flags: { reason?: string; dryRun?: boolean; yes?: boolean }, command: Command) => {
        await runCliAction(context, command, {
          input: {
            action: "breaker-reset",
            function: fn,
            ...(flags.reason !== undefined ? { reason: flags.reason } : {}),
            ...(flags.dryRun ? { dryRun: true } : {}),
          },
          labels: { function: "<function>", reason: "--reason" },
          yes: flags.yes,
          confirm: () => `Reset the breaker of ${fn}?`,
        });
      },
    );
}
