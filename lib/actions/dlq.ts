/**
 * DLQ actions over lib/dlq: list, show (preview), redrive, status, cancel, and the scheduled opt-in
 * auto-redrive. Each reads a fresh inventory of queues and of what sends failures to them (functions,
 * rules, topics), so a decision never rests on an old snapshot. lib/dlq's refusals (`DlqError`) are
 * answers, not failures: they come back as `refused` with the library's sentence.
 */
import type { Aws } from "../aws/clients.js";
import {
  DLQ_INVENTORY_KINDS,
  DlqError,
  autoRedriveAlarmNames,
  autoRedrivePlan,
  cancelRedrive,
  listDlqs,
  previewRedrive,
  readAlarmStates,
  redrive,
  redriveHistory,
  redriveStatus,
  runAutoRedrive,
} from "../dlq/index.js";
import { discoverInventory } from "../inventory/discover.js";
import { describeFailure, describeGaps, readGaps } from "../inventory/gaps.js";
import type { Inventory } from "../inventory/types.js";
import type { ActionOf } from "./schema.js";
import type { ActionAnswer, ActionContext } from "./types.js";

/** The inventory DLQ actions decide on: queues and everything that can send failures to one. */
export function readDlqInventory(aws: Aws): Promise<Inventory> {
  return discoverInventory(aws, { kinds: [...DLQ_INVENTORY_KINDS] });
}

/**
 * The inventory a redrive decides on: every queue and everything that can send failures to one must
 * have been read, or a source could be missed and messages sent where they do not belong.
 */
async function readSettledDlqInventory(aws: Aws): Promise<Inventory> {
  const inventory = await readDlqInventory(aws);
  const failure = readGaps(inventory).whole("sqs-queue");
  if (failure) {
    throw new DlqError(
      "unseen",
      `not redriving: the queues' sources could not all be read (${describeFailure(failure)}); try again when the read succeeds`,
    );
  }
  return inventory;
}

/** lib/dlq names options as its API does; the action's fields are named otherwise. */
const FIELD_NAMES: readonly (readonly [RegExp, string])[] = [
  [/^ratePerSecond\b/, "rate"],
  [/^maxMessages\b/, "maxMessages"],
];

async function answering(run: () => Promise<ActionAnswer>): Promise<ActionAnswer> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof DlqError)) throw error;
    let message = error.message;
    for (const [pattern, name] of FIELD_NAMES) message = message.replace(pattern, name);
    return { outcome: "refused", text: message, details: { code: error.code } };
  }
}

export function dlqList(aws: Aws): Promise<ActionAnswer> {
  return answering(async () => {
    const inventory = await readDlqInventory(aws);
    const rows = listDlqs(inventory);
    const withMessages = rows.filter((row) => row.depth > 0).length;
    // An empty list from a read that failed is not "no DLQ": say what could not be read, first.
    const unread = describeGaps(inventory.warnings);
    const partial =
      unread.length > 0
        ? ["could not read everything; the list may be incomplete:", ...unread.map((line) => `  ! ${line}`)]
        : [];
    return {
      outcome: "done",
      text: [
        ...partial,
        ...(rows.length === 0
          ? ["no dead-letter queue found in this account and region"]
          : [
              `${rows.length} dead-letter queue${rows.length === 1 ? "" : "s"}, ${withMessages} holding messages:`,
              ...rows.map((row) => `  ${row.sentence}`),
            ]),
      ].join("\n"),
      details: { dlqs: rows, unread },
      ...(unread.length > 0 ? { partial: true } : {}),
    };
  });
}

export function dlqShow(aws: Aws, action: ActionOf<"dlq-show">): Promise<ActionAnswer> {
  return answering(async () => {
    const preview = await previewRedrive(aws, await readDlqInventory(aws), action.queue, {
      ...(action.sample !== undefined ? { sample: action.sample } : {}),
      ...(action.via !== undefined ? { via: action.via } : {}),
      ...(action.function !== undefined ? { functionName: action.function } : {}),
    });
    return { outcome: "done", text: preview.sentence, details: preview };
  });
}

export function dlqRedrive(
  aws: Aws,
  action: ActionOf<"dlq-redrive">,
  ctx: ActionContext,
): Promise<ActionAnswer> {
  return answering(async () => {
    const result = await redrive(aws, await readSettledDlqInventory(aws), action.queue, {
      dryRun: ctx.dryRun,
      ...(action.via !== undefined ? { via: action.via } : {}),
      ...(action.function !== undefined ? { functionName: action.function } : {}),
      ...(action.destination !== undefined ? { destination: action.destination } : {}),
      ...(action.rate !== undefined ? { ratePerSecond: action.rate } : {}),
      ...(action.maxMessages !== undefined ? { maxMessages: action.maxMessages } : {}),
      ...(action.qualifier !== undefined ? { qualifier: action.qualifier } : {}),
      ...(ctx.deadline !== undefined ? { deadline: ctx.deadline } : {}),
    });
    if (result.kind === "dry-run") return { outcome: "dry-run", text: result.sentence, details: result };
    // A re-invoke that stopped on a failed invoke or delete did part of the job: said, and not ok.
    const failed =
      result.kind === "reinvoke" &&
      (result.report.stopped === "invoke-failed" || result.report.stopped === "delete-failed");
    return { outcome: failed ? "failed" : "done", text: result.sentence, details: result };
  });
}

export function dlqStatus(aws: Aws, action: ActionOf<"dlq-status">): Promise<ActionAnswer> {
  return answering(async () => {
    const status = await redriveStatus(aws, await readDlqInventory(aws), action.queue);
    return { outcome: "done", text: status.sentence, details: status };
  });
}

export function dlqCancel(
  aws: Aws,
  action: ActionOf<"dlq-cancel">,
  ctx: ActionContext,
): Promise<ActionAnswer> {
  return answering(async () => {
    const inventory = await readDlqInventory(aws);
    if (ctx.dryRun) {
      const status = await redriveStatus(aws, inventory, action.queue);
      const running = status.running;
      if (!running || running.status !== "RUNNING")
        return {
          outcome: "refused",
          text: `no message move task is running for ${status.queue.name}; only a RUNNING task can be cancelled`,
          details: status,
        };
      return {
        outcome: "dry-run",
        text: `would cancel the move task of ${status.queue.name}: ${running.sentence}; what moved stays moved`,
        details: status,
      };
    }
    const cancelled = await cancelRedrive(aws, inventory, action.queue);
    return { outcome: "done", text: cancelled.sentence, details: cancelled };
  });
}

/** The opt-in automatic redrive (a schedule runs it): queues tagged `watchkeeper:auto-redrive`. */
export function dlqAutoRedrive(
  aws: Aws,
  action: ActionOf<"dlq-auto-redrive">,
  ctx: ActionContext,
): Promise<ActionAnswer> {
  return answering(async () => {
    const inventory = await readSettledDlqInventory(aws);
    const options = {
      maxPerDay: action.maxPerDay ?? ctx.config.redrive.maxPerDay,
      alarmPrefix: ctx.config.prefix,
    };
    const states = await readAlarmStates(aws, autoRedriveAlarmNames(inventory, options));
    const plan = autoRedrivePlan(inventory, states, redriveHistory(inventory), ctx.now, options);
    for (const warning of plan.warnings) ctx.logger.warn(warning);
    if (ctx.dryRun)
      return { outcome: "dry-run", text: `dry run: ${plan.sentence}`, details: { plan, outcomes: [] } };
    const outcomes = await runAutoRedrive(aws, inventory, plan, {
      maxPerDay: options.maxPerDay,
      ...(ctx.deadline !== undefined ? { deadline: ctx.deadline } : {}),
    });
    for (const outcome of outcomes) {
      const level = outcome.status === "failed" ? "error" : "info";
      ctx.logger[level]({ queue: outcome.queue.name, status: outcome.status }, outcome.sentence);
    }
    const done = outcomes.filter((o) => o.status === "started" || o.status === "redriven").length;
    const failed = outcomes.filter((o) => o.status === "failed").length;
    return {
      outcome: failed > 0 ? "failed" : "done",
      text: `${plan.sentence}; ${done} redrive${done === 1 ? "" : "s"} started or run, ${outcomes.length - done} not`,
      details: { plan, outcomes },
      ...(outcomes.every((o) => o.status === "skipped") ? { acted: false } : {}),
    };
  });
}
