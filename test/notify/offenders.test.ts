/**
 * Top offenders through real SDK clients against lib/sim, whose GetMetricData runs the Metrics Insights
 * subset Watchkeeper writes (SELECT FN(metric) FROM SCHEMA(...) WHERE ... GROUP BY ... ORDER BY ... LIMIT).
 * moto is not used here: its GetMetricData does not run Metrics Insights queries.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  buildAlarmMessage,
  offendersQuery,
  parseAlarmNotification,
  topOffenders,
  type AlarmStateChange,
} from "../../lib/notify/index.js";
import { SimAccount, sampleAccount, simulatedAws } from "../../lib/sim/index.js";
import { expectValidBlockKit, snsAlarmMessage, snsInsightsMessage } from "./fixtures.js";

function change(input: unknown): AlarmStateChange {
  const parsed = parseAlarmNotification(input);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.change;
}

const at = (sim: SimAccount) => new Date(sim.clock.now()).toISOString().replace("Z", "+0000");

const destroy: (() => void)[] = [];
afterEach(() => destroy.splice(0).forEach((d) => d()));

describe("topOffenders", () => {
  it("ranks the functions behind the per-function Lambda Errors query, from its own query (sample account)", async () => {
    const sim = sampleAccount();
    const aws = simulatedAws(sim);
    destroy.push(() => aws.destroy());
    // What CloudWatch sends for one contributor of the Metrics Insights alarm lib/alarms plans.
    const errors = change(
      snsAlarmMessage({
        AlarmName: "watchkeeper-lambda-errors",
        AlarmArn: `arn:aws:cloudwatch:${sim.region}:${sim.accountId}:alarm:watchkeeper-lambda-errors`,
        AlarmDescription: "Lambda errors: ...",
        StateChangeTime: at(sim),
        NewStateReason:
          "Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (0.0).",
        AlarmContributorId: "FunctionName=clickstream-processor",
        AlarmContributorAttributes: { FunctionName: "clickstream-processor" },
        Trigger: {
          EvaluationPeriods: 3,
          DatapointsToAlarm: 3,
          ComparisonOperator: "GreaterThanThreshold",
          Threshold: 0,
          TreatMissingData: "notBreaching",
          EvaluateLowSampleCountPercentile: "",
          Metrics: [
            {
              Id: "q1",
              Expression:
                'SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 500',
              Label: "Lambda errors",
              Period: 60,
              ReturnData: true,
            },
          ],
        },
      }),
    );
    expect(offendersQuery(errors)?.query).toBe(
      'SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 5',
    );
    const top = await topOffenders(aws, errors);
    // The sample emits 9, 4, 1 and 0 errors a minute, one datapoint a minute up to a minute before the
    // change; the 5-minute window ends with the change's minute, so it holds the last 4 of them.
    expect(top).toMatchObject({ dimension: "FunctionName", function: "SUM", windowSeconds: 300 });
    expect(top?.offenders).toEqual([
      { name: "clickstream-processor", value: 36 },
      { name: "payments-consumer", value: 16 },
      { name: "orders-create", value: 4 },
      { name: "orders-get", value: 0 },
    ]);
    expect(sim.statsFor("cloudwatch", "GetMetricData").calls).toBe(1);

    const message = buildAlarmMessage(errors, { offenders: top! });
    expectValidBlockKit(message);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain(
      "Clickstream-processor had 36 errors in the last 5 min (threshold: more than 0); 3 more listed below",
    );
    // The contributor is the message's resource.
    expect(text).toContain(
      "*Resource*\\n`clickstream-processor`\\narn:aws:lambda:us-east-1:123456789012:function:clickstream-processor",
    );
    expect(text).toContain(
      "*Top offenders* by FunctionName (SUM over the last 5 min)\\n1. `clickstream-processor` — 36\\n2. `payments-consumer` — 16",
    );
  });

  it("ranks the functions behind a dimensionless account metric by the same metric per function", async () => {
    const sim = sampleAccount();
    const aws = simulatedAws(sim);
    destroy.push(() => aws.destroy());
    // ConcurrentExecutions (lambda-concurrent-executions) is published per function too.
    const peaks: Record<string, number> = {
      "orders-create": 700,
      "payments-consumer": 150,
      "orders-get": 40,
    };
    for (let minute = 10; minute >= 1; minute--) {
      for (const [name, peak] of Object.entries(peaks)) {
        sim.emitMetric({
          namespace: "AWS/Lambda",
          metricName: "ConcurrentExecutions",
          dimensions: { FunctionName: name },
          values: [peak - minute],
          timestamp: sim.clock.now() - minute * 60_000,
        });
      }
    }
    const concurrency = change(
      snsAlarmMessage({
        AlarmName: "watchkeeper-lambda-concurrent-executions",
        AlarmArn: `arn:aws:cloudwatch:${sim.region}:${sim.accountId}:alarm:watchkeeper-lambda-concurrent-executions`,
        AlarmDescription: "Lambda concurrent executions near the limit: ...",
        StateChangeTime: at(sim),
        NewStateReason:
          "Threshold Crossed: 10 out of the last 10 datapoints [950.0 (x)] were greater than the threshold (900.0).",
        Trigger: {
          MetricName: "ConcurrentExecutions",
          Namespace: "AWS/Lambda",
          StatisticType: "Statistic",
          Statistic: "MAXIMUM",
          Dimensions: [],
          Period: 60,
          EvaluationPeriods: 10,
          ComparisonOperator: "GreaterThanThreshold",
          Threshold: 900,
        },
      }),
    );
    const top = await topOffenders(aws, concurrency, { limit: 2 });
    expect(top).toMatchObject({
      query:
        'SELECT MAX(ConcurrentExecutions) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY MAX() DESC LIMIT 2',
      dimension: "FunctionName",
      function: "MAX",
      windowSeconds: 600,
    });
    expect(top?.offenders).toEqual([
      { name: "orders-create", value: 699 },
      { name: "payments-consumer", value: 149 },
    ]);
  });

  it("re-sorts a Metrics Insights alarm's own query, keeping its exclusions", async () => {
    const sim = new SimAccount();
    const aws = simulatedAws(sim);
    destroy.push(() => aws.destroy());
    const ages: Record<string, number> = {
      orders: 2520,
      invoices: 1900,
      emails: 100,
      "payments-dlq": 999_999,
    };
    for (let minute = 20; minute >= 1; minute--) {
      for (const [queue, age] of Object.entries(ages)) {
        sim.emitMetric({
          namespace: "AWS/SQS",
          metricName: "ApproximateAgeOfOldestMessage",
          dimensions: { QueueName: queue },
          values: [age - minute],
          timestamp: sim.clock.now() - minute * 60_000,
        });
      }
    }
    const aggregate = change(snsInsightsMessage({ StateChangeTime: at(sim) }));
    const top = await topOffenders(aws, aggregate, { limit: 2 });
    expect(top?.query).toBe(
      "SELECT MAX(ApproximateAgeOfOldestMessage) FROM SCHEMA(\"AWS/SQS\", QueueName) WHERE QueueName != 'payments-dlq' GROUP BY QueueName ORDER BY MAX() DESC LIMIT 2",
    );
    expect(top?.windowSeconds).toBe(900);
    expect(top?.offenders).toEqual([
      { name: "orders", value: 2519 },
      { name: "invoices", value: 1899 },
    ]);
  });

  it("has nothing to rank for an alarm on one resource", async () => {
    const sim = new SimAccount();
    const aws = simulatedAws(sim);
    destroy.push(() => aws.destroy());
    expect(await topOffenders(aws, change(snsAlarmMessage()))).toBeUndefined();
    expect(sim.statsFor("cloudwatch", "GetMetricData").calls).toBe(0);
  });
});
