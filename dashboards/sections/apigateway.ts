/**
 * API Gateway: 5XX and 4XX rates and p99 latency, per API across its stages. REST APIs are named by
 * ApiName, HTTP APIs by ApiId (their metrics are `5xx`/`4xx`, not `5XXError`/`4XXError`). WebSocket APIs,
 * by ApiId too, have their own names: ExecutionError and ClientError rates and p99 IntegrationLatency.
 */
import type { HttpApi, RestApi, WebSocketApi } from "../../lib/inventory/types.js";
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
const WEBSOCKET_METRICS =
  "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-logging.html";

function rate(metricName: string, title: string, source: string): DashboardMetric {
  return { namespace: NAMESPACE, metricName, stat: "Average", insights: "AVG", title, source };
}

function latency(source: string, metricName = "Latency", title = "Latency (p99)"): DashboardMetric {
  return {
    namespace: NAMESPACE,
    metricName,
    stat: "p99",
    insights: "MAX",
    title,
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

export const WEBSOCKET_API_METRICS_SHOWN: readonly DashboardMetric[] = [
  rate(
    "ExecutionError",
    "Execution error rate (Average)",
    `${WEBSOCKET_METRICS}; ${RECOMMENDED_ALARMS} — API Gateway ExecutionError (Average, 60 s)`,
  ),
  rate(
    "ClientError",
    "Client error rate (Average)",
    `${WEBSOCKET_METRICS}; ${RECOMMENDED_ALARMS} — API Gateway ClientError (Average, 60 s)`,
  ),
  {
    ...latency(
      `${WEBSOCKET_METRICS}; ${RECOMMENDED_ALARMS} — API Gateway IntegrationLatency`,
      "IntegrationLatency",
      "Integration latency (p99)",
    ),
    // HTTP APIs publish IntegrationLatency by ApiId too: a query cannot tell them apart.
    topNoun: "HTTP and WebSocket APIs",
  },
];

export const apiGatewaySection: ServiceSection = {
  id: "apigateway",
  title: "API Gateway",
  kinds: ["rest-api", "http-api", "websocket-api"],
  blocks(context) {
    const rest = shown(context.index.ofKind("rest-api"));
    const http = shown(context.index.ofKind("http-api"));
    const webSocket = shown(context.index.ofKind("websocket-api"));
    if (rest.length + http.length + webSocket.length === 0) return [];
    const parts: string[] = [];
    if (rest.length > 0) parts.push(`${count(rest.length, "REST API")} (${howShown(context, rest.length)})`);
    if (http.length > 0) parts.push(`${count(http.length, "HTTP API")} (${howShown(context, http.length)})`);
    if (webSocket.length > 0)
      parts.push(`${count(webSocket.length, "WebSocket API")} (${howShown(context, webSocket.length)})`);
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
          ...perResourceWidgets<WebSocketApi>(context, {
            metrics: WEBSOCKET_API_METRICS_SHOWN,
            subject: "WebSocket",
            resources: webSocket,
            target: (api) => ({ label: api.name, dimensions: [{ name: "ApiId", value: api.id }] }),
            schema: ["ApiId"],
            groupBy: ["ApiId"],
            noun: "WebSocket APIs",
          }),
        ],
      },
    ];
  },
};
