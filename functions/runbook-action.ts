/**
 * Lambda: the runbook actions (lib/actions), invoked with one JSON action, e.g.
 *   { "action": "dlq-redrive", "queue": "payments-dlq", "dryRun": true, "actor": "user:alice" }
 *   { "action": "alarm-silence", "alarm": "watchkeeper-lambda-errors", "minutes": 60 }
 *   { "action": "breaker-trip", "function": "payments-consumer", "reason": "error loop after deploy" }
 * and on schedules with constant input:
 *   { "action": "expire-silences" }   every 5 minutes: actions back on for silences that ended
 *   { "action": "dlq-auto-redrive" }  when redrive.auto is on: the opt-in automatic redrive
 * The actions, their fields and their answers are lib/actions' (see its schema.ts).
 *
 * Answers the action's result ({ ok, action, target, outcome, dryRun, text, details }), or, for input
 * that is not a valid action, { ok: false, error } naming each bad field, with an error log line.
 * Neither is thrown: a bad action never becomes valid by retrying, and a refusal or a failed AWS call
 * is an answer the caller reads. Who asks comes from the event's `actor`, else "runbook-lambda".
 * An action (or hand-off) may name the `account` and `region` it is meant for, as the organization's hub
 * does (functions/hub-actions.ts invokes this function through the member's hub-access role): one for
 * another account or region than the invoked function ARN's is refused, `{ ok: false, error: "not run:
 * this function serves account X in R; the request is for Y in S" }` (a hand-off: posted in Slack).
 *
 * It also runs Slack clicks that functions/slack-interactions.ts checked and handed off
 * (lib/notify/handoff.ts, `{"kind": "watchkeeper.slack-action", ...}`): validated field by field, run
 * as `slack:<user id>`, answered in the alarm's Slack thread (lib/actions/slack-job.ts). Who can send
 * one is IAM's business: the roles allowed lambda:InvokeFunction on this function, which in the stack
 * is slack-interactions' alone (and the account's administrators).
 *
 * Configuration: WATCHKEEPER_CONFIG (functions/runtime.ts; `slack.secretName` for hand-offs);
 * SLACK_API_URL optional (the Slack Web API base URL); AWS_REGION is set by Lambda.
 */
import type { Aws } from "../lib/aws/clients.js";
import { runAction, parseAction, slackRunAction, type ActionResult } from "../lib/actions/index.js";
import { createSlackJob } from "../lib/actions/slack-job.js";
import type { WatchkeeperConfig } from "../lib/config/schema.js";
import { createLogger, type Logger } from "../lib/log.js";
import type { ActionResult as SlackActionResult } from "../lib/notify/actions.js";
import { escapeMrkdwn } from "../lib/notify/blockkit.js";
import { isSlackHandoff, parseSlackHandoff } from "../lib/notify/handoff.js";
import { containerSlackSecrets, type SlackSecrets } from "../lib/notify/secrets.js";
import type { SlackClientOptions } from "../lib/notify/slack.js";
import {
  configFromEnvironment,
  containerAws,
  deadlineOf,
  once,
  placeOfInvocation,
  requestedElsewhere,
  type InvocationContext,
} from "./runtime.js";

export const DEFAULT_ACTOR = "runbook-lambda";

/** Kept back from the invocation's time limit to stop long work, release messages and answer. */
const SAFETY_MS = 20_000;

export type RunbookActionResponse = ActionResult | { readonly ok: false; readonly error: string };
/** A hand-off's answer: what was posted in Slack, or why the event was refused. */
export type SlackHandoffResponse = SlackActionResult | { readonly ok: false; readonly error: string };

export interface RunbookActionDependencies {
  readonly aws: () => Aws;
  readonly config: () => WatchkeeperConfig;
  readonly logger: Logger;
}

export interface SlackHandoffDependencies extends RunbookActionDependencies {
  /** The Slack secret, to answer a handed-off click in its thread. */
  readonly slackSecrets: () => Promise<SlackSecrets>;
  readonly slackOptions?: Partial<SlackClientOptions>;
}

/** One JSON action. */
export function createRunbookActionHandler(deps: RunbookActionDependencies) {
  return async function handle(event: unknown, context?: InvocationContext): Promise<RunbookActionResponse> {
    const parsed = parseAction(event, { at: "event" });
    if (!parsed.ok) {
      deps.logger.error({ status: "rejected" }, `rejected: ${parsed.error}`);
      return { ok: false, error: parsed.error };
    }
    const aws = deps.aws();
    const elsewhere = requestedElsewhere(parsed.action, placeOfInvocation(context), aws.region);
    if (elsewhere !== undefined) {
      deps.logger.error({ status: "refused", action: parsed.action.action }, `refused: ${elsewhere}`);
      return { ok: false, error: `not run: ${elsewhere}` };
    }
    const deadline = deadlineOf(aws, context, SAFETY_MS);
    return runAction(aws, parsed.action, {
      actor: parsed.action.actor ?? DEFAULT_ACTOR,
      config: deps.config(),
      logger: deps.logger,
      ...(deadline !== undefined ? { deadline } : {}),
    });
  };
}

/** A Slack click handed off by slack-interactions, run as `slack:<user id>` and answered in Slack. */
export function createSlackHandoffHandler(deps: SlackHandoffDependencies) {
  return async function handle(event: unknown, context?: InvocationContext): Promise<SlackHandoffResponse> {
    const parsed = parseSlackHandoff(event);
    if (!parsed.ok) {
      deps.logger.error({ status: "rejected" }, `rejected: ${parsed.error}`);
      return { ok: false, error: parsed.error };
    }
    const aws = deps.aws();
    const deadline = deadlineOf(aws, context, SAFETY_MS);
    const runHere = slackRunAction(deps.aws, () => ({
      config: deps.config(),
      logger: deps.logger,
      ...(deadline !== undefined ? { deadline } : {}),
    }));
    const own = placeOfInvocation(context);
    const runSlackJob = createSlackJob({
      logger: deps.logger,
      secrets: deps.slackSecrets,
      // A click on a member's alarm is the member's to run: refused here (in Slack) when it is another's.
      runAction: async (request) => {
        const elsewhere = requestedElsewhere(request, own, aws.region);
        if (elsewhere === undefined) return runHere(request);
        deps.logger.error({ status: "refused", action: request.action }, `refused: ${elsewhere}`);
        return { ok: false, text: escapeMrkdwn(`not run: ${elsewhere}`) };
      },
      ...(deps.slackOptions ? { slackOptions: deps.slackOptions } : {}),
    });
    return runSlackJob(parsed.handoff);
  };
}

/** The Lambda's entry: a hand-off when the event says it is one, else a JSON action. */
export function createRunbookHandler(deps: SlackHandoffDependencies) {
  const actions = createRunbookActionHandler(deps);
  const handoffs = createSlackHandoffHandler(deps);
  return (
    event: unknown,
    context?: InvocationContext,
  ): Promise<RunbookActionResponse | SlackHandoffResponse> =>
    isSlackHandoff(event) ? handoffs(event, context) : actions(event, context);
}

const config = once(() => configFromEnvironment());

/** The secret named in the config; a hand-off to a deployment without Slack is an error that says so. */
function slackSecretName(): string {
  const slack = config().slack;
  if (!slack)
    throw new Error("WATCHKEEPER_CONFIG has no slack settings: a Slack hand-off cannot be answered");
  return slack.secretName;
}

const slackApiUrl = process.env.SLACK_API_URL?.trim();

export const handler = createRunbookHandler({
  aws: containerAws,
  config,
  logger: createLogger({ function: "runbook-action" }),
  slackSecrets: containerSlackSecrets(containerAws, slackSecretName),
  ...(slackApiUrl ? { slackOptions: { apiBaseUrl: slackApiUrl } } : {}),
});
