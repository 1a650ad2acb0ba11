/** Which redrive a DLQ allows, decided from hand-made inventories (pure: no AWS, no sim). */
import { describe, expect, it } from "vitest";
import {
  DlqError,
  chooseRedrive,
  extractPayload,
  findQueue,
  listDlqs,
  resolveDestination,
  type DlqErrorCode,
} from "../../lib/dlq/index.js";
import { indexInventory, type Resource } from "../../lib/inventory/index.js";
import { ACCOUNT, REGION, arnOf, fn, inventoryOf, queue, rule, topic } from "../inventory/fixtures.js";

function errorOf(run: () => unknown): DlqError {
  try {
    run();
  } catch (error) {
    if (error instanceof DlqError) return error;
    throw error;
  }
  throw new Error("expected a DlqError");
}

function expectRefusal(run: () => unknown, code: DlqErrorCode, ...parts: (string | RegExp)[]): void {
  const error = errorOf(run);
  expect(error.code).toBe(code);
  for (const part of parts) expect(error.message).toMatch(part);
}

const dlq = queue("orders-dlq", { approximateMessages: 4 });
const orders = queue("orders", { redrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 } });
const refunds = queue("refunds", { redrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 } });
const mailDlq = queue("mail-dlq", { approximateMessages: 2 });
const mailer = fn("mailer", { deadLetterTargetArn: mailDlq.arn });
const reportFailures = queue("report-failures");
const reporter = fn("reporter", { asyncInvoke: { onFailureDestination: reportFailures.arn } });
const aliasFailures = queue("alias-failures");
const aliased = fn("aliased", {
  qualifiedAsyncInvoke: [{ qualifier: "live", onFailureDestination: aliasFailures.arn }],
});
const streamFailures = queue("stream-failures");
const streamer = fn("streamer", {
  eventSources: [
    {
      uuid: "u-1",
      sourceKind: "kinesis",
      sourceArn: arnOf.stream("clicks"),
      state: "Enabled",
      onFailureDestination: streamFailures.arn,
    },
  ],
});
const ruleDlq = queue("rule-dlq");
const placed = rule("order-placed", { targets: [{ id: "t", arn: mailer.arn, deadLetterArn: ruleDlq.arn }] });
const topicDlq = queue("topic-dlq");
const alerts = topic("alerts", {
  subscriptions: [
    {
      arn: `${arnOf.topic("alerts")}:s1`,
      protocol: "lambda",
      endpoint: mailer.arn,
      deadLetterArn: topicDlq.arn,
    },
  ],
});
const mixed = queue("mixed-dlq");
const mixedQueue = queue("mixed-source", {
  redrivePolicy: { deadLetterTargetArn: mixed.arn, maxReceiveCount: 5 },
});
const mixedFn = fn("mixed-fn", { deadLetterTargetArn: mixed.arn });
const shared = queue("shared-dlq");
const sharedA = fn("shared-a", { deadLetterTargetArn: shared.arn });
const sharedB = fn("shared-b", { deadLetterTargetArn: shared.arn });
const plain = queue("plain");
const fifoDlq = queue("ledger-dlq.fifo");
const ledger = queue("ledger.fifo", {
  redrivePolicy: { deadLetterTargetArn: fifoDlq.arn, maxReceiveCount: 3 },
});
const otherFifo = queue("replay.fifo");
const ownDlq = queue("watchkeeper-dlq");
const own = fn("watchkeeper-notify", {
  deadLetterTargetArn: ownDlq.arn,
  tags: { "watchkeeper:managed": "true" },
});

const resources: Resource[] = [
  dlq,
  orders,
  refunds,
  mailDlq,
  mailer,
  reportFailures,
  reporter,
  aliasFailures,
  aliased,
  streamFailures,
  streamer,
  ruleDlq,
  placed,
  topicDlq,
  alerts,
  mixed,
  mixedQueue,
  mixedFn,
  shared,
  sharedA,
  sharedB,
  plain,
  fifoDlq,
  ledger,
  otherFifo,
  ownDlq,
  own,
];
const index = indexInventory(inventoryOf(resources));

describe("listDlqs", () => {
  const rows = listDlqs(index);
  const row = (name: string) => rows.find((r) => r.queue.name === name);

  it("lists every DLQ once, by name, and no plain queue", () => {
    expect(rows.map((r) => r.queue.name)).toEqual([
      "alias-failures",
      "ledger-dlq.fifo",
      "mail-dlq",
      "mixed-dlq",
      "orders-dlq",
      "report-failures",
      "rule-dlq",
      "shared-dlq",
      "stream-failures",
      "topic-dlq",
      "watchkeeper-dlq",
    ]);
  });

  it("says which redrive each allows", () => {
    expect(Object.fromEntries(rows.map((r) => [r.queue.name, r.redrive]))).toEqual({
      "alias-failures": "reinvoke",
      "ledger-dlq.fifo": "move-task",
      "mail-dlq": "reinvoke",
      "mixed-dlq": "choose",
      "orders-dlq": "move-task",
      "report-failures": "reinvoke",
      "rule-dlq": "none",
      "shared-dlq": "choose",
      "stream-failures": "none",
      "topic-dlq": "none",
      "watchkeeper-dlq": "none",
    });
  });

  it("gives depth, sources and a sentence", () => {
    expect(row("orders-dlq")).toMatchObject({
      depth: 4,
      sources: [
        { kind: "sqs-queue", name: "orders", method: "move-task" },
        { kind: "sqs-queue", name: "refunds", method: "move-task" },
      ],
      sentence:
        "orders-dlq: 4 messages from queue orders and queue refunds; redrive with a message move task",
    });
    expect(row("stream-failures")?.sources).toEqual([
      expect.objectContaining({ kind: "event-source-failure", name: "streamer" }),
    ]);
    expect(row("stream-failures")?.sources[0]).not.toHaveProperty("method");
    expect(row("alias-failures")?.sources[0]).toMatchObject({
      kind: "function-destination",
      qualifiers: ["live"],
    });
  });
});

describe("chooseRedrive", () => {
  const q = (name: string) => findQueue(index, name);

  it("takes a move task for an SQS queue's DLQ, back to the sources", () => {
    const route = chooseRedrive(index, q("orders-dlq"));
    expect(route.method).toBe("move-task");
    expect(route.sentence).toContain("back to each message's source queue (orders and refunds)");
  });

  it("re-invokes with the body for a function's async DLQ, with requestPayload for an on-failure destination", () => {
    const dlqRoute = chooseRedrive(index, q("mail-dlq"));
    expect(dlqRoute).toMatchObject({ method: "reinvoke", payload: "body", fn: { name: "mailer" } });
    const destinationRoute = chooseRedrive(index, q("report-failures"));
    expect(destinationRoute).toMatchObject({
      method: "reinvoke",
      payload: "record",
      fn: { name: "reporter" },
    });
  });

  it("refuses to choose for a queue shared by a queue and a function, and names both ways", () => {
    expectRefusal(
      () => chooseRedrive(index, q("mixed-dlq")),
      "choose",
      "mixed-dlq is shared by sources of different kinds",
      "via move-task",
      "via reinvoke (invoke mixed-fn)",
    );
    expect(chooseRedrive(index, q("mixed-dlq"), { via: "move-task" }).method).toBe("move-task");
    expect(chooseRedrive(index, q("mixed-dlq"), { via: "reinvoke" })).toMatchObject({
      fn: { name: "mixed-fn" },
    });
  });

  it("asks which function when several share an async DLQ", () => {
    expectRefusal(
      () => chooseRedrive(index, q("shared-dlq")),
      "choose",
      "shared-a and shared-b",
      "functionName",
    );
    expect(chooseRedrive(index, q("shared-dlq"), { functionName: "shared-b" })).toMatchObject({
      method: "reinvoke",
      fn: { name: "shared-b" },
    });
    expect(chooseRedrive(index, q("shared-dlq"), { functionName: sharedA.arn })).toMatchObject({
      fn: { name: "shared-a" },
    });
    expectRefusal(
      () => chooseRedrive(index, q("shared-dlq"), { functionName: "mailer" }),
      "not-redrivable",
      'function "mailer" does not send its async failures to shared-dlq',
    );
  });

  it("refuses a move task for a function's DLQ and says to re-invoke", () => {
    expectRefusal(
      () => chooseRedrive(index, q("mail-dlq"), { via: "move-task" }),
      "not-redrivable",
      "StartMessageMoveTask needs a queue that is some SQS queue's DLQ",
      "use the re-invoke redrive",
    );
    expectRefusal(
      () => chooseRedrive(index, q("orders-dlq"), { via: "reinvoke" }),
      "not-redrivable",
      "use a message move task",
    );
  });

  it("refuses what it cannot redrive: stream failures, rule and subscription DLQs", () => {
    expectRefusal(
      () => chooseRedrive(index, q("stream-failures")),
      "not-redrivable",
      "replay means reading the stream",
    );
    expectRefusal(
      () => chooseRedrive(index, q("rule-dlq")),
      "not-redrivable",
      "EventBridge rule order-placed",
    );
    expectRefusal(() => chooseRedrive(index, q("topic-dlq")), "not-redrivable", "SNS topic alerts");
  });

  it("never re-invokes Watchkeeper's own functions, by tag or by name", () => {
    expectRefusal(() => chooseRedrive(index, q("watchkeeper-dlq")), "protected", "watchkeeper-notify");
    const dlq = queue("self-dlq");
    const byName = indexInventory(
      inventoryOf([dlq, fn("watchkeeper-breaker", { deadLetterTargetArn: dlq.arn })]),
    );
    expectRefusal(
      () => chooseRedrive(byName, findQueue(byName, "self-dlq")),
      "protected",
      "watchkeeper-breaker is one of Watchkeeper's own functions",
    );
    const byTag = indexInventory(
      inventoryOf([
        dlq,
        fn("notifier", { deadLetterTargetArn: dlq.arn, tags: { "watchkeeper:managed": "true" } }),
      ]),
    );
    expectRefusal(() => chooseRedrive(byTag, findQueue(byTag, "self-dlq")), "protected", "notifier");
  });

  it("rejects a queue that is no DLQ, naming it", () => {
    expectRefusal(() => chooseRedrive(index, q("plain")), "not-a-dlq", "queue plain is no DLQ");
  });
});

describe("findQueue", () => {
  it("finds a queue by name, URL or ARN", () => {
    expect(findQueue(index, "orders-dlq").arn).toBe(dlq.arn);
    expect(findQueue(index, dlq.url).arn).toBe(dlq.arn);
    expect(findQueue(index, dlq.arn).arn).toBe(dlq.arn);
    expect(findQueue(index, ` ${dlq.arn} `).arn).toBe(dlq.arn);
  });

  it("names a missing queue and where it looked", () => {
    expectRefusal(
      () => findQueue(index, "nope-dlq"),
      "not-found",
      `queue "nope-dlq" is not in the inventory of account ${ACCOUNT} in ${REGION}`,
    );
  });

  it("never takes a same-named queue of another region or account", () => {
    expectRefusal(
      () => findQueue(index, `arn:aws:sqs:eu-west-1:${ACCOUNT}:orders-dlq`),
      "not-found",
      "names another account or region",
    );
    expectRefusal(
      () => findQueue(index, `https://sqs.${REGION}.amazonaws.com/222222222222/orders-dlq`),
      "not-found",
      "names another account or region",
    );
  });
});

describe("resolveDestination", () => {
  it("takes a queue of the same type", () => {
    expect(resolveDestination(index, findQueue(index, "ledger-dlq.fifo"), "replay.fifo").name).toBe(
      "replay.fifo",
    );
    expect(resolveDestination(index, findQueue(index, "orders-dlq"), "plain").name).toBe("plain");
  });

  it("refuses FIFO ↔ standard, the DLQ itself, and a missing queue", () => {
    expectRefusal(
      () => resolveDestination(index, findQueue(index, "ledger-dlq.fifo"), "plain"),
      "invalid-option",
      "plain is a standard queue and ledger-dlq.fifo is a FIFO queue",
    );
    expectRefusal(
      () => resolveDestination(index, findQueue(index, "orders-dlq"), "orders-dlq"),
      "invalid-option",
      "the DLQ itself",
    );
    expectRefusal(
      () => resolveDestination(index, findQueue(index, "orders-dlq"), "gone"),
      "not-found",
      'destination queue "gone"',
    );
  });
});

describe("extractPayload", () => {
  const record = (functionArn: string, payload: unknown) =>
    JSON.stringify({
      version: "1.0",
      timestamp: "2025-01-01T00:00:00.000Z",
      requestContext: {
        requestId: "r-1",
        functionArn,
        condition: "RetriesExhausted",
        approximateInvokeCount: 3,
      },
      requestPayload: payload,
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      responsePayload: { errorMessage: "boom" },
    });

  it("sends a DLQ body exactly as it is", () => {
    const body = '{ "a": 1,  "b": [true, null] }';
    expect(extractPayload(body, "body", mailer)).toEqual({ ok: true, payload: body });
  });

  it("sends a record's requestPayload, from any qualifier of the same function", () => {
    expect(extractPayload(record(`${reporter.arn}:$LATEST`, { id: 7 }), "record", reporter)).toEqual({
      ok: true,
      payload: '{"id":7}',
    });
    expect(extractPayload(record(`${reporter.arn}:live`, "text"), "record", reporter)).toEqual({
      ok: true,
      payload: '"text"',
    });
  });

  it("leaves a record of another function, a non-record and a non-JSON body", () => {
    expect(extractPayload(record(`${mailer.arn}:$LATEST`, {}), "record", reporter)).toMatchObject({
      ok: false,
      reason: "other-function",
    });
    expect(extractPayload('{"id":7}', "record", reporter)).toMatchObject({
      ok: false,
      reason: "not-a-record",
    });
    expect(
      extractPayload(
        JSON.stringify({ requestContext: { functionArn: `${reporter.arn}:$LATEST` } }),
        "record",
        reporter,
      ),
    ).toMatchObject({
      ok: false,
      reason: "not-a-record",
      detail: "the invocation record holds no requestPayload",
    });
    expect(extractPayload("not json", "body", mailer)).toMatchObject({ ok: false, reason: "not-json" });
  });

  it("decides per message when the queue is both the DLQ and the destination of one function", () => {
    expect(extractPayload('{"id":7}', "auto", reporter)).toEqual({ ok: true, payload: '{"id":7}' });
    expect(extractPayload(record(`${reporter.arn}:$LATEST`, { id: 8 }), "auto", reporter)).toEqual({
      ok: true,
      payload: '{"id":8}',
    });
  });
});
