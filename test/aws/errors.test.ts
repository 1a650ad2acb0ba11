import { createServer, type Server } from "node:http";
import { ListFunctionsCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetQueueUrlCommand, ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DescribeExecutionCommand, SFNClient } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Aws } from "../../lib/aws/clients.js";
import {
  awsErrorReason,
  describeAwsError,
  failedCall,
  isAccessDenied,
  isThrottling,
} from "../../lib/aws/errors.js";
import { sampleAccount, simulatedAws, type FaultRule } from "../../lib/sim/index.js";

/** The error one call of `send` rejects with. */
async function failure(send: () => Promise<unknown>): Promise<unknown> {
  return send().then(
    () => expect.unreachable("the call should have failed"),
    (error: unknown) => error,
  );
}

function faulty(rule: FaultRule): Aws {
  return simulatedAws(sampleAccount(), { faults: { rules: [rule] } });
}

describe("describeAwsError", () => {
  it("names the service and API of a call made through Aws, and keeps the error's own classification", async () => {
    const error = await failure(() =>
      faulty({ service: "sqs", fault: "throttle" }).client(SQSClient).send(new ListQueuesCommand({})),
    );
    expect(failedCall(error)).toBe("sqs ListQueues");
    expect(isThrottling(error)).toBe(true);
    expect(describeAwsError(error)).toMatch(
      /^sqs ListQueues failed: \S+: Rate exceeded; AWS kept throttling it past the retries: run again in a minute$/,
    );
  });

  it("quotes AccessDenied on one line, without repeating the action AWS already named", async () => {
    const error = await failure(() =>
      faulty({ service: "lambda", fault: "denied" }).client(LambdaClient).send(new ListFunctionsCommand({})),
    );
    expect(isAccessDenied(error)).toBe(true);
    const line = describeAwsError(error);
    expect(line).toMatch(
      /^lambda ListFunctions failed: AccessDeniedException: User: \S+ is not authorized to perform: lambda:ListFunctions because/,
    );
    expect(line).not.toMatch(/the caller needs/);
    expect(line).not.toContain("\n");
  });

  it("names the IAM action (IAM's prefix, not the SDK's) when AWS's message does not", () => {
    const error = Object.assign(new Error("Access denied"), { name: "AccessDeniedException" });
    expect(awsErrorReason(error)).toBe("AccessDeniedException: Access denied");
  });

  it("says a key the caller may not use needs kms:Decrypt, not the API's own action", () => {
    const error = Object.assign(new Error("Access denied to the KMS key"), {
      name: "KmsAccessDeniedException",
    });
    expect(awsErrorReason(error)).toBe(
      "KmsAccessDeniedException: Access denied to the KMS key; the caller needs kms:Decrypt on the customer managed key that encrypts it (the key policy, or an IAM grant the key policy allows)",
    );
  });

  it("says an answer that is not AWS's is not, with its status and the call", async () => {
    const error = await failure(() =>
      faulty({ service: "sqs", fault: "html-502" })
        .client(SQSClient)
        .send(new GetQueueUrlCommand({ QueueName: "q" })),
    );
    expect(describeAwsError(error)).toBe(
      "sqs GetQueueUrl failed: the endpoint answered HTTP 502 with something that is not an AWS response (a proxy, load balancer or emulator page)",
    );
  });

  it("uses the caller's name for the call only when the error did not come through Aws", async () => {
    const plain = new Error("socket hang up");
    expect(describeAwsError(plain, "sqs ListQueues")).toBe("sqs ListQueues failed: Error: socket hang up");
    expect(describeAwsError(plain)).toBe("Error: socket hang up");
    const tagged = await failure(() =>
      faulty({ service: "sqs", fault: "throttle" }).client(SQSClient).send(new ListQueuesCommand({})),
    );
    expect(describeAwsError(tagged, "something else")).toMatch(/^sqs ListQueues failed: /);
  });

  it("keeps a long or multi-line answer to one line of bounded length", () => {
    const error = Object.assign(new Error(`<html>\n<body>\n${"x".repeat(2000)}\n</body>\n</html>`), {
      name: "InternalFailure",
    });
    const line = awsErrorReason(error);
    expect(line).not.toContain("\n");
    expect(line.length).toBeLessThanOrEqual(400);
    expect(line.endsWith("…")).toBe(true);
  });
});

describe("describeAwsError against an endpoint over HTTP", () => {
  let server: Server;
  let endpoint: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        response.writeHead(404, { "content-type": "text/html" });
        response.end("<html><body><h1>Not Found</h1></body></html>\n");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ["sqs ListQueues", (aws: Aws) => aws.client(SQSClient).send(new ListQueuesCommand({}))],
    ["lambda ListFunctions", (aws: Aws) => aws.client(LambdaClient).send(new ListFunctionsCommand({}))],
    [
      "sfn DescribeExecution",
      (aws: Aws) => aws.client(SFNClient).send(new DescribeExecutionCommand({ executionArn: "arn:x" })),
    ],
  ])("reads a 404 HTML page as no AWS answer for %s, whatever the protocol", async (call, send) => {
    const aws = new Aws({
      region: "eu-west-1",
      endpoint,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    try {
      const error = await failure(() => send(aws));
      expect(describeAwsError(error)).toBe(
        `${call} failed: the endpoint answered HTTP 404 with something that is not an AWS response (a proxy, load balancer or emulator page)`,
      );
    } finally {
      aws.destroy();
    }
  });
});
