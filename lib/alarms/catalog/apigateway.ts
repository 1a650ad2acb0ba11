/**
 * Amazon API Gateway: server and client error rates for REST (5XXError and 4XXError, by ApiName and Stage)
 * and HTTP APIs (5xx and 4xx, by ApiId and Stage), and latency per API stage (a percentile, so per resource only).
 */
import type { HttpApi, RestApi } from "../../inventory/types.js";
import { RECOMMENDED_ALARMS, section } from "./sources.js";
import { defineEntry, type AlarmTarget, type CatalogEntry } from "./types.js";

const NAMESPACE = "AWS/ApiGateway";
const SERVICE = "apigateway";

/** REST API metrics are named by the API's name; an API without stages publishes nothing. */
function restTargets(api: RestApi): readonly AlarmTarget[] {
  return api.stages.map((stage) => ({
    label: `${api.name}-${stage}`,
    dimensions: [
      { name: "ApiName", value: api.name },
      { name: "Stage", value: stage },
    ],
  }));
}

/** HTTP API metrics are named by the API's id. */
function httpTargets(api: HttpApi): readonly AlarmTarget[] {
  return api.stages.map((stage) => ({
    label: `${api.name}-${stage}`,
    dimensions: [
      { name: "ApiId", value: api.id },
      { name: "Stage", value: stage },
    ],
  }));
}

const SERVER_ERRORS =
  "A share of requests fail with a server-side error (5xx): the integration (often a Lambda function) fails or times out, or API Gateway cannot reach it. Check the API's execution or access logs and the backend's errors.";
const CLIENT_ERRORS =
  "A share of requests fail with a client error (4xx) for 5 minutes: broken clients, authorization failures, removed routes, or throttling (429) at the stage or usage-plan limits. Check the access logs for the status codes and routes.";
const LATENCY =
  "p90 latency of an API stage is high: clients wait for the backend. Compare IntegrationLatency to find whether the backend or API Gateway is slow.";

export const APIGATEWAY_ENTRIES: readonly CatalogEntry[] = [
  defineEntry<"rest-api">({
    id: "apigateway-rest-5xx",
    service: SERVICE,
    title: "API Gateway REST server errors",
    meaning: SERVER_ERRORS,
    resourceKind: "rest-api",
    namespace: NAMESPACE,
    metricName: "5XXError",
    statistic: "Average",
    period: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "fraction",
    dimension: "ApiName",
    extraDimensions: ["Stage"],
    aggregate: "metrics-insights",
    individual: "when-needed",
    targets: restTargets,
    threshold: { describe: "more than 5% of requests (0.05)", compute: () => 0.05 },
    runbook: "apigateway-5xx",
    source: section(
      RECOMMENDED_ALARMS,
      "Amazon API Gateway: 5XXError (ApiName, Stage; Average, 60 s, 3 of 3, > 0.05)",
    ),
  }),
  defineEntry<"rest-api">({
    id: "apigateway-rest-4xx",
    service: SERVICE,
    title: "API Gateway REST client errors",
    meaning: CLIENT_ERRORS,
    resourceKind: "rest-api",
    namespace: NAMESPACE,
    metricName: "4XXError",
    statistic: "Average",
    period: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "fraction",
    dimension: "ApiName",
    extraDimensions: ["Stage"],
    aggregate: "metrics-insights",
    individual: "when-needed",
    targets: restTargets,
    threshold: { describe: "more than 5% of requests (0.05)", compute: () => 0.05 },
    runbook: "apigateway-4xx",
    source: section(
      RECOMMENDED_ALARMS,
      "Amazon API Gateway: 4XXError (ApiName, Stage; Average, 60 s, 5 of 5, > 0.05)",
    ),
  }),
  defineEntry<"rest-api">({
    id: "apigateway-rest-latency",
    service: SERVICE,
    title: "API Gateway REST latency",
    meaning: LATENCY,
    resourceKind: "rest-api",
    namespace: NAMESPACE,
    metricName: "Latency",
    statistic: "p90",
    period: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    comparison: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
    unit: "milliseconds",
    dimension: "ApiName",
    extraDimensions: ["Stage"],
    aggregate: "none",
    individual: "always",
    targets: restTargets,
    threshold: { describe: "2,500 ms at p90", compute: () => 2500 },
    runbook: "apigateway-latency",
    source: section(
      RECOMMENDED_ALARMS,
      "Amazon API Gateway: Latency (ApiName, Stage; p90, 60 s, 5 of 5, >= 2500 ms)",
    ),
  }),
  defineEntry<"http-api">({
    id: "apigateway-http-5xx",
    service: SERVICE,
    title: "API Gateway HTTP API server errors",
    meaning: SERVER_ERRORS,
    resourceKind: "http-api",
    namespace: NAMESPACE,
    metricName: "5xx",
    statistic: "Average",
    period: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "fraction",
    dimension: "ApiId",
    extraDimensions: ["Stage"],
    dimensionValue: (api) => api.id,
    aggregate: "metrics-insights",
    individual: "when-needed",
    targets: httpTargets,
    threshold: { describe: "more than 5% of requests (0.05)", compute: () => 0.05 },
    runbook: "apigateway-5xx",
    source: section(
      RECOMMENDED_ALARMS,
      "Amazon API Gateway: 5xx (ApiId, Stage; Average, 60 s, 3 of 3, > 0.05)",
    ),
  }),
  defineEntry<"http-api">({
    id: "apigateway-http-4xx",
    service: SERVICE,
    title: "API Gateway HTTP API client errors",
    meaning: CLIENT_ERRORS,
    resourceKind: "http-api",
    namespace: NAMESPACE,
    metricName: "4xx",
    statistic: "Average",
    period: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "fraction",
    dimension: "ApiId",
    extraDimensions: ["Stage"],
    dimensionValue: (api) => api.id,
    aggregate: "metrics-insights",
    individual: "when-needed",
    targets: httpTargets,
    threshold: { describe: "more than 5% of requests (0.05)", compute: () => 0.05 },
    runbook: "apigateway-4xx",
    source: section(
      RECOMMENDED_ALARMS,
      "Amazon API Gateway: 4xx (ApiId, Stage; Average, 60 s, 5 of 5, > 0.05)",
    ),
  }),
  defineEntry<"http-api">({
    id: "apigateway-http-latency",
    service: SERVICE,
    title: "API Gateway HTTP API latency",
    meaning: LATENCY,
    resourceKind: "http-api",
    namespace: NAMESPACE,
    metricName: "Latency",
    statistic: "p90",
    period: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    comparison: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
    unit: "milliseconds",
    dimension: "ApiId",
    extraDimensions: ["Stage"],
    dimensionValue: (api) => api.id,
    aggregate: "none",
    individual: "always",
    targets: httpTargets,
    threshold: { describe: "2,500 ms at p90", compute: () => 2500 },
    runbook: "apigateway-latency",
    source: section(
      RECOMMENDED_ALARMS,
      "Amazon API Gateway: Latency (ApiId, Stage; p90, 60 s, 5 of 5, >= 2500 ms)",
    ),
  }),
];
