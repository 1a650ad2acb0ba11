/**
 * Links into the CloudWatch console: the alarm's page, and its metric in the metrics explorer. The
 * explorer reads its graph from the URL fragment in JSURL, the compact JSON encoding the console
 * itself writes (`~(metrics~(~(~'AWS*2fSQS~'ApproximateAgeOfOldestMessage~'QueueName~'orders))~region~'us-east-1)`).
 */
import type { AlarmStateChange } from "./types.js";

/** The console host of the alarm's partition. */
function consoleBase(change: AlarmStateChange): string {
  const partition = change.alarmArn?.split(":")[1] ?? "aws";
  const host =
    partition === "aws-cn"
      ? "console.amazonaws.cn"
      : partition === "aws-us-gov"
        ? "console.amazonaws-us-gov.com"
        : `${change.region}.console.aws.amazon.com`;
  return `https://${host}/cloudwatch/home?region=${change.region}`;
}

export function alarmConsoleUrl(change: AlarmStateChange): string {
  return `${consoleBase(change)}#alarmsV2:alarm/${encodeURIComponent(change.alarmName)}`;
}

/** The alarm's metric (or its Metrics Insights query) graphed over the last 3 hours, or undefined without one. */
export function metricConsoleUrl(change: AlarmStateChange): string | undefined {
  const { metric, queries } = change.trigger;
  const period = change.trigger.period ?? metric?.period ?? 60;
  let metrics: unknown[];
  if (metric) {
    const line: unknown[] = [metric.namespace, metric.metricName];
    for (const d of metric.dimensions) line.push(d.name, d.value);
    line.push({ stat: metric.statistic ?? "Average", period });
    metrics = [line];
  } else {
    const shown = (queries ?? []).filter((q) => q.returnData && q.expression);
    if (shown.length === 0) return undefined;
    metrics = shown.map((q) => [
      { expression: q.expression, label: q.label ?? q.id, id: q.id, period: q.period ?? period },
    ]);
  }
  const graph = {
    view: "timeSeries",
    stacked: false,
    metrics,
    region: change.region,
    start: "-PT3H",
    end: "P0D",
    period,
  };
  return `${consoleBase(change)}#metricsV2:graph=${jsurl(graph)}`;
}

/** JSURL (github.com/Sage/jsurl) stringify: what the console's `graph=` fragment holds. */
export function jsurl(value: unknown): string {
  if (value === null || value === undefined) return "~null";
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) ? `~${String(value).replace(/\+/g, "")}` : "~null";
    case "boolean":
      return `~${value}`;
    case "string":
      return `~'${encodeJsurl(value)}`;
    default:
      if (Array.isArray(value)) return `~(${value.map(jsurl).join("") || "~"})`;
      return `~(${Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${encodeJsurl(k)}${jsurl(v)}`)
        .join("~")})`;
  }
}

function encodeJsurl(text: string): string {
  return text.replace(/[^\w\-.]/g, (ch) => {
    if (ch === "$") return "!";
    const code = ch.charCodeAt(0);
    return code < 0x100
      ? `*${code.toString(16).padStart(2, "0")}`
      : `**${code.toString(16).padStart(4, "0")}`;
  });
}
