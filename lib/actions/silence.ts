/** Silence actions over lib/alarms/silence.ts: silence, unsilence, and lifting the silences that ended. */
import type { Aws } from "../aws/clients.js";
import { expireSilences, silenceAlarm, unsilenceAlarm } from "../alarms/silence.js";
import type { ActionOf } from "./schema.js";
import type { ActionAnswer, ActionContext, ActionOutcome } from "./types.js";

export async function alarmSilence(
  aws: Aws,
  action: ActionOf<"alarm-silence">,
  ctx: ActionContext,
): Promise<ActionAnswer> {
  const outcome = await silenceAlarm(aws, action.alarm, action.minutes, {
    prefix: ctx.config.prefix,
    now: ctx.now,
    actor: ctx.actor,
    dryRun: ctx.dryRun,
  });
  const map: Record<typeof outcome.result, ActionOutcome> = {
    silenced: ctx.dryRun ? "dry-run" : "done",
    extended: ctx.dryRun ? "dry-run" : "done",
    refused: "refused",
    "not-found": "refused",
    failed: "failed",
  };
  return { outcome: map[outcome.result], text: outcome.sentence, details: outcome };
}

export async function alarmUnsilence(
  aws: Aws,
  action: ActionOf<"alarm-unsilence">,
  ctx: ActionContext,
): Promise<ActionAnswer> {
  const outcome = await unsilenceAlarm(aws, action.alarm, {
    prefix: ctx.config.prefix,
    now: ctx.now,
    dryRun: ctx.dryRun,
  });
  const map: Record<typeof outcome.result, ActionOutcome> = {
    unsilenced: ctx.dryRun ? "dry-run" : "done",
    "not-silenced": "unchanged",
    refused: "refused",
    "not-found": "refused",
    failed: "failed",
  };
  return { outcome: map[outcome.result], text: outcome.sentence, details: outcome };
}

/** The cheap scheduled path: lifts ended silences without waiting for the next reconcile. */
export async function liftEndedSilences(aws: Aws, ctx: ActionContext): Promise<ActionAnswer> {
  const expiry = await expireSilences(aws, { prefix: ctx.config.prefix, now: ctx.now, dryRun: ctx.dryRun });
  const outcome: ActionOutcome =
    expiry.failed.length > 0 ? "failed" : ctx.dryRun && expiry.lifted.length > 0 ? "dry-run" : "done";
  const idle = expiry.lifted.length === 0 && expiry.failed.length === 0;
  return { outcome, text: expiry.sentence, details: expiry, ...(idle ? { acted: false } : {}) };
}
