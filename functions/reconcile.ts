/**
 * Lambda: one full reconcile run (inventory → alarms, log retention, dashboard) within the invocation's
 * time budget. Triggers:
 * - the schedule (EventBridge "Scheduled Event"): the level-triggered sweep;
 * - resource-created hints: CloudTrail events are sent to an SQS queue and read in batches, so a burst
 *   of deployments makes one run, not hundreds. A hint only makes the run happen sooner; what the run
 *   does is decided by what the account holds, so a lost or duplicated hint changes nothing.
 * A run cut short by its budget reports the deferred changes; the next run finishes them, and when the
 * run made progress it asks for that run at once with a hint of its own on the hints queue, so a large
 * first convergence takes its runs back to back instead of one an hour.
 */
import { z } from "zod";
import { describeAwsError } from "../lib/aws/errors.js";
import type { WatchkeeperConfig } from "../lib/config/schema.js";
import { createLogger, type Logger } from "../lib/log.js";
import { WORST_CASE_CALL_MS, type Aws } from "../lib/aws/clients.js";
import { discoverAndReconcile, runReports, runTotals, type RunTotals } from "../lib/reconcile/account.js";
import { publishRunHealth, RUN_PROBLEMS_METRIC, runHealth, type RunHealth } from "../lib/reconcile/health.js";
import { continuationHint, HINTS_QUEUE_VARIABLE, sendHint } from "../lib/reconcile/hints.js";
import {
  configFromEnvironment,
  containerAws,
  describeIssues,
  once,
  type InvocationContext,
} from "./runtime.js";

/** Kept after every call has ended, to log the report and return it. */
const REPORT_RESERVE_MS = 10_000;

/**
 * The run's time limits from the invocation's end: the report's own calls (the health metric, the next
 * run's hint) end by `reportBy`; discovery's and the writes' calls end by `callsBy` (cut off there); no
 * write starts after `writesBy`, so the last one, retried to its worst case, ends by `callsBy` too.
 */
export function runLimits(now: number, remainingMs: number) {
  const reportBy = now + remainingMs - REPORT_RESERVE_MS;
  const callsBy = reportBy - WORST_CASE_CALL_MS;
  return { reportBy, callsBy, writesBy: callsBy - WORST_CASE_CALL_MS };
}

const ScheduledEvent = z.object({
  source: z.literal("aws.events"),
  "detail-type": z.literal("Scheduled Event"),
});
const SqsBatch = z.object({
  Records: z.array(z.object({ eventSource: z.literal("aws:sqs"), body: z.string() })).min(1),
});

export type Trigger =
  { readonly kind: "schedule" } | { readonly kind: "hints"; readonly events: readonly string[] };

/** Says what started the run, or why the event is not one this function serves. */
export function parseTrigger(event: unknown): { trigger: Trigger } | { rejected: string } {
  if (ScheduledEvent.safeParse(event).success) return { trigger: { kind: "schedule" } };
  const batch = SqsBatch.safeParse(event);
  if (batch.success) {
    return { trigger: { kind: "hints", events: batch.data.Records.map((record) => hintName(record.body)) } };
  }
  const issues = describeIssues(batch.error.issues);
  return {
    rejected: `neither a Scheduled Event nor an SQS batch of resource-created hints: ${issues.join("; ")}`,
  };
}

/**
 * "aws.lambda CreateFunction20150331" style summary of a hint, for the log, with the function a
 * breaker's hint names ("watchkeeper.breaker BreakerTripped orders-api"); never fails.
 */
function hintName(body: string): string {
  try {
    const event = JSON.parse(body) as {
      source?: unknown;
      detail?: { eventName?: unknown; functionName?: unknown };
    };
    const fn = event.detail?.functionName;
    return `${String(event.source ?? "?")} ${String(event.detail?.eventName ?? "?")}${typeof fn === "string" ? ` ${fn}` : ""}`;
  } catch {
    return "unparseable hint";
  }
}

/** The variable the stack sets to the hints queue's URL (test/infra checks they agree), and the hint a run leaves. */
export { continuationHint, HINTS_QUEUE_VARIABLE };

export interface ReconcileDependencies {
  readonly aws: () => Aws;
  readonly config: () => WatchkeeperConfig;
  readonly logger: Logger;
  /** Where a run that deferred changes asks for the next one; absent, the schedule takes them. */
  readonly hintsQueueUrl?: string;
}

/**
 * Asks for the next run at once when this one deferred changes and applied some. A run that applied
 * nothing (every write failing, or a budget too short for any) leaves the rest to the schedule rather
 * than start a loop; a hint that cannot be sent only delays the rest until the schedule.
 */
async function askForNextRun(
  aws: Aws,
  queueUrl: string | undefined,
  totals: RunTotals,
  log: Logger,
): Promise<boolean> {
  if (queueUrl === undefined || totals.deferred === 0 || totals.applied === 0) return false;
  const failure = await sendHint(aws, queueUrl, continuationHint(totals.deferred));
  if (failure === undefined) return true;
  log.warn(
    `could not ask for the next run (${failure}): the ${totals.deferred} deferred changes wait for the schedule`,
  );
  return false;
}

/** The run's health as a metric; a failure to send it is logged (the Errors self-alarm cannot see it). */
async function publishHealth(aws: Aws, health: RunHealth, log: Logger): Promise<boolean> {
  try {
    await publishRunHealth(aws, health);
    return true;
  } catch (error) {
    log.error(`${RUN_PROBLEMS_METRIC} metric not published: ${describeAwsError(error)}`);
    return false;
  }
}

export function createReconcileHandler(deps: ReconcileDependencies) {
  return async function handle(event: unknown, context?: InvocationContext) {
    const log = deps.logger;
    const parsed = parseTrigger(event);
    if ("rejected" in parsed) {
      log.error(`rejected: ${parsed.rejected}`);
      return { status: "rejected" as const, reason: parsed.rejected };
    }
    const container = deps.aws();
    const config = deps.config();
    const clock = container.pacer.clock;
    const remaining = context?.getRemainingTimeInMillis();
    const limits = remaining === undefined ? undefined : runLimits(clock.now(), remaining);
    const aws = limits ? container.until(limits.callsBy) : container;
    const reporting = limits ? container.until(limits.reportBy) : container;
    log.info({ trigger: parsed.trigger }, "reconcile started");

    const run = await discoverAndReconcile(aws, config, limits ? { deadline: limits.writesBy } : {}).catch(
      (error: unknown) => {
        // Nothing could be read at all (the caller's identity, credentials): the invocation fails.
        log.error(`reconcile failed: ${describeAwsError(error)}`);
        throw error;
      },
    );
    const { inventory } = run;
    const health = runHealth(run);
    for (const line of health.unread) log.error(`could not read, left alone what it covers: ${line}`);
    for (const line of health.unsupported) log.warn(line);

    for (const outcome of runReports(run).flatMap((report) => report.outcomes)) {
      if (outcome.status === "failed") {
        log.error({ kind: outcome.change.kind, target: outcome.change.target }, `failed: ${outcome.error}`);
      }
    }
    if (run.findingsMetricError) log.error(`OpenFindings metric not published: ${run.findingsMetricError}`);
    const totals = runTotals(run);
    const summary = {
      resources: inventory.resources.length,
      ...totals,
      held: health.held,
      unread: health.unread.length,
      openFindings: run.findings.filter((f) => f.status === "open").length,
      nextRunAsked: await askForNextRun(reporting, deps.hintsQueueUrl, totals, log),
      healthPublished: await publishHealth(reporting, health, log),
    };
    // A partial or failing run pages through the ReconcileProblems self-alarm, not through a failed
    // invocation: a throw would have the hints queue redeliver the batch and loop.
    if (health.status === "complete") log.info(summary, "reconcile finished");
    else log.error(summary, `reconcile finished ${health.status}`);
    return { status: health.status, ...summary };
  };
}

const config = once(() => configFromEnvironment());

export const handler = createReconcileHandler({
  aws: containerAws,
  config,
  logger: createLogger({ function: "reconcile" }),
  ...(process.env[HINTS_QUEUE_VARIABLE] ? { hintsQueueUrl: process.env[HINTS_QUEUE_VARIABLE] } : {}),
});
