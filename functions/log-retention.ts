/**
 * Lambda: sets the retention of a newly created log group within seconds of its creation.
 * Trigger: EventBridge rule on source=aws.logs, detail-type="AWS API Call via CloudTrail",
 * detail.eventName=CreateLogGroup. The event is only a hint: the group's real state (retention,
 * tags, owning function) is read again and the same pure plan as the scheduled sweep decides.
 *
 * An event of another account or region is ignored with a log line naming both: the function's own
 * come from its invoked ARN (Lambda's context), which the event cannot shape. A bus that accepts other
 * accounts' events would otherwise have this account's role act on their names.
 *
 * Events that are not a successful CreateLogGroup are ignored with a log line. Malformed events are
 * logged as errors and dropped, not thrown: EventBridge would retry them and they never get better.
 * AWS errors are thrown, so Lambda's async retries try again (the sweep catches anything left).
 *
 * Configuration: the `retention` block of the deployment's config (WATCHKEEPER_CONFIG, see
 * functions/runtime.ts), validated on first use; an invalid value fails every invocation with an error
 * naming the field. AWS_REGION is set by Lambda.
 */
import { z } from "zod";
import { applyOperations } from "../lib/apply/apply.js";
import type { Aws } from "../lib/aws/clients.js";
import { systemClock, type Clock } from "../lib/aws/clock.js";
import { describeAwsError } from "../lib/aws/errors.js";
import { createLogger, type Logger } from "../lib/log.js";
import { retentionOperations } from "../lib/logs/apply.js";
import { observeLogGroup } from "../lib/logs/observe.js";
import { planGroupRetention } from "../lib/logs/plan.js";
import type { RetentionPolicy } from "../lib/logs/policy.js";
import { describeRetention } from "../lib/logs/retention.js";
import {
  configFromEnvironment,
  containerAws,
  once,
  placeOfInvocation,
  type FunctionPlace,
  type InvocationContext,
} from "./runtime.js";

const SOURCE = "aws.logs";
const DETAIL_TYPE = "AWS API Call via CloudTrail";
const EVENT_NAME = "CreateLogGroup";

/** CloudWatch Logs' own constraint on log group names (CreateLogGroup API reference). */
const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;

const Envelope = z.object({
  source: z.string(),
  "detail-type": z.string(),
  account: z.string().optional(),
  region: z.string().optional(),
  detail: z.record(z.string(), z.unknown()),
});

const CloudTrailDetail = z.object({
  eventName: z.string(),
  awsRegion: z.string().optional(),
  recipientAccountId: z.string().optional(),
  errorCode: z.string().nullish(),
  errorMessage: z.string().nullish(),
});

const CreateLogGroupDetail = z.object({
  requestParameters: z.object({
    logGroupName: z
      .string()
      .regex(LOG_GROUP_NAME, "expected a log group name (1-512 of A-Za-z0-9 . - _ / #)"),
  }),
});

export type RetentionEventStatus = "applied" | "unchanged" | "ignored" | "rejected";

export interface RetentionEventResult {
  readonly status: RetentionEventStatus;
  readonly logGroup?: string;
  readonly reason: string;
}

export interface RetentionHandlerDependencies {
  readonly aws: () => Aws;
  readonly logger: Logger;
  readonly policy: () => RetentionPolicy;
  readonly clock?: Clock;
}

export function createRetentionHandler(deps: RetentionHandlerDependencies) {
  const clock = deps.clock ?? systemClock;
  return async function handle(event: unknown, context?: InvocationContext): Promise<RetentionEventResult> {
    const log = deps.logger;
    const parsed = parseCreateLogGroup(event);
    if (parsed.status === "rejected") {
      log.error({ problems: parsed.problems }, `rejected: ${parsed.reason}`);
      return { status: "rejected", reason: parsed.reason };
    }
    if (parsed.status === "ignored") {
      log.info(`ignored: ${parsed.reason}`);
      return { status: "ignored", reason: parsed.reason };
    }

    const { logGroup } = parsed;
    const aws = deps.aws();
    const elsewhere = notHere(parsed, placeOfInvocation(context), aws.region);
    if (elsewhere !== undefined) {
      log.info({ logGroup }, `ignored: ${elsewhere}`);
      return { status: "ignored", logGroup, reason: elsewhere };
    }
    const policy = deps.policy();

    let input;
    try {
      input = await observeLogGroup(aws, logGroup);
    } catch (error) {
      log.error({ logGroup, error: describeAwsError(error) }, `failed to read log group ${logGroup}`);
      throw error;
    }
    if (!input) {
      const reason = `log group ${logGroup} no longer exists`;
      log.info({ logGroup }, `ignored: ${reason}`);
      return { status: "ignored", logGroup, reason };
    }

    const plan = planGroupRetention(input, policy);
    for (const warning of plan.warnings) log.warn({ logGroup }, warning.message);
    const change = plan.changes[0];
    if (!change) throw new Error(`no plan for log group ${logGroup}`);
    if (change.action === "noop") {
      log.info({ logGroup, source: change.source }, `unchanged: ${change.reason}`);
      return { status: "unchanged", logGroup, reason: change.reason };
    }

    const remaining = context?.getRemainingTimeInMillis();
    const report = await applyOperations(retentionOperations(aws, [change]), {
      clock,
      ...(remaining !== undefined ? { deadline: clock.now() + remaining, operationBudgetMs: 1_000 } : {}),
    });
    const outcome = report.outcomes[0];
    if (outcome?.status !== "applied") {
      const why = outcome?.error ?? outcome?.status ?? "not run";
      log.error({ logGroup, outcome: outcome?.status }, `failed to set retention on ${logGroup}: ${why}`);
      throw new Error(`failed to set retention on ${logGroup}: ${why}`);
    }
    const to = change.desired.retentionInDays;
    log.info(
      { logGroup, from: change.actual.retentionInDays ?? "never", to, source: change.source },
      `retention set to ${describeRetention(to)}: ${change.reason}`,
    );
    return { status: "applied", logGroup, reason: change.reason };
  };
}

/** Why an accepted event is not this function's to act on, or undefined when it is. */
function notHere(event: Accepted, own: FunctionPlace | undefined, region: string): string | undefined {
  const { logGroup } = event;
  if (!own)
    return `no invoked function ARN in the Lambda context, so this function's own account is unknown: ${logGroup} left alone`;
  const accounts = [event.account, event.recipientAccountId].filter((a) => a !== undefined);
  const other = accounts.find((account) => account !== own.account);
  if (other !== undefined)
    return `${logGroup} was created in account ${other}; this function serves account ${own.account}`;
  const regions = [event.region, event.eventRegion].filter((r) => r !== undefined);
  const away = regions.find((r) => r !== region || r !== own.region);
  if (away !== undefined) return `${logGroup} was created in ${away}; this function serves ${region}`;
  return undefined;
}

interface Accepted {
  readonly status: "accepted";
  readonly logGroup: string;
  /** The EventBridge envelope's account (required) and region. */
  readonly account: string;
  readonly region?: string;
  /** CloudTrail's own: the account that received the call, and the region it was made in. */
  readonly recipientAccountId?: string;
  readonly eventRegion?: string;
}

type Parsed =
  | Accepted
  | { readonly status: "ignored"; readonly reason: string }
  | { readonly status: "rejected"; readonly reason: string; readonly problems: readonly string[] };

/** Accepts a successful CreateLogGroup CloudTrail event; says why anything else is ignored or malformed. */
export function parseCreateLogGroup(event: unknown): Parsed {
  const envelope = Envelope.safeParse(event);
  if (!envelope.success) return rejected("not an EventBridge event", envelope.error.issues);
  const { source, "detail-type": detailType, detail } = envelope.data;
  if (source !== SOURCE || detailType !== DETAIL_TYPE) {
    return {
      status: "ignored",
      reason: `not a CloudTrail event from ${SOURCE} (source=${source}, detail-type=${detailType})`,
    };
  }
  const trail = CloudTrailDetail.safeParse(detail);
  if (!trail.success) return rejected("malformed CloudTrail event", trail.error.issues, "event.detail");
  if (trail.data.eventName !== EVENT_NAME) {
    return { status: "ignored", reason: `eventName is ${trail.data.eventName}, not ${EVENT_NAME}` };
  }
  if (trail.data.errorCode) {
    const message = trail.data.errorMessage ? `: ${trail.data.errorMessage}` : "";
    return {
      status: "ignored",
      reason: `${EVENT_NAME} failed (${trail.data.errorCode}${message}); nothing was created`,
    };
  }
  const create = CreateLogGroupDetail.safeParse(detail);
  if (!create.success) return rejected(`malformed ${EVENT_NAME} event`, create.error.issues, "event.detail");
  const { account, region } = envelope.data;
  if (account === undefined)
    return {
      status: "rejected",
      reason:
        "event.account: missing; EventBridge sets it on every event, so this one is not from EventBridge",
      problems: ["event.account: missing"],
    };
  const { awsRegion, recipientAccountId } = trail.data;
  return {
    status: "accepted",
    logGroup: create.data.requestParameters.logGroupName,
    account,
    ...(region !== undefined ? { region } : {}),
    ...(recipientAccountId !== undefined ? { recipientAccountId } : {}),
    ...(awsRegion !== undefined ? { eventRegion: awsRegion } : {}),
  };
}

function rejected(what: string, issues: readonly z.core.$ZodIssue[], at = "event"): Parsed {
  const problems = issues.map((issue) => {
    const path = [at, ...issue.path.map(String)].join(".");
    return `${path}: ${issue.message}`;
  });
  return { status: "rejected", reason: `${what}: ${problems.join("; ")}`, problems };
}

const logger = createLogger({ function: "log-retention" });

export const handler = createRetentionHandler({
  aws: containerAws,
  logger,
  policy: once(() => {
    try {
      return configFromEnvironment().retention;
    } catch (error) {
      logger.error(`invalid configuration: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }),
});
