/**
 * One run of the alarms capability: read what exists, plan, apply (or not, on a dry run). The CLI's
 * `watchkeeper plan` and `watchkeeper apply` and the scheduled function are thin adapters over it.
 */
import { applyOperations, type ApplyReport, type ChangeOutcome } from "../apply/apply.js";
import type { Aws } from "../aws/clients.js";
import type { Clock } from "../aws/clock.js";
import type { Change } from "../plan/change.js";
import type { Inventory } from "../inventory/types.js";
import { readExistingAlarms, type ExistingAlarms, type OwnershipSource } from "./actual.js";
import { alarmOperations } from "./apply.js";
import { estimatePlanCost, type PlanCost } from "./cost.js";
import { planAlarms, type AlarmChange, type AlarmPlan } from "./plan.js";
import type { AlarmPolicy } from "./policy.js";
import type { AlarmSpec } from "./spec.js";

export interface ReconcileOptions {
  readonly clock: Clock;
  /** Plan and report, write nothing. */
  readonly dryRun?: boolean;
  /** Epoch ms after which no new write starts; what is left is reported as deferred for the next run. */
  readonly deadline?: number;
  /** Time kept in reserve for the write in flight (default 5 s). */
  readonly operationBudgetMs?: number;
  /** Aborted (Ctrl-C): no new write starts; what is left is reported as deferred. */
  readonly stop?: AbortSignal;
  readonly ownership?: "auto" | OwnershipSource;
  /** Alarms other capabilities want (the breaker's trip alarms), planned with the catalog's: see `planAlarms`. */
  readonly extra?: readonly AlarmSpec[];
  /** What `readExistingAlarms` returned, when the caller read it already (e.g. alongside discovery). */
  readonly existing?: ExistingAlarms;
  readonly onOutcome?: (outcome: ChangeOutcome<Change<unknown, unknown>>) => void;
}

export interface ReconcileResult {
  readonly plan: AlarmPlan;
  readonly cost: PlanCost;
  readonly ownershipSource: OwnershipSource;
  /** The plan's warnings and those from reading the existing alarms. */
  readonly warnings: readonly string[];
  readonly report: ApplyReport<AlarmChange>;
  /** Why Watchkeeper's alarms could not be read, when they could not (every change is then held). */
  readonly unread?: string;
}

export async function reconcileAlarms(
  aws: Aws,
  inventory: Inventory,
  policy: AlarmPolicy,
  options: ReconcileOptions,
): Promise<ReconcileResult> {
  const existing =
    options.existing ??
    (await readExistingAlarms(aws, {
      prefix: policy.prefix,
      ...(options.ownership ? { ownership: options.ownership } : {}),
    }));
  const plan = planAlarms(inventory, policy, existing.alarms, {
    ...(options.extra ? { extra: options.extra } : {}),
    // Silences are judged at the time of the run: running ones are kept, ended ones lifted.
    now: new Date(options.clock.now()),
    ...(existing.unread !== undefined ? { ownedUnread: existing.unread } : {}),
  });
  const report = await applyOperations(alarmOperations(aws, plan.changes), {
    clock: options.clock,
    ...(options.dryRun !== undefined ? { dryRun: options.dryRun } : {}),
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    ...(options.operationBudgetMs !== undefined ? { operationBudgetMs: options.operationBudgetMs } : {}),
    ...(options.stop ? { stop: options.stop } : {}),
    ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
  });
  return {
    plan,
    cost: estimatePlanCost(plan),
    ownershipSource: existing.ownershipSource,
    warnings: [...existing.warnings, ...plan.warnings],
    report,
    ...(existing.unread !== undefined ? { unread: existing.unread } : {}),
  };
}
