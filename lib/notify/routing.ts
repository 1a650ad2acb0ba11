/**
 * Which Slack channel an alarm goes to. In order: the alarm's tag `watchkeeper:slack-channel`, the
 * resource's tag of that name, the first configured route that matches, the channel for its severity,
 * the default channel. With a bot token a channel is a channel ID (C0123...); with incoming webhooks
 * it is a key of the secret's `webhooks` (no channel: the secret's `webhookUrl`).
 */
import { z } from "zod";
import type { Tags } from "../inventory/types.js";
import { TAGS } from "../policy/tags.js";
import { SEVERITIES, type Severity } from "./severity.js";

export interface Route {
  readonly channel: string;
  /** Alarm names starting with this. */
  readonly alarmPrefix?: string;
  /** Catalog entry ids ("sqs-dlq-messages-visible"). */
  readonly entries?: readonly string[];
  readonly severities?: readonly Severity[];
  /** A tag on the alarm's resource, e.g. { key: "team", value: "payments" }. */
  readonly resourceTag?: { readonly key: string; readonly value: string };
}

export interface RoutingConfig {
  readonly defaultChannel?: string;
  readonly bySeverity?: Partial<Readonly<Record<Severity, string>>>;
  readonly routes?: readonly Route[];
}

export interface RoutingFacts {
  readonly alarmName: string;
  readonly entryId?: string;
  readonly severity: Severity;
  readonly alarmTags?: Tags;
  readonly resourceTags?: Tags;
}

const Channel = z.string().trim().min(1, "must not be empty");

export const RoutingConfigSchema = z
  .object({
    defaultChannel: Channel.optional(),
    bySeverity: z.partialRecord(z.enum(SEVERITIES as [Severity, ...Severity[]]), Channel).optional(),
    routes: z
      .array(
        z
          .object({
            channel: Channel,
            alarmPrefix: z.string().min(1).optional(),
            entries: z.array(z.string().min(1)).min(1).optional(),
            severities: z
              .array(z.enum(SEVERITIES as [Severity, ...Severity[]]))
              .min(1)
              .optional(),
            resourceTag: z.object({ key: z.string().min(1), value: z.string() }).optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

/** The channel for an alarm, or undefined (webhooks: the default webhook; bot: nowhere to post). */
export function routeAlarm(config: RoutingConfig, facts: RoutingFacts): string | undefined {
  const tagged =
    facts.alarmTags?.[TAGS.slackChannel]?.trim() || facts.resourceTags?.[TAGS.slackChannel]?.trim();
  if (tagged) return tagged;
  for (const route of config.routes ?? []) {
    if (route.alarmPrefix !== undefined && !facts.alarmName.startsWith(route.alarmPrefix)) continue;
    if (route.entries && (facts.entryId === undefined || !route.entries.includes(facts.entryId))) continue;
    if (route.severities && !route.severities.includes(facts.severity)) continue;
    if (route.resourceTag && facts.resourceTags?.[route.resourceTag.key] !== route.resourceTag.value)
      continue;
    return route.channel;
  }
  return config.bySeverity?.[facts.severity] ?? config.defaultChannel;
}
