/**
 * Lambda: the circuit breaker's trigger.
 *
 * - EventBridge rule {"source":["aws.cloudwatch"],"detail-type":["CloudWatch Alarm State Change"]}: a
 *   trip alarm going to ALARM trips its function; going OK closes the breaker it opened when auto-reset
 *   is on; anything else is logged and ignored. The event is a hint: it must come from this function's
 *   own account and region (its invokedFunctionArn), the alarm it names is read again and must be
 *   Watchkeeper's (prefix, managed tag), and the function is the one that alarm names — never one the
 *   event carries. Its state now decides, so duplicate, late and reordered events end in the same state.
 * - EventBridge schedule ("Scheduled Event"): evaluates every open breaker (auto-reset, drift).
 *
 * Malformed events are logged as errors naming the field and dropped (no action, no throw: EventBridge
 * would retry them and they never get better). AWS errors and trips that failed halfway are thrown, so
 * Lambda's async retries try again (a retried trip finishes what the first one recorded). Run it with
 * reserved concurrency 1: the account-wide trip limit is counted from tags, and two trips at once could
 * both see room for one more.
 *
 * Every trip and reset it makes, or tries, is also an audit event on the account's default bus (actor
 * "breaker"; lib/actions/audit.ts), as the runbook actions breaker-trip and breaker-reset are; lib/breaker
 * already logs each with the alarm that asked. An event that cannot be put is a warning, nothing more.
 *
 * A trip or reset that completes sends one hint to the reconcile's hints queue (WATCHKEEPER_HINTS_QUEUE_URL),
 * so the next reconcile, about two minutes later, plans the alarms with the breaker as it is now (the
 * throttles aggregate leaves open breakers out). A hint that cannot be sent is logged as a warning and
 * changes nothing else: the scheduled reconcile catches up.
 *
 * Configuration: the `breaker` block of the deployment's config (WATCHKEEPER_CONFIG, see
 * functions/runtime.ts), validated on first use; an invalid one fails every invocation with an error
 * naming the field.
 */
import { z } from "zod";
import { publishAuditEvents } from "../lib/actions/audit.js";
import { breakerAuditLines } from "../lib/actions/breaker.js";
import type { Aws } from "../lib/aws/clients.js";
import { describeAwsError } from "../lib/aws/errors.js";
import type { BreakerPolicy } from "../lib/breaker/policy.js";
import type { Identity } from "../lib/breaker/trust.js";
import {
  evaluateBreakers,
  onAlarmStateChange,
  type AlarmStateChange,
  type SignalOutcome,
} from "../lib/breaker/signal.js";
import { createLogger, type Logger } from "../lib/log.js";
import { breakerHints, HINTS_QUEUE_VARIABLE } from "../lib/reconcile/hints.js";
import { configFromEnvironment, containerAws, describeIssues, once } from "./runtime.js";

const ALARM_SOURCE = "aws.cloudwatch";
const ALARM_DETAIL_TYPE = "CloudWatch Alarm State Change";
const SCHEDULE_SOURCE = "aws.events";
const SCHEDULE_DETAIL_TYPE = "Scheduled Event";

const STATE = z.enum(["ALARM", "OK", "INSUFFICIENT_DATA"]);
const TIMESTAMP = z
  .string()
  .refine((value) => /^\d{4}-\d\d-\d\dT/.test(value) && !Number.isNaN(Date.parse(value)), {
    message: "expected an ISO 8601 time such as 2025-03-14T09:26:53.123+0000",
  });

const Envelope = z.object({
  source: z.string(),
  "detail-type": z.string(),
  region: z.string().optional(),
});

const AlarmEvent = z.object({
  account: z.string().regex(/^\d{12}$/, "expected the 12-digit account the alarm is in"),
  time: TIMESTAMP.optional(),
  resources: z
    .array(z.string())
    .min(1, "expected the alarm's ARN")
    .refine((arns) => /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/.test(arns[0] ?? ""), {
      message: "expected resources[0] to be a CloudWatch alarm ARN",
    }),
  detail: z.object({
    alarmName: z.string().min(1).max(255),
    state: z.object({ value: STATE, timestamp: TIMESTAMP, reason: z.string().optional() }),
    previousState: z.object({ value: STATE, timestamp: TIMESTAMP.optional() }).optional(),
  }),
});

export type BreakerEventStatus = "acted" | "unchanged" | "ignored" | "refused" | "rejected" | "failed";

/** Who the audit lines and events of the breaker function's own trips and resets name. */
export const BREAKER_ACTOR = "breaker";

const ACTED: readonly string[] = [
  "tripped",
  "reapplied",
  "reopened",
  "reset",
  "half-open",
  "completed",
  "rolled-back",
];
const FAILED: readonly string[] = ["failed", "restore-failed"];

export interface BreakerEventResult {
  readonly status: BreakerEventStatus;
  readonly reason: string;
  readonly outcomes: readonly SignalOutcome[];
}

export interface BreakerHandlerDependencies {
  readonly aws: () => Aws;
  readonly logger: Logger;
  readonly policy: () => BreakerPolicy;
  /** The reconcile's hints queue, told of every completed trip and reset; absent, the schedule catches up. */
  readonly hintsQueueUrl?: string;
}

/** The part of the Lambda context the breaker uses: its own ARN names the account and region it serves. */
export interface BreakerInvocation {
  readonly invokedFunctionArn?: string;
}

export function createBreakerHandler(deps: BreakerHandlerDependencies) {
  return async function handle(
    event: unknown,
    invocation: BreakerInvocation = {},
  ): Promise<BreakerEventResult> {
    const log = deps.logger;
    const parsed = parseBreakerEvent(event);
    if (parsed.status === "rejected") {
      log.error({ problems: parsed.problems }, `rejected: ${parsed.reason}`);
      return { status: "rejected", reason: parsed.reason, outcomes: [] };
    }
    if (parsed.status === "ignored") {
      log.info(`ignored: ${parsed.reason}`);
      return { status: "ignored", reason: parsed.reason, outcomes: [] };
    }
    const aws = deps.aws();
    if (parsed.region !== undefined && parsed.region !== aws.region) {
      const reason = `the event comes from ${parsed.region}; this breaker serves ${aws.region}`;
      log.warn(`refused: ${reason}`);
      return { status: "refused", reason, outcomes: [] };
    }
    const policy = deps.policy();
    const identity = identityOfInvocation(invocation);
    const options = {
      policy,
      logger: log,
      ...(identity ? { identity } : {}),
      ...(deps.hintsQueueUrl ? { askForReconcile: breakerHints(aws, deps.hintsQueueUrl) } : {}),
    };
    let outcomes: readonly SignalOutcome[];
    try {
      outcomes =
        parsed.status === "schedule"
          ? (await evaluateBreakers(aws, options)).outcomes
          : [await onAlarmStateChange(aws, parsed.change, options)];
    } catch (error) {
      log.error(
        { error: describeAwsError(error) },
        `breaker ${parsed.status === "schedule" ? "evaluation" : "signal"} failed: ${describeAwsError(error)}`,
      );
      throw error;
    }
    // Audited before the throw that asks for a retry: the failed try is an event, the retry's finish another.
    await publishAuditEvents(aws, breakerAuditLines(outcomes, BREAKER_ACTOR), log);
    // A trip that failed after writing its record finishes when retried (it re-applies); one that could not
    // write it, or a failed restore, would fail the same way again: reported, not retried.
    const unfinished = outcomes.find((o) => o.result === "failed" && o.recorded);
    if (unfinished) throw new Error(unfinished.sentence);
    const status: BreakerEventStatus = outcomes.some((o) => FAILED.includes(o.result))
      ? "failed"
      : outcomes.some((o) => ACTED.includes(o.result))
        ? "acted"
        : outcomes.length > 0 && outcomes.every((o) => o.result === "ignored")
          ? "ignored"
          : outcomes.length > 0 && outcomes.every((o) => o.result === "refused")
            ? "refused"
            : "unchanged";
    const reason = outcomes.length > 0 ? outcomes.map((o) => o.sentence).join("; ") : "no open breakers";
    return { status, reason, outcomes };
  };
}

/** Account and region from the function's own ARN (arn:aws:lambda:<region>:<account>:function:<name>). */
function identityOfInvocation(invocation: BreakerInvocation): Identity | undefined {
  const [, , , region, accountId] = (invocation.invokedFunctionArn ?? "").split(":");
  return region && accountId && /^\d{12}$/.test(accountId) ? { accountId, region } : undefined;
}

type Parsed =
  | { readonly status: "alarm"; readonly change: AlarmStateChange; readonly region?: string }
  | { readonly status: "schedule"; readonly region?: string }
  | { readonly status: "ignored"; readonly reason: string }
  | { readonly status: "rejected"; readonly reason: string; readonly problems: readonly string[] };

/** Accepts an alarm state change or a scheduled event; says why anything else is ignored or malformed. */
export function parseBreakerEvent(event: unknown): Parsed {
  const envelope = Envelope.safeParse(event);
  if (!envelope.success) return rejected("not an EventBridge event", envelope.error.issues);
  const { source, "detail-type": detailType, region } = envelope.data;
  const where = region !== undefined ? { region } : {};
  if (source === SCHEDULE_SOURCE && detailType === SCHEDULE_DETAIL_TYPE)
    return { status: "schedule", ...where };
  if (source !== ALARM_SOURCE || detailType !== ALARM_DETAIL_TYPE) {
    return {
      status: "ignored",
      reason: `not a ${ALARM_DETAIL_TYPE} from ${ALARM_SOURCE} nor a ${SCHEDULE_DETAIL_TYPE} (source=${source}, detail-type=${detailType})`,
    };
  }
  const alarm = AlarmEvent.safeParse(event);
  if (!alarm.success) return rejected(`malformed ${ALARM_DETAIL_TYPE} event`, alarm.error.issues);
  const { detail, resources, account } = alarm.data;
  const arnName = (resources[0] ?? "").split(":alarm:")[1];
  if (arnName !== detail.alarmName) {
    const problem = `event.resources.0: names alarm ${arnName}, but event.detail.alarmName is ${detail.alarmName}`;
    return {
      status: "rejected",
      reason: `malformed ${ALARM_DETAIL_TYPE} event: ${problem}`,
      problems: [problem],
    };
  }
  return {
    status: "alarm",
    change: {
      alarmName: detail.alarmName,
      state: detail.state.value,
      stateTimestamp: new Date(detail.state.timestamp),
      alarmArn: resources[0] ?? "",
      account,
      ...where,
    },
    ...where,
  };
}

function rejected(what: string, issues: readonly z.core.$ZodIssue[]): Parsed {
  const problems = describeIssues(issues);
  return { status: "rejected", reason: `${what}: ${problems.join("; ")}`, problems };
}

const logger = createLogger({ function: "breaker" });

export const handler = createBreakerHandler({
  aws: containerAws,
  logger,
  ...(process.env[HINTS_QUEUE_VARIABLE] ? { hintsQueueUrl: process.env[HINTS_QUEUE_VARIABLE] } : {}),
  policy: once(() => {
    try {
      return configFromEnvironment().breaker;
    } catch (error) {
      logger.error(`invalid configuration: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }),
});
