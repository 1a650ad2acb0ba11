/**
 * Reconcile now: the scheduled run (inventory, then alarms, log retention and the dashboard), over the
 * whole account, writing what the plan says (`watchkeeper apply --yes` semantics). A dry run plans only.
 */
import type { Aws } from "../aws/clients.js";
import { discoverAndReconcile, runReports, runTotals } from "../reconcile/account.js";
import { runHealth } from "../reconcile/health.js";
import type { ActionAnswer, ActionContext } from "./types.js";

/** Lines of writes listed in the text; the rest are counted (all are in `details`). */
const LISTED = 20;

export interface ReconcileProgress {
  readonly phase: string;
  readonly done: number;
  readonly total?: number;
}

export async function reconcileNow(
  aws: Aws,
  ctx: ActionContext,
  progress: (p: ReconcileProgress) => void = () => {},
): Promise<ActionAnswer> {
  let done = 0;
  // The scheduled run's own path (functions/reconcile.ts, watchkeeper plan and apply): same reads, same plan.
  const run = await discoverAndReconcile(aws, ctx.config, {
    dryRun: ctx.dryRun,
    ...(ctx.deadline !== undefined ? { deadline: ctx.deadline } : {}),
    ...(ctx.stop ? { stop: ctx.stop } : {}),
    onProgress: progress,
    onOutcome: () => progress({ phase: "changes", done: ++done }),
  });
  const { inventory } = run;
  const outcomes = runReports(run).flatMap((report) => report.outcomes);
  const writes = outcomes.map((o) => ({
    kind: o.change.kind,
    action: o.change.action,
    target: o.change.target,
    reason: o.change.reason,
    status: o.status,
    ...(o.error !== undefined ? { error: o.error } : {}),
    ...(o.cause !== undefined ? { cause: o.cause } : {}),
  }));
  const totals = runTotals(run);
  const warnings = [
    ...run.alarms.warnings,
    ...run.retention.plan.warnings.map((w) => `${w.logGroup}: ${w.message}`),
  ];
  const head = ctx.dryRun
    ? `dry run over ${inventory.resources.length} resources: ${writes.length} change${writes.length === 1 ? "" : "s"} to make`
    : `reconciled ${inventory.resources.length} resources: ${totals.applied} applied, ${totals.failed} failed, ${totals.deferred} deferred` +
      (ctx.stop?.aborted ? " (interrupted: the deferred changes were not applied)" : "");
  const sign = { create: "+", update: "~", delete: "-", noop: " " } as const;
  const listed = [
    ...writes.filter((w) => w.status === "failed"),
    ...writes.filter((w) => w.status !== "failed"),
  ]
    .slice(0, LISTED)
    .map(
      (w) =>
        `  ${sign[w.action as keyof typeof sign] ?? "?"} ${w.target}  ${w.status === "failed" ? `FAILED: ${w.error ?? ""}` : w.reason}`,
    );
  const more = writes.length > LISTED ? [`  ... ${writes.length - LISTED} more`] : [];
  const health = runHealth(run);
  // What could not be read comes first: a partial run must not read like a clean one.
  const unread = health.unread.map((line) => `  ! ${line}`);
  const gaps =
    unread.length > 0
      ? [
          `could not read everything; left alone what these cover (${health.held} changes held back):`,
          ...unread,
        ]
      : [];
  return {
    outcome: ctx.dryRun ? "dry-run" : totals.failed > 0 ? "failed" : "done",
    text: [...gaps, head, ...listed, ...more].join("\n"),
    details: {
      accountId: inventory.accountId,
      region: inventory.region,
      resources: inventory.resources.length,
      ...totals,
      writes,
      warnings,
      health,
    },
    ...(health.status === "partial" ? { partial: true } : {}),
  };
}
