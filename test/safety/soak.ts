/**
 * The randomized soak: an account Watchkeeper has converged is reconciled again and again while a share of
 * every call fails, and nothing Watchkeeper owns may change — on a converged account any alarm, retention
 * or dashboard write is spurious, whatever the run could or could not read. Once the faults stop, the next
 * run must plan nothing and the account must be as it was. Free of vitest, so `npm run bench:soak` runs it too.
 */
import type { Aws } from "../../lib/aws/clients.js";
import { describeAwsError } from "../../lib/aws/errors.js";
import type { WatchkeeperConfig } from "../../lib/config/schema.js";
import {
  discoverAndReconcile,
  plannedWrites,
  runHealth,
  runReports,
  type AccountRun,
  type RunStatus,
} from "../../lib/reconcile/index.js";
import { describeStateChange, observeAccount, stateChanges, type AccountState } from "./account-state.js";

export interface SoakTarget {
  readonly config: WatchkeeperConfig;
  /** Calls without faults: converges the account, observes it, and runs once the faults stop. */
  readonly clean: Aws;
  /** The calls of one run under faults (a fresh `Aws`, as each scheduled invocation makes its own). */
  faulty(): Aws;
  /** Faults injected so far, per kind. */
  injected(): Readonly<Record<string, number>>;
}

export interface SoakOptions {
  /** Runs under faults at least… */
  readonly minRuns: number;
  /** …and at most. */
  readonly maxRuns: number;
  /** Past `minRuns`, no run starts after this much wall time (default: none). */
  readonly budgetMs?: number;
  /** Fault-free runs allowed to converge, before and after (default 3). */
  readonly convergeRuns?: number;
  readonly onRun?: (run: SoakRun) => void;
}

export interface SoakRun {
  readonly run: number;
  readonly status: RunStatus;
  /** Changes the run held back because of what it could not read. */
  readonly held: number;
  /** Failed reads, one line per failed API. */
  readonly unread: number;
  /** Writes of the run: applied changes, and changes to the account the run did not report. */
  readonly spurious: readonly string[];
  /** Why the run stopped before planning (a read every plan needs failed): it then writes nothing. */
  readonly error?: string;
  readonly wallMs: number;
}

export interface SoakResult {
  /** Fault-free runs it took to converge the account first. */
  readonly convergeRuns: number;
  readonly runs: readonly SoakRun[];
  readonly injected: Readonly<Record<string, number>>;
  /** Every spurious write, with its run and that run's health. */
  readonly spurious: readonly { readonly run: number; readonly status: RunStatus; readonly write: string }[];
  /** Fault-free runs after the faults until one planned no write (undefined: none did). */
  readonly recoveryRuns: number | undefined;
  /** How the account then differs from the converged one (empty when it is the same). */
  readonly recoveryChanges: readonly string[];
  readonly wallMs: number;
}

export async function soak(target: SoakTarget, options: SoakOptions): Promise<SoakResult> {
  const started = performance.now();
  const limit = options.convergeRuns ?? 3;
  const converged = await converge(target, limit);
  if (converged === undefined) throw new Error(`the account did not converge in ${limit} fault-free runs`);
  const snapshot = await observeAccount(target.clean);

  const runs: SoakRun[] = [];
  let before = snapshot;
  for (let run = 1; run <= options.maxRuns; run++) {
    const elapsed = performance.now() - started;
    if (run > options.minRuns && options.budgetMs !== undefined && elapsed > options.budgetMs) break;
    const result = await faultyRun(target, run, before);
    runs.push(result.run);
    options.onRun?.(result.run);
    before = result.after;
  }

  const recoveryRuns = await converge(target, limit);
  const recoveryChanges = stateChanges(snapshot, await observeAccount(target.clean)).map(describeStateChange);
  return {
    convergeRuns: converged,
    runs,
    injected: { ...target.injected() },
    spurious: runs.flatMap(({ run, status, spurious }) => spurious.map((write) => ({ run, status, write }))),
    recoveryRuns,
    recoveryChanges,
    wallMs: performance.now() - started,
  };
}

/** Applying fault-free runs until one plans no write; how many it took, or undefined past `limit`. */
async function converge(target: SoakTarget, limit: number): Promise<number | undefined> {
  for (let run = 1; run <= limit; run++) {
    const result = await discoverAndReconcile(target.clean, target.config);
    if (plannedWrites(result).length === 0) return run;
  }
  return undefined;
}

async function faultyRun(
  target: SoakTarget,
  run: number,
  before: AccountState,
): Promise<{ run: SoakRun; after: AccountState }> {
  const started = performance.now();
  const aws = target.faulty();
  const result = await discoverAndReconcile(aws, target.config).then(
    (done) => ({ done }),
    (error: unknown) => ({ error: describeAwsError(error) }),
  );
  aws.destroy();
  const after = await observeAccount(target.clean);
  const wallMs = performance.now() - started;
  if ("error" in result) {
    const spurious = writesOf(undefined, before, after);
    return {
      run: { run, status: "failed", held: 0, unread: 0, spurious, error: result.error, wallMs },
      after,
    };
  }
  const health = runHealth(result.done);
  return {
    run: {
      run,
      status: health.status,
      held: health.held,
      unread: health.unread.length,
      spurious: writesOf(result.done, before, after),
      wallMs,
    },
    after,
  };
}

/** The run's applied changes, and any change to the account it did not report as applied. */
function writesOf(result: AccountRun | undefined, before: AccountState, after: AccountState): string[] {
  const applied = (result ? runReports(result) : [])
    .flatMap((report) => report.outcomes)
    .filter((outcome) => outcome.status === "applied")
    .map(({ change }) => ({
      target: change.target,
      line: `${change.kind} ${change.action} ${change.target}`,
    }));
  const reported = new Set(applied.map((write) => write.target));
  const unreported = stateChanges(before, after)
    .filter((change) => !reported.has(change.target))
    .map((change) => `${describeStateChange(change)} (not reported as applied)`);
  return [...applied.map((write) => write.line), ...unreported];
}

/** Held changes per run and how many runs were partial or failed: what the soak prints. */
export function soakSummary(result: SoakResult) {
  const held = result.runs.map((run) => run.held);
  const count = (status: RunStatus) => result.runs.filter((run) => run.status === status).length;
  return {
    runs: result.runs.length,
    injected: result.injected,
    spurious: result.spurious.length,
    heldMean: held.length > 0 ? held.reduce((a, b) => a + b, 0) / held.length : 0,
    heldMax: held.length > 0 ? Math.max(...held) : 0,
    complete: count("complete"),
    partial: count("partial"),
    failed: count("failed"),
    stopped: result.runs.filter((run) => run.error !== undefined).length,
    recoveryRuns: result.recoveryRuns,
    wallMs: Math.round(result.wallMs),
  };
}
