/**
 * The hand-off from the Slack endpoint (functions/slack-interactions.ts) to the runbook-action function:
 * a click that passed the signature, replay and allow-list checks, with where to answer in Slack. The
 * endpoint sends it with an asynchronous Invoke; runbook-action validates it with `parseSlackHandoff`
 * and runs it as `slack:<user id>` (lib/actions/slack-job.ts). Only roles allowed to invoke
 * runbook-action can send one (the endpoint's role and the account's administrators): an HTTP caller
 * of the public URL never can.
 */
import { z } from "zod";
import { ACCOUNT_ID, ACTION_NAMES, REGION_CODE, type ActionRequest } from "./actions.js";

export const SLACK_HANDOFF_KIND = "watchkeeper.slack-action";

export interface SlackHandoff {
  readonly kind: typeof SLACK_HANDOFF_KIND;
  readonly request: ActionRequest;
  /** Slack's response_url for this click: "working on it" and, without a bot token, the result. */
  readonly responseUrl?: string;
  /** The alarm message's thread. */
  readonly threadTs?: string;
}

const SlackHandoffSchema = z.strictObject({
  kind: z.literal(SLACK_HANDOFF_KIND),
  request: z.strictObject({
    action: z.enum(ACTION_NAMES),
    target: z.string().min(1).max(1600),
    user: z.string().regex(/^[UW][A-Z0-9]{2,40}$/, "a Slack user ID"),
    channel: z.string().regex(/^[CGD][A-Z0-9]{2,40}$/, "a Slack channel ID"),
    alarmName: z.string().min(1).max(255).optional(),
    durationMinutes: z.number().int().positive().optional(),
    requestedAt: z.string().min(1),
    account: ACCOUNT_ID.optional(),
    region: REGION_CODE.optional(),
  }),
  responseUrl: z.url({ protocol: /^https?$/ }).optional(),
  threadTs: z
    .string()
    .regex(/^\d+\.\d+$/, "a Slack message timestamp")
    .optional(),
});

/** True when the event says it is a hand-off, valid or not (then `parseSlackHandoff` names what is wrong). */
export function isSlackHandoff(event: unknown): boolean {
  return (
    typeof event === "object" && event !== null && (event as { kind?: unknown }).kind === SLACK_HANDOFF_KIND
  );
}

export function parseSlackHandoff(
  event: unknown,
): { readonly ok: true; readonly handoff: SlackHandoff } | { readonly ok: false; readonly error: string } {
  const parsed = SlackHandoffSchema.safeParse(event);
  if (parsed.success) return { ok: true, handoff: parsed.data };
  const problems = parsed.error.issues.map(
    (issue) => `${["event", ...issue.path.map(String)].join(".")}: ${issue.message}`,
  );
  return { ok: false, error: `not a valid Slack hand-off: ${problems.join("; ")}` };
}
