/**
 * Circuit breaker actions over lib/breaker: status of one function or of every breaker, trip and reset.
 * The breaker reads the function fresh and decides; its typed outcome becomes the action's outcome:
 * a refusal (not opted in, no failure destination, ...) is `refused`, a trip or restore that AWS
 * stopped halfway is `failed` with what the record still holds. What the breaker function does by itself
 * (alarm signals, the scheduled evaluation) is audited as these actions too (`breakerAuditLines`).
 */
import type { Aws } from "../aws/clients.js";
import {
  breakerStatus,
  resetBreaker,
  tripBreaker,
  type BreakerStatus,
  type ResetOutcome,
  type SignalOutcome,
  type TripOutcome,
} from "../breaker/index.js";
import { discoverInventory } from "../inventory/discover.js";
import { auditLine, type AuditLine } from "./audit.js";
import type { ActionOf } from "./schema.js";
import type { ActionAnswer, ActionContext, ActionOutcome } from "./types.js";

/** Functions and what invokes them (rules, topics): enough to judge every breaker. */
const BREAKER_INVENTORY_KINDS = ["lambda-function", "eventbridge-rule", "sns-topic"] as const;

export async function breakerStatusAction(
  aws: Aws,
  action: ActionOf<"breaker-status">,
  ctx: ActionContext,
): Promise<ActionAnswer> {
  const options = { policy: ctx.config.breaker, now: ctx.now };
  if (action.function !== undefined) {
    const [status] = await breakerStatus(aws, action.function, options);
    if (!status)
      return {
        outcome: "refused",
        text: `no function ${action.function} in this account and region`,
      };
    return { outcome: "done", text: status.sentence, details: { breakers: [status] } };
  }
  const inventory = await discoverInventory(aws, { kinds: [...BREAKER_INVENTORY_KINDS] });
  const statuses = await breakerStatus(aws, inventory, options);
  return { outcome: "done", text: renderBreakers(statuses), details: { breakers: statuses } };
}

function renderBreakers(statuses: readonly BreakerStatus[]): string {
  if (statuses.length === 0)
    return "no function has opted in to the circuit breaker (tag watchkeeper:breaker=on) and none is open";
  const open = statuses.filter((s) => s.state !== "closed").length;
  return [
    `${statuses.length} breaker${statuses.length === 1 ? "" : "s"}, ${open} open:`,
    ...statuses.map((s) => `  ${s.sentence}`),
  ].join("\n");
}

export async function breakerTrip(
  aws: Aws,
  action: ActionOf<"breaker-trip">,
  ctx: ActionContext,
): Promise<ActionAnswer> {
  const outcome = await tripBreaker(aws, action.function, {
    policy: ctx.config.breaker,
    now: ctx.now,
    logger: ctx.logger,
    actor: ctx.actor,
    reason: action.reason,
    dryRun: ctx.dryRun,
  });
  return { outcome: tripOutcome(outcome, ctx.dryRun), text: outcome.sentence, details: outcome };
}

export async function breakerReset(
  aws: Aws,
  action: ActionOf<"breaker-reset">,
  ctx: ActionContext,
): Promise<ActionAnswer> {
  const outcome = await resetBreaker(aws, action.function, {
    policy: ctx.config.breaker,
    now: ctx.now,
    logger: ctx.logger,
    actor: ctx.actor,
    reason: action.reason ?? "",
    dryRun: ctx.dryRun,
  });
  return { outcome: resetOutcome(outcome, ctx.dryRun), text: outcome.sentence, details: outcome };
}

function tripOutcome(outcome: TripOutcome, dryRun: boolean): ActionOutcome {
  switch (outcome.result) {
    case "tripped":
    case "reapplied":
    case "reopened":
      return dryRun ? "dry-run" : "done";
    case "already-open":
      return "unchanged";
    case "refused":
    case "not-found":
      return "refused";
    case "failed":
      return "failed";
  }
}

function resetOutcome(outcome: ResetOutcome, dryRun: boolean): ActionOutcome {
  switch (outcome.result) {
    case "reset":
    case "half-open":
      return dryRun ? "dry-run" : "done";
    case "already-closed":
      return "unchanged";
    case "refused":
    case "not-found":
      return "refused";
    case "restore-failed":
      return "failed";
  }
}

/** What each change the breaker function makes by itself counts as; the rest changed nothing. */
const SIGNAL_CHANGES: Partial<
  Record<SignalOutcome["result"], { action: "breaker-trip" | "breaker-reset"; outcome: ActionOutcome }>
> = {
  tripped: { action: "breaker-trip", outcome: "done" },
  reapplied: { action: "breaker-trip", outcome: "done" },
  reopened: { action: "breaker-trip", outcome: "done" },
  // A trip that died halfway, finished.
  completed: { action: "breaker-trip", outcome: "done" },
  failed: { action: "breaker-trip", outcome: "failed" },
  reset: { action: "breaker-reset", outcome: "done" },
  "half-open": { action: "breaker-reset", outcome: "done" },
  // A trip that died halfway, undone.
  "rolled-back": { action: "breaker-reset", outcome: "done" },
  "restore-failed": { action: "breaker-reset", outcome: "failed" },
};

/**
 * The audit lines of the breaker function's own trips and resets (alarm signals, scheduled evaluation),
 * as if `actor` had run breaker-trip or breaker-reset: one per function changed or tried, none for a dry run.
 */
export function breakerAuditLines(outcomes: readonly SignalOutcome[], actor: string): AuditLine[] {
  return outcomes.flatMap((outcome) => {
    const change = SIGNAL_CHANGES[outcome.result];
    if (!change || outcome.dryRun || outcome.functionName === undefined) return [];
    return [auditLine({ ...change, target: outcome.functionName, dryRun: false }, actor)];
  });
}
