import {
  DeleteFunctionConcurrencyCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListFunctionEventInvokeConfigsCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  PutFunctionConcurrencyCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import { describe, expect, it } from "vitest";
import { SimAccount, simulatedAws } from "../../lib/sim/index.js";
import { collectPages, expectAwsError, uniqueSet } from "./helpers.js";

function setup() {
  const account = new SimAccount();
  return { account, lambda: simulatedAws(account).client(LambdaClient) };
}

describe("Lambda functions", () => {
  it("pages ListFunctions 50 at a time, every function exactly once", async () => {
    const { account, lambda } = setup();
    for (let i = 0; i < 123; i++) account.addFunction({ name: `fn-${String(i).padStart(3, "0")}` });
    const { items, pages } = await collectPages(
      (Marker) => lambda.send(new ListFunctionsCommand({ Marker, MaxItems: 200 })),
      (page) => page.Functions,
      (page) => page.NextMarker,
    );
    expect(pages).toBe(3);
    expect(uniqueSet(items.map((f) => f.FunctionName)).size).toBe(123);
    const small = await collectPages(
      (Marker) => lambda.send(new ListFunctionsCommand({ Marker, MaxItems: 7 })),
      (page) => page.Functions,
      (page) => page.NextMarker,
    );
    expect(small.pages).toBe(18);
    await expectAwsError(
      lambda.send(new ListFunctionsCommand({ Marker: "garbage" })),
      "InvalidParameterValueException",
      400,
    );
  });

  it("describes a function with its tags, reserved concurrency, DLQ and log group", async () => {
    const { account, lambda } = setup();
    account.addFunction({
      name: "audit",
      logGroup: "/app/audit",
      reservedConcurrency: 5,
      deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:audit-dlq",
      tags: { team: "security" },
    });
    account.addFunction({ name: "plain" });
    const audit = await lambda.send(
      new GetFunctionCommand({ FunctionName: "arn:aws:lambda:us-east-1:123456789012:function:audit" }),
    );
    expect(audit.Tags).toEqual({ team: "security" });
    expect(audit.Concurrency).toEqual({ ReservedConcurrentExecutions: 5 });
    expect(audit.Configuration?.LoggingConfig).toMatchObject({ LogGroup: "/app/audit", LogFormat: "JSON" });
    expect(audit.Configuration?.DeadLetterConfig?.TargetArn).toBe(
      "arn:aws:sqs:us-east-1:123456789012:audit-dlq",
    );
    expect(audit.Configuration?.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    const plain = await lambda.send(new GetFunctionCommand({ FunctionName: "plain:$LATEST" }));
    expect(plain.Concurrency).toBeUndefined();
    expect(plain.Tags).toBeUndefined();
    expect(plain.Configuration?.LoggingConfig?.LogGroup).toBe("/aws/lambda/plain");
    await expectAwsError(
      lambda.send(
        new GetFunctionCommand({ FunctionName: "arn:aws:lambda:eu-west-1:123456789012:function:plain" }),
      ),
      "ResourceNotFoundException",
      404,
    );
    await expectAwsError(
      lambda.send(new GetFunctionCommand({ FunctionName: "bad name!" })),
      "ValidationException",
      400,
    );
  });

  it("tags and untags by ARN", async () => {
    const { account, lambda } = setup();
    const fn = account.addFunction({ name: "tagged", tags: { a: "1" } });
    await lambda.send(new TagResourceCommand({ Resource: fn.arn, Tags: { b: "2" } }));
    await lambda.send(new UntagResourceCommand({ Resource: fn.arn, TagKeys: ["a"] }));
    expect((await lambda.send(new ListTagsCommand({ Resource: fn.arn }))).Tags).toEqual({ b: "2" });
    await expectAwsError(
      lambda.send(new TagResourceCommand({ Resource: fn.arn, Tags: { "aws:reserved": "x" } })),
      "ValidationException",
    );
    await expectAwsError(
      lambda.send(new ListTagsCommand({ Resource: `${fn.arn}-gone` })),
      "ResourceNotFoundException",
      404,
    );
  });
});

describe("Lambda concurrency", () => {
  it("reports unset concurrency as no value, and restores it with DeleteFunctionConcurrency", async () => {
    const { account, lambda } = setup();
    account.addFunction({ name: "worker" });
    expect(
      await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: "worker" })),
    ).not.toHaveProperty("ReservedConcurrentExecutions");
    await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: "worker", ReservedConcurrentExecutions: 0 }),
    );
    expect(account.functions.get("worker")?.reservedConcurrency).toBe(0);
    expect(
      (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: "worker" })))
        .ReservedConcurrentExecutions,
    ).toBe(0);
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: "worker" }));
    expect(account.functions.get("worker")?.reservedConcurrency).toBeUndefined();
  });

  it("keeps at least 100 of the account's concurrency unreserved", async () => {
    const { account, lambda } = setup();
    account.addFunction({ name: "big", reservedConcurrency: 800 });
    account.addFunction({ name: "small" });
    const settings = await lambda.send(new GetAccountSettingsCommand({}));
    expect(settings.AccountLimit).toMatchObject({
      ConcurrentExecutions: 1000,
      UnreservedConcurrentExecutions: 200,
    });
    expect(settings.AccountUsage?.FunctionCount).toBe(2);

    await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: "small", ReservedConcurrentExecutions: 100 }),
    );
    const error = await expectAwsError(
      lambda.send(
        new PutFunctionConcurrencyCommand({ FunctionName: "small", ReservedConcurrentExecutions: 101 }),
      ),
      "InvalidParameterValueException",
      400,
    );
    expect(error.message).toMatch(/below its minimum value of \[100\]/);
    expect(account.functions.get("small")?.reservedConcurrency).toBe(100);
    // Raising a function's own value counts only the difference.
    await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: "big", ReservedConcurrentExecutions: 800 }),
    );
    await expectAwsError(
      lambda.send(
        new PutFunctionConcurrencyCommand({ FunctionName: "big", ReservedConcurrentExecutions: 801 }),
      ),
      "InvalidParameterValueException",
    );
    await expectAwsError(
      lambda.send(
        new PutFunctionConcurrencyCommand({ FunctionName: "small", ReservedConcurrentExecutions: -1 }),
      ),
      "ValidationException",
    );
    expect(
      (await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit?.UnreservedConcurrentExecutions,
    ).toBe(100);
  });
});

describe("Lambda event sources and async invoke config", () => {
  it("lists mappings for all functions or one, with stream settings, and disables and re-enables one", async () => {
    const { account, lambda } = setup();
    account.addFunction({ name: "a" });
    account.addFunction({ name: "b" });
    const queue = account.addQueue({ name: "jobs" });
    const stream = account.addStream({ name: "clicks" });
    const sqsMapping = account.addEventSourceMapping({ functionName: "a", eventSourceArn: queue.arn });
    account.addEventSourceMapping({
      functionName: "b",
      eventSourceArn: stream.arn,
      maximumRetryAttempts: -1,
    });
    for (let i = 0; i < 120; i++)
      account.addEventSourceMapping({ functionName: "b", eventSourceArn: `${queue.arn}-${i}` });

    const all = await collectPages(
      (Marker) => lambda.send(new ListEventSourceMappingsCommand({ Marker })),
      (page) => page.EventSourceMappings,
      (page) => page.NextMarker,
    );
    expect(all.pages).toBe(2);
    expect(uniqueSet(all.items.map((m) => m.UUID)).size).toBe(122);
    const forA = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: "a" }));
    expect(forA.EventSourceMappings).toHaveLength(1);
    expect(forA.EventSourceMappings?.[0]).toMatchObject({
      EventSourceArn: queue.arn,
      State: "Enabled",
      BatchSize: 10,
    });
    const byStream = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: stream.arn }));
    expect(byStream.EventSourceMappings?.[0]).toMatchObject({
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: -1,
      StartingPosition: "LATEST",
      DestinationConfig: { OnFailure: {} },
    });

    const disabled = await lambda.send(
      new UpdateEventSourceMappingCommand({ UUID: sqsMapping.uuid, Enabled: false }),
    );
    expect(disabled.State).toBe("Disabled");
    expect(account.eventSourceMappings.get(sqsMapping.uuid)?.state).toBe("Disabled");
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: sqsMapping.uuid, Enabled: true }));
    expect(account.eventSourceMappings.get(sqsMapping.uuid)?.state).toBe("Enabled");
    await expectAwsError(
      lambda.send(
        new UpdateEventSourceMappingCommand({ UUID: "00000000-0000-0000-0000-000000000000", Enabled: false }),
      ),
      "ResourceNotFoundException",
      404,
    );
    await expectAwsError(
      lambda.send(new UpdateEventSourceMappingCommand({ UUID: sqsMapping.uuid, MaximumRetryAttempts: 3 })),
      "InvalidParameterValueException",
    );
  });

  it("answers async invoke config where it is set and ResourceNotFound where it is not", async () => {
    const { account, lambda } = setup();
    account.addFunction({
      name: "async",
      eventInvokeConfig: { maximumRetryAttempts: 0, onFailure: "arn:aws:sqs:us-east-1:123456789012:failed" },
    });
    account.addFunction({ name: "sync" });
    const config = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: "async" }));
    expect(config).toMatchObject({
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: "arn:aws:sqs:us-east-1:123456789012:failed" } },
    });
    expect(
      (await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: "async" })))
        .FunctionEventInvokeConfigs,
    ).toHaveLength(1);
    expect(
      (await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: "sync" })))
        .FunctionEventInvokeConfigs,
    ).toEqual([]);
    const error = await expectAwsError(
      lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: "sync" })),
      "ResourceNotFoundException",
      404,
    );
    expect(error.message).toMatch(/doesn't have an EventInvokeConfig/);
  });
});

describe("Lambda Invoke", () => {
  it("records async payloads on the function", async () => {
    const { account, lambda } = setup();
    account.addFunction({ name: "worker" });
    const result = await lambda.send(
      new InvokeCommand({
        FunctionName: "worker",
        InvocationType: "Event",
        Payload: JSON.stringify({ id: 7 }),
      }),
    );
    expect(result.StatusCode).toBe(202);
    expect(account.functions.get("worker")?.invocations).toEqual([
      { type: "Event", payload: '{"id":7}', at: account.clock.now(), outcome: "accepted" },
    ]);
    const sync = await lambda.send(
      new InvokeCommand({ FunctionName: "worker", Payload: new TextEncoder().encode("{}") }),
    );
    expect(sync.StatusCode).toBe(200);
    expect(sync.Payload?.transformToString()).toBe("null");
  });

  it("fails invokes the account was told to fail, and recovers", async () => {
    const { account, lambda } = setup();
    account.addFunction({ name: "flaky" });
    account.failInvokes("flaky", "TooManyRequestsException");
    await expectAwsError(
      lambda.send(new InvokeCommand({ FunctionName: "flaky", InvocationType: "Event", Payload: "{}" })),
      "TooManyRequestsException",
      429,
    );
    account.failInvokes("flaky");
    const error = await lambda
      .send(new InvokeCommand({ FunctionName: "flaky", InvocationType: "Event", Payload: "{}" }))
      .catch((e: unknown) => e);
    expect((error as { $fault?: string }).$fault).toBe("server");
    account.failInvokes("flaky", false);
    await lambda.send(new InvokeCommand({ FunctionName: "flaky", InvocationType: "Event", Payload: "{}" }));
    expect(account.functions.get("flaky")?.invocations).toHaveLength(1);
  });

  it("with reserved concurrency 0, throttles sync invokes and sends async events straight to the DLQ", async () => {
    const { account, lambda } = setup();
    const dlq = account.addQueue({ name: "worker-dlq" });
    account.addFunction({ name: "worker", reservedConcurrency: 0, deadLetterTargetArn: dlq.arn });
    await expectAwsError(
      lambda.send(new InvokeCommand({ FunctionName: "worker", Payload: "{}" })),
      "TooManyRequestsException",
      429,
    );
    await lambda.send(
      new InvokeCommand({ FunctionName: "worker", InvocationType: "Event", Payload: '{"n":1}' }),
    );
    expect(account.queue("worker-dlq")?.messages.map((m) => m.body)).toEqual(['{"n":1}']);
    expect(account.functions.get("worker")?.invocations[0]?.outcome).toBe("throttled");
  });

  it("rejects payloads above the async limit and payloads that are not JSON", async () => {
    const { account, lambda } = setup();
    account.addFunction({ name: "worker" });
    const big = JSON.stringify({ data: "x".repeat(1_048_600) });
    await expectAwsError(
      lambda.send(new InvokeCommand({ FunctionName: "worker", InvocationType: "Event", Payload: big })),
      "RequestTooLargeException",
      413,
    );
    await expectAwsError(
      lambda.send(
        new InvokeCommand({ FunctionName: "worker", InvocationType: "Event", Payload: "not json" }),
      ),
      "InvalidRequestContentException",
    );
    expect(account.functions.get("worker")?.invocations).toEqual([]);
  });
});
