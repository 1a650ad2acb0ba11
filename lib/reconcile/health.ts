/**
 * How a run went, beyond its changes: what it could not read (and so left alone), what it held back,
 * what failed. Every report starts with it, and the CLI's exit code and the reconcile Lambda's metric
 * come from it, so a partial run never looks like a clean one.
 */
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import type { Aws } from "../aws/clients.js";
import { describeGaps, describeUnsupported } from "../inventory/gaps.js";
import type { AccountRun } from "./account.js";
import { plannedChanges, runTotals } from "./account.js";

/** "complete": everything read; "partial": some reads failed, nothing they cover was changed; "failed": a change failed. */
export type RunStatus = "complete" | "partial" | "failed";

export interface RunHealth {
  readonly status: RunStatus;
  /** One line per failed read: what failed, AWS's words, what was therefore left alone. */
  readonly unread: readonly string[];
  /** APIs the endpoint (an emulator) does not offer. */
  readonly unsupported: readonly string[];
  /** Changes the plan would have made had it seen everything. */
  readonly held: number;
  /** Changes that were tried and failed. */
  readonly failed: number;
}

export function runHealth(run: AccountRun): RunHealth {
  const unread = [
    ...describeGaps(run.inventory.warnings),
    ...(run.alarms.unread !== undefined ? [run.alarms.unread] : []),
    ...(run.dashboards?.unread !== undefined ? [run.dashboards.unread] : []),
  ];
  const failed = runTotals(run).failed;
  const held = plannedChanges(run).filter((change) => change.held !== undefined).length;
  return {
    status: failed > 0 ? "failed" : unread.length > 0 ? "partial" : "complete",
    unread,
    unsupported: describeUnsupported(run.inventory.warnings),
    held,
    failed,
  };
}

/** The namespace of Watchkeeper's own metrics (the role may write only there). */
export const HEALTH_NAMESPACE = "Watchkeeper";
/**
 * Reads that failed plus changes that failed in one reconcile run; 0 for a clean run, so a self-alarm
 * on it sees a value every run (see lib/infra: no clean run in two schedule periods pages).
 */
export const RUN_PROBLEMS_METRIC = "ReconcileProblems";

export function runProblems(health: RunHealth): number {
  return health.unread.length + health.failed;
}

/** One datum per run, sent by the reconcile Lambda after its report is made. */
export async function publishRunHealth(aws: Aws, health: RunHealth): Promise<void> {
  await aws.client(CloudWatchClient).send(
    new PutMetricDataCommand({
      Namespace: HEALTH_NAMESPACE,
      MetricData: [
        {
          MetricName: RUN_PROBLEMS_METRIC,
          Unit: "Count",
          Value: runProblems(health),
          Timestamp: new Date(aws.pacer.clock.now()),
        },
      ],
    }),
  );
}
