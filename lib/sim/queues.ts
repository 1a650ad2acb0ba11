/**
 * How messages live in simulated SQS queues: delivery and visibility on the virtual clock, FIFO ordering
 * and deduplication, redrive to a dead-letter queue after maxReceiveCount receives, retention, and the
 * message move tasks that redrive a DLQ at a fixed rate as virtual time passes.
 */
import { createHash } from "node:crypto";
import type { SimAccount } from "./account.js";
import type { SimMessage, SimMoveTask, SimQueue } from "./state.js";

/** FIFO deduplication window. */
const DEDUPLICATION_MS = 5 * 60_000;

/** The rate a move task runs at when the caller names none ("system optimized" in AWS). */
export const DEFAULT_MOVE_RATE = 500;

export function md5(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

export interface Delivery {
  readonly body: string;
  readonly delaySeconds?: number;
  readonly groupId?: string;
  readonly deduplicationId?: string;
  /** Keeps the message's identity (a redrive policy moving it to a DLQ keeps id and send time). */
  readonly original?: SimMessage;
  readonly deadLetterSourceArn?: string;
  readonly receiveCount?: number;
  /** Send time (defaults to now). */
  readonly at?: number;
}

/** Adds a message; a FIFO duplicate within five minutes returns the first message instead. */
export function enqueue(sim: SimAccount, queue: SimQueue, delivery: Delivery): SimMessage {
  const now = delivery.at ?? sim.clock.now();
  let deduplicationId: string | undefined;
  let sequenceNumber: string | undefined;
  if (queue.fifo) {
    deduplicationId = delivery.deduplicationId ?? md5(delivery.body);
    // Entries go in in time order, so expired ones are at the front.
    for (const [id, seen] of queue.deduplication) {
      if (now - seen.at <= DEDUPLICATION_MS) break;
      queue.deduplication.delete(id);
    }
    const seen = queue.deduplication.get(deduplicationId);
    const duplicate = seen && queue.messages.find((m) => m.id === seen.messageId);
    if (duplicate) return duplicate;
    queue.sequence += 1;
    sequenceNumber = String(queue.sequence).padStart(20, "0");
  }
  const original = delivery.original;
  const message: SimMessage = {
    id: original?.id ?? sim.random.uuid(),
    body: delivery.body,
    md5: original?.md5 ?? md5(delivery.body),
    sentAt: original?.sentAt ?? now,
    visibleAt: now + (delivery.delaySeconds ?? queue.delaySeconds) * 1000,
    receiveCount: delivery.receiveCount ?? original?.receiveCount ?? 0,
    ...(original?.firstReceivedAt !== undefined ? { firstReceivedAt: original.firstReceivedAt } : {}),
    ...(delivery.groupId !== undefined ? { groupId: delivery.groupId } : {}),
    ...(deduplicationId !== undefined ? { deduplicationId } : {}),
    ...(sequenceNumber !== undefined ? { sequenceNumber } : {}),
    ...(delivery.deadLetterSourceArn !== undefined
      ? { deadLetterSourceArn: delivery.deadLetterSourceArn }
      : {}),
  };
  if (deduplicationId !== undefined)
    queue.deduplication.set(deduplicationId, { messageId: message.id, at: now });
  queue.messages.push(message);
  return message;
}

export interface QueueCounts {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

export function countMessages(queue: SimQueue, now: number): QueueCounts {
  let visible = 0;
  let inFlight = 0;
  let delayed = 0;
  for (const message of queue.messages) {
    if (message.visibleAt <= now) visible++;
    else if (message.receiveCount > 0) inFlight++;
    else delayed++;
  }
  return { visible, inFlight, delayed };
}

/** Drops messages older than the queue's retention period (from their first send, as SQS counts it). */
export function expireMessages(queue: SimQueue, now: number): void {
  const cutoff = now - queue.messageRetentionPeriod * 1000;
  if (queue.messages.some((m) => m.sentAt <= cutoff)) {
    queue.messages = queue.messages.filter((m) => m.sentAt > cutoff);
  }
}

/**
 * Receives up to `max` visible messages, hiding each for `visibilityTimeout` seconds. A message already
 * received maxReceiveCount times goes to the dead-letter queue instead. FIFO: in order, and a group with
 * a message in flight is skipped.
 */
export function receive(
  sim: SimAccount,
  queue: SimQueue,
  max: number,
  visibilityTimeout: number,
): SimMessage[] {
  const now = sim.clock.now();
  expireMessages(queue, now);
  const dlq = queue.redrivePolicy && sim.queueByArn(queue.redrivePolicy.deadLetterTargetArn);
  const blockedGroups = new Set<string>();
  if (queue.fifo) {
    for (const m of queue.messages)
      if (m.visibleAt > now && m.receiveCount > 0 && m.groupId) blockedGroups.add(m.groupId);
  }
  const received: SimMessage[] = [];
  const redriven: SimMessage[] = [];
  for (const message of queue.messages) {
    if (received.length >= max) break;
    if (message.visibleAt > now) continue;
    if (message.groupId !== undefined && blockedGroups.has(message.groupId)) continue;
    if (dlq && queue.redrivePolicy && message.receiveCount >= queue.redrivePolicy.maxReceiveCount) {
      redriven.push(message);
      continue;
    }
    message.receiveCount += 1;
    message.firstReceivedAt ??= now;
    message.visibleAt = now + visibilityTimeout * 1000;
    message.receiptHandle = sim.receiptHandle(queue, message);
    if (message.groupId !== undefined) blockedGroups.add(message.groupId);
    received.push(message);
  }
  if (dlq && redriven.length > 0) {
    const moved = new Set(redriven);
    queue.messages = queue.messages.filter((m) => !moved.has(m));
    for (const message of redriven) {
      enqueue(sim, dlq, {
        body: message.body,
        original: message,
        delaySeconds: 0,
        deadLetterSourceArn: queue.arn,
        ...(message.groupId !== undefined ? { groupId: message.groupId } : {}),
        ...(message.deduplicationId !== undefined ? { deduplicationId: message.deduplicationId } : {}),
      });
    }
  }
  return received;
}

export type DeleteOutcome = "deleted" | "gone" | "stale";

/** SQS deletes only with the latest receipt handle; an older one succeeds without deleting. */
export function deleteByReceipt(queue: SimQueue, messageId: string, receiptHandle: string): DeleteOutcome {
  const index = queue.messages.findIndex((m) => m.id === messageId);
  if (index < 0) return "gone";
  if (queue.messages[index]!.receiptHandle !== receiptHandle) return "stale";
  queue.messages.splice(index, 1);
  return "deleted";
}

/** Brings every message move task up to the current virtual time. */
export function settleMoveTasks(sim: SimAccount): void {
  const now = sim.clock.now();
  for (const task of sim.moveTasks) {
    if (task.status === "CANCELLING" && now > (task.cancelledAt ?? now)) task.status = "CANCELLED";
    if (task.status === "RUNNING") progressMoveTask(sim, task, now);
  }
}

function progressMoveTask(sim: SimAccount, task: SimMoveTask, now: number): void {
  const source = sim.queueByArn(task.sourceArn);
  if (!source) return fail(task, "The source queue was deleted.");
  const due = Math.min(task.toMove, Math.floor(((now - task.startedAt) * task.ratePerSecond) / 1000));
  while (task.moved < due) {
    const message = source.messages.find((m) => m.visibleAt <= now);
    if (!message) break;
    const destinationArn = task.destinationArn ?? message.deadLetterSourceArn;
    const destination = destinationArn ? sim.queueByArn(destinationArn) : undefined;
    if (!destination) {
      return fail(
        task,
        destinationArn
          ? `Destination queue ${destinationArn} does not exist.`
          : `Message ${message.id} did not come from a source queue through a redrive policy; give a DestinationArn.`,
      );
    }
    if (destination.fifo && message.groupId === undefined) {
      return fail(
        task,
        `Message ${message.id} has no MessageGroupId and cannot move to FIFO queue ${destination.name}.`,
      );
    }
    source.messages.splice(source.messages.indexOf(message), 1);
    // A moved message is a new message: new id, and its retention starts again.
    const movedAt = Math.min(now, task.startedAt + Math.ceil(((task.moved + 1) * 1000) / task.ratePerSecond));
    enqueue(sim, destination, {
      body: message.body,
      delaySeconds: 0,
      at: movedAt,
      // Each moved message is distinct, even when two bodies are equal.
      deduplicationId: sim.random.uuid(),
      ...(message.groupId !== undefined ? { groupId: message.groupId } : {}),
    });
    task.moved += 1;
  }
  // Done when everything counted at the start moved, or the DLQ emptied some other way (consumers).
  if (task.moved >= task.toMove || source.messages.length === 0) task.status = "COMPLETED";
}

function fail(task: SimMoveTask, reason: string): void {
  task.status = "FAILED";
  task.failureReason = reason;
}
