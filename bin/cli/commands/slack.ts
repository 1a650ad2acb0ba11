import type { Command } from "commander";
import { UsageError } from "../errors.js";
import type { CommandContext } from "../main.js";
import { MAX_APP_NAME, slackAppManifest } from "../slack-manifest.js";
import { printJson } from "./shared.js";

/** `watchkeeper slack manifest [--url URL]`: the app manifest to paste into Slack, instead of clicking it together. */
export function registerSlack(program: Command, context: CommandContext): void {
  const slack = program.command("slack").description("set up the Slack app Watchkeeper posts with");
  slack
    .command("manifest")
    .description(
      "print the Slack app manifest (JSON) to paste at api.slack.com/apps → Create New App → From an app manifest",
    )
    .option(
      "--url <url>",
      "the stack output SlackInteractionsUrl (with slack.interactive): turns on the buttons",
    )
    .option(
      "--name <name>",
      `the app's and the bot's name in Slack (at most ${MAX_APP_NAME} characters)`,
      "Watchkeeper",
    )
    .action((flags: { url?: string; name: string }) => {
      if (flags.url !== undefined && !/^https:\/\/\S+$/.test(flags.url))
        throw new UsageError(
          `--url "${flags.url}" is not an https URL; pass the stack output SlackInteractionsUrl (https://...)`,
        );
      if (flags.name.trim() === "" || flags.name.length > MAX_APP_NAME)
        throw new UsageError(
          `--name "${flags.name}" must be 1 to ${MAX_APP_NAME} characters (Slack's limit for an app name)`,
        );
      printJson(
        context.io,
        slackAppManifest({
          name: flags.name,
          ...(flags.url !== undefined ? { interactionsUrl: flags.url } : {}),
        }),
      );
      if (flags.url === undefined)
        context.io.err(
          "No --url: the manifest has no interactivity, so alarm messages carry no buttons. With " +
            "slack.interactive, pass the stack output SlackInteractionsUrl.\n",
        );
    });
}
