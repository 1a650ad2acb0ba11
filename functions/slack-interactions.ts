/**
 * Lambda: the Slack interactions endpoint (the app's Interactivity Request URL), behind an API Gateway
 * HTTP API or a Function URL. A click on a message button arrives as a signed form POST; the function
 *   1. verifies the signature over the raw body (base64-decoded first when the event says so), with the
 *      timestamp within 5 minutes and each signature accepted once per container: else 401;
 *   2. parses the payload (400 when malformed) and ignores buttons that are not Watchkeeper actions (200);
 *   3. allows only configured Slack users and channels: else 403, and nothing runs;
 *   4. starts the action asynchronously and acknowledges with 200 well within Slack's 3 seconds.
 *
 * Asynchronously: the function invokes itself with InvocationType=Event and the checked request as the
 * payload (no queue to deploy; only principals allowed to invoke the function can send that shape, an
 * HTTP caller cannot). That invocation says "working on it" to the user (ephemeral, response_url), runs
 * the action through the injected `runAction` (the same library functions as the CLI), and posts the
 * result in the alarm message's thread (chat.postMessage with a bot token, else response_url with
 * thread_ts). Deploy it with MaximumRetryAttempts=0 for async invocations and an on-failure destination:
 * an action must not run twice because its result could not be posted; a failed post lands there.
 *
 * Configuration (environment):
 *   SLACK_SECRET_ID         required: the Secrets Manager secret; must hold "signingSecret"
 *   SLACK_ALLOWED_USERS     required: comma-separated Slack user IDs (U0123,U0456) allowed to act
 *   SLACK_ALLOWED_CHANNELS  required: comma-separated channel IDs whose messages may be acted on
 *   SLACK_API_URL           optional: the Slack Web API base URL
 *   WATCHKEEPER_CONFIG      the deployment's config (functions/runtime.ts): prefix, breaker policy, ...
 *                           for the actions, which are lib/actions' (slackRunAction)
 *   AWS_LAMBDA_FUNCTION_NAME, AWS_REGION  set by Lambda
 */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { z } from "zod";
import { Aws } from "../lib/aws/clients.js";
import { systemClock, type Clock } from "../lib/aws/clock.js";
import { slackRunAction } from "../lib/actions/index.js";
import { createLogger, type Logger } from "../lib/log.js";
import {
  ACTION_NAMES,
  type ActionName,
  type ActionRequest,
  type ActionResult,
  type RunAction,
} from "../lib/notify/actions.js";
import { BLOCK_KIT_LIMITS, mrkdwnWithin, truncate } from "../lib/notify/blockkit.js";
import { parseInteraction } from "../lib/notify/interaction.js";
import { containerSlackSecrets, type SlackSecrets } from "../lib/notify/secrets.js";
import { ReplayGuard, verifySlackRequest } from "../lib/notify/signature.js";
import { SlackClient, type SlackClientOptions } from "../lib/notify/slack.js";
import { configFromEnvironment, once, type InvocationContext } from "./runtime.js";

export const JOB_KIND = "watchkeeper.slack-action";

/** The self-invocation's payload: a request that passed every check. */
export interface ActionJob {
  readonly kind: typeof JOB_KIND;
  readonly request: ActionRequest;
  readonly responseUrl?: string;
  /** The alarm message's thread. */
  readonly threadTs?: string;
}

export interface InteractionsConfig {
  readonly secretId: string;
  readonly allowedUsers: ReadonlySet<string>;
  readonly allowedChannels: ReadonlySet<string>;
  readonly apiBaseUrl?: string;
}

export interface InteractionDependencies {
  readonly logger: Logger;
  readonly config: () => InteractionsConfig;
  readonly secrets: () => Promise<SlackSecrets>;
  readonly runAction: RunAction;
  /** Starts the job without waiting for it: Lambda Invoke with InvocationType=Event of this function. */
  readonly startJob: (job: ActionJob) => Promise<void>;
  readonly clock?: Clock;
  readonly replay?: ReplayGuard;
  readonly slackOptions?: Partial<SlackClientOptions>;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** API Gateway HTTP API (payload 2.0), Function URL, or REST API (1.0) event: the fields used. */
const HttpEvent = z.object({
  headers: z.record(z.string(), z.string().optional()).nullish(),
  body: z.string().nullish(),
  isBase64Encoded: z.boolean().nullish(),
  httpMethod: z.string().optional(),
  requestContext: z
    .object({ http: z.object({ method: z.string() }).optional() })
    .loose()
    .optional(),
});

const Job = z.object({
  kind: z.literal(JOB_KIND),
  request: z.object({
    action: z.enum(ACTION_NAMES),
    target: z.string().min(1),
    user: z.string().min(1),
    channel: z.string().min(1),
    alarmName: z.string().optional(),
    durationMinutes: z.number().int().positive().optional(),
    requestedAt: z.string(),
  }),
  responseUrl: z.string().url().optional(),
  threadTs: z.string().optional(),
});

const ACTION_LABELS: Readonly<Record<ActionName, string>> = {
  "dlq-redrive": "Redrive",
  "breaker-trip": "Trip breaker on",
  "breaker-reset": "Reset breaker on",
  "alarm-silence": "Silence",
};

export function createInteractionHandler(deps: InteractionDependencies) {
  const clock = deps.clock ?? systemClock;
  const replay = deps.replay ?? new ReplayGuard();

  async function http(event: z.infer<typeof HttpEvent>): Promise<HttpResponse> {
    const log = deps.logger;
    const started = clock.now();
    const method = event.requestContext?.http?.method ?? event.httpMethod ?? "POST";
    if (method.toUpperCase() !== "POST") return respond(405, `method ${method} not allowed; Slack POSTs`);
    const headers = Object.fromEntries(
      Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? ""]),
    );
    const rawBody = event.isBase64Encoded
      ? Buffer.from(event.body ?? "", "base64").toString("utf8")
      : (event.body ?? "");

    const config = deps.config();
    const secrets = await deps.secrets();
    if (!secrets.signingSecret) {
      log.error(
        `Slack secret ${config.secretId} has no signingSecret: interactive requests cannot be verified`,
      );
      return respond(500, "not configured");
    }
    const verified = verifySlackRequest({
      signingSecret: secrets.signingSecret,
      timestamp: headers["x-slack-request-timestamp"],
      signature: headers["x-slack-signature"],
      rawBody,
      now: clock.now(),
    });
    if (!verified.ok) {
      log.warn({ status: 401 }, `refused: ${verified.reason}`);
      return respond(401, "invalid request signature");
    }
    if (!replay.firstSeen(headers["x-slack-signature"]!, clock.now())) {
      log.warn({ status: 401 }, "refused: this signed request was already received (replay)");
      return respond(401, "invalid request signature");
    }

    const parsed = parseInteraction(rawBody);
    if (!parsed.ok) {
      log.error({ status: 400 }, `rejected: ${parsed.reason}`);
      return respond(400, "malformed interaction payload");
    }
    const { interaction } = parsed;
    const request = interaction.request;
    if (!request) {
      log.info(
        { actionId: interaction.actionId },
        `ignored: ${interaction.actionId} is not a Watchkeeper action`,
      );
      return respond(200, "");
    }
    const who = {
      user: interaction.user,
      channel: interaction.channel,
      action: request.action,
      target: request.target,
    };
    if (!config.allowedUsers.has(interaction.user)) {
      log.warn(
        { ...who, status: 403 },
        `refused: Slack user ${interaction.user} is not allowed to run actions`,
      );
      return respond(403, "not allowed");
    }
    if (!config.allowedChannels.has(interaction.channel)) {
      log.warn(
        { ...who, status: 403 },
        `refused: actions are not allowed from channel ${interaction.channel}`,
      );
      return respond(403, "not allowed");
    }

    try {
      await deps.startJob({
        kind: JOB_KIND,
        request,
        ...(interaction.responseUrl ? { responseUrl: interaction.responseUrl } : {}),
        ...(interaction.threadTs ? { threadTs: interaction.threadTs } : {}),
      });
    } catch (error) {
      log.error(
        { ...who, status: 500 },
        `could not start ${request.action}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return respond(500, "could not start the action");
    }
    const elapsed = clock.now() - started;
    log.info(
      { ...who, elapsedMs: elapsed },
      `accepted ${request.action} on ${request.target} from ${interaction.user}`,
    );
    if (elapsed > 2500) log.warn({ elapsedMs: elapsed }, "acknowledged close to Slack's 3-second limit");
    return respond(200, "");
  }

  async function job(payload: ActionJob): Promise<ActionResult> {
    const log = deps.logger;
    const { request } = payload;
    const config = deps.config();
    const secrets = await deps.secrets();
    const slack = new SlackClient({
      ...secrets,
      ...(config.apiBaseUrl ? { apiBaseUrl: config.apiBaseUrl } : {}),
      logger: log,
      ...deps.slackOptions,
    });
    const what = `${ACTION_LABELS[request.action]} ${request.target}`;
    if (payload.responseUrl) {
      try {
        await slack.respond(
          payload.responseUrl,
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
    // Thrown errors here reach the async invocation's on-failure destination; the action is not rerun.
    if (slack.mode === "bot") {
      await slack.post(
        { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] },
        { channel: request.channel, ...(payload.threadTs ? { threadTs: payload.threadTs } : {}) },
      );
    } else if (payload.responseUrl) {
      await slack.respond(
        payload.responseUrl,
        {
          response_type: "in_channel",
          replace_original: false,
          ...(payload.threadTs ? { thread_ts: payload.threadTs } : {}),
          text,
        },
        request.channel,
      );
    } else {
      throw new Error(`no way to post the result of ${what}: no bot token and no response_url`);
    }
    return result;
  }

  return async function handle(event: unknown): Promise<HttpResponse | ActionResult> {
    const asJob = Job.safeParse(event);
    if (asJob.success) return job(asJob.data);
    const asHttp = HttpEvent.safeParse(event);
    if (!asHttp.success) {
      deps.logger.error("rejected: neither an HTTP request (API Gateway, Function URL) nor an action job");
      return respond(400, "bad request");
    }
    return http(asHttp.data);
  };
}

function respond(statusCode: number, body: string): HttpResponse {
  return { statusCode, headers: { "content-type": "text/plain; charset=utf-8" }, body };
}

function idList(env: NodeJS.ProcessEnv, name: string, what: string): ReadonlySet<string> {
  const raw = env[name]?.trim();
  if (!raw) throw new Error(`${name} is not set: list the ${what} (comma-separated Slack IDs)`);
  const ids = raw
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  const bad = ids.filter((id) => !/^[A-Z0-9]{2,40}$/.test(id));
  if (bad.length > 0)
    throw new Error(
      `${name}: ${bad.join(", ")} ${bad.length === 1 ? "is not a Slack ID" : "are not Slack IDs"} (e.g. U0123ABCD, C0123ABCD)`,
    );
  return new Set(ids);
}

export function interactionsConfigFromEnvironment(env: NodeJS.ProcessEnv): InteractionsConfig {
  const secretId = env.SLACK_SECRET_ID?.trim();
  if (!secretId)
    throw new Error(
      "SLACK_SECRET_ID is not set: name the Secrets Manager secret holding the Slack signing secret",
    );
  const apiBaseUrl = env.SLACK_API_URL?.trim();
  if (apiBaseUrl && !URL.canParse(apiBaseUrl)) throw new Error(`SLACK_API_URL=${apiBaseUrl} is not a URL`);
  return {
    secretId,
    allowedUsers: idList(env, "SLACK_ALLOWED_USERS", "users allowed to run actions"),
    allowedChannels: idList(env, "SLACK_ALLOWED_CHANNELS", "channels whose messages may be acted on"),
    ...(apiBaseUrl ? { apiBaseUrl } : {}),
  };
}

/** Starts a job by invoking this function again, asynchronously. */
export function selfInvoker(
  aws: () => Aws,
  functionName: string | undefined,
): (job: ActionJob) => Promise<void> {
  return async (job) => {
    if (!functionName) throw new Error("AWS_LAMBDA_FUNCTION_NAME is not set: cannot invoke myself");
    await aws()
      .client(LambdaClient)
      .send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: "Event",
          Payload: new TextEncoder().encode(JSON.stringify(job)),
        }),
      );
  };
}

// Made once per container and reused by warm invocations.
let aws: Aws | undefined;
let config: InteractionsConfig | undefined;
const logger = createLogger({ function: "slack-interactions" });

function loadConfig(): InteractionsConfig {
  try {
    return (config ??= interactionsConfigFromEnvironment(process.env));
  } catch (error) {
    logger.error(`invalid configuration: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

const awsOfContainer = () => (aws ??= new Aws({ region: process.env.AWS_REGION ?? "" }));

/** The deployment's config (WATCHKEEPER_CONFIG): prefix, breaker policy, retention, ... for the actions. */
const watchkeeperConfig = once(() => configFromEnvironment());

/** Kept back from the invocation's time limit so a long action (a re-invoke redrive) stops and answers. */
const SAFETY_MS = 20_000;
let deadline: number | undefined;

/** A click runs the same runbook action as the CLI and the runbook Lambda (lib/actions). */
const runAction: RunAction = slackRunAction(awsOfContainer, () => ({
  config: watchkeeperConfig(),
  logger,
  ...(deadline !== undefined ? { deadline } : {}),
}));

const handle = createInteractionHandler({
  logger,
  config: loadConfig,
  secrets: containerSlackSecrets(awsOfContainer, () => loadConfig().secretId),
  runAction,
  startJob: selfInvoker(awsOfContainer, process.env.AWS_LAMBDA_FUNCTION_NAME),
});

export function handler(event: unknown, context?: InvocationContext): ReturnType<typeof handle> {
  // One invocation at a time per container: the deadline is this invocation's.
  const remaining = context?.getRemainingTimeInMillis();
  deadline = remaining === undefined ? undefined : Date.now() + Math.max(0, remaining - SAFETY_MS);
  return handle(event);
}
