/**
 * The alarm data check over the real wire: ListMetrics against moto (real SDK clients, HTTP, query protocol
 * and paging), then the pure check. The series are put with PutMetricData in DynamoDB's shape for SystemErrors
 * ([Operation, TableName]), as DynamoDB publishes them; moto lists what was put.
 */
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { beforeAll, describe, expect, it } from "vitest";
import { lintAlarmData, alarmMetricNames } from "../../lib/alarms/lint.js";
import type { AlarmSpec } from "../../lib/alarms/spec.js";
import { listMetrics } from "../../lib/metrics/listed.js";
import { motoAws } from "../moto/moto.js";
import { TEST_ALARM } from "./fixtures.js";

const REGION = "ap-southeast-1";

function perTable(name: string, metricName: string, table: string): AlarmSpec {
  return {
    ...TEST_ALARM,
    name,
    metric: {
      namespace: "AWS/DynamoDB",
      metricName,
      dimensions: [{ name: "TableName", value: table }],
      statistic: "Sum",
      period: 60,
    },
    origin: {
      entryId: name,
      level: "individual",
      metricsAnalyzed: 1,
      highResolution: false,
      usesMetricsInsights: false,
    },
  };
}

describe("alarm data check against moto", () => {
  const aws = motoAws(REGION);

  beforeAll(async () => {
    const client = aws.client(CloudWatchClient);
    const now = new Date();
    // More than one ListMetrics page (500 sets) of SystemErrors: the listing pages through them all.
    const operations = ["GetItem", "PutItem", "Query", "Scan", "UpdateItem", "DeleteItem"];
    const tables = Array.from({ length: 90 }, (_, i) => `table-${String(i).padStart(2, "0")}`);
    const data = tables.flatMap((table) =>
      operations.map((operation) => ({
        MetricName: "SystemErrors",
        Dimensions: [
          { Name: "TableName", Value: table },
          { Name: "Operation", Value: operation },
        ],
        Value: 1,
        Timestamp: now,
      })),
    );
    // 20 a call: moto answers an error page to larger batches (AWS takes 1,000).
    for (let i = 0; i < data.length; i += 20)
      await client.send(
        new PutMetricDataCommand({ Namespace: "AWS/DynamoDB", MetricData: data.slice(i, i + 20) }),
      );
    await client.send(
      new PutMetricDataCommand({
        Namespace: "AWS/DynamoDB",
        MetricData: [
          {
            MetricName: "ReadThrottleEvents",
            Dimensions: [{ Name: "TableName", Value: "table-00" }],
            Value: 2,
            Timestamp: now,
          },
        ],
      }),
    );
  });

  it("catches SystemErrors on [TableName] alone, passes the table-level metric, and pages ListMetrics", async () => {
    const specs = [
      perTable("system-errors-table-00", "SystemErrors", "table-00"),
      perTable("read-throttles-table-00", "ReadThrottleEvents", "table-00"),
      perTable("read-throttles-table-01", "ReadThrottleEvents", "table-01"),
    ];
    const listed = await listMetrics(aws, alarmMetricNames(specs));
    expect(listed.unread).toEqual(new Map());
    expect(listed.metrics.get("AWS/DynamoDB SystemErrors")).toHaveLength(540);
    expect(listed.calls).toBeGreaterThanOrEqual(3);
    const check = lintAlarmData(specs, listed);
    expect(check.counts).toEqual({ fine: 1, never: 1, "no-data-yet": 1, unknown: 0 });
    expect(check.findings[0]).toMatchObject({
      alarm: "system-errors-table-00",
      status: "never",
      reason:
        "AWS/DynamoDB SystemErrors is published for table-00 only with [Operation, TableName], not [TableName]: " +
        "the alarm can never receive data; it would stay OK whatever happens",
    });
    // table-01 publishes SystemErrors but had no throttling: quiet, not impossible.
    expect(check.findings[1]).toMatchObject({
      alarm: "read-throttles-table-01",
      status: "no-data-yet",
      cause: "metric-quiet",
    });
  });
});
