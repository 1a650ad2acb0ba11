/**
 * A click on a message button, as Slack posts it to the interactions endpoint: an
 * application/x-www-form-urlencoded body whose `payload` field is JSON of type "block_actions" with
 * user.id, channel.id, container.message_ts (the message the button is on), response_url and
 * actions[0] (action_id, value, action_ts). Parsed only after the signature has been verified.
 */
import { z } from "zod";
import { actionOf, decodeButtonValue, type ActionRequest } from "./actions.js";

export interface Interaction {
  readonly user: string;
  readonly channel: string;
  /** The message the button is on (the alarm message). */
  readonly messageTs?: string;
  /** Where replies go: the message's own thread, or the thread it is in. */
  readonly threadTs?: string;
  readonly responseUrl?: string;
  readonly actionId: string;
  /** Set when the button is a Watchkeeper action; undefined for any other button. */
  readonly request?: ActionRequest;
}

export type ParsedInteraction =
  { readonly ok: true; readonly interaction: Interaction } | { readonly ok: false; readonly reason: string };

const Payload = z.object({
  type: z.literal("block_actions"),
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }).nullish(),
  container: z
    .object({
      message_ts: z.string().nullish(),
      thread_ts: z.string().nullish(),
      channel_id: z.string().nullish(),
    })
    .nullish(),
  message: z.object({ ts: z.string().nullish(), thread_ts: z.string().nullish() }).nullish(),
  response_url: z.string().url().nullish(),
  actions: z
    .array(
      z.object({
        action_id: z.string().min(1),
        value: z.string().nullish(),
        action_ts: z.string().nullish(),
      }),
    )
    .min(1, "holds no action"),
});

export function parseInteraction(rawBody: string): ParsedInteraction {
  const payload = new URLSearchParams(rawBody).get("payload");
  if (payload === null) return { ok: false, reason: "body has no payload field" };
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { ok: false, reason: "payload is not JSON" };
  }
  const parsed = Payload.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `payload.${issue?.path.map(String).join(".") ?? ""}: ${issue?.message ?? "invalid"}`,
    };
  }
  const p = parsed.data;
  const channel = p.channel?.id ?? p.container?.channel_id ?? undefined;
  if (!channel)
    return { ok: false, reason: "payload.channel.id: missing (the button is not in a channel message)" };
  const action = p.actions[0]!;
  const messageTs = p.container?.message_ts ?? p.message?.ts ?? undefined;
  const threadTs = p.container?.thread_ts ?? p.message?.thread_ts ?? messageTs;
  const base = {
    user: p.user.id,
    channel,
    ...(messageTs ? { messageTs } : {}),
    ...(threadTs ? { threadTs } : {}),
    ...(p.response_url ? { responseUrl: p.response_url } : {}),
    actionId: action.action_id,
  };
  const name = actionOf(action.action_id);
  if (!name) return { ok: true, interaction: base };
  if (!action.value) return { ok: false, reason: "payload.actions[0].value: missing" };
  const value = decodeButtonValue(action.value);
  if (!value.ok) return { ok: false, reason: `payload.${value.problem}` };
  const seconds = Number(action.action_ts);
  const request: ActionRequest = {
    action: name,
    target: value.value.target,
    user: p.user.id,
    channel,
    ...(value.value.alarm ? { alarmName: value.value.alarm } : {}),
    ...(value.value.minutes ? { durationMinutes: value.value.minutes } : {}),
    ...(value.value.account ? { account: value.value.account } : {}),
    ...(value.value.region ? { region: value.value.region } : {}),
    requestedAt: new Date(
      Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : Date.now(),
    ).toISOString(),
  };
  return { ok: true, interaction: { ...base, request } };
}
