/**
 * The vocabulary scenarios are written in: the resources of an account and what they do minute by minute
 * (loads), as plain data. `traffic.ts` turns a load into what happened in one minute; `publish.ts` turns
 * that into the metrics AWS would publish. Minutes count from the incident's start: negative is warm-up.
 */
import type { Tags } from "../../../lib/sim/index.js";

/** A change of a value inside [from, to) minutes; with `perMinute`, it grows from `value` by that much each minute. */
export interface Window {
  readonly from: number;
  readonly to: number;
  readonly value: number;
  readonly perMinute?: number;
}

/** A value over the scenario's minutes: a constant, or a base changed inside windows (the last matching wins). */
export type Level = number | { readonly base: number; readonly windows: readonly Window[] };

/** `count` of something at one minute (a poison message's receives, messages moved to a DLQ). */
export interface Pulse {
  readonly at: number;
  readonly count: number;
}

export function level(base: number, ...windows: Window[]): Level {
  return { base, windows };
}

export function levelAt(value: Level | undefined, minute: number): number {
  if (value === undefined) return 0;
  if (typeof value === "number") return value;
  let current = value.base;
  for (const w of value.windows)
    if (minute >= w.from && minute < w.to) current = w.value + (w.perMinute ?? 0) * (minute - w.from);
  return current;
}

export function pulsesAt(pulses: readonly Pulse[] | undefined, minute: number): number {
  return (pulses ?? []).reduce((n, p) => (p.at === minute ? n + p.count : n), 0);
}

export interface FunctionLoad {
  readonly kind: "function";
  readonly name: string;
  /** Default 30 s. An invocation that would run longer times out: an error, its Duration the timeout. */
  readonly timeoutSeconds?: number;
  /**
   * The reservation the function is created with. What caps its concurrency each minute is the account's
   * reservation then (requests beyond it are throttled; 0: every request), which a circuit breaker changes.
   */
  readonly reservedConcurrency?: number;
  readonly tags?: Tags;
  /** Requests a minute (invocations and throttled requests), Poisson around this mean. */
  readonly requestsPerMinute: Level;
  /** Share of invocations that fail. */
  readonly errorShare?: Level;
  /** Extra failing invocations at given minutes (a poison message received again and again). */
  readonly failures?: readonly Pulse[];
  /** Median duration, default 120 ms; durations are log-normal with `durationSpread` (default 0.5). */
  readonly medianDurationMs?: Level;
  readonly durationSpread?: number;
  /** Reads this SQS queue through an event source mapping (which polls it: the queue stays active). */
  readonly queue?: string;
  /**
   * Reads this Kinesis stream through an event source mapping: while `polling` (default 1) it calls
   * GetRecords and is invoked with batches whose last record is `lagMs` old (default 500 ms).
   */
  readonly stream?: { readonly name: string; readonly polling?: Level; readonly lagMs?: Level };
}

export interface QueueLoad {
  readonly kind: "queue";
  readonly name: string;
  readonly tags?: Tags;
  /** Name of this queue's dead-letter queue (listed before it). */
  readonly deadLetterQueue?: string;
  readonly maxReceiveCount?: number;
  /** Messages sent a minute; a consumer, when the queue has one, keeps up with them. */
  readonly sentPerMinute?: Level;
  /** Messages moved here by a redrive policy or a failed delivery (a DLQ); they stay until drained. */
  readonly arrivals?: readonly Pulse[];
  /** Minutes at which on-call redrives or purges the queue. */
  readonly drainedAt?: readonly number[];
}

/** A non-Lambda application reading a stream with GetRecords (a KCL consumer). */
export interface StreamReader {
  readonly name: string;
  /** 1 while it calls GetRecords, 0 once it stopped. Default 1. */
  readonly polling?: Level;
  /** Age of the last record it reads, ms. Default 500. */
  readonly lagMs?: Level;
}

export interface StreamLoad {
  readonly kind: "stream";
  readonly name: string;
  readonly shards?: number;
  readonly retentionHours?: number;
  readonly tags?: Tags;
  readonly recordsPerMinute: Level;
  readonly readers?: readonly StreamReader[];
}

export interface TableLoad {
  readonly kind: "table";
  readonly name: string;
  readonly tags?: Tags;
  readonly requestsPerMinute: Level;
  /** HTTP 500s a minute, spread over GetItem, PutItem and Query. */
  readonly systemErrorsPerMinute?: Level;
  readonly readThrottlesPerMinute?: Level;
  readonly writeThrottlesPerMinute?: Level;
}

export interface ApiLoad {
  readonly kind: "rest-api" | "http-api";
  readonly name: string;
  /** Default "prod" (REST) or "$default" (HTTP). */
  readonly stage?: string;
  readonly tags?: Tags;
  readonly requestsPerMinute: Level;
  readonly serverErrorShare?: Level;
  readonly clientErrorShare?: Level;
  /** Default 80 ms, log-normal with spread 0.5. */
  readonly medianLatencyMs?: Level;
}

export interface WebSocketLoad {
  readonly kind: "websocket-api";
  readonly name: string;
  /** Default "production". */
  readonly stage?: string;
  readonly tags?: Tags;
  /** Messages from clients a minute, Poisson around this mean. */
  readonly messagesPerMinute: Level;
  /** Share of messages API Gateway refuses before calling the integration (ClientError). */
  readonly clientErrorShare?: Level;
  /** Share of the messages passed on whose integration call fails (ExecutionError). */
  readonly executionErrorShare?: Level;
  /** Default 60 ms, log-normal with spread 0.5. */
  readonly medianIntegrationLatencyMs?: Level;
}

export interface StateMachineLoad {
  readonly kind: "state-machine";
  readonly name: string;
  /** Default STANDARD. An Express execution runs at most 5 minutes. */
  readonly type?: "STANDARD" | "EXPRESS";
  /** The definition's TimeoutSeconds; absent: none (a Standard execution then runs up to a year). */
  readonly timeoutSeconds?: number;
  readonly tags?: Tags;
  readonly executionsPerMinute: Level;
  /** Share of executions that end in a Fail state (or a failed task). */
  readonly failedShare?: Level;
  /**
   * Median execution time of the executions started in a minute, default 2 s; log-normal with
   * `durationSpread` (default 0.5). An execution ends that much later, and one that would run past the
   * timeout times out at it.
   */
  readonly medianDurationMs?: Level;
  readonly durationSpread?: number;
}

export interface RuleLoad {
  readonly kind: "rule";
  readonly name: string;
  /** Default "default"; another bus is created. */
  readonly bus?: string;
  readonly tags?: Tags;
  readonly eventsPerMinute: Level;
  readonly failedShare?: Level;
}

export interface TopicLoad {
  readonly kind: "topic";
  readonly name: string;
  readonly tags?: Tags;
  readonly publishesPerMinute: Level;
  readonly failedShare?: Level;
}

export type Load =
  | FunctionLoad
  | QueueLoad
  | StreamLoad
  | TableLoad
  | ApiLoad
  | WebSocketLoad
  | StateMachineLoad
  | RuleLoad
  | TopicLoad;

/** A page is expected from one of these catalog entries, naming `naming` when given; or none at all. */
export type Expectation =
  | { readonly page: true; readonly by: readonly string[]; readonly naming?: string }
  | { readonly page: false };

export interface Scenario {
  /** Short, stable: the row key of the report and of docs/alerts.md. */
  readonly id: string;
  readonly title: string;
  readonly kind: "incident" | "baseline";
  readonly loads: readonly Load[];
  /** Incident: how long the fault lasts. Baseline: how long it is measured (after the warm-up). */
  readonly minutes: number;
  /** Default 120: alarms settle into OK on normal traffic before anything happens. */
  readonly warmupMinutes?: number;
  /** Incidents: default 60, time to recover and send OK notifications. Baselines: 0. */
  readonly recoveryMinutes?: number;
  /**
   * The real circuit breaker (lib/breaker, through the account's API, as the breaker function calls it)
   * trips `functionName` at minute `trip` and resets it at `reset`. Each sends a hint to the hints queue,
   * and the reconcile runs again when the queue's batch window has passed.
   */
  readonly breaker?: { readonly functionName: string; readonly trip: number; readonly reset: number };
  readonly expect: Expectation;
  /** One line for the report: what "detected" means here. */
  readonly detectedMeans: string;
}
