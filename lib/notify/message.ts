/**
 * The Slack message for one alarm state change, as Block Kit: a header with severity and state, the
 * reason in plain words, the facts (alarm, resource, account, region, when), the top offenders of an
 * aggregate alarm, links to the alarm, its metric and its runbook, CloudWatch's own reason, and the
 * buttons that fit (redrive a DLQ, trip or reset a circuit breaker, silence the alarm for an hour).
 * Pure: everything it shows comes in through the change and the context. Every text is cut to Slack's
 * limits, so the result always passes `validateBlockKit`.
 */
import type { Button, KnownBlock } from "@slack/types";
import type { Tags } from "../inventory/types.js";
import { TAGS } from "../policy/tags.js";
import { ACCOUNT_ID, REGION_CODE, actionId, encodeButtonValue, type ActionName } from "./actions.js";
import { BLOCK_KIT_LIMITS as L, mrkdwnLink, mrkdwnWithin, truncate, type SlackMessage } from "./blockkit.js";
import { alarmConsoleUrl, metricConsoleUrl } from "./console.js";
import { identifyAlarm, type AlarmIdentity, type IdentityContext } from "./identity.js";
import type { TopOffenders } from "./offenders.js";
import { formatMeasure, measureUnit, plainReason } from "./reason.js";
import { regionName } from "./regions.js";
import { alarmSeverity, isBreakerAlarm, type Severity } from "./severity.js";
import type { AlarmStateChange } from "./types.js";

export interface AlarmMessageContext extends IdentityContext {
  /** When already computed (with the alarm's tags); else derived from the change and the tags here. */
  readonly identity?: AlarmIdentity;
  /** Tags of the resource the alarm watches: breaker opt-in, `watchkeeper:critical`. */
  readonly resourceTags?: Tags;
  readonly offenders?: TopOffenders;
  /** Buttons need a Slack app with an interactions endpoint; false leaves them out. Default true. */
  readonly interactive?: boolean;
  /** The account's alias, beside its id. */
  readonly accountAlias?: string;
}

const SEVERITY_LABELS: Readonly<Record<Severity, string>> = {
  critical: "Critical",
  high: "High",
  warning: "Warning",
};

const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  critical: ":rotating_light:",
  high: ":red_circle:",
  warning: ":large_yellow_circle:",
};

/** Budget for the fallback `text`: Slack allows 40,000, but notifications show a line or two. */
const FALLBACK_TEXT = 3000;

const FUNCTION_FAILURE_ENTRIES = new Set(["lambda-errors", "lambda-throttles"]);
const BREAKER_ON = new Set(["on", "sync", "true", "yes", "1"]);

export function buildAlarmMessage(change: AlarmStateChange, context: AlarmMessageContext = {}): SlackMessage {
  const identity = context.identity ?? identifyAlarm(change, context);
  const alarmTags = context.alarmTags ?? {};
  const severity = alarmSeverity(identity, alarmTags, context.resourceTags);
  const reason = plainReason(change, identity, context.offenders);

  const blocks: KnownBlock[] = [
    {
      type: "header",
      block_id: "wk-header",
      text: {
        type: "plain_text",
        text: truncate(headline(change, identity, severity), L.headerText),
        emoji: true,
      },
    },
    {
      type: "section",
      block_id: "wk-reason",
      text: { type: "mrkdwn", text: mrkdwnWithin(reason, L.sectionText) },
    },
    {
      type: "section",
      block_id: "wk-facts",
      fields: facts(change, identity, severity, context.accountAlias),
    },
  ];

  const offenders = context.offenders;
  if (offenders && offenders.offenders.length > 0 && change.state === "ALARM") {
    blocks.push({
      type: "section",
      block_id: "wk-offenders",
      text: { type: "mrkdwn", text: offendersText(change, identity, offenders) },
    });
  }

  const links = [mrkdwnLink(alarmConsoleUrl(change), "Alarm")];
  const metricUrl = metricConsoleUrl(change);
  if (metricUrl) links.push(mrkdwnLink(metricUrl, "Metric"));
  if (identity.runbookUrl) links.push(mrkdwnLink(identity.runbookUrl, "Runbook"));
  blocks.push({
    type: "context",
    block_id: "wk-links",
    elements: [{ type: "mrkdwn", text: truncate(links.join("  ·  "), L.contextText) }],
  });

  if (change.reason && change.reason !== reason && change.state !== "INSUFFICIENT_DATA") {
    blocks.push({
      type: "context",
      block_id: "wk-cloudwatch",
      elements: [{ type: "mrkdwn", text: mrkdwnWithin(`CloudWatch: ${change.reason}`, L.contextText) }],
    });
  }

  if (context.interactive !== false) {
    const buttons = actionButtons(change, identity, alarmTags, context.resourceTags ?? {});
    if (buttons.length > 0) blocks.push({ type: "actions", block_id: "wk-actions", elements: buttons });
  }

  const text = mrkdwnWithin(
    `${fallbackPrefix(change, severity)} ${identity.title}: ${reason}`,
    FALLBACK_TEXT,
  );
  return { text, blocks };
}

function headline(change: AlarmStateChange, identity: AlarmIdentity, severity: Severity): string {
  switch (change.state) {
    case "ALARM":
      return `${SEVERITY_EMOJI[severity]} ${SEVERITY_LABELS[severity]} · ALARM · ${identity.title}`;
    case "OK":
      return `:white_check_mark: Resolved · OK · ${identity.title}`;
    case "INSUFFICIENT_DATA":
      return `:grey_question: No data · INSUFFICIENT_DATA · ${identity.title}`;
  }
}

function fallbackPrefix(change: AlarmStateChange, severity: Severity): string {
  return change.state === "ALARM" ? `[ALARM ${SEVERITY_LABELS[severity]}]` : `[${change.state}]`;
}

function facts(
  change: AlarmStateChange,
  identity: AlarmIdentity,
  severity: Severity,
  accountAlias: string | undefined,
) {
  const field = (label: string, value: string) => ({
    type: "mrkdwn" as const,
    text: truncate(`*${label}*\n${value}`, L.sectionFieldText),
  });
  const code = (text: string) => `\`${mrkdwnWithin(text.replace(/`/g, "'"), L.sectionFieldText - 40)}\``;
  const region = regionName(change.region);
  const when = `${change.time.slice(0, 16).replace("T", " ")} UTC`;
  const transition = change.previousState ? `${change.previousState} → ${change.state}` : change.state;
  return [
    field("Alarm", code(change.alarmName)),
    field("Resource", resourceText(change, identity)),
    field(
      "Account",
      accountAlias ? `${code(change.accountId)} (${code(accountAlias)})` : code(change.accountId),
    ),
    field("Region", region ? `${change.region} (${mrkdwnWithin(region, 100)})` : change.region),
    field("State", `${transition} at ${when}`),
    field(
      "Severity",
      change.state === "ALARM" ? SEVERITY_LABELS[severity] : `${SEVERITY_LABELS[severity]} (${change.state})`,
    ),
  ];
}

function resourceText(change: AlarmStateChange, identity: AlarmIdentity): string {
  if (identity.resourceName) {
    const name = `\`${mrkdwnWithin(identity.resourceName.replace(/`/g, "'"), 1000)}\``;
    return identity.resourceArn ? `${name}\n${mrkdwnWithin(identity.resourceArn, 900)}` : name;
  }
  if (identity.level === "aggregate") {
    const what = identity.dimension ? `every ${identity.dimension}` : "every resource of its kind";
    return `${mrkdwnWithin(what, 200)} in the account and region (aggregate)`;
  }
  if (identity.resourceArn) return mrkdwnWithin(identity.resourceArn, 1000);
  const metric = change.trigger.metric;
  return metric ? mrkdwnWithin(`${metric.namespace} ${metric.metricName}`, 1000) : "—";
}

function offendersText(change: AlarmStateChange, identity: AlarmIdentity, offenders: TopOffenders): string {
  const unit = measureUnit(change, identity);
  const window = formatMeasure(offenders.windowSeconds, "seconds");
  const heading = `*Top offenders* by ${mrkdwnWithin(offenders.dimension, 255)} (${offenders.function} over the last ${window})`;
  const lines = offenders.offenders.map(
    (o, i) =>
      `${i + 1}. \`${mrkdwnWithin(o.name.replace(/`/g, "'"), 300)}\` — ${formatMeasure(o.value, unit)}`,
  );
  return truncate([heading, ...lines].join("\n"), L.sectionText);
}

// ── Buttons ────────────────────────────────────────────────────────────────────────────────────────

function actionButtons(
  change: AlarmStateChange,
  identity: AlarmIdentity,
  alarmTags: Tags,
  resourceTags: Tags,
): Button[] {
  const buttons: (Button | undefined)[] = [];
  const entryId = identity.entry?.id;
  const breakerAlarm = isBreakerAlarm(alarmTags);
  const fn = identity.resourceArn ?? identity.resourceName;
  const breakerEnabled =
    breakerAlarm ||
    (entryId !== undefined &&
      FUNCTION_FAILURE_ENTRIES.has(entryId) &&
      BREAKER_ON.has(resourceTags[TAGS.breaker]?.trim().toLowerCase() ?? ""));
  const name = identity.resourceName ?? fn ?? "";

  if (change.state === "ALARM") {
    if (entryId === "sqs-dlq-messages-visible" && identity.resourceArn) {
      buttons.push(
        button("dlq-redrive", "Redrive DLQ", identity.resourceArn, change, "primary", {
          title: "Redrive this DLQ?",
          text: `Moves the messages in ${name} back to where they failed. Messages that fail again come back here.`,
          confirm: "Redrive",
        }),
      );
    }
    if (breakerEnabled && fn && !breakerAlarm) {
      buttons.push(
        button("breaker-trip", "Trip breaker", fn, change, "danger", {
          title: "Trip the circuit breaker?",
          text: `Stops ${name} (reserved concurrency 0, or its event source mappings disabled) until reset. Its current setting is remembered.`,
          confirm: "Trip",
        }),
      );
    }
  }
  if (breakerEnabled && fn && change.state !== "INSUFFICIENT_DATA") {
    buttons.push(
      button("breaker-reset", "Reset breaker", fn, change, undefined, {
        title: "Reset the circuit breaker?",
        text: `Restores ${name} to the concurrency and event source mappings it had before the breaker tripped.`,
        confirm: "Reset",
      }),
    );
  }
  if (change.state === "ALARM") {
    buttons.push(
      button("alarm-silence", "Silence 1 h", change.alarmName, change, undefined, {
        title: "Silence this alarm for 1 hour?",
        // A silence disables the alarm's actions only: EventBridge still gets its state changes, so trips go on.
        text: "Turns off this alarm's notifications for 1 hour; they come back on their own. It keeps evaluating, and a circuit breaker it feeds still trips.",
        confirm: "Silence",
      }),
    );
  }
  return buttons.filter((b): b is Button => b !== undefined);
}

/** A target longer than this cannot ride in a button's value (2,000 characters with the alarm name, account and region). */
const MAX_TARGET = 1600;

function button(
  action: ActionName,
  label: string,
  target: string,
  change: AlarmStateChange,
  style: "primary" | "danger" | undefined,
  confirm: { title: string; text: string; confirm: string },
): Button | undefined {
  // A cut ARN would name another resource: leave the button out instead.
  if (target.length > MAX_TARGET) return undefined;
  return {
    type: "button",
    action_id: actionId(action),
    text: { type: "plain_text", text: truncate(label, L.buttonText) },
    value: encodeButtonValue({
      target,
      alarm: change.alarmName,
      ...(action === "alarm-silence" ? { minutes: 60 } : {}),
      // Where the alarm is: a hub runs the action in that account and region, a member refuses others.
      ...(ACCOUNT_ID.safeParse(change.accountId).success ? { account: change.accountId } : {}),
      ...(REGION_CODE.safeParse(change.region).success ? { region: change.region } : {}),
    }),
    ...(style ? { style } : {}),
    confirm: {
      title: { type: "plain_text", text: truncate(confirm.title, L.confirmTitle) },
      text: { type: "plain_text", text: truncate(confirm.text, L.confirmText) },
      confirm: { type: "plain_text", text: truncate(confirm.confirm, L.confirmButton) },
      deny: { type: "plain_text", text: "Cancel" },
      ...(style === "danger" ? { style: "danger" as const } : {}),
    },
  };
}
