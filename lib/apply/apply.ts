import type { Clock } from "../aws/clock.js";
import { describeAwsError } from "../aws/errors.js";
import type { Change } from "../plan/change.js";

/**
 * One write call that carries out one or more changes (DeleteAlarms takes up to 100 names, so a
 * capability may batch). Calls are paced by lib/aws; apply only sequences them.
 */
export interface Operation<C extends Change<unknown, unknown>> {
  readonly changes: readonly C[];
  run(): Promise<void>;
}

export type OutcomeStatus = "applied" | "failed" | "deferred" | "dry-run";

/** Why a change was deferred: the run's time budget ran out, or it was told to stop (Ctrl-C). */
export type DeferredCause = "deadline" | "interrupted";

export interface ChangeOutcome<C extends Change<unknown, unknown>> {
  readonly change: C;
  readonly status: OutcomeStatus;
  readonly error?: string;
  /** On deferred outcomes only. */
  readonly cause?: DeferredCause;
}

export interface ApplyOptions {
  readonly clock: Clock;
  /** Epoch ms after which no new operation starts; the next run finishes the job. */
  readonly deadline?: number;
  /** Time kept in reserve for one operation to finish before the deadline. */
  readonly operationBudgetMs?: number;
  readonly dryRun?: boolean;
  /** Aborted (Ctrl-C): no new operation starts, the one in flight finishes, the rest are deferred. */
  readonly stop?: AbortSignal;
  readonly onOutcome?: (outcome: ChangeOutcome<Change<unknown, unknown>>) => void;
}

export interface ApplyReport<C extends Change<unknown, unknown>> {
  readonly outcomes: readonly ChangeOutcome<C>[];
  readonly applied: number;
  readonly failed: number;
  readonly deferred: number;
}

/**
 * Runs operations in order. A failed operation is reported and the rest go on; when the deadline
 * is near or `stop` is aborted, the remaining operations are reported as deferred instead of being
 * cut off halfway.
 */
export async function applyOperations<C extends Change<unknown, unknown>>(
  operations: readonly Operation<C>[],
  options: ApplyOptions,
): Promise<ApplyReport<C>> {
  const outcomes: ChangeOutcome<C>[] = [];
  const record = (change: C, status: OutcomeStatus, why: { error?: string; cause?: DeferredCause } = {}) => {
    const outcome: ChangeOutcome<C> = { change, status, ...why };
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  };
  const reserve = options.operationBudgetMs ?? 5_000;
  for (const operation of operations) {
    if (options.dryRun) {
      for (const change of operation.changes) record(change, "dry-run");
      continue;
    }
    const cause = options.stop?.aborted
      ? "interrupted"
      : options.deadline !== undefined && options.clock.now() + reserve > options.deadline
        ? "deadline"
        : undefined;
    if (cause) {
      for (const change of operation.changes) record(change, "deferred", { cause });
      continue;
    }
    try {
      await operation.run();
      for (const change of operation.changes) record(change, "applied");
    } catch (error) {
      for (const change of operation.changes) record(change, "failed", { error: describeAwsError(error) });
    }
  }
  const count = (status: OutcomeStatus) => outcomes.filter((o) => o.status === status).length;
  return { outcomes, applied: count("applied"), failed: count("failed"), deferred: count("deferred") };
}
