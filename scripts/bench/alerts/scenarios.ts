/**
 * The incident suite: incidents that should page (and which alarm's page counts) and quiet baselines that
 * should not. Each account is shaped for its scenario, with healthy neighbours; noise is what the baselines
 * measure, so the incidents' neighbours do not fail. Minutes count from the incident's start.
 */
import { TAGS } from "../../../lib/policy/tags.js";
import { level, type FunctionLoad, type Load, type Pulse, type Scenario } from "./loads.js";

const MINUTE_MS = 60_000;
const HOUR = 60;
const DAY = 24 * HOUR;

/** Healthy functions beside the one that fails: the account-wide metrics see their traffic too. */
function neighbours(prefix: string, count: number, requestsPerMinute = 200): FunctionLoad[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: "function",
    name: `${prefix}-${String(i + 1).padStart(2, "0")}`,
    requestsPerMinute,
  }));
}

/**
 * A message its consumer always fails on, first received at `at`: received again every visibility timeout
 * (each receive an invocation that errors) until its receive count passes maxReceiveCount, when SQS moves it
 * to the DLQ.
 */
export function poisonMessage(at: number, maxReceiveCount = 5, visibilityTimeoutSeconds = 30) {
  const receives = Array.from(
    { length: maxReceiveCount },
    (_, i) => at + Math.floor((i * visibilityTimeoutSeconds) / 60),
  );
  const failures: Pulse[] = [...new Set(receives)].map((minute) => ({
    at: minute,
    count: receives.filter((r) => r === minute).length,
  }));
  return {
    failures,
    landing: { at: at + Math.floor((maxReceiveCount * visibilityTimeoutSeconds) / 60), count: 1 },
  };
}

/** Poison messages at each of `starts`: their failures and their landings in the DLQ, merged. */
function poisonMessages(starts: readonly number[]): { failures: Pulse[]; landings: Pulse[] } {
  const each = starts.map((at) => poisonMessage(at));
  return { failures: each.flatMap((p) => p.failures), landings: each.map((p) => p.landing) };
}

/** A KCL application stuck on one record from minute 0 (its lag grows a minute a minute), freed after `hours`. */
function kclBehind(hours: number): Scenario {
  const stuck = hours * HOUR;
  const lagAtEnd = stuck * MINUTE_MS;
  return {
    id: `kcl-consumer-${hours}h-behind`,
    title: `A KCL consumer falls ${hours} h behind (24 h retention)`,
    kind: "incident",
    loads: [
      {
        kind: "stream",
        name: "order-events",
        shards: 2,
        recordsPerMinute: 3000,
        readers: [
          {
            name: "fulfilment-kcl",
            lagMs: level(
              1000,
              { from: 0, to: stuck, value: 1000, perMinute: MINUTE_MS },
              // Freed, it catches up in half an hour.
              { from: stuck, to: stuck + 30, value: lagAtEnd, perMinute: -lagAtEnd / 30 },
            ),
          },
        ],
      },
      ...neighbours("fulfilment-fn", 2),
    ],
    minutes: stuck,
    expect: { page: true, by: ["kinesis-iterator-age"] },
    detectedMeans: `the stream's iterator-age alarm pages before the consumer is ${hours} h behind`,
  };
}

function apiBurst(kind: "rest-api" | "http-api", name: string, entry: string): Scenario {
  return {
    id: `${kind}-5xx-burst`,
    title: `${kind === "rest-api" ? "A REST" : "An HTTP"} API returns 25 % 5xx for 10 min`,
    kind: "incident",
    loads: [
      {
        kind,
        name,
        requestsPerMinute: 400,
        serverErrorShare: level(0.001, { from: 0, to: 10, value: 0.25 }),
        clientErrorShare: 0.02,
      },
      ...neighbours(`${name}-fn`, 2),
    ],
    minutes: 10,
    expect: { page: true, by: [entry] },
    detectedMeans: `the API's 5xx alarm pages during the burst`,
  };
}

/** A WebSocket API whose integration fails 30 % of messages for 10 min (a bad deploy of its function). */
function webSocketIntegrationFails(): Scenario {
  return {
    id: "websocket-execution-errors",
    title: "A WebSocket API's integration fails 30 % of messages for 10 min",
    kind: "incident",
    loads: [
      {
        kind: "websocket-api",
        name: "trading-feed",
        messagesPerMinute: 600,
        executionErrorShare: level(0.001, { from: 0, to: 10, value: 0.3 }),
        clientErrorShare: 0.01,
      },
      ...neighbours("trading-fn", 2),
    ],
    minutes: 10,
    expect: { page: true, by: ["apigateway-websocket-execution-errors"] },
    detectedMeans: "the WebSocket API's execution-errors alarm pages during the failure",
  };
}

const invoicesPoison = poisonMessage(0);
/** A DLQ receiving a failed message every 25 min for the warm-up's last 100 min, then a burst of 40. */
const refundsTrickle = poisonMessages([-100, -75, -50, -25]);

export const INCIDENTS: readonly Scenario[] = [
  {
    id: "poison-message",
    title: "A poison message loops into the DLQ",
    kind: "incident",
    loads: [
      // On-call fixes the consumer and redrives the message at 45 min.
      { kind: "queue", name: "invoices-dlq", arrivals: [invoicesPoison.landing], drainedAt: [45] },
      { kind: "queue", name: "invoices", deadLetterQueue: "invoices-dlq", sentPerMinute: 120 },
      {
        kind: "function",
        name: "invoices-worker",
        queue: "invoices",
        requestsPerMinute: 30,
        medianDurationMs: 200,
        failures: invoicesPoison.failures,
      },
      ...neighbours("invoices-api", 3),
    ],
    minutes: 45,
    expect: { page: true, by: ["sqs-dlq-messages-visible"], naming: "invoices-dlq" },
    detectedMeans: "the DLQ's alarm pages once the message lands in it",
  },
  {
    id: "lambda-stream-consumer-stops",
    title: "A Lambda Kinesis consumer stops for 3 h while records keep arriving",
    kind: "incident",
    loads: [
      { kind: "stream", name: "clickstream-events", shards: 2, recordsPerMinute: 6000 },
      {
        kind: "function",
        name: "clicks-aggregator",
        requestsPerMinute: 120,
        stream: {
          name: "clickstream-events",
          polling: level(1, { from: 0, to: 3 * HOUR, value: 0 }),
          // Back at 3 h, it reads records 3 h old and catches up in 20 min.
          lagMs: level(800, {
            from: 3 * HOUR,
            to: 3 * HOUR + 20,
            value: 3 * HOUR * MINUTE_MS,
            perMinute: -9 * MINUTE_MS,
          }),
        },
      },
      ...neighbours("clicks-api", 2),
    ],
    minutes: 3 * HOUR,
    expect: { page: true, by: ["lambda-iterator-age", "kinesis-iterator-age"] },
    detectedMeans: "an iterator-age alarm pages while the consumer is stopped",
  },
  kclBehind(1),
  kclBehind(3),
  kclBehind(6),
  {
    id: "throttling-storm",
    title: "One function throttled for 20 min (traffic 2.7× its reserved concurrency)",
    kind: "incident",
    loads: [
      {
        kind: "function",
        name: "pricing-quotes",
        reservedConcurrency: 40,
        medianDurationMs: 400,
        // 3,000 a minute need ~28 at the peak second; 8,000 need ~75: nearly half are throttled.
        requestsPerMinute: level(3000, { from: 0, to: 20, value: 8000 }),
      },
      ...neighbours("pricing-fn", 3),
    ],
    minutes: 20,
    expect: { page: true, by: ["lambda-throttles"] },
    detectedMeans: "the throttles alarm pages during the storm",
  },
  apiBurst("rest-api", "storefront", "apigateway-rest-5xx"),
  apiBurst("http-api", "partner-gateway", "apigateway-http-5xx"),
  webSocketIntegrationFails(),
  {
    id: "deploy-slows-function",
    title: "A deploy pushes a function's p90 duration to 96 % of its 10 s timeout",
    kind: "incident",
    loads: [
      {
        kind: "function",
        name: "quote-engine",
        timeoutSeconds: 10,
        requestsPerMinute: 60,
        // p90 ≈ 1.29 × the median at this spread: 2.3 s before, 9.6 s after (with ~7 % timing out).
        medianDurationMs: level(1800, { from: 0, to: HOUR, value: 7400 }),
        durationSpread: 0.2,
      },
      ...neighbours("quote-fn", 2),
    ],
    minutes: HOUR,
    expect: { page: true, by: ["lambda-duration"], naming: "quote-engine" },
    detectedMeans: "the function's duration alarm pages (timeouts may page as errors first)",
  },
  {
    id: "workflow-slows-toward-timeout",
    title: "A workflow slows toward its 15-minute timeout until executions time out (2.5 h)",
    kind: "incident",
    loads: [
      {
        kind: "state-machine",
        name: "invoice-batch",
        timeoutSeconds: 900,
        executionsPerMinute: 2,
        failedShare: 0.005,
        // 5 minutes, then 3 s longer for each minute the downstream degrades: 12.5 minutes at the end, when
        // one execution in nine runs past 15 and times out.
        medianDurationMs: level(300_000, { from: 0, to: 150, value: 300_000, perMinute: 3_000 }),
        durationSpread: 0.15,
      },
      {
        kind: "state-machine",
        name: "invoice-notify",
        type: "EXPRESS",
        timeoutSeconds: 60,
        executionsPerMinute: 20,
        medianDurationMs: 3_000,
      },
      ...neighbours("invoice-fn", 2),
    ],
    minutes: 150,
    expect: { page: true, by: ["stepfunctions-execution-time"], naming: "invoice-batch" },
    detectedMeans: "the workflow's execution-time alarm pages, before the first execution times out",
  },
  {
    id: "dlq-second-burst",
    title: "A DLQ fills slowly, then a burst of 40 while its alarm is in ALARM",
    kind: "incident",
    loads: [
      {
        kind: "queue",
        name: "refunds-dlq",
        // A bad deploy at 0 fails 40 messages; their retries run out 2–5 min later.
        arrivals: [...refundsTrickle.landings, ...[2, 3, 4, 5].map((at) => ({ at, count: 10 }))],
        drainedAt: [HOUR],
      },
      { kind: "queue", name: "refunds", deadLetterQueue: "refunds-dlq", sentPerMinute: 50 },
      {
        kind: "function",
        name: "refunds-worker",
        queue: "refunds",
        requestsPerMinute: 20,
        failures: [...refundsTrickle.failures, ...[0, 1, 2, 3].map((at) => ({ at, count: 50 }))],
      },
      ...neighbours("refunds-api", 2),
    ],
    minutes: HOUR,
    expect: { page: true, by: ["sqs-dlq-messages-visible", "sqs-dlq-new-messages"], naming: "refunds-dlq" },
    detectedMeans: "the DLQ's alarm pages again for the burst",
  },
  {
    id: "outage-30-functions",
    title: "A downstream outage: 30 functions fail 60 % of invocations for 20 min",
    kind: "incident",
    loads: Array.from({ length: 30 }, (_, i): Load => ({
      kind: "function",
      name: `catalog-${String(i + 1).padStart(2, "0")}`,
      requestsPerMinute: 100,
      errorShare: level(0, { from: 0, to: 20, value: 0.6 }),
    })),
    minutes: 20,
    expect: { page: true, by: ["lambda-errors"] },
    detectedMeans: "an errors alarm pages (how many pages it takes is the noise)",
  },
  {
    id: "second-function-fails",
    title: "A second function starts failing while another already fails (masking)",
    kind: "incident",
    loads: [
      {
        kind: "function",
        name: "ledger-sync",
        requestsPerMinute: 200,
        errorShare: level(0, { from: -40, to: HOUR, value: 0.05 }),
      },
      {
        kind: "function",
        name: "ledger-export",
        requestsPerMinute: 150,
        errorShare: level(0, { from: 0, to: HOUR, value: 0.3 }),
      },
      ...neighbours("ledger-fn", 2),
    ],
    minutes: HOUR,
    expect: { page: true, by: ["lambda-errors"], naming: "ledger-export" },
    detectedMeans: "a page names ledger-export, which starts failing 40 min after ledger-sync",
  },
  {
    id: "dynamodb-errors-critical-table",
    title: `DynamoDB SystemErrors for 30 min on a table tagged ${TAGS.critical}=true`,
    kind: "incident",
    loads: [
      {
        kind: "table",
        name: "payments-ledger",
        tags: { [TAGS.critical]: "true" },
        requestsPerMinute: 2000,
        systemErrorsPerMinute: level(0, { from: 0, to: 30, value: 4 }),
      },
      ...neighbours("payments-fn", 2),
    ],
    minutes: 30,
    expect: { page: true, by: ["dynamodb-system-errors"], naming: "payments-ledger" },
    detectedMeans: "a system-errors alarm pages for the table",
  },
  {
    id: "dynamodb-errors-table",
    title: "DynamoDB SystemErrors for 30 min on an untagged table",
    kind: "incident",
    loads: [
      {
        kind: "table",
        name: "user-sessions",
        requestsPerMinute: 2000,
        systemErrorsPerMinute: level(0, { from: 0, to: 30, value: 4 }),
      },
      ...neighbours("sessions-fn", 2),
    ],
    minutes: 30,
    expect: { page: true, by: ["dynamodb-system-errors"], naming: "user-sessions" },
    detectedMeans: "a system-errors alarm pages for the table",
  },
  {
    id: "ignored-function-errors",
    title: `A function tagged ${TAGS.ignore}=true fails half its invocations for 30 min`,
    kind: "incident",
    loads: [
      {
        kind: "function",
        name: "sandbox-experiments",
        tags: { [TAGS.ignore]: "true" },
        requestsPerMinute: 200,
        errorShare: level(0, { from: 0, to: 30, value: 0.5 }),
      },
      ...neighbours("sandbox-fn", 2),
    ],
    minutes: 30,
    expect: { page: false },
    detectedMeans: "no page: the team asked Watchkeeper to leave it alone",
  },
  {
    id: "breaker-opened",
    title: "The circuit breaker opens a function (reserved concurrency 0) for 1 h",
    kind: "incident",
    loads: [
      {
        kind: "function",
        name: "recommendations",
        // Opted in, and declared synchronous: only API calls invoke it (without a DLQ or on-failure
        // destination, the breaker refuses to hold a function it cannot tell is not invoked asynchronously).
        tags: { [TAGS.breaker]: "sync" },
        requestsPerMinute: 600,
        // Far above what it uses; the breaker holds it at 0 (every request throttled) until it resets it.
        reservedConcurrency: 100,
      },
      ...neighbours("recommendations-fn", 2),
    ],
    minutes: HOUR,
    breaker: { functionName: "recommendations", trip: 0, reset: HOUR },
    expect: { page: false },
    detectedMeans:
      "no page: the throttles are the breaker doing its job; its hint has the reconcile leave the function out of the throttles alarm",
  },
];

/** Functions at 500 invocations a minute, each failing about once every 40 minutes. */
const busyFunctions = Array.from({ length: 8 }, (_, i): Load => ({
  kind: "function",
  name: `orders-${["create", "get", "list", "cancel", "pay", "ship", "track", "notify"][i]}`,
  requestsPerMinute: 500,
  errorShare: 1 / (40 * 500),
}));

/** Traffic ten times the usual for 15 min, twice a day (a campaign, a batch), with the usual error rates. */
const spike = (base: number) =>
  level(
    base,
    { from: 9 * HOUR, to: 9 * HOUR + 15, value: base * 10 },
    { from: 19 * HOUR, to: 19 * HOUR + 15, value: base * 10 },
  );

export const BASELINES: readonly Scenario[] = [
  {
    id: "busy-functions-rare-errors",
    title: "8 functions at 500 invocations/min, each with a single error every ~40 min",
    kind: "baseline",
    loads: busyFunctions,
    minutes: DAY,
    expect: { page: false },
    detectedMeans: "no page: a single error in 20,000 invocations is no incident",
  },
  {
    id: "workflows-fail-by-design",
    title: "State machines whose workflows end in a Fail state for 2 % of executions",
    kind: "baseline",
    loads: [
      // Executions of seconds (Express, 1-minute timeout), of minutes (1-hour timeout), and of seconds
      // without a TimeoutSeconds: none near its timeout.
      {
        kind: "state-machine",
        name: "kyc-check",
        type: "EXPRESS",
        timeoutSeconds: 60,
        executionsPerMinute: 20,
        failedShare: 0.02,
        medianDurationMs: 4_000,
      },
      {
        kind: "state-machine",
        name: "order-saga",
        timeoutSeconds: 3600,
        executionsPerMinute: 10,
        failedShare: 0.02,
        medianDurationMs: 480_000,
        durationSpread: 0.3,
      },
      { kind: "state-machine", name: "claim-review", executionsPerMinute: 5, failedShare: 0.02 },
    ],
    minutes: DAY,
    expect: { page: false },
    detectedMeans: "no page: a rejected application is the workflow's answer, not a failure",
  },
  {
    id: "traffic-spikes",
    title: "10× traffic for 15 min twice a day, error rates unchanged",
    kind: "baseline",
    loads: [
      {
        kind: "rest-api",
        name: "search",
        requestsPerMinute: spike(150),
        serverErrorShare: 0.001,
        clientErrorShare: 0.03,
      },
      { kind: "function", name: "search-query", requestsPerMinute: spike(150), errorShare: 0.0002 },
      { kind: "queue", name: "search-index-dlq" },
      { kind: "queue", name: "search-index", deadLetterQueue: "search-index-dlq", sentPerMinute: spike(60) },
      { kind: "function", name: "search-indexer", queue: "search-index", requestsPerMinute: spike(20) },
      { kind: "table", name: "search-cache", requestsPerMinute: spike(600) },
      { kind: "stream", name: "search-clicks", recordsPerMinute: spike(1000) },
      {
        kind: "function",
        name: "search-clicks-reader",
        requestsPerMinute: 60,
        stream: { name: "search-clicks" },
      },
      { kind: "rule", name: "search-reindex", bus: "search-events", eventsPerMinute: spike(10) },
      { kind: "topic", name: "search-alerts", publishesPerMinute: spike(2) },
      {
        kind: "websocket-api",
        name: "search-live",
        messagesPerMinute: spike(300),
        executionErrorShare: 0.001,
        clientErrorShare: 0.01,
      },
    ],
    minutes: DAY,
    expect: { page: false },
    detectedMeans: "no page: more traffic with the usual error rates is business as usual",
  },
  {
    id: "reserved-concurrency-at-cap",
    title: "Functions that reach their reserved concurrency 8 h a day (by design)",
    kind: "baseline",
    loads: ["thumbnails", "pdf-render", "email-send"].map((name): Load => ({
      kind: "function",
      name,
      reservedConcurrency: 10,
      medianDurationMs: 500,
      // 600 a minute need ~7 at the peak second; 1,000 need ~12: about 15 % throttled, then retried.
      requestsPerMinute: level(600, { from: 9 * HOUR, to: 17 * HOUR, value: 1000 }),
    })),
    minutes: DAY,
    expect: { page: false },
    detectedMeans: "no page: the reservation protects a downstream and throttling is how",
  },
  {
    id: "idle-resources",
    title: "Resources with no traffic at all",
    kind: "baseline",
    loads: [
      { kind: "function", name: "legacy-export", requestsPerMinute: 0 },
      { kind: "queue", name: "legacy-dlq" },
      { kind: "queue", name: "legacy-jobs", deadLetterQueue: "legacy-dlq" },
      { kind: "function", name: "legacy-jobs-worker", queue: "legacy-jobs", requestsPerMinute: 0 },
      { kind: "stream", name: "legacy-feed", recordsPerMinute: 0 },
      { kind: "table", name: "legacy-archive", requestsPerMinute: 0 },
      { kind: "rest-api", name: "legacy-portal", requestsPerMinute: 0 },
      { kind: "http-api", name: "legacy-webhooks", requestsPerMinute: 0 },
      { kind: "websocket-api", name: "legacy-chat", messagesPerMinute: 0 },
      { kind: "state-machine", name: "legacy-migration", timeoutSeconds: 3600, executionsPerMinute: 0 },
      { kind: "rule", name: "legacy-cron", eventsPerMinute: 0 },
      { kind: "topic", name: "legacy-notices", publishesPerMinute: 0 },
    ],
    minutes: DAY,
    expect: { page: false },
    detectedMeans: "no page: nothing happens",
  },
];

export const SCENARIOS: readonly Scenario[] = [...INCIDENTS, ...BASELINES];
