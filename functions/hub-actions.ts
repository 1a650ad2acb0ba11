/**
 * Lambda, in the hub account (`<prefix>hub-actions`): runs the Slack clicks that the hub's
 * slack-interactions checked and handed off (lib/notify/handoff.ts, an asynchronous Invoke) in the member
 * account the alarm is in. It says "working on it", then assumes `<prefix>hub-access` in the member the
 * click names (request.account, request.region; a button without them is refused in the thread), invokes
 * the member's own runbook-action synchronously with the plain action as `slack:<user id>`, and posts the
 * member's answer in the alarm's thread (lib/actions/slack-job.ts, lib/org/hub-actions.ts). A role it
 * cannot assume, a throttled, failed or timed-out Invoke, or an error in the member is posted as a failure
 * naming the account and region, never thrown: it is deployed with no retries of asynchronous events, so
 * a click never runs twice, and a result it could not post lands in its DLQ.
 *
 * Its role needs: secretsmanager:GetSecretValue on the Slack secret, and sts:AssumeRole on
 * `arn:<partition>:iam::*:role/<prefix>hub-access`. Its timeout should exceed the members' runbook-action
 * timeout, or a long action is reported as unanswered (it may still finish in the member).
 *
 * Configuration (environment):
 *   SLACK_SECRET_ID          required: the Secrets Manager secret (a bot token, or the webhook and
 *                            response_url answers)
 *   HUB_ACCESS_ROLE          required: the role's name in each member (`<prefix>hub-access`)
 *   MEMBER_RUNBOOK_FUNCTION  required: the members' runbook-action function (`<prefix>runbook-action`)
 *   SLACK_API_URL            optional: the Slack Web API base URL
 *   AWS_REGION               set by Lambda
 */
import type { Aws } from "../lib/aws/clients.js";
import { createSlackJob } from "../lib/actions/slack-job.js";
import { createLogger, type Logger } from "../lib/log.js";
import type { ActionResult as SlackActionResult } from "../lib/notify/actions.js";
import { parseSlackHandoff } from "../lib/notify/handoff.js";
import { containerSlackSecrets, type SlackSecrets } from "../lib/notify/secrets.js";
import type { SlackClientOptions } from "../lib/notify/slack.js";
import { MEMBER_RUNBOOK_FUNCTION_VARIABLE } from "../lib/org/hub.js";
import { hubRunAction, type InvokeMember } from "../lib/org/hub-actions.js";
import { MemberRoles } from "../lib/org/member-roles.js";
import {
  containerAws,
  deadlineOf,
  hubAccessRoleFromEnvironment,
  once,
  requiredVariable,
  type InvocationContext,
} from "./runtime.js";

/** Kept back from the invocation's time limit to post the member's answer (or its absence) in Slack. */
const SAFETY_MS = 10_000;

export interface HubActionsConfig {
  readonly secretId: string;
  readonly roleName: string;
  readonly functionName: string;
}

export interface HubActionsDependencies {
  /** The hub's own Aws. */
  readonly aws: () => Aws;
  readonly config: () => HubActionsConfig;
  readonly logger: Logger;
  readonly slackSecrets: () => Promise<SlackSecrets>;
  readonly slackOptions?: Partial<SlackClientOptions>;
  /** Default: a real synchronous Invoke of the member's function. */
  readonly invoke?: InvokeMember;
}

/** What was posted in Slack, or why the event was refused. */
export type HubActionsResponse = SlackActionResult | { readonly ok: false; readonly error: string };

export function createHubActionsHandler(deps: HubActionsDependencies) {
  let roles: MemberRoles | undefined;
  return async function handle(event: unknown, context?: InvocationContext): Promise<HubActionsResponse> {
    const parsed = parseSlackHandoff(event);
    if (!parsed.ok) {
      deps.logger.error({ status: "rejected" }, `rejected: ${parsed.error}`);
      return { ok: false, error: parsed.error };
    }
    const config = deps.config();
    // Kept by the container: each member's role is assumed once, not once per click.
    roles ??= new MemberRoles(deps.aws, config.roleName);
    const deadline = deadlineOf(deps.aws(), context, SAFETY_MS);
    const runSlackJob = createSlackJob({
      logger: deps.logger,
      secrets: deps.slackSecrets,
      runAction: hubRunAction({
        hub: deps.aws,
        roles,
        functionName: config.functionName,
        logger: deps.logger,
        ...(deadline !== undefined ? { deadline } : {}),
        ...(deps.invoke ? { invoke: deps.invoke } : {}),
      }),
      ...(deps.slackOptions ? { slackOptions: deps.slackOptions } : {}),
    });
    return runSlackJob(parsed.handoff);
  };
}

export function hubActionsConfigFromEnvironment(env: NodeJS.ProcessEnv): HubActionsConfig {
  return {
    secretId: requiredVariable(
      env,
      "SLACK_SECRET_ID",
      "the Secrets Manager secret holding the Slack credentials",
      /^\S+$/,
      "watchkeeper/slack",
    ),
    roleName: hubAccessRoleFromEnvironment(env),
    functionName: requiredVariable(
      env,
      MEMBER_RUNBOOK_FUNCTION_VARIABLE,
      "the members' runbook-action function",
      /^[A-Za-z0-9_-]{1,64}$/,
      "watchkeeper-runbook-action",
    ),
  };
}

const logger = createLogger({ function: "hub-actions" });

const config = once(() => {
  try {
    return hubActionsConfigFromEnvironment(process.env);
  } catch (error) {
    logger.error(`invalid configuration: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
});

const slackApiUrl = process.env.SLACK_API_URL?.trim();

export const handler = createHubActionsHandler({
  aws: containerAws,
  config,
  logger,
  slackSecrets: containerSlackSecrets(containerAws, () => config().secretId),
  ...(slackApiUrl ? { slackOptions: { apiBaseUrl: slackApiUrl } } : {}),
});
