/**
 * previewAlarmMessage: what `watchkeeper notify preview --alarm <name>` prints, read from lib/sim's
 * sample account with DescribeAlarms and the alarm's tags.
 */
import { afterAll, describe, expect, it } from "vitest";
import { previewAlarmMessage, validateBlockKit } from "../../lib/notify/index.js";
import { sampleAccount, simulatedAws } from "../../lib/sim/index.js";

const sim = sampleAccount();
const aws = simulatedAws(sim);
afterAll(() => aws.destroy());

describe("previewAlarmMessage", () => {
  it("renders an existing alarm in its current state", async () => {
    const preview = await previewAlarmMessage(aws, "orders-api-5xx");
    expect(preview.change).toMatchObject({ source: "describe-alarms", state: "OK", region: sim.region });
    expect(preview.alarmTags).toEqual({ team: "orders" });
    expect(validateBlockKit(preview.message)).toEqual([]);
    expect(JSON.stringify(preview.message.blocks)).toContain(
      ":white_check_mark: Resolved · OK · orders-api-5xx",
    );
  });

  it("renders it as another state, with the buttons that state gets", async () => {
    // The aggregate as lib/alarms writes it: a Metrics Insights query grouped by function.
    sim.addAlarm({
      AlarmName: "watchkeeper-lambda-errors",
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
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
      Tags: [
        { Key: "watchkeeper:managed", Value: "true" },
        { Key: "watchkeeper:alarm", Value: "lambda-errors" },
        { Key: "watchkeeper:level", Value: "aggregate" },
      ],
      state: "OK",
    });
    const preview = await previewAlarmMessage(aws, "watchkeeper-lambda-errors", { state: "ALARM" });
    expect(preview.change).toMatchObject({ state: "ALARM", previousState: "OK" });
    expect(preview.identity).toMatchObject({ level: "aggregate", title: "Lambda errors" });
    // Its offenders come from its own query, re-sorted.
    expect(preview.offenders?.query).toBe(
      'SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 5',
    );
    expect(preview.offenders?.offenders[0]?.name).toBe("clickstream-processor");
    expect(validateBlockKit(preview.message)).toEqual([]);
    const text = JSON.stringify(preview.message.blocks);
    expect(text).toContain(":red_circle: High · ALARM · Lambda errors");
    expect(text).toContain("watchkeeper:alarm-silence");
  });

  it("names the alarm it cannot find", async () => {
    await expect(previewAlarmMessage(aws, "no-such-alarm")).rejects.toThrow(
      `no metric alarm named no-such-alarm in ${sim.region}`,
    );
  });
});
