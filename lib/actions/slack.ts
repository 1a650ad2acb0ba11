/**
 * Slack buttons as actions: lib/notify's `ActionRequest` (what a verified, allowed click asks for)
 * mapped onto an Action, validated like any other, run by `runAction` with the clicking user as actor,
 * and answered in Slack mrkdwn.
 */
import type { Aws } from "../aws/clients.js";
import { escapeMrkdwn } from "../notify/blockkit.js";
import type { ActionRequest, RunAction } from "../notify/actions.js";
import { runAction, type RunActionOptions } from "./run.js";
import { parseAction, type ParsedAction } from "./schema.js";

/** The Silence button's default, when the request carries no duration. */
const DEFAULT_SILENCE_MINUTES = 60;

export function actionFromSlack(request: ActionRequest): ParsedAction {
  const actor = `slack:${request.user}`;
  const from = request.alarmName ? `Slack button on ${request.alarmName}` : "Slack button";
  const input = (() => {
    switch (request.action) {
      case "dlq-redrive":
        return { action: "dlq-redrive", queue: request.target };
      case "breaker-trip":
        return { action: "breaker-trip", function: request.target, reason: from };
      case "breaker-reset":
        return { action: "breaker-reset", function: request.target, reason: from };
      case "alarm-silence":
        return {
          action: "alarm-silence",
          alarm: request.target,
          minutes: request.durationMinutes ?? DEFAULT_SILENCE_MINUTES,
        };
    }
  })();
  const where = {
    ...(request.account ? { account: request.account } : {}),
    ...(request.region ? { region: request.region } : {}),
  };
  return parseAction({ ...input, actor, ...where }, { at: "request" });
}

/** The `runAction` the Slack interactions handler is given. */
export function slackRunAction(
  aws: () => Aws,
  options: () => Omit<RunActionOptions, "actor" | "dryRun">,
): RunAction {
  return async (request) => {
    const parsed = actionFromSlack(request);
    if (!parsed.ok) return { ok: false, text: escapeMrkdwn(`not run: ${parsed.error}`) };
    const result = await runAction(aws(), parsed.action, {
      ...options(),
      actor: parsed.action.actor ?? `slack:${request.user}`,
    });
    return { ok: result.ok, text: escapeMrkdwn(result.text) };
  };
}
