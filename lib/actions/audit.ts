/**
 * The audit line every action writes: who, what, on what, whether for real, and how it ended. Only these
 * fields, taken from the validated action and its result: no free-form input and no secret can reach it.
 * An action that changed something, or tried to, also puts the line on the account's default event bus
 * (`publishAuditEvents`), where a hub's members forward it; best effort: the line in the log stands.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import type { Aws } from "../aws/clients.js";
import { describeAwsError } from "../aws/errors.js";
import type { Logger } from "../log.js";
import type { ActionResult } from "./types.js";

/**
 * The audit line as an EventBridge event on the account's default bus, which a hub's members forward
 * (lib/infra/hub.ts). A custom source: AWS refuses PutEvents with an `aws.` one.
 */
export const AUDIT_EVENT = { source: "watchkeeper", detailType: "Watchkeeper Action" } as const;

/**
 * The longest an audit event may hold up the action that made it: a hung PutEvents is abandoned then.
 * Well inside the 20 s the runbook-action Lambda keeps back after its work's deadline.
 */
export const AUDIT_EVENT_TIME_LIMIT_MS = 5_000;

/** PutEvents API reference: at most 10 entries per request. */
const ENTRIES_PER_CALL = 10;

export interface AuditLine {
  readonly audit: "watchkeeper-action";
  readonly actor: string;
  readonly action: ActionResult["action"];
  readonly target: string;
  readonly dryRun: boolean;
  readonly outcome: ActionResult["outcome"];
}

/** The event's `detail`: the audit line's fields, named one by one so nothing else can slip in. */
export type AuditEventDetail = Omit<AuditLine, "audit">;

export function auditLine(
  result: Pick<ActionResult, "action" | "target" | "dryRun" | "outcome">,
  actor: string,
): AuditLine {
  return {
    audit: "watchkeeper-action",
    actor,
    action: result.action,
    target: result.target,
    dryRun: result.dryRun,
    outcome: result.outcome,
  };
}

export function auditEventDetail(line: AuditLine): AuditEventDetail {
  return {
    actor: line.actor,
    action: line.action,
    target: line.target,
    dryRun: line.dryRun,
    outcome: line.outcome,
  };
}

/** No EventBusName: the account's default bus, the one the role may put on. */
function auditEventEntry(line: AuditLine): PutEventsRequestEntry {
  return {
    Source: AUDIT_EVENT.source,
    DetailType: AUDIT_EVENT.detailType,
    Detail: JSON.stringify(auditEventDetail(line)),
  };
}

const subject = (line: AuditLine) => `the audit event of ${line.action} ${line.target}`;

/**
 * Puts each line on the default bus as one event: one PutEvents call per ten lines (one call for an
 * action). Never throws and changes nothing else: a refused call, an entry AWS answers as failed
 * (PutEvents answers 200 and names them) or a call still hanging after AUDIT_EVENT_TIME_LIMIT_MS is
 * logged as a warning naming the error, and returned.
 */
export async function publishAuditEvents(
  aws: Aws,
  lines: readonly AuditLine[],
  logger: Logger,
): Promise<string[]> {
  if (lines.length === 0) return [];
  const limited = aws.until(aws.pacer.clock.now() + AUDIT_EVENT_TIME_LIMIT_MS);
  const warnings: string[] = [];
  try {
    for (let i = 0; i < lines.length; i += ENTRIES_PER_CALL) {
      warnings.push(...(await putAuditEvents(limited, lines.slice(i, i + ENTRIES_PER_CALL))));
    }
  } finally {
    limited.destroy();
  }
  for (const warning of warnings) logger.warn({ auditEvent: "not-published" }, warning);
  return warnings;
}

async function putAuditEvents(aws: Aws, lines: readonly AuditLine[]): Promise<string[]> {
  try {
    const answer = await aws
      .client(EventBridgeClient)
      .send(new PutEventsCommand({ Entries: lines.map(auditEventEntry) }));
    const failed = lines.flatMap((line, i) => {
      const entry = answer.Entries?.[i];
      return entry?.ErrorCode
        ? [`${subject(line)} was not published: ${entry.ErrorCode}: ${entry.ErrorMessage ?? "no message"}`]
        : [];
    });
    if (failed.length === 0 && (answer.FailedEntryCount ?? 0) > 0)
      return [
        `${answer.FailedEntryCount} of ${lines.length} audit events were not published (no error named)`,
      ];
    return failed;
  } catch (error) {
    return lines.map((line) => `${subject(line)} was not published: ${describeAwsError(error, "PutEvents")}`);
  }
}
