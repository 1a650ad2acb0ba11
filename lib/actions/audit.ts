/**
 * The audit line every action writes: who, what, on what, whether for real, and how it ended. Only these
 * fields, taken from the validated action and its result: no free-form input and no secret can reach it.
 */
import type { ActionResult } from "./types.js";

/**
 * The audit line as an EventBridge event on the account's default bus, which a hub's members forward
 * (lib/infra/hub.ts). A custom source: AWS refuses PutEvents with an `aws.` one.
 */
export const AUDIT_EVENT = { source: "watchkeeper", detailType: "Watchkeeper Action" } as const;

export interface AuditLine {
  readonly audit: "watchkeeper-action";
  readonly actor: string;
  readonly action: ActionResult["action"];
  readonly target: string;
  readonly dryRun: boolean;
  readonly outcome: ActionResult["outcome"];
}

export function auditLine(result: ActionResult, actor: string): AuditLine {
  return {
    audit: "watchkeeper-action",
    actor,
    action: result.action,
    target: result.target,
    dryRun: result.dryRun,
    outcome: result.outcome,
  };
}
