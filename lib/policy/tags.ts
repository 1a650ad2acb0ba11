/**
 * Watchkeeper's resource tags: opt-outs and overrides that teams set on their own resources.
 * Every capability reads them through these helpers so the tag names live in one place.
 */
import type { Tags } from "../inventory/types.js";

export const TAG_NAMESPACE = "watchkeeper:";

/** Carried by everything Watchkeeper creates; only what carries it (and the name prefix) is ever changed. */
export const MANAGED_TAG = { key: "watchkeeper:managed", value: "true" } as const;

export const TAGS = {
  ignore: "watchkeeper:ignore",
  critical: "watchkeeper:critical",
  alarms: "watchkeeper:alarms",
  breaker: "watchkeeper:breaker",
  retention: "watchkeeper:retention",
  autoRedrive: "watchkeeper:auto-redrive",
  runbook: "watchkeeper:runbook",
  /** On an alarm: overrides the notification's severity (critical, high, warning). */
  severity: "watchkeeper:severity",
  /** On an alarm or its resource: the Slack channel its notifications go to. */
  slackChannel: "watchkeeper:slack-channel",
  /** On a Watchkeeper alarm: `<channel>/<ts>` of its last ALARM message, so OK replies in that thread. */
  slackThread: "watchkeeper:slack-thread",
  /** On a Watchkeeper alarm: its actions are off until this time (ISO 8601); see lib/alarms/silence.ts. */
  silencedUntil: "watchkeeper:silenced-until",
  /** On a silenced alarm: who silenced it. */
  silencedBy: "watchkeeper:silenced-by",
  thresholdPrefix: "watchkeeper:threshold:",
  acceptPrefix: "watchkeeper:accept:",
} as const;

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ["true", "yes", "on", "1"].includes(value.trim().toLowerCase());
}

/** `watchkeeper:ignore=true`: Watchkeeper leaves the resource alone entirely. */
export function isIgnored(tags: Tags): boolean {
  return isTrue(tags[TAGS.ignore]);
}

export function isCritical(tags: Tags): boolean {
  return isTrue(tags[TAGS.critical]);
}

export function isManaged(tags: Tags): boolean {
  return tags[MANAGED_TAG.key] === MANAGED_TAG.value;
}

/** Tags under one key prefix, keyed by the rest of the key: `watchkeeper:threshold:Errors=5` → { Errors: "5" }. */
export function tagsUnder(tags: Tags, prefix: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (key.startsWith(prefix) && key.length > prefix.length) found[key.slice(prefix.length)] = value;
  }
  return found;
}
