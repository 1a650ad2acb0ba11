/**
 * Lambda: the Slack interactions endpoint (the app's Interactivity Request URL), behind an API Gateway
 * HTTP API or a Function URL. A click on a message button arrives as a signed form POST; the function
 *   1. verifies the signature over the raw body (base64-decoded first when the event says so), with the
 *      timestamp within 5 minutes and each signature accepted once per container: else 401;
 *   2. parses the payload (400 when malformed) and ignores buttons that are not Watchkeeper actions (200);
 *   3. allows only configured Slack users and channels: else 403, and nothing runs;
 *   4. hands the action off to the runbook-action function and acknowledges with 200 well within
 *      Slack's 3 seconds.
 *
 * The hand-off (lib/notify/handoff.ts) is an asynchronous Invoke (InvocationType=Event) of
 * runbook-action: an action can take up to 15 minutes, Slack wants its answer in 3 seconds. This
 * function is the internet-facing one, so it can do nothing else: its role reads the Slack secret and
 * invokes that one function. runbook-action says "working on it", runs the action as `slack:<user id>`
 * and posts the result in the alarm's thread (lib/actions/slack-job.ts); it is deployed with no retries
 * of asynchronous events, so an action never runs twice, and a result it could not post lands in its DLQ.
 * In an organization's hub the same code runs as `<prefix>hub-interactions` and hands off to
 * `<prefix>hub-actions` (functions/hub-actions.ts), which runs the click in the member account the
 * button names (the request's `account` and `region`) through that member's own runbook-action.
 *
 * Configuration (environment):
 *   SLACK_SECRET_ID         required: the Secrets Manager secret; must hold "signingSecret"
 *   SLACK_ALLOWED_USERS     required: comma-separated Slack user IDs (U0123,U0456) allowed to act
 *   SLACK_ALLOWED_CHANNELS  required: comma-separated channel IDs whose messages may be acted on
 *   RUNBOOK_ACTION_FUNCTION required: the function to hand off to (`<prefix>runbook-action`; in the hub,
 *                           `<prefix>hub-actions`)
 *   AWS_REGION              set by Lambda
 */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { z } from "zod";
import { Aws } from "../lib/aws/clients.js";
import { systemClock, type Clock } from "../lib/aws/clock.js";
import { describeAwsError } from "../lib/aws/errors.js";
import { createLogger, type Logger } from "../lib/log.js";
import { SLACK_HANDOFF_KIND, type SlackHandoff } from "../lib/notify/handoff.js";
import { parseInteraction } from "../lib/notify/interaction.js";
import { containerSlackSecrets, type SlackSecrets } from "../lib/notify/secrets.js";
import { ReplayGuard, verifySlackRequest } from "../lib/notify/signature.js";

/** The variable naming the function a checked click is handed to (lib/infra sets it). */
export const RUNBOOK_FUNCTION_VARIABLE = "RUNBOOK_ACTION_FUNCTION";

export interface InteractionsConfig {
  readonly secretId: string;
  readonly allowedUsers: ReadonlySet<string>;
  readonly allowedChannels: ReadonlySet<string>;
}

export interface InteractionDependencies {
  readonly logger: Logger;
  readonly config: () => InteractionsConfig;
  readonly secrets: () => Promise<SlackSecrets>;
  /** Starts the action without waiting for it: an asynchronous Invoke of runbook-action. */
  readonly handOff: (handoff: SlackHandoff) => Promise<void>;
  readonly clock?: Clock;
  readonly replay?: ReplayGuard;
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
      await deps.handOff({
        kind: SLACK_HANDOFF_KIND,
        request,
        ...(interaction.responseUrl ? { responseUrl: interaction.responseUrl } : {}),
        ...(interaction.threadTs ? { threadTs: interaction.threadTs } : {}),
      });
    } catch (error) {
      log.error(
        { ...who, status: 500 },
        `could not hand ${request.action} to runbook-action: ${describeAwsError(error)}`,
      );
      return respond(500, "could not start the action");
    }
    const elapsed = clock.now() - started;
    log.info(
      { ...who, elapsedMs: elapsed },
      `handed ${request.action} on ${request.target} from ${interaction.user} to runbook-action`,
    );
    if (elapsed > 2500) log.warn({ elapsedMs: elapsed }, "acknowledged close to Slack's 3-second limit");
    return respond(200, "");
  }

  return async function handle(event: unknown): Promise<HttpResponse> {
    const asHttp = HttpEvent.safeParse(event);
    if (!asHttp.success) {
      deps.logger.error("rejected: not an HTTP request (API Gateway, Function URL)");
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
  return {
    secretId,
    allowedUsers: idList(env, "SLACK_ALLOWED_USERS", "users allowed to run actions"),
    allowedChannels: idList(env, "SLACK_ALLOWED_CHANNELS", "channels whose messages may be acted on"),
  };
}

/** Hands a checked click to runbook-action with an asynchronous Invoke; Lambda answers 202 at once. */
export function runbookInvoker(
  aws: () => Aws,
  functionName: string | undefined,
): (handoff: SlackHandoff) => Promise<void> {
  return async (handoff) => {
    if (!functionName)
      throw new Error(
        `${RUNBOOK_FUNCTION_VARIABLE} is not set: name the runbook-action function to hand actions to`,
      );
    await aws()
      .client(LambdaClient)
      .send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: "Event",
          Payload: new TextEncoder().encode(JSON.stringify(handoff)),
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

export const handler = createInteractionHandler({
  logger,
  config: loadConfig,
  secrets: containerSlackSecrets(awsOfContainer, () => loadConfig().secretId),
  handOff: runbookInvoker(awsOfContainer, process.env[RUNBOOK_FUNCTION_VARIABLE]),
});
