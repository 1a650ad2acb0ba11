/**
 * Carries out a retention plan: one PutRetentionPolicy per group that needs it, through the shared
 * paced apply. Idempotent because the plan is: a group already at its wanted retention is a noop.
 */
import { CloudWatchLogsClient, PutRetentionPolicyCommand } from "@aws-sdk/client-cloudwatch-logs";
import { applyOperations, type ApplyReport, type ChangeOutcome, type Operation } from "../apply/apply.js";
import type { Aws } from "../aws/clients.js";
import type { Clock } from "../aws/clock.js";
import type { Inventory } from "../inventory/types.js";
import { isWrite, type Change } from "../plan/change.js";
import { planRetention, type RetentionChange, type RetentionPlan } from "./plan.js";
import type { RetentionPolicy } from "./policy.js";

/** One operation per write; noops are not operations. */
export function retentionOperations(
  aws: Aws,
  changes: readonly RetentionChange[],
): Operation<RetentionChange>[] {
  return changes.filter(isWrite).map((change) => ({
    changes: [change],
    async run() {
      const days = change.desired.retentionInDays;
      // The plan never asks to remove a retention; refuse rather than guess.
      if (days === undefined) throw new Error(`no retention to set on ${change.target}`);
      await aws
        .client(CloudWatchLogsClient)
        .send(
          new PutRetentionPolicyCommand({ logGroupName: change.desired.logGroupName, retentionInDays: days }),
        );
    },
  }));
}

export interface ReconcileRetentionOptions {
  readonly dryRun?: boolean;
  /** Epoch ms after which no new write starts; the next run finishes the job. */
  readonly deadline?: number;
  /** Aborted (Ctrl-C): no new write starts; what is left is reported as deferred. */
  readonly stop?: AbortSignal;
  /** Defaults to the pacer's clock. */
  readonly clock?: Clock;
  readonly onOutcome?: (outcome: ChangeOutcome<Change<unknown, unknown>>) => void;
}

export interface RetentionRun {
  readonly plan: RetentionPlan;
  readonly report: ApplyReport<RetentionChange>;
}

/** Plans retention over a fresh inventory and applies the writes (or reports them, on a dry run). */
export async function reconcileRetention(
  aws: Aws,
  inventory: Inventory,
  policy: RetentionPolicy,
  options: ReconcileRetentionOptions = {},
): Promise<RetentionRun> {
  const plan = planRetention(inventory, policy);
  const report = await applyOperations(retentionOperations(aws, plan.changes), {
    clock: options.clock ?? aws.pacer.clock,
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    ...(options.dryRun !== undefined ? { dryRun: options.dryRun } : {}),
    ...(options.stop ? { stop: options.stop } : {}),
    ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
  });
  return { plan, report };
}
