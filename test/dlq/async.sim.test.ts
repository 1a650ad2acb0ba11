/**
 * The re-invoke path on lib/sim, where each function records every Invoke it receives (payload, type,
 * time) and `failInvokes` makes Invoke fail: payloads are compared exactly, failures leave messages in
 * the DLQ, FIFO groups keep their order, and the run is bounded by count, rate and deadline. The same path
 * over the real wire is in async.moto.test.ts.
 */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { describe, expect, it } from "vitest";
import { Aws } from "../../lib/aws/index.js";
import { DlqError, redrive, redriveAsyncDlq, type DlqErrorCode } from "../../lib/dlq/index.js";
import { simPlugin, type SimAccount } from "../../lib/sim/index.js";
import { bodies, simSetup } from "./fixtures.js";

const events = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({ notification: i + 1, to: `user-${i + 1}@example.com`, text: "héllo ✓" }),
  );

function invoked(sim: SimAccount, name: string): string[] {
  return sim.functions
    .get(name)!
    .invocations.filter((i) => i.type === "Event" && i.outcome === "accepted")
    .map((i) => i.payload);
}

async function refusal(promise: Promise<unknown>, code: DlqErrorCode, ...parts: string[]): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DlqError);
  expect((error as DlqError).code).toBe(code);
  for (const part of parts) expect((error as DlqError).message).toContain(part);
}

describe("a function's async DLQ", () => {
  it("invokes the function with every body, in order, and deletes each after the invoke", async () => {
    const sent = events(12);
    const { sim, aws, inventory } = await simSetup((sim) => {
      for (const body of sent) sim.addMessage("notifications-dlq", { body });
    });
    const report = await redriveAsyncDlq(aws, inventory, "notifications-dlq");
    expect(invoked(sim, "notifications-sender")).toEqual(sent);
    expect(bodies(sim, "notifications-dlq")).toEqual([]);
    expect(report).toMatchObject({ stopped: "empty", remaining: 0, left: [], invokedNotDeleted: [] });
    expect(report.moved).toHaveLength(12);
    expect(report.sentence).toBe(
      "12 messages from notifications-dlq re-invoked into notifications-sender and deleted; stopped because the DLQ had no more visible messages; 0 messages remain in notifications-dlq",
    );
  });

  it("stops at a failing invoke, leaves that message and the rest visible, and finishes later with no duplicate", async () => {
    const sent = events(7);
    const { sim, aws, inventory } = await simSetup((sim) => {
      for (const body of sent) sim.addMessage("notifications-dlq", { body });
    });

    const first = await redriveAsyncDlq(aws, inventory, "notifications-dlq", { maxMessages: 2 });
    expect(first).toMatchObject({ stopped: "max-messages", remaining: 5 });
    expect(invoked(sim, "notifications-sender")).toEqual(sent.slice(0, 2));

    sim.failInvokes("notifications-sender", "ServiceException");
    const failed = await redriveAsyncDlq(aws, inventory, "notifications-dlq");
    expect(failed.stopped).toBe("invoke-failed");
    expect(failed.moved).toEqual([]);
    expect(failed.left[0]).toMatchObject({ reason: "invoke-failed" });
    expect(failed.left[0]?.detail).toContain("Simulated failure of notifications-sender: ServiceException");
    expect(failed.left.slice(1).every((l) => l.reason === "not-attempted")).toBe(true);
    expect(failed.sentence).toContain("stays in the DLQ");
    expect(failed.remaining).toBe(5);
    // Still there and visible again at once (released), not hidden until a timeout.
    expect(bodies(sim, "notifications-dlq")).toEqual(sent.slice(2));
    expect(sim.queue("notifications-dlq")!.messages.every((m) => m.visibleAt <= sim.clock.now())).toBe(true);

    sim.failInvokes("notifications-sender", false);
    const last = await redriveAsyncDlq(aws, inventory, "notifications-dlq");
    expect(last).toMatchObject({ stopped: "empty", remaining: 0 });
    expect(invoked(sim, "notifications-sender")).toEqual(sent);
  });

  it("is bounded by rate and deadline", async () => {
    const sent = events(6);
    const { sim, aws, inventory } = await simSetup((sim) => {
      for (const body of sent) sim.addMessage("notifications-dlq", { body });
    });
    const start = sim.clock.now();
    const report = await redriveAsyncDlq(aws, inventory, "notifications-dlq", {
      ratePerSecond: 2,
      deadline: start + 1_400,
    });
    const times = sim.functions.get("notifications-sender")!.invocations.map((i) => i.at);
    expect(times.length).toBe(3);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(500);
    expect(report.stopped).toBe("deadline");
    expect(report.left.every((l) => l.reason === "not-attempted")).toBe(true);
    expect(bodies(sim, "notifications-dlq")).toEqual(sent.slice(3));
  });

  it("leaves a body that is not JSON or too large to invoke, and moves the others", async () => {
    const big = JSON.stringify({ blob: "x".repeat(1_048_576) });
    const { sim, aws, inventory } = await simSetup((sim) => {
      sim.addMessage("notifications-dlq", { body: '{"ok":1}' });
      sim.addMessage("notifications-dlq", { body: "plain text" });
      sim.addMessage("notifications-dlq", { body: big });
      sim.addMessage("notifications-dlq", { body: '{"ok":2}' });
    });
    const report = await redriveAsyncDlq(aws, inventory, "notifications-dlq");
    expect(invoked(sim, "notifications-sender")).toEqual(['{"ok":1}', '{"ok":2}']);
    expect(report.left.map((l) => l.reason)).toEqual(["not-json", "too-large"]);
    expect(report.left[1]?.detail).toContain(
      "1,048,587 bytes; an asynchronous Invoke takes at most 1,048,576",
    );
    expect(report).toMatchObject({ stopped: "empty", remaining: 2 });
    expect(bodies(sim, "notifications-dlq")).toEqual(["plain text", big]);
  });

  it("reports an invoke whose delete failed as at-least-once, and stops", async () => {
    const sent = events(3);
    const { sim, inventory } = await simSetup((sim) => {
      for (const body of sent) sim.addMessage("notifications-dlq", { body });
    });
    const plugin = simPlugin(sim);
    const denyDeletes = new Aws({
      region: sim.region,
      clock: sim.clock,
      plugin: (service) => ({
        applyToStack(stack) {
          plugin(service).applyToStack(stack);
          stack.add(
            (next, context) => async (args) => {
              if (context.commandName === "DeleteMessageCommand") {
                throw Object.assign(new Error("not allowed to delete"), { name: "AccessDenied" });
              }
              return next(args);
            },
            { step: "initialize", name: "denyDeletes", priority: "normal" },
          );
        },
      }),
    });
    const report = await redriveAsyncDlq(denyDeletes, inventory, "notifications-dlq");
    expect(report.stopped).toBe("delete-failed");
    expect(report.moved).toEqual([]);
    expect(report.invokedNotDeleted).toEqual([
      {
        messageId: expect.any(String),
        error:
          "sqs DeleteMessage failed: AccessDenied: not allowed to delete; the caller needs sqs:DeleteMessage",
      },
    ]);
    expect(report.sentence).toContain(
      "invoked but not deleted: still in the DLQ and will be invoked again next run (at-least-once)",
    );
    expect(invoked(sim, "notifications-sender")).toEqual(sent.slice(0, 1));
    expect(bodies(sim, "notifications-dlq")).toEqual(sent);
  });

  it("keeps each FIFO group's order and never lets a message overtake its group's stuck head", async () => {
    const { sim, aws, inventory } = await simSetup((sim) => {
      sim.addQueue({ name: "jobs-dlq.fifo" });
      sim.addFunction({ name: "jobs", deadLetterTargetArn: sim.arns.of("sqs", "jobs-dlq.fifo") });
      for (const [group, body] of [
        ["g1", '{"job":"a1"}'],
        ["g2", '{"job":"b1"}'],
        ["g1", '{"job":"a2"}'],
        ["g1", '{"job":"a3"}'],
        ["g2", '{"job":"b2"}'],
        ["g2", '{"job":"b3"}'],
      ] as const) {
        sim.addMessage("jobs-dlq.fifo", { body, groupId: group });
      }
    });
    await redriveAsyncDlq(aws, inventory, "jobs-dlq.fifo");
    const sent = invoked(sim, "jobs");
    expect(sent.filter((p) => p.includes('"a'))).toEqual(['{"job":"a1"}', '{"job":"a2"}', '{"job":"a3"}']);
    expect(sent.filter((p) => p.includes('"b'))).toEqual(['{"job":"b1"}', '{"job":"b2"}', '{"job":"b3"}']);
    expect(bodies(sim, "jobs-dlq.fifo")).toEqual([]);
  });

  it("stops a FIFO run at a head that cannot go", async () => {
    const { sim, aws, inventory } = await simSetup((sim) => {
      sim.addQueue({ name: "jobs-dlq.fifo" });
      sim.addFunction({ name: "jobs", deadLetterTargetArn: sim.arns.of("sqs", "jobs-dlq.fifo") });
      sim.addMessage("jobs-dlq.fifo", { body: '{"job":"a1"}', groupId: "g1" });
      sim.addMessage("jobs-dlq.fifo", { body: "corrupt", groupId: "g1" });
      sim.addMessage("jobs-dlq.fifo", { body: '{"job":"a3"}', groupId: "g1" });
    });
    const report = await redriveAsyncDlq(aws, inventory, "jobs-dlq.fifo");
    expect(report.stopped).toBe("fifo-blocked");
    expect(invoked(sim, "jobs")).toEqual(['{"job":"a1"}']);
    expect(report.left).toEqual([expect.objectContaining({ reason: "not-json", groupId: "g1" })]);
    expect(bodies(sim, "jobs-dlq.fifo")).toEqual(["corrupt", '{"job":"a3"}']);
  });

  it("asks which function when two share the DLQ, and never re-invokes Watchkeeper's own", async () => {
    const { sim, aws, inventory } = await simSetup((sim) => {
      sim.addQueue({ name: "shared-dlq" });
      sim.addFunction({ name: "fn-a", deadLetterTargetArn: sim.arns.of("sqs", "shared-dlq") });
      sim.addFunction({ name: "fn-b", deadLetterTargetArn: sim.arns.of("sqs", "shared-dlq") });
      sim.addMessage("shared-dlq", { body: '{"n":1}' });
      sim.addQueue({ name: "own-dlq" });
      sim.addFunction({
        name: "watchkeeper-notify",
        deadLetterTargetArn: sim.arns.of("sqs", "own-dlq"),
        tags: { "watchkeeper:managed": "true" },
      });
      sim.addMessage("own-dlq", { body: '{"n":1}' });
    });
    await refusal(redriveAsyncDlq(aws, inventory, "shared-dlq"), "choose", "fn-a and fn-b");
    await redriveAsyncDlq(aws, inventory, "shared-dlq", { functionName: "fn-b" });
    expect(invoked(sim, "fn-b")).toEqual(['{"n":1}']);
    expect(invoked(sim, "fn-a")).toEqual([]);
    await refusal(redriveAsyncDlq(aws, inventory, "own-dlq"), "protected", "watchkeeper-notify");
    expect(bodies(sim, "own-dlq")).toEqual(['{"n":1}']);
  });

  it("validates the bounds", async () => {
    const { aws, inventory } = await simSetup();
    await refusal(
      redriveAsyncDlq(aws, inventory, "notifications-dlq", { ratePerSecond: 11 }),
      "invalid-option",
      "ratePerSecond 11",
      "1 to 10",
    );
    await refusal(
      redriveAsyncDlq(aws, inventory, "notifications-dlq", { batchSize: 0 }),
      "invalid-option",
      "batchSize 0",
    );
    await refusal(
      redriveAsyncDlq(aws, inventory, "notifications-dlq", { maxMessages: 10_001 }),
      "invalid-option",
      "maxMessages 10001",
    );
    await refusal(
      redriveAsyncDlq(aws, inventory, "notifications-dlq", { qualifier: "bad qualifier" }),
      "invalid-option",
      'qualifier "bad qualifier"',
    );
    await refusal(
      redriveAsyncDlq(aws, inventory, "payments-dlq"),
      "not-redrivable",
      "use a message move task",
    );
  });
});

describe("a function's on-failure destination", () => {
  it("invokes with each record's requestPayload and leaves records of another function", async () => {
    const { sim, aws, inventory } = await simSetup();
    // Real records: with concurrency 0 an async event goes straight to the on-failure destination.
    const generator = sim.functions.get("report-generator")!;
    generator.reservedConcurrency = 0;
    const requests = [{ report: "daily", day: "2025-01-01" }, { report: "weekly", week: 1 }, ["array", 1]];
    for (const request of requests) {
      await aws.client(LambdaClient).send(
        new InvokeCommand({
          FunctionName: "report-generator",
          InvocationType: "Event",
          Payload: new TextEncoder().encode(JSON.stringify(request)),
        }),
      );
    }
    delete generator.reservedConcurrency;
    const foreign = {
      version: "1.0",
      requestContext: {
        functionArn: `${sim.functions.get("notifications-sender")!.arn}:$LATEST`,
        condition: "RetriesExhausted",
      },
      requestPayload: { not: "mine" },
    };
    sim.addMessage("report-failures", { body: JSON.stringify(foreign) });
    expect(JSON.parse(bodies(sim, "report-failures")[0]!)).toMatchObject({ requestPayload: requests[0] });

    const result = await redrive(aws, inventory, "report-failures", { sample: 1 });
    if (result.kind !== "reinvoke") throw new Error(`expected a re-invoke, got ${result.kind}`);
    expect(result.preview.sources[0]?.kind).toBe("function-destination");
    expect(
      generator.invocations.filter((i) => i.outcome === "accepted").map((i) => JSON.parse(i.payload)),
    ).toEqual(requests);
    expect(result.report.left).toEqual([expect.objectContaining({ reason: "other-function" })]);
    expect(bodies(sim, "report-failures")).toEqual([JSON.stringify(foreign)]);
  });
});
