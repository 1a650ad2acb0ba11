/**
 * Lambda: account-wide invocations, errors, throttles, p99 duration and concurrency against the account
 * limit (Lambda publishes these without dimensions), then the same per function.
 */
import type { LambdaFunction } from "../../lib/inventory/types.js";
import { metricWidget, type HorizontalAnnotation, type Widget } from "../widgets.js";
import {
  count,
  howShown,
  perResourceWidgets,
  PERIOD_SECONDS,
  RECOMMENDED_ALARMS,
  sectionHeader,
  shown,
  type DashboardMetric,
  type ServiceSection,
} from "./section.js";

const NAMESPACE = "AWS/Lambda";
const LAMBDA_METRICS = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html";

/** The alarm catalog alarms on concurrency above this fraction of the account limit. */
export const CONCURRENCY_WARNING_FRACTION = 0.9;

export const LAMBDA_METRICS_SHOWN: readonly DashboardMetric[] = [
  {
    namespace: NAMESPACE,
    metricName: "Invocations",
    stat: "Sum",
    insights: "SUM",
    title: "Invocations (Sum)",
    source: LAMBDA_METRICS,
  },
  {
    namespace: NAMESPACE,
    metricName: "Errors",
    stat: "Sum",
    insights: "SUM",
    title: "Errors (Sum)",
    source: `${RECOMMENDED_ALARMS} — Lambda Errors (Sum, 60 s)`,
  },
  {
    namespace: NAMESPACE,
    metricName: "Throttles",
    stat: "Sum",
    insights: "SUM",
    title: "Throttles (Sum)",
    source: `${RECOMMENDED_ALARMS} — Lambda Throttles (Sum, 60 s)`,
  },
  {
    namespace: NAMESPACE,
    metricName: "Duration",
    stat: "p99",
    insights: "MAX",
    title: "Duration (p99)",
    source: `${LAMBDA_METRICS} (percentiles); the top-N query ranks by Maximum, Metrics Insights has no percentiles`,
  },
];

function accountWidgets(region: string, functions: number, limit: number | undefined): Widget[] {
  const annotations: HorizontalAnnotation[] =
    limit === undefined
      ? []
      : [
          { value: limit, label: `Account limit (${limit})`, color: "#d62728" },
          {
            value: Math.round(limit * CONCURRENCY_WARNING_FRACTION),
            label: `${CONCURRENCY_WARNING_FRACTION * 100} % of the limit`,
            color: "#ff7f0e",
          },
        ];
  const scope = functions === 1 ? "the function" : `all ${functions.toLocaleString("en-US")} functions`;
  return [
    metricWidget({
      title: `Invocations, errors, throttles (${scope})`,
      region,
      stat: "Sum",
      period: PERIOD_SECONDS,
      metrics: [
        { namespace: NAMESPACE, metricName: "Invocations", dimensions: [] },
        { namespace: NAMESPACE, metricName: "Errors", dimensions: [], yAxis: "right" },
        { namespace: NAMESPACE, metricName: "Throttles", dimensions: [], yAxis: "right" },
      ],
    }),
    metricWidget({
      title: `Duration p99 (${scope})`,
      region,
      stat: "p99",
      period: PERIOD_SECONDS,
      metrics: [{ namespace: NAMESPACE, metricName: "Duration", dimensions: [] }],
    }),
    metricWidget({
      title: limit === undefined ? "Concurrency (account)" : "Concurrency vs the account limit",
      region,
      stat: "Maximum",
      period: PERIOD_SECONDS,
      metrics: [
        { namespace: NAMESPACE, metricName: "ConcurrentExecutions", dimensions: [] },
        { namespace: NAMESPACE, metricName: "ClaimedAccountConcurrency", dimensions: [] },
      ],
      annotations,
      yAxis: { left: { min: 0 } },
    }),
  ];
}

export const lambdaSection: ServiceSection = {
  id: "lambda",
  title: "Lambda",
  kinds: ["lambda-function"],
  blocks(context) {
    const functions = shown(context.index.ofKind("lambda-function"));
    if (functions.length === 0) return [];
    const limit = context.inventory.lambdaAccount?.concurrentExecutions;
    return [
      {
        widgets: [
          sectionHeader(
            "Lambda",
            `${count(functions.length, "function")}; account-wide first, then per function (${howShown(context, functions.length)}).`,
          ),
          ...accountWidgets(context.region, functions.length, limit),
          ...perResourceWidgets<LambdaFunction>(context, {
            metrics: LAMBDA_METRICS_SHOWN,
            resources: functions,
            target: (fn) => ({ label: fn.name, dimensions: [{ name: "FunctionName", value: fn.name }] }),
            schema: ["FunctionName"],
            groupBy: ["FunctionName"],
            noun: "functions",
          }),
        ],
      },
    ];
  },
};
