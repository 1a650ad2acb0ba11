/**
 * The incident suite's model of what AWS publishes (scripts/bench/alerts/publish.ts): the rules that make a
 * trace no kinder than an account's — metrics that vanish, dimension sets that are not there.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../lib/sim/random.js";
import type { StateMachineLoad } from "../../scripts/bench/alerts/loads.js";
import { Publisher, type MetricDatum } from "../../scripts/bench/alerts/publish.js";
import { Sampler } from "../../scripts/bench/alerts/sampling.js";
import {
  Traffic,
  type FunctionActivity,
  type MinuteActivity,
  type QueueActivity,
  type StateMachineActivity,
} from "../../scripts/bench/alerts/traffic.js";

const AT = Date.UTC(2025, 0, 1);

function minute(parts: Partial<MinuteActivity>, at = AT): MinuteActivity {
  return {
    at,
    functions: [],
    queues: [],
    streams: [],
    tables: [],
    apis: [],
    stateMachines: [],
    rules: [],
    topics: [],
    webSockets: [],
    claimedConcurrency: 0,
    ...parts,
  };
}

const fn = (name: string, parts: Partial<FunctionActivity> = {}): FunctionActivity => ({
  name,
  invocations: 100,
  errors: 0,
  throttles: 0,
  durationsMs: [120, 130],
  concurrency: 1,
  ...parts,
});

const queue = (name: string, parts: Partial<QueueActivity> = {}): QueueActivity => ({
  name,
  visible: 0,
  inFlight: 0,
  sent: 0,
  received: 0,
  deleted: 0,
  polled: false,
  movedIn: 0,
  ...parts,
});

const named = (data: readonly MetricDatum[], metricName: string) =>
  data
    .filter((d) => d.metricName === metricName)
    .map((d) => ({ dimensions: d.dimensions, values: d.values }));

describe("what AWS publishes", () => {
  it("Lambda: per function and summed without dimensions, ignored functions included; nothing without requests", () => {
    const data = new Publisher().publish(
      minute({
        functions: [
          fn("a", { errors: 2 }),
          fn("ignored", { errors: 5 }),
          fn("idle", { invocations: 0, durationsMs: [] }),
        ],
      }),
    );
    expect(named(data, "Errors")).toEqual([
      { dimensions: { FunctionName: "a" }, values: [2] },
      { dimensions: { FunctionName: "ignored" }, values: [5] },
      { dimensions: {}, values: [7] },
    ]);
    expect(named(data, "Duration").map((d) => d.dimensions)).toEqual([
      { FunctionName: "a" },
      { FunctionName: "ignored" },
    ]);
  });

  it("Lambda: a function whose every request is throttled has Throttles, no Invocations or Errors", () => {
    const data = new Publisher().publish(
      minute({ functions: [fn("open", { invocations: 0, throttles: 40, durationsMs: [] })] }),
    );
    expect(named(data, "Throttles")).toEqual([
      { dimensions: { FunctionName: "open" }, values: [40] },
      { dimensions: {}, values: [40] },
    ]);
    expect(named(data, "Invocations")).toEqual([]);
    expect(named(data, "Errors")).toEqual([]);
  });

  it("Lambda: IteratorAge only in a minute with a batch", () => {
    const publisher = new Publisher();
    expect(
      named(publisher.publish(minute({ functions: [fn("reader", { iteratorAgeMs: 900 })] })), "IteratorAge"),
    ).toEqual([{ dimensions: { FunctionName: "reader" }, values: [900] }]);
    expect(
      named(
        publisher.publish(minute({ functions: [fn("reader", { invocations: 0, durationsMs: [] })] })),
        "IteratorAge",
      ),
    ).toEqual([]);
  });

  it("SQS: an unread DLQ publishes nothing until a message lands, then depth every minute for six hours", () => {
    const publisher = new Publisher();
    const depth = (at: number, q: QueueActivity) =>
      named(publisher.publish(minute({ queues: [q] }, at)), "ApproximateNumberOfMessagesVisible");
    expect(depth(AT, queue("dlq"))).toEqual([]);
    expect(depth(AT + 60_000, queue("dlq", { visible: 1, movedIn: 1, oldestAgeSeconds: 30 }))).toEqual([
      { dimensions: { QueueName: "dlq" }, values: [1] },
    ]);
    expect(depth(AT + 2 * 3_600_000, queue("dlq"))).toEqual([
      { dimensions: { QueueName: "dlq" }, values: [0] },
    ]);
    expect(depth(AT + 7 * 3_600_000, queue("dlq"))).toEqual([]);
  });

  it("SQS: age of the oldest message only while the queue holds one", () => {
    const data = new Publisher().publish(minute({ queues: [queue("jobs", { polled: true })] }));
    expect(named(data, "ApproximateNumberOfMessagesVisible")).toHaveLength(1);
    expect(named(data, "ApproximateAgeOfOldestMessage")).toEqual([]);
  });

  it("Kinesis: GetRecords metrics vanish when no consumer reads, while records keep arriving", () => {
    const data = new Publisher().publish(
      minute({ streams: [{ name: "clicks", incomingRecords: 5000, reads: [] }] }),
    );
    expect(named(data, "IncomingRecords")).toHaveLength(1);
    expect(data.filter((d) => d.metricName.startsWith("GetRecords."))).toEqual([]);
  });

  it("DynamoDB: SystemErrors only per [TableName, Operation]", () => {
    const data = new Publisher().publish(
      minute({
        tables: [
          {
            name: "ledger",
            requests: 100,
            readThrottles: 0,
            writeThrottles: 0,
            systemErrors: [{ operation: "PutItem", count: 3 }],
          },
        ],
      }),
    );
    expect(named(data, "SystemErrors")).toEqual([
      { dimensions: { TableName: "ledger", Operation: "PutItem" }, values: [3] },
    ]);
  });

  it("API Gateway: a REST API's 5XXError is 0 or 1 per request, by [ApiName] and [ApiName, Stage]", () => {
    const data = new Publisher().publish(
      minute({
        apis: [
          {
            kind: "rest-api",
            key: "shop",
            stage: "prod",
            requests: 4,
            serverErrors: 1,
            clientErrors: 0,
            latenciesMs: [50],
          },
        ],
      }),
    );
    expect(named(data, "5XXError")).toEqual([
      { dimensions: { ApiName: "shop" }, values: [1, 0, 0, 0] },
      { dimensions: { ApiName: "shop", Stage: "prod" }, values: [1, 0, 0, 0] },
    ]);
  });

  it("Step Functions: outcomes and ExecutionTime when executions end, none for a timed-out one", () => {
    const arn = "arn:aws:states:eu-west-1:210987654321:stateMachine:batch";
    const machine = (parts: Partial<StateMachineActivity>): StateMachineActivity => ({
      arn,
      started: 0,
      succeeded: 0,
      failed: 0,
      timedOut: 0,
      executionTimesMs: [],
      ...parts,
    });
    const ending = new Publisher().publish(
      minute({
        stateMachines: [
          machine({ succeeded: 2, failed: 1, timedOut: 1, executionTimesMs: [400_000, 410_000, 90_000] }),
        ],
      }),
    );
    const dims = { StateMachineArn: arn };
    expect(named(ending, "ExecutionsStarted")).toEqual([{ dimensions: dims, values: [0] }]);
    expect(named(ending, "ExecutionsTimedOut")).toEqual([{ dimensions: dims, values: [1] }]);
    expect(named(ending, "ExecutionTime")).toEqual([
      { dimensions: dims, values: [400_000, 410_000, 90_000] },
    ]);
    // Started, none ended: no ExecutionTime; nothing started or ended: nothing at all.
    const starting = new Publisher().publish(minute({ stateMachines: [machine({ started: 3 })] }));
    expect(named(starting, "ExecutionsStarted")).toEqual([{ dimensions: dims, values: [3] }]);
    expect(named(starting, "ExecutionTime")).toEqual([]);
    expect(
      new Publisher()
        .publish(minute({ stateMachines: [machine({})] }))
        .filter((d) => d.namespace === "AWS/States"),
    ).toEqual([]);
  });

  it("API Gateway WebSocket: ExecutionError and ClientError 0 or 1 per message, by [ApiId] and [ApiId, Stage]; nothing without messages", () => {
    const chat = {
      apiId: "w1",
      stage: "production",
      messages: 5,
      clientErrors: 1,
      executionErrors: 2,
      integrationLatenciesMs: [40, 45, 50, 55],
    };
    const data = new Publisher().publish(
      minute({
        webSockets: [chat, { ...chat, apiId: "idle", messages: 0, clientErrors: 0, executionErrors: 0 }],
      }),
    );
    expect(named(data, "ExecutionError")).toEqual([
      { dimensions: { ApiId: "w1" }, values: [1, 1, 0, 0, 0] },
      { dimensions: { ApiId: "w1", Stage: "production" }, values: [1, 1, 0, 0, 0] },
    ]);
    expect(named(data, "ClientError")[1]).toEqual({
      dimensions: { ApiId: "w1", Stage: "production" },
      values: [1, 0, 0, 0, 0],
    });
    expect(named(data, "IntegrationLatency")[1]?.values).toEqual([40, 45, 50, 55]);
    // A WebSocket API publishes none of an HTTP API's names.
    expect(data.filter((d) => ["5xx", "4xx", "Latency", "Count"].includes(d.metricName))).toEqual([]);
  });

  it("API Gateway WebSocket: no IntegrationLatency when every message was refused before the integration", () => {
    const data = new Publisher().publish(
      minute({
        webSockets: [
          {
            apiId: "w1",
            stage: "production",
            messages: 3,
            clientErrors: 3,
            executionErrors: 0,
            integrationLatenciesMs: [],
          },
        ],
      }),
    );
    expect(named(data, "IntegrationLatency")).toEqual([]);
    expect(named(data, "ClientError").map((d) => d.values)).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
  });

  it("EventBridge: a custom bus's rules by [EventBusName, RuleName]", () => {
    const data = new Publisher().publish(
      minute({ rules: [{ name: "reindex", bus: "search", invocations: 3, failed: 1 }] }),
    );
    expect(named(data, "FailedInvocations")).toEqual([
      { dimensions: { EventBusName: "search", RuleName: "reindex" }, values: [1] },
    ]);
  });
});

describe("the execution model", () => {
  const traffic = (load: StateMachineLoad) =>
    new Traffic(
      [load],
      new Sampler(new Rng("executions/counts")),
      { apiId: () => "", stateMachineArn: (name) => `arn:${name}` },
      { reservedConcurrency: () => undefined },
      new Sampler(new Rng("executions/durations")),
    );
  const minutes = (t: Traffic, count: number) =>
    Array.from({ length: count }, (_, m) => t.minute(m, AT + m * 60_000).stateMachines[0]!);

  it("an execution ends when its time has run: a 10-minute workflow reports 10 minutes after it starts", () => {
    const load = {
      kind: "state-machine",
      name: "batch",
      timeoutSeconds: 3600,
      executionsPerMinute: { base: 0, windows: [{ from: 0, to: 1, value: 20 }] },
      medianDurationMs: 600_000,
      durationSpread: 0.01,
    } as const;
    const seen = minutes(traffic(load), 15);
    const started = seen[0]!.started;
    expect(started).toBeGreaterThan(0);
    const endedAt = seen.flatMap((m, i) => (m.succeeded + m.failed > 0 ? [i] : []));
    expect(endedAt.every((i) => i >= 9 && i <= 11)).toBe(true);
    expect(seen.reduce((n, m) => n + m.succeeded + m.failed, 0)).toBe(started);
    const times = seen.flatMap((m) => m.executionTimesMs);
    expect(times).toHaveLength(started);
    for (const ms of times) expect(Math.abs(ms - 600_000)).toBeLessThan(30_000);
  });

  it("an execution that would run past the timeout times out at it, without an ExecutionTime", () => {
    const load = {
      kind: "state-machine",
      name: "quick",
      type: "EXPRESS",
      executionsPerMinute: { base: 0, windows: [{ from: 0, to: 1, value: 10 }] },
      // 10 minutes: past the Express workflows' 5 when no TimeoutSeconds is set.
      medianDurationMs: 600_000,
      durationSpread: 0.01,
    } as const;
    const seen = minutes(traffic(load), 8);
    expect(seen.reduce((n, m) => n + m.timedOut, 0)).toBe(seen[0]!.started);
    expect(seen.flatMap((m) => m.executionTimesMs)).toEqual([]);
    expect(seen.findIndex((m) => m.timedOut > 0)).toBeGreaterThanOrEqual(5);
  });
});
