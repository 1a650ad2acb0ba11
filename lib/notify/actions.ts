/**
 * The actions a Slack button can ask for, and how a button carries one. A button's `action_id` names
 * the action (`watchkeeper:dlq-redrive`), its `value` names the target (JSON, at most 2,000 characters).
 * The interaction endpoint turns a click into an `ActionRequest` and hands it to a `RunAction`: the same
 * library functions the CLI calls (lib/actions), injected so this module does not depend on them.
 */
import { z } from "zod";
import { REGION_NAME } from "../aws/target.js";
import { BLOCK_KIT_LIMITS } from "./blockkit.js";

export type ActionName = "dlq-redrive" | "breaker-trip" | "breaker-reset" | "alarm-silence";

export const ACTION_NAMES: readonly ActionName[] = [
  "dlq-redrive",
  "breaker-trip",
  "breaker-reset",
  "alarm-silence",
];

/** What one click asks for. */
export interface ActionRequest {
  readonly action: ActionName;
  /**
   * What to act on:
   * - dlq-redrive: the dead-letter queue's ARN;
   * - breaker-trip / breaker-reset: the function's ARN (or name);
   * - alarm-silence: the alarm's name.
   */
  readonly target: string;
  /** Slack user ID of the person who clicked (already checked against the allow-list). */
  readonly user: string;
  /** Slack channel ID the message is in (already checked against the allow-list). */
  readonly channel: string;
  /** The alarm whose message carried the button. */
  readonly alarmName?: string;
  /** alarm-silence: how long, in minutes (the button says 60). */
  readonly durationMinutes?: number;
  /** When the click happened (ISO 8601, from Slack's action_ts), for audit logs. */
  readonly requestedAt: string;
  /**
   * Where the alarm is, so where the action must run (12 digits, a region code): a hub acts in that
   * member account, a member refuses any other. Absent on buttons posted before they carried it.
   */
  readonly account?: string;
  readonly region?: string;
}

/** What an action says back; `text` is posted in the alarm's thread as it is (Slack mrkdwn). */
export interface ActionResult {
  readonly ok: boolean;
  readonly text: string;
}

export type RunAction = (request: ActionRequest) => Promise<ActionResult>;

export const ACTION_ID_PREFIX = "watchkeeper:";

export function actionId(action: ActionName): string {
  return `${ACTION_ID_PREFIX}${action}`;
}

/** The action an `action_id` names, or undefined for buttons that are not Watchkeeper actions. */
export function actionOf(id: string): ActionName | undefined {
  if (!id.startsWith(ACTION_ID_PREFIX)) return undefined;
  const name = id.slice(ACTION_ID_PREFIX.length);
  return (ACTION_NAMES as readonly string[]).includes(name) ? (name as ActionName) : undefined;
}

/** The account and region a request names, checked the same wherever one arrives (button, hand-off). */
export const ACCOUNT_ID = z.string().regex(/^\d{12}$/, "an AWS account ID (12 digits)");
export const REGION_CODE = z.string().regex(REGION_NAME, "an AWS region code (eu-west-1)");

const ButtonValue = z.object({
  target: z.string().min(1, "must not be empty").max(1600),
  alarm: z.string().min(1).max(255).optional(),
  minutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .optional(),
  /** The alarm's account and region: where the action runs. */
  account: ACCOUNT_ID.optional(),
  region: REGION_CODE.optional(),
});

export type ButtonValue = z.infer<typeof ButtonValue>;

/** A button's `value`; throws when it would not fit in Slack's 2,000 characters. */
export function encodeButtonValue(value: ButtonValue): string {
  const parsed = ButtonValue.parse(value);
  const text = JSON.stringify(parsed);
  if (text.length > BLOCK_KIT_LIMITS.buttonValue) {
    throw new Error(
      `button value is ${text.length} characters; Slack allows ${BLOCK_KIT_LIMITS.buttonValue}`,
    );
  }
  return text;
}

export function decodeButtonValue(
  text: string,
): { ok: true; value: ButtonValue } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: "actions[0].value: not JSON" };
  }
  const parsed = ButtonValue.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      problem: `actions[0].value.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`,
    };
  }
  return { ok: true, value: parsed.data };
}
