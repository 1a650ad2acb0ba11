/**
 * The CreateLogGroup event handler against moto: real SDK clients, real HTTP.
 * Region ap-east-1 belongs to this file (see test/moto/moto.ts).
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Aws } from "../../lib/aws/index.js";
import { retentionPolicy, type RetentionPolicy } from "../../lib/logs/index.js";
import { createRetentionHandler, handler, parseCreateLogGroup } from "../../functions/log-retention.js";
import { configFromEnvironment, type InvocationContext } from "../../functions/runtime.js";
import { MOTO_ACCOUNT_ID, lambdaZip, motoAws, motoLambdaRole } from "../moto/moto.js";

// The deployed handler logs to stdout at import's LOG_LEVEL; its failures are asserted here, not printed.
vi.hoisted(() => vi.stubEnv("LOG_LEVEL", "silent"));
afterAll(() => vi.unstubAllEnvs());

const REGION = "ap-east-1";

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

const ERROR = 50;
const WARN = 40;
const INFO = 30;

let aws: Aws;
let lines: LogLine[];
let handle: ReturnType<typeof createRetentionHandler>;

/** What Lambda passes: the function's own ARN says which account and region it serves. */
function lambdaContext(account = MOTO_ACCOUNT_ID): InvocationContext {
  return {
    getRemainingTimeInMillis: () => 60_000,
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${account}:function:watchkeeper-log-retention`,
  };
}

/** The handler as Lambda calls it: with this function's context unless a test gives another. */
function makeHandler(policy: RetentionPolicy = retentionPolicy()): typeof handle {
  const logger = pino(
    { level: "info", base: { function: "log-retention" } },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  const handler = createRetentionHandler({ aws: () => aws, logger, policy: () => policy });
  return (event, context = lambdaContext()) => handler(event, context);
}

/** An EventBridge event as CloudTrail delivers it for CreateLogGroup (fields as AWS sends them). */
function createLogGroupEvent(
  logGroupName: string,
  overrides: { account?: string; detail?: Record<string, unknown> } = {},
) {
  return {
    version: "0",
    id: "6b3f4f2e-5c3a-4d0e-9f6e-2f1d2c3b4a59",
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.logs",
    account: overrides.account ?? MOTO_ACCOUNT_ID,
    time: "2025-03-14T09:26:53Z",
    region: REGION,
    resources: [],
    detail: {
      eventVersion: "1.09",
      userIdentity: {
        type: "AssumedRole",
        principalId: "AROAEXAMPLEID:deployer",
        arn: `arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/deployer/session`,
        accountId: MOTO_ACCOUNT_ID,
        sessionContext: {
          sessionIssuer: {
            type: "Role",
            principalId: "AROAEXAMPLEID",
            arn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/deployer`,
            accountId: MOTO_ACCOUNT_ID,
            userName: "deployer",
          },
          attributes: { creationDate: "2025-03-14T09:20:11Z", mfaAuthenticated: "false" },
        },
      },
      eventTime: "2025-03-14T09:26:53Z",
      eventSource: "logs.amazonaws.com",
      eventName: "CreateLogGroup",
      awsRegion: REGION,
      sourceIPAddress: "cloudformation.amazonaws.com",
      userAgent: "cloudformation.amazonaws.com",
      requestParameters: { logGroupName },
      responseElements: null,
      requestID: "9c1b4a2e-0d7f-4d8a-a1a8-6c1f0f3e7b21",
      eventID: "2f0e5b8d-7e44-4a0c-8c1e-8d1b5b7c9a10",
      readOnly: false,
      eventType: "AwsApiCall",
      apiVersion: "20140328",
      managementEvent: true,
      recipientAccountId: MOTO_ACCOUNT_ID,
      eventCategory: "Management",
      ...overrides.detail,
    },
  };
}

async function retentionOf(name: string): Promise<number | "never" | "missing"> {
  const page = await aws
    .client(CloudWatchLogsClient)
    .send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  const group = page.logGroups?.find((g) => g.logGroupName === name);
  return group ? (group.retentionInDays ?? "never") : "missing";
}

function writes(): number {
  return aws.pacer.calls().find((c) => c.api === "PutRetentionPolicy")?.calls ?? 0;
}

function totalCalls(): number {
  return aws.pacer.calls().reduce((sum, c) => sum + c.calls, 0);
}

async function createGroup(name: string, tags?: Record<string, string>): Promise<void> {
  await aws.client(CloudWatchLogsClient).send(new CreateLogGroupCommand({ logGroupName: name, tags }));
}

beforeAll(async () => {
  aws = motoAws(REGION);
  const role = await motoLambdaRole();
  await aws.client(LambdaClient).send(
    new CreateFunctionCommand({
      FunctionName: "payments",
      Runtime: "nodejs20.x",
      Role: role,
      Handler: "index.handler",
      Code: { ZipFile: lambdaZip() },
      Tags: { "watchkeeper:retention": "14" },
    }),
  );
  await createGroup("/aws/lambda/payments");
  await createGroup("/aws/lambda/fresh");
  await createGroup("/team/ignored", { "watchkeeper:ignore": "true" });
  await createGroup("/team/long");
  await aws
    .client(CloudWatchLogsClient)
    .send(new PutRetentionPolicyCommand({ logGroupName: "/team/long", retentionInDays: 400 }));
});

afterAll(() => aws.destroy());

beforeEach(() => {
  lines = [];
  handle = makeHandler();
});

describe("log-retention handler: CreateLogGroup events", () => {
  it("sets the default retention on the new group, then does nothing on the same event again", async () => {
    const event = createLogGroupEvent("/aws/lambda/fresh");
    const before = writes();
    await expect(handle(event)).resolves.toEqual({
      status: "applied",
      logGroup: "/aws/lambda/fresh",
      reason: "never expires: set 30 days from the default",
    });
    expect(await retentionOf("/aws/lambda/fresh")).toBe(30);
    expect(writes() - before).toBe(1);
    expect(lines.at(-1)).toMatchObject({
      level: INFO,
      function: "log-retention",
      logGroup: "/aws/lambda/fresh",
      from: "never",
      to: 30,
      msg: "retention set to 30 days: never expires: set 30 days from the default",
    });

    await expect(handle(event)).resolves.toMatchObject({ status: "unchanged" });
    expect(writes() - before).toBe(1);
    expect(lines.at(-1)?.msg).toBe("unchanged: already 30 days from the default");
  });

  it("applies the retention tag of the function that owns the group", async () => {
    await expect(handle(createLogGroupEvent("/aws/lambda/payments"))).resolves.toEqual({
      status: "applied",
      logGroup: "/aws/lambda/payments",
      reason: "never expires: set 14 days from tag watchkeeper:retention=14 on function payments",
    });
    expect(await retentionOf("/aws/lambda/payments")).toBe(14);
  });

  it("respects watchkeeper:ignore on the group and keeps a longer retention", async () => {
    const before = writes();
    await expect(handle(createLogGroupEvent("/team/ignored"))).resolves.toMatchObject({
      status: "unchanged",
      reason: "excluded: watchkeeper:ignore=true on the group",
    });
    await expect(handle(createLogGroupEvent("/team/long"))).resolves.toMatchObject({ status: "unchanged" });
    expect(writes() - before).toBe(0);
    expect(await retentionOf("/team/ignored")).toBe("never");
    expect(await retentionOf("/team/long")).toBe(400);
  });

  it("uses the policy it is given", async () => {
    await createGroup("/team/capped");
    handle = makeHandler(retentionPolicy({ rules: [{ prefix: "/team/", days: 90 }] }));
    await expect(handle(createLogGroupEvent("/team/capped"))).resolves.toMatchObject({ status: "applied" });
    expect(await retentionOf("/team/capped")).toBe(90);
  });

  it("ignores a group that is gone by the time the event arrives", async () => {
    await expect(handle(createLogGroupEvent("/aws/lambda/deleted-already"))).resolves.toEqual({
      status: "ignored",
      logGroup: "/aws/lambda/deleted-already",
      reason: "log group /aws/lambda/deleted-already no longer exists",
    });
    expect(await retentionOf("/aws/lambda/deleted-already")).toBe("missing");
    expect(lines.at(-1)).toMatchObject({
      level: INFO,
      msg: "ignored: log group /aws/lambda/deleted-already no longer exists",
    });
  });
});

describe("log-retention handler: an event of another account", () => {
  const OTHER = "210987654321";

  it("ignores it, naming both accounts, when the envelope or CloudTrail's recipient is another account", async () => {
    await createGroup("/aws/lambda/crafted");
    const before = totalCalls();
    const events = [
      createLogGroupEvent("/aws/lambda/crafted", { account: OTHER }),
      createLogGroupEvent("/aws/lambda/crafted", { detail: { recipientAccountId: OTHER } }),
    ];
    for (const event of events) {
      await expect(handle(event)).resolves.toEqual({
        status: "ignored",
        logGroup: "/aws/lambda/crafted",
        reason: `/aws/lambda/crafted was created in account ${OTHER}; this function serves account ${MOTO_ACCOUNT_ID}`,
      });
    }
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [
        INFO,
        `ignored: /aws/lambda/crafted was created in account ${OTHER}; this function serves account ${MOTO_ACCOUNT_ID}`,
      ],
      [
        INFO,
        `ignored: /aws/lambda/crafted was created in account ${OTHER}; this function serves account ${MOTO_ACCOUNT_ID}`,
      ],
    ]);
    expect(totalCalls()).toBe(before);
    expect(await retentionOf("/aws/lambda/crafted")).toBe("never");
  });

  it("ignores an event whose envelope region differs from CloudTrail's and this function's", async () => {
    await createGroup("/aws/lambda/crafted-region");
    const event = { ...createLogGroupEvent("/aws/lambda/crafted-region"), region: "eu-west-1" };
    await expect(handle(event)).resolves.toMatchObject({
      status: "ignored",
      reason: `/aws/lambda/crafted-region was created in eu-west-1; this function serves ${REGION}`,
    });
    expect(await retentionOf("/aws/lambda/crafted-region")).toBe("never");
  });

  it("acts on nothing when it cannot tell its own account (no invoked function ARN), and rejects an event without one", async () => {
    await createGroup("/aws/lambda/unplaced");
    const noArn = await handle(createLogGroupEvent("/aws/lambda/unplaced"), {
      getRemainingTimeInMillis: () => 60_000,
    });
    expect(noArn).toMatchObject({ status: "ignored" });
    expect(noArn.reason).toMatch(
      /^no invoked function ARN in the Lambda context, so this function's own account/,
    );
    const { account: _account, ...unsigned } = createLogGroupEvent("/aws/lambda/unplaced");
    await expect(handle(unsigned)).resolves.toMatchObject({
      status: "rejected",
      reason:
        "event.account: missing; EventBridge sets it on every event, so this one is not from EventBridge",
    });
    expect(await retentionOf("/aws/lambda/unplaced")).toBe("never");
  });
});

describe("log-retention handler: other and malformed events", () => {
  it("rejects a malformed CreateLogGroup event with an error line naming the field, without throwing or writing", async () => {
    await createGroup("/aws/lambda/malformed");
    const before = totalCalls();
    const event = createLogGroupEvent("/aws/lambda/malformed", {
      detail: { requestParameters: { logGroupNam: "/aws/lambda/malformed" } },
    });
    await expect(handle(event)).resolves.toEqual({
      status: "rejected",
      reason:
        "malformed CreateLogGroup event: event.detail.requestParameters.logGroupName: Invalid input: expected string, received undefined",
    });
    expect(totalCalls()).toBe(before);
    expect(await retentionOf("/aws/lambda/malformed")).toBe("never");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: ERROR,
      msg: "rejected: malformed CreateLogGroup event: event.detail.requestParameters.logGroupName: Invalid input: expected string, received undefined",
    });
  });

  it("rejects an invalid log group name and events that are not EventBridge events", async () => {
    const before = totalCalls();
    const badName = await handle(createLogGroupEvent("spaces are not allowed"));
    expect(badName).toMatchObject({ status: "rejected" });
    expect(badName.reason).toContain(
      "event.detail.requestParameters.logGroupName: expected a log group name",
    );
    await expect(handle(null)).resolves.toMatchObject({ status: "rejected" });
    await expect(handle("CreateLogGroup")).resolves.toMatchObject({ status: "rejected" });
    const noDetail = await handle({ source: "aws.logs", "detail-type": "AWS API Call via CloudTrail" });
    expect(noDetail.reason).toBe(
      "not an EventBridge event: event.detail: Invalid input: expected record, received undefined",
    );
    expect(lines.map((l) => l.level)).toEqual([ERROR, ERROR, ERROR, ERROR]);
    expect(totalCalls()).toBe(before);
  });

  it("ignores other events with an info line", async () => {
    const before = totalCalls();
    const deleteEvent = createLogGroupEvent("/aws/lambda/fresh", { detail: { eventName: "DeleteLogGroup" } });
    const failed = createLogGroupEvent("/aws/lambda/fresh", {
      detail: {
        errorCode: "ResourceAlreadyExistsException",
        errorMessage: "The specified log group already exists",
      },
    });
    const ec2 = { ...createLogGroupEvent("/x"), source: "aws.ec2" };
    const scheduled = {
      version: "0",
      source: "aws.events",
      "detail-type": "Scheduled Event",
      detail: {},
      region: REGION,
    };
    const elsewhere = createLogGroupEvent("/aws/lambda/fresh", { detail: { awsRegion: "eu-west-1" } });

    const results = await Promise.all([deleteEvent, failed, ec2, scheduled, elsewhere].map((e) => handle(e)));
    expect(results.map((r) => [r.status, r.reason])).toEqual([
      ["ignored", "eventName is DeleteLogGroup, not CreateLogGroup"],
      [
        "ignored",
        "CreateLogGroup failed (ResourceAlreadyExistsException: The specified log group already exists); nothing was created",
      ],
      [
        "ignored",
        "not a CloudTrail event from aws.logs (source=aws.ec2, detail-type=AWS API Call via CloudTrail)",
      ],
      ["ignored", "not a CloudTrail event from aws.logs (source=aws.events, detail-type=Scheduled Event)"],
      ["ignored", `/aws/lambda/fresh was created in eu-west-1; this function serves ${REGION}`],
    ]);
    expect(lines.map((l) => l.level)).toEqual([INFO, INFO, INFO, INFO, INFO]);
    expect(lines.every((l) => l.msg.startsWith("ignored: "))).toBe(true);
    expect(totalCalls()).toBe(before);
  });

  it("parses the event without AWS", () => {
    expect(parseCreateLogGroup(createLogGroupEvent("/a/b"))).toEqual({
      status: "accepted",
      logGroup: "/a/b",
      account: MOTO_ACCOUNT_ID,
      region: REGION,
      recipientAccountId: MOTO_ACCOUNT_ID,
      eventRegion: REGION,
    });
  });
});

describe("log-retention handler: configuration", () => {
  it("reads the policy from the retention block of WATCHKEEPER_CONFIG", () => {
    expect(configFromEnvironment({}).retention).toEqual(retentionPolicy());
    const config = {
      retention: { defaultDays: 14, maxDays: 365, rules: [{ prefix: "/audit/", days: 365 }] },
    };
    expect(configFromEnvironment({ WATCHKEEPER_CONFIG: JSON.stringify(config) }).retention).toEqual(
      retentionPolicy(config.retention),
    );
  });

  it("names the bad setting", () => {
    const env = (config: string) => () => configFromEnvironment({ WATCHKEEPER_CONFIG: config });
    expect(env('{"retention":{"defaultDays":45}}')).toThrow(
      "WATCHKEEPER_CONFIG is not valid:\n  retention.defaultDays: retention 45 is not valid (the next valid value is 60); use one of 1, 3, 5",
    );
    expect(env("{retention: {}}")).toThrow("WATCHKEEPER_CONFIG is not valid JSON:");
    expect(env('{"retention":{"maxDays":100}}')).toThrow(
      "retention.maxDays: retention 100 is not valid (the next valid value is 120)",
    );
  });

  it("the deployed handler fails every invocation on a bad config, naming the field, before any AWS call", async () => {
    const saved = { config: process.env.WATCHKEEPER_CONFIG, region: process.env.AWS_REGION };
    process.env.WATCHKEEPER_CONFIG = '{"retention":{"defaultDays":45}}';
    process.env.AWS_REGION = REGION;
    try {
      await expect(handler(createLogGroupEvent("/aws/lambda/fresh"), lambdaContext())).rejects.toThrow(
        "retention.defaultDays: retention 45 is not valid",
      );
    } finally {
      for (const [key, value] of [
        ["WATCHKEEPER_CONFIG", saved.config],
        ["AWS_REGION", saved.region],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it("logs a warning for an unreadable retention tag and still sets the default", async () => {
    await createGroup("/team/odd-tag", { "watchkeeper:retention": "a month" });
    await expect(handle(createLogGroupEvent("/team/odd-tag"))).resolves.toMatchObject({ status: "applied" });
    expect(await retentionOf("/team/odd-tag")).toBe(30);
    expect(lines[0]).toMatchObject({
      level: WARN,
      logGroup: "/team/odd-tag",
      msg: 'tag watchkeeper:retention on the group: "a month" is not a number of days or "never"; ignored (use a number of days or "never")',
    });
  });
});
