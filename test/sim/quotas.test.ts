import { APIGatewayClient, GetRestApisCommand } from "@aws-sdk/client-api-gateway";
import { ApiGatewayV2Client, GetApisCommand } from "@aws-sdk/client-apigatewayv2";
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, ListRulesCommand } from "@aws-sdk/client-eventbridge";
import { KinesisClient, ListStreamsCommand } from "@aws-sdk/client-kinesis";
import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from "@aws-sdk/client-resource-groups-tagging-api";
import { ListStateMachinesCommand, SFNClient } from "@aws-sdk/client-sfn";
import { ListTopicsCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { Pluggable } from "@smithy/types";
import { describe, expect, it } from "vitest";
import { Aws, Pacer, errorCode, isThrottling, quotaFor, type AwsService } from "../../lib/aws/index.js";
import { SimAccount, generateAccount, simPlugin, simulatedAws } from "../../lib/sim/index.js";

interface RawClient {
  middlewareStack: { use(p: Pluggable<object, object>): void };
  send(command: unknown): Promise<unknown>;
}

/** A plain SDK client with the simulator plugged in and no pacer in front. */
function unpaced(
  Client: new (config: object) => unknown,
  account: SimAccount,
  service: AwsService,
): RawClient {
  const client = new Client({
    region: account.region,
    credentials: { accessKeyId: "sim", secretAccessKey: "sim" },
  }) as RawClient;
  client.middlewareStack.use(simPlugin(account)(service));
  return client;
}

const alarm = (name: string) =>
  new PutMetricAlarmCommand({
    AlarmName: name,
    Namespace: "App",
    MetricName: "Errors",
    Statistic: "Sum",
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: "GreaterThanThreshold",
  });

describe("API quotas", () => {
  it("throttles a burst above the quota when nothing paces it", async () => {
    const account = new SimAccount();
    const cloudwatch = unpaced(CloudWatchClient, account, "cloudwatch");
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => cloudwatch.send(alarm(`burst-${i}`))),
    );
    const rejected = results.filter((r) => r.status === "rejected").map((r) => r.reason as Error);
    // PutMetricAlarm allows 3 per second: a burst of one second's worth passes, the rest is throttled.
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(rejected).toHaveLength(7);
    for (const error of rejected) {
      expect(error.name).toBe("Throttling");
      expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(400);
      expect(isThrottling(error)).toBe(true);
    }
    expect(account.alarms.size).toBe(3);
    expect(account.stats()).toEqual([
      { service: "cloudwatch", api: "PutMetricAlarm", calls: 10, throttled: 7, errors: 0, faults: 0 },
    ]);
  });

  it("throttles a steady rate above the quota, refilling one token per 1/rps seconds", async () => {
    const account = new SimAccount();
    // A pacer at four times the quota stands in for a caller that ignores it.
    const aws = new Aws({
      region: account.region,
      plugin: simPlugin(account),
      clock: account.clock,
      pacer: new Pacer(account.clock, 4),
    });
    const start = account.clock.now();
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, () => aws.client(LambdaClient).send(new ListFunctionsCommand({}))),
    );
    const seconds = (account.clock.now() - start) / 1000;
    const passed = results.filter((r) => r.status === "fulfilled").length;
    const { rps } = quotaFor("lambda", "ListFunctions");
    expect(seconds).toBeCloseTo(59 / (rps * 4), 1);
    expect(passed).toBeGreaterThanOrEqual(Math.floor(rps + seconds * rps) - 1);
    expect(passed).toBeLessThanOrEqual(Math.ceil(rps + seconds * rps) + 1);
    expect(account.stats()[0]?.throttled).toBe(60 - passed);
  });

  it("never throttles calls that go through the pacer, however many run at once", async () => {
    const account = generateAccount({ resources: 1000, seed: 3 });
    const aws = simulatedAws(account);
    const start = account.clock.now();
    const functions = [...account.functions.values()].slice(0, 200);
    const queues = [...account.queues.values()].slice(0, 100);
    const groups = [...account.logGroups.values()].slice(0, 40);
    await Promise.all([
      ...Array.from({ length: 60 }, (_, i) => aws.client(CloudWatchClient).send(alarm(`paced-${i}`))),
      ...functions.map((f) =>
        aws.client(LambdaClient).send(new GetFunctionCommand({ FunctionName: f.name })),
      ),
      ...queues.map((q) =>
        aws
          .client(SQSClient)
          .send(new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ["All"] })),
      ),
      ...groups.map((g) =>
        aws
          .client(CloudWatchLogsClient)
          .send(new PutRetentionPolicyCommand({ logGroupName: g.name, retentionInDays: 30 })),
      ),
      ...Array.from({ length: 30 }, () =>
        aws.client(CloudWatchLogsClient).send(new DescribeLogGroupsCommand({ limit: 50 })),
      ),
    ]);
    const stats = account.stats();
    expect(stats.reduce((sum, s) => sum + s.calls, 0)).toBe(430);
    expect(stats.filter((s) => s.throttled > 0)).toEqual([]);
    expect(account.alarms.size).toBe(60);
    // 60 alarms at 80 % of 3 per second take about 25 virtual seconds, and no wall time to speak of.
    expect((account.clock.now() - start) / 1000).toBeCloseTo(59 / (3 * 0.8), 0);
  });

  const THROTTLING: [AwsService, string, new (config: object) => unknown, () => unknown, string, number][] = [
    [
      "lambda",
      "ListFunctions",
      LambdaClient,
      () => new ListFunctionsCommand({}),
      "TooManyRequestsException",
      429,
    ],
    [
      "cloudwatch",
      "DescribeAlarms",
      CloudWatchClient,
      () => new DescribeAlarmsCommand({}),
      "Throttling",
      400,
    ],
    [
      "logs",
      "DescribeLogGroups",
      CloudWatchLogsClient,
      () => new DescribeLogGroupsCommand({}),
      "ThrottlingException",
      400,
    ],
    [
      "kinesis",
      "ListStreams",
      KinesisClient,
      () => new ListStreamsCommand({}),
      "LimitExceededException",
      400,
    ],
    ["sqs", "ListQueues", SQSClient, () => new ListQueuesCommand({}), "RequestThrottled", 400],
    ["sns", "ListTopics", SNSClient, () => new ListTopicsCommand({}), "ThrottledException", 400],
    [
      "apigateway",
      "GetRestApis",
      APIGatewayClient,
      () => new GetRestApisCommand({}),
      "TooManyRequestsException",
      429,
    ],
    [
      "apigatewayv2",
      "GetApis",
      ApiGatewayV2Client,
      () => new GetApisCommand({}),
      "TooManyRequestsException",
      429,
    ],
    [
      "sfn",
      "ListStateMachines",
      SFNClient,
      () => new ListStateMachinesCommand({}),
      "ThrottlingException",
      400,
    ],
    [
      "eventbridge",
      "ListRules",
      EventBridgeClient,
      () => new ListRulesCommand({}),
      "ThrottlingException",
      400,
    ],
    ["dynamodb", "ListTables", DynamoDBClient, () => new ListTablesCommand({}), "ThrottlingException", 400],
    [
      "tagging",
      "GetResources",
      ResourceGroupsTaggingAPIClient,
      () => new GetResourcesCommand({}),
      "ThrottledException",
      400,
    ],
    ["sts", "GetCallerIdentity", STSClient, () => new GetCallerIdentityCommand({}), "Throttling", 400],
  ];

  it.each(THROTTLING)(
    "%s %s raises the error AWS raises when throttling",
    async (service, api, Client, command, name, status) => {
      const account = new SimAccount();
      const client = unpaced(Client, account, service);
      const burst = Math.ceil(quotaFor(service, api).rps) + 1;
      const results = await Promise.allSettled(Array.from({ length: burst }, () => client.send(command())));
      const rejected = results.flatMap((r) => (r.status === "rejected" ? [r.reason as Error] : []));
      expect(rejected).toHaveLength(1);
      expect(errorCode(rejected[0])).toBe(name);
      expect((rejected[0] as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(
        status,
      );
      expect(isThrottling(rejected[0])).toBe(true);
    },
  );

  it("draws APIs that share one published quota from one bucket, across clients", async () => {
    const account = new SimAccount();
    const rest = unpaced(APIGatewayClient, account, "apigateway");
    const http = unpaced(ApiGatewayV2Client, account, "apigatewayv2");
    // API Gateway's 10 requests per second cover REST and HTTP APIs together.
    await Promise.all(Array.from({ length: 10 }, () => rest.send(new GetRestApisCommand({}))));
    const error = await http.send(new GetApisCommand({})).catch((e: unknown) => e);
    expect(errorCode(error)).toBe("TooManyRequestsException");
    account.advanceTime(100);
    await expect(http.send(new GetApisCommand({}))).resolves.toBeDefined();
  });

  it("can be switched off for tests that are not about rates", async () => {
    const account = new SimAccount({ enforceQuotas: false });
    const cloudwatch = unpaced(CloudWatchClient, account, "cloudwatch");
    await Promise.all(Array.from({ length: 20 }, (_, i) => cloudwatch.send(alarm(`free-${i}`))));
    expect(account.alarms.size).toBe(20);
  });
});
