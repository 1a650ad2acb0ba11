/**
 * The notifier on a notification CloudWatch's evaluation produced: a DLQ alarm on the sample account goes
 * to ALARM because messages arrive in payments-dlq (the metric, evaluated), and the SNS message the account
 * recorded for its action goes through functions/notifier.ts to the Slack stand-in; then OK when the DLQ
 * is drained.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createNotifierHandler } from "../../functions/notifier.js";
import type { Aws } from "../../lib/aws/index.js";
import { SlackStandIn, validateBlockKit, type SlackMessage } from "../../lib/notify/index.js";
import { sampleAccount, simulatedAws, type SimAccount } from "../../lib/sim/index.js";
import { ACCOUNT, FakeClock, REGION, captureLogger, snsEvent } from "./fixtures.js";

const MINUTE = 60_000;
const ALARM = "watchkeeper-sqs-dlq-messages-visible-payments-dlq";

let sim: SimAccount;
let aws: Aws;
let standIn: SlackStandIn;

beforeEach(async () => {
  sim = sampleAccount();
  aws = simulatedAws(sim);
  standIn = await SlackStandIn.start();
});
afterEach(async () => {
  aws.destroy();
  await standIn.close();
});

/** The DLQ alarm as lib/alarms writes it, notifying the topic the notifier subscribes to. */
function addDlqAlarm(): string {
  const topicArn = sim.addTopic({ name: "watchkeeper-notifications" }).arn;
  sim.addAlarm({
    AlarmName: ALARM,
    AlarmDescription: "Messages in a dead-letter queue",
    Namespace: "AWS/SQS",
    MetricName: "ApproximateNumberOfMessagesVisible",
    Dimensions: [{ Name: "QueueName", Value: "payments-dlq" }],
    Statistic: "Maximum",
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: "GreaterThanThreshold",
    TreatMissingData: "notBreaching",
    AlarmActions: [topicArn],
    OKActions: [topicArn],
    Tags: [
      { Key: "watchkeeper:managed", Value: "true" },
      { Key: "watchkeeper:alarm", Value: "sqs-dlq-messages-visible" },
      { Key: "watchkeeper:level", Value: "individual" },
      { Key: "watchkeeper:runbook", Value: "https://example.com/runbooks/sqs-dlq-messages-visible.md" },
      { Key: "watchkeeper:resource", Value: sim.arns.of("sqs", "payments-dlq") },
    ],
  });
  return topicArn;
}

/** SQS reports the DLQ's depth each minute for `minutes` minutes. */
function dlqDepth(depth: number, minutes: number): void {
  for (let minute = 0; minute < minutes; minute++) {
    sim.emitMetric({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "payments-dlq" },
      values: [depth],
    });
    sim.advanceTime(MINUTE);
  }
}

function notifier() {
  const handle = createNotifierHandler({
    aws: () => aws,
    logger: captureLogger().logger,
    config: () => ({ secretId: "watchkeeper/slack", routing: {}, graphs: false }),
    secrets: async () => ({ webhookUrl: standIn.webhookUrl() }),
    slackOptions: { clock: new FakeClock() },
  });
  const context = {
    getRemainingTimeInMillis: () => 60_000,
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:watchkeeper-notifier`,
  };
  return (event: unknown) => handle(event, context);
}

const blocksOf = (index: number) =>
  JSON.stringify((standIn.delivered()[index]?.body as unknown as SlackMessage | undefined)?.blocks);

describe("notifier on an evaluated alarm", () => {
  it("posts the ALARM that messages in payments-dlq caused, then its OK when the DLQ is drained", async () => {
    const topicArn = addDlqAlarm();
    const handle = notifier();

    dlqDepth(3, 2);
    sim.evaluateAlarms();
    const ours = () => sim.notifications.filter((n) => n.alarmName === ALARM);
    expect(ours().map((n) => [n.topicArn, n.newState, n.outcome])).toEqual([
      [topicArn, "ALARM", "delivered"],
    ]);
    expect(await handle(snsEvent(ours()[0]!.message))).toMatchObject({ rejected: 0, delivered: [{}] });

    const posted = standIn.delivered().length - 1;
    expect(validateBlockKit(standIn.delivered()[posted]?.body as unknown as SlackMessage)).toEqual([]);
    const text = blocksOf(posted);
    expect(text).toContain(":rotating_light: Critical · ALARM · Messages in a dead-letter queue");
    expect(text).toContain(sim.arns.of("sqs", "payments-dlq"));
    expect(text).toContain("https://example.com/runbooks/sqs-dlq-messages-visible.md|Runbook");
    expect(text).toContain("was greater than the threshold (0.0)");

    dlqDepth(0, 1);
    expect(sim.evaluateAlarms().transitions.filter((t) => t.alarmName === ALARM)).toMatchObject([
      { from: "ALARM", to: "OK" },
    ]);
    const ok = ours().at(-1)!;
    expect(ok).toMatchObject({ oldState: "ALARM", newState: "OK", outcome: "delivered" });
    await handle(snsEvent(ok.message));
    expect(blocksOf(standIn.delivered().length - 1)).toContain(
      ":white_check_mark: Resolved · OK · Messages in a dead-letter queue",
    );
  });
});
