/**
 * Real SDK clients through the fault proxy in front of moto: each injected fault reaches them as the
 * error a real endpoint or network gives, after the SDK's own retries; with rate 0 nothing changes.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from "@aws-sdk/client-resource-groups-tagging-api";
import { CreateTopicCommand, ListTopicsCommand, SNSClient } from "@aws-sdk/client-sns";
import { CreateQueueCommand, ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { Aws, MAX_ATTEMPTS, type AwsService } from "../../lib/aws/index.js";
import { startFaultProxy, type FaultProxy, type ProxyFault, type ProxyRule } from "../support/fault-proxy.js";
import { motoAws, motoEndpoint } from "./moto.js";

const REGION = "ap-south-1";
/** Per-request timeout for hung requests, so three attempts take about a second, not 3 × REQUEST_TIMEOUT_MS. */
const HANG_TIMEOUT_MS = 300;

const open: { proxy: FaultProxy; aws: Aws }[] = [];

async function through(rules: readonly ProxyRule[], maxAttempts?: number) {
  const proxy = await startFaultProxy({ target: motoEndpoint(), rules, seed: 5 });
  const aws = new Aws({ region: REGION, endpoint: proxy.url, ...(maxAttempts ? { maxAttempts } : {}) });
  open.push({ proxy, aws });
  return { proxy, aws };
}

afterEach(async () => {
  for (const { proxy, aws } of open.splice(0)) {
    aws.destroy();
    await proxy.close();
  }
});

interface SdkError {
  name: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

async function failure(call: Promise<unknown>): Promise<SdkError> {
  const outcome = await call.then(
    () => undefined,
    (e: unknown) => e as SdkError,
  );
  if (!outcome) throw new Error("expected the call to fail, but it succeeded");
  return outcome;
}

/** Reads that cover each protocol: restJson, JSON 1.0 and 1.1, JSON in query-compatible mode, query. */
const READS: Record<string, { service: AwsService; operation: string; send: (aws: Aws) => Promise<object> }> =
  {
    lambda: {
      service: "lambda",
      operation: "ListFunctions",
      send: (aws) => aws.client(LambdaClient).send(new ListFunctionsCommand({})),
    },
    sqs: {
      service: "sqs",
      operation: "ListQueues",
      send: (aws) => aws.client(SQSClient).send(new ListQueuesCommand({})),
    },
    dynamodb: {
      service: "dynamodb",
      operation: "ListTables",
      send: (aws) => aws.client(DynamoDBClient).send(new ListTablesCommand({})),
    },
    cloudwatch: {
      service: "cloudwatch",
      operation: "DescribeAlarms",
      send: (aws) => aws.client(CloudWatchClient).send(new DescribeAlarmsCommand({})),
    },
    logs: {
      service: "logs",
      operation: "DescribeLogGroups",
      send: (aws) =>
        aws
          .client(CloudWatchLogsClient)
          .send(new DescribeLogGroupsCommand({}), { requestTimeout: HANG_TIMEOUT_MS }),
    },
    tagging: {
      service: "tagging",
      operation: "GetResources",
      send: (aws) => aws.client(ResourceGroupsTaggingAPIClient).send(new GetResourcesCommand({})),
    },
    sns: {
      service: "sns",
      operation: "ListTopics",
      send: (aws) => aws.client(SNSClient).send(new ListTopicsCommand({})),
    },
  };

function withoutMetadata(output: object): object {
  const { $metadata: _, ...rest } = output as { $metadata?: unknown };
  return rest;
}

describe("fault proxy in front of moto", () => {
  beforeAll(async () => {
    const direct = motoAws(REGION);
    await direct.client(SQSClient).send(new CreateQueueCommand({ QueueName: "proxied" }));
    await direct.client(SNSClient).send(new CreateTopicCommand({ Name: "proxied" }));
    await direct.client(CloudWatchLogsClient).send(new CreateLogGroupCommand({ logGroupName: "/proxied" }));
    await direct.client(DynamoDBClient).send(
      new CreateTableCommand({
        TableName: "proxied",
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    direct.destroy();
  });

  it("with rate 0 forwards every request and its answer unchanged", async () => {
    const { proxy, aws } = await through([{ fault: "denied", rate: 0 }]);
    const direct = motoAws(REGION);
    for (const read of Object.values(READS)) {
      // moto builds queue URLs from the Host header, which names the proxy.
      const viaProxy = JSON.stringify(withoutMetadata(await read.send(aws))).replaceAll(
        proxy.url,
        motoEndpoint(),
      );
      expect(JSON.parse(viaProxy)).toEqual(withoutMetadata(await read.send(direct)));
    }
    direct.destroy();
    expect(await READS.sqs!.send(aws)).toMatchObject({ QueueUrls: [`${proxy.url}/123456789012/proxied`] });
    expect(proxy.forwarded).toBe(Object.keys(READS).length + 1);
    expect(Object.values(proxy.injected)).toEqual([0, 0, 0, 0, 0]);
  });

  const cases: {
    read: keyof typeof READS;
    fault: ProxyFault;
    name: string;
    status?: number;
    attempts: number;
  }[] = [
    { read: "lambda", fault: "denied", name: "AccessDeniedException", status: 403, attempts: 1 },
    { read: "sqs", fault: "denied", name: "AccessDenied", status: 403, attempts: 1 },
    { read: "sns", fault: "denied", name: "AuthorizationErrorException", status: 403, attempts: 1 },
    { read: "lambda", fault: "html-502", name: "SyntaxError", status: 502, attempts: MAX_ATTEMPTS },
    { read: "dynamodb", fault: "throttle", name: "ThrottlingException", status: 400, attempts: MAX_ATTEMPTS },
    { read: "cloudwatch", fault: "throttle", name: "Throttling", status: 400, attempts: MAX_ATTEMPTS },
    { read: "logs", fault: "hang", name: "TimeoutError", attempts: MAX_ATTEMPTS },
    // node-http-handler names a reset socket a TimeoutError (code ECONNRESET), which the SDK retries.
    { read: "tagging", fault: "reset", name: "TimeoutError", attempts: MAX_ATTEMPTS },
  ];

  it.each(cases)(
    "$fault on $read: $name after $attempts attempt(s)",
    async ({ read, fault, name, status, attempts }) => {
      const { service, operation, send } = READS[read]!;
      const { proxy, aws } = await through([{ service, operation, fault }]);
      const error = await failure(send(aws));
      expect(error.name).toBe(name);
      expect(error.$metadata?.httpStatusCode).toBe(status);
      expect(error.$metadata?.attempts).toBe(attempts);
      if (fault === "reset") expect(error.code).toBe("ECONNRESET");
      if (fault === "hang") expect(error.code).toBe("ETIMEDOUT");
      expect(proxy.injected[fault]).toBe(attempts);
      expect(proxy.forwarded).toBe(0);
    },
  );

  it("faults only the targeted operation; other requests reach moto", async () => {
    const { proxy, aws } = await through([
      { service: "lambda", operation: "ListFunctions", fault: "denied" },
    ]);
    const missing = await failure(
      aws.client(LambdaClient).send(new GetFunctionCommand({ FunctionName: "absent" })),
    );
    expect(missing.name).toBe("ResourceNotFoundException");
    expect((await failure(READS.lambda!.send(aws))).name).toBe("AccessDeniedException");
    expect(proxy.forwarded).toBe(1);
    expect(proxy.injected.denied).toBe(1);
  });

  it("a seeded rate lets retries get through, the same requests each time", async () => {
    const outcomes = async () => {
      const { proxy, aws } = await through([{ service: "sqs", fault: "html-502", rate: 0.5 }]);
      const attempts: (number | string)[] = [];
      for (let i = 0; i < 6; i++) {
        attempts.push(
          await READS.sqs!.send(aws).then(
            (out) => (out as { $metadata: { attempts: number } }).$metadata.attempts,
            (e: SdkError) => e.name,
          ),
        );
      }
      return { attempts, injected: proxy.injected["html-502"] };
    };
    const first = await outcomes();
    expect(first.attempts.some((a) => typeof a === "number" && a > 1)).toBe(true);
    expect(await outcomes()).toEqual(first);
  });

  it("close() ends a hung request, so nothing waits on it", async () => {
    const { proxy, aws } = await through([{ fault: "hang" }], 1);
    const started = Date.now();
    const call = failure(aws.client(SQSClient).send(new ListQueuesCommand({})));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(proxy.injected.hang).toBe(1);
    await proxy.close();
    const error = await call;
    expect(error.$metadata?.attempts).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
