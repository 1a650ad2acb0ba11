/**
 * `runAction`: one validated action, dispatched to its module, with one audit line; an action that
 * changed something (or tried to) also puts that line on the default event bus.
 */
import type { Aws } from "../aws/clients.js";
import { describeAwsError } from "../aws/errors.js";
import { silentLogger } from "../log.js";
import { auditLine, publishAuditEvents } from "./audit.js";
import { breakerReset, breakerStatusAction, breakerTrip } from "./breaker.js";
import { dlqAutoRedrive, dlqCancel, dlqList, dlqRedrive, dlqShow, dlqStatus } from "./dlq.js";
import { topOffendersAction } from "./offenders.js";
import { reconcileNow, type ReconcileProgress } from "./reconcile.js";
import { retentionSet } from "./retention.js";
import type { Action, ActionName } from "./schema.js";
import { alarmSilence, alarmUnsilence, liftEndedSilences } from "./silence.js";
import { statusAction } from "./status.js";
import type { ActionAnswer, ActionContext, ActionOptions, ActionResult } from "./types.js";

/** What the action is about, for the audit line and the result. */
export function targetOf(action: Action): string {
  switch (action.action) {
    case "dlq-show":
    case "dlq-redrive":
    case "dlq-status":
    case "dlq-cancel":
      return action.queue;
    case "breaker-trip":
    case "breaker-reset":
      return action.function;
    case "breaker-status":
      return action.function ?? "account";
    case "alarm-silence":
    case "alarm-unsilence":
    case "top-offenders":
      return action.alarm;
    case "retention-set":
      return action.logGroup;
    case "status":
    case "dlq-list":
    case "dlq-auto-redrive":
    case "expire-silences":
    case "reconcile":
      return "account";
  }
}

/**
 * The actions a hub follows (issue #22: breakers, redrives, silences): their real runs also become audit
 * events. Reads stay in the log only; so, for now, do retention-set and reconcile.
 */
export const AUDITED_ACTIONS: ReadonlySet<ActionName> = new Set<ActionName>([
  "breaker-trip",
  "breaker-reset",
  "dlq-redrive",
  "dlq-cancel",
  "dlq-auto-redrive",
  "alarm-silence",
  "alarm-unsilence",
  "expire-silences",
]);

/** A real run that changed something or tried to: not a dry run, a refusal, nor one with nothing to do. */
function changedOrTried(result: ActionResult, answer: ActionAnswer): boolean {
  return (
    AUDITED_ACTIONS.has(result.action) &&
    !result.dryRun &&
    (result.outcome === "done" || result.outcome === "failed") &&
    answer.acted !== false
  );
}

export interface RunActionOptions extends ActionOptions {
  /** Long work reports here (reconcile: discovery and changes). */
  readonly onProgress?: (progress: ReconcileProgress) => void;
}

/**
 * Runs one validated action. Never throws for what AWS answers: a refusal or a failed call comes back
 * as `ok: false` with the reason, and every outcome is written as one audit line (and, for a change,
 * one audit event: see `AUDITED_ACTIONS`).
 */
export async function runAction(aws: Aws, action: Action, options: RunActionOptions): Promise<ActionResult> {
  const clock = options.clock ?? aws.pacer.clock;
  const ctx: ActionContext = {
    actor: options.actor,
    dryRun: Boolean(options.dryRun || action.dryRun),
    config: options.config,
    clock,
    now: new Date(clock.now()),
    logger: options.logger ?? silentLogger,
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    ...(options.stop ? { stop: options.stop } : {}),
  };
  const target = targetOf(action);
  let answer: ActionAnswer;
  try {
    answer = await dispatch(aws, action, ctx, options.onProgress);
  } catch (error) {
    answer = { outcome: "failed", text: describeAwsError(error, `${action.action} ${target}`) };
  }
  const result: ActionResult = {
    ok: answer.outcome === "done" || answer.outcome === "dry-run" || answer.outcome === "unchanged",
    action: action.action,
    target,
    outcome: answer.outcome,
    dryRun: ctx.dryRun,
    text: answer.text,
    ...(answer.details !== undefined ? { details: answer.details } : {}),
    ...(answer.partial ? { partial: true } : {}),
  };
  const line = auditLine(result, ctx.actor);
  const level = result.outcome === "failed" ? "error" : result.outcome === "refused" ? "warn" : "info";
  ctx.logger[level](line, result.text);
  // Best effort, after the line is written: a failed or hung PutEvents is a warning, never the outcome.
  const warnings = changedOrTried(result, answer) ? await publishAuditEvents(aws, [line], ctx.logger) : [];
  return warnings.length > 0 ? { ...result, auditWarnings: warnings } : result;
}

function dispatch(
  aws: Aws,
  action: Action,
  ctx: ActionContext,
  onProgress?: (progress: ReconcileProgress) => void,
): Promise<ActionAnswer> {
  switch (action.action) {
    case "status":
      return statusAction(aws, ctx);
    case "dlq-list":
      return dlqList(aws);
    case "dlq-show":
      return dlqShow(aws, action);
    case "dlq-redrive":
      return dlqRedrive(aws, action, ctx);
    case "dlq-status":
      return dlqStatus(aws, action);
    case "dlq-cancel":
      return dlqCancel(aws, action, ctx);
    case "dlq-auto-redrive":
      return dlqAutoRedrive(aws, action, ctx);
    case "breaker-status":
      return breakerStatusAction(aws, action, ctx);
    case "breaker-trip":
      return breakerTrip(aws, action, ctx);
    case "breaker-reset":
      return breakerReset(aws, action, ctx);
    case "alarm-silence":
      return alarmSilence(aws, action, ctx);
    case "alarm-unsilence":
      return alarmUnsilence(aws, action, ctx);
    case "expire-silences":
      return liftEndedSilences(aws, ctx);
    case "retention-set":
      return retentionSet(aws, action, ctx);
    case "reconcile":
      return reconcileNow(aws, ctx, onProgress);
    case "top-offenders":
      return topOffendersAction(aws, action, ctx);
  }
}
