import {
  APIGatewayClient,
  GetRestApisCommand,
  GetStagesCommand,
  GetTagsCommand,
} from "@aws-sdk/client-api-gateway";
import {
  ApiGatewayV2Client,
  GetApisCommand,
  GetStagesCommand as GetV2StagesCommand,
} from "@aws-sdk/client-apigatewayv2";
import {
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ListTagsOfResourceCommand,
} from "@aws-sdk/client-dynamodb";
import {
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTagsForResourceCommand as ListRuleTagsCommand,
  ListTargetsByRuleCommand,
} from "@aws-sdk/client-eventbridge";
import {
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListStreamConsumersCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
} from "@aws-sdk/client-kinesis";
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from "@aws-sdk/client-resource-groups-tagging-api";
import {
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  ListTagsForResourceCommand as ListMachineTagsCommand,
  SFNClient,
} from "@aws-sdk/client-sfn";
import {
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTagsForResourceCommand as ListTopicTagsCommand,
  ListTopicsCommand,
  SNSClient,
} from "@aws-sdk/client-sns";
import { describe, expect, it } from "vitest";
import { SimAccount, simulatedAws } from "../../lib/sim/index.js";
import { collectPages, expectAwsError, uniqueSet } from "./helpers.js";

function setup() {
  const account = new SimAccount({ enforceQuotas: false });
  return { account, aws: simulatedAws(account) };
}

describe("Kinesis", () => {
  it("returns at most 100 streams a page, whatever Limit asks for", async () => {
    const { account, aws } = setup();
    for (let i = 0; i < 150; i++) account.addStream({ name: `s-${String(i).padStart(3, "0")}` });
    const page = await aws.client(KinesisClient).send(new ListStreamsCommand({ Limit: 1000 }));
    expect(page.StreamNames).toHaveLength(100);
    expect(page.HasMoreStreams).toBe(true);
  });

  it("pages streams with summaries, describes one, lists its consumers and tags", async () => {
    const { account, aws } = setup();
    const kinesis = aws.client(KinesisClient);
    for (let i = 0; i < 25; i++) account.addStream({ name: `s-${String(i).padStart(2, "0")}` });
    const clicks = account.addStream({
      name: "clicks",
      shardCount: 3,
      encryption: "KMS",
      consumers: ["a", "b"],
      tags: { team: "x", app: "y" },
    });
    const { items, pages } = await collectPages(
      (NextToken) => kinesis.send(new ListStreamsCommand({ NextToken, Limit: 10 })),
      (page) => page.StreamSummaries,
      (page) => (page.HasMoreStreams ? page.NextToken : undefined),
    );
    expect(pages).toBe(3);
    expect(uniqueSet(items.map((s) => s.StreamARN)).size).toBe(26);
    expect(items[0]).toMatchObject({
      StreamName: "clicks",
      StreamStatus: "ACTIVE",
      StreamModeDetails: { StreamMode: "PROVISIONED" },
    });
    const summary = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamARN: clicks.arn })))
      .StreamDescriptionSummary;
    expect(summary).toMatchObject({
      OpenShardCount: 3,
      ConsumerCount: 2,
      EncryptionType: "KMS",
      RetentionPeriodHours: 24,
    });
    const consumers = await kinesis.send(new ListStreamConsumersCommand({ StreamARN: clicks.arn }));
    expect(consumers.Consumers?.map((c) => c.ConsumerName)).toEqual(["a", "b"]);
    expect(
      (await kinesis.send(new ListTagsForStreamCommand({ StreamName: "clicks", Limit: 1 }))).Tags,
    ).toEqual([{ Key: "app", Value: "y" }]);
    await expectAwsError(
      kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "nope" })),
      "ResourceNotFoundException",
      400,
    );
  });
});

describe("DynamoDB", () => {
  it("pages tables by name, describes streams and billing, lists tags", async () => {
    const { account, aws } = setup();
    const dynamodb = aws.client(DynamoDBClient);
    for (let i = 0; i < 150; i++) account.addTable({ name: `t-${String(i).padStart(3, "0")}` });
    const orders = account.addTable({
      name: "orders",
      stream: "NEW_IMAGE",
      billingMode: "PROVISIONED",
      tags: { team: "orders" },
    });
    const { items, pages } = await collectPages(
      (ExclusiveStartTableName) => dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName })),
      (page) => page.TableNames,
      (page) => page.LastEvaluatedTableName,
    );
    expect(pages).toBe(2);
    expect(uniqueSet(items).size).toBe(151);
    const table = (await dynamodb.send(new DescribeTableCommand({ TableName: "orders" }))).Table;
    expect(table).toMatchObject({
      TableArn: orders.arn,
      TableStatus: "ACTIVE",
      BillingModeSummary: { BillingMode: "PROVISIONED" },
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
      LatestStreamArn: orders.stream?.arn,
    });
    expect(table?.LatestStreamArn).toMatch(
      /^arn:aws:dynamodb:us-east-1:123456789012:table\/orders\/stream\/\d{4}-/,
    );
    expect((await dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: orders.arn }))).Tags).toEqual([
      { Key: "team", Value: "orders" },
    ]);
    await expectAwsError(
      dynamodb.send(new DescribeTableCommand({ TableName: "nope" })),
      "ResourceNotFoundException",
    );
  });
});

describe("API Gateway", () => {
  it("pages REST APIs by position, lists stages and tags", async () => {
    const { account, aws } = setup();
    const apigateway = aws.client(APIGatewayClient);
    for (let i = 0; i < 60; i++) account.addRestApi({ name: `api-${i}` });
    const orders = account.addRestApi({ name: "orders", stages: ["prod", "dev"], tags: { team: "orders" } });
    const { items, pages } = await collectPages(
      (position) => apigateway.send(new GetRestApisCommand({ position, limit: 25 })),
      (page) => page.items,
      (page) => page.position,
    );
    expect(pages).toBe(3);
    expect(uniqueSet(items.map((a) => a.id)).size).toBe(61);
    expect(items.find((a) => a.id === orders.id)).toMatchObject({
      name: "orders",
      endpointConfiguration: { types: ["REGIONAL"] },
      tags: { team: "orders" },
    });
    const stages = await apigateway.send(new GetStagesCommand({ restApiId: orders.id }));
    expect(stages.item?.map((s) => s.stageName)).toEqual(["prod", "dev"]);
    expect((await apigateway.send(new GetTagsCommand({ resourceArn: orders.arn }))).tags).toEqual({
      team: "orders",
    });
    await expectAwsError(
      apigateway.send(new GetStagesCommand({ restApiId: "nope" })),
      "NotFoundException",
      404,
    );
  });

  it("pages HTTP APIs by NextToken (MaxResults is a string) and lists their stages", async () => {
    const { account, aws } = setup();
    const v2 = aws.client(ApiGatewayV2Client);
    for (let i = 0; i < 12; i++) account.addHttpApi({ name: `http-${i}`, stages: ["$default", "beta"] });
    const { items, pages } = await collectPages(
      (NextToken) => v2.send(new GetApisCommand({ NextToken, MaxResults: "5" })),
      (page) => page.Items,
      (page) => page.NextToken,
    );
    expect(pages).toBe(3);
    expect(uniqueSet(items.map((a) => a.ApiId)).size).toBe(12);
    expect(items[0]).toMatchObject({
      ProtocolType: "HTTP",
      ApiEndpoint: expect.stringMatching(/^https:\/\/\w{10}\.execute-api\.us-east-1\.amazonaws\.com$/),
    });
    const stages = await v2.send(new GetV2StagesCommand({ ApiId: items[0]!.ApiId }));
    expect(stages.Items?.map((s) => s.StageName)).toEqual(["$default", "beta"]);
    await expectAwsError(v2.send(new GetApisCommand({ MaxResults: "zero" })), "BadRequestException");
  });
});

describe("Step Functions", () => {
  it("pages state machines, describes one with its logging, lists tags", async () => {
    const { account, aws } = setup();
    const sfn = aws.client(SFNClient);
    for (let i = 0; i < 5; i++)
      account.addStateMachine({ name: `m-${i}`, type: i % 2 ? "EXPRESS" : "STANDARD" });
    const flow = account.addStateMachine({ name: "flow", logLevel: "ERROR", tags: { team: "x" } });
    const { items, pages } = await collectPages(
      (nextToken) => sfn.send(new ListStateMachinesCommand({ nextToken, maxResults: 4 })),
      (page) => page.stateMachines,
      (page) => page.nextToken,
    );
    expect(pages).toBe(2);
    expect(items.map((m) => m.type)).toEqual([
      "STANDARD",
      "STANDARD",
      "EXPRESS",
      "STANDARD",
      "EXPRESS",
      "STANDARD",
    ]);
    expect(
      (await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: flow.arn }))).loggingConfiguration
        ?.level,
    ).toBe("ERROR");
    expect((await sfn.send(new ListMachineTagsCommand({ resourceArn: flow.arn }))).tags).toEqual([
      { key: "team", value: "x" },
    ]);
    await expectAwsError(
      sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${flow.arn}-gone` })),
      "StateMachineDoesNotExist",
    );
    await expectAwsError(
      sfn.send(new DescribeStateMachineCommand({ stateMachineArn: "not-an-arn" })),
      "InvalidArn",
    );
  });
});

describe("EventBridge", () => {
  it("lists buses, rules per bus with paging, targets with DLQs and retry policies, and rule tags", async () => {
    const { account, aws } = setup();
    const events = aws.client(EventBridgeClient);
    account.addEventBus({ name: "orders" });
    for (let i = 0; i < 30; i++) account.addRule({ name: `r-${i}`, scheduleExpression: "rate(5 minutes)" });
    const rule = account.addRule({
      name: "placed",
      eventBusName: "orders",
      eventPattern: '{"source":["orders"]}',
      targets: [
        {
          id: "fn",
          arn: "arn:aws:lambda:us-east-1:123456789012:function:f",
          deadLetterArn: "arn:aws:sqs:us-east-1:123456789012:dlq",
          maximumRetryAttempts: 3,
        },
        { id: "log", arn: "arn:aws:logs:us-east-1:123456789012:log-group:/events" },
      ],
      tags: { team: "orders" },
    });
    expect((await events.send(new ListEventBusesCommand({}))).EventBuses?.map((b) => b.Name)).toEqual([
      "default",
      "orders",
    ]);
    const defaults = await collectPages(
      (NextToken) => events.send(new ListRulesCommand({ NextToken, Limit: 20 })),
      (page) => page.Rules,
      (page) => page.NextToken,
    );
    expect(defaults.pages).toBe(2);
    expect(uniqueSet(defaults.items.map((r) => r.Name)).size).toBe(30);
    const onOrders = await events.send(new ListRulesCommand({ EventBusName: "orders" }));
    expect(onOrders.Rules).toEqual([
      expect.objectContaining({
        Name: "placed",
        Arn: "arn:aws:events:us-east-1:123456789012:rule/orders/placed",
        EventBusName: "orders",
        State: "ENABLED",
      }),
    ]);
    const targets = await events.send(
      new ListTargetsByRuleCommand({ Rule: "placed", EventBusName: "orders" }),
    );
    expect(targets.Targets).toEqual([
      {
        Id: "fn",
        Arn: "arn:aws:lambda:us-east-1:123456789012:function:f",
        DeadLetterConfig: { Arn: "arn:aws:sqs:us-east-1:123456789012:dlq" },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 86400 },
      },
      { Id: "log", Arn: "arn:aws:logs:us-east-1:123456789012:log-group:/events" },
    ]);
    expect((await events.send(new ListRuleTagsCommand({ ResourceARN: rule.arn }))).Tags).toEqual([
      { Key: "team", Value: "orders" },
    ]);
    await expectAwsError(
      events.send(new ListTargetsByRuleCommand({ Rule: "placed" })),
      "ResourceNotFoundException",
    );
  });
});

describe("SNS", () => {
  it("pages topics and subscriptions 100 at a time, and reads attributes with the redrive policy", async () => {
    const { account, aws } = setup();
    const sns = aws.client(SNSClient);
    for (let i = 0; i < 150; i++) account.addTopic({ name: `t-${i}` });
    const alerts = account.addTopic({ name: "alerts", tags: { team: "ops" } });
    for (let i = 0; i < 120; i++)
      account.addSubscription({ topic: "alerts", protocol: "email", endpoint: `p${i}@example.com` });
    const sub = account.addSubscription({
      topic: alerts.arn,
      protocol: "sqs",
      endpoint: "arn:aws:sqs:us-east-1:123456789012:archive",
      deadLetterArn: "arn:aws:sqs:us-east-1:123456789012:archive-dlq",
    });
    account.addSubscription({
      topic: "t-1",
      protocol: "lambda",
      endpoint: "arn:aws:lambda:us-east-1:123456789012:function:f",
    });
    const topics = await collectPages(
      (NextToken) => sns.send(new ListTopicsCommand({ NextToken })),
      (p) => p.Topics,
      (p) => p.NextToken,
    );
    expect(topics.pages).toBe(2);
    expect(uniqueSet(topics.items.map((t) => t.TopicArn)).size).toBe(151);
    const subs = await collectPages(
      (NextToken) => sns.send(new ListSubscriptionsCommand({ NextToken })),
      (p) => p.Subscriptions,
      (p) => p.NextToken,
    );
    expect(uniqueSet(subs.items.map((s) => s.SubscriptionArn)).size).toBe(122);
    const ofAlerts = await collectPages(
      (NextToken) => sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: alerts.arn, NextToken })),
      (p) => p.Subscriptions,
      (p) => p.NextToken,
    );
    expect(ofAlerts.items).toHaveLength(121);
    const attributes = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.arn })))
      .Attributes!;
    expect(JSON.parse(attributes.RedrivePolicy!)).toEqual({
      deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:archive-dlq",
    });
    expect(
      (await sns.send(new GetTopicAttributesCommand({ TopicArn: alerts.arn }))).Attributes,
    ).toMatchObject({ TopicArn: alerts.arn, SubscriptionsConfirmed: "121" });
    expect((await sns.send(new ListTopicTagsCommand({ ResourceArn: alerts.arn }))).Tags).toEqual([
      { Key: "team", Value: "ops" },
    ]);
    await expectAwsError(
      sns.send(new GetTopicAttributesCommand({ TopicArn: `${alerts.arn}-gone` })),
      "NotFoundException",
      404,
    );
  });
});

describe("Resource Groups Tagging API", () => {
  it("returns only tagged resources, filtered by type and tag, 100 a page at most", async () => {
    const { account, aws } = setup();
    const tagging = aws.client(ResourceGroupsTaggingAPIClient);
    for (let i = 0; i < 150; i++)
      account.addFunction({ name: `f-${i}`, tags: i % 3 === 0 ? {} : { team: i % 2 ? "a" : "b" } });
    account.addQueue({ name: "tagged", tags: { team: "a" } });
    account.addQueue({ name: "untagged" });
    account.addStream({ name: "s", tags: { team: "a" } });
    account.addLogGroup({ name: "/g", tags: { "watchkeeper:ignore": "true" } });
    const api = account.addRestApi({ name: "r", tags: { team: "a" } });
    const all = await collectPages(
      (PaginationToken) => tagging.send(new GetResourcesCommand({ PaginationToken, ResourcesPerPage: 100 })),
      (page) => page.ResourceTagMappingList,
      (page) => page.PaginationToken,
    );
    expect(all.pages).toBe(2);
    expect(uniqueSet(all.items.map((r) => r.ResourceARN)).size).toBe(100 + 4);
    const byType = await tagging.send(
      new GetResourcesCommand({
        ResourceTypeFilters: ["sqs", "kinesis:stream", "logs:log-group", "apigateway:restapis"],
      }),
    );
    expect(byType.ResourceTagMappingList?.map((r) => r.ResourceARN).sort()).toEqual(
      [
        account.queue("tagged")!.arn,
        account.streams.get("s")!.arn,
        account.logGroups.get("/g")!.arn,
        api.arn,
      ].sort(),
    );
    expect(byType.PaginationToken).toBe("");
    const teamB = await collectPages(
      (PaginationToken) =>
        tagging.send(
          new GetResourcesCommand({
            PaginationToken,
            ResourceTypeFilters: ["lambda:function"],
            TagFilters: [{ Key: "team", Values: ["b"] }],
          }),
        ),
      (page) => page.ResourceTagMappingList,
      (page) => page.PaginationToken,
    );
    expect(teamB.items).toHaveLength(50);
    expect(teamB.items.every((r) => r.Tags?.[0]?.Value === "b")).toBe(true);
    await expectAwsError(
      tagging.send(new GetResourcesCommand({ ResourcesPerPage: 101 })),
      "InvalidParameterException",
    );
    await expectAwsError(
      tagging.send(new GetResourcesCommand({ ResourceTypeFilters: ["lambda function"] })),
      "InvalidParameterException",
    );
  });
});
