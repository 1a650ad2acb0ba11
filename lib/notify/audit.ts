/**
 * A runbook action's audit event (lib/actions/audit.ts AUDIT_EVENT), forwarded by a member to the hub,
 * as one Slack line naming the account: who did what to which target, and how it ended. Only the audit
 * line's fields are read, each validated; the account and region are EventBridge's, not the detail's.
 */
import { z } from "zod";
import { AUDIT_EVENT } from "../actions/audit.js";
import { mrkdwnWithin, type SlackMessage } from "./blockkit.js";
import { regionName } from "./regions.js";

const AuditEvent = z.object({
  source: z.literal(AUDIT_EVENT.source),
  "detail-type": z.literal(AUDIT_EVENT.detailType),
  account: z.string().regex(/^\d{12}$/),
  region: z.string().min(1),
  time: z.string(),
  detail: z.object({
    actor: z.string().min(1).max(256),
    action: z.string().min(1).max(64),
    target: z.string().min(1).max(2048),
    dryRun: z.boolean(),
    outcome: z.string().min(1).max(32),
  }),
});

export type AuditEvent = z.infer<typeof AuditEvent>;

/** Whether an event claims to be an audit event (then it must parse as one). */
export function isAuditEvent(event: unknown): boolean {
  return (
    typeof event === "object" &&
    event !== null &&
    (event as { source?: unknown }).source === AUDIT_EVENT.source
  );
}

export function parseAuditEvent(
  event: unknown,
): { ok: true; event: AuditEvent } | { ok: false; problem: string } {
  const parsed = AuditEvent.safeParse(event);
  if (parsed.success) return { ok: true, event: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    problem: `malformed audit event: event.${issue?.path.map(String).join(".") ?? ""}: ${issue?.message ?? "invalid"}`,
  };
}

const OUTCOME_EMOJI: Readonly<Record<string, string>> = {
  done: ":white_check_mark:",
  unchanged: ":white_circle:",
  refused: ":no_entry:",
  failed: ":x:",
  "dry-run": ":mag:",
};

export function buildAuditMessage(event: AuditEvent, accountAlias?: string): SlackMessage {
  const { detail } = event;
  const account = accountAlias ? `${event.account} (${accountAlias})` : event.account;
  const text = mrkdwnWithin(
    `${OUTCOME_EMOJI[detail.outcome] ?? ":grey_question:"} ${detail.action} on \`${detail.target.replace(/`/g, "'")}\` ` +
      `by ${detail.actor}${detail.dryRun ? " (dry run)" : ""}: ${detail.outcome} · account ${account}, ` +
      `${regionName(event.region)} · ${event.time}`,
    3000,
  );
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}
