/** The rows `watchkeeper retention` prints: each group's retention now, what the plan wants, and why. */
import type { Inventory } from "../inventory/types.js";
import { planRetention, type RetentionChange, type RetentionSource } from "./plan.js";
import type { RetentionPolicy } from "./policy.js";
import { NEVER, type Never } from "./retention.js";

export type RetentionStatus = "ok" | "will-change" | "excluded";

export interface RetentionStateRow {
  readonly logGroup: string;
  readonly current: number | Never;
  /** What the group will have after `watchkeeper apply`. */
  readonly planned: number | Never;
  readonly status: RetentionStatus;
  readonly source: RetentionSource;
  readonly functions: readonly string[];
  readonly storedBytes?: number;
  readonly reason: string;
}

/** One row per log group in the inventory, sorted by name; plan warnings travel alongside. */
export function retentionState(
  inventory: Inventory,
  policy: RetentionPolicy,
): {
  readonly rows: readonly RetentionStateRow[];
  readonly warnings: readonly { logGroup: string; message: string }[];
} {
  const plan = planRetention(inventory, policy);
  return { rows: plan.changes.map(stateRow), warnings: plan.warnings };
}

export function stateRow(change: RetentionChange): RetentionStateRow {
  return {
    logGroup: change.target,
    current: change.actual.retentionInDays ?? NEVER,
    planned: change.desired.retentionInDays ?? NEVER,
    status: change.source === "excluded" ? "excluded" : change.action === "noop" ? "ok" : "will-change",
    source: change.source,
    functions: change.functions,
    ...(change.storedBytes !== undefined ? { storedBytes: change.storedBytes } : {}),
    reason: change.reason,
  };
}
