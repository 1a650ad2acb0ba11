import {
  InvalidAttributeName,
  InvalidMessageContents,
  MessageNotInflight,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  RequestThrottled,
  ResourceNotFoundException,
  SQSServiceException,
  UnsupportedOperation,
  type CancelMessageMoveTaskCommandInput,
  type CancelMessageMoveTaskCommandOutput,
  type ChangeMessageVisibilityCommandInput,
  type ChangeMessageVisibilityCommandOutput,
  type DeleteMessageCommandInput,
  type DeleteMessageCommandOutput,
  type GetQueueAttributesCommandInput,
  type GetQueueAttributesCommandOutput,
  type GetQueueUrlCommandInput,
  type GetQueueUrlCommandOutput,
  type ListDeadLetterSourceQueuesCommandInput,
  type ListDeadLetterSourceQueuesCommandOutput,
  type ListMessageMoveTasksCommandInput,
  type ListMessageMoveTasksCommandOutput,
  type ListQueuesCommandInput,
  type ListQueuesCommandOutput,
  type ListQueueTagsCommandInput,
  type ListQueueTagsCommandOutput,
  type Message,
  type QueueAttributeName,
  type ReceiveMessageCommandInput,
  type ReceiveMessageCommandOutput,
  type SendMessageCommandInput,
  type SendMessageCommandOutput,
  type StartMessageMoveTaskCommandInput,
  type StartMessageMoveTaskCommandOutput,
  type TagQueueCommandInput,
  type TagQueueCommandOutput,
  type UntagQueueCommandInput,
  type UntagQueueCommandOutput,
} from "@aws-sdk/client-sqs";
import type { SimAccount } from "../account.js";
import { awsCodeError, awsError } from "../errors.js";
import {
  countMessages,
  deleteByReceipt,
  DEFAULT_MOVE_RATE,
  enqueue,
  expireMessages,
  receive,
} from "../queues.js";
import { pageToken } from "../registry.js";
import type { Out, SimService } from "../service.js";
import type { SimMessage, SimMoveTask, SimQueue } from "../state.js";
import { applyTags, removeTags } from "../tags.js";
import { validator } from "../validate.js";

const invalidValue = (message: string) =>
  awsCodeError(SQSServiceException, "InvalidParameterValue", 400, message);
const check = validator(invalidValue);
const missing = (field: string) =>
  awsCodeError(
    SQSServiceException,
    "MissingParameter",
    400,
    `The request must contain the parameter ${field}.`,
  );
const noQueue = () => awsError(QueueDoesNotExist, 400, "The specified queue does not exist.");

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined || value === null) throw missing(field);
  return value;
}

function queueOf(sim: SimAccount, url: string | undefined): SimQueue {
  required(url, "QueueUrl");
  let path: string[];
  try {
    path = new URL(url!).pathname.split("/").filter(Boolean);
  } catch {
    throw invalidValue(`Value ${url} for parameter QueueUrl is invalid. Reason: Invalid URL.`);
  }
  const queue = path.length === 2 && path[0] === sim.accountId ? sim.queues.get(path[1]!) : undefined;
  if (!queue) throw noQueue();
  expireMessages(queue, sim.clock.now());
  return queue;
}

function queueByArn(sim: SimAccount, arn: string | undefined, field: string): SimQueue {
  const queue = sim.queueByArn(required(arn, field));
  if (!queue)
    throw awsError(
      ResourceNotFoundException,
      400,
      `The resource that you specified for the ${field} parameter doesn't exist.`,
    );
  return queue;
}

function attributes(sim: SimAccount, queue: SimQueue): Record<string, string> {
  const counts = countMessages(queue, sim.clock.now());
  const all: Record<string, string | undefined> = {
    QueueArn: queue.arn,
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
    LastModifiedTimestamp: String(Math.floor(queue.lastModified / 1000)),
    VisibilityTimeout: String(queue.visibilityTimeout),
    MaximumMessageSize: String(queue.maximumMessageSize),
    MessageRetentionPeriod: String(queue.messageRetentionPeriod),
    DelaySeconds: String(queue.delaySeconds),
    ReceiveMessageWaitTimeSeconds: String(queue.receiveMessageWaitTimeSeconds),
    RedrivePolicy: queue.redrivePolicy && JSON.stringify(queue.redrivePolicy),
    SqsManagedSseEnabled: String(queue.sqsManagedSse),
    KmsMasterKeyId: queue.kmsMasterKeyId,
    KmsDataKeyReusePeriodSeconds: queue.kmsMasterKeyId ? "300" : undefined,
    FifoQueue: queue.fifo ? "true" : undefined,
    ContentBasedDeduplication: queue.fifo ? String(queue.contentBasedDeduplication) : undefined,
    DeduplicationScope: queue.fifo ? "queue" : undefined,
    FifoThroughputLimit: queue.fifo ? "perQueue" : undefined,
  };
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
}

const QUEUE_ATTRIBUTES = new Set<string>([
  "All",
  "QueueArn",
  "ApproximateNumberOfMessages",
  "ApproximateNumberOfMessagesNotVisible",
  "ApproximateNumberOfMessagesDelayed",
  "CreatedTimestamp",
  "LastModifiedTimestamp",
  "VisibilityTimeout",
  "MaximumMessageSize",
  "MessageRetentionPeriod",
  "DelaySeconds",
  "ReceiveMessageWaitTimeSeconds",
  "RedrivePolicy",
  "RedriveAllowPolicy",
  "Policy",
  "SqsManagedSseEnabled",
  "KmsMasterKeyId",
  "KmsDataKeyReusePeriodSeconds",
  "FifoQueue",
  "ContentBasedDeduplication",
  "DeduplicationScope",
  "FifoThroughputLimit",
] satisfies QueueAttributeName[]);

function messageAttributes(
  message: SimMessage,
  names: readonly string[],
): Record<string, string> | undefined {
  if (names.length === 0) return undefined;
  const all: Record<string, string | undefined> = {
    SenderId: "AIDASIMULATEDSENDER",
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp:
      message.firstReceivedAt === undefined ? undefined : String(message.firstReceivedAt),
    MessageGroupId: message.groupId,
    MessageDeduplicationId: message.deduplicationId,
    SequenceNumber: message.sequenceNumber,
    DeadLetterQueueSourceArn: message.deadLetterSourceArn,
  };
  const wanted = names.includes("All") ? Object.keys(all) : names;
  return Object.fromEntries(wanted.flatMap((name) => (all[name] === undefined ? [] : [[name, all[name]!]])));
}

/** Characters SQS accepts in a message body. */
const VALID_BODY = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

function decodeReceipt(queue: SimQueue, handle: string): string {
  try {
    const [arn, messageId] = JSON.parse(Buffer.from(handle, "base64").toString("utf8")) as [unknown, unknown];
    if (arn === queue.arn && typeof messageId === "string") return messageId;
  } catch {
    // fall through
  }
  throw awsError(
    ReceiptHandleIsInvalid,
    400,
    `The input receipt handle "${handle}" is not a valid receipt handle.`,
  );
}

function taskEntry(task: SimMoveTask): NonNullable<ListMessageMoveTasksCommandOutput["Results"]>[number] {
  return {
    ...(task.status === "RUNNING" ? { TaskHandle: task.handle } : {}),
    Status: task.status,
    SourceArn: task.sourceArn,
    ...(task.destinationArn ? { DestinationArn: task.destinationArn } : {}),
    ...(task.maxPerSecond !== undefined ? { MaxNumberOfMessagesPerSecond: task.maxPerSecond } : {}),
    ApproximateNumberOfMessagesMoved: task.moved,
    ApproximateNumberOfMessagesToMove: task.toMove,
    ...(task.failureReason ? { FailureReason: task.failureReason } : {}),
    StartedTimestamp: task.startedAt,
  };
}

export const sqs: SimService = {
  throttled: () => awsError(RequestThrottled, 400, "Request is throttled."),
  apis: {
    ListQueues(input: ListQueuesCommandInput, sim): Out<ListQueuesCommandOutput> {
      check.range(input.MaxResults, "MaxResults", 1, 1000);
      let after: string | undefined;
      if (input.NextToken !== undefined) {
        after = pageToken.decode(input.NextToken);
        if (after === undefined) throw invalidValue("Invalid NextToken value.");
      }
      // Without MaxResults SQS returns up to 1,000 queues and never a NextToken.
      const page = sim.queues.page({
        after,
        limit: input.MaxResults ?? 1000,
        ...(input.QueueNamePrefix ? { prefix: input.QueueNamePrefix } : {}),
      });
      return {
        ...(page.items.length > 0 ? { QueueUrls: page.items.map((q) => q.url) } : {}),
        ...(input.MaxResults !== undefined && page.nextAfter !== undefined
          ? { NextToken: pageToken.encode(page.nextAfter) }
          : {}),
      };
    },

    GetQueueUrl(input: GetQueueUrlCommandInput, sim): Out<GetQueueUrlCommandOutput> {
      const name = required(input.QueueName, "QueueName");
      const queue = sim.queues.get(name);
      if (
        !queue ||
        (input.QueueOwnerAWSAccountId !== undefined && input.QueueOwnerAWSAccountId !== sim.accountId)
      )
        throw noQueue();
      return { QueueUrl: queue.url };
    },

    GetQueueAttributes(input: GetQueueAttributesCommandInput, sim): Out<GetQueueAttributesCommandOutput> {
      const queue = queueOf(sim, input.QueueUrl);
      const names = input.AttributeNames ?? [];
      for (const name of names) {
        if (!QUEUE_ATTRIBUTES.has(name))
          throw awsError(InvalidAttributeName, 400, `Unknown Attribute ${name}.`);
      }
      if (names.length === 0) return {};
      const all = attributes(sim, queue);
      if (names.includes("All")) return { Attributes: all };
      return {
        Attributes: Object.fromEntries(names.flatMap((n) => (all[n] === undefined ? [] : [[n, all[n]!]]))),
      };
    },

    ListQueueTags(input: ListQueueTagsCommandInput, sim): Out<ListQueueTagsCommandOutput> {
      const queue = queueOf(sim, input.QueueUrl);
      return Object.keys(queue.tags).length > 0 ? { Tags: { ...queue.tags } } : {};
    },

    TagQueue(input: TagQueueCommandInput, sim): Out<TagQueueCommandOutput> {
      applyTags(queueOf(sim, input.QueueUrl).tags, required(input.Tags, "Tags"), check);
      return {};
    },

    UntagQueue(input: UntagQueueCommandInput, sim): Out<UntagQueueCommandOutput> {
      removeTags(queueOf(sim, input.QueueUrl).tags, required(input.TagKeys, "TagKeys"));
      return {};
    },

    ListDeadLetterSourceQueues(
      input: ListDeadLetterSourceQueuesCommandInput,
      sim,
    ): Out<ListDeadLetterSourceQueuesCommandOutput> {
      const dlq = queueOf(sim, input.QueueUrl);
      check.range(input.MaxResults, "MaxResults", 1, 1000);
      let after: string | undefined;
      if (input.NextToken !== undefined) {
        after = pageToken.decode(input.NextToken);
        if (after === undefined) throw invalidValue("Invalid NextToken value.");
      }
      const page = sim.queues.page({
        after,
        limit: input.MaxResults ?? 1000,
        where: (q) => q.redrivePolicy?.deadLetterTargetArn === dlq.arn,
      });
      return {
        queueUrls: page.items.map((q) => q.url),
        ...(input.MaxResults !== undefined && page.nextAfter !== undefined
          ? { NextToken: pageToken.encode(page.nextAfter) }
          : {}),
      };
    },

    SendMessage(input: SendMessageCommandInput, sim): Out<SendMessageCommandOutput> {
      const queue = queueOf(sim, input.QueueUrl);
      const body = required(input.MessageBody, "MessageBody");
      if (body.length === 0) throw missing("MessageBody");
      const size = Buffer.byteLength(body);
      if (size > queue.maximumMessageSize) {
        throw invalidValue(
          `One or more parameters are invalid. Reason: Message must be shorter than ${queue.maximumMessageSize} bytes.`,
        );
      }
      if (!VALID_BODY.test(body)) {
        throw awsError(
          InvalidMessageContents,
          400,
          "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
        );
      }
      check.range(input.DelaySeconds, "DelaySeconds", 0, 900);
      if (queue.fifo) {
        if (input.DelaySeconds !== undefined) {
          throw invalidValue(
            `Value ${input.DelaySeconds} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`,
          );
        }
        required(input.MessageGroupId, "MessageGroupId");
        if (input.MessageDeduplicationId === undefined && !queue.contentBasedDeduplication) {
          throw invalidValue(
            "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
          );
        }
      }
      const message = enqueue(sim, queue, {
        body,
        ...(input.DelaySeconds !== undefined ? { delaySeconds: input.DelaySeconds } : {}),
        ...(input.MessageGroupId !== undefined ? { groupId: input.MessageGroupId } : {}),
        ...(input.MessageDeduplicationId !== undefined
          ? { deduplicationId: input.MessageDeduplicationId }
          : {}),
      });
      return {
        MessageId: message.id,
        MD5OfMessageBody: message.md5,
        ...(message.sequenceNumber !== undefined ? { SequenceNumber: message.sequenceNumber } : {}),
      };
    },

    ReceiveMessage(input: ReceiveMessageCommandInput, sim): Out<ReceiveMessageCommandOutput> {
      const queue = queueOf(sim, input.QueueUrl);
      const max = input.MaxNumberOfMessages ?? 1;
      if (!(max >= 1 && max <= 10)) {
        throw invalidValue(
          `Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
        );
      }
      check.range(input.VisibilityTimeout, "VisibilityTimeout", 0, 43_200);
      check.range(input.WaitTimeSeconds, "WaitTimeSeconds", 0, 20);
      const names = [...(input.MessageSystemAttributeNames ?? []), ...(input.AttributeNames ?? [])];
      const received = receive(sim, queue, max, input.VisibilityTimeout ?? queue.visibilityTimeout);
      if (received.length === 0) return {};
      return {
        Messages: received.map((m): Message => {
          const attrs = messageAttributes(m, names);
          return {
            MessageId: m.id,
            ReceiptHandle: m.receiptHandle!,
            MD5OfBody: m.md5,
            Body: m.body,
            ...(attrs ? { Attributes: attrs } : {}),
          };
        }),
      };
    },

    ChangeMessageVisibility(
      input: ChangeMessageVisibilityCommandInput,
      sim,
    ): Out<ChangeMessageVisibilityCommandOutput> {
      const queue = queueOf(sim, input.QueueUrl);
      const handle = required(input.ReceiptHandle, "ReceiptHandle");
      const timeout = required(input.VisibilityTimeout, "VisibilityTimeout");
      check.range(timeout, "VisibilityTimeout", 0, 43_200);
      const messageId = decodeReceipt(queue, handle);
      const message = queue.messages.find((m) => m.id === messageId && m.receiptHandle === handle);
      if (!message) {
        throw awsError(
          ReceiptHandleIsInvalid,
          400,
          `The input receipt handle "${handle}" is not a valid receipt handle.`,
        );
      }
      const now = sim.clock.now();
      if (message.visibleAt <= now) throw awsError(MessageNotInflight, 400, "The message is not in flight.");
      message.visibleAt = now + timeout * 1000;
      return {};
    },

    DeleteMessage(input: DeleteMessageCommandInput, sim): Out<DeleteMessageCommandOutput> {
      const queue = queueOf(sim, input.QueueUrl);
      const handle = required(input.ReceiptHandle, "ReceiptHandle");
      deleteByReceipt(queue, decodeReceipt(queue, handle), handle);
      return {};
    },

    StartMessageMoveTask(
      input: StartMessageMoveTaskCommandInput,
      sim,
    ): Out<StartMessageMoveTaskCommandOutput> {
      const source = queueByArn(sim, input.SourceArn, "SourceArn");
      const destination =
        input.DestinationArn === undefined
          ? undefined
          : queueByArn(sim, input.DestinationArn, "DestinationArn");
      check.range(input.MaxNumberOfMessagesPerSecond, "MaxNumberOfMessagesPerSecond", 1, 500);
      if (![...sim.queues.values()].some((q) => q.redrivePolicy?.deadLetterTargetArn === source.arn)) {
        throw invalidValue("Source queue must be configured as a Dead Letter Queue.");
      }
      if (destination === source) throw invalidValue("The destination queue cannot be the source queue.");
      if (destination && destination.fifo !== source.fifo) {
        throw invalidValue(
          "The destination queue must be of the same type (standard or FIFO) as the source queue.",
        );
      }
      if (
        sim.moveTasks.some(
          (t) => t.sourceArn === source.arn && (t.status === "RUNNING" || t.status === "CANCELLING"),
        )
      ) {
        throw invalidValue(
          "There is already a task running. Only one active task is allowed for a source queue arn at a given time.",
        );
      }
      const now = sim.clock.now();
      const task: SimMoveTask = {
        handle: Buffer.from(JSON.stringify({ taskId: sim.random.uuid(), sourceArn: source.arn })).toString(
          "base64",
        ),
        sourceArn: source.arn,
        ...(destination ? { destinationArn: destination.arn } : {}),
        ...(input.MaxNumberOfMessagesPerSecond !== undefined
          ? { maxPerSecond: input.MaxNumberOfMessagesPerSecond }
          : {}),
        ratePerSecond: input.MaxNumberOfMessagesPerSecond ?? DEFAULT_MOVE_RATE,
        startedAt: now,
        toMove: countMessages(source, now).visible,
        status: "RUNNING",
        moved: 0,
      };
      sim.moveTasks.push(task);
      return { TaskHandle: task.handle };
    },

    ListMessageMoveTasks(
      input: ListMessageMoveTasksCommandInput,
      sim,
    ): Out<ListMessageMoveTasksCommandOutput> {
      const source = queueByArn(sim, input.SourceArn, "SourceArn");
      check.range(input.MaxResults, "MaxResults", 1, 10);
      const tasks = sim.moveTasks.filter((t) => t.sourceArn === source.arn).reverse();
      return { Results: tasks.slice(0, input.MaxResults ?? 1).map(taskEntry) };
    },

    CancelMessageMoveTask(
      input: CancelMessageMoveTaskCommandInput,
      sim,
    ): Out<CancelMessageMoveTaskCommandOutput> {
      const handle = required(input.TaskHandle, "TaskHandle");
      const task = sim.moveTasks.find((t) => t.handle === handle);
      if (!task)
        throw awsError(
          ResourceNotFoundException,
          400,
          "The resource that you specified for the TaskHandle parameter doesn't exist.",
        );
      if (task.status !== "RUNNING") {
        throw awsError(
          UnsupportedOperation,
          400,
          `Only a RUNNING task can be cancelled; this task is ${task.status}.`,
        );
      }
      task.status = "CANCELLING";
      task.cancelledAt = sim.clock.now();
      return { ApproximateNumberOfMessagesMoved: task.moved };
    },
  },
};
