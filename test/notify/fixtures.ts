/**
 * Alarm notifications as AWS sends them, a clock whose sleeps cost no time, a logger whose lines the
 * test reads, and an assertion that a message is within Slack's Block Kit limits.
 */
import { expect } from "vitest";
import type { Clock } from "../../lib/aws/clock.js";
import { createLogger, type Logger } from "../../lib/log.js";
import { validateBlockKit, type SlackMessage } from "../../lib/notify/index.js";

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";

/** A clock that never waits: sleeping moves `now` forward and is recorded. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(private time = Date.UTC(2024, 4, 1, 12, 0, 0)) {}

  now(): number {
    return this.time;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

/** A logger (with the production redaction) whose JSON lines are kept. */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[]; text: () => string } {
  const raw: string[] = [];
  const logger = createLogger({ function: "test" }, { write: (line: string) => void raw.push(line) });
  return {
    logger,
    get lines() {
      return raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    text: () => raw.join(""),
  };
}

export function expectValidBlockKit(message: SlackMessage): void {
  expect(validateBlockKit(message)).toEqual([]);
}

/** The CloudWatch alarm message SNS carries: the DLQ depth alarm on payments-dlq, unless overridden. */
export function snsAlarmMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const name =
    (overrides.AlarmName as string | undefined) ?? "watchkeeper-sqs-dlq-messages-visible-payments-dlq";
  return {
    AlarmName: name,
    AlarmDescription:
      "Messages in a dead-letter queue: ... Runbook: https://github.com/watchkeeper/watchkeeper/blob/main/runbooks/sqs-dlq-messages-visible.md",
    AWSAccountId: ACCOUNT,
    AlarmConfigurationUpdatedTimestamp: "2024-05-01T11:00:00.000+0000",
    NewStateValue: "ALARM",
    NewStateReason:
      "Threshold Crossed: 1 out of the last 1 datapoints [3.0 (01/05/24 11:58:00)] was greater than the threshold (0.0) (minimum 1 datapoint for OK -> ALARM transition).",
    StateChangeTime: "2024-05-01T11:59:10.123+0000",
    Region: "US East (N. Virginia)",
    AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`,
    OldStateValue: "OK",
    OKActions: [`arn:aws:sns:${REGION}:${ACCOUNT}:watchkeeper-notifications`],
    AlarmActions: [`arn:aws:sns:${REGION}:${ACCOUNT}:watchkeeper-notifications`],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: "ApproximateNumberOfMessagesVisible",
      Namespace: "AWS/SQS",
      StatisticType: "Statistic",
      Statistic: "MAXIMUM",
      Unit: null,
      Dimensions: [{ value: "payments-dlq", name: "QueueName" }],
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: 0.0,
      TreatMissingData: "notBreaching",
      EvaluateLowSampleCountPercentile: "",
    },
    ...overrides,
  };
}

/** A Metrics Insights aggregate: SQS age of oldest message across every queue. */
export function snsInsightsMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const name = "watchkeeper-sqs-age-of-oldest-message";
  return snsAlarmMessage({
    AlarmName: name,
    AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`,
    AlarmDescription: "SQS messages waiting too long: ...",
    NewStateReason:
      "Threshold Crossed: 15 out of the last 15 datapoints [2520.0 (01/05/24 11:58:00), 2460.0 (01/05/24 11:57:00)] was greater than or equal to the threshold (1800.0).",
    Trigger: {
      Period: 60,
      EvaluationPeriods: 15,
      DatapointsToAlarm: 15,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      Threshold: 1800.0,
      TreatMissingData: "notBreaching",
      EvaluateLowSampleCountPercentile: "",
      Metrics: [
        {
          Expression:
            "SELECT MAX(ApproximateAgeOfOldestMessage) FROM SCHEMA(\"AWS/SQS\", QueueName) WHERE QueueName != 'payments-dlq' GROUP BY QueueName ORDER BY MAX() DESC LIMIT 500",
          Id: "q1",
          Label: "SQS messages waiting too long",
          Period: 60,
          ReturnData: true,
        },
      ],
    },
    ...overrides,
  });
}

export function snsRecord(message: unknown): Record<string, unknown> {
  return {
    EventSource: "aws:sns",
    EventVersion: "1.0",
    EventSubscriptionArn: `arn:aws:sns:${REGION}:${ACCOUNT}:watchkeeper-notifications:2f1c0b6e`,
    Sns: {
      Type: "Notification",
      MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
      TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:watchkeeper-notifications`,
      Subject: "ALARM: alarm in US East (N. Virginia)",
      Message: typeof message === "string" ? message : JSON.stringify(message),
      Timestamp: "2024-05-01T11:59:10.500Z",
      SignatureVersion: "1",
      MessageAttributes: {},
    },
  };
}

export function snsEvent(...messages: unknown[]): { Records: Record<string, unknown>[] } {
  return { Records: messages.map(snsRecord) };
}

/** EventBridge "CloudWatch Alarm State Change" (CloudWatch user guide example shape). */
export function alarmStateChangeEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const name = "watchkeeper-lambda-errors-payments-consumer";
  return {
    version: "0",
    id: "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: ACCOUNT,
    time: "2024-05-01T11:59:10Z",
    region: REGION,
    resources: [`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`],
    detail: {
      alarmName: name,
      configuration: {
        description: "Lambda errors: ...",
        metrics: [
          {
            id: "30b6c6b2-a864-43a2-4877-c09a1afc3b87",
            metricStat: {
              metric: {
                dimensions: { FunctionName: "payments-consumer" },
                name: "Errors",
                namespace: "AWS/Lambda",
              },
              period: 60,
              stat: "Sum",
            },
            returnData: true,
          },
        ],
      },
      previousState: {
        reason:
          "Threshold Crossed: 3 out of the last 3 datapoints [0.0 (01/05/24 11:50:00)] was not greater than the threshold (0.0).",
        timestamp: "2024-05-01T11:51:10.987+0000",
        value: "OK",
      },
      state: {
        reason:
          "Threshold Crossed: 3 out of the last 3 datapoints [4.0 (01/05/24 11:58:00), 6.0 (01/05/24 11:57:00), 5.0 (01/05/24 11:56:00)] was greater than the threshold (0.0).",
        reasonData:
          '{"version":"1.0","queryDate":"2024-05-01T11:59:10.985+0000","startDate":"2024-05-01T11:56:00.000+0000","statistic":"Sum","period":60,"recentDatapoints":[5.0,6.0,4.0],"threshold":0.0}',
        timestamp: "2024-05-01T11:59:10.989+0000",
        value: "ALARM",
      },
    },
    ...overrides,
  };
}
