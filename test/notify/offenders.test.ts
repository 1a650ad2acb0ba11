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
  it("ranks the functions behind the account-wide Lambda Errors alarm (sample account)", async () => {
    const sim = sampleAccount();
    const aws = simulatedAws(sim);
    destroy.push(() => aws.destroy());
    const errors = change(
      snsAlarmMessage({
        AlarmName: "watchkeeper-lambda-errors",
        AlarmArn: `arn:aws:cloudwatch:${sim.region}:${sim.accountId}:alarm:watchkeeper-lambda-errors`,
        StateChangeTime: at(sim),
        NewStateReason:
          "Threshold Crossed: 3 out of the last 3 datapoints [14.0 (x)] was greater than the threshold (0.0).",
        Trigger: {
          MetricName: "Errors",
          Namespace: "AWS/Lambda",
          Statistic: "SUM",
          Dimensions: [],
          Period: 60,
          EvaluationPeriods: 3,
          ComparisonOperator: "GreaterThanThreshold",
          Threshold: 0,
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
    expect(JSON.stringify(message.blocks)).toContain(
      "Clickstream-processor had 36 errors in the last 5 min (threshold: more than 0); 3 more listed below",
    );
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
