/** DynamoDB: read and write throttle events per table. */
import type { DynamoDbTable } from "../../lib/inventory/types.js";
import {
  count,
  howShown,
  perResourceWidgets,
  RECOMMENDED_ALARMS,
  sectionHeader,
  shown,
  type DashboardMetric,
  type ServiceSection,
} from "./section.js";

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

export const dynamoDbSection: ServiceSection = {
  id: "dynamodb",
  title: "DynamoDB",
  blocks(context) {
    const tables = shown(context.index.ofKind("dynamodb-table"));
    if (tables.length === 0) return [];
    return [
      {
        widgets: [
          sectionHeader(
            "DynamoDB",
            `${count(tables.length, "table")} (${howShown(context, tables.length)}).`,
          ),
          ...perResourceWidgets<DynamoDbTable>(context, {
            metrics: DYNAMODB_METRICS_SHOWN,
            resources: tables,
            target: (table) => ({
              label: table.name,
              dimensions: [{ name: "TableName", value: table.name }],
            }),
            // Table-level series only: index-level ones also carry GlobalSecondaryIndexName.
            schema: ["TableName"],
            groupBy: ["TableName"],
            noun: "tables",
          }),
        ],
      },
    ];
  },
};
