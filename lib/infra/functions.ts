/**
 * Watchkeeper's Lambda functions, one entry each: which handler, how it is triggered, what it may do.
 * The stack builds every entry the config turns on; `npm run build:functions` bundles and measures
 * every entry. A new handler is a new entry here.
 */
import { ArnFormat, Duration, Stack } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import type { WatchkeeperConfig } from "../config/schema.js";
import {
  alarmSilences,
  alarmThreadTags,
  alarmWrites,
  apiGatewayRead,
  auditEvents,
  breakerWrites,
  dashboardWrites,
  discoveryRead,
  dlqRedrive,
  logGroupRead,
  metricWrites,
  notificationRead,
  retentionRemoval,
  retentionWrites,
  slackSecretRead,
  stateMachineKeys,
  type Permission,
} from "./permissions.js";

export type Trigger =
  /** EventBridge schedule; the rate in minutes, and the event the function gets (default: the schedule's own). */
  | {
      readonly kind: "schedule";
      readonly id: string;
      readonly everyMinutes: (config: WatchkeeperConfig) => number;
      readonly input?: Readonly<Record<string, unknown>>;
      readonly when?: (config: WatchkeeperConfig) => boolean;
    }
  /** The resource-created hints queue, read in batches (lib/infra/events.ts RESOURCE_CREATED). */
  | { readonly kind: "resource-created-hints" }
  /** CreateLogGroup events, straight to the function. */
  | { readonly kind: "log-group-created" }
  /** State changes of the breaker's trip alarms. */
  | { readonly kind: "breaker-alarms" }
  /** The SNS topic every Watchkeeper alarm notifies. */
  | { readonly kind: "alarm-topic" }
  /** A public HTTPS endpoint (Function URL, no IAM auth): the handler verifies Slack's signature itself. */
  | { readonly kind: "function-url" };

export interface FunctionSpec {
  /** The function is named `<prefix><name>`. */
  readonly name: string;
  /** The handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  /** Built only when this says so (default: always). */
  readonly when?: (config: WatchkeeperConfig) => boolean;
  readonly timeout: Duration;
  readonly memoryMiB: number;
  /** Set where runs must not overlap; it takes concurrency from the account's unreserved pool. */
  readonly reservedConcurrency?: number;
  /** Lambda's retries of a failed asynchronous invocation (0-2) before it goes to the DLQ. */
  readonly asyncRetries: number;
  /**
   * Set where the only asynchronous events are schedules: an event still waiting (throttled) after this
   * is superseded by the next one, so Lambda drops it instead of sending it to a DLQ that would page for
   * nothing. The function then has no DLQ; its Errors alarm still reports failed runs.
   */
  readonly staleAfter?: (config: WatchkeeperConfig) => Duration;
  /** Its log group outlives the stack: it holds the audit lines of the actions people ran. */
  readonly auditLog?: true;
  /**
   * The function asks the reconcile for a run sooner (lib/reconcile/hints.ts): it gets the hints queue's
   * URL in WATCHKEEPER_HINTS_QUEUE_URL and may send to that queue, and to no other.
   */
  readonly sendsHints?: true;
  /** Settings the handler reads from its own variables, besides WATCHKEEPER_CONFIG. Never a secret. */
  readonly environment?: (config: WatchkeeperConfig) => Readonly<Record<string, string>>;
  readonly triggers: readonly Trigger[];
  readonly permissions: (scope: Construct, config: WatchkeeperConfig) => readonly Permission[];
}

/** How often open breakers are evaluated (auto-reset, half-open, drift); the shortest cool-down is minutes. */
export const BREAKER_EVALUATION_MINUTES = 5;
/** How often ended silences get their alarm actions back. */
export const SILENCE_EXPIRY_MINUTES = 5;
/** How often the opt-in auto-redrive looks at tagged DLQs (when `redrive.auto` is on). */
export const AUTO_REDRIVE_MINUTES = 15;

/** Everything a runbook action may do (lib/actions: status, DLQ, breaker, silence, retention, reconcile, audit events). */
function runbookActions(scope: Construct, config: WatchkeeperConfig): Permission[] {
  return [
    discoveryRead(),
    apiGatewayRead(scope),
    // The reconcile action reads every state machine's definition, as the reconcile does.
    stateMachineKeys(scope),
    notificationRead(),
    alarmWrites(scope, config),
    alarmSilences(scope, config),
    dashboardWrites(scope, config),
    retentionWrites(scope),
    retentionRemoval(scope),
    metricWrites(),
    breakerWrites(scope, config),
    dlqRedrive(scope),
    auditEvents(scope),
  ];
}

/**
 * The Slack settings where this account posts to Slack itself: not in an organization with a hub, where
 * the hub alone posts (lib/infra/hub.ts) and runs the buttons' actions through runbook-action.
 */
export function slackHere(config: WatchkeeperConfig): WatchkeeperConfig["slack"] {
  return config.organization?.hub ? undefined : config.slack;
}

/** Slack clicks are answered by runbook-action, which therefore reads the Slack secret when there are buttons. */
function slackAnswers(scope: Construct, config: WatchkeeperConfig): Permission[] {
  const slack = slackHere(config);
  return slack?.interactive ? [slackSecretRead(scope, slack.secretName)] : [];
}

/** The name of the function that runs on-call actions, and Slack clicks handed to it. */
export function runbookFunctionName(config: WatchkeeperConfig): string {
  return `${config.prefix}runbook-action`;
}

/** slack-interactions hands each checked click to one function: invoking it is all it may do. */
export function handOffTo(scope: Construct, functionName: string): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: "HandOffToRunbookAction",
        actions: ["lambda:InvokeFunction"],
        resources: [
          Stack.of(scope).formatArn({
            service: "lambda",
            resource: "function",
            resourceName: functionName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    ],
  };
}

/** A schedule's event is worth nothing once the next one is due; Lambda keeps events at most 6 hours. */
function oneSchedulePeriod(minutes: number): Duration {
  return Duration.minutes(Math.min(minutes, 360));
}

/** The Slack settings, for the functions that only exist with Slack on (here and in the hub). */
export function slackOf(config: WatchkeeperConfig) {
  if (!config.slack) throw new Error("Slack is not configured");
  return config.slack;
}

export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    name: "reconcile",
    entry: "functions/reconcile.ts",
    description: "Watchkeeper: inventory, alarms, log retention and dashboard in one run",
    // Lambda's maximum: a first run on a large account is paced by PutMetricAlarm's 3 TPS.
    timeout: Duration.minutes(15),
    memoryMiB: 1024,
    // Two runs at once would race on the same alarms and double the API rate against the quotas.
    reservedConcurrency: 1,
    // Level-triggered: the next scheduled run repairs what a failed one left; retrying it only doubles the load.
    asyncRetries: 0,
    // Behind back-to-back runs (hints) a scheduled event waits throttled; the next run does its job anyway.
    staleAfter: (config) => oneSchedulePeriod(config.schedule.reconcileEveryMinutes),
    triggers: [
      { kind: "schedule", id: "schedule", everyMinutes: (config) => config.schedule.reconcileEveryMinutes },
      { kind: "resource-created-hints" },
    ],
    // A run cut short by its budget asks for the next at once.
    sendsHints: true,
    permissions: (scope, config) => [
      discoveryRead(),
      apiGatewayRead(scope),
      stateMachineKeys(scope),
      alarmWrites(scope, config),
      dashboardWrites(scope, config),
      retentionWrites(scope),
      metricWrites(),
    ],
  },
  {
    name: "log-retention",
    entry: "functions/log-retention.ts",
    description: "Watchkeeper: sets the retention of a new log group",
    timeout: Duration.minutes(1),
    memoryMiB: 256,
    asyncRetries: 2,
    triggers: [{ kind: "log-group-created" }],
    permissions: (scope) => [logGroupRead(), retentionWrites(scope)],
  },
  {
    name: "breaker",
    entry: "functions/breaker.ts",
    description: "Watchkeeper: circuit breaker (trip on alarm, evaluate open breakers on a schedule)",
    timeout: Duration.minutes(5),
    memoryMiB: 512,
    // The account-wide trip limit is counted from tags: two trips at once could both see room for one more.
    reservedConcurrency: 1,
    // A trip that failed halfway is finished by a retry (its record is written first).
    asyncRetries: 2,
    triggers: [
      { kind: "breaker-alarms" },
      { kind: "schedule", id: "schedule", everyMinutes: () => BREAKER_EVALUATION_MINUTES },
    ],
    // A trip or reset changes what the alarm plan wants (the throttles aggregate leaves open breakers out):
    // the next reconcile runs within minutes instead of at the next scheduled hour.
    sendsHints: true,
    // Discovery finds who invokes a function (rules, topics) before the breaker throttles it; its
    // bundle holds the whole discovery, so it gets the same reads as the reconcile.
    permissions: (scope, config) => [
      discoveryRead(),
      apiGatewayRead(scope),
      breakerWrites(scope, config),
      metricWrites(),
      auditEvents(scope),
    ],
  },
  {
    name: "runbook-action",
    entry: "functions/runbook-action.ts",
    description: "Watchkeeper: runs one on-call action (CLI-style JSON, or a Slack click handed off)",
    // A reconcile or a re-invoke redrive can take long; the handler stops in time and answers.
    timeout: Duration.minutes(15),
    memoryMiB: 1024,
    // No reserved concurrency: on-call actions must never wait behind the schedules (they have their own
    // functions below) nor behind each other; reserving would also take from the account's pool.
    // An action must not run twice because its first run failed late.
    asyncRetries: 0,
    auditLog: true,
    triggers: [],
    permissions: (scope, config) => [...runbookActions(scope, config), ...slackAnswers(scope, config)],
  },
  {
    name: "silence-expiry",
    entry: "functions/runbook-action.ts",
    description:
      'Watchkeeper: every 5 minutes, {"action":"expire-silences"} (actions back on for ended silences)',
    // Shorter than its period: with one run at a time, a run never overlaps the next.
    timeout: Duration.minutes(SILENCE_EXPIRY_MINUTES),
    memoryMiB: 512,
    reservedConcurrency: 1,
    asyncRetries: 0,
    staleAfter: () => oneSchedulePeriod(SILENCE_EXPIRY_MINUTES),
    auditLog: true,
    triggers: [
      {
        kind: "schedule",
        id: "schedule",
        everyMinutes: () => SILENCE_EXPIRY_MINUTES,
        input: { action: "expire-silences" },
      },
    ],
    // The runbook-action bundle: its role must allow every call the bundle can make (test/infra api-coverage).
    permissions: (scope, config) => [...runbookActions(scope, config), ...slackAnswers(scope, config)],
  },
  {
    name: "auto-redrive",
    entry: "functions/runbook-action.ts",
    description:
      'Watchkeeper: every 15 minutes, {"action":"dlq-auto-redrive"} (the opt-in automatic redrive)',
    when: (config) => config.redrive.auto,
    timeout: Duration.minutes(AUTO_REDRIVE_MINUTES),
    memoryMiB: 1024,
    // Two runs at once could both redrive the same DLQ before either records the day's count.
    reservedConcurrency: 1,
    asyncRetries: 0,
    staleAfter: () => oneSchedulePeriod(AUTO_REDRIVE_MINUTES),
    auditLog: true,
    triggers: [
      {
        kind: "schedule",
        id: "schedule",
        everyMinutes: () => AUTO_REDRIVE_MINUTES,
        input: { action: "dlq-auto-redrive" },
      },
    ],
    permissions: (scope, config) => [...runbookActions(scope, config), ...slackAnswers(scope, config)],
  },
  {
    name: "notifier",
    entry: "functions/notifier.ts",
    description: "Watchkeeper: posts alarm state changes to Slack",
    when: (config) => slackHere(config) !== undefined,
    // Slack's rate limits are waited out with Retry-After, up to five attempts.
    timeout: Duration.minutes(2),
    memoryMiB: 512,
    asyncRetries: 2,
    environment: (config) => {
      const slack = slackOf(config);
      return {
        SLACK_SECRET_ID: slack.secretName,
        SLACK_INTERACTIVE: String(slack.interactive),
        ALARM_PREFIX: config.prefix,
        RUNBOOK_BASE_URL: config.runbookBaseUrl,
        ...(slack.defaultChannel ? { SLACK_DEFAULT_CHANNEL: slack.defaultChannel } : {}),
      };
    },
    triggers: [{ kind: "alarm-topic" }],
    permissions: (scope, config) => [
      notificationRead(),
      alarmThreadTags(scope, config),
      slackSecretRead(scope, slackOf(config).secretName),
    ],
  },
  {
    name: "slack-interactions",
    entry: "functions/slack-interactions.ts",
    description:
      "Watchkeeper: Slack button clicks (signature checked, allow-listed), handed to runbook-action",
    when: (config) => slackHere(config)?.interactive === true,
    // It verifies and hands off: Slack wants its answer within 3 seconds.
    timeout: Duration.seconds(10),
    memoryMiB: 256,
    // Only its Function URL invokes it, synchronously: nothing asynchronous to retry.
    asyncRetries: 0,
    auditLog: true,
    environment: (config) => {
      const slack = slackOf(config);
      return {
        SLACK_SECRET_ID: slack.secretName,
        SLACK_ALLOWED_USERS: slack.allowedUsers.join(","),
        SLACK_ALLOWED_CHANNELS: slack.allowedChannels.join(","),
        [RUNBOOK_FUNCTION_VARIABLE]: runbookFunctionName(config),
      };
    },
    triggers: [{ kind: "function-url" }],
    // The internet-facing function: the signing secret, and the hand-off. Nothing else.
    permissions: (scope, config) => [
      slackSecretRead(scope, slackOf(config).secretName),
      handOffTo(scope, runbookFunctionName(config)),
    ],
  },
];

/** The variable naming runbook-action for slack-interactions (functions/slack-interactions.ts reads it). */
export const RUNBOOK_FUNCTION_VARIABLE = "RUNBOOK_ACTION_FUNCTION";

/** Function and log group names are built from the prefix: the longest name must still fit Lambda's 64. */
export const LONGEST_FUNCTION_NAME = Math.max(...FUNCTIONS.map((spec) => spec.name.length));
