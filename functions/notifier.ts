/**
 * Lambda: posts every alarm state change to Slack. Trigger: the notifications SNS topic that every
 * Watchkeeper alarm names in its alarm and OK actions (an EventBridge "CloudWatch Alarm State Change"
 * event is accepted too).
 *
 * Never lose a notification: SNS invokes Lambda asynchronously, so a thrown error makes Lambda retry
 * the event (twice, by default) and then send it to the function's on-failure destination or DLQ,
 * which Watchkeeper alarms on. So:
 * - a malformed record is logged as an error naming the field and dropped (it will never become valid);
 * - so is a record of another account or region than the function's own (its invoked ARN): an SNS
 *   record's TopicArn, an EventBridge event's account and region. Anyone allowed to publish to a topic
 *   subscribed here could otherwise make it read and tag alarms on another account's word;
 * - a Slack failure that outlives the client's retries (429 after Retry-After, 5xx, network; 5 attempts)
 *   is thrown, after the other records of the event were tried.
 *
 * Configuration (environment), validated on first use; an invalid value fails every invocation with an
 * error naming it:
 *   SLACK_SECRET_ID        required: the Secrets Manager secret (name or ARN) with
 *                          {"webhookUrl"|"webhooks"|"botToken", "signingSecret"}
 *   SLACK_ROUTING          optional JSON: {"defaultChannel":"C0123","bySeverity":{"critical":"C0456"},
 *                          "routes":[{"channel":"C0789","resourceTag":{"key":"team","value":"payments"}}]}
 *   SLACK_DEFAULT_CHANNEL  optional: shorthand for SLACK_ROUTING's defaultChannel
 *   SLACK_GRAPHS           optional true|false (default true): bot token only, metric graph in the thread
 *   SLACK_INTERACTIVE      optional true|false: action buttons; default true when the secret has a signingSecret
 *   SLACK_API_URL          optional: the Slack Web API base URL (tests, a proxy)
 *   ALARM_PREFIX           optional (default watchkeeper-); RUNBOOK_BASE_URL optional
 *   AWS_REGION             set by Lambda
 *
 * The hub's notifier (functions/hub-notifier.ts) is this handler given `hub`: events come from the
 * organization's accounts and regions through the hub's bus, each alarm is read fresh in its own account
 * (lib/org/hub-notify.ts) and posted only when CloudWatch would have notified (actions enabled, actions
 * for the new state), with the account's alias; the members' action audit events are posted as one line
 * each. Injected, so this bundle holds none of it (nor the permissions it would need).
 */
import { z } from "zod";
import { Aws } from "../lib/aws/clients.js";
import { describeAwsError } from "../lib/aws/errors.js";
import type { HubReach, Verdict } from "../lib/org/hub-notify.js";
import { buildAuditMessage, isAuditEvent, parseAuditEvent } from "../lib/notify/audit.js";
import { createLogger, type Logger } from "../lib/log.js";
import { notifyAlarm, type NotifyOutcome, type NotifySettings } from "../lib/notify/deliver.js";
import { parseAlarmNotification } from "../lib/notify/parse.js";
import { RoutingConfigSchema, type RoutingConfig } from "../lib/notify/routing.js";
import { containerSlackSecrets, type SlackSecrets } from "../lib/notify/secrets.js";
import { SlackClient, type SlackClientOptions } from "../lib/notify/slack.js";
import { placeOfInvocation, type FunctionPlace, type InvocationContext } from "./runtime.js";

export interface NotifierConfig {
  readonly secretId: string;
  readonly routing: RoutingConfig;
  readonly graphs: boolean;
  /** Undefined: decided by the secret (buttons when it holds a signing secret). */
  readonly interactive?: boolean;
  readonly apiBaseUrl?: string;
  readonly prefix?: string;
  readonly runbookBaseUrl?: string;
}

export interface NotifierDependencies {
  readonly aws: () => Aws;
  readonly logger: Logger;
  readonly config: () => NotifierConfig;
  readonly secrets: () => Promise<SlackSecrets>;
  /** Extra client options (tests: a fake clock so retries do not wait). */
  readonly slackOptions?: Partial<SlackClientOptions>;
  readonly graph?: Parameters<typeof notifyAlarm>[1]["graph"];
  /** The hub's reach into the members: set, this is the hub's notifier (see the header). */
  readonly hub?: () => HubReach;
}

export interface NotifierResult {
  readonly delivered: readonly NotifyOutcome[];
  readonly rejected: number;
}

const SnsEvent = z.object({ Records: z.array(z.unknown()).min(1, "holds no records") });

export function createNotifierHandler(deps: NotifierDependencies) {
  // One client per secret value, kept across records and warm invocations: its per-channel pacing holds.
  let current: { secrets: SlackSecrets; slack: SlackClient } | undefined;
  const slackFor = (secrets: SlackSecrets, config: NotifierConfig): SlackClient => {
    if (current?.secrets !== secrets) {
      current = {
        secrets,
        slack: new SlackClient({
          ...secrets,
          ...(config.apiBaseUrl ? { apiBaseUrl: config.apiBaseUrl } : {}),
          logger: deps.logger,
          ...deps.slackOptions,
        }),
      };
    }
    return current.slack;
  };

  return async function handle(event: unknown, context?: InvocationContext): Promise<NotifierResult> {
    const log = deps.logger;
    const here = placeOfInvocation(context);
    const records = notificationsOf(event);
    if (!records.ok) {
      log.error({ problems: [records.problem] }, `rejected: ${records.problem}`);
      return { delivered: [], rejected: 1 };
    }
    const config = deps.config();
    const delivered: NotifyOutcome[] = [];
    const failures: string[] = [];
    let rejected = 0;
    const hub = deps.hub?.();
    for (const [index, record] of records.items.entries()) {
      // The hub serves every account of its organization: its bus admits only the organization's.
      const elsewhere = hub ? undefined : notFromHere(record, here);
      if (elsewhere !== undefined) {
        rejected += 1;
        log.error({ record: index }, `rejected: ${elsewhere}`);
        continue;
      }
      if (hub && isAuditEvent(record)) {
        const audit = parseAuditEvent(record);
        if (!audit.ok) {
          rejected += 1;
          log.error({ record: index }, `rejected: ${audit.problem}`);
          continue;
        }
        const { account, region } = audit.event;
        try {
          const secrets = await deps.secrets();
          const alias = await hub.alias(account, region);
          const channel = config.routing.defaultChannel;
          await slackFor(secrets, config).post(
            buildAuditMessage(audit.event, alias),
            channel ? { channel } : {},
          );
          log.info(
            { account, action: audit.event.detail.action },
            `posted ${account}'s ${audit.event.detail.action}`,
          );
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          failures.push(`${account}'s ${audit.event.detail.action}: ${message}`);
          log.error({ account }, `failed to post ${account}'s audit event: ${message}`);
        }
        continue;
      }
      const parsed = parseAlarmNotification(record);
      if (!parsed.ok) {
        rejected += 1;
        log.error({ record: index, problems: parsed.problems }, `rejected: ${parsed.reason}`);
        continue;
      }
      const change = parsed.change;
      try {
        const aws = hub ? hub.aws(change.accountId, change.region) : deps.aws();
        if (hub) {
          const verdict = await hub.wouldNotify(aws, change).catch((error: unknown): Verdict => {
            // Not read: posted anyway. A page nobody can confirm beats a page lost.
            log.warn(
              { alarm: change.alarmName, account: change.accountId },
              `posting unconfirmed: could not read ${change.alarmName} in ${change.accountId} ${change.region}: ${describeAwsError(error)}`,
            );
            return { post: true };
          });
          if (!verdict.post) {
            log.info({ alarm: change.alarmName, account: change.accountId }, `not posted: ${verdict.why}`);
            continue;
          }
        }
        const accountAlias = hub ? await hub.alias(change.accountId, change.region) : undefined;
        const secrets = await deps.secrets();
        const slack = slackFor(secrets, config);
        const settings: NotifySettings = {
          routing: config.routing,
          graphs: config.graphs,
          interactive: config.interactive ?? secrets.signingSecret !== undefined,
          ...(config.prefix ? { prefix: config.prefix } : {}),
          ...(config.runbookBaseUrl ? { runbookBaseUrl: config.runbookBaseUrl } : {}),
          ...(accountAlias ? { accountAlias } : {}),
        };
        const outcome = await notifyAlarm(change, {
          aws,
          slack,
          settings,
          logger: log,
          ...(deps.graph ? { graph: deps.graph } : {}),
        });
        delivered.push(outcome);
        log.info(
          {
            alarm: change.alarmName,
            state: change.state,
            severity: outcome.severity,
            channel: outcome.channel,
            threaded: outcome.threadTs !== undefined,
            offenders: outcome.offenders,
            graph: outcome.graph,
          },
          `posted ${change.state} for ${change.alarmName}`,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push(`${change.alarmName} (${change.state}): ${message}`);
        log.error(
          { alarm: change.alarmName, state: change.state },
          `failed to post ${change.alarmName}: ${message}`,
        );
      }
    }
    if (failures.length > 0) {
      // Thrown so Lambda retries the event and, past its retries, sends it to the DLQ.
      throw new Error(
        `${failures.length} of ${records.items.length} notifications failed: ${failures.join("; ")}`,
      );
    }
    return { delivered, rejected };
  };
}

/** The notifications in an event: the records of an SNS event, or one EventBridge event. */
function notificationsOf(event: unknown): { ok: true; items: unknown[] } | { ok: false; problem: string } {
  if (typeof event === "object" && event !== null && ("detail-type" in event || "detail" in event)) {
    return { ok: true, items: [event] };
  }
  const parsed = SnsEvent.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      problem: `not an SNS event: event.${issue?.path.map(String).join(".") || "Records"}: ${issue?.message ?? "invalid"}`,
    };
  }
  return { ok: true, items: parsed.data.Records };
}

const SnsOrigin = z.object({ Sns: z.object({ TopicArn: z.string() }) });
const EventOrigin = z.object({ account: z.string(), region: z.string() });

/** Why a record is not this function's account and region to act on, or undefined when it is. */
function notFromHere(record: unknown, here: FunctionPlace | undefined): string | undefined {
  if (!here)
    return "no invoked function ARN in the Lambda context, so this function's own account is unknown";
  const sns = SnsOrigin.safeParse(record);
  const event = EventOrigin.safeParse(record);
  let origin: FunctionPlace | undefined;
  let what: string;
  if (sns.success) {
    const [, , service, region, account] = sns.data.Sns.TopicArn.split(":");
    what = `topic ${sns.data.Sns.TopicArn}`;
    if (service === "sns" && region && account) origin = { account, region };
  } else {
    what = "the EventBridge event";
    if (event.success) origin = event.data;
  }
  if (!origin) return `${what} does not say which account and region it comes from`;
  if (origin.account !== here.account || origin.region !== here.region)
    return (
      `${what} is of account ${origin.account} in ${origin.region}; ` +
      `this function serves account ${here.account} in ${here.region}`
    );
  return undefined;
}

const Flag = z
  .enum(["true", "false"], { message: 'expected "true" or "false"' })
  .transform((v) => v === "true");

/** The configuration from the environment; see the header comment. Throws an Error naming the bad setting. */
export function notifierConfigFromEnvironment(env: NodeJS.ProcessEnv): NotifierConfig {
  const secretId = env.SLACK_SECRET_ID?.trim();
  if (!secretId)
    throw new Error(
      "SLACK_SECRET_ID is not set: name the Secrets Manager secret holding the Slack webhook or token",
    );
  let routing: RoutingConfig = {};
  if (env.SLACK_ROUTING?.trim()) {
    let json: unknown;
    try {
      json = JSON.parse(env.SLACK_ROUTING);
    } catch (error) {
      throw new Error(
        `SLACK_ROUTING is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const parsed = RoutingConfigSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `SLACK_ROUTING.${issue?.path.map(String).join(".") ?? ""}: ${issue?.message ?? "invalid"}`,
      );
    }
    routing = parsed.data;
  }
  if (env.SLACK_DEFAULT_CHANNEL?.trim())
    routing = { ...routing, defaultChannel: env.SLACK_DEFAULT_CHANNEL.trim() };
  const flag = (name: string): boolean | undefined => {
    const raw = env[name]?.trim().toLowerCase();
    if (!raw) return undefined;
    const parsed = Flag.safeParse(raw);
    if (!parsed.success) throw new Error(`${name}=${env[name]}: expected "true" or "false"`);
    return parsed.data;
  };
  const interactive = flag("SLACK_INTERACTIVE");
  const apiBaseUrl = env.SLACK_API_URL?.trim();
  if (apiBaseUrl && !URL.canParse(apiBaseUrl)) throw new Error(`SLACK_API_URL=${apiBaseUrl} is not a URL`);
  return {
    secretId,
    routing,
    graphs: flag("SLACK_GRAPHS") ?? true,
    ...(interactive !== undefined ? { interactive } : {}),
    ...(apiBaseUrl ? { apiBaseUrl } : {}),
    ...(env.ALARM_PREFIX?.trim() ? { prefix: env.ALARM_PREFIX.trim() } : {}),
    ...(env.RUNBOOK_BASE_URL?.trim() ? { runbookBaseUrl: env.RUNBOOK_BASE_URL.trim() } : {}),
  };
}

/** The dependencies of a deployed notifier, made once per container and reused by warm invocations. */
export function containerNotifierDependencies(name: string): NotifierDependencies {
  let aws: Aws | undefined;
  let config: NotifierConfig | undefined;
  const logger = createLogger({ function: name });
  const loadConfig = (): NotifierConfig => {
    try {
      return (config ??= notifierConfigFromEnvironment(process.env));
    } catch (error) {
      logger.error(`invalid configuration: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };
  const awsOfContainer = () => (aws ??= new Aws({ region: process.env.AWS_REGION ?? "" }));
  return {
    aws: awsOfContainer,
    logger,
    config: loadConfig,
    secrets: containerSlackSecrets(awsOfContainer, () => loadConfig().secretId),
  };
}

export const handler = createNotifierHandler(containerNotifierDependencies("notifier"));
