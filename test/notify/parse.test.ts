import type { MetricAlarm } from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import {
  changeFromAlarm,
  parseAlarmNotification,
  regionCode,
  type AlarmStateChange,
} from "../../lib/notify/index.js";
import {
  ACCOUNT,
  REGION,
  alarmStateChangeEvent,
  snsAlarmMessage,
  snsInsightsMessage,
  snsRecord,
} from "./fixtures.js";

function accepted(input: unknown): AlarmStateChange {
  const parsed = parseAlarmNotification(input);
  if (!parsed.ok) throw new Error(`rejected: ${parsed.reason}`);
  return parsed.change;
}

function problems(input: unknown): readonly string[] {
  const parsed = parseAlarmNotification(input);
  if (parsed.ok) throw new Error("accepted");
  return parsed.problems;
}

describe("parseAlarmNotification: SNS", () => {
  it("normalizes a single-metric alarm from an SNS record", () => {
    const change = accepted(snsRecord(snsAlarmMessage()));
    expect(change).toEqual({
      source: "sns",
      alarmName: "watchkeeper-sqs-dlq-messages-visible-payments-dlq",
      alarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:watchkeeper-sqs-dlq-messages-visible-payments-dlq`,
      description: expect.stringContaining("Runbook: https://"),
      state: "ALARM",
      previousState: "OK",
      reason: expect.stringContaining("Threshold Crossed"),
      recentValues: [3],
      time: "2024-05-01T11:59:10.123Z",
      accountId: ACCOUNT,
      region: REGION,
      trigger: {
        metric: {
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: [{ name: "QueueName", value: "payments-dlq" }],
          statistic: "Maximum",
          period: 60,
        },
        threshold: 0,
        comparison: "GreaterThanThreshold",
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        period: 60,
        treatMissingData: "notBreaching",
      },
    });
  });

  it("accepts the message itself, as an object or as JSON", () => {
    expect(accepted(snsAlarmMessage()).alarmName).toBe("watchkeeper-sqs-dlq-messages-visible-payments-dlq");
    expect(accepted(JSON.stringify(snsAlarmMessage())).state).toBe("ALARM");
  });

  it("reads a Metrics Insights alarm's query and a contributor", () => {
    const change = accepted(
      snsInsightsMessage({
        AlarmContributorId: "abc123",
        AlarmContributorAttributes: { QueueName: "orders" },
      }),
    );
    expect(change.trigger.metric).toBeUndefined();
    expect(change.trigger.queries?.[0]?.expression).toMatch(/^SELECT MAX\(ApproximateAgeOfOldestMessage\)/);
    expect(change.trigger.threshold).toBe(1800);
    expect(change.trigger.period).toBe(60);
    expect(change.contributor).toEqual({ id: "abc123", attributes: { QueueName: "orders" } });
    expect(change.recentValues).toEqual([2520, 2460]);
  });

  it("maps the region's display name when there is no alarm ARN", () => {
    const { AlarmArn: _arn, ...message } = snsAlarmMessage({ Region: "Europe (Frankfurt)" });
    expect(accepted(message).region).toBe("eu-central-1");
    expect(regionCode("Asia Pacific (Tokyo)")).toBe("ap-northeast-1");
    expect(regionCode("Atlantis (Central)")).toBeUndefined();
  });

  it("prefers the region of the alarm ARN over the display name", () => {
    const message = snsAlarmMessage({
      Region: "US East (N. Virginia)",
      AlarmArn: `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:x`,
    });
    expect(accepted(message).region).toBe("eu-west-1");
  });

  it("accepts numbers written as strings and percentiles", () => {
    const message = snsAlarmMessage({
      Trigger: {
        MetricName: "Duration",
        Namespace: "AWS/Lambda",
        StatisticType: "ExtendedStatistic",
        Statistic: "p90",
        Dimensions: [{ name: "FunctionName", value: "orders-create" }],
        Period: "60",
        EvaluationPeriods: "15",
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: "9000",
      },
    });
    const change = accepted(message);
    expect(change.trigger.metric?.statistic).toBe("p90");
    expect(change.trigger.threshold).toBe(9000);
    expect(change.trigger.evaluationPeriods).toBe(15);
  });
});

describe("parseAlarmNotification: EventBridge", () => {
  it("normalizes a CloudWatch Alarm State Change event, threshold from the reason data", () => {
    const change = accepted(alarmStateChangeEvent());
    expect(change).toMatchObject({
      source: "eventbridge",
      alarmName: "watchkeeper-lambda-errors-payments-consumer",
      alarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:watchkeeper-lambda-errors-payments-consumer`,
      state: "ALARM",
      previousState: "OK",
      time: "2024-05-01T11:59:10.989Z",
      accountId: ACCOUNT,
      region: REGION,
      recentValues: [5, 6, 4],
      trigger: {
        metric: {
          namespace: "AWS/Lambda",
          metricName: "Errors",
          dimensions: [{ name: "FunctionName", value: "payments-consumer" }],
          statistic: "Sum",
          period: 60,
        },
        threshold: 0,
        period: 60,
      },
    });
  });

  it("ignores other CloudWatch events with a clear reason", () => {
    const parsed = parseAlarmNotification(
      alarmStateChangeEvent({ "detail-type": "CloudWatch Alarm Configuration Change" }),
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain('detail-type "CloudWatch Alarm Configuration Change"');
  });
});

describe("parseAlarmNotification: malformed input names the field", () => {
  it.each([
    [
      "an unknown state",
      snsRecord(snsAlarmMessage({ NewStateValue: "ON_FIRE" })),
      "Sns.Message.NewStateValue",
    ],
    [
      "a missing alarm name",
      snsRecord({ ...snsAlarmMessage(), AlarmName: undefined }),
      "Sns.Message.AlarmName",
    ],
    [
      "a 256-character alarm name",
      snsRecord(snsAlarmMessage({ AlarmName: "a".repeat(256) })),
      "Sns.Message.AlarmName",
    ],
    ["a bad account id", snsRecord(snsAlarmMessage({ AWSAccountId: "12345" })), "Sns.Message.AWSAccountId"],
    [
      "a bad time",
      snsRecord(snsAlarmMessage({ StateChangeTime: "yesterday" })),
      "Sns.Message.StateChangeTime",
    ],
    [
      "a threshold that is not a number",
      snsRecord(snsAlarmMessage({ Trigger: { Threshold: "high" } })),
      "Sns.Message.Trigger.Threshold",
    ],
    ["a message that is not JSON", snsRecord("{not json"), "Sns.Message: not valid JSON"],
    ["a record without a message", { EventSource: "aws:sns", Sns: {} }, "Sns.Message"],
    ["an event without a state", alarmStateChangeEvent({ detail: { alarmName: "x" } }), "event.detail.state"],
    ["an event with a bad account", alarmStateChangeEvent({ account: "me" }), "event.account"],
    ["a whole SNS event", { Records: [snsRecord(snsAlarmMessage())] }, "input.Records"],
    ["something else", { hello: "world" }, "input: expected an SNS record"],
    ["a number", 42, "input: expected an object, got number"],
  ])("rejects %s", (_what, input, field) => {
    expect(problems(input).join("\n")).toContain(field);
  });

  it("rejects an unknown region name without an ARN", () => {
    const { AlarmArn: _arn, ...message } = snsAlarmMessage({ Region: "Moon Base (Tranquility)" });
    expect(problems(message)).toEqual([
      'Message.Region: "Moon Base (Tranquility)" is not a known AWS region name or code, and there is no AlarmArn to read it from',
    ]);
  });
});

describe("changeFromAlarm", () => {
  it("reads a DescribeAlarms alarm as its current state change", () => {
    const alarm: MetricAlarm = {
      AlarmName: "watchkeeper-lambda-errors",
      AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:watchkeeper-lambda-errors`,
      StateValue: "ALARM",
      StateReason:
        "Threshold Crossed: 3 out of the last 3 datapoints [14.0 (01/05/24 11:58:00)] was greater than the threshold (0.0).",
      StateUpdatedTimestamp: new Date("2024-05-01T11:59:00Z"),
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: [],
      Statistic: "Sum",
      Period: 60,
      EvaluationPeriods: 3,
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
    };
    expect(changeFromAlarm(alarm)).toMatchObject({
      source: "describe-alarms",
      state: "ALARM",
      recentValues: [14],
      region: REGION,
      accountId: ACCOUNT,
      time: "2024-05-01T11:59:00.000Z",
      trigger: {
        metric: { metricName: "Errors", dimensions: [], statistic: "Sum" },
        threshold: 0,
        period: 60,
      },
    });
    expect(() => changeFromAlarm({ AlarmName: "x" })).toThrow("has no AlarmArn");
  });
});
