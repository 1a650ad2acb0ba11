/**
 * The SQS message move task path on lib/sim (moto 5.2 has no StartMessageMoveTask,
 * ListMessageMoveTasks or CancelMessageMoveTask). The sample account's payments-dlq (standard, 3 messages
 * from payments) and ledger-dlq.fifo (2 messages of one group from ledger.fifo); tasks progress on the
 * account's virtual clock, and every assertion reads the queues' messages.
 */
import { describe, expect, it } from "vitest";
import {
  DlqError,
  cancelRedrive,
  previewRedrive,
  redrive,
  redriveStatus,
  startRedrive,
  type DlqErrorCode,
} from "../../lib/dlq/index.js";
import { advance, bodies, simSetup } from "./fixtures.js";

const PAYMENTS = [
  '{"paymentId":1041,"amount":42.5}',
  '{"paymentId":1042,"amount":42.5}',
  '{"paymentId":1057,"amount":42.5}',
];

async function refusal(promise: Promise<unknown>, code: DlqErrorCode, ...parts: string[]): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DlqError);
  expect((error as DlqError).code).toBe(code);
  for (const part of parts) expect((error as DlqError).message).toContain(part);
}

describe("preview", () => {
  it("shows count, source, truncated sample and oldest age without moving anything", async () => {
    const { sim, aws, inventory } = await simSetup((sim) =>
      sim.addMessage("payments-dlq", {
        body: JSON.stringify({ note: "x".repeat(500) }),
        fromQueue: "payments",
      }),
    );
    advance(sim, 90_000);
    const preview = await previewRedrive(aws, inventory, "payments-dlq", { sample: 10, bodyChars: 40 });
    expect(preview).toMatchObject({
      method: "move-task",
      count: 4,
      target: "each message's own source queue (payments)",
      sources: [{ kind: "sqs-queue", name: "payments" }],
      oldestAgeFrom: "sample",
    });
    expect(preview.sample.map((m) => m.body)).toEqual([...PAYMENTS, `{"note":"${"x".repeat(31)}…`]);
    expect(preview.sample.map((m) => m.truncated)).toEqual([false, false, false, true]);
    expect(preview.sample[3]?.bytes).toBe(511);
    expect(preview.sample.every((m) => m.sourceArn === sim.arns.of("sqs", "payments"))).toBe(true);
    expect(preview.oldestAgeSeconds).toBeGreaterThanOrEqual(90);
    expect(preview.sentence).toMatch(
      /^payments-dlq holds 4 messages, oldest 1 min \(of those sampled\): a message move task/,
    );
    // Nothing moved, nothing hidden: the peek leaves every message visible in the DLQ.
    expect(bodies(sim, "payments-dlq")).toHaveLength(4);
    expect(bodies(sim, "payments")).toEqual([]);
    expect((await previewRedrive(aws, inventory, "payments-dlq")).count).toBe(4);
  });

  it("takes the oldest age from ApproximateAgeOfOldestMessage when CloudWatch has it", async () => {
    const { sim, aws, inventory } = await simSetup();
    sim.emitMetric({
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: "payments-dlq" },
      values: [7200],
      timestamp: sim.clock.now() - 60_000,
    });
    const preview = await previewRedrive(aws, inventory, "payments-dlq");
    expect(preview).toMatchObject({ oldestAgeSeconds: 7200, oldestAgeFrom: "metric" });
    expect(preview.sentence).toContain("oldest 2 h:");
  });

  it("skips the sample of a DLQ that has its own redrive policy, and says why", async () => {
    const { aws, inventory } = await simSetup((sim) => {
      sim.addQueue({ name: "last-resort" });
      sim.addQueue({ name: "chained-dlq", deadLetterQueue: "last-resort", maxReceiveCount: 2 });
      sim.addQueue({ name: "work", deadLetterQueue: "chained-dlq" });
      sim.addMessage("chained-dlq", { body: '{"n":1}', fromQueue: "work", receiveCount: 1 });
    });
    const preview = await previewRedrive(aws, inventory, "chained-dlq");
    expect(preview.sample).toEqual([]);
    expect(preview.sampleSkipped).toContain("could move it on to last-resort");
    expect(preview.count).toBe(1);
  });
});

describe("a DLQ shared by a queue and a function", () => {
  it("makes the caller choose, and warns what a move task would do with the function's messages", async () => {
    const { aws, inventory } = await simSetup((sim) => {
      sim.addQueue({ name: "mixed-dlq" });
      sim.addQueue({ name: "mixed-source", deadLetterQueue: "mixed-dlq" });
      sim.addFunction({ name: "mixed-fn", deadLetterTargetArn: sim.arns.of("sqs", "mixed-dlq") });
      sim.addMessage("mixed-dlq", { body: '{"n":1}', fromQueue: "mixed-source" });
    });
    await refusal(
      previewRedrive(aws, inventory, "mixed-dlq"),
      "choose",
      "shared by sources of different kinds",
    );
    const preview = await previewRedrive(aws, inventory, "mixed-dlq", { via: "move-task" });
    expect(preview.method).toBe("move-task");
    expect(preview.warnings).toContain(
      "mixed-dlq also receives failures from mixed-fn: those messages have no source queue, so without a " +
        "destination the move task fails when it reaches one",
    );
    expect((await previewRedrive(aws, inventory, "mixed-dlq", { via: "reinvoke" })).target).toBe(
      "function mixed-fn",
    );
  });
});

describe("move task", () => {
  it("returns every message to its source, and refuses a second task while one runs", async () => {
    const { sim, aws, inventory } = await simSetup();
    const started = await startRedrive(aws, inventory, "payments-dlq", { ratePerSecond: 1 });
    expect(started).toMatchObject({ method: "move-task", approximateToMove: 3, maxPerSecond: 1 });
    expect(started.sentence).toContain("about 3 messages to each message's own source queue at up to 1/s");

    await refusal(startRedrive(aws, inventory, "payments-dlq"), "task-running", "one active task per queue");

    let status = await redriveStatus(aws, inventory, "payments-dlq");
    expect(status.running).toMatchObject({ status: "RUNNING", taskHandle: started.taskHandle, toMove: 3 });

    advance(sim, 1_000);
    expect(bodies(sim, "payments")).toEqual(PAYMENTS.slice(0, 1));
    advance(sim, 2_000);
    expect(bodies(sim, "payments")).toEqual(PAYMENTS);
    expect(bodies(sim, "payments-dlq")).toEqual([]);

    status = await redriveStatus(aws, inventory, "payments-dlq");
    expect(status.running).toBeUndefined();
    expect(status.tasks[0]).toMatchObject({ status: "COMPLETED", moved: 3, toMove: 3 });
    expect(status.sentence).toContain("latest move task: COMPLETED, 3 of 3 moved to their sources");

    // Finished and empty: nothing to start.
    await refusal(
      startRedrive(aws, inventory, "payments-dlq"),
      "empty",
      "payments-dlq holds no visible message",
    );
    // A new failure after the task ended: a new task may start.
    sim.addMessage("payments-dlq", { body: '{"paymentId":2001}', fromQueue: "payments" });
    await startRedrive(aws, inventory, "payments-dlq");
    advance(sim, 1_000);
    expect((await redriveStatus(aws, inventory, "payments-dlq")).tasks.map((t) => t.status)).toEqual([
      "COMPLETED",
      "COMPLETED",
    ]);
    expect(bodies(sim, "payments")).toEqual([...PAYMENTS, '{"paymentId":2001}']);
  });

  it("cancels only a running task; what moved stays moved", async () => {
    const { sim, aws, inventory } = await simSetup();
    await startRedrive(aws, inventory, "payments-dlq", { ratePerSecond: 1 });
    advance(sim, 1_000);
    const cancelled = await cancelRedrive(aws, inventory, "payments-dlq");
    expect(cancelled.movedBeforeCancel).toBe(1);
    expect(cancelled.sentence).toContain("1 message had moved and stay where they went");
    advance(sim, 10_000);
    expect(bodies(sim, "payments")).toEqual(PAYMENTS.slice(0, 1));
    expect(bodies(sim, "payments-dlq")).toEqual(PAYMENTS.slice(1));
    expect((await redriveStatus(aws, inventory, "payments-dlq")).tasks[0]?.status).toBe("CANCELLED");
    await refusal(
      cancelRedrive(aws, inventory, "payments-dlq"),
      "no-running-task",
      "no message move task is running for payments-dlq: the latest is CANCELLED",
    );
  });

  it("keeps FIFO order and group to the FIFO source, and refuses a standard destination", async () => {
    const { sim, aws, inventory } = await simSetup();
    await refusal(
      startRedrive(aws, inventory, "ledger-dlq.fifo", { destination: "payments" }),
      "invalid-option",
      "only moves between queues of the same type",
    );
    await startRedrive(aws, inventory, "ledger-dlq.fifo");
    advance(sim, 1_000);
    const ledger = sim.queue("ledger.fifo")!.messages;
    expect(ledger.map((m) => [m.body, m.groupId])).toEqual([
      ['{"entry":"A-17"}', "account-17"],
      ['{"entry":"A-18"}', "account-17"],
    ]);
    expect(bodies(sim, "ledger-dlq.fifo")).toEqual([]);
  });

  it("moves to a chosen queue of the same type", async () => {
    const { sim, aws, inventory } = await simSetup((sim) => sim.addQueue({ name: "payments-replay" }));
    const started = await startRedrive(aws, inventory, "payments-dlq", { destination: "payments-replay" });
    expect(started.destination?.name).toBe("payments-replay");
    advance(sim, 1_000);
    expect(bodies(sim, "payments-replay")).toEqual(PAYMENTS);
    expect(bodies(sim, "payments")).toEqual([]);
  });

  it("validates the rate: 1 to 500 whole messages a second", async () => {
    const { sim, aws, inventory } = await simSetup();
    for (const rate of [0, 501, 2.5, -1]) {
      await refusal(
        startRedrive(aws, inventory, "payments-dlq", { ratePerSecond: rate }),
        "invalid-option",
        `ratePerSecond ${rate} is not valid: use a whole number from 1 to 500`,
      );
    }
    expect(sim.moveTasks).toEqual([]);
    await startRedrive(aws, inventory, "payments-dlq", { ratePerSecond: 500 });
    expect(sim.moveTasks[0]?.maxPerSecond).toBe(500);
  });

  it("rejects a missing queue and a queue that is no SQS queue's DLQ, naming them", async () => {
    const { sim, aws, inventory } = await simSetup();
    await refusal(
      startRedrive(aws, inventory, "no-such-dlq"),
      "not-found",
      'queue "no-such-dlq" is not in the inventory',
    );
    await refusal(startRedrive(aws, inventory, "payments"), "not-a-dlq", "queue payments is no DLQ");
    await refusal(
      startRedrive(aws, inventory, "notifications-dlq"),
      "not-redrivable",
      "notifications-dlq cannot be redriven with a message move task",
    );
    await refusal(redriveStatus(aws, inventory, "payments"), "not-a-dlq", "queue payments is no DLQ");
    await refusal(cancelRedrive(aws, inventory, "no-such-dlq"), "not-found", "no-such-dlq");
    expect(sim.moveTasks).toEqual([]);
  });

  it("says when the queue was deleted after the inventory was read", async () => {
    const { sim, aws, inventory } = await simSetup();
    sim.queues.delete("payments-dlq");
    await refusal(
      startRedrive(aws, inventory, "payments-dlq"),
      "not-found",
      "payments-dlq",
      "no longer exists",
    );
  });

  it("stops at the preview on a dry run", async () => {
    const { sim, aws, inventory } = await simSetup();
    const result = await redrive(aws, inventory, "payments-dlq", { dryRun: true });
    expect(result.kind).toBe("dry-run");
    expect(result.sentence).toMatch(/^dry run, nothing moved: payments-dlq holds 3 messages/);
    advance(sim, 10_000);
    expect(sim.moveTasks).toEqual([]);
    expect(bodies(sim, "payments-dlq")).toEqual(PAYMENTS);
  });

  it("redrives through the one entry when asked for real", async () => {
    const { sim, aws, inventory } = await simSetup();
    const result = await redrive(aws, inventory, "payments-dlq");
    expect(result.kind).toBe("move-task");
    advance(sim, 1_000);
    expect(bodies(sim, "payments")).toEqual(PAYMENTS);
  });
});
