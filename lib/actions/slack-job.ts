/**
 * A Slack click handed off to the runbook-action function (lib/notify/handoff.ts), run there: says
 * "working on it" (ephemeral, response_url), runs the action as `slack:<user id>` (the same library
 * functions as the CLI), and posts the result in the alarm message's thread (chat.postMessage with a
 * bot token, else response_url with thread_ts).
 */
import type { Logger } from "../log.js";
import type { ActionName, ActionResult, RunAction } from "../notify/actions.js";
import { BLOCK_KIT_LIMITS, mrkdwnWithin, truncate } from "../notify/blockkit.js";
import type { SlackHandoff } from "../notify/handoff.js";
import type { SlackSecrets } from "../notify/secrets.js";
import { SlackClient, type SlackClientOptions } from "../notify/slack.js";

export interface SlackJobDependencies {
  readonly logger: Logger;
  readonly secrets: () => Promise<SlackSecrets>;
  /** The action, run as the clicking user (lib/actions/slack.ts slackRunAction). */
  readonly runAction: RunAction;
  readonly slackOptions?: Partial<SlackClientOptions>;
}

const ACTION_LABELS: Readonly<Record<ActionName, string>> = {
  "dlq-redrive": "Redrive",
  "breaker-trip": "Trip breaker on",
  "breaker-reset": "Reset breaker on",
  "alarm-silence": "Silence",
};

export function createSlackJob(deps: SlackJobDependencies) {
  return async function runSlackJob(handoff: SlackHandoff): Promise<ActionResult> {
    const log = deps.logger;
    const { request } = handoff;
    const slack = new SlackClient({ ...(await deps.secrets()), logger: log, ...deps.slackOptions });
    const what = `${ACTION_LABELS[request.action]} ${request.target}`;
    if (handoff.responseUrl) {
      try {
        await slack.respond(
          handoff.responseUrl,
          {
            response_type: "ephemeral",
            replace_original: false,
            text: `:hourglass_flowing_sand: Working on it: ${mrkdwnWithin(what, 2000)}`,
          },
          request.channel,
        );
      } catch (error) {
        log.warn(
          { action: request.action },
          `could not say "working on it": ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }

    let result: ActionResult;
    try {
      result = await deps.runAction(request);
    } catch (error) {
      result = { ok: false, text: `failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    log.info(
      { action: request.action, target: request.target, user: request.user, ok: result.ok },
      `${what}: ${result.ok ? "done" : "failed"}`,
    );

    const text = truncate(
      `${result.ok ? ":white_check_mark:" : ":x:"} <@${request.user}> ${mrkdwnWithin(what, 1000)}: ${result.text}`,
      BLOCK_KIT_LIMITS.sectionText,
    );
    // Thrown errors here reach the asynchronous invocation's DLQ; the action is not rerun (no retries).
    if (slack.mode === "bot") {
      await slack.post(
        { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] },
        { channel: request.channel, ...(handoff.threadTs ? { threadTs: handoff.threadTs } : {}) },
      );
    } else if (handoff.responseUrl) {
      await slack.respond(
        handoff.responseUrl,
        {
          response_type: "in_channel",
          replace_original: false,
          ...(handoff.threadTs ? { thread_ts: handoff.threadTs } : {}),
          text,
        },
        request.channel,
      );
    } else {
      throw new Error(`no way to post the result of ${what}: no bot token and no response_url`);
    }
    return result;
  };
}
