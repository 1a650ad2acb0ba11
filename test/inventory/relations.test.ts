import { describe, expect, it } from "vitest";
import { deriveRelations } from "../../lib/inventory/index.js";
import { arnOf, fn, queue, rule, topic } from "./fixtures.js";

describe("deriveRelations", () => {
  it("links a queue to its dead-letter queue", () => {
    const relations = deriveRelations([
      queue("orders", {
        redrivePolicy: { deadLetterTargetArn: arnOf.queue("orders-dlq"), maxReceiveCount: 3 },
      }),
      queue("orders-dlq"),
    ]);
    expect(relations).toEqual([
      { type: "dead-letter-queue", from: arnOf.queue("orders"), to: arnOf.queue("orders-dlq") },
    ]);
  });

  it("maps a DynamoDB stream event source to its table, and keeps other sources as they are", () => {
    const relations = deriveRelations([
      fn("reader", {
        eventSources: [
          {
            uuid: "1",
            sourceArn: `${arnOf.table("users")}/stream/2024-01-01T00:00:00.000`,
            sourceKind: "dynamodb-stream",
            state: "Enabled",
          },
          { uuid: "2", sourceArn: arnOf.stream("clicks"), sourceKind: "kinesis", state: "Enabled" },
          { uuid: "3", sourceKind: "kafka", state: "Enabled" },
        ],
      }),
    ]);
    expect(relations.filter((r) => r.type === "event-source").map((r) => r.to)).toEqual([
      arnOf.table("users"),
      arnOf.stream("clicks"),
    ]);
  });

  it("links a function to its async DLQ, destinations (of every qualifier) and stream on-failure destination", () => {
    const relations = deriveRelations([
      fn("worker", {
        deadLetterTargetArn: arnOf.queue("worker-dlq"),
        asyncInvoke: {
          onFailureDestination: arnOf.queue("failed"),
          onSuccessDestination: arnOf.topic("done"),
        },
        qualifiedAsyncInvoke: [{ qualifier: "live", onFailureDestination: arnOf.queue("live-failed") }],
        eventSources: [
          {
            uuid: "1",
            sourceArn: arnOf.stream("clicks"),
            sourceKind: "kinesis",
            state: "Enabled",
            onFailureDestination: arnOf.queue("clicks-failed"),
          },
        ],
      }),
    ]);
    const worker = arnOf.fn("worker");
    expect(relations).toEqual([
      { type: "async-dlq", from: worker, to: arnOf.queue("worker-dlq") },
      { type: "event-source", from: worker, to: arnOf.stream("clicks") },
      { type: "log-group", from: worker, to: arnOf.logGroup("/aws/lambda/worker") },
      { type: "on-failure-destination", from: worker, to: arnOf.queue("clicks-failed") },
      { type: "on-failure-destination", from: worker, to: arnOf.queue("failed") },
      { type: "on-failure-destination", from: worker, to: arnOf.queue("live-failed") },
      { type: "on-success-destination", from: worker, to: arnOf.topic("done") },
    ]);
  });

  it("uses the advanced-logging log group when the function names one", () => {
    const relations = deriveRelations([fn("api", { logGroupName: "/shared/api" })]);
    expect(relations).toEqual([
      { type: "log-group", from: arnOf.fn("api"), to: arnOf.logGroup("/shared/api") },
    ]);
  });

  it("links a rule to its targets and their DLQs", () => {
    const relations = deriveRelations([
      rule("nightly", {
        targets: [
          { id: "a", arn: arnOf.fn("job"), deadLetterArn: arnOf.queue("job-dlq") },
          { id: "b", arn: arnOf.queue("work") },
        ],
      }),
    ]);
    expect(relations).toEqual([
      { type: "rule-target", from: arnOf.rule("nightly"), to: arnOf.fn("job") },
      { type: "rule-target", from: arnOf.rule("nightly"), to: arnOf.queue("work") },
      { type: "target-dlq", from: arnOf.rule("nightly"), to: arnOf.queue("job-dlq") },
    ]);
  });

  it("links a topic to ARN endpoints and subscription DLQs, not to e-mail addresses or URLs", () => {
    const relations = deriveRelations([
      topic("alerts", {
        subscriptions: [
          {
            arn: `${arnOf.topic("alerts")}:1`,
            protocol: "sqs",
            endpoint: arnOf.queue("inbox"),
            deadLetterArn: arnOf.queue("inbox-dlq"),
          },
          { arn: `${arnOf.topic("alerts")}:2`, protocol: "email", endpoint: "oncall@example.com" },
          { arn: `${arnOf.topic("alerts")}:3`, protocol: "https", endpoint: "https://hooks.example.com/x" },
        ],
      }),
    ]);
    expect(relations).toEqual([
      { type: "subscription", from: arnOf.topic("alerts"), to: arnOf.queue("inbox") },
      { type: "subscription-dlq", from: arnOf.topic("alerts"), to: arnOf.queue("inbox-dlq") },
    ]);
  });

  it("deduplicates and sorts, whatever the input order", () => {
    const shared = arnOf.queue("dlq");
    const resources = [
      fn("b", { deadLetterTargetArn: shared, asyncInvoke: { onFailureDestination: shared } }),
      queue("a", { redrivePolicy: { deadLetterTargetArn: shared, maxReceiveCount: 1 } }),
      fn("a", {
        asyncInvoke: { onFailureDestination: shared },
        qualifiedAsyncInvoke: [{ qualifier: "1", onFailureDestination: shared }],
      }),
    ];
    const relations = deriveRelations(resources);
    expect(deriveRelations([...resources].reverse())).toEqual(relations);
    expect(
      relations.filter((r) => r.from === arnOf.fn("a") && r.type === "on-failure-destination"),
    ).toHaveLength(1);
    expect(relations.map((r) => r.from)).toEqual([...relations.map((r) => r.from)].sort());
  });

  it("derives nothing for kinds without outgoing edges", () => {
    expect(deriveRelations([queue("plain"), topic("quiet")])).toEqual([]);
  });
});
