/** DynamoDB: read and write throttle events per table. */
import { kindSection, RECOMMENDED_ALARMS, type DashboardMetric } from "./section.js";

const NAMESPACE = "AWS/DynamoDB";

export const DYNAMODB_METRICS_SHOWN: readonly DashboardMetric[] = (["Read", "Write"] as const).map(
  (direction) => ({
    namespace: NAMESPACE,
    metricName: `${direction}ThrottleEvents`,
    stat: "Sum",
    insights: "SUM",
    title: `${direction} throttle events (Sum)`,
    source: `${RECOMMENDED_ALARMS} — DynamoDB ${direction}ThrottleEvents (Sum, 60 s)`,
  }),
);

export const dynamoDbSection = kindSection({
  id: "dynamodb",
  title: "DynamoDB",
  kind: "dynamodb-table",
  singular: "table",
  noun: "tables",
  metrics: DYNAMODB_METRICS_SHOWN,
  target: (table) => ({ label: table.name, dimensions: [{ name: "TableName", value: table.name }] }),
  // Table-level series only: index-level ones also carry GlobalSecondaryIndexName.
  schema: ["TableName"],
  groupBy: ["TableName"],
});
