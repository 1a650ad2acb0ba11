/**
 * Discovery over the real wire: real resources created in moto with real SDK clients, then one
 * `discoverInventory` run, asserted on resources, facts, relations, tags and warnings.
 *
 * What moto (5.2) covers here, per kind:
 * - lambda-function: name, runtime, package type, timeout, memory, reserved concurrency (number and
 *   unset), tags (GetFunction), event source mappings to SQS, Kinesis and DynamoDB streams (state, batch
 *   size, stream retries/record age/bisect/on-failure destination), mappings made through an alias
 *   (qualified ARN). NOT in moto: DeadLetterConfig and LoggingConfig (moto drops them, so the async DLQ and
 *   custom log group come from lib/sim), ListFunctionEventInvokeConfigs (moto's LastModified breaks the
 *   SDK's parser: asserted as an "unsupported" warning; async config comes from lib/sim),
 *   GetAccountSettings (not implemented: a warning; lambdaAccount comes from lib/sim), reserved
 *   concurrency 0 (moto reports 0 as unset).
 * - sqs-queue: everything (URL, FIFO, visibility, retention, redrive policy, SSE-SQS vs KMS, depths, tags).
 * - kinesis-stream: retention, open shards, mode, KMS encryption, consumers. NOT in moto: tags via the
 *   Tagging API.
 * - dynamodb-table: billing mode, stream ARN and view type, status, tags.
 * - rest-api / http-api / websocket-api: id, stages, endpoint types, inline tags; HTTP and WebSocket APIs
 *   apart from one GetApis listing. NOT in moto: Tagging API for API Gateway (inline tags are used
 *   instead, so nothing is lost).
 * - state-machine: name, tags, the definition's TimeoutSeconds (DescribeStateMachine). NOT in moto: the
 *   type (moto neither lists it nor stores EXPRESS, so discovery reads STANDARD from DescribeStateMachine);
 *   EXPRESS and definitions under a customer managed key come from lib/sim.
 * - eventbridge-rule: rules on the default and custom buses, state, schedule, targets with DLQ and retry
 *   policy. NOT in moto: rule tags via the Tagging API.
 * - sns-topic: FIFO, subscriptions (protocol, endpoint, RedrivePolicy DLQ), tags. NOT in moto:
 *   unconfirmed subscriptions (moto confirms everything).
 * - log-group: retention (set and never-expires), stored bytes, tags.
 * Everything marked NOT is asserted through lib/sim in discover.sim.test.ts.
 */
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateStageCommand as CreateRestStageCommand,
  GetResourcesCommand as GetApiResourcesCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from "@aws-sdk/client-api-gateway";
import { ApiGatewayV2Client, CreateApiCommand, CreateStageCommand } from "@aws-sdk/client-apigatewayv2";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  CreateStreamCommand,
  KinesisClient,
  RegisterStreamConsumerCommand,
  StartStreamEncryptionCommand,
} from "@aws-sdk/client-kinesis";
import {
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  LambdaClient,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
} from "@aws-sdk/client-lambda";
import { CreateStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  discoverInventory,
  indexInventory,
  type Inventory,
  type Resource,
  type ResourceKind,
  type ResourceOfKind,
} from "../../lib/inventory/index.js";
import { MOTO_ACCOUNT_ID, createMotoFunction, motoAws, motoLambdaRole } from "../moto/moto.js";

const REGION = "eu-west-1";
const ACCOUNT = MOTO_ACCOUNT_ID;
const NOW = new Date("2030-01-02T03:04:05.000Z");
const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

const ORDERS = arn("sqs", "orders");
const ORDERS_DLQ = arn("sqs", "orders-dlq");
const JOBS_FIFO = arn("sqs", "jobs.fifo");
const INGEST = arn("lambda", "function:ingest");
const READER = arn("lambda", "function:stream-reader");
const PLAIN = arn("lambda", "function:plain");
const CLICKS = arn("kinesis", "stream/clicks");
const USERS = arn("dynamodb", "table/users");
const ALERTS = arn("sns", "alerts");

const aws = motoAws(REGION);
let inventory: Inventory;
let restApiId: string;
let httpApiId: string;
let webSocketApiId: string;
let usersStreamArn: string;
const phases = new Set<string>();

beforeAll(async () => {
  const role = await motoLambdaRole();
  await createQueues();
  await createStreamsAndTables();
  await createFunctions(role);
  await createApis();
  await createStateMachine(role);
  await createRules();
  await createTopics();
  await createLogGroups();
  inventory = await discoverInventory(aws, { now: () => NOW, onProgress: (p) => phases.add(p.phase) });
}, 120_000);

afterAll(() => aws.destroy());

function resource(kind: ResourceKind, resourceArn: string): Resource {
  const found = inventory.resources.find((r) => r.kind === kind && r.arn === resourceArn);
  if (!found) throw new Error(`${kind} ${resourceArn} not discovered`);
  return found;
}

function ofKind<K extends ResourceKind>(kind: K): ResourceOfKind<K>[] {
  return inventory.resources.filter((r): r is ResourceOfKind<K> => r.kind === kind);
}

describe("discoverInventory against moto", () => {
  it("identifies the account and region and stamps the snapshot", () => {
    expect(inventory.accountId).toBe(ACCOUNT);
    expect(inventory.region).toBe(REGION);
    expect(inventory.discoveredAt).toBe("2030-01-02T03:04:05.000Z");
    for (const r of inventory.resources) {
      expect(r.accountId).toBe(ACCOUNT);
      expect(r.region).toBe(REGION);
    }
  });

  it("sorts resources by kind then ARN, and is deterministic", async () => {
    const kinds = [...new Set(inventory.resources.map((r) => r.kind))];
    expect(kinds).toEqual([
      "lambda-function",
      "sqs-queue",
      "kinesis-stream",
      "dynamodb-table",
      "rest-api",
      "http-api",
      "websocket-api",
      "state-machine",
      "eventbridge-rule",
      "sns-topic",
      "log-group",
    ]);
    for (const kind of kinds) {
      const arns = ofKind(kind).map((r) => r.arn);
      expect(arns).toEqual([...arns].sort());
    }
    const again = await discoverInventory(aws, { now: () => NOW });
    expect(again).toEqual(inventory);
  });

  it("reports only what moto cannot serve as warnings", () => {
    expect(inventory.warnings.map((w) => `${w.service} ${w.operation} ${w.code}`)).toEqual([
      "lambda GetAccountSettings UnsupportedByEndpoint",
      "lambda ListFunctionEventInvokeConfigs UnsupportedByEndpoint",
    ]);
    expect(inventory.lambdaAccount).toBeUndefined();
  });

  it("calls GetFunction per function but lists event source mappings and v2 APIs once per run", () => {
    const calls = new Map(aws.pacer.calls().map((c) => [`${c.service}:${c.api}`, c.calls]));
    // Two discoveries (see the determinism test) of three functions each.
    expect(calls.get("lambda:GetFunction")).toBe(6);
    expect(calls.get("lambda:ListEventSourceMappings")).toBe(2);
    // HTTP and WebSocket APIs come from one GetApis listing; stages are read per API.
    expect(calls.get("apigatewayv2:GetApis")).toBe(2);
    expect(calls.get("apigatewayv2:GetStages")).toBe(4);
    expect(calls.get("sts:GetCallerIdentity")).toBe(2);
  });

  it("reports progress per phase", () => {
    expect(phases).toEqual(
      new Set([
        "lambda-function",
        "sqs-queue",
        "kinesis-stream",
        "dynamodb-table",
        "rest-api",
        "http-api",
        "websocket-api",
        "state-machine",
        "eventbridge-rule",
        "sns-subscription",
        "log-group",
        "tags",
      ]),
    );
  });

  describe("lambda functions", () => {
    it("reads configuration, reserved concurrency (a number or unset) and tags", () => {
      expect(resource("lambda-function", INGEST)).toEqual({
        kind: "lambda-function",
        arn: INGEST,
        name: "ingest",
        region: REGION,
        accountId: ACCOUNT,
        tags: { team: "payments", "watchkeeper:breaker": "on" },
        runtime: "nodejs20.x",
        packageType: "Zip",
        timeoutSeconds: 30,
        memoryMb: 512,
        reservedConcurrency: 5,
        eventSources: [
          {
            uuid: expect.any(String),
            sourceArn: ORDERS,
            sourceKind: "sqs",
            state: "Enabled",
            batchSize: 10,
          },
        ],
        logGroupName: "/aws/lambda/ingest",
        logFormat: "Text",
        lastModified: expect.any(String),
      });
      const plain = resource("lambda-function", PLAIN);
      expect(plain).toMatchObject({
        reservedConcurrency: "unset",
        memoryMb: 128,
        timeoutSeconds: 3,
        tags: {},
      });
      expect(plain).not.toHaveProperty("asyncInvoke");
    });

    it("groups stream mappings by unqualified function ARN, including ones made through an alias", () => {
      const reader = resource("lambda-function", READER) as ResourceOfKind<"lambda-function">;
      expect(reader.eventSources).toEqual([
        {
          uuid: expect.any(String),
          sourceArn: usersStreamArn,
          sourceKind: "dynamodb-stream",
          state: "Enabled",
          batchSize: 100,
        },
        {
          uuid: expect.any(String),
          sourceArn: CLICKS,
          sourceKind: "kinesis",
          state: "Enabled",
          batchSize: 100,
          maximumRetryAttempts: 2,
          maximumRecordAgeSeconds: 3600,
          bisectBatchOnFunctionError: true,
          onFailureDestination: ORDERS_DLQ,
        },
      ]);
      expect(ofKind("lambda-function").map((f) => f.arn)).toEqual([INGEST, PLAIN, READER]);
    });
  });

  describe("sqs queues", () => {
    it("reads redrive policy, encryption, FIFO and depth", () => {
      expect(resource("sqs-queue", ORDERS)).toEqual({
        kind: "sqs-queue",
        arn: ORDERS,
        name: "orders",
        region: REGION,
        accountId: ACCOUNT,
        tags: { team: "payments" },
        url: expect.stringMatching(/\/123456789012\/orders$/),
        fifo: false,
        visibilityTimeoutSeconds: 45,
        messageRetentionSeconds: 345_600,
        redrivePolicy: { deadLetterTargetArn: ORDERS_DLQ, maxReceiveCount: 5 },
        encryption: "sqs-managed",
        approximateMessages: 2,
        approximateMessagesNotVisible: 0,
      });
      expect(resource("sqs-queue", JOBS_FIFO)).toMatchObject({
        fifo: true,
        encryption: "kms",
        messageRetentionSeconds: 86_400,
      });
      expect(resource("sqs-queue", ORDERS_DLQ)).not.toHaveProperty("redrivePolicy");
    });
  });

  describe("kinesis streams and dynamodb tables", () => {
    it("reads shards, mode, encryption and consumers", () => {
      expect(resource("kinesis-stream", CLICKS)).toEqual({
        kind: "kinesis-stream",
        arn: CLICKS,
        name: "clicks",
        region: REGION,
        accountId: ACCOUNT,
        tags: {},
        retentionHours: 24,
        openShards: 2,
        mode: "PROVISIONED",
        encryption: "none",
        consumers: [{ name: "fanout", arn: `${CLICKS}/consumer/fanout` }],
      });
      expect(resource("kinesis-stream", arn("kinesis", "stream/audit"))).toMatchObject({
        mode: "ON_DEMAND",
        encryption: "kms",
        consumers: [],
      });
    });

    it("reads billing mode and the stream", () => {
      expect(resource("dynamodb-table", USERS)).toEqual({
        kind: "dynamodb-table",
        arn: USERS,
        name: "users",
        region: REGION,
        accountId: ACCOUNT,
        tags: { team: "identity" },
        billingMode: "PAY_PER_REQUEST",
        streamArn: usersStreamArn,
        streamViewType: "NEW_AND_OLD_IMAGES",
        status: "ACTIVE",
      });
      const plain = resource("dynamodb-table", arn("dynamodb", "table/plain"));
      expect(plain).toMatchObject({ billingMode: "PROVISIONED", tags: {} });
      expect(plain).not.toHaveProperty("streamArn");
    });
  });

  describe("apis, state machines, rules, topics and log groups", () => {
    it("reads REST APIs with stages, and HTTP and WebSocket APIs apart", () => {
      expect(ofKind("rest-api")).toEqual([
        {
          kind: "rest-api",
          arn: `arn:aws:apigateway:${REGION}::/restapis/${restApiId}`,
          name: "shop",
          region: REGION,
          accountId: ACCOUNT,
          tags: { team: "web" },
          id: restApiId,
          stages: ["dev", "prod"],
          endpointTypes: ["REGIONAL"],
        },
      ]);
      expect(ofKind("http-api")).toEqual([
        {
          kind: "http-api",
          arn: `arn:aws:apigateway:${REGION}::/apis/${httpApiId}`,
          name: "webhooks",
          region: REGION,
          accountId: ACCOUNT,
          tags: { team: "web" },
          id: httpApiId,
          stages: ["$default"],
        },
      ]);
      expect(ofKind("websocket-api")).toEqual([
        {
          kind: "websocket-api",
          arn: `arn:aws:apigateway:${REGION}::/apis/${webSocketApiId}`,
          name: "chat",
          region: REGION,
          accountId: ACCOUNT,
          tags: { team: "realtime" },
          id: webSocketApiId,
          stages: ["beta", "production"],
        },
      ]);
    });

    it("reads state machines", () => {
      expect(ofKind("state-machine")).toEqual([
        {
          kind: "state-machine",
          arn: arn("states", "stateMachine:checkout"),
          name: "checkout",
          region: REGION,
          accountId: ACCOUNT,
          tags: { team: "payments" },
          type: "STANDARD",
          timeoutSeconds: 900,
        },
      ]);
    });

    it("reads rules on every bus with their targets' DLQ and retry policy", () => {
      expect(ofKind("eventbridge-rule")).toEqual([
        {
          kind: "eventbridge-rule",
          arn: arn("events", "rule/nightly"),
          name: "nightly",
          region: REGION,
          accountId: ACCOUNT,
          tags: {},
          eventBusName: "default",
          state: "ENABLED",
          scheduleExpression: "rate(1 day)",
          targets: [
            {
              id: "ingest",
              arn: INGEST,
              deadLetterArn: ORDERS_DLQ,
              maximumRetryAttempts: 3,
              maximumEventAgeSeconds: 3600,
            },
          ],
        },
        {
          kind: "eventbridge-rule",
          arn: arn("events", "rule/orders-bus/order-placed"),
          name: "order-placed",
          region: REGION,
          accountId: ACCOUNT,
          tags: {},
          eventBusName: "orders-bus",
          state: "DISABLED",
          targets: [{ id: "queue", arn: ORDERS }],
        },
      ]);
    });

    it("reads topics with subscriptions and their DLQ", () => {
      const alerts = resource("sns-topic", ALERTS) as ResourceOfKind<"sns-topic">;
      expect(alerts).toMatchObject({ name: "alerts", fifo: false, tags: { team: "sre" } });
      expect(alerts.subscriptions.map(({ arn: _arn, ...s }) => s)).toEqual(
        expect.arrayContaining([
          { protocol: "sqs", endpoint: ORDERS, deadLetterArn: ORDERS_DLQ },
          { protocol: "lambda", endpoint: INGEST },
          { protocol: "email", endpoint: "oncall@example.com" },
        ]),
      );
      expect(alerts.subscriptions).toHaveLength(3);
      for (const s of alerts.subscriptions) expect(s.arn.startsWith(`${ALERTS}:`)).toBe(true);
      expect(resource("sns-topic", arn("sns", "audit.fifo"))).toMatchObject({
        fifo: true,
        subscriptions: [],
      });
    });

    it("reads log groups with and without retention, by their ARN without ':*'", () => {
      expect(ofKind("log-group")).toEqual([
        {
          kind: "log-group",
          arn: arn("logs", "log-group:/app/custom"),
          name: "/app/custom",
          region: REGION,
          accountId: ACCOUNT,
          tags: {},
          retentionInDays: 14,
          storedBytes: 0,
        },
        {
          kind: "log-group",
          arn: arn("logs", "log-group:/aws/lambda/ingest"),
          name: "/aws/lambda/ingest",
          region: REGION,
          accountId: ACCOUNT,
          tags: { team: "payments" },
          storedBytes: 0,
        },
      ]);
    });
  });

  describe("relations", () => {
    it("derives every edge the resources imply", () => {
      const rest = `arn:aws:apigateway:${REGION}::/restapis/${restApiId}`;
      expect(inventory.relations.some((r) => r.from === rest || r.to === rest)).toBe(false);
      expect(inventory.relations).toEqual([
        { type: "rule-target", from: arn("events", "rule/nightly"), to: INGEST },
        { type: "target-dlq", from: arn("events", "rule/nightly"), to: ORDERS_DLQ },
        { type: "rule-target", from: arn("events", "rule/orders-bus/order-placed"), to: ORDERS },
        { type: "event-source", from: INGEST, to: ORDERS },
        { type: "log-group", from: INGEST, to: arn("logs", "log-group:/aws/lambda/ingest") },
        { type: "log-group", from: PLAIN, to: arn("logs", "log-group:/aws/lambda/plain") },
        { type: "event-source", from: READER, to: USERS },
        { type: "event-source", from: READER, to: CLICKS },
        { type: "log-group", from: READER, to: arn("logs", "log-group:/aws/lambda/stream-reader") },
        { type: "on-failure-destination", from: READER, to: ORDERS_DLQ },
        { type: "subscription", from: ALERTS, to: INGEST },
        { type: "subscription", from: ALERTS, to: ORDERS },
        { type: "subscription-dlq", from: ALERTS, to: ORDERS_DLQ },
        { type: "dead-letter-queue", from: ORDERS, to: ORDERS_DLQ },
      ]);
    });

    it("answers DLQ and consumer questions through the index", () => {
      const index = indexInventory(inventory);
      expect([...index.dlqArns]).toEqual([ORDERS_DLQ]);
      expect(index.sourcesOfDlq(ORDERS_DLQ).map((r) => `${r.type} ${r.from}`)).toEqual([
        `target-dlq ${arn("events", "rule/nightly")}`,
        `on-failure-destination ${READER}`,
        `subscription-dlq ${ALERTS}`,
        `dead-letter-queue ${ORDERS}`,
      ]);
      expect(index.consumersOf(ORDERS).map((f) => f.name)).toEqual(["ingest"]);
      expect(index.consumersOf(usersStreamArn).map((f) => f.name)).toEqual(["stream-reader"]);
      expect(index.byArn(USERS)?.kind).toBe("dynamodb-table");
    });
  });

  it("discovers only the kinds asked for", async () => {
    const fresh = motoAws(REGION);
    try {
      const queues = await discoverInventory(fresh, { kinds: ["sqs-queue"] });
      expect(queues.resources.map((r) => r.name)).toEqual(["jobs.fifo", "orders", "orders-dlq"]);
      expect(queues.relations).toEqual([{ type: "dead-letter-queue", from: ORDERS, to: ORDERS_DLQ }]);
      expect(queues.warnings).toEqual([]);
      expect(fresh.pacer.calls().map((c) => c.service)).not.toContain("lambda");
    } finally {
      fresh.destroy();
    }
  });
});

async function createQueues(): Promise<void> {
  const sqs = aws.client(SQSClient);
  await sqs.send(new CreateQueueCommand({ QueueName: "orders-dlq" }));
  const orders = await sqs.send(
    new CreateQueueCommand({
      QueueName: "orders",
      Attributes: {
        VisibilityTimeout: "45",
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: ORDERS_DLQ, maxReceiveCount: "5" }),
      },
      tags: { team: "payments" },
    }),
  );
  for (const body of ["a", "b"])
    await sqs.send(new SendMessageCommand({ QueueUrl: orders.QueueUrl, MessageBody: body }));
  await sqs.send(
    new CreateQueueCommand({
      QueueName: "jobs.fifo",
      Attributes: { FifoQueue: "true", KmsMasterKeyId: "alias/aws/sqs", MessageRetentionPeriod: "86400" },
    }),
  );
}

async function createStreamsAndTables(): Promise<void> {
  const kinesis = aws.client(KinesisClient);
  await kinesis.send(new CreateStreamCommand({ StreamName: "clicks", ShardCount: 2 }));
  await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: CLICKS, ConsumerName: "fanout" }));
  await kinesis.send(
    new CreateStreamCommand({ StreamName: "audit", StreamModeDetails: { StreamMode: "ON_DEMAND" } }),
  );
  await kinesis.send(
    new StartStreamEncryptionCommand({
      StreamName: "audit",
      EncryptionType: "KMS",
      KeyId: "alias/aws/kinesis",
    }),
  );

  const dynamodb = aws.client(DynamoDBClient);
  const users = await dynamodb.send(
    new CreateTableCommand({
      TableName: "users",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
      Tags: [{ Key: "team", Value: "identity" }],
    }),
  );
  usersStreamArn = users.TableDescription?.LatestStreamArn ?? "";
  expect(usersStreamArn).toMatch(/^arn:aws:dynamodb:.*:table\/users\/stream\//);
  await dynamodb.send(
    new CreateTableCommand({
      TableName: "plain",
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
    }),
  );
}

async function createFunctions(role: string): Promise<void> {
  const lambda = aws.client(LambdaClient);
  const create = (name: string, extra: Parameters<typeof createMotoFunction>[3] = {}) =>
    createMotoFunction(aws, role, name, extra);
  await create("ingest", {
    Timeout: 30,
    MemorySize: 512,
    Tags: { team: "payments", "watchkeeper:breaker": "on" },
  });
  await lambda.send(
    new PutFunctionConcurrencyCommand({ FunctionName: "ingest", ReservedConcurrentExecutions: 5 }),
  );
  // Accepted by moto, but not readable back through the SDK: discovery must warn, not fail.
  await lambda.send(
    new PutFunctionEventInvokeConfigCommand({
      FunctionName: "ingest",
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: ORDERS_DLQ } },
    }),
  );
  await lambda.send(
    new CreateEventSourceMappingCommand({ FunctionName: "ingest", EventSourceArn: ORDERS, BatchSize: 10 }),
  );

  await create("stream-reader");
  await lambda.send(new PublishVersionCommand({ FunctionName: "stream-reader" }));
  await lambda.send(
    new CreateAliasCommand({ FunctionName: "stream-reader", Name: "live", FunctionVersion: "1" }),
  );
  await lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: `${READER}:live`,
      EventSourceArn: CLICKS,
      StartingPosition: "LATEST",
      MaximumRetryAttempts: 2,
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: ORDERS_DLQ } },
    }),
  );
  await lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: "stream-reader",
      EventSourceArn: usersStreamArn,
      StartingPosition: "TRIM_HORIZON",
    }),
  );

  await create("plain");
}

async function createApis(): Promise<void> {
  const rest = aws.client(APIGatewayClient);
  const api = await rest.send(
    new CreateRestApiCommand({
      name: "shop",
      endpointConfiguration: { types: ["REGIONAL"] },
      tags: { team: "web" },
    }),
  );
  restApiId = api.id ?? "";
  const root = (await rest.send(new GetApiResourcesCommand({ restApiId }))).items?.[0]?.id ?? "";
  await rest.send(
    new PutMethodCommand({ restApiId, resourceId: root, httpMethod: "GET", authorizationType: "NONE" }),
  );
  await rest.send(
    new PutIntegrationCommand({ restApiId, resourceId: root, httpMethod: "GET", type: "MOCK" }),
  );
  const deployment = await rest.send(new CreateDeploymentCommand({ restApiId, stageName: "prod" }));
  await rest.send(new CreateRestStageCommand({ restApiId, stageName: "dev", deploymentId: deployment.id }));

  const v2 = aws.client(ApiGatewayV2Client);
  const http = await v2.send(
    new CreateApiCommand({ Name: "webhooks", ProtocolType: "HTTP", Tags: { team: "web" } }),
  );
  httpApiId = http.ApiId ?? "";
  await v2.send(new CreateStageCommand({ ApiId: httpApiId, StageName: "$default" }));
  const ws = await v2.send(
    new CreateApiCommand({
      Name: "chat",
      ProtocolType: "WEBSOCKET",
      RouteSelectionExpression: "$request.body.action",
      Tags: { team: "realtime" },
    }),
  );
  webSocketApiId = ws.ApiId ?? "";
  await v2.send(new CreateStageCommand({ ApiId: webSocketApiId, StageName: "production" }));
  await v2.send(new CreateStageCommand({ ApiId: webSocketApiId, StageName: "beta" }));
}

async function createStateMachine(role: string): Promise<void> {
  await aws.client(SFNClient).send(
    new CreateStateMachineCommand({
      name: "checkout",
      roleArn: role,
      definition: JSON.stringify({
        StartAt: "Done",
        TimeoutSeconds: 900,
        States: { Done: { Type: "Pass", End: true } },
      }),
      tags: [{ key: "team", value: "payments" }],
    }),
  );
}

async function createRules(): Promise<void> {
  const events = aws.client(EventBridgeClient);
  await events.send(new PutRuleCommand({ Name: "nightly", ScheduleExpression: "rate(1 day)" }));
  await events.send(
    new PutTargetsCommand({
      Rule: "nightly",
      Targets: [
        {
          Id: "ingest",
          Arn: INGEST,
          DeadLetterConfig: { Arn: ORDERS_DLQ },
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        },
      ],
    }),
  );
  await events.send(new CreateEventBusCommand({ Name: "orders-bus" }));
  await events.send(
    new PutRuleCommand({
      Name: "order-placed",
      EventBusName: "orders-bus",
      EventPattern: JSON.stringify({ source: ["shop"] }),
      State: "DISABLED",
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: "order-placed",
      EventBusName: "orders-bus",
      Targets: [{ Id: "queue", Arn: ORDERS }],
    }),
  );
}

async function createTopics(): Promise<void> {
  const sns = aws.client(SNSClient);
  await sns.send(new CreateTopicCommand({ Name: "alerts", Tags: [{ Key: "team", Value: "sre" }] }));
  await sns.send(
    new SubscribeCommand({
      TopicArn: ALERTS,
      Protocol: "sqs",
      Endpoint: ORDERS,
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: ORDERS_DLQ }) },
    }),
  );
  await sns.send(new SubscribeCommand({ TopicArn: ALERTS, Protocol: "lambda", Endpoint: INGEST }));
  await sns.send(
    new SubscribeCommand({ TopicArn: ALERTS, Protocol: "email", Endpoint: "oncall@example.com" }),
  );
  await sns.send(new CreateTopicCommand({ Name: "audit.fifo", Attributes: { FifoTopic: "true" } }));
}

async function createLogGroups(): Promise<void> {
  const logs = aws.client(CloudWatchLogsClient);
  await logs.send(
    new CreateLogGroupCommand({ logGroupName: "/aws/lambda/ingest", tags: { team: "payments" } }),
  );
  await logs.send(new CreateLogGroupCommand({ logGroupName: "/app/custom" }));
  await logs.send(new PutRetentionPolicyCommand({ logGroupName: "/app/custom", retentionInDays: 14 }));
}
