/** Kinesis Data Streams: consumer lag (iterator age) and provisioned-throughput throttling. */
import { kindSection, RECOMMENDED_ALARMS, type DashboardMetric } from "./section.js";

const NAMESPACE = "AWS/Kinesis";

export const KINESIS_METRICS_SHOWN: readonly DashboardMetric[] = [
  {
    namespace: NAMESPACE,
    metricName: "GetRecords.IteratorAgeMilliseconds",
    stat: "Maximum",
    insights: "MAX",
    title: "Iterator age (Maximum)",
    source: `${RECOMMENDED_ALARMS} — Kinesis GetRecords.IteratorAgeMilliseconds (Maximum, 60 s)`,
  },
  {
    namespace: NAMESPACE,
    metricName: "ReadProvisionedThroughputExceeded",
    stat: "Average",
    insights: "AVG",
    title: "Read throughput exceeded (Average)",
    source: `${RECOMMENDED_ALARMS} — Kinesis ReadProvisionedThroughputExceeded (Average, 60 s)`,
  },
  {
    namespace: NAMESPACE,
    metricName: "WriteProvisionedThroughputExceeded",
    stat: "Average",
    insights: "AVG",
    title: "Write throughput exceeded (Average)",
    source: `${RECOMMENDED_ALARMS} — Kinesis WriteProvisionedThroughputExceeded (Average, 60 s)`,
  },
];

export const kinesisSection = kindSection({
  id: "kinesis",
  title: "Kinesis",
  kind: "kinesis-stream",
  singular: "stream",
  noun: "streams",
  metrics: KINESIS_METRICS_SHOWN,
  target: (stream) => ({ label: stream.name, dimensions: [{ name: "StreamName", value: stream.name }] }),
  schema: ["StreamName"],
  groupBy: ["StreamName"],
});
