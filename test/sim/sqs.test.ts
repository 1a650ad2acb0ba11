import {
  CancelMessageMoveTaskCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { SimAccount, simulatedAws } from "../../lib/sim/index.js";
import { collectPages, expectAwsError, uniqueSet } from "./helpers.js";

function setup() {
  const account = new SimAccount();
  return { account, sqs: simulatedAws(account).client(SQSClient) };
}

describe("SQS queues", () => {
  it("pages ListQueues with MaxResults, every queue exactly once; without MaxResults, 1,000 and no token", async () => {
    const { account, sqs } = setup();
    for (let i = 0; i < 1203; i++) account.addQueue({ name: `q-${i}` });
    const { items, pages } = await collectPages(
      (NextToken) => sqs.send(new ListQueuesCommand({ NextToken, MaxResults: 500 })),
      (page) => page.QueueUrls,
      (page) => page.NextToken,
    );
    expect(pages).toBe(3);
    expect(uniqueSet(items).size).toBe(1203);
    const unbounded = await sqs.send(new ListQueuesCommand({}));
    expect(unbounded.QueueUrls).toHaveLength(1000);
    expect(unbounded.NextToken).toBeUndefined();
    const prefixed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "q-12" }));
    expect(prefixed.QueueUrls?.map((u) => u.split("/").pop()).sort()).toEqual([
      "q-12",
      "q-120",
      "q-1200",
      "q-1201",
      "q-1202",
      "q-121",
      "q-122",
      "q-123",
      "q-124",
      "q-125",
      "q-126",
      "q-127",
      "q-128",
      "q-129",
    ]);
    expect(await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "none" }))).not.toHaveProperty(
      "QueueUrls",
    );
    await expectAwsError(sqs.send(new ListQueuesCommand({ MaxResults: 1001 })), "InvalidParameterValue", 400);
  });

  it("reads attributes, all or by name, with the redrive policy as JSON", async () => {
    const { account, sqs } = setup();
    account.addQueue({ name: "orders-dlq" });
    account.addQueue({
      name: "orders",
      deadLetterQueue: "orders-dlq",
      maxReceiveCount: 4,
      visibilityTimeout: 45,
    });
    account.addQueue({ name: "ledger.fifo", encryption: "kms", kmsMasterKeyId: "alias/ledger" });
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: "orders" }));
    const all = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] })))
      .Attributes!;
    expect(all).toMatchObject({
      QueueArn: "arn:aws:sqs:us-east-1:123456789012:orders",
      VisibilityTimeout: "45",
      MessageRetentionPeriod: "345600",
      SqsManagedSseEnabled: "true",
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "0",
    });
    expect(JSON.parse(all.RedrivePolicy!)).toEqual({
      deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:orders-dlq",
      maxReceiveCount: 4,
    });
    expect(all).not.toHaveProperty("FifoQueue");
    const fifo = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: account.queueUrl("ledger.fifo"),
        AttributeNames: ["FifoQueue", "KmsMasterKeyId", "SqsManagedSseEnabled", "RedrivePolicy"],
      }),
    );
    expect(fifo.Attributes).toEqual({
      FifoQueue: "true",
      KmsMasterKeyId: "alias/ledger",
      SqsManagedSseEnabled: "false",
    });
    expect(await sqs.send(new GetQueueAttributesCommand({ QueueUrl }))).not.toHaveProperty("Attributes");
    await expectAwsError(
      sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["Colour" as "All"] })),
      "InvalidAttributeName",
    );
  });

  it("raises QueueDoesNotExist for an unknown queue, by name or URL", async () => {
    const { account, sqs } = setup();
    const error = await expectAwsError(
      sqs.send(new GetQueueUrlCommand({ QueueName: "nope" })),
      "QueueDoesNotExist",
      400,
    );
    expect(error).toBeInstanceOf(QueueDoesNotExist);
    await expectAwsError(
      sqs.send(new SendMessageCommand({ QueueUrl: account.queueUrl("nope"), MessageBody: "x" })),
      "QueueDoesNotExist",
    );
    await expectAwsError(
      sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: "https://sqs.us-east-1.amazonaws.com/999999999999/nope",
          AttributeNames: ["All"],
        }),
      ),
      "QueueDoesNotExist",
    );
  });

  it("lists tags and dead-letter source queues", async () => {
    const { account, sqs } = setup();
    account.addQueue({ name: "shared-dlq" });
    account.addQueue({ name: "a", deadLetterQueue: "shared-dlq", tags: { team: "x" } });
    account.addQueue({ name: "b", deadLetterQueue: "shared-dlq" });
    account.addQueue({ name: "c" });
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: account.queueUrl("a") }))).Tags).toEqual({
      team: "x",
    });
    const sources = await sqs.send(
      new ListDeadLetterSourceQueuesCommand({ QueueUrl: account.queueUrl("shared-dlq") }),
    );
    expect(sources.queueUrls).toEqual([account.queueUrl("a"), account.queueUrl("b")]);
  });
});

describe("SQS messages", () => {
  it("hides a received message for the visibility timeout on the virtual clock and counts receives", async () => {
    const { account, sqs } = setup();
    const QueueUrl = account.addQueue({ name: "jobs", visibilityTimeout: 30 }).url;
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "job-1" }));
    const first = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ["All"] }),
    );
    expect(first.Messages?.[0]).toMatchObject({
      MessageId: sent.MessageId,
      Body: "job-1",
      Attributes: { ApproximateReceiveCount: "1" },
    });
    expect(await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).not.toHaveProperty("Messages");
    const counts = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    expect(counts.Attributes).toEqual({
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "1",
    });
    account.advanceTime(30_000);
    const second = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }),
    );
    expect(second.Messages?.[0]?.Attributes).toEqual({ ApproximateReceiveCount: "2" });
    // The first receipt handle is stale now: deleting with it succeeds but deletes nothing.
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.Messages![0]!.ReceiptHandle! }));
    expect(account.queue("jobs")?.messages).toHaveLength(1);
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl, ReceiptHandle: second.Messages![0]!.ReceiptHandle! }),
    );
    expect(account.queue("jobs")?.messages).toHaveLength(0);
    await expectAwsError(
      sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: "forged" })),
      "ReceiptHandleIsInvalid",
    );
  });

  it("moves a message to the DLQ once it has been received maxReceiveCount times", async () => {
    const { account, sqs } = setup();
    account.addQueue({ name: "work-dlq" });
    const QueueUrl = account.addQueue({ name: "work", deadLetterQueue: "work-dlq", maxReceiveCount: 2 }).url;
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "poison" }));
    for (let i = 0; i < 2; i++) {
      expect(
        (await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0 }))).Messages,
      ).toHaveLength(1);
    }
    expect(await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).not.toHaveProperty("Messages");
    const dlq = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: account.queueUrl("work-dlq"),
        MessageSystemAttributeNames: ["DeadLetterQueueSourceArn"],
      }),
    );
    expect(dlq.Messages?.[0]?.Body).toBe("poison");
    expect(dlq.Messages?.[0]?.Attributes).toEqual({
      DeadLetterQueueSourceArn: "arn:aws:sqs:us-east-1:123456789012:work",
    });
  });

  it("validates sends: size, FIFO group and deduplication", async () => {
    const { account, sqs } = setup();
    const standard = account.addQueue({ name: "small", maximumMessageSize: 1024 }).url;
    const fifo = account.addQueue({ name: "ordered.fifo" }).url;
    await expectAwsError(
      sqs.send(new SendMessageCommand({ QueueUrl: standard, MessageBody: "x".repeat(1025) })),
      "InvalidParameterValue",
    );
    await expectAwsError(
      sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: "x", MessageDeduplicationId: "1" })),
      "MissingParameter",
    );
    await expectAwsError(
      sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: "x", MessageGroupId: "g" })),
      "InvalidParameterValue",
    );
    const a = await sqs.send(
      new SendMessageCommand({
        QueueUrl: fifo,
        MessageBody: "x",
        MessageGroupId: "g",
        MessageDeduplicationId: "d1",
      }),
    );
    const again = await sqs.send(
      new SendMessageCommand({
        QueueUrl: fifo,
        MessageBody: "x",
        MessageGroupId: "g",
        MessageDeduplicationId: "d1",
      }),
    );
    expect(again.MessageId).toBe(a.MessageId);
    expect(a.SequenceNumber).toMatch(/^\d{20}$/);
    expect(account.queue("ordered.fifo")?.messages).toHaveLength(1);
  });

  it("delivers FIFO messages in order and holds a group while one of its messages is in flight", async () => {
    const { account, sqs } = setup();
    const QueueUrl = account.addQueue({ name: "ordered.fifo", contentBasedDeduplication: true }).url;
    for (const [group, body] of [
      ["a", "a1"],
      ["a", "a2"],
      ["b", "b1"],
    ]) {
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: group }));
    }
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(first.Messages?.map((m) => m.Body)).toEqual(["a1", "b1"]);
    expect(
      await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 })),
    ).not.toHaveProperty("Messages");
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.Messages![0]!.ReceiptHandle! }));
    const next = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(next.Messages?.map((m) => m.Body)).toEqual(["a2"]);
    await expectAwsError(
      sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 11 })),
      "InvalidParameterValue",
    );
  });
});

describe("SQS message move tasks", () => {
  function redriveSetup() {
    const setupResult = setup();
    const { account } = setupResult;
    account.addQueue({ name: "dlq" });
    account.addQueue({ name: "orders", deadLetterQueue: "dlq" });
    account.addQueue({ name: "refunds", deadLetterQueue: "dlq" });
    account.addQueue({ name: "plain" });
    account.addQueue({ name: "elsewhere" });
    for (let i = 0; i < 30; i++) account.addMessage("dlq", { body: `o${i}`, fromQueue: "orders" });
    for (let i = 0; i < 10; i++) account.addMessage("dlq", { body: `r${i}`, fromQueue: "refunds" });
    return { ...setupResult, dlqArn: account.queue("dlq")!.arn };
  }

  it("moves messages back to the queues they came from, at the requested rate on the virtual clock", async () => {
    const { account, sqs, dlqArn } = redriveSetup();
    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 10 }),
    );
    expect(TaskHandle).toBeTruthy();
    account.advanceTime(2000);
    const running = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results!;
    expect(running).toEqual([
      expect.objectContaining({
        TaskHandle,
        Status: "RUNNING",
        ApproximateNumberOfMessagesMoved: 20,
        ApproximateNumberOfMessagesToMove: 40,
        MaxNumberOfMessagesPerSecond: 10,
      }),
    ]);
    account.advanceTime(2000);
    const done = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results![0]!;
    expect(done).toMatchObject({ Status: "COMPLETED", ApproximateNumberOfMessagesMoved: 40 });
    expect(done).not.toHaveProperty("TaskHandle");
    expect(account.queue("dlq")?.messages).toHaveLength(0);
    const orders = account.queue("orders")!.messages;
    expect(orders.map((m) => m.body)).toEqual(Array.from({ length: 30 }, (_, i) => `o${i}`));
    expect(account.queue("refunds")?.messages).toHaveLength(10);
    // Moved messages are new messages: fresh ids, sent during the move.
    expect(orders[0]?.sentAt).toBeGreaterThan(account.clock.now() - 4000);
    expect(orders[0]?.deadLetterSourceArn).toBeUndefined();
  });

  it("moves to DestinationArn when one is given", async () => {
    const { account, sqs, dlqArn } = redriveSetup();
    await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: account.queue("elsewhere")!.arn }),
    );
    account.advanceTime(1000);
    expect(account.queue("elsewhere")?.messages).toHaveLength(40);
    expect(account.queue("orders")?.messages).toHaveLength(0);
  });

  it("allows one active task per source queue, and cancels without undoing what moved", async () => {
    const { account, sqs, dlqArn } = redriveSetup();
    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 5 }),
    );
    const second = await expectAwsError(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn })),
      "InvalidParameterValue",
    );
    expect(second.message).toMatch(/Only one active task/);
    account.advanceTime(1000);
    const cancelled = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    expect(cancelled.ApproximateNumberOfMessagesMoved).toBe(5);
    expect(
      (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results?.[0]?.Status,
    ).toBe("CANCELLING");
    account.advanceTime(1000);
    expect(
      (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results?.[0]?.Status,
    ).toBe("CANCELLED");
    expect(account.queue("orders")?.messages).toHaveLength(5);
    expect(account.queue("dlq")?.messages).toHaveLength(35);
    await expectAwsError(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle })), "UnsupportedOperation");
    // A new task may start once the previous one has ended; the list is newest first.
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    const tasks = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 })))
      .Results!;
    expect(tasks.map((t) => t.Status)).toEqual(["RUNNING", "CANCELLED"]);
  });

  it("rejects a source that is no queue's DLQ, unknown queues and rates above 500 per second", async () => {
    const { account, sqs, dlqArn } = redriveSetup();
    const error = await expectAwsError(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: account.queue("plain")!.arn })),
      "InvalidParameterValue",
      400,
    );
    expect(error.message).toMatch(/Dead Letter Queue/);
    await expectAwsError(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: "arn:aws:sqs:us-east-1:123456789012:ghost" })),
      "ResourceNotFoundException",
    );
    await expectAwsError(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 501 })),
      "InvalidParameterValue",
    );
    await expectAwsError(
      sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: "bm9wZQ==" })),
      "ResourceNotFoundException",
    );
    expect(account.moveTasks).toEqual([]);
  });

  it("fails a task whose messages have no source queue and no destination is given", async () => {
    const { account, sqs } = setup();
    account.addQueue({ name: "dlq" });
    account.addQueue({ name: "main", deadLetterQueue: "dlq" });
    account.addMessage("dlq", { body: "sent straight to the DLQ" });
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: account.queue("dlq")!.arn }));
    account.advanceTime(1000);
    const task = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: account.queue("dlq")!.arn })))
      .Results![0]!;
    expect(task.Status).toBe("FAILED");
    expect(task.FailureReason).toMatch(/DestinationArn/);
    expect(account.queue("dlq")?.messages).toHaveLength(1);
  });

  it("redrives FIFO DLQs into their FIFO source, keeping message groups and order", async () => {
    const { account, sqs } = setup();
    account.addQueue({ name: "ledger-dlq.fifo" });
    account.addQueue({ name: "ledger.fifo", deadLetterQueue: "ledger-dlq.fifo" });
    for (const [group, body] of [
      ["acct-1", "a"],
      ["acct-2", "b"],
      ["acct-1", "c"],
      ["acct-1", "c"],
    ]) {
      account.addMessage("ledger-dlq.fifo", { body: body!, groupId: group!, fromQueue: "ledger.fifo" });
    }
    await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: account.queue("ledger-dlq.fifo")!.arn,
        MaxNumberOfMessagesPerSecond: 1,
      }),
    );
    account.advanceTime(10_000);
    const moved = account.queue("ledger.fifo")!.messages;
    expect(moved.map((m) => [m.groupId, m.body])).toEqual([
      ["acct-1", "a"],
      ["acct-2", "b"],
      ["acct-1", "c"],
      ["acct-1", "c"],
    ]);
    expect(new Set(moved.map((m) => m.sequenceNumber)).size).toBe(4);
    await expectAwsError(
      sqs.send(
        new StartMessageMoveTaskCommand({
          SourceArn: account.queue("ledger-dlq.fifo")!.arn,
          DestinationArn: account.addQueue({ name: "std" }).arn,
        }),
      ),
      "InvalidParameterValue",
    );
  });
});
