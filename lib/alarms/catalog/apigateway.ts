/**
 * Amazon API Gateway: a backend-side and a client-side error rate per API stage — REST (5XXError and
 * 4XXError, by ApiName and Stage), HTTP APIs (5xx and 4xx, by ApiId and Stage) and WebSocket APIs
 * (ExecutionError and ClientError, by ApiId and Stage) — and latency per stage (a percentile, so per
 * resource only): Latency for REST and HTTP APIs, IntegrationLatency for WebSocket APIs.
 *
 * HTTP and WebSocket APIs share the SCHEMA("AWS/ApiGateway", ApiId, Stage), so an aggregate query reads
 * one kind only because the metric names differ: HTTP APIs publish 4xx, 5xx, Count, Latency,
 * IntegrationLatency and DataProcessed; WebSocket APIs ConnectCount, MessageCount, ClientError,
 * ExecutionError, IntegrationError and IntegrationLatency. IntegrationLatency, the one name both publish,
 * is alarmed per resource only.
 */
import type { ResourceOfKind } from "../../inventory/types.js";
import { RECOMMENDED_ALARMS, section } from "./sources.js";
import { defineEntry, type AlarmTarget, type CatalogEntry } from "./types.js";

const NAMESPACE = "AWS/ApiGateway";
const SERVICE = "apigateway";

type ApiResourceKind = "rest-api" | "http-api" | "websocket-api";

/** One alarm target per stage: an API without stages publishes nothing. */
function stageTargets(dimension: string, value: string, name: string, stages: readonly string[]) {
  return stages.map((stage): AlarmTarget => ({
    label: `${name}-${stage}`,
    dimensions: [
      { name: dimension, value },
      { name: "Stage", value: stage },
    ],
  }));
}

const SERVER_ERRORS =
  "A share of requests fail with a server-side error (5xx): the integration (often a Lambda function) fails or times out, or API Gateway cannot reach it. Check the API's execution or access logs and the backend's errors.";
const CLIENT_ERRORS =
  "A share of requests fail with a client error (4xx) for 5 minutes: broken clients, authorization failures, removed routes, or throttling (429) at the stage or usage-plan limits. Check the access logs for the status codes and routes.";
const EXECUTION_ERRORS =
  "A share of a WebSocket API stage's messages fail calling the integration: the backend (often a Lambda function) fails, is throttled or was deleted, or API Gateway may not invoke it. Check the stage's execution logs and the backend's errors.";
const WEBSOCKET_CLIENT_ERRORS =
  "A share of a WebSocket API stage's messages get a 4xx from API Gateway before the integration is called, for 5 minutes: authorization failures, messages for routes that do not exist, or throttling (429). Check the access logs for the status codes and routes.";
const LATENCY =
  "p90 latency of an API stage is high: clients wait for the backend. Compare IntegrationLatency to find whether the backend or API Gateway is slow.";
const INTEGRATION_LATENCY =
  "p90 integration latency of a WebSocket API stage is high: the backend answers messages slowly. Compare it with the backend's own duration (a Lambda function's Duration) to find whether the code, its dependencies or cold starts are slow.";

/** One of an API kind's error-rate metrics and how its alarm reads. */
interface ErrorRate {
  readonly metricName: string;
  /** In the entry id: `apigateway-<kind id>-<slug>`. */
  readonly slug: string;
  readonly title: string;
  readonly meaning: string;
  readonly runbook: string;
}

/** The percentile latency AWS recommends alarming on per stage. */
interface StageLatency {
  readonly metricName: string;
  readonly slug: string;
  readonly title: string;
  readonly meaning: string;
  readonly thresholdMs: number;
  readonly runbook: string;
}

/** How an API kind names its metrics and its alarm targets. */
interface ApiKind<K extends ApiResourceKind> {
  readonly kind: K;
  readonly label: string;
  readonly id: string;
  readonly dimension: string;
  /** What an error rate is a share of: "requests", "messages". */
  readonly of: string;
  /** "backend": the integration's side; "client": API Gateway refuses before the integration. */
  readonly errors: Readonly<Record<"backend" | "client", ErrorRate>>;
  readonly latency: StageLatency;
  readonly targets: (api: ResourceOfKind<K>) => readonly AlarmTarget[];
  readonly dimensionValue?: (api: ResourceOfKind<K>) => string;
}

/** REST and HTTP APIs: the HTTP status classes, 5xx and 4xx, whatever each calls its metrics. */
function statusErrors(server: string, client: string): ApiKind<ApiResourceKind>["errors"] {
  return {
    backend: {
      metricName: server,
      slug: "5xx",
      title: "server errors",
      meaning: SERVER_ERRORS,
      runbook: "apigateway-5xx",
    },
    client: {
      metricName: client,
      slug: "4xx",
      title: "client errors",
      meaning: CLIENT_ERRORS,
      runbook: "apigateway-4xx",
    },
  };
}

const STAGE_LATENCY: StageLatency = {
  metricName: "Latency",
  slug: "latency",
  title: "latency",
  meaning: LATENCY,
  thresholdMs: 2500,
  runbook: "apigateway-latency",
};

/** REST APIs name their metrics by the API's name, "5XXError" and "4XXError". */
const REST: ApiKind<"rest-api"> = {
  kind: "rest-api",
  label: "REST",
  id: "rest",
  dimension: "ApiName",
  of: "requests",
  errors: statusErrors("5XXError", "4XXError"),
  latency: STAGE_LATENCY,
  targets: (api) => stageTargets("ApiName", api.name, api.name, api.stages),
};

/** HTTP APIs by the API's id, "5xx" and "4xx". */
const HTTP: ApiKind<"http-api"> = {
  kind: "http-api",
  label: "HTTP API",
  id: "http",
  dimension: "ApiId",
  of: "requests",
  errors: statusErrors("5xx", "4xx"),
  latency: STAGE_LATENCY,
  targets: (api) => stageTargets("ApiId", api.id, api.name, api.stages),
  dimensionValue: (api) => api.id,
};

/** WebSocket APIs by the API's id: ExecutionError, ClientError, and the integration's latency (no Latency metric). */
const WEBSOCKET: ApiKind<"websocket-api"> = {
  kind: "websocket-api",
  label: "WebSocket API",
  id: "websocket",
  dimension: "ApiId",
  of: "messages",
  errors: {
    backend: {
      metricName: "ExecutionError",
      slug: "execution-errors",
      title: "execution errors",
      meaning: EXECUTION_ERRORS,
      runbook: "apigateway-websocket-execution-errors",
    },
    client: {
      metricName: "ClientError",
      slug: "client-errors",
      title: "client errors",
      meaning: WEBSOCKET_CLIENT_ERRORS,
      runbook: "apigateway-websocket-client-errors",
    },
  },
  latency: {
    metricName: "IntegrationLatency",
    slug: "integration-latency",
    title: "integration latency",
    meaning: INTEGRATION_LATENCY,
    thresholdMs: 2000,
    runbook: "apigateway-websocket-integration-latency",
  },
  targets: (api) => stageTargets("ApiId", api.id, api.name, api.stages),
  dimensionValue: (api) => api.id,
};

/** AWS's recommended error-rate alarms, for every kind: the backend's over 3 of 3 minutes, the client's over 5 of 5, both above 5%. */
const MINUTES = { backend: 3, client: 5 } as const;

function errorRateEntry<K extends ApiResourceKind>(
  api: ApiKind<K>,
  side: "backend" | "client",
): CatalogEntry {
  const errors = api.errors[side];
  const minutes = MINUTES[side];
  return defineEntry<K>({
    id: `apigateway-${api.id}-${errors.slug}`,
    service: SERVICE,
    title: `API Gateway ${api.label} ${errors.title}`,
    meaning: errors.meaning,
    resourceKind: api.kind,
    namespace: NAMESPACE,
    metricName: errors.metricName,
    statistic: "Average",
    period: 60,
    evaluationPeriods: minutes,
    datapointsToAlarm: minutes,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "fraction",
    dimension: api.dimension,
    extraDimensions: ["Stage"],
    ...(api.dimensionValue ? { dimensionValue: api.dimensionValue } : {}),
    aggregate: "metrics-insights",
    individual: "when-needed",
    targets: api.targets,
    threshold: { describe: `more than 5% of ${api.of} (0.05)`, compute: () => 0.05 },
    runbook: errors.runbook,
    source: section(
      RECOMMENDED_ALARMS,
      `Amazon API Gateway: ${errors.metricName} (${api.dimension}, Stage; Average, 60 s, ${minutes} of ${minutes}, > 0.05)`,
    ),
  });
}

/** AWS's recommended latency alarm: p90 of a stage at or above the threshold for 5 of 5 minutes. */
function latencyEntry<K extends ApiResourceKind>(api: ApiKind<K>): CatalogEntry {
  const latency = api.latency;
  return defineEntry<K>({
    id: `apigateway-${api.id}-${latency.slug}`,
    service: SERVICE,
    title: `API Gateway ${api.label} ${latency.title}`,
    meaning: latency.meaning,
    resourceKind: api.kind,
    namespace: NAMESPACE,
    metricName: latency.metricName,
    statistic: "p90",
    period: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    comparison: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
    unit: "milliseconds",
    dimension: api.dimension,
    extraDimensions: ["Stage"],
    ...(api.dimensionValue ? { dimensionValue: api.dimensionValue } : {}),
    aggregate: "none",
    individual: "always",
    targets: api.targets,
    threshold: {
      describe: `${latency.thresholdMs.toLocaleString("en-US")} ms at p90`,
      compute: () => latency.thresholdMs,
    },
    runbook: latency.runbook,
    source: section(
      RECOMMENDED_ALARMS,
      `Amazon API Gateway: ${latency.metricName} (${api.dimension}, Stage; p90, 60 s, 5 of 5, >= ${latency.thresholdMs} ms)`,
    ),
  });
}

/** Each kind's three: backend errors, client errors, latency. */
function apiEntries<K extends ApiResourceKind>(api: ApiKind<K>): CatalogEntry[] {
  return [errorRateEntry(api, "backend"), errorRateEntry(api, "client"), latencyEntry(api)];
}

export const APIGATEWAY_ENTRIES: readonly CatalogEntry[] = [
  ...apiEntries(REST),
  ...apiEntries(HTTP),
  ...apiEntries(WEBSOCKET),
];
