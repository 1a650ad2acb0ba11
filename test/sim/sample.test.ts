import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { GetAccountSettingsCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { describe, expect, it } from "vitest";
import { sampleAccount, simulatedAws } from "../../lib/sim/index.js";

describe("sampleAccount", () => {
  const account = sampleAccount();
  const mapping = (fn: string) =>
    [...account.eventSourceMappings.values()].filter((m) => m.functionName === fn);

  it("holds the demo apps", () => {
    expect(account.restApis.size).toBe(1);
    expect([...account.restApis.values()][0]?.name).toBe("orders-api");
    expect([...account.httpApis.values()].map((api) => [api.name, api.protocolType])).toEqual([
      ["customer-portal", "HTTP"],
      ["order-updates", "WEBSOCKET"],
    ]);
    expect([...account.functions.keys()].filter((n) => n.startsWith("orders-"))).toEqual([
      "orders-create",
      "orders-get",
      "orders-list",
      "orders-stream-processor",
    ]);
    expect(mapping("orders-stream-processor")[0]?.eventSourceArn).toBe(
      account.tables.get("orders")?.stream?.arn,
    );
    expect(account.stateMachines.has("order-fulfillment")).toBe(true);
    expect(account.topics.get("alerts")).toBeDefined();
    expect([...account.subscriptions.values()].map((s) => s.protocol).sort()).toEqual([
      "email",
      "lambda",
      "sqs",
    ]);
    expect([...account.subscriptions.values()].find((s) => s.protocol === "sqs")?.deadLetterArn).toBe(
      account.queue("alerts-archive-dlq")?.arn,
    );
  });

  it("has a payments consumer whose queue has a DLQ holding messages from it", () => {
    expect(account.queue("payments")?.redrivePolicy?.deadLetterTargetArn).toBe(
      account.queue("payments-dlq")?.arn,
    );
    expect(mapping("payments-consumer")[0]?.eventSourceArn).toBe(account.queue("payments")?.arn);
    const dlq = account.queue("payments-dlq")!;
    expect(dlq.messages).toHaveLength(3);
    expect(dlq.messages.every((m) => m.deadLetterSourceArn === account.queue("payments")?.arn)).toBe(true);
    expect(account.functions.get("payments-consumer")?.tags["watchkeeper:breaker"]).toBe("on");
    expect(account.queue("ledger.fifo")?.redrivePolicy?.deadLetterTargetArn).toBe(
      account.queue("ledger-dlq.fifo")?.arn,
    );
    expect(account.queue("ledger-dlq.fifo")?.fifo).toBe(true);
  });

  it("has a stream consumer that retries forever with no on-failure destination, and one that does not", () => {
    const [forever] = mapping("clickstream-processor");
    expect(forever).toMatchObject({
      maximumRetryAttempts: -1,
      eventSourceArn: account.streams.get("clickstream")?.arn,
    });
    expect(forever?.onFailureDestination).toBeUndefined();
    expect(mapping("clickstream-archiver")[0]?.onFailureDestination).toBe(
      account.queue("clickstream-failures")?.arn,
    );
  });

  it("has async functions with a DLQ and with an on-failure destination, reserved concurrency and advanced logging", () => {
    expect(account.functions.get("notifications-sender")?.deadLetterTargetArn).toBe(
      account.queue("notifications-dlq")?.arn,
    );
    expect(account.functions.get("report-generator")?.eventInvokeConfig?.onFailure).toBe(
      account.queue("report-failures")?.arn,
    );
    expect(account.functions.get("image-resizer")?.reservedConcurrency).toBe(50);
    expect(account.functions.get("audit-logger")).toMatchObject({
      logGroup: "/app/audit",
      customLogGroup: true,
    });
  });

  it("has a rule whose targets are a function with a DLQ and one without", () => {
    const rule = account.rules.get("default/order-placed")!;
    expect(rule.targets.map((t) => [t.id, t.deadLetterArn !== undefined])).toEqual([
      ["notify", true],
      ["audit", false],
    ]);
  });

  it("serves log groups with every kind of retention through the SDK", async () => {
    const logs = simulatedAws(account).client(CloudWatchLogsClient);
    const groups = (await logs.send(new DescribeLogGroupsCommand({}))).logGroups!;
    const retention = new Map(groups.map((g) => [g.logGroupName, g.retentionInDays]));
    expect(retention.get("/aws/lambda/orders-list")).toBeUndefined();
    expect(retention.get("/aws/lambda/payments-consumer")).toBe(3653);
    expect(retention.get("/aws/lambda/orders-create")).toBe(30);
    expect(account.logGroups.get("/legacy/batch-import")?.tags["watchkeeper:ignore"]).toBe("true");
  });

  it("has alarms Watchkeeper does not own: one with its prefix but no managed tag", async () => {
    const cloudwatch = simulatedAws(account).client(CloudWatchClient);
    const alarms = (await cloudwatch.send(new DescribeAlarmsCommand({}))).MetricAlarms!;
    expect(alarms.map((a) => a.AlarmName)).toEqual(["orders-api-5xx", "watchkeeper-legacy-orders-errors"]);
    const tags = await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarms[1]!.AlarmArn }));
    expect(tags.Tags).toEqual([]);
  });

  it("is the same account every time and serves the Lambda APIs", async () => {
    const again = sampleAccount();
    expect([...again.functions.values()].map((f) => f.arn)).toEqual(
      [...account.functions.values()].map((f) => f.arn),
    );
    expect([...again.eventSourceMappings.keys()]).toEqual([...account.eventSourceMappings.keys()]);
    const lambda = simulatedAws(again).client(LambdaClient);
    expect((await lambda.send(new ListFunctionsCommand({}))).Functions).toHaveLength(14);
    expect(
      (await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit?.UnreservedConcurrentExecutions,
    ).toBe(950);
  });
});
