/** Live reads of a queue shared by the preview, the move task and the re-invoke paths. */
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Aws } from "../aws/clients.js";
import { isNotFound } from "../aws/errors.js";
import { DlqError } from "./errors.js";
import type { QueueRef } from "./types.js";

export interface QueueCounts {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

export async function queueCounts(aws: Aws, queue: QueueRef): Promise<QueueCounts> {
  try {
    const out = await aws.client(SQSClient).send(
      new GetQueueAttributesCommand({
        QueueUrl: queue.url,
        AttributeNames: [
          "ApproximateNumberOfMessages",
          "ApproximateNumberOfMessagesNotVisible",
          "ApproximateNumberOfMessagesDelayed",
        ],
      }),
    );
    const a = out.Attributes ?? {};
    return {
      visible: Number(a.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  } catch (error) {
    throw gone(error, queue);
  }
}

/** QueueDoesNotExist (the inventory is older than a delete) becomes a not-found DlqError naming the queue. */
export function gone(error: unknown, queue: QueueRef): unknown {
  if (isNotFound(error)) {
    return new DlqError(
      "not-found",
      `queue ${queue.name} (${queue.url}) no longer exists: read the inventory again`,
    );
  }
  return error;
}

/** "2 h 5 min", "45 s", "3 d 4 h". */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}
