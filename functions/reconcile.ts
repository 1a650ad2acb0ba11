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
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { z } from "zod";
import type { Aws } from "../lib/aws/clients.js";
import { describeAwsError } from "../lib/aws/errors.js";
import type { WatchkeeperConfig } from "../lib/config/schema.js";
import { createLogger, type Logger } from "../lib/log.js";
import { discoverAndReconcile, runReports, runTotals, type RunTotals } from "../lib/reconcile/account.js";
import {
  configFromEnvironment,
  containerAws,
  describeIssues,
  once,
  type InvocationContext,
} from "./runtime.js";

/** Kept for the writes in flight and the report after the deadline passes. */
const SAFETY_MARGIN_MS = 30_000;

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

/** "lambda CreateFunction20150331 orders-api" style summary of a hint, for the log; never fails. */
function hintName(body: string): string {
  try {
    const event = JSON.parse(body) as { source?: unknown; detail?: { eventName?: unknown } };
    return `${String(event.source ?? "?")} ${String(event.detail?.eventName ?? "?")}`;
  } catch {
    return "unparseable hint";
  }
}

/** The variable the stack sets to the hints queue's URL (test/infra checks they agree). */
export const HINTS_QUEUE_VARIABLE = "WATCHKEEPER_HINTS_QUEUE_URL";

/** The hint a run leaves when it stopped at its deadline with changes deferred. */
export function continuationHint(deferred: number): string {
  return JSON.stringify({
    source: "watchkeeper",
    "detail-type": "Reconcile deferred changes",
    detail: { eventName: "ContinueReconcile", deferred },
  });
}

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
  try {
    await aws
      .client(SQSClient)
      .send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: continuationHint(totals.deferred) }));
    return true;
  } catch (error) {
    log.warn(
      `could not ask for the next run (${describeAwsError(error)}): the ${totals.deferred} deferred changes wait for the schedule`,
    );
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
    const aws = deps.aws();
    const config = deps.config();
    const clock = aws.pacer.clock;
    const remaining = context?.getRemainingTimeInMillis();
    const deadline = remaining === undefined ? undefined : clock.now() + remaining - SAFETY_MARGIN_MS;
    log.info({ trigger: parsed.trigger }, "reconcile started");

    const run = await discoverAndReconcile(aws, config, deadline === undefined ? {} : { deadline });
    const { inventory } = run;
    for (const warning of inventory.warnings) log.warn({ warning }, `could not read: ${warning.operation}`);

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
      openFindings: run.findings.filter((f) => f.status === "open").length,
      nextRunAsked: await askForNextRun(aws, deps.hintsQueueUrl, totals, log),
    };
    log.info(summary, "reconcile finished");
    return { status: "done" as const, ...summary };
  };
}

const config = once(() => configFromEnvironment());

export const handler = createReconcileHandler({
  aws: containerAws,
  config,
  logger: createLogger({ function: "reconcile" }),
  ...(process.env[HINTS_QUEUE_VARIABLE] ? { hintsQueueUrl: process.env[HINTS_QUEUE_VARIABLE] } : {}),
});
