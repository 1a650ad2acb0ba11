/**
 * One level-triggered run over an account and region: every capability plans from the same fresh
 * inventory and applies within one time budget. Alarms go first (they matter most at 3 a.m.; the
 * circuit breaker's trip alarms among them), then log retention, then the dashboard. A run cut short
 * is finished by the next one.
 */
import type { ApplyReport, ChangeOutcome } from "../apply/apply.js";
import { readExistingAlarms, unreadAlarms, type ExistingAlarms } from "../alarms/actual.js";
import { reconcileAlarms, type ReconcileResult } from "../alarms/reconcile.js";
import type { Aws } from "../aws/clients.js";
import { describeAwsError } from "../aws/errors.js";
import { planBreakerAlarms } from "../breaker/alarms.js";
import type { WatchkeeperConfig } from "../config/schema.js";
import {
  applyDashboards,
  planAccountDashboards,
  readDashboards,
  type DashboardPlan,
} from "../../dashboards/apply.js";
import { dashboardBaseName } from "../../dashboards/generate.js";
import type { DashboardChange, ExistingDashboard } from "../../dashboards/plan.js";
import { publishFindingMetrics } from "../findings/metrics.js";
import { renderSummaryMarkdown, summarizeFindings } from "../findings/report.js";
import { runChecks } from "../findings/run.js";
import type { Finding } from "../findings/types.js";
import { discoverInventory, type DiscoverOptions } from "../inventory/discover.js";
import type { Inventory } from "../inventory/types.js";
import { reconcileRetention, type RetentionRun } from "../logs/apply.js";
import { held, type Change } from "../plan/change.js";
import { describeFailure, readGaps } from "../inventory/gaps.js";

export interface AccountRunOptions {
  /** Plan and report; write nothing. */
  readonly dryRun?: boolean;
  /** Epoch ms (on the Aws clock) after which no new write starts. */
  readonly deadline?: number;
  /** Aborted (Ctrl-C): no new write starts, the one in flight finishes, the rest are deferred. */
  readonly stop?: AbortSignal;
  readonly onOutcome?: (outcome: ChangeOutcome<Change<unknown, unknown>>) => void;
  /** What Watchkeeper owns, when the caller read it already (`discoverAndReconcile` reads it alongside discovery). */
  readonly existing?: {
    readonly alarms?: ExistingAlarms;
    readonly dashboards?: OwnedDashboards;
  };
}

export interface DashboardRun {
  readonly plan: DashboardPlan;
  readonly report: ApplyReport<DashboardChange>;
  /** Why Watchkeeper's dashboards could not be read, when they could not (every change is then held). */
  readonly unread?: string;
}

export interface AccountRun {
  readonly inventory: Inventory;
  readonly findings: readonly Finding[];
  readonly alarms: ReconcileResult;
  readonly retention: RetentionRun;
  /** Absent when dashboards are turned off in the config. */
  readonly dashboards?: DashboardRun;
  /** Why the OpenFindings metric could not be published, when it could not (the run goes on). */
  readonly findingsMetricError?: string;
}

export async function reconcileAccount(
  aws: Aws,
  inventory: Inventory,
  config: WatchkeeperConfig,
  options: AccountRunOptions = {},
): Promise<AccountRun> {
  const clock = aws.pacer.clock;
  const common = {
    ...(options.dryRun !== undefined ? { dryRun: options.dryRun } : {}),
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    ...(options.stop ? { stop: options.stop } : {}),
    ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
  };
  // The breaker's trip alarms carry the prefix and the managed tag: planned with the catalog's, so a run
  // creates them for opted-in functions and deletes them once a function opts out or is gone.
  const trip = planBreakerAlarms(inventory, config.breaker, config.alarms);
  const alarmRun = await reconcileAlarms(aws, inventory, config.alarms, {
    clock,
    ...common,
    extra: trip.specs,
    existing: options.existing?.alarms ?? (await readOwnedAlarms(aws, config.alarms.prefix)),
  });
  const alarms: ReconcileResult =
    trip.warnings.length > 0 ? { ...alarmRun, warnings: [...alarmRun.warnings, ...trip.warnings] } : alarmRun;
  const retention = await reconcileRetention(aws, inventory, config.retention, { clock, ...common });
  // Findings describe the account as this run leaves it, so the dashboard does not show a
  // never-expiring log group that the run has just fixed.
  const findings = runChecks(withAppliedRetention(inventory, retention));
  // A stopped run starts no new write, the findings metric included.
  const findingsMetricError =
    options.dryRun || options.stop?.aborted ? undefined : await publishFindings(aws, findings);
  const base = {
    inventory,
    findings,
    alarms,
    retention,
    ...(findingsMetricError !== undefined ? { findingsMetricError } : {}),
  };
  if (!config.dashboards.enabled) return base;

  const owned =
    options.existing?.dashboards ??
    (await readOwnedDashboards(aws, dashboardBaseName(config.prefix, inventory.region)));
  const planned = await planAccountDashboards(aws, inventory, {
    prefix: config.prefix,
    runbookBaseUrl: config.runbookBaseUrl,
    alarms: alarms.plan.desired,
    findingsMarkdown: renderSummaryMarkdown(summarizeFindings(findings), {}),
    existing: owned.dashboards,
  });
  // A dashboard shows every kind and Watchkeeper's alarms: drawn from a partial view it would drop what
  // could not be read, or show alarms the run did not see.
  const gap =
    owned.unread ??
    (alarms.unread !== undefined
      ? `Watchkeeper's alarms could not be read (${alarms.unread})`
      : firstFailure(inventory));
  const plan =
    gap === undefined ? planned : { ...planned, changes: planned.changes.map((change) => held(change, gap)) };
  const report = await applyDashboards(aws, plan.changes, { clock, ...common });
  return {
    ...base,
    dashboards: { plan, report, ...(owned.unread !== undefined ? { unread: owned.unread } : {}) },
  };
}

/** OpenFindings by severity, so a team can alarm on new high-severity findings; a failure is reported, not fatal. */
async function publishFindings(aws: Aws, findings: readonly Finding[]): Promise<string | undefined> {
  try {
    await publishFindingMetrics(aws, findings, { timestamp: new Date(aws.pacer.clock.now()) });
    return undefined;
  } catch (error) {
    return describeAwsError(error);
  }
}

export interface DiscoverAndReconcileOptions extends Omit<AccountRunOptions, "existing"> {
  readonly onProgress?: DiscoverOptions["onProgress"];
}

/**
 * One scheduled run from nothing: discovery (with the detail the reconcile capabilities use) and the
 * reads of what Watchkeeper owns (alarms by prefix, dashboards by name) at the same time — they draw on
 * different quotas — then `reconcileAccount`. The CLI's plan and apply and the reconcile Lambda share it,
 * so they plan the same changes.
 */
export async function discoverAndReconcile(
  aws: Aws,
  config: WatchkeeperConfig,
  options: DiscoverAndReconcileOptions = {},
): Promise<AccountRun> {
  const { onProgress, ...runOptions } = options;
  const [inventory, alarms, dashboards] = await Promise.all([
    discoverInventory(aws, { detail: "reconcile", ...(onProgress ? { onProgress } : {}) }),
    readOwnedAlarms(aws, config.alarms.prefix),
    config.dashboards.enabled
      ? readOwnedDashboards(aws, dashboardBaseName(config.prefix, aws.region))
      : Promise.resolve(undefined),
  ]);
  return reconcileAccount(aws, inventory, config, {
    ...runOptions,
    existing: { alarms, ...(dashboards ? { dashboards } : {}) },
  });
}

/** Watchkeeper's alarms, or why they could not be read (then no alarm change is made). */
async function readOwnedAlarms(aws: Aws, prefix: string): Promise<ExistingAlarms> {
  try {
    return await readExistingAlarms(aws, { prefix });
  } catch (error) {
    return unreadAlarms(error);
  }
}

export interface OwnedDashboards {
  readonly dashboards: readonly ExistingDashboard[];
  /** Why they could not be read (then no dashboard change is made). */
  readonly unread?: string;
}

async function readOwnedDashboards(aws: Aws, base: string): Promise<OwnedDashboards> {
  try {
    return { dashboards: await readDashboards(aws, base) };
  } catch (error) {
    return {
      dashboards: [],
      unread: `Watchkeeper's dashboards could not be read: ${describeAwsError(error, "cloudwatch ListDashboards or GetDashboard")}`,
    };
  }
}

function firstFailure(inventory: Inventory): string | undefined {
  const failure = readGaps(inventory).failures[0];
  return failure && describeFailure(failure);
}

export type AnyReport = ApplyReport<Change<unknown, unknown>>;

/** Every capability's report of one run, in the order they ran. */
export function runReports(run: AccountRun): AnyReport[] {
  return [run.alarms.report, run.retention.report, ...(run.dashboards ? [run.dashboards.report] : [])];
}

export interface RunTotals {
  readonly applied: number;
  readonly failed: number;
  readonly deferred: number;
}

export function runTotals(run: AccountRun): RunTotals {
  const reports = runReports(run);
  const sum = (key: keyof RunTotals) => reports.reduce((n, report) => n + report[key], 0);
  return { applied: sum("applied"), failed: sum("failed"), deferred: sum("deferred") };
}

/** Every change of the run that is not a noop, across capabilities. */
export function plannedWrites(run: AccountRun): Change<unknown, unknown>[] {
  return plannedChanges(run).filter((change) => change.action !== "noop");
}

/** Every change of the run, noops included, across capabilities. */
export function plannedChanges(run: AccountRun): Change<unknown, unknown>[] {
  return [...run.alarms.plan.changes, ...run.retention.plan.changes, ...(run.dashboards?.plan.changes ?? [])];
}

function withAppliedRetention(inventory: Inventory, retention: RetentionRun): Inventory {
  const applied = new Map<string, number>();
  for (const outcome of retention.report.outcomes) {
    const days = outcome.change.desired.retentionInDays;
    if (outcome.status === "applied" && days !== undefined) applied.set(outcome.change.target, days);
  }
  if (applied.size === 0) return inventory;
  return {
    ...inventory,
    resources: inventory.resources.map((resource) =>
      resource.kind === "log-group" && applied.has(resource.name)
        ? { ...resource, retentionInDays: applied.get(resource.name)! }
        : resource,
    ),
  };
}
