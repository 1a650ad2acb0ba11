/**
 * Redrive of an SQS queue's DLQ with a message move task (StartMessageMoveTask): SQS moves the messages
 * itself, back to each message's own source queue or to one chosen queue of the same type, at up to 500
 * messages a second. One active task per queue: a second start is refused while one runs. Moved
 * messages are new messages (new ids, retention restarts); a cancel stops the task but does not undo
 * what moved.
 */
import {
  CancelMessageMoveTaskCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type ListMessageMoveTasksResultEntry,
} from "@aws-sdk/client-sqs";
import type { Aws } from "../aws/clients.js";
import { errorCode, errorMessage, isNotFound } from "../aws/errors.js";
import { indexInventory, type InventoryIndex } from "../inventory/query.js";
import type { Inventory, SqsQueue } from "../inventory/types.js";
import { DlqError } from "./errors.js";
import { gone, queueCounts } from "./live.js";
import { plural } from "../plural.js";
import { wholeNumber } from "./options.js";
import { chooseRedrive, describeSources, findQueue, queueRef, resolveDestination } from "./route.js";
import type { CancelledRedrive, MoveTaskInfo, QueueRef, RedriveStatus, StartedRedrive } from "./types.js";

/** StartMessageMoveTask's MaxNumberOfMessagesPerSecond: 1 to 500. */
export const MAX_MOVE_RATE = 500;

export interface StartRedriveOptions {
  /** A queue (name, URL or ARN) of the same type instead of each message's own source. */
  readonly destination?: string;
  /** 1 to 500 messages a second; absent: SQS's system-optimized rate. */
  readonly ratePerSecond?: number;
}

function indexOf(inventory: Inventory | InventoryIndex): InventoryIndex {
  return "inventory" in inventory ? inventory : indexInventory(inventory);
}

const ACTIVE = new Set(["RUNNING", "CANCELLING"]);

export async function startRedrive(
  aws: Aws,
  inventory: Inventory | InventoryIndex,
  queueName: string,
  options: StartRedriveOptions = {},
): Promise<StartedRedrive> {
  const index = indexOf(inventory);
  const rate = wholeNumber(options.ratePerSecond, "ratePerSecond", 1, MAX_MOVE_RATE);
  const queue = findQueue(index, queueName);
  chooseRedrive(index, queue, { via: "move-task" });
  const destination =
    options.destination === undefined ? undefined : resolveDestination(index, queue, options.destination);
  const ref = queueRef(queue);

  const active = (await listTasks(aws, ref, 10)).find((t) => ACTIVE.has(t.status));
  if (active) throw taskRunning(queue, active);
  const counts = await queueCounts(aws, ref);
  if (counts.visible === 0) {
    throw new DlqError(
      "empty",
      `${queue.name} holds no visible message${counts.inFlight > 0 ? ` (${counts.inFlight} in flight)` : ""}: nothing to move`,
    );
  }

  let handle: string | undefined;
  try {
    const out = await aws.client(SQSClient).send(
      new StartMessageMoveTaskCommand({
        SourceArn: queue.arn,
        ...(destination ? { DestinationArn: destination.arn } : {}),
        ...(rate !== undefined ? { MaxNumberOfMessagesPerSecond: rate } : {}),
      }),
    );
    handle = out.TaskHandle;
  } catch (error) {
    throw startError(error, queue);
  }
  if (!handle) throw new Error(`StartMessageMoveTask for ${queue.name} returned no task handle`);
  const to = destination ? `queue ${destination.name}` : "each message's own source queue";
  return {
    queue: ref,
    method: "move-task",
    taskHandle: handle,
    ...(destination ? { destination: queueRef(destination) } : {}),
    ...(rate !== undefined ? { maxPerSecond: rate } : {}),
    approximateToMove: counts.visible,
    sentence:
      `started a message move task for ${queue.name}: about ${plural(counts.visible, "message")} to ${to}` +
      `${rate !== undefined ? ` at up to ${rate}/s` : ""}; follow it with status, stop it with cancel`,
  };
}

/** The most recent move tasks of the queue (at most 10, newest first) and its depth now. */
export async function redriveStatus(
  aws: Aws,
  inventory: Inventory | InventoryIndex,
  queueName: string,
): Promise<RedriveStatus> {
  const index = indexOf(inventory);
  const queue = findQueue(index, queueName);
  const ref = queueRef(queue);
  const sources = describeSources(index, queue.arn);
  if (sources.length === 0) chooseRedrive(index, queue); // throws not-a-dlq naming the queue
  const counts = await queueCounts(aws, ref);
  const movable = sources.some((s) => s.method === "move-task");
  if (!movable) {
    const reinvoke = sources.some((s) => s.method === "reinvoke");
    return {
      queue: ref,
      method: reinvoke ? "reinvoke" : "none",
      tasks: [],
      count: counts.visible,
      inFlight: counts.inFlight,
      sentence:
        `${queue.name} holds ${plural(counts.visible, "message")}; it is no SQS queue's DLQ, so it has no ` +
        `message move tasks${reinvoke ? " (it is redriven by re-invoking its function, which runs to completion in one call)" : ""}`,
    };
  }
  const tasks = await listTasks(aws, ref, 10);
  const running = tasks.find((t) => ACTIVE.has(t.status));
  const latest = tasks[0];
  return {
    queue: ref,
    method: "move-task",
    tasks,
    ...(running ? { running } : {}),
    count: counts.visible,
    inFlight: counts.inFlight,
    sentence: `${queue.name} holds ${plural(counts.visible, "message")}; ${
      latest ? `latest move task: ${latest.sentence}` : "no message move task has run for it"
    }`,
  };
}

/** Cancels the running move task of the queue; what already moved stays moved. */
export async function cancelRedrive(
  aws: Aws,
  inventory: Inventory | InventoryIndex,
  queueName: string,
): Promise<CancelledRedrive> {
  const index = indexOf(inventory);
  const queue = findQueue(index, queueName);
  chooseRedrive(index, queue, { via: "move-task" });
  const ref = queueRef(queue);
  const tasks = await listTasks(aws, ref, 10);
  const running = tasks.find((t) => t.status === "RUNNING" && t.taskHandle);
  if (!running) {
    const latest = tasks[0];
    throw new DlqError(
      "no-running-task",
      `no message move task is running for ${queue.name}` +
        (latest ? `: the latest is ${latest.status} (${latest.sentence})` : ": none has run for it") +
        "; only a RUNNING task can be cancelled",
    );
  }
  let moved: number;
  try {
    const out = await aws
      .client(SQSClient)
      .send(new CancelMessageMoveTaskCommand({ TaskHandle: running.taskHandle }));
    moved = out.ApproximateNumberOfMessagesMoved ?? running.moved;
  } catch (error) {
    // The task may have finished between the list and the cancel.
    if (
      isNotFound(error) ||
      /RUNNING|not running|UnsupportedOperation/i.test(`${errorCode(error)} ${errorMessage(error)}`)
    ) {
      throw new DlqError(
        "no-running-task",
        `the move task of ${queue.name} stopped before it could be cancelled (${errorMessage(error)}): see status`,
      );
    }
    throw error;
  }
  return {
    queue: ref,
    taskHandle: running.taskHandle!,
    movedBeforeCancel: moved,
    sentence:
      `cancelling the move task of ${queue.name}: ${plural(moved, "message")} had moved and stay where they went; ` +
      `the rest stay in ${queue.name}`,
  };
}

async function listTasks(aws: Aws, queue: QueueRef, max: number): Promise<MoveTaskInfo[]> {
  try {
    const out = await aws
      .client(SQSClient)
      .send(new ListMessageMoveTasksCommand({ SourceArn: queue.arn, MaxResults: max }));
    return (out.Results ?? []).map((entry) => taskInfo(entry, queue));
  } catch (error) {
    throw gone(error, queue);
  }
}

function taskInfo(entry: ListMessageMoveTasksResultEntry, queue: QueueRef): MoveTaskInfo {
  const status = entry.Status ?? "UNKNOWN";
  const moved = entry.ApproximateNumberOfMessagesMoved ?? 0;
  const toMove = entry.ApproximateNumberOfMessagesToMove;
  const started =
    entry.StartedTimestamp === undefined ? undefined : new Date(entry.StartedTimestamp).toISOString();
  const destination = entry.DestinationArn
    ? (entry.DestinationArn.split(":").at(-1) ?? entry.DestinationArn)
    : undefined;
  const progress = `${moved}${toMove !== undefined ? ` of ${toMove}` : ""} moved`;
  return {
    status,
    ...(entry.TaskHandle ? { taskHandle: entry.TaskHandle } : {}),
    sourceArn: entry.SourceArn ?? queue.arn,
    ...(entry.DestinationArn ? { destinationArn: entry.DestinationArn } : {}),
    ...(entry.MaxNumberOfMessagesPerSecond !== undefined
      ? { maxPerSecond: entry.MaxNumberOfMessagesPerSecond }
      : {}),
    moved,
    ...(toMove !== undefined ? { toMove } : {}),
    ...(started ? { startedAt: started } : {}),
    ...(entry.FailureReason ? { failureReason: entry.FailureReason } : {}),
    sentence:
      `${status}, ${progress}${destination ? ` to ${destination}` : " to their sources"}` +
      `${started ? `, started ${started}` : ""}${entry.FailureReason ? `: ${entry.FailureReason}` : ""}`,
  };
}

function taskRunning(queue: SqsQueue, task: MoveTaskInfo): DlqError {
  return new DlqError(
    "task-running",
    `a message move task is already ${task.status} for ${queue.name} (${task.sentence}): SQS allows one ` +
      `active task per queue; wait for it, or cancel it first`,
  );
}

/** StartMessageMoveTask's refusals, as the errors the inventory alone could not foresee. */
function startError(error: unknown, queue: SqsQueue): unknown {
  const message = errorMessage(error);
  if (isNotFound(error)) {
    return new DlqError("not-found", `StartMessageMoveTask: a queue of the task does not exist (${message})`);
  }
  if (/already a task running|one active task/i.test(message)) {
    return new DlqError(
      "task-running",
      `a message move task is already running for ${queue.name}: SQS allows one active task per queue (${message})`,
    );
  }
  if (/Dead Letter Queue|DLQ/i.test(message)) {
    return new DlqError(
      "not-a-dlq",
      `SQS refused the move task: ${queue.name} is no SQS queue's DLQ any more (${message}); read the inventory again`,
    );
  }
  return error;
}
