/**
 * Lambda: one full reconcile run (inventory → alarms, log retention, dashboard) within the invocation's
 * time budget. Triggers:
 * - the schedule (EventBridge "Scheduled Event"): the level-triggered sweep;
 * - resource-created hints: CloudTrail events are sent to an SQS queue and read in batches, so a burst
 *   of deployments makes one run, not hundreds. A hint only makes the run happen sooner; what the run
 *   does is decided by what the account holds, so a lost or duplicated hint changes nothing.
 * A run cut short by its budget reports the deferred changes; the next run finishes them.
 */
import { z } from "zod";
import type { Aws } from "../lib/aws/clients.js";
import type { WatchkeeperConfig } from "../lib/config/schema.js";
import { createLogger, type Logger } from "../lib/log.js";
import { discoverAndReconcile, runReports, runTotals } from "../lib/reconcile/account.js";
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

export interface ReconcileDependencies {
  readonly aws: () => Aws;
  readonly config: () => WatchkeeperConfig;
  readonly logger: Logger;
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
    const summary = {
      resources: inventory.resources.length,
      ...runTotals(run),
      openFindings: run.findings.filter((f) => f.status === "open").length,
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
});
