/**
 * Discovery through lib/sim: the same SDK clients, answered by an in-memory account on a virtual clock.
 * Covers what moto cannot (see discover.moto.test.ts): Lambda DeadLetterConfig, advanced logging,
 * async invoke config, GetAccountSettings, reserved concurrency 0, EXPRESS state machines, Kinesis and
 * rule tags through the Tagging API; and shows discovery stays below every quota the sim enforces.
 */
import { InvalidParameterException } from "@aws-sdk/client-resource-groups-tagging-api";
import { describe, expect, it } from "vitest";
import { Aws } from "../../lib/aws/index.js";
import {
  describeGaps,
  discoverInventory,
  indexInventory,
  readGaps,
  type Resource,
  type ResourceOfKind,
} from "../../lib/inventory/index.js";
import {
  SimAccount,
  generateAccount,
  sampleAccount,
  simPlugin,
  simulatedAws,
  type FaultRule,
} from "../../lib/sim/index.js";
import { awsError } from "../../lib/sim/errors.js";

function simAws(account: SimAccount): Aws {
  return new Aws({ region: account.region, plugin: simPlugin(account), clock: account.clock });
}

const ACCOUNT = "123456789012";
const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${ACCOUNT}:${resource}`;
const fnArn = (name: string) => arn("lambda", `function:${name}`);
const queueArn = (name: string) => arn("sqs", name);

function find<K extends Resource["kind"]>(
  resources: readonly Resource[],
  kind: K,
  name: string,
): ResourceOfKind<K> {
  const found = resources.find((r): r is ResourceOfKind<K> => r.kind === kind && r.name === name);
  if (!found) throw new Error(`${kind} ${name} not discovered`);
  return found;
}

describe("discoverInventory of the sample account", async () => {
  const account = sampleAccount();
  const startedAt = account.clock.now();
  const inventory = await discoverInventory(simAws(account));
  const index = indexInventory(inventory);

  it("reads every kind without a warning, stamped with the virtual clock", () => {
    expect(inventory.warnings).toEqual([]);
    expect(inventory.discoveredAt).toBe(new Date(startedAt).toISOString());
    const counts: Record<string, number> = {};
    for (const r of inventory.resources) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
    expect(counts).toEqual({
      "lambda-function": 14,
      "sqs-queue": 11,
      "kinesis-stream": 1,
      "dynamodb-table": 1,
      "rest-api": 1,
      "http-api": 1,
      "websocket-api": 1,
      "state-machine": 1,
      "eventbridge-rule": 2,
      "sns-topic": 1,
      "log-group": 17,
    });
  });

  it("reads the account's Lambda concurrency", () => {
    expect(inventory.lambdaAccount).toEqual({
      concurrentExecutions: 1000,
      unreservedConcurrentExecutions: 950,
    });
  });

  it("reads async DLQs, async invoke config and advanced logging", () => {
    expect(find(inventory.resources, "lambda-function", "notifications-sender")).toMatchObject({
      deadLetterTargetArn: queueArn("notifications-dlq"),
      asyncInvoke: { maximumRetryAttempts: 2 },
      reservedConcurrency: "unset",
    });
    expect(find(inventory.resources, "lambda-function", "report-generator").asyncInvoke).toEqual({
      maximumRetryAttempts: 1,
      maximumEventAgeSeconds: 3600,
      onFailureDestination: queueArn("report-failures"),
    });
    expect(find(inventory.resources, "lambda-function", "audit-logger")).toMatchObject({
      logGroupName: "/app/audit",
      logFormat: "JSON",
    });
    expect(find(inventory.resources, "lambda-function", "image-resizer").reservedConcurrency).toBe(50);
  });

  it("reads a stream consumer that retries forever", () => {
    expect(find(inventory.resources, "lambda-function", "clickstream-processor").eventSources).toEqual([
      {
        uuid: expect.any(String),
        sourceArn: arn("kinesis", "stream/clickstream"),
        sourceKind: "kinesis",
        state: "Enabled",
        batchSize: 500,
        maximumRetryAttempts: -1,
        maximumRecordAgeSeconds: -1,
        bisectBatchOnFunctionError: false,
      },
    ]);
  });

  it("joins tags from the Tagging API to kinds whose own APIs do not return them", () => {
    expect(find(inventory.resources, "kinesis-stream", "clickstream").tags).toEqual({
      app: "clickstream",
      team: "analytics",
    });
    expect(find(inventory.resources, "eventbridge-rule", "order-placed").tags).toEqual({
      app: "orders",
      team: "orders",
    });
    expect(find(inventory.resources, "log-group", "/legacy/batch-import").tags).toEqual({
      "watchkeeper:ignore": "true",
      team: "data",
    });
  });

  it("derives the relations Watchkeeper acts on", () => {
    const has = (type: string, from: string, to: string) =>
      expect(inventory.relations).toContainEqual({ type, from, to });
    has("async-dlq", fnArn("notifications-sender"), queueArn("notifications-dlq"));
    has("on-failure-destination", fnArn("report-generator"), queueArn("report-failures"));
    has("on-failure-destination", fnArn("orders-stream-processor"), queueArn("orders-stream-failures"));
    has("event-source", fnArn("orders-stream-processor"), arn("dynamodb", "table/orders"));
    has("log-group", fnArn("audit-logger"), arn("logs", "log-group:/app/audit"));
    has("dead-letter-queue", queueArn("payments"), queueArn("payments-dlq"));
    has("target-dlq", arn("events", "rule/order-placed"), queueArn("order-events-dlq"));
    has("subscription-dlq", arn("sns", "alerts"), queueArn("alerts-archive-dlq"));
  });

  it("knows every DLQ and where its messages come from", () => {
    expect([...index.dlqArns].sort()).toEqual(
      [
        "alerts-archive-dlq",
        "clickstream-failures",
        "ledger-dlq.fifo",
        "notifications-dlq",
        "order-events-dlq",
        "orders-stream-failures",
        "payments-dlq",
        "report-failures",
      ].map(queueArn),
    );
    expect(index.sourcesOfDlq(queueArn("payments-dlq"))).toEqual([
      { type: "dead-letter-queue", from: queueArn("payments"), to: queueArn("payments-dlq") },
    ]);
    expect(index.consumersOf(queueArn("payments")).map((f) => f.name)).toEqual(["payments-consumer"]);
  });

  it("gives the same snapshot for the same account", async () => {
    const again = await discoverInventory(simAws(account), { now: () => new Date(startedAt) });
    expect(again).toEqual(inventory);
  });
});

describe("discoverInventory of hand-made sim accounts", () => {
  it("reads facts moto does not serve: EXPRESS, on-demand KMS streams, concurrency 0, log group class", async () => {
    const account = new SimAccount({ seed: "discover-facts" });
    account.addStateMachine({ name: "fast", type: "EXPRESS" });
    account.addStream({ name: "firehose", mode: "ON_DEMAND", encryption: "KMS" });
    account.addFunction({ name: "halted", reservedConcurrency: 0 });
    account.addLogGroup({ name: "/archive", logGroupClass: "INFREQUENT_ACCESS", kmsKeyId: "arn:aws:kms:k" });
    account.addTopic({ name: "ledger.fifo" });
    const inventory = await discoverInventory(simAws(account));

    expect(find(inventory.resources, "state-machine", "fast").type).toBe("EXPRESS");
    expect(find(inventory.resources, "kinesis-stream", "firehose")).toMatchObject({
      mode: "ON_DEMAND",
      encryption: "kms",
    });
    expect(find(inventory.resources, "lambda-function", "halted").reservedConcurrency).toBe(0);
    expect(find(inventory.resources, "log-group", "/archive")).toMatchObject({
      logGroupClass: "INFREQUENT_ACCESS",
      kmsKeyId: "arn:aws:kms:k",
    });
    expect(find(inventory.resources, "sns-topic", "ledger.fifo").fifo).toBe(true);
  });

  it("reads a large account below every quota, on virtual time only", async () => {
    const account = generateAccount({ resources: 2000, seed: 7 });
    const virtualStart = account.clock.now();
    const inventory = await discoverInventory(simAws(account));

    expect(inventory.warnings).toEqual([]);
    expect(inventory.resources.length).toBeGreaterThanOrEqual(2000);
    const throttled = account.stats().filter((s) => s.throttled > 0);
    expect(throttled).toEqual([]);
    // About 560 GetFunction calls at 80 per second alone take seconds of virtual time.
    expect(account.clock.now() - virtualStart).toBeGreaterThan(5_000);
    const functions = inventory.resources.filter((r) => r.kind === "lambda-function");
    expect(account.stats().find((s) => s.api === "GetFunction")?.calls).toBe(functions.length);
    const webSockets = [...account.httpApis.values()].filter((api) => api.protocolType === "WEBSOCKET");
    expect(webSockets.length).toBeGreaterThan(0);
    expect(inventory.resources.filter((r) => r.kind === "websocket-api").length).toBe(webSockets.length);
  });
});

describe("WebSocket APIs", () => {
  /** An HTTP API and a WebSocket API beside it, both tagged, and a stream whose tags only the Tagging API has. */
  function v2Account(): SimAccount {
    const account = new SimAccount({ seed: "websocket" });
    account.addHttpApi({ name: "portal", tags: { team: "web" } });
    account.addHttpApi({
      name: "chat",
      protocolType: "WEBSOCKET",
      stages: ["production", "beta"],
      tags: { team: "realtime" },
    });
    account.addStream({ name: "presence", tags: { team: "realtime" } });
    return account;
  }
  const apiId = (account: SimAccount, name: string) =>
    [...account.httpApis.values()].find((api) => api.name === name)!.id;
  const calls = (account: SimAccount, api: string) =>
    account.stats().find((s) => s.service === "apigatewayv2" && s.api === api)?.calls;
  const faulted = (account: SimAccount, rules: FaultRule[]) => simulatedAws(account, { faults: { rules } });

  it("are their own kind, with stages and tags, from the one GetApis listing HTTP APIs come from", async () => {
    const account = v2Account();
    const inventory = await discoverInventory(simAws(account));
    const chat = apiId(account, "chat");

    expect(inventory.warnings).toEqual([]);
    expect(inventory.resources.filter((r) => r.kind === "websocket-api")).toEqual([
      {
        kind: "websocket-api",
        arn: `arn:aws:apigateway:us-east-1::/apis/${chat}`,
        name: "chat",
        region: "us-east-1",
        accountId: ACCOUNT,
        tags: { team: "realtime" },
        id: chat,
        stages: ["beta", "production"],
      },
    ]);
    expect(inventory.resources.filter((r) => r.kind === "http-api").map((r) => [r.name, r.tags])).toEqual([
      ["portal", { team: "web" }],
    ]);
    expect(calls(account, "GetApis")).toBe(1);
    expect(calls(account, "GetStages")).toBe(2);
  });

  it("a failed GetApis leaves HTTP and WebSocket APIs both unknown; the rest is read", async () => {
    const account = v2Account();
    const inventory = await discoverInventory(
      faulted(account, [{ service: "apigatewayv2", api: "GetApis", fault: "denied" }]),
    );
    const gaps = readGaps(inventory);

    expect(inventory.warnings.map((w) => w.covers)).toEqual([
      { kind: "http-api", what: "resources" },
      { kind: "websocket-api", what: "resources" },
    ]);
    expect(gaps.settled("http-api")).toBe(false);
    expect(gaps.settled("websocket-api")).toBe(false);
    expect(gaps.settled("kinesis-stream")).toBe(true);
    expect(inventory.resources.map((r) => r.kind)).toEqual(["kinesis-stream"]);
    expect(describeGaps(inventory.warnings)).toEqual([
      expect.stringMatching(
        /^apigatewayv2 GetApis failed: .* — unknown, so left alone: HTTP API stages: which exist; WebSocket API stages: which exist$/,
      ),
    ]);
  });

  it("a failed GetStages leaves that API's settings unknown, for either kind", async () => {
    const account = v2Account();
    const inventory = await discoverInventory(
      faulted(account, [{ service: "apigatewayv2", api: "GetStages", fault: "html-502" }]),
    );
    const gaps = readGaps(inventory);
    const api = (kind: "http-api" | "websocket-api") => inventory.resources.find((r) => r.kind === kind)!;

    expect(inventory.warnings.map((w) => w.covers?.kind).sort()).toEqual(["http-api", "websocket-api"]);
    for (const kind of ["http-api", "websocket-api"] as const) {
      expect(api(kind)).toMatchObject({ stages: [] });
      expect(gaps.settled(kind)).toBe(true);
      expect(gaps.known(api(kind))).toBe(false);
      expect(gaps.why(kind, api(kind))?.covers).toEqual({ kind, what: "facts", resource: api(kind).arn });
    }
  });

  it("a denied Tagging API leaves the tags of both kinds unknown", async () => {
    const account = v2Account();
    const inventory = await discoverInventory(
      faulted(account, [{ service: "tagging", api: "GetResources", fault: "denied" }]),
      { kinds: ["http-api", "websocket-api", "kinesis-stream"] },
    );
    expect(inventory.warnings.map((w) => w.covers)).toEqual([
      { kind: "kinesis-stream", what: "tags" },
      { kind: "http-api", what: "tags" },
      { kind: "websocket-api", what: "tags" },
    ]);
  });

  it("when the endpoint refuses their filter, lists it once and reports both kinds' tags unknown", async () => {
    const account = v2Account();
    const filters: string[][] = [];
    // An endpoint that refuses "apigateway:apis" (and so the one listing of every filter): a 400 of its own.
    const refusing: typeof simPlugin = (sim) => (service) => {
      const simulated = simPlugin(sim)(service);
      return {
        applyToStack(stack) {
          simulated.applyToStack(stack);
          if (service !== "tagging") return;
          stack.add(
            (next, context) => async (args) => {
              const input = args.input as { ResourceTypeFilters?: string[] };
              if (context.commandName === "GetResourcesCommand" && input.ResourceTypeFilters) {
                filters.push(input.ResourceTypeFilters);
                if (input.ResourceTypeFilters.includes("apigateway:apis"))
                  throw awsError(InvalidParameterException, 400, "unknown resource type apigateway:apis");
              }
              return next(args);
            },
            { step: "initialize", name: "refuseApis", priority: "high" },
          );
        },
      };
    };
    const aws = new Aws({ region: account.region, plugin: refusing(account), clock: account.clock });
    const inventory = await discoverInventory(aws, {
      kinds: ["http-api", "websocket-api", "kinesis-stream"],
    });

    // The one listing, refused; then one per filter: HTTP and WebSocket APIs share theirs.
    expect(filters).toEqual([["kinesis:stream", "apigateway:apis"], ["kinesis:stream"], ["apigateway:apis"]]);
    expect(inventory.warnings.map((w) => [w.code, w.covers])).toEqual([
      ["InvalidParameterException", { kind: "http-api", what: "tags" }],
      ["InvalidParameterException", { kind: "websocket-api", what: "tags" }],
    ]);
    expect(find(inventory.resources, "kinesis-stream", "presence").tags).toEqual({ team: "realtime" });
  });
});

describe("discoverInventory reads each state machine's TimeoutSeconds", () => {
  const asl = (extra: Record<string, unknown>) =>
    JSON.stringify({ StartAt: "Work", States: { Work: { Type: "Pass", End: true } }, ...extra });
  const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

  function machines(): SimAccount {
    const account = new SimAccount({ seed: "sfn-timeouts" });
    account.addStateMachine({ name: "batch", definition: asl({ TimeoutSeconds: 900 }) });
    account.addStateMachine({ name: "open-ended", definition: asl({}) });
    account.addStateMachine({
      name: "jsonata",
      definition: asl({ QueryLanguage: "JSONata", TimeoutSeconds: "{% $states.input.limit %}" }),
    });
    account.addStateMachine({ name: "quick", type: "EXPRESS", definition: asl({ TimeoutSeconds: 60 }) });
    account.addStateMachine({
      name: "sealed-readable",
      definition: asl({ TimeoutSeconds: 120 }),
      customerKey: { keyId: KEY, callerCanDecrypt: true },
    });
    return account;
  }

  it.each(["full", "reconcile"] as const)("with detail %s, from DescribeStateMachine", async (detail) => {
    const account = machines();
    const inventory = await discoverInventory(simAws(account), { detail });
    expect(inventory.warnings).toEqual([]);
    const timeouts = inventory.resources
      .filter((r): r is ResourceOfKind<"state-machine"> => r.kind === "state-machine")
      .map((m) => [m.name, m.type, m.timeoutSeconds]);
    expect(timeouts).toEqual([
      ["batch", "STANDARD", 900],
      ["jsonata", "STANDARD", undefined],
      ["open-ended", "STANDARD", undefined],
      ["quick", "EXPRESS", 60],
      ["sealed-readable", "STANDARD", 120],
    ]);
    expect(find(inventory.resources, "state-machine", "open-ended")).not.toHaveProperty("timeoutSeconds");
    expect(account.stats().find((s) => s.api === "DescribeStateMachine")?.calls).toBe(5);
  });

  it("a definition under a key the caller cannot use is a read that failed: a gap for that machine alone", async () => {
    const account = machines();
    account.addStateMachine({
      name: "sealed",
      type: "EXPRESS",
      definition: asl({ TimeoutSeconds: 30 }),
      customerKey: { keyId: KEY, callerCanDecrypt: false },
    });
    const inventory = await discoverInventory(simAws(account), { detail: "reconcile" });
    const sealed = find(inventory.resources, "state-machine", "sealed");
    // Still listed, with the listing's type, and no timeout.
    expect(sealed).toMatchObject({ type: "EXPRESS" });
    expect(sealed).not.toHaveProperty("timeoutSeconds");
    expect(inventory.warnings).toEqual([
      {
        service: "sfn",
        operation: "DescribeStateMachine",
        code: "KmsAccessDeniedException",
        message: expect.stringMatching(
          /^KmsAccessDeniedException: .*kms:Decrypt.*; the caller needs kms:Decrypt/,
        ),
        resource: sealed.arn,
        covers: { kind: "state-machine", what: "facts", resource: sealed.arn },
      },
    ]);
    const gaps = readGaps(inventory);
    expect(gaps.known(sealed)).toBe(false);
    expect(gaps.known(find(inventory.resources, "state-machine", "batch"))).toBe(true);
  });

  it("a definition that is not one Step Functions accepts leaves the timeout unknown, with a warning", async () => {
    const account = new SimAccount({ seed: "sfn-broken" });
    account.addStateMachine({ name: "garbled", definition: "<html>502</html>" });
    account.addStateMachine({ name: "fractional", definition: asl({ TimeoutSeconds: 1.5 }) });
    const inventory = await discoverInventory(simAws(account));
    expect(inventory.resources.map((r) => r.name)).toEqual(["fractional", "garbled"]);
    expect(inventory.warnings.map((w) => [w.code, w.message, w.covers])).toEqual([
      [
        "UnreadableDefinition",
        "UnreadableDefinition: TimeoutSeconds 1.5 is neither a positive integer nor a JSONata expression",
        { kind: "state-machine", what: "facts", resource: account.stateMachines.get("fractional")!.arn },
      ],
      [
        "UnreadableDefinition",
        "UnreadableDefinition: the definition is not JSON",
        { kind: "state-machine", what: "facts", resource: account.stateMachines.get("garbled")!.arn },
      ],
    ]);
  });

  it("DescribeStateMachine denied: every machine is kept with its listed type, each a gap", async () => {
    const account = machines();
    const aws = simulatedAws(account, {
      faults: { rules: [{ service: "sfn", api: "DescribeStateMachine", fault: "denied" }] },
    });
    const inventory = await discoverInventory(aws, { detail: "reconcile" });
    const found = inventory.resources.filter((r) => r.kind === "state-machine");
    expect(found.map((m) => [m.name, m.type, m.timeoutSeconds])).toEqual([
      ["batch", "STANDARD", undefined],
      ["jsonata", "STANDARD", undefined],
      ["open-ended", "STANDARD", undefined],
      ["quick", "EXPRESS", undefined],
      ["sealed-readable", "STANDARD", undefined],
    ]);
    expect(inventory.warnings.map((w) => [w.code, w.resource])).toEqual(
      found.map((m) => ["AccessDeniedException", m.arn]),
    );
    const gaps = readGaps(inventory);
    expect(found.filter((m) => gaps.known(m))).toEqual([]);
  });
});
