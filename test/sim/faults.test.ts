import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from "@aws-sdk/client-resource-groups-tagging-api";
import { ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS, REQUEST_TIMEOUT_MS, type Aws } from "../../lib/aws/index.js";
import type { AwsService } from "../../lib/aws/quotas.js";
import {
  FaultSchedule,
  sampleAccount,
  simulatedAws,
  type FaultKind,
  type FaultPlan,
} from "../../lib/sim/index.js";

interface Call {
  readonly service: AwsService;
  readonly api: string;
  readonly send: (aws: Aws) => Promise<unknown>;
  /** What the SDK raises for each fault, as against the real service. */
  readonly denied: { name: string; status: number };
  readonly throttle: { name: string; status: number };
}

const CALLS: readonly Call[] = [
  {
    service: "lambda",
    api: "ListFunctions",
    send: (aws) => aws.client(LambdaClient).send(new ListFunctionsCommand({})),
    denied: { name: "AccessDeniedException", status: 403 },
    throttle: { name: "TooManyRequestsException", status: 429 },
  },
  {
    service: "sqs",
    api: "ListQueues",
    send: (aws) => aws.client(SQSClient).send(new ListQueuesCommand({})),
    // JSON in query-compatible mode: the SDK names the error by its query code.
    denied: { name: "AccessDenied", status: 403 },
    throttle: { name: "RequestThrottled", status: 403 },
  },
  {
    service: "dynamodb",
    api: "ListTables",
    send: (aws) => aws.client(DynamoDBClient).send(new ListTablesCommand({})),
    denied: { name: "AccessDeniedException", status: 400 },
    throttle: { name: "ThrottlingException", status: 400 },
  },
  {
    service: "cloudwatch",
    api: "DescribeAlarms",
    send: (aws) => aws.client(CloudWatchClient).send(new DescribeAlarmsCommand({})),
    denied: { name: "AccessDenied", status: 403 },
    throttle: { name: "Throttling", status: 400 },
  },
  {
    service: "tagging",
    api: "GetResources",
    send: (aws) => aws.client(ResourceGroupsTaggingAPIClient).send(new GetResourcesCommand({})),
    denied: { name: "AccessDeniedException", status: 400 },
    throttle: { name: "ThrottledException", status: 400 },
  },
  {
    service: "logs",
    api: "DescribeLogGroups",
    send: (aws) => aws.client(CloudWatchLogsClient).send(new DescribeLogGroupsCommand({})),
    denied: { name: "AccessDeniedException", status: 400 },
    throttle: { name: "ThrottlingException", status: 400 },
  },
];

interface SdkError {
  name: string;
  message: string;
  $fault?: string;
  $metadata: { httpStatusCode?: number; attempts?: number };
}

async function failure(call: Promise<unknown>): Promise<SdkError> {
  const outcome = await call.then(
    () => undefined,
    (e: unknown) => e as SdkError,
  );
  if (!outcome) throw new Error("expected the call to fail, but it succeeded");
  return outcome;
}

function faulty(call: Call, fault: FaultKind) {
  const account = sampleAccount();
  const aws = simulatedAws(account, { faults: { rules: [{ service: call.service, api: call.api, fault }] } });
  return { account, aws };
}

describe.each(CALLS)("$service $api through the SDK's own retries and deserializer", (call) => {
  it("denied: the service's AccessDenied, not retried", async () => {
    const { account, aws } = faulty(call, "denied");
    const error = await failure(call.send(aws));
    expect(error.name).toBe(call.denied.name);
    expect(error.$fault).toBe("client");
    expect(error.$metadata).toMatchObject({ httpStatusCode: call.denied.status, attempts: 1 });
    expect(error.message).toMatch(
      new RegExp(
        `^User: arn:aws:sts::${account.accountId}:assumed-role/\\S+ is not authorized to perform: \\w+:${call.api} `,
      ),
    );
    expect(account.statsFor(call.service, call.api)).toMatchObject({ calls: 0, faults: 1 });
  });

  it("throttle: the service's throttling error on every attempt", async () => {
    const { account, aws } = faulty(call, "throttle");
    const error = await failure(call.send(aws));
    expect(error.name).toBe(call.throttle.name);
    expect(error.$metadata).toMatchObject({ httpStatusCode: call.throttle.status, attempts: MAX_ATTEMPTS });
    expect(account.statsFor(call.service, call.api)).toMatchObject({ calls: 0, faults: MAX_ATTEMPTS });
  });

  it("html-502: a load balancer's HTML page the JSON deserializer cannot read, retried", async () => {
    const { account, aws } = faulty(call, "html-502");
    const error = await failure(call.send(aws));
    expect(error.name).toBe("SyntaxError");
    expect(error.message).toMatch(/Deserialization error/);
    expect(error.$metadata).toMatchObject({ httpStatusCode: 502, attempts: MAX_ATTEMPTS });
    expect(account.statsFor(call.service, call.api).faults).toBe(MAX_ATTEMPTS);
  });

  it("hang: each attempt times out after the request timeout on the account's clock", async () => {
    const { account, aws } = faulty(call, "hang");
    const started = account.clock.now();
    const error = await failure(call.send(aws));
    expect(error).toMatchObject({ name: "TimeoutError", code: "ETIMEDOUT" });
    expect(error.message).toContain(`${REQUEST_TIMEOUT_MS} ms requestTimeout`);
    expect(error.$metadata.httpStatusCode).toBeUndefined();
    expect(error.$metadata.attempts).toBe(MAX_ATTEMPTS);
    expect(account.clock.now() - started).toBe(MAX_ATTEMPTS * REQUEST_TIMEOUT_MS);
  });
});

describe("fault rules", () => {
  const flaky: FaultPlan = {
    seed: 42,
    rules: [{ service: "lambda", api: "ListFunctions", fault: "html-502", probability: 0.5 }],
  };

  /** Ten ListFunctions calls: each one's attempts, or "failed" when all of them hit a fault. */
  async function tenCalls(plan: FaultPlan) {
    const account = sampleAccount();
    const aws = simulatedAws(account, { faults: plan });
    const outcomes: (number | "failed")[] = [];
    for (let i = 0; i < 10; i++) {
      const result = await aws
        .client(LambdaClient)
        .send(new ListFunctionsCommand({}))
        .then(
          (page) => {
            expect(page.Functions).toHaveLength(account.functions.size);
            return page.$metadata.attempts!;
          },
          () => "failed" as const,
        );
      outcomes.push(result);
    }
    return { outcomes, stats: account.statsFor("lambda", "ListFunctions") };
  }

  it("a probability-0.5 rule fails some attempts and lets retries succeed, the same way for the same seed", async () => {
    const first = await tenCalls(flaky);
    expect(first.outcomes.filter((o) => typeof o === "number" && o > 1).length).toBeGreaterThan(0);
    expect(first.outcomes.filter((o) => o === 1).length).toBeGreaterThan(0);
    const attempts = first.outcomes.reduce<number>((sum, o) => sum + (o === "failed" ? MAX_ATTEMPTS : o), 0);
    expect(first.stats.faults + first.stats.calls).toBe(attempts);
    expect(first.stats.calls).toBe(first.outcomes.filter((o) => o !== "failed").length);

    expect((await tenCalls(flaky)).outcomes).toEqual(first.outcomes);
    expect((await tenCalls({ ...flaky, seed: 43 })).outcomes).not.toEqual(first.outcomes);
  });

  it("times bounds a rule: a call after it is used up is answered from the account", async () => {
    const account = sampleAccount();
    const aws = simulatedAws(account, {
      faults: { rules: [{ service: "lambda", fault: "throttle", times: 2 }] },
    });
    const page = await aws.client(LambdaClient).send(new ListFunctionsCommand({}));
    expect(page.$metadata.attempts).toBe(3);
    const again = await aws.client(LambdaClient).send(new ListFunctionsCommand({}));
    expect(again.$metadata.attempts).toBe(1);
    expect(account.statsFor("lambda", "ListFunctions")).toMatchObject({ calls: 2, faults: 2 });
  });

  it("leaves other services and APIs to the account", async () => {
    const account = sampleAccount();
    const aws = simulatedAws(account, {
      faults: { rules: [{ service: "lambda", api: "GetFunction", fault: "denied" }] },
    });
    const page = await aws.client(LambdaClient).send(new ListFunctionsCommand({}));
    expect(page.Functions).toHaveLength(account.functions.size);
    await aws.client(SQSClient).send(new ListQueuesCommand({}));
    expect(account.stats().map((s) => s.faults)).toEqual([0, 0]);
  });

  it("rejects rules that cannot mean anything, naming the rule", () => {
    expect(() => new FaultSchedule({ rules: [{ service: "sqs", fault: "hang", probability: 1.5 }] })).toThrow(
      "fault rule 0 (sqs hang): probability 1.5 is not in [0, 1]",
    );
    expect(() => new FaultSchedule({ rules: [{ service: "sqs", fault: "hang", times: 0 }] })).toThrow(
      "fault rule 0 (sqs hang): times 0 is not a positive integer",
    );
  });
});
