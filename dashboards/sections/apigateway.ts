/**
 * API Gateway: 5XX and 4XX rates and p99 latency, per API across its stages. REST APIs are named by
 * ApiName, HTTP APIs by ApiId (their metrics are `5xx`/`4xx`, not `5XXError`/`4XXError`).
 */
import type { HttpApi, RestApi } from "../../lib/inventory/types.js";
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

const NAMESPACE = "AWS/ApiGateway";
const HTTP_METRICS = "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html";

function rate(metricName: string, title: string, source: string): DashboardMetric {
  return { namespace: NAMESPACE, metricName, stat: "Average", insights: "AVG", title, source };
}

function latency(source: string): DashboardMetric {
  return {
    namespace: NAMESPACE,
    metricName: "Latency",
    stat: "p99",
    insights: "MAX",
    title: "Latency (p99)",
    source: `${source}; the top-N query ranks by Maximum, Metrics Insights has no percentiles`,
  };
}

export const REST_API_METRICS_SHOWN: readonly DashboardMetric[] = [
  rate("5XXError", "5XX rate (Average)", `${RECOMMENDED_ALARMS} — API Gateway 5XXError (Average, 60 s)`),
  rate("4XXError", "4XX rate (Average)", `${RECOMMENDED_ALARMS} — API Gateway 4XXError (Average, 60 s)`),
  latency(`${RECOMMENDED_ALARMS} — API Gateway Latency`),
];

export const HTTP_API_METRICS_SHOWN: readonly DashboardMetric[] = [
  rate(
    "5xx",
    "5xx rate (Average)",
    `${HTTP_METRICS}; ${RECOMMENDED_ALARMS} — API Gateway 5XXError (Average, 60 s)`,
  ),
  rate(
    "4xx",
    "4xx rate (Average)",
    `${HTTP_METRICS}; ${RECOMMENDED_ALARMS} — API Gateway 4XXError (Average, 60 s)`,
  ),
  latency(HTTP_METRICS),
];

export const apiGatewaySection: ServiceSection = {
  id: "apigateway",
  title: "API Gateway",
  kinds: ["rest-api", "http-api"],
  blocks(context) {
    const rest = shown(context.index.ofKind("rest-api"));
    const http = shown(context.index.ofKind("http-api"));
    if (rest.length + http.length === 0) return [];
    const parts: string[] = [];
    if (rest.length > 0) parts.push(`${count(rest.length, "REST API")} (${howShown(context, rest.length)})`);
    if (http.length > 0) parts.push(`${count(http.length, "HTTP API")} (${howShown(context, http.length)})`);
    return [
      {
        widgets: [
          sectionHeader("API Gateway", `${parts.join(", ")}.`),
          ...perResourceWidgets<RestApi>(context, {
            metrics: REST_API_METRICS_SHOWN,
            subject: "REST",
            resources: rest,
            target: (api) => ({ label: api.name, dimensions: [{ name: "ApiName", value: api.name }] }),
            schema: ["ApiName"],
            groupBy: ["ApiName"],
            noun: "REST APIs",
          }),
          ...perResourceWidgets<HttpApi>(context, {
            metrics: HTTP_API_METRICS_SHOWN,
            subject: "HTTP",
            resources: http,
            target: (api) => ({ label: api.name, dimensions: [{ name: "ApiId", value: api.id }] }),
            schema: ["ApiId"],
            groupBy: ["ApiId"],
            noun: "HTTP APIs",
          }),
        ],
      },
    ];
  },
};
