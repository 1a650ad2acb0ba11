/**
 * Lambda: the runbook actions (lib/actions), invoked with one JSON action, e.g.
 *   { "action": "dlq-redrive", "queue": "payments-dlq", "dryRun": true, "actor": "user:alice" }
 *   { "action": "alarm-silence", "alarm": "watchkeeper-lambda-errors", "minutes": 60 }
 *   { "action": "breaker-trip", "function": "payments-consumer", "reason": "error loop after deploy" }
 * and on schedules with constant input:
 *   { "action": "expire-silences" }   every 5 minutes: actions back on for silences that ended
 *   { "action": "dlq-auto-redrive" }  when redrive.auto is on: the opt-in automatic redrive
 * The actions, their fields and their answers are lib/actions' (see its schema.ts).
 *
 * Answers the action's result ({ ok, action, target, outcome, dryRun, text, details }), or, for input
 * that is not a valid action, { ok: false, error } naming each bad field, with an error log line.
 * Neither is thrown: a bad action never becomes valid by retrying, and a refusal or a failed AWS call
 * is an answer the caller reads. Who asks comes from the event's `actor`, else "runbook-lambda".
 *
 * Configuration: WATCHKEEPER_CONFIG (functions/runtime.ts); AWS_REGION is set by Lambda.
 */
import type { Aws } from "../lib/aws/clients.js";
import { runAction, parseAction, type ActionResult } from "../lib/actions/index.js";
import type { WatchkeeperConfig } from "../lib/config/schema.js";
import { createLogger, type Logger } from "../lib/log.js";
import { configFromEnvironment, containerAws, once, type InvocationContext } from "./runtime.js";

export const DEFAULT_ACTOR = "runbook-lambda";

/** Kept back from the invocation's time limit to stop long work, release messages and answer. */
const SAFETY_MS = 20_000;

export type RunbookActionResponse = ActionResult | { readonly ok: false; readonly error: string };

export interface RunbookActionDependencies {
  readonly aws: () => Aws;
  readonly config: () => WatchkeeperConfig;
  readonly logger: Logger;
}

export function createRunbookActionHandler(deps: RunbookActionDependencies) {
  return async function handle(event: unknown, context?: InvocationContext): Promise<RunbookActionResponse> {
    const parsed = parseAction(event, { at: "event" });
    if (!parsed.ok) {
      deps.logger.error({ status: "rejected" }, `rejected: ${parsed.error}`);
      return { ok: false, error: parsed.error };
    }
    const aws = deps.aws();
    const remaining = context?.getRemainingTimeInMillis();
    const deadline =
      remaining === undefined ? undefined : aws.pacer.clock.now() + Math.max(0, remaining - SAFETY_MS);
    return runAction(aws, parsed.action, {
      actor: parsed.action.actor ?? DEFAULT_ACTOR,
      config: deps.config(),
      logger: deps.logger,
      ...(deadline !== undefined ? { deadline } : {}),
    });
  };
}

export const handler = createRunbookActionHandler({
  aws: containerAws,
  config: once(() => configFromEnvironment()),
  logger: createLogger({ function: "runbook-action" }),
});
