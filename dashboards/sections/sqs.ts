/**
 * SQS: age of the oldest message and depth of the work queues, then the depth of every dead-letter
 * queue (any message in a DLQ is a failure, so DLQs are always drawn one by one, in tables when many).
 */
import type { SqsQueue } from "../../lib/inventory/types.js";
import { chunks } from "../split.js";
import { metricWidget, type MetricRef, type Widget } from "../widgets.js";
import {
  count,
  howShown,
  perResourceWidgets,
  PERIOD_SECONDS,
  RECOMMENDED_ALARMS,
  sectionHeader,
  shown,
  type Block,
  type DashboardMetric,
  type SectionContext,
  type ServiceSection,
} from "./section.js";

const NAMESPACE = "AWS/SQS";

export const SQS_METRICS_SHOWN: readonly DashboardMetric[] = [
  {
    namespace: NAMESPACE,
    metricName: "ApproximateAgeOfOldestMessage",
    stat: "Maximum",
    insights: "MAX",
    title: "Age of oldest message (Maximum)",
    source: `${RECOMMENDED_ALARMS} — SQS ApproximateAgeOfOldestMessage (Maximum, 60 s)`,
  },
  {
    namespace: NAMESPACE,
    metricName: "ApproximateNumberOfMessagesVisible",
    stat: "Maximum",
    insights: "MAX",
    title: "Messages visible (Maximum)",
    source: `${RECOMMENDED_ALARMS} — SQS ApproximateNumberOfMessagesVisible (Maximum, 60 s)`,
  },
];

const DLQ_DEPTH = SQS_METRICS_SHOWN[1]!;

/** Rows in one DLQ table widget: readable, and far below the 500 metrics a widget may hold. */
export const DLQ_TABLE_ROWS = 100;

const queueTarget = (queue: SqsQueue) => ({
  label: queue.name,
  dimensions: [{ name: "QueueName", value: queue.name }],
});

const dlqMetric = (queue: SqsQueue): MetricRef => ({
  namespace: DLQ_DEPTH.namespace,
  metricName: DLQ_DEPTH.metricName,
  dimensions: queueTarget(queue).dimensions,
});

const DLQ_TITLE = "Dead-letter queues: messages visible (Maximum)";

/** Few DLQs: one graph. Many: tables of up to DLQ_TABLE_ROWS queues with their maximum, one row per DLQ. */
function dlqWidgets(context: SectionContext, dlqs: readonly SqsQueue[]): Widget[] {
  if (dlqs.length <= context.explicitThreshold) {
    return [
      metricWidget({
        title: DLQ_TITLE,
        region: context.region,
        stat: DLQ_DEPTH.stat,
        period: PERIOD_SECONDS,
        width: 24,
        metrics: dlqs.map(dlqMetric),
      }),
    ];
  }
  const tables = chunks(dlqs, Math.min(DLQ_TABLE_ROWS, context.limits.metricsPerWidget));
  return tables.map((chunk, i) =>
    metricWidget({
      title: tables.length === 1 ? DLQ_TITLE : `${DLQ_TITLE}, ${i + 1}/${tables.length}`,
      region: context.region,
      stat: DLQ_DEPTH.stat,
      period: PERIOD_SECONDS,
      view: "table",
      table: {
        layout: "horizontal",
        showTimeSeriesData: false,
        stickySummary: true,
        summaryColumns: ["MAX"],
      },
      width: 24,
      height: Math.min(12, 3 + Math.ceil(chunk.length / 10)),
      metrics: chunk.map(dlqMetric),
    }),
  );
}

export const sqsSection: ServiceSection = {
  id: "sqs",
  title: "SQS",
  kinds: ["sqs-queue"],
  blocks(context) {
    const queues = shown(context.index.ofKind("sqs-queue"));
    if (queues.length === 0) return [];
    const dlqs = queues.filter((q) => context.index.isDlq(q.arn));
    const work = queues.filter((q) => !context.index.isDlq(q.arn));
    const summary =
      `${count(work.length, "queue")} (${howShown(context, work.length)}), ` +
      `${count(dlqs.length, "dead-letter queue")} (each drawn).`;
    const head = [
      sectionHeader("SQS", summary),
      ...perResourceWidgets<SqsQueue>(context, {
        metrics: SQS_METRICS_SHOWN,
        resources: work,
        target: queueTarget,
        schema: ["QueueName"],
        groupBy: ["QueueName"],
        noun: "queues",
      }),
    ];
    const dlq = dlqs.length > 0 ? dlqWidgets(context, dlqs) : [];
    // Few DLQs share the section's block; many get a block per table so a split can move them apart.
    if (dlq.length <= 1) return [{ widgets: [...head, ...dlq] }];
    return [{ widgets: head }, ...dlq.map((widget): Block => ({ widgets: [widget] }))];
  },
};
