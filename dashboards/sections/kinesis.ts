/** Kinesis Data Streams: consumer lag (iterator age) and provisioned-throughput throttling. */
import type { KinesisStream } from "../../lib/inventory/types.js";
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

export const kinesisSection: ServiceSection = {
  id: "kinesis",
  title: "Kinesis",
  blocks(context) {
    const streams = shown(context.index.ofKind("kinesis-stream"));
    if (streams.length === 0) return [];
    return [
      {
        widgets: [
          sectionHeader(
            "Kinesis",
            `${count(streams.length, "stream")} (${howShown(context, streams.length)}).`,
          ),
          ...perResourceWidgets<KinesisStream>(context, {
            metrics: KINESIS_METRICS_SHOWN,
            resources: streams,
            target: (stream) => ({
              label: stream.name,
              dimensions: [{ name: "StreamName", value: stream.name }],
            }),
            schema: ["StreamName"],
            groupBy: ["StreamName"],
            noun: "streams",
          }),
        ],
      },
    ];
  },
};
