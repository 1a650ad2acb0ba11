/**
 * Amazon API Gateway: server and client error rates for REST (5XXError and 4XXError, by ApiName and Stage)
 * and HTTP APIs (5xx and 4xx, by ApiId and Stage), and latency per API stage (a percentile, so per resource only).
 */
import type { HttpApi, ResourceOfKind, RestApi } from "../../inventory/types.js";
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

/** How an API kind names its error metrics and its alarm targets. */
interface ApiKind<K extends "rest-api" | "http-api"> {
  readonly kind: K;
  readonly label: string;
  readonly id: string;
  readonly dimension: string;
  readonly metric: Readonly<Record<"5xx" | "4xx", string>>;
  readonly targets: (api: ResourceOfKind<K>) => readonly AlarmTarget[];
  readonly dimensionValue?: (api: ResourceOfKind<K>) => string;
}

/** REST APIs name their metrics by the API's name, "5XXError" and "4XXError". */
const REST: ApiKind<"rest-api"> = {
  kind: "rest-api",
  label: "REST",
  id: "rest",
  dimension: "ApiName",
  metric: { "5xx": "5XXError", "4xx": "4XXError" },
  targets: restTargets,
};

/** HTTP APIs by the API's id, "5xx" and "4xx". */
const HTTP: ApiKind<"http-api"> = {
  kind: "http-api",
  label: "HTTP API",
  id: "http",
  dimension: "ApiId",
  metric: { "5xx": "5xx", "4xx": "4xx" },
  targets: httpTargets,
  dimensionValue: (api) => api.id,
};

/** AWS's recommended error-rate alarms: 5xx over 3 of 3 minutes, 4xx over 5 of 5, both above 5% of requests. */
const CLASSES = {
  "5xx": { title: "server errors", meaning: SERVER_ERRORS, minutes: 3 },
  "4xx": { title: "client errors", meaning: CLIENT_ERRORS, minutes: 5 },
} as const;

function errorRateEntry<K extends "rest-api" | "http-api">(
  api: ApiKind<K>,
  status: "5xx" | "4xx",
): CatalogEntry {
  const errors = CLASSES[status];
  const metricName = api.metric[status];
  return defineEntry<K>({
    id: `apigateway-${api.id}-${status}`,
    service: SERVICE,
    title: `API Gateway ${api.label} ${errors.title}`,
    meaning: errors.meaning,
    resourceKind: api.kind,
    namespace: NAMESPACE,
    metricName,
    statistic: "Average",
    period: 60,
    evaluationPeriods: errors.minutes,
    datapointsToAlarm: errors.minutes,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "fraction",
    dimension: api.dimension,
    extraDimensions: ["Stage"],
    ...(api.dimensionValue ? { dimensionValue: api.dimensionValue } : {}),
    aggregate: "metrics-insights",
    individual: "when-needed",
    targets: api.targets,
    threshold: { describe: "more than 5% of requests (0.05)", compute: () => 0.05 },
    runbook: `apigateway-${status}`,
    source: section(
      RECOMMENDED_ALARMS,
      `Amazon API Gateway: ${metricName} (${api.dimension}, Stage; Average, 60 s, ${errors.minutes} of ${errors.minutes}, > 0.05)`,
    ),
  });
}

export const APIGATEWAY_ENTRIES: readonly CatalogEntry[] = [
  errorRateEntry(REST, "5xx"),
  errorRateEntry(REST, "4xx"),
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
  errorRateEntry(HTTP, "5xx"),
  errorRateEntry(HTTP, "4xx"),
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
