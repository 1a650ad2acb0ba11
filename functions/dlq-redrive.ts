/**
 * Lambda: DLQ redrive actions for runbooks and Slack, and the scheduled opt-in auto-redrive.
 *
 * Events (JSON, validated; a bad one gets an answer naming the field, never a half-done action):
 *   { "action": "preview", "queue": "<name | URL | ARN>", "sample"?: 0-10, "via"?, "function"?, "qualifier"?, "destination"? }
 *   { "action": "redrive", "queue": "...", "dryRun"?: boolean, "via"?: "move-task" | "reinvoke",
 *     "function"?: "<name | ARN>", "destination"?: "<queue>", "ratePerSecond"?: 1-500 (move task) / 1-10 (re-invoke),
 *     "maxMessages"?: 1-10000, "batchSize"?: 1-10, "qualifier"?: "<version | alias>" }
 *   { "action": "status", "queue": "..." }
 *   { "action": "cancel", "queue": "..." }
 *   { "action": "auto-redrive", "dryRun"?: boolean, "maxPerDay"?: 1-100 }
 *   an EventBridge "Scheduled Event" (no input) is taken as { "action": "auto-redrive" }.
 *
 * Answers { ok: true, action, sentence, result } or { ok: false, error: { code, message } } for refusals
 * (bad input, a queue that is no DLQ, a task already running, ...): those are answers, not failures, so an
 * asynchronous caller does not retry them. AWS errors are thrown (logged first). Each call reads a fresh
 * inventory of queues, functions, rules and topics, so a decision never rests on an old snapshot.
 *
 * Configuration (environment): AWS_REGION (set by Lambda); AUTO_REDRIVE_MAX_PER_DAY optional (default 3);
 * WATCHKEEPER_ALARM_PREFIX optional (default "watchkeeper-"), for the error alarms auto-redrive waits on.
 */
import { z } from "zod";
import { Aws } from "../lib/aws/clients.js";
import type { Clock } from "../lib/aws/clock.js";
import { describeAwsError } from "../lib/aws/errors.js";
import {
  DEFAULT_MAX_PER_DAY,
  DLQ_INVENTORY_KINDS,
  DlqError,
  autoRedriveAlarmNames,
  autoRedrivePlan,
  cancelRedrive,
  previewRedrive,
  readAlarmStates,
  redrive,
  redriveHistory,
  redriveStatus,
  runAutoRedrive,
  type AutoRedriveOutcome,
  type AutoRedrivePlan,
} from "../lib/dlq/index.js";
import { discoverInventory, type Inventory } from "../lib/inventory/index.js";
import { createLogger, type Logger } from "../lib/log.js";

const ACTIONS = ["preview", "redrive", "status", "cancel", "auto-redrive"] as const;
export type DlqAction = (typeof ACTIONS)[number];

const queue = z
  .string({ error: "give the queue's name, URL or ARN" })
  .trim()
  .min(1, "give the queue's name, URL or ARN")
  .max(1024, "at most 1,024 characters");
const via = z.enum(["move-task", "reinvoke"], { error: 'use "move-task" or "reinvoke"' });
const whole = (min: number, max: number) =>
  z
    .number({ error: `a whole number from ${min} to ${max}` })
    .int(`a whole number from ${min} to ${max}`)
    .min(min, `a whole number from ${min} to ${max}`)
    .max(max, `a whole number from ${min} to ${max}`);
const name = (what: string) =>
  z.string({ error: what }).trim().min(1, what).max(256, "at most 256 characters");

const Action = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("preview"),
    queue,
    sample: whole(0, 10).optional(),
    via: via.optional(),
    function: name("a function name or ARN").optional(),
    qualifier: name("a version or alias").optional(),
    destination: name("a queue name, URL or ARN").optional(),
  }),
  z.strictObject({
    action: z.literal("redrive"),
    queue,
    dryRun: z.boolean({ error: "true or false" }).optional(),
    via: via.optional(),
    function: name("a function name or ARN").optional(),
    destination: name("a queue name, URL or ARN").optional(),
    ratePerSecond: whole(1, 500).optional(),
    maxMessages: whole(1, 10_000).optional(),
    batchSize: whole(1, 10).optional(),
    qualifier: name("a version or alias").optional(),
  }),
  z.strictObject({ action: z.literal("status"), queue }),
  z.strictObject({ action: z.literal("cancel"), queue }),
  z.strictObject({
    action: z.literal("auto-redrive"),
    dryRun: z.boolean({ error: "true or false" }).optional(),
    maxPerDay: whole(1, 100).optional(),
  }),
]);

export type DlqRequest = z.infer<typeof Action>;

export type DlqResponse =
  | { readonly ok: true; readonly action: DlqAction; readonly sentence: string; readonly result: unknown }
  | {
      readonly ok: false;
      readonly action?: DlqAction;
      readonly error: { readonly code: string; readonly message: string };
    };

/** Checks an event; a refusal names each bad field. */
export function parseDlqRequest(
  event: unknown,
): { ok: true; request: DlqRequest } | { ok: false; message: string } {
  if (isScheduledEvent(event)) return { ok: true, request: { action: "auto-redrive" } };
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    return {
      ok: false,
      message: `event: expected a JSON object with "action", one of ${ACTIONS.join(", ")}`,
    };
  }
  const action = (event as { action?: unknown }).action;
  if (typeof action !== "string" || !(ACTIONS as readonly string[]).includes(action)) {
    return {
      ok: false,
      message: `event.action: ${action === undefined ? "missing" : `${JSON.stringify(action)} is not an action`}; use one of ${ACTIONS.join(", ")}`,
    };
  }
  const parsed = Action.safeParse(event);
  if (parsed.success) return { ok: true, request: parsed.data };
  const problems = parsed.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return `event: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")} for action ${action}`;
    }
    return `${["event", ...issue.path.map(String)].join(".")}: ${issue.message}`;
  });
  return { ok: false, message: problems.join("; ") };
}

function isScheduledEvent(event: unknown): boolean {
  return (
    typeof event === "object" &&
    event !== null &&
    (event as Record<string, unknown>).source === "aws.events" &&
    (event as Record<string, unknown>)["detail-type"] === "Scheduled Event"
  );
}

export interface DlqHandlerDependencies {
  readonly aws: () => Aws;
  readonly logger: Logger;
  /** Reads the inventory DLQ redrive needs (default: discovery of queues, functions, rules and topics). */
  readonly inventory?: (aws: Aws) => Promise<Inventory>;
  readonly clock?: Clock;
  /** Auto-redrive settings, read on first use (see configFromEnvironment). */
  readonly config?: () => AutoRedriveConfig;
}

export interface AutoRedriveConfig {
  readonly maxPerDay?: number;
  readonly alarmPrefix?: string;
}

/** The part of the Lambda context the handler uses. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/** Time kept back from the invocation's limit to finish, release messages and answer. */
const SAFETY_MS = 20_000;

export function createDlqHandler(deps: DlqHandlerDependencies) {
  const readInventory =
    deps.inventory ?? ((aws: Aws) => discoverInventory(aws, { kinds: [...DLQ_INVENTORY_KINDS] }));
  return async function handle(event: unknown, context?: InvocationContext): Promise<DlqResponse> {
    const log = deps.logger;
    const parsed = parseDlqRequest(event);
    if (!parsed.ok) {
      log.error(`rejected: ${parsed.message}`);
      return { ok: false, error: { code: "invalid-input", message: parsed.message } };
    }
    const request = parsed.request;
    const aws = deps.aws();
    const clock = deps.clock ?? aws.pacer.clock;
    const remaining = context?.getRemainingTimeInMillis();
    const deadline = remaining === undefined ? undefined : clock.now() + Math.max(0, remaining - SAFETY_MS);
    try {
      const inventory = await readInventory(aws);
      const answer = await act(aws, inventory, request, deadline);
      log.info(
        { action: request.action, ...("queue" in request ? { queue: request.queue } : {}) },
        answer.sentence,
      );
      return { ok: true, action: request.action, sentence: answer.sentence, result: answer.result };
    } catch (error) {
      if (error instanceof DlqError) {
        log.warn({ action: request.action, code: error.code }, `refused: ${error.message}`);
        return { ok: false, action: request.action, error: { code: error.code, message: error.message } };
      }
      log.error({ action: request.action, error: describeAwsError(error) }, `${request.action} failed`);
      throw error;
    }
  };

  async function act(
    aws: Aws,
    inventory: Inventory,
    request: DlqRequest,
    deadline: number | undefined,
  ): Promise<{ sentence: string; result: unknown }> {
    switch (request.action) {
      case "preview": {
        const preview = await previewRedrive(aws, inventory, request.queue, {
          ...(request.sample !== undefined ? { sample: request.sample } : {}),
          ...(request.via !== undefined ? { via: request.via } : {}),
          ...(request.function !== undefined ? { functionName: request.function } : {}),
          ...(request.qualifier !== undefined ? { qualifier: request.qualifier } : {}),
          ...(request.destination !== undefined ? { destination: request.destination } : {}),
        });
        return { sentence: preview.sentence, result: preview };
      }
      case "redrive": {
        const result = await redrive(aws, inventory, request.queue, {
          ...(request.dryRun !== undefined ? { dryRun: request.dryRun } : {}),
          ...(request.via !== undefined ? { via: request.via } : {}),
          ...(request.function !== undefined ? { functionName: request.function } : {}),
          ...(request.destination !== undefined ? { destination: request.destination } : {}),
          ...(request.ratePerSecond !== undefined ? { ratePerSecond: request.ratePerSecond } : {}),
          ...(request.maxMessages !== undefined ? { maxMessages: request.maxMessages } : {}),
          ...(request.batchSize !== undefined ? { batchSize: request.batchSize } : {}),
          ...(request.qualifier !== undefined ? { qualifier: request.qualifier } : {}),
          ...(deadline !== undefined ? { deadline } : {}),
        });
        return { sentence: result.sentence, result };
      }
      case "status": {
        const status = await redriveStatus(aws, inventory, request.queue);
        return { sentence: status.sentence, result: status };
      }
      case "cancel": {
        const cancelled = await cancelRedrive(aws, inventory, request.queue);
        return { sentence: cancelled.sentence, result: cancelled };
      }
      case "auto-redrive":
        return autoRedrive(aws, inventory, request, deadline);
    }
  }

  async function autoRedrive(
    aws: Aws,
    inventory: Inventory,
    request: Extract<DlqRequest, { action: "auto-redrive" }>,
    deadline: number | undefined,
  ): Promise<{ sentence: string; result: { plan: AutoRedrivePlan; outcomes: AutoRedriveOutcome[] } }> {
    const config = deps.config?.() ?? {};
    const options = {
      maxPerDay: request.maxPerDay ?? config.maxPerDay ?? DEFAULT_MAX_PER_DAY,
      ...(config.alarmPrefix !== undefined ? { alarmPrefix: config.alarmPrefix } : {}),
    };
    const states = await readAlarmStates(aws, autoRedriveAlarmNames(inventory, options));
    const plan = autoRedrivePlan(
      inventory,
      states,
      redriveHistory(inventory),
      aws.pacer.clock.now(),
      options,
    );
    for (const warning of plan.warnings) deps.logger.warn(warning);
    for (const decision of plan.decisions)
      deps.logger.info({ queue: decision.queue.name, action: decision.action }, decision.sentence);
    if (request.dryRun) return { sentence: `dry run: ${plan.sentence}`, result: { plan, outcomes: [] } };
    const outcomes = await runAutoRedrive(aws, inventory, plan, {
      maxPerDay: options.maxPerDay,
      ...(deadline !== undefined ? { deadline } : {}),
    });
    for (const outcome of outcomes) {
      const level = outcome.status === "failed" ? "error" : "info";
      deps.logger[level]({ queue: outcome.queue.name, status: outcome.status }, outcome.sentence);
    }
    const done = outcomes.filter((o) => o.status === "started" || o.status === "redriven").length;
    return {
      sentence: `${plan.sentence}; ${done} redrive${done === 1 ? "" : "s"} started or run, ${
        outcomes.length - done
      } not`,
      result: { plan, outcomes },
    };
  }
}

/** Configuration from the environment; throws an Error naming the bad setting. */
export function configFromEnvironment(env: NodeJS.ProcessEnv): AutoRedriveConfig {
  const config: { maxPerDay?: number; alarmPrefix?: string } = {};
  const max = env.AUTO_REDRIVE_MAX_PER_DAY?.trim();
  if (max) {
    const n = Number(max);
    if (!Number.isInteger(n) || n < 1 || n > 100) {
      throw new Error(`AUTO_REDRIVE_MAX_PER_DAY "${max}" is not valid: use a whole number from 1 to 100`);
    }
    config.maxPerDay = n;
  }
  const prefix = env.WATCHKEEPER_ALARM_PREFIX?.trim();
  if (prefix) config.alarmPrefix = prefix;
  return config;
}

// Made once per container and reused by warm invocations.
let aws: Aws | undefined;
let config: AutoRedriveConfig | undefined;
const logger = createLogger({ function: "dlq-redrive" });

export const handler = createDlqHandler({
  aws: () => (aws ??= new Aws({ region: process.env.AWS_REGION ?? "" })),
  logger,
  config: () => {
    try {
      return (config ??= configFromEnvironment(process.env));
    } catch (error) {
      logger.error(`invalid configuration: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  },
});
