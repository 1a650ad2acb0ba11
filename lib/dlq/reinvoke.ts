/**
 * Redrive of a Lambda function's async DLQ or on-failure destination, which message move tasks cannot
 * serve: receive a batch, then for each message in order invoke the function asynchronously
 * (InvocationType=Event) with the original event, and delete the message only after Lambda accepted the
 * invoke (202).
 *
 * - The original event is the body for a DLQ (DeadLetterConfig), and the record's `requestPayload` for an
 *   on-failure destination, whose messages are invocation records
 *   ({version, timestamp, requestContext: {functionArn, condition, ...}, requestPayload, responseContext, ...}).
 * - An invoke that fails stops the run: no later message is tried, so on a FIFO queue no group's head is
 *   ever overtaken. A message that cannot be sent at all (not JSON, too large, a record of another
 *   function) is left in the DLQ and reported; on a FIFO queue it also stops the run, for the same reason.
 * - Everything received and not deleted is made visible again (ChangeMessageVisibility 0) when the run
 *   ends, so the DLQ's count is right at once and the next run can start; if that fails, the message
 *   reappears when its visibility timeout ends anyway. Nothing is ever deleted without an accepted invoke.
 * - Bounded: at most `maxMessages`, at most `ratePerSecond` invokes a second, and stop at `deadline`.
 * - At-least-once: an invoke accepted whose delete then fails leaves the message in the DLQ; the next run
 *   invokes it again (reported as `invokedNotDeleted`). The SDK's own retry of an Invoke whose answer was
 *   lost can also queue an event twice. The function must tolerate a repeated event.
 */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import type { Aws } from "../aws/clients.js";
import { describeAwsError } from "../aws/errors.js";
import { indexInventory, type InventoryIndex } from "../inventory/query.js";
import type { Inventory, LambdaFunction } from "../inventory/types.js";
import { gone, queueCounts } from "./live.js";
import { plural } from "../plural.js";
import { qualifierOption, wholeNumber } from "./options.js";
import { chooseRedrive, findQueue, queueRef } from "./route.js";
import type {
  AsyncRedriveReport,
  AsyncRedriveStop,
  LeftMessage,
  LeftReason,
  MovedMessage,
  PayloadSource,
  RedriveChoice,
} from "./types.js";

/** Invoke API reference: "For asynchronous invocations, the maximum payload size is 1 MB." */
export const MAX_ASYNC_PAYLOAD_BYTES = 1_048_576;
/** ReceiveMessage takes at most 10. */
export const MAX_BATCH = 10;
/**
 * Each message costs an Invoke and a DeleteMessage; the pacer gives SQS and Lambda's shared bucket
 * (where Invoke is paced) about 12 to 16 calls a second, so more than 10 messages a second would
 * only queue up in the pacer.
 */
export const MAX_ASYNC_RATE = 10;
export const DEFAULT_ASYNC_RATE = 5;
export const DEFAULT_MAX_MESSAGES = 100;
export const MAX_MESSAGES = 10_000;
export const DEFAULT_RUN_MS = 10 * 60_000;
/** SQS's largest visibility timeout (12 hours). */
const MAX_VISIBILITY_SECONDS = 43_200;
/** Stop using a batch's receipt handles this long before they expire, and receive again. */
const RECEIPT_MARGIN_MS = 10_000;

export interface AsyncRedriveOptions extends RedriveChoice {
  /** Messages to handle at most (1 to 10,000, default 100). */
  readonly maxMessages?: number;
  /** Messages per ReceiveMessage (1 to 10, default 10). */
  readonly batchSize?: number;
  /** Invokes a second at most (1 to 10, default 5). */
  readonly ratePerSecond?: number;
  /** Stop by this time (epoch ms on the Aws clock); default 10 minutes from the start. */
  readonly deadline?: number;
  /** A version or alias to invoke instead of the unqualified function. */
  readonly qualifier?: string;
}

type Extracted =
  | { readonly ok: true; readonly payload: string }
  | { readonly ok: false; readonly reason: LeftReason; readonly detail: string };

export async function redriveAsyncDlq(
  aws: Aws,
  inventory: Inventory | InventoryIndex,
  queueName: string,
  options: AsyncRedriveOptions = {},
): Promise<AsyncRedriveReport> {
  const index = "inventory" in inventory ? inventory : indexInventory(inventory);
  const maxMessages = wholeNumber(options.maxMessages, "maxMessages", 1, MAX_MESSAGES, DEFAULT_MAX_MESSAGES);
  const batchSize = wholeNumber(options.batchSize, "batchSize", 1, MAX_BATCH, MAX_BATCH);
  const rate = wholeNumber(options.ratePerSecond, "ratePerSecond", 1, MAX_ASYNC_RATE, DEFAULT_ASYNC_RATE);
  const qualifier = qualifierOption(options.qualifier);
  const queue = findQueue(index, queueName);
  const route = chooseRedrive(index, queue, {
    via: "reinvoke",
    ...(options.functionName !== undefined ? { functionName: options.functionName } : {}),
  });
  if (route.method !== "reinvoke") throw new Error("unreachable: re-invoke route expected");
  const ref = queueRef(queue);
  const fn = route.fn;
  const functionArn = qualifier ? `${fn.arn}:${qualifier}` : fn.arn;

  const clock = aws.pacer.clock;
  const start = clock.now();
  const deadline = options.deadline ?? start + DEFAULT_RUN_MS;
  const interval = 1000 / rate;
  // Long enough for a whole batch at the chosen rate, twice over, plus time for the calls themselves.
  const visibility = Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(batchSize / rate) * 2 + 30);
  const sqs = aws.client(SQSClient);
  const lambda = aws.client(LambdaClient);

  const moved: MovedMessage[] = [];
  const left = new Map<string, LeftMessage>();
  const invokedNotDeleted: { messageId: string; error: string }[] = [];
  const warnings: string[] = [];
  /** Received and not deleted: made visible again at the end. Latest receipt handle per message. */
  const hidden = new Map<string, string>();
  let stopped: AsyncRedriveStop | undefined;
  let nextInvokeAt = start;

  const leave = (message: Message, reason: LeftReason, detail: string) => {
    const id = message.MessageId ?? "";
    const groupId = message.Attributes?.MessageGroupId;
    left.set(id, { messageId: id, reason, detail, ...(groupId !== undefined ? { groupId } : {}) });
  };
  const notAttempted = (messages: readonly Message[], why: string) => {
    for (const m of messages) if (!left.has(m.MessageId ?? "")) leave(m, "not-attempted", why);
  };

  run: while (stopped === undefined) {
    const handled = moved.length + left.size + invokedNotDeleted.length;
    if (handled >= maxMessages) {
      stopped = "max-messages";
      break;
    }
    if (clock.now() >= deadline) {
      stopped = "deadline";
      break;
    }
    const receivedAt = clock.now();
    let batch: Message[];
    try {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.url,
          MaxNumberOfMessages: Math.min(batchSize, maxMessages - handled),
          VisibilityTimeout: visibility,
          // Long polling asks every SQS server, so an empty answer means empty, not "missed".
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ["MessageGroupId", "ApproximateReceiveCount", "SentTimestamp"],
        }),
      );
      batch = out.Messages ?? [];
    } catch (error) {
      throw gone(error, ref);
    }
    if (batch.length === 0) {
      stopped = "empty";
      break;
    }
    for (const m of batch) if (m.MessageId && m.ReceiptHandle) hidden.set(m.MessageId, m.ReceiptHandle);

    let fresh = 0;
    for (let i = 0; i < batch.length; i++) {
      const message = batch[i]!;
      const id = message.MessageId ?? "";
      const later = batch.slice(i + 1);
      // Left earlier in this run and visible again (a long run): leave it alone until the end.
      if (left.has(id)) continue;
      fresh++;
      if (clock.now() >= deadline) {
        notAttempted(batch.slice(i), "the run reached its deadline first");
        stopped = "deadline";
        break run;
      }
      if (clock.now() > receivedAt + visibility * 1000 - RECEIPT_MARGIN_MS) {
        // The receipt handles are about to expire: give the rest back and receive them again.
        await release(batch.slice(i).filter((m) => !left.has(m.MessageId ?? "")));
        continue run;
      }

      const extracted = extractPayload(message.Body ?? "", route.payload, fn);
      if (!extracted.ok) {
        leave(message, extracted.reason, extracted.detail);
        if (queue.fifo) {
          notAttempted(later, `${id} heads its message group and cannot go, so nothing after it may`);
          stopped = "fifo-blocked";
          break run;
        }
        continue;
      }
      const payloadBytes = Buffer.byteLength(extracted.payload);
      if (payloadBytes > MAX_ASYNC_PAYLOAD_BYTES) {
        leave(
          message,
          "too-large",
          `the event is ${payloadBytes.toLocaleString("en-US")} bytes; an asynchronous Invoke takes at most ` +
            `${MAX_ASYNC_PAYLOAD_BYTES.toLocaleString("en-US")}`,
        );
        if (queue.fifo) {
          notAttempted(later, `${id} heads its message group and cannot go, so nothing after it may`);
          stopped = "fifo-blocked";
          break run;
        }
        continue;
      }

      // Paced to ratePerSecond; an invoke whose turn comes after the deadline is not made.
      const turn = Math.max(clock.now(), nextInvokeAt);
      if (turn >= deadline) {
        notAttempted(batch.slice(i), "the run reached its deadline first");
        stopped = "deadline";
        break run;
      }
      if (turn > clock.now()) await clock.sleep(turn - clock.now());
      let failure: string | undefined;
      try {
        const out = await lambda.send(
          new InvokeCommand({
            FunctionName: functionArn,
            InvocationType: "Event",
            Payload: new TextEncoder().encode(extracted.payload),
          }),
        );
        if (out.StatusCode !== 202) failure = `Invoke answered ${out.StatusCode ?? "no status"}, not 202`;
      } catch (error) {
        failure = describeAwsError(error);
      }
      // Counted from the answer: the call may have waited in the pacer, so this keeps sends 1/rate apart.
      nextInvokeAt = clock.now() + interval;
      if (failure !== undefined) {
        leave(message, "invoke-failed", failure);
        notAttempted(later, `the run stopped when ${id} failed to invoke`);
        stopped = "invoke-failed";
        break run;
      }

      try {
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle }),
        );
        hidden.delete(id);
      } catch (error) {
        invokedNotDeleted.push({ messageId: id, error: describeAwsError(error) });
        notAttempted(later, `the run stopped when ${id} could not be deleted`);
        stopped = "delete-failed";
        break run;
      }
      const groupId = message.Attributes?.MessageGroupId;
      moved.push({ messageId: id, payloadBytes, ...(groupId !== undefined ? { groupId } : {}) });
    }
    if (fresh === 0) stopped = "only-left-messages";
  }

  await release([...hidden].map(([MessageId, ReceiptHandle]) => ({ MessageId, ReceiptHandle })));

  let remaining: number | undefined;
  try {
    const counts = await queueCounts(aws, ref);
    remaining = counts.visible + counts.inFlight;
  } catch (error) {
    warnings.push(`could not read ${queue.name}'s depth after the run: ${describeAwsError(error)}`);
  }

  return {
    queue: ref,
    method: "reinvoke",
    functionArn,
    moved,
    left: [...left.values()],
    invokedNotDeleted,
    stopped,
    ...(remaining !== undefined ? { remaining } : {}),
    warnings,
    sentence: describeRun(queue.name, fn.name + (qualifier ? `:${qualifier}` : ""), {
      moved: moved.length,
      left: [...left.values()],
      invokedNotDeleted: invokedNotDeleted.length,
      stopped,
      remaining,
    }),
  };

  async function release(messages: readonly Pick<Message, "MessageId" | "ReceiptHandle">[]): Promise<void> {
    for (const m of messages) {
      if (!m.ReceiptHandle) continue;
      try {
        await sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queue.url,
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        );
      } catch (error) {
        warnings.push(
          `message ${m.MessageId} stays hidden until its visibility timeout (${visibility} s) ends: ` +
            describeAwsError(error, "sqs ChangeMessageVisibility"),
        );
      }
      if (m.MessageId) hidden.delete(m.MessageId);
    }
  }
}

interface RunSummary {
  readonly moved: number;
  readonly left: readonly LeftMessage[];
  readonly invokedNotDeleted: number;
  readonly stopped: AsyncRedriveStop;
  readonly remaining: number | undefined;
}

const STOPS: Readonly<Record<AsyncRedriveStop, string>> = {
  empty: "the DLQ had no more visible messages",
  "max-messages": "it reached maxMessages",
  deadline: "it reached its deadline",
  "invoke-failed": "an invoke failed",
  "delete-failed": "a delete failed after its invoke was accepted",
  "fifo-blocked": "a FIFO group's head could not go",
  "only-left-messages": "only messages it had already left came back",
};

function describeRun(queue: string, fn: string, run: RunSummary): string {
  const parts = [`${plural(run.moved, "message")} from ${queue} re-invoked into ${fn} and deleted`];
  const failed = run.left.find((l) => l.reason === "invoke-failed");
  if (failed) parts.push(`Invoke failed for ${failed.messageId} (${failed.detail}): it stays in the DLQ`);
  const skipped = run.left.filter((l) => l.reason !== "invoke-failed" && l.reason !== "not-attempted");
  if (skipped.length > 0) {
    const reasons = [...new Set(skipped.map((l) => l.reason))].join(", ");
    parts.push(`${plural(skipped.length, "message")} left in the DLQ (${reasons})`);
  }
  const untouched = run.left.filter((l) => l.reason === "not-attempted").length;
  if (untouched > 0)
    parts.push(`${plural(untouched, "message")} received but not attempted, still in the DLQ`);
  if (run.invokedNotDeleted > 0) {
    parts.push(
      `${plural(run.invokedNotDeleted, "message")} invoked but not deleted: still in the DLQ and will be invoked again next run (at-least-once)`,
    );
  }
  parts.push(`stopped because ${STOPS[run.stopped]}`);
  if (run.remaining !== undefined) parts.push(`${plural(run.remaining, "message")} remain in ${queue}`);
  return parts.join("; ");
}

/** The event to send for one DLQ message, or why none can be sent. */
export function extractPayload(body: string, source: PayloadSource, fn: LambdaFunction): Extracted {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {
      ok: false,
      reason: "not-json",
      detail: "the body is not JSON, and Lambda only takes JSON events",
    };
  }
  const record = invocationRecord(parsed);
  if (source === "body" || (source === "auto" && record === undefined)) return { ok: true, payload: body };
  if (record === undefined) {
    return {
      ok: false,
      reason: "not-a-record",
      detail:
        "expected an invocation record ({version, requestContext, requestPayload}) from the on-failure destination",
    };
  }
  if (record.functionArn !== fn.arn) {
    return {
      ok: false,
      reason: "other-function",
      detail: `the record is of ${record.functionArn}, not ${fn.arn}`,
    };
  }
  if (!record.hasPayload) {
    return { ok: false, reason: "not-a-record", detail: "the invocation record holds no requestPayload" };
  }
  return { ok: true, payload: JSON.stringify(record.requestPayload) };
}

interface InvocationRecord {
  /** Unqualified. */
  readonly functionArn: string;
  readonly hasPayload: boolean;
  readonly requestPayload: unknown;
}

/** An async invocation record: {requestContext: {functionArn: "...:function:name:qualifier", ...}, requestPayload, ...}. */
function invocationRecord(value: unknown): InvocationRecord | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const context = (value as { requestContext?: unknown }).requestContext;
  if (typeof context !== "object" || context === null) return undefined;
  const arn = (context as { functionArn?: unknown }).functionArn;
  if (typeof arn !== "string" || !/^arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+(:[^:]+)?$/.test(arn)) {
    return undefined;
  }
  return {
    functionArn: arn.split(":").slice(0, 7).join(":"),
    hasPayload: "requestPayload" in value,
    requestPayload: (value as { requestPayload?: unknown }).requestPayload,
  };
}
