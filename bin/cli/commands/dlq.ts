import type { Command } from "commander";
import { integerFlag, runCliAction } from "../actions.js";
import type { RedrivePreview } from "../../../lib/dlq/index.js";
import { colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { renderDlqPreview } from "../render-dlq-preview.js";

/** `watchkeeper dlq list|show|redrive|status|cancel`. Redrive and cancel ask first. */
export function registerDlq(program: Command, context: CommandContext): void {
  const dlq = program
    .command("dlq")
    .description("dead-letter queues: list, preview, redrive, follow and cancel a redrive");

  dlq
    .command("list")
    .description("every DLQ with its depth, what feeds it and the redrive it allows")
    .action(async (_flags, command: Command) => {
      await runCliAction(context, command, { input: { action: "dlq-list" }, progress: "Reading DLQs" });
    });

  dlq
    .command("show")
    .description("preview a DLQ: how many messages, where they would go, the oldest, a few bodies")
    .argument("<dlq>", "the DLQ's name, URL or ARN")
    .option("--sample <n>", "bodies to show, 0-10 (default 3); sampling leaves them in the queue")
    .action(async (queue: string, flags: { sample?: string }, command: Command) => {
      const sample = integerFlag(flags.sample, "--sample");
      await runCliAction(context, command, {
        input: { action: "dlq-show", queue, ...(sample !== undefined ? { sample } : {}) },
        labels: { queue: "<dlq>", sample: "--sample" },
        progress: "Reading the DLQ",
        render: (result) => renderDlqPreview(result.details as RedrivePreview, colorsFor(context.io)),
      });
    });

  dlq
    .command("redrive")
    .description("send a DLQ's messages back: a message move task, or re-invoking its function")
    .argument("<dlq>", "the DLQ's name, URL or ARN")
    .option("--dry-run", "preview only; move nothing")
    .option("--yes", "redrive without asking")
    .option(
      "--rate <n>",
      "messages a second: move task 1-500 (default: SQS's own), re-invoke 1-10 (default 5)",
    )
    .option("--max-messages <n>", "re-invoke: messages to handle at most, 1-10000 (default 100)")
    .option("--via <method>", "move-task or reinvoke, when the DLQ's sources leave it open")
    .option("--function <function>", "re-invoke: the function to invoke, when several feed the DLQ")
    .action(
      async (
        queue: string,
        flags: {
          dryRun?: boolean;
          yes?: boolean;
          rate?: string;
          maxMessages?: string;
          via?: string;
          function?: string;
        },
        command: Command,
      ) => {
        const rate = integerFlag(flags.rate, "--rate");
        const maxMessages = integerFlag(flags.maxMessages, "--max-messages");
        await runCliAction(context, command, {
          input: {
            action: "dlq-redrive",
            queue,
            ...(flags.dryRun ? { dryRun: true } : {}),
            ...(rate !== undefined ? { rate } : {}),
            ...(maxMessages !== undefined ? { maxMessages } : {}),
            ...(flags.via !== undefined ? { via: flags.via } : {}),
            ...(flags.function !== undefined ? { function: flags.function } : {}),
          },
          labels: {
            queue: "<dlq>",
            rate: "--rate",
            maxMessages: "--max-messages",
            via: "--via",
            function: "--function",
          },
          yes: flags.yes,
          confirm: () => `Redrive ${queue}?`,
          progress: "Redriving",
        });
      },
    );

  dlq
    .command("status")
    .description("a DLQ's depth and its recent message move tasks")
    .argument("<dlq>", "the DLQ's name, URL or ARN")
    .action(async (queue: string, _flags, command: Command) => {
      await runCliAction(context, command, {
        input: { action: "dlq-status", queue },
        labels: { queue: "<dlq>" },
      });
    });

  dlq
    .command("cancel")
    .description("cancel a DLQ's running message move task (what moved stays moved)")
    .argument("<dlq>", "the DLQ's name, URL or ARN")
    .option("--dry-run", "say what it would cancel; change nothing")
    .option("--yes", "cancel without asking")
    .action(async (queue: string, flags: { dryRun?: boolean; yes?: boolean }, command: Command) => {
      await runCliAction(context, command, {
        input: { action: "dlq-cancel", queue, ...(flags.dryRun ? { dryRun: true } : {}) },
        labels: { queue: "<dlq>" },
        yes: flags.yes,
        confirm: () => `Cancel the move task of ${queue}?`,
      });
    });
}
