import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DeleteDashboardsCommand,
  DescribeAlarmsCommand,
  DisableAlarmActionsCommand,
  EnableAlarmActionsCommand,
  GetDashboardCommand,
  GetMetricDataCommand,
  ListDashboardsCommand,
  ListTagsForResourceCommand,
  PutDashboardCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type PutMetricAlarmCommandInput,
} from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import { SimAccount, SimUnsupportedError, simulatedAws } from "../../lib/sim/index.js";
import { collectPages, expectAwsError, uniqueSet } from "./helpers.js";

function setup() {
  const account = new SimAccount({ enforceQuotas: false });
  return { account, cloudwatch: simulatedAws(account).client(CloudWatchClient) };
}

const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";

function metricAlarm(
  name: string,
  extra: Partial<PutMetricAlarmCommandInput> = {},
): PutMetricAlarmCommandInput {
  return {
    AlarmName: name,
    Namespace: "AWS/Lambda",
    MetricName: "Errors",
    Dimensions: [{ Name: "FunctionName", Value: "checkout" }],
    Statistic: "Sum",
    Period: 60,
    EvaluationPeriods: 3,
    DatapointsToAlarm: 2,
    Threshold: 1,
    ComparisonOperator: "GreaterThanOrEqualToThreshold",
    TreatMissingData: "notBreaching",
    AlarmActions: [TOPIC],
    ...extra,
  };
}

describe("PutMetricAlarm", () => {
  it("creates a standard alarm in INSUFFICIENT_DATA, tagged, and an update keeps state and tags", async () => {
    const { account, cloudwatch } = setup();
    await cloudwatch.send(
      new PutMetricAlarmCommand(
        metricAlarm("watchkeeper-checkout-errors", { Tags: [{ Key: "watchkeeper:managed", Value: "true" }] }),
      ),
    );
    const alarm = account.alarms.get("watchkeeper-checkout-errors")!;
    expect(alarm).toMatchObject({
      state: "INSUFFICIENT_DATA",
      tags: { "watchkeeper:managed": "true" },
      arn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:watchkeeper-checkout-errors",
    });
    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: alarm.name, StateValue: "ALARM", StateReason: "test" }),
    );
    await cloudwatch.send(
      new PutMetricAlarmCommand(
        metricAlarm(alarm.name, { Threshold: 5, Tags: [{ Key: "other", Value: "x" }] }),
      ),
    );
    expect(account.alarms.get(alarm.name)).toMatchObject({
      state: "ALARM",
      tags: { "watchkeeper:managed": "true" },
      config: { Threshold: 5 },
    });
  });

  it("accepts metric math and Metrics Insights alarms", async () => {
    const { account, cloudwatch } = setup();
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: "error-rate",
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: "GreaterThanThreshold",
        Metrics: [
          {
            Id: "errors",
            MetricStat: {
              Metric: { Namespace: "AWS/Lambda", MetricName: "Errors" },
              Period: 300,
              Stat: "Sum",
            },
            ReturnData: false,
          },
          {
            Id: "calls",
            MetricStat: {
              Metric: { Namespace: "AWS/Lambda", MetricName: "Invocations" },
              Period: 300,
              Stat: "Sum",
            },
            ReturnData: false,
          },
          { Id: "rate", Expression: "100 * errors / calls", Period: 300, ReturnData: true },
        ],
      }),
    );
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: "top-errors",
        EvaluationPeriods: 1,
        Threshold: 10,
        ComparisonOperator: "GreaterThanThreshold",
        Metrics: [
          {
            Id: "q",
            Expression: 'SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName',
            Period: 300,
            ReturnData: true,
          },
        ],
      }),
    );
    expect([...account.alarms.keys()]).toEqual(["error-rate", "top-errors"]);
  });

  it("validates as CloudWatch does", async () => {
    const { account, cloudwatch } = setup();
    const put = (input: PutMetricAlarmCommandInput) => cloudwatch.send(new PutMetricAlarmCommand(input));
    const long = await expectAwsError(put(metricAlarm("a".repeat(256))), "ValidationError", 400);
    expect(long.message).toMatch(
      /at 'alarmName' failed to satisfy constraint: Member must have length less than or equal to 255/,
    );
    await put(metricAlarm("a".repeat(255)));
    await expectAwsError(
      put(metricAlarm("long-description", { AlarmDescription: "d".repeat(1025) })),
      "ValidationError",
    );
    await expectAwsError(
      put(metricAlarm("six-actions", { AlarmActions: Array.from({ length: 6 }, (_, i) => `${TOPIC}-${i}`) })),
      "ValidationError",
    );
    await expectAwsError(
      put(metricAlarm("bad-action", { OKActions: ["mailto:oncall@example.com"] })),
      "InvalidParameterValueException",
    );
    await expectAwsError(
      put(metricAlarm("both", { Metrics: [{ Id: "m", Expression: "1" }] })),
      "InvalidParameterCombinationException",
    );
    await expectAwsError(
      put(metricAlarm("two-stats", { ExtendedStatistic: "p99" })),
      "InvalidParameterCombinationException",
    );
    await expectAwsError(put(metricAlarm("odd-period", { Period: 90 })), "InvalidParameterValueException");
    await expectAwsError(
      put(metricAlarm("too-long-window", { Period: 3600, EvaluationPeriods: 25, DatapointsToAlarm: 1 })),
      "InvalidParameterValueException",
    );
    await expectAwsError(
      put(metricAlarm("bad-operator", { ComparisonOperator: "Bigger" as "GreaterThanThreshold" })),
      "ValidationError",
    );
    await expectAwsError(put(metricAlarm("datapoints", { DatapointsToAlarm: 4 })), "ValidationError");
    await expectAwsError(
      put(metricAlarm("no-threshold", { Threshold: undefined })),
      "MissingRequiredParameterException",
    );
    const tooMany = Array.from({ length: 11 }, (_, i) => ({
      Id: `m${i}`,
      MetricStat: { Metric: { Namespace: "App", MetricName: `M${i}` }, Period: 60, Stat: "Sum" },
      ReturnData: false,
    }));
    await expectAwsError(
      put({
        AlarmName: "eleven",
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanThreshold",
        Metrics: [...tooMany, { Id: "e", Expression: "m0", Period: 60 }],
      }),
      "ValidationError",
    );
    await expectAwsError(
      put({
        AlarmName: "two-results",
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanThreshold",
        Metrics: [
          tooMany[0]!,
          { ...tooMany[1]!, ReturnData: true },
          { Id: "e", Expression: "m0", Period: 60 },
        ],
      }),
      "InvalidParameterValueException",
    );
    expect([...account.alarms.keys()]).toEqual(["a".repeat(255)]);
  });

  it("caps Metrics Insights alarms at 200 per account and region", async () => {
    const { account, cloudwatch } = setup();
    const insights = (name: string): PutMetricAlarmCommandInput => ({
      AlarmName: name,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanThreshold",
      Metrics: [
        { Id: "q", Expression: 'SELECT MAX(ApproximateAgeOfOldestMessage) FROM "AWS/SQS"', Period: 60 },
      ],
    });
    for (let i = 0; i < 200; i++) account.addAlarm(insights(`insights-${i}`));
    await expectAwsError(
      cloudwatch.send(new PutMetricAlarmCommand(insights("insights-200"))),
      "LimitExceededFault",
    );
    // Updating one of the 200 is still allowed.
    await cloudwatch.send(new PutMetricAlarmCommand({ ...insights("insights-7"), Threshold: 2 }));
    expect(account.alarms.get("insights-7")?.config.Threshold).toBe(2);
  });
});

describe("DescribeAlarms and DeleteAlarms", () => {
  it("lists by prefix, 100 a page, every alarm exactly once", async () => {
    const { account, cloudwatch } = setup();
    for (let i = 0; i < 250; i++) account.addAlarm(metricAlarm(`watchkeeper-${String(i).padStart(3, "0")}`));
    account.addAlarm(metricAlarm("watchkeepers-not-ours"));
    account.addAlarm(metricAlarm("zz-other"));
    const { items, pages } = await collectPages(
      (NextToken) =>
        cloudwatch.send(
          new DescribeAlarmsCommand({ AlarmNamePrefix: "watchkeeper-", MaxRecords: 100, NextToken }),
        ),
      (page) => page.MetricAlarms,
      (page) => page.NextToken,
    );
    expect(pages).toBe(3);
    expect(uniqueSet(items.map((a) => a.AlarmName)).size).toBe(250);
    expect(items[0]).toMatchObject({
      AlarmArn: expect.stringMatching(/:alarm:watchkeeper-000$/),
      StateValue: "INSUFFICIENT_DATA",
      ActionsEnabled: true,
      AlarmActions: [TOPIC],
    });
    expect((await cloudwatch.send(new DescribeAlarmsCommand({}))).MetricAlarms).toHaveLength(50);
    await expectAwsError(cloudwatch.send(new DescribeAlarmsCommand({ MaxRecords: 101 })), "ValidationError");
  });

  it("lists by name, state, action prefix and type", async () => {
    const { account, cloudwatch } = setup();
    account.addAlarm(metricAlarm("a", { AlarmActions: ["arn:aws:sns:us-east-1:123456789012:pager"] }));
    account.addAlarm({ ...metricAlarm("b"), state: "ALARM" });
    account.addAlarm(metricAlarm("c"));
    const named = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ["c", "a", "missing"] }));
    expect(named.MetricAlarms?.map((a) => a.AlarmName)).toEqual(["a", "c"]);
    expect(
      (await cloudwatch.send(new DescribeAlarmsCommand({ StateValue: "ALARM" }))).MetricAlarms?.map(
        (a) => a.AlarmName,
      ),
    ).toEqual(["b"]);
    expect(
      (
        await cloudwatch.send(
          new DescribeAlarmsCommand({ ActionPrefix: "arn:aws:sns:us-east-1:123456789012:pag" }),
        )
      ).MetricAlarms?.map((a) => a.AlarmName),
    ).toEqual(["a"]);
    const composite = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmTypes: ["CompositeAlarm"] }));
    expect(composite.CompositeAlarms).toEqual([]);
    expect(composite).not.toHaveProperty("MetricAlarms");
    await expectAwsError(
      cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ["a"], AlarmNamePrefix: "a" })),
      "InvalidParameterCombinationException",
    );
  });

  it("deletes up to 100 named alarms, and nothing when a name is unknown", async () => {
    const { account, cloudwatch } = setup();
    for (let i = 0; i < 101; i++) account.addAlarm(metricAlarm(`x-${i}`));
    const names = Array.from({ length: 101 }, (_, i) => `x-${i}`);
    await expectAwsError(cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: names })), "ValidationError");
    await expectAwsError(
      cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ["x-1", "ghost"] })),
      "ResourceNotFound",
      404,
    );
    expect(account.alarms.size).toBe(101);
    await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: names.slice(0, 100) }));
    expect([...account.alarms.keys()]).toEqual(["x-100"]);
  });
});

describe("alarm tags, actions and state", () => {
  it("tags, untags and lists tags by alarm ARN", async () => {
    const { account, cloudwatch } = setup();
    const { arn } = account.addAlarm(metricAlarm("tagged"));
    await cloudwatch.send(
      new TagResourceCommand({
        ResourceARN: arn,
        Tags: [
          { Key: "watchkeeper:managed", Value: "true" },
          { Key: "team", Value: "x" },
        ],
      }),
    );
    await cloudwatch.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ["team"] }));
    expect((await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toEqual([
      { Key: "watchkeeper:managed", Value: "true" },
    ]);
    await expectAwsError(
      cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: `${arn}-gone` })),
      "ResourceNotFoundException",
      404,
    );
  });

  it("disables and enables actions, and sets state with a reason", async () => {
    const { account, cloudwatch } = setup();
    account.addAlarm(metricAlarm("a"));
    await cloudwatch.send(new DisableAlarmActionsCommand({ AlarmNames: ["a", "unknown"] }));
    expect(account.alarms.get("a")?.config.ActionsEnabled).toBe(false);
    await cloudwatch.send(new EnableAlarmActionsCommand({ AlarmNames: ["a"] }));
    expect(account.alarms.get("a")?.config.ActionsEnabled).toBe(true);
    await cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: "a",
        StateValue: "ALARM",
        StateReason: "drill",
        StateReasonData: '{"x":1}',
      }),
    );
    expect(account.alarms.get("a")).toMatchObject({
      state: "ALARM",
      stateReason: "drill",
      stateReasonData: '{"x":1}',
    });
    await expectAwsError(
      cloudwatch.send(
        new SetAlarmStateCommand({
          AlarmName: "a",
          StateValue: "ALARM",
          StateReason: "x",
          StateReasonData: "{",
        }),
      ),
      "InvalidFormatFault",
    );
    await expectAwsError(
      cloudwatch.send(new SetAlarmStateCommand({ AlarmName: "nope", StateValue: "OK", StateReason: "x" })),
      "ResourceNotFound",
      404,
    );
  });
});

describe("dashboards", () => {
  const body = (widgets: number, metricsEach = 1) =>
    JSON.stringify({
      widgets: Array.from({ length: widgets }, (_, i) => ({
        type: "metric",
        x: 0,
        y: i * 6,
        width: 24,
        height: 6,
        properties: {
          metrics: Array.from({ length: metricsEach }, (_, m) => [
            "AWS/Lambda",
            "Errors",
            "FunctionName",
            `f${m}`,
          ]),
        },
      })),
    });

  it("puts, gets, lists and deletes", async () => {
    const { account, cloudwatch } = setup();
    expect(
      (
        await cloudwatch.send(
          new PutDashboardCommand({ DashboardName: "watchkeeper-overview", DashboardBody: body(3) }),
        )
      ).DashboardValidationMessages,
    ).toEqual([]);
    await cloudwatch.send(
      new PutDashboardCommand({ DashboardName: "watchkeeper-overview-2", DashboardBody: body(1) }),
    );
    await cloudwatch.send(new PutDashboardCommand({ DashboardName: "team", DashboardBody: body(1) }));
    const got = await cloudwatch.send(new GetDashboardCommand({ DashboardName: "watchkeeper-overview" }));
    expect(got).toMatchObject({
      DashboardArn: "arn:aws:cloudwatch::123456789012:dashboard/watchkeeper-overview",
      DashboardBody: body(3),
    });
    const listed = await cloudwatch.send(new ListDashboardsCommand({ DashboardNamePrefix: "watchkeeper-" }));
    expect(listed.DashboardEntries?.map((d) => d.DashboardName)).toEqual([
      "watchkeeper-overview",
      "watchkeeper-overview-2",
    ]);
    expect(listed.DashboardEntries?.[0]?.Size).toBe(body(3).length);
    await expectAwsError(
      cloudwatch.send(new DeleteDashboardsCommand({ DashboardNames: ["team", "ghost"] })),
      "DashboardNotFoundError",
      404,
    );
    await cloudwatch.send(new DeleteDashboardsCommand({ DashboardNames: ["team"] }));
    expect([...account.dashboards.keys()]).toEqual(["watchkeeper-overview", "watchkeeper-overview-2"]);
    await expectAwsError(
      cloudwatch.send(new GetDashboardCommand({ DashboardName: "team" })),
      "DashboardNotFoundError",
      404,
    );
  });

  it("rejects bodies that are not JSON, lack widgets or go over the widget and metric limits", async () => {
    const { account, cloudwatch } = setup();
    const put = (DashboardBody: string, DashboardName = "d") =>
      cloudwatch.send(new PutDashboardCommand({ DashboardName, DashboardBody }));
    await expectAwsError(put("{"), "DashboardInvalidInputError");
    await expectAwsError(put("{}"), "DashboardInvalidInputError");
    await put(body(500));
    await expectAwsError(put(body(501)), "DashboardInvalidInputError");
    await expectAwsError(put(body(1, 501)), "DashboardInvalidInputError");
    await expectAwsError(put(body(6, 500)), "DashboardInvalidInputError");
    await expectAwsError(put(body(1), "bad name"), "DashboardInvalidInputError");
    expect([...account.dashboards.keys()]).toEqual(["d"]);
  });

  it("takes 1 to 100 ARNs in an alarm status widget, and an alarm annotation only alone on its graph", async () => {
    const { account, cloudwatch } = setup();
    const arn = (i: number) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:a-${i}`;
    const put = (widget: object) =>
      cloudwatch.send(
        new PutDashboardCommand({ DashboardName: "d", DashboardBody: JSON.stringify({ widgets: [widget] }) }),
      );
    const status = (n: number) => ({
      type: "alarm",
      properties: { alarms: Array.from({ length: n }, (_, i) => arn(i)) },
    });
    const graph = (properties: object) => ({
      type: "metric",
      properties: { region: "us-east-1", ...properties },
    });
    const errors = [["AWS/Lambda", "Errors"]];
    const threshold = { horizontal: [{ value: 1 }] };

    await put(status(1));
    await put(status(100));
    await put(graph({ annotations: { alarms: [arn(0)] } }));
    await put(graph({ metrics: errors, annotations: { alarms: [], ...threshold } }));
    for (const invalid of [
      status(0),
      status(101),
      { type: "alarm", properties: {} },
      graph({ annotations: { alarms: [arn(0), arn(1)] } }),
      graph({ metrics: errors, annotations: { alarms: [arn(0)] } }),
      graph({ annotations: { alarms: [arn(0)], ...threshold } }),
      graph({ annotations: threshold }),
    ]) {
      await expectAwsError(put(invalid), "DashboardInvalidInputError");
    }
    expect(JSON.parse(account.dashboards.get("d")!.body)).toMatchObject({
      widgets: [{ properties: { metrics: errors } }],
    });
  });
});

describe("metrics", () => {
  it("returns the data points the account emitted, per period, newest first", async () => {
    const { account, cloudwatch } = setup();
    const t0 = account.clock.now();
    for (let minute = 0; minute < 10; minute++) {
      account.emitMetric({
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: "checkout" },
        values: [minute, 1],
        timestamp: t0 + minute * 60_000,
      });
    }
    account.emitMetric({
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: "other" },
      values: [1000],
      timestamp: t0,
    });
    const result = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(t0),
        EndTime: new Date(t0 + 10 * 60_000),
        MetricDataQueries: [
          {
            Id: "sum",
            MetricStat: {
              Metric: {
                Namespace: "AWS/Lambda",
                MetricName: "Errors",
                Dimensions: [{ Name: "FunctionName", Value: "checkout" }],
              },
              Period: 300,
              Stat: "Sum",
            },
          },
          {
            Id: "max",
            MetricStat: {
              Metric: {
                Namespace: "AWS/Lambda",
                MetricName: "Errors",
                Dimensions: [{ Name: "FunctionName", Value: "checkout" }],
              },
              Period: 300,
              Stat: "Maximum",
            },
          },
          { Id: "double", Expression: "sum * 2" },
        ],
      }),
    );
    const byId = Object.fromEntries(result.MetricDataResults!.map((r) => [r.Id, r]));
    expect(byId.sum?.Timestamps).toEqual([new Date(t0 + 300_000), new Date(t0)]);
    expect(byId.sum?.Values).toEqual([5 + 6 + 7 + 8 + 9 + 5, 0 + 1 + 2 + 3 + 4 + 5]);
    expect(byId.max?.Values).toEqual([9, 4]);
    expect(byId.double?.Values).toEqual([80, 30]);
    expect(byId.sum?.StatusCode).toBe("Complete");
  });

  it("stores PutMetricData, including StatisticValues, and rejects AWS/ namespaces", async () => {
    const { account, cloudwatch } = setup();
    const now = new Date(account.clock.now());
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: "Watchkeeper",
        MetricData: [
          { MetricName: "AlarmsCreated", Value: 3, Timestamp: now },
          {
            MetricName: "Latency",
            StatisticValues: { SampleCount: 4, Sum: 10, Minimum: 1, Maximum: 4 },
            Timestamp: now,
          },
        ],
      }),
    );
    const result = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(now.getTime() - 60_000),
        EndTime: new Date(now.getTime() + 60_000),
        MetricDataQueries: ["Sum", "SampleCount", "Minimum", "Maximum", "Average"].map((Stat) => ({
          Id: Stat.toLowerCase(),
          MetricStat: { Metric: { Namespace: "Watchkeeper", MetricName: "Latency" }, Period: 120, Stat },
        })),
      }),
    );
    expect(result.MetricDataResults?.map((r) => r.Values?.[0])).toEqual([10, 4, 1, 4, 2.5]);
    await expectAwsError(
      cloudwatch.send(
        new PutMetricDataCommand({ Namespace: "AWS/Lambda", MetricData: [{ MetricName: "x", Value: 1 }] }),
      ),
      "InvalidParameterValueException",
    );
    expect(account.metrics.size).toBe(2);
  });

  it("runs simple Metrics Insights queries and says clearly what it cannot run", async () => {
    const { account, cloudwatch } = setup();
    const t0 = account.clock.now();
    for (const [fn, errors] of [
      ["a", 1],
      ["b", 9],
      ["c", 5],
    ] as const) {
      account.emitMetric({
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: fn },
        values: [errors],
        timestamp: t0,
      });
    }
    const query = (Expression: string) =>
      cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(t0 - 60_000),
          EndTime: new Date(t0 + 60_000),
          MetricDataQueries: [{ Id: "q", Expression, Period: 120 }],
        }),
      );
    const top = await query(
      'SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 2',
    );
    expect(top.MetricDataResults?.map((r) => [r.Id, r.Label, r.Values])).toEqual([
      ["q", "b", [9]],
      ["q", "c", [5]],
    ]);
    const filtered = await query(`SELECT MAX(Errors) FROM "AWS/Lambda" WHERE FunctionName != 'b'`);
    expect(filtered.MetricDataResults?.map((r) => r.Values)).toEqual([[5]]);
    await expect(query("SELECT PERCENTILE(Errors, 99) FROM x")).rejects.toBeInstanceOf(SimUnsupportedError);
    await expect(query("FILL(m1, 0)")).rejects.toThrow(/function FILL\(\) is not supported/);
  });
});
