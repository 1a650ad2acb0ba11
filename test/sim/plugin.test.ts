import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import {
  GetFunctionCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-lambda";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { Aws } from "../../lib/aws/index.js";
import {
  SimAccount,
  SimNotImplementedError,
  simPlugin,
  simulatedApis,
  simulatedAws,
} from "../../lib/sim/index.js";
import { expectAwsError } from "./helpers.js";

describe("simPlugin", () => {
  it("answers real SDK clients from the account, with response metadata and no HTTP", async () => {
    const account = new SimAccount({ accountId: "210987654321", region: "eu-west-1" });
    account.addFunction({ name: "checkout" });
    const aws = new Aws({ region: "eu-west-1", plugin: simPlugin(account), clock: account.clock });
    const identity = await aws.client(STSClient).send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe("210987654321");
    expect(identity.$metadata.httpStatusCode).toBe(200);
    const fn = await aws.client(LambdaClient).send(new GetFunctionCommand({ FunctionName: "checkout" }));
    expect(fn.Configuration?.FunctionArn).toBe("arn:aws:lambda:eu-west-1:210987654321:function:checkout");
  });

  it("raises the SDK's own exception classes", async () => {
    const aws = simulatedAws(new SimAccount());
    const error = await expectAwsError(
      aws.client(LambdaClient).send(new GetFunctionCommand({ FunctionName: "missing" })),
      "ResourceNotFoundException",
      404,
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe("Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing");
  });

  it("names the service and API of a command it does not implement", async () => {
    const account = new SimAccount();
    const aws = simulatedAws(account);
    const error = await aws
      .client(LambdaClient)
      .send(new ListAliasesCommand({ FunctionName: "x" }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimNotImplementedError);
    expect((error as Error).message).toMatch(/lambda ListAliases/);
    expect(account.stats()).toEqual([
      { service: "lambda", api: "ListAliases", calls: 1, throttled: 0, errors: 1, faults: 0 },
    ]);
  });

  it("counts calls and errors per API", async () => {
    const account = new SimAccount();
    const aws = simulatedAws(account);
    const lambda = aws.client(LambdaClient);
    await lambda.send(new ListFunctionsCommand({}));
    await lambda.send(new ListFunctionsCommand({}));
    await lambda.send(new GetFunctionCommand({ FunctionName: "nope" })).catch(() => undefined);
    expect(account.stats()).toEqual([
      { service: "lambda", api: "GetFunction", calls: 1, throttled: 0, errors: 1, faults: 0 },
      { service: "lambda", api: "ListFunctions", calls: 2, throttled: 0, errors: 0, faults: 0 },
    ]);
    account.resetStats();
    expect(account.stats()).toEqual([]);
  });

  it("keeps a copy of the input, so the caller changing it later does not change the account", async () => {
    const account = new SimAccount();
    const cloudwatch = simulatedAws(account).client(CloudWatchClient);
    const input = {
      AlarmName: "copy",
      Namespace: "App",
      MetricName: "Errors",
      Dimensions: [{ Name: "Service", Value: "a" }],
      Statistic: "Sum" as const,
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanThreshold" as const,
    };
    await cloudwatch.send(new PutMetricAlarmCommand(input));
    input.Dimensions[0]!.Value = "changed";
    const described = await cloudwatch.send(new DescribeAlarmsCommand({}));
    expect(described.MetricAlarms?.[0]?.Dimensions).toEqual([{ Name: "Service", Value: "a" }]);
    described.MetricAlarms![0]!.Dimensions!.push({ Name: "x", Value: "y" });
    expect(account.alarms.get("copy")?.config.Dimensions).toHaveLength(1);
  });

  it("lists what it simulates", () => {
    const apis = simulatedApis();
    expect(apis.lambda).toContain("PutFunctionConcurrency");
    expect(apis.sqs).toContain("StartMessageMoveTask");
    expect(apis.cloudwatch).toContain("GetMetricData");
    expect(apis.secretsmanager).toEqual(["CreateSecret", "GetSecretValue"]);
    expect(apis.organizations).toEqual([
      "DescribeOrganization",
      "ListAccounts",
      "ListAccountsForParent",
      "ListChildren",
    ]);
    expect(apis.iam).toEqual(["ListAccountAliases"]);
    expect(Object.keys(apis)).toHaveLength(16);
  });
});
