import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { describe, expect, it } from "vitest";
import { RETENTION_DAYS, SimAccount, simulatedAws } from "../../lib/sim/index.js";
import { collectPages, expectAwsError, uniqueSet } from "./helpers.js";

function setup() {
  const account = new SimAccount({ enforceQuotas: false });
  return { account, logs: simulatedAws(account).client(CloudWatchLogsClient) };
}

describe("CloudWatch Logs", () => {
  it("pages DescribeLogGroups 50 at a time and filters by prefix", async () => {
    const { account, logs } = setup();
    for (let i = 0; i < 130; i++) account.addLogGroup({ name: `/aws/lambda/fn-${i}` });
    for (let i = 0; i < 7; i++) account.addLogGroup({ name: `/app/service-${i}` });
    const all = await collectPages(
      (nextToken) => logs.send(new DescribeLogGroupsCommand({ nextToken })),
      (page) => page.logGroups,
      (page) => page.nextToken,
    );
    expect(all.pages).toBe(3);
    expect(uniqueSet(all.items.map((g) => g.logGroupName)).size).toBe(137);
    const lambda = await collectPages(
      (nextToken) =>
        logs.send(new DescribeLogGroupsCommand({ nextToken, logGroupNamePrefix: "/aws/lambda/", limit: 40 })),
      (page) => page.logGroups,
      (page) => page.nextToken,
    );
    expect(lambda.items).toHaveLength(130);
    expect(lambda.pages).toBe(4);
    await expectAwsError(
      logs.send(new DescribeLogGroupsCommand({ limit: 51 })),
      "InvalidParameterException",
      400,
    );
    await expectAwsError(
      logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/a", logGroupNamePattern: "b" })),
      "InvalidParameterException",
    );
  });

  it("returns retentionInDays only when set, both ARN forms and stored bytes", async () => {
    const { account, logs } = setup();
    account.addLogGroup({ name: "/never", storedBytes: 10 });
    account.addLogGroup({ name: "/month", retentionInDays: 30 });
    const groups = (await logs.send(new DescribeLogGroupsCommand({}))).logGroups!;
    expect(groups[0]).toMatchObject({ logGroupName: "/month", retentionInDays: 30 });
    expect(groups[1]).toMatchObject({
      logGroupName: "/never",
      storedBytes: 10,
      arn: "arn:aws:logs:us-east-1:123456789012:log-group:/never:*",
      logGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:/never",
    });
    expect(groups[1]).not.toHaveProperty("retentionInDays");
  });

  it("sets and removes retention, accepting only the values CloudWatch Logs allows", async () => {
    const { account, logs } = setup();
    account.addLogGroup({ name: "/app" });
    for (const days of [1, 400, 3653]) {
      await logs.send(new PutRetentionPolicyCommand({ logGroupName: "/app", retentionInDays: days }));
      expect(account.logGroups.get("/app")?.retentionInDays).toBe(days);
    }
    const error = await expectAwsError(
      logs.send(new PutRetentionPolicyCommand({ logGroupName: "/app", retentionInDays: 15 })),
      "InvalidParameterException",
      400,
    );
    expect(error.message).toBe(
      `1 validation error detected: Value '15' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(", ")}]`,
    );
    expect(account.logGroups.get("/app")?.retentionInDays).toBe(3653);
    await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: "/app" }));
    expect(account.logGroups.get("/app")).not.toHaveProperty("retentionInDays");
    await expectAwsError(
      logs.send(new PutRetentionPolicyCommand({ logGroupName: "/gone", retentionInDays: 7 })),
      "ResourceNotFoundException",
    );
  });

  it("leaves DELIVERY-class groups' retention alone", async () => {
    const { account, logs } = setup();
    account.addLogGroup({ name: "/delivery", logGroupClass: "DELIVERY", retentionInDays: 2 });
    await expectAwsError(
      logs.send(new PutRetentionPolicyCommand({ logGroupName: "/delivery", retentionInDays: 7 })),
      "InvalidParameterException",
    );
    expect(account.logGroups.get("/delivery")?.retentionInDays).toBe(2);
  });

  it("creates groups that never expire, and tags them by ARN without ':*'", async () => {
    const { account, logs } = setup();
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/new/group", tags: { team: "x" } }));
    await expectAwsError(
      logs.send(new CreateLogGroupCommand({ logGroupName: "/new/group" })),
      "ResourceAlreadyExistsException",
    );
    await expectAwsError(
      logs.send(new CreateLogGroupCommand({ logGroupName: "bad name" })),
      "InvalidParameterException",
    );
    const group = account.logGroups.get("/new/group")!;
    expect(group.retentionInDays).toBeUndefined();
    await logs.send(
      new TagResourceCommand({ resourceArn: group.arn, tags: { "watchkeeper:ignore": "true" } }),
    );
    expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: group.arn }))).tags).toEqual({
      team: "x",
      "watchkeeper:ignore": "true",
    });
    await expectAwsError(
      logs.send(new ListTagsForResourceCommand({ resourceArn: `${group.arn}:*` })),
      "InvalidParameterException",
    );
  });
});
