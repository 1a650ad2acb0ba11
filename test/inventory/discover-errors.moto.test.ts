/**
 * What discovery tolerates and what it does not, over the real wire: moto serves the account, and a
 * small `Aws` plugin makes one service or call fail the way AWS would (AccessDenied, expired token), or
 * makes a listing name a resource that no longer exists.
 */
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Pluggable } from "@smithy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Aws, apiName, type AwsOptions, type AwsService } from "../../lib/aws/index.js";
import { discoverInventory } from "../../lib/inventory/index.js";
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, lambdaZip, motoAws, motoLambdaRole } from "../moto/moto.js";

const REGION = "eu-west-2";
const QUEUE = `arn:aws:sqs:${REGION}:${MOTO_ACCOUNT_ID}:work`;
const WORKER = `arn:aws:lambda:${REGION}:${MOTO_ACCOUNT_ID}:function:worker`;
const TABLE = `arn:aws:dynamodb:${REGION}:${MOTO_ACCOUNT_ID}:table/items`;
const MACHINE = `arn:aws:states:${REGION}:${MOTO_ACCOUNT_ID}:stateMachine:billing`;

type Plugin = NonNullable<AwsOptions["plugin"]>;

/** An error shaped like the SDK's modeled service exceptions. */
function serviceError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} (injected by the test)`), {
    name,
    $fault: "client",
    $metadata: { httpStatusCode: status },
  });
}

/** Fails `operation` (every operation when omitted) of `service` before it leaves the client. */
function failing(service: AwsService, operation: string | undefined, error: () => Error): Plugin {
  return (s) => ({
    applyToStack(stack) {
      if (s !== service) return;
      stack.add(
        (next, context) => async (args) => {
          if (operation === undefined || apiName(context.commandName) === operation) throw error();
          return next(args);
        },
        { step: "initialize", name: "testFailure" },
      );
    },
  });
}

/** ListTables names one more table than moto holds: a table deleted between list and describe. */
const ghostTable: Plugin = (s) => ({
  applyToStack(stack) {
    if (s !== "dynamodb") return;
    stack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (apiName(context.commandName) === "ListTables") {
          (result.output as { TableNames?: string[] }).TableNames?.push("ghost");
        }
        return result;
      },
      { step: "initialize", name: "testGhost" },
    );
  },
});

function combine(...plugins: Plugin[]): Plugin {
  return (service, caller) => ({
    applyToStack(stack) {
      for (const plugin of plugins)
        (plugin(service, caller) as Pluggable<object, object>).applyToStack(stack);
    },
  });
}

const setup = motoAws(REGION);

beforeAll(async () => {
  const role = await motoLambdaRole();
  await setup.client(SQSClient).send(new CreateQueueCommand({ QueueName: "work", tags: { team: "ops" } }));
  await setup.client(DynamoDBClient).send(
    new CreateTableCommand({
      TableName: "items",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      Tags: [{ Key: "team", Value: "ops" }],
    }),
  );
  const lambda = setup.client(LambdaClient);
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: "worker",
      Runtime: "nodejs20.x",
      Role: role,
      Handler: "index.handler",
      Code: { ZipFile: lambdaZip() },
      Tags: { team: "ops" },
    }),
  );
  await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "worker", EventSourceArn: QUEUE }));
  await setup.client(SFNClient).send(
    new CreateStateMachineCommand({
      name: "billing",
      roleArn: role,
      definition: JSON.stringify({ StartAt: "A", TimeoutSeconds: 600, States: { A: { Type: "Succeed" } } }),
    }),
  );
}, 60_000);

afterAll(() => setup.destroy());

/** moto never implements GetAccountSettings; every run here carries that warning besides the injected ones. */
const MOTO_GAP = "lambda GetAccountSettings";

async function discoverWith(plugin: Plugin) {
  const aws = motoAws(REGION, { plugin });
  try {
    return await discoverInventory(aws, { kinds: ["lambda-function", "sqs-queue", "dynamodb-table"] });
  } finally {
    aws.destroy();
  }
}

describe("discovery when something cannot be read", () => {
  it("turns a denied service into one warning and keeps the rest", async () => {
    const inventory = await discoverWith(
      failing("sqs", undefined, () => serviceError("AccessDeniedException", 403)),
    );
    expect(inventory.warnings.filter((w) => `${w.service} ${w.operation}` !== MOTO_GAP)).toEqual([
      {
        service: "sqs",
        operation: "ListQueues",
        code: "AccessDeniedException",
        message:
          "AccessDeniedException: AccessDeniedException (injected by the test); the caller needs sqs:ListQueues",
        covers: { kind: "sqs-queue", what: "resources" },
      },
    ]);
    expect(inventory.resources.map((r) => r.arn)).toEqual([WORKER, TABLE]);
    // The function still points at the queue it consumes, even though the queue could not be listed.
    expect(inventory.relations).toContainEqual({ type: "event-source", from: WORKER, to: QUEUE });
  });

  it("marks reserved concurrency unknown, not unset, when GetFunction is denied", async () => {
    const inventory = await discoverWith(
      failing("lambda", "GetFunction", () => serviceError("AccessDeniedException", 403)),
    );
    expect(inventory.warnings).toContainEqual({
      service: "lambda",
      operation: "GetFunction",
      code: "AccessDeniedException",
      message:
        "AccessDeniedException: AccessDeniedException (injected by the test); the caller needs lambda:GetFunction",
      resource: WORKER,
      covers: { kind: "lambda-function", what: "facts", resource: WORKER },
    });
    const worker = inventory.resources.find((r) => r.arn === WORKER);
    // Tags still arrive through the Tagging API.
    expect(worker).toMatchObject({ reservedConcurrency: "unknown", tags: { team: "ops" }, name: "worker" });
  });

  it("keeps the services' own tags when the Tagging API is denied, and says whose tags are unknown", async () => {
    const inventory = await discoverWith(
      failing("tagging", undefined, () => serviceError("AccessDeniedException", 403)),
    );
    // Functions' tags come from GetFunction; queues' and tables' are unknown, so plans leave them alone.
    expect(inventory.warnings.filter((w) => w.service === "tagging").map((w) => w.covers)).toEqual([
      { kind: "sqs-queue", what: "tags" },
      { kind: "dynamodb-table", what: "tags" },
    ]);
    const tags = Object.fromEntries(inventory.resources.map((r) => [r.arn, r.tags]));
    expect(tags).toEqual({ [WORKER]: { team: "ops" }, [QUEUE]: {}, [TABLE]: {} });
  });

  it("skips a resource deleted between list and describe, without a warning", async () => {
    const inventory = await discoverWith(ghostTable);
    expect(inventory.resources.filter((r) => r.kind === "dynamodb-table").map((r) => r.name)).toEqual([
      "items",
    ]);
    expect(inventory.warnings.filter((w) => w.service === "dynamodb")).toEqual([]);
  });

  it("keeps a state machine whose definition cannot be decrypted, its timeout unknown and its facts a gap", async () => {
    const aws = motoAws(REGION, {
      plugin: failing("sfn", "DescribeStateMachine", () => serviceError("KmsAccessDeniedException", 400)),
    });
    try {
      const inventory = await discoverInventory(aws, { kinds: ["state-machine"] });
      expect(inventory.resources).toEqual([expect.objectContaining({ arn: MACHINE, type: "STANDARD" })]);
      expect(inventory.resources[0]).not.toHaveProperty("timeoutSeconds");
      expect(inventory.warnings).toEqual([
        {
          service: "sfn",
          operation: "DescribeStateMachine",
          code: "KmsAccessDeniedException",
          message:
            "KmsAccessDeniedException: KmsAccessDeniedException (injected by the test); the caller needs kms:Decrypt on the customer managed key that encrypts it (the key policy, or an IAM grant the key policy allows)",
          resource: MACHINE,
          covers: { kind: "state-machine", what: "facts", resource: MACHINE },
        },
      ]);
    } finally {
      aws.destroy();
    }
    // Readable, the same machine has its TimeoutSeconds.
    const read = await discoverInventory(setup, { kinds: ["state-machine"] });
    expect(read.resources).toEqual([expect.objectContaining({ arn: MACHINE, timeoutSeconds: 600 })]);
    expect(read.warnings).toEqual([]);
  });

  it("lets credential errors propagate", async () => {
    await expect(
      discoverWith(failing("lambda", "ListFunctions", () => serviceError("ExpiredTokenException", 400))),
    ).rejects.toMatchObject({ name: "ExpiredTokenException" });
  });

  it("lets network errors propagate", async () => {
    const aws = new Aws({
      region: REGION,
      endpoint: "http://127.0.0.1:9",
      credentials: MOTO_CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      await expect(discoverInventory(aws)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    } finally {
      aws.destroy();
    }
  });

  it("rejects an unknown kind with the list of valid ones", async () => {
    await expect(discoverInventory(setup, { kinds: ["lambda" as never] })).rejects.toThrow(
      /unknown resource kind lambda; use one of lambda-function, sqs-queue/,
    );
  });

  it("warns per resource for a denied detail call, alongside a skipped ghost", async () => {
    const inventory = await discoverWith(
      combine(
        ghostTable,
        failing("sqs", "GetQueueAttributes", () => serviceError("AccessDenied", 403)),
      ),
    );
    expect(inventory.warnings.map((w) => `${w.service} ${w.operation} ${w.resource ?? ""}`)).toEqual([
      `${MOTO_GAP} `,
      expect.stringMatching(/^sqs GetQueueAttributes http:\/\/.*\/work$/),
    ]);
    expect(inventory.resources.map((r) => r.name)).toEqual(["worker", "items"]);
  });
});
