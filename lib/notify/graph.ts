/**
 * An inline graph of the alarm's metric: GetMetricWidgetImage renders the last 3 hours with the
 * threshold as a line, as a PNG that the bot uploads into the alarm's thread.
 */
import { CloudWatchClient, GetMetricWidgetImageCommand } from "@aws-sdk/client-cloudwatch";
import type { Aws } from "../aws/clients.js";
import type { AlarmStateChange } from "./types.js";

/** The widget JSON (CloudWatch "Metric widget structure"), or undefined when the alarm has no metric to draw. */
export function metricWidget(change: AlarmStateChange, title: string): string | undefined {
  const { metric, queries, threshold } = change.trigger;
  const period = change.trigger.period ?? metric?.period ?? 60;
  let metrics: unknown[];
  if (metric) {
    const line: unknown[] = [metric.namespace, metric.metricName];
    for (const d of metric.dimensions) line.push(d.name, d.value);
    line.push({ stat: metric.statistic ?? "Average" });
    metrics = [line];
  } else {
    const shown = (queries ?? []).filter((q) => q.returnData && q.expression);
    if (shown.length === 0) return undefined;
    metrics = shown.map((q) => [{ expression: q.expression, label: q.label ?? q.id, id: q.id }]);
  }
  return JSON.stringify({
    title: title.slice(0, 200),
    metrics,
    period,
    start: "-PT3H",
    end: "P0D",
    width: 800,
    height: 300,
    ...(threshold !== undefined
      ? { annotations: { horizontal: [{ label: "Threshold", value: threshold }] } }
      : {}),
  });
}

export async function metricGraph(
  aws: Aws,
  change: AlarmStateChange,
  title: string,
): Promise<Uint8Array | undefined> {
  const widget = metricWidget(change, title);
  if (!widget) return undefined;
  const answer = await aws
    .client(CloudWatchClient)
    .send(new GetMetricWidgetImageCommand({ MetricWidget: widget, OutputFormat: "png" }));
  return answer.MetricWidgetImage;
}
