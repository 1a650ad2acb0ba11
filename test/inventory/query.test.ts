import { describe, expect, it } from "vitest";
import { indexInventory } from "../../lib/inventory/index.js";
import { arnOf, fn, inventoryOf, queue, rule, topic } from "./fixtures.js";

const usersStream = `${arnOf.table("users")}/stream/2024-01-01T00:00:00.000`;

const inventory = inventoryOf([
  fn("ingest", {
    eventSources: [{ uuid: "1", sourceArn: arnOf.queue("orders"), sourceKind: "sqs", state: "Enabled" }],
  }),
  fn("audit", {
    deadLetterTargetArn: arnOf.queue("audit-dlq"),
    asyncInvoke: { onFailureDestination: arnOf.queue("shared-dlq") },
    eventSources: [{ uuid: "2", sourceArn: usersStream, sourceKind: "dynamodb-stream", state: "Enabled" }],
  }),
  fn("notify", { deadLetterTargetArn: arnOf.topic("fallback") }),
  queue("orders", { redrivePolicy: { deadLetterTargetArn: arnOf.queue("shared-dlq"), maxReceiveCount: 5 } }),
  queue("shared-dlq"),
  queue("audit-dlq"),
  queue("plain"),
  rule("nightly", {
    targets: [{ id: "t", arn: arnOf.fn("ingest"), deadLetterArn: arnOf.queue("rule-dlq") }],
  }),
  topic("alerts", {
    subscriptions: [
      {
        arn: `${arnOf.topic("alerts")}:1`,
        protocol: "sqs",
        endpoint: arnOf.queue("orders"),
        deadLetterArn: arnOf.queue("shared-dlq"),
      },
    ],
  }),
]);
const index = indexInventory(inventory);

describe("indexInventory", () => {
  it("finds resources by ARN and by kind", () => {
    expect(index.byArn(arnOf.queue("orders"))?.name).toBe("orders");
    expect(index.byArn(arnOf.queue("missing"))).toBeUndefined();
    expect(index.ofKind("lambda-function").map((f) => f.name)).toEqual(["ingest", "audit", "notify"]);
    expect(index.ofKind("kinesis-stream")).toEqual([]);
  });

  it("knows every SQS queue that receives failures, even ones outside the inventory, and no topics", () => {
    expect([...index.dlqArns].sort()).toEqual(
      [arnOf.queue("audit-dlq"), arnOf.queue("rule-dlq"), arnOf.queue("shared-dlq")].sort(),
    );
    expect(index.isDlq(arnOf.queue("orders"))).toBe(false);
    expect(index.isDlq(arnOf.topic("fallback"))).toBe(false);
  });

  it("names every source of a DLQ with how it sends there", () => {
    expect(index.sourcesOfDlq(arnOf.queue("shared-dlq"))).toEqual([
      { type: "on-failure-destination", from: arnOf.fn("audit"), to: arnOf.queue("shared-dlq") },
      { type: "subscription-dlq", from: arnOf.topic("alerts"), to: arnOf.queue("shared-dlq") },
      { type: "dead-letter-queue", from: arnOf.queue("orders"), to: arnOf.queue("shared-dlq") },
    ]);
    expect(index.sourcesOfDlq(arnOf.queue("orders"))).toEqual([]);
  });

  it("finds the functions consuming a queue, a table or its stream", () => {
    expect(index.consumersOf(arnOf.queue("orders")).map((f) => f.name)).toEqual(["ingest"]);
    expect(index.consumersOf(arnOf.table("users")).map((f) => f.name)).toEqual(["audit"]);
    expect(index.consumersOf(usersStream).map((f) => f.name)).toEqual(["audit"]);
    // A topic subscription is not an event source mapping.
    expect(index.consumersOf(arnOf.topic("alerts"))).toEqual([]);
  });

  it("walks relations in both directions, optionally by type", () => {
    expect(index.relationsFrom(arnOf.rule("nightly")).map((r) => r.type)).toEqual([
      "rule-target",
      "target-dlq",
    ]);
    expect(index.relationsFrom(arnOf.rule("nightly"), "target-dlq").map((r) => r.to)).toEqual([
      arnOf.queue("rule-dlq"),
    ]);
    expect(index.relationsTo(arnOf.fn("ingest")).map((r) => r.from)).toEqual([arnOf.rule("nightly")]);
    expect(index.relationsTo(arnOf.queue("orders"), "subscription").map((r) => r.from)).toEqual([
      arnOf.topic("alerts"),
    ]);
  });
});
