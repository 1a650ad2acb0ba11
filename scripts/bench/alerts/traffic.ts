/**
 * What happened in one minute, resource by resource: requests, errors, throttles, durations, queue depths,
 * stream reads. Loads say what a resource does on average; this draws the minute's actual counts from them
 * (seeded), and keeps the little state a minute depends on (messages held in a queue); a function's
 * reservation is the account's at that minute. What CloudWatch then receives is `publish.ts`'s job.
 */
import {
  levelAt,
  pulsesAt,
  type ApiLoad,
  type FunctionLoad,
  type Load,
  type QueueLoad,
  type RuleLoad,
  type StateMachineLoad,
  type StreamLoad,
  type TableLoad,
  type TopicLoad,
  type WebSocketLoad,
} from "./loads.js";
import type { Sampler } from "./sampling.js";

/**
 * Percentiles are computed from at most this many durations a minute, drawn from the same distribution as
 * every invocation's: a random subset is noisier than all the samples, never smoother.
 */
export const DURATION_SAMPLES = 100;
/** The busiest second of a minute is busier than its mean: concurrency at peak, for throttling against a cap. */
const BURST = 1.25;
/** A polled queue holds this share of a minute's messages at a time (received within about a second). */
const WAITING_SHARE = 0.02;
/** Lambda polls each shard about once a second, and so does a KCL worker by default. */
const GET_RECORDS_PER_SHARD_MINUTE = 60;
const SYSTEM_ERROR_OPERATIONS = ["GetItem", "PutItem", "Query"] as const;
const MINUTE_MS = 60_000;
/** Step Functions quotas: an Express execution times out at 5 minutes, a Standard one at a year. */
const EXPRESS_MAX_MS = 5 * MINUTE_MS;
const STANDARD_MAX_MS = 365 * 24 * 60 * MINUTE_MS;

/** When a machine's executions time out: its TimeoutSeconds within its type's maximum. */
function executionTimeoutMs(load: StateMachineLoad): number {
  const max = load.type === "EXPRESS" ? EXPRESS_MAX_MS : STANDARD_MAX_MS;
  return load.timeoutSeconds === undefined ? max : Math.min(load.timeoutSeconds * 1000, max);
}

export interface FunctionActivity {
  readonly name: string;
  readonly invocations: number;
  readonly errors: number;
  readonly throttles: number;
  /** Up to DURATION_SAMPLES durations (ms) of the minute's invocations. */
  readonly durationsMs: readonly number[];
  /** A stream consumer that processed batches: the age of their last record, ms. */
  readonly iteratorAgeMs?: number;
  /** Mean concurrent executions in the minute. */
  readonly concurrency: number;
  readonly reservedConcurrency?: number;
}

export interface QueueActivity {
  readonly name: string;
  readonly visible: number;
  readonly inFlight: number;
  /** Age of the oldest message, seconds; undefined without messages. */
  readonly oldestAgeSeconds?: number;
  readonly sent: number;
  readonly received: number;
  readonly deleted: number;
  /** A consumer calls ReceiveMessage (an event source mapping polls continuously). */
  readonly polled: boolean;
  /** Messages were moved in (a DLQ receiving failures). */
  readonly movedIn: number;
}

export interface StreamRead {
  readonly iteratorAgeMs: number;
  readonly calls: number;
}

export interface StreamActivity {
  readonly name: string;
  readonly incomingRecords: number;
  /** One per consumer calling GetRecords this minute. */
  readonly reads: readonly StreamRead[];
}

export interface TableActivity {
  readonly name: string;
  readonly requests: number;
  readonly readThrottles: number;
  readonly writeThrottles: number;
  readonly systemErrors: readonly { readonly operation: string; readonly count: number }[];
}

export interface ApiActivity {
  readonly kind: "rest-api" | "http-api";
  /** ApiName for REST APIs, ApiId for HTTP APIs: what their metrics are named by. */
  readonly key: string;
  readonly stage: string;
  readonly requests: number;
  readonly serverErrors: number;
  readonly clientErrors: number;
  readonly latenciesMs: readonly number[];
}

export interface WebSocketActivity {
  /** What WebSocket API metrics are named by. */
  readonly apiId: string;
  readonly stage: string;
  /** Messages from clients. */
  readonly messages: number;
  /** Refused by API Gateway before the integration. */
  readonly clientErrors: number;
  /** Passed on, and the integration call failed. */
  readonly executionErrors: number;
  /** Up to DURATION_SAMPLES integration latencies (ms) of the messages passed to the integration. */
  readonly integrationLatenciesMs: readonly number[];
}

export interface StateMachineActivity {
  readonly arn: string;
  readonly started: number;
  /** Executions that ended this minute, by how they ended (they may have started minutes before). */
  readonly succeeded: number;
  readonly failed: number;
  readonly timedOut: number;
  /** How long each execution that succeeded or failed this minute ran, ms. */
  readonly executionTimesMs: readonly number[];
}

/** An execution that will end at a later minute. */
interface Ending {
  readonly ms: number;
  readonly outcome: "succeeded" | "failed" | "timed-out";
}

export interface RuleActivity {
  readonly name: string;
  readonly bus: string;
  readonly invocations: number;
  readonly failed: number;
}

export interface TopicActivity {
  readonly name: string;
  readonly published: number;
  readonly failed: number;
}

export interface MinuteActivity {
  /** Epoch ms of the minute's start. */
  readonly at: number;
  readonly functions: readonly FunctionActivity[];
  readonly queues: readonly QueueActivity[];
  readonly streams: readonly StreamActivity[];
  readonly tables: readonly TableActivity[];
  readonly apis: readonly ApiActivity[];
  readonly stateMachines: readonly StateMachineActivity[];
  readonly rules: readonly RuleActivity[];
  readonly topics: readonly TopicActivity[];
  readonly webSockets: readonly WebSocketActivity[];
  /** Reserved concurrency plus the unreserved functions' concurrency (Lambda's ClaimedAccountConcurrency). */
  readonly claimedConcurrency: number;
}

/** Ids AWS makes up at creation that metrics are named by. */
export interface ResourceIds {
  /** An HTTP or WebSocket API's id. */
  readonly apiId: (name: string) => string;
  readonly stateMachineArn: (name: string) => string;
}

/** What the account says now, where it can change during a scenario (a circuit breaker's reservation). */
export interface AccountState {
  /** The function's reserved concurrency now; undefined when it has none. */
  readonly reservedConcurrency: (functionName: string) => number | undefined;
}

/** P(X ≥ x) for a log-normal with this median and spread (Abramowitz–Stegun erfc). */
function logNormalTail(x: number, median: number, spread: number): number {
  const z = Math.log(x / median) / (spread * Math.SQRT2);
  const t = 1 / (1 + 0.3275911 * Math.abs(z));
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-z * z);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

export class Traffic {
  /** Arrival times (epoch ms) of the messages each queue holds, oldest first. */
  private readonly held = new Map<string, number[]>();
  /** Executions still running, by machine and the minute they end. */
  private readonly running = new Map<string, Map<number, Ending[]>>();
  private readonly consumers: ReadonlySet<string>;

  /**
   * `durations` draws execution times apart from `sample`, so modelling them left every other count of a
   * scenario (and the before/after comparison in docs/alerts.md) as it was.
   * `webSocketSample`: WebSocket APIs draw from a stream of their own, so adding them to a scenario leaves
   * every other load's draws as they were (and an earlier run of the scenario comparable).
   */
  constructor(
    private readonly loads: readonly Load[],
    private readonly sample: Sampler,
    private readonly ids: ResourceIds,
    private readonly account: AccountState,
    private readonly durations: Sampler = sample,
    private readonly webSocketSample: Sampler = sample,
  ) {
    this.consumers = new Set(loads.flatMap((l) => (l.kind === "function" && l.queue ? [l.queue] : [])));
  }

  minute(minute: number, at: number): MinuteActivity {
    const of = <K extends Load["kind"]>(...kinds: K[]) =>
      this.loads.filter((l): l is Extract<Load, { kind: K }> => (kinds as string[]).includes(l.kind));
    const functions = of("function").map((l) => this.fn(l, minute));
    const claimedConcurrency = functions.reduce((n, f) => n + (f.reservedConcurrency ?? f.concurrency), 0);
    return {
      at,
      functions,
      queues: of("queue").map((l) => this.queue(l, minute, at)),
      streams: of("stream").map((l) => this.stream(l, minute)),
      tables: of("table").map((l) => this.table(l, minute)),
      apis: of("rest-api", "http-api").map((l) => this.api(l, minute)),
      stateMachines: of("state-machine").map((l) => this.stateMachine(l, minute)),
      rules: of("rule").map((l) => this.rule(l, minute)),
      topics: of("topic").map((l) => this.topic(l, minute)),
      webSockets: of("websocket-api").map((l) => this.webSocket(l, minute)),
      claimedConcurrency,
    };
  }

  private fn(load: FunctionLoad, minute: number): FunctionActivity {
    const polling = load.stream ? levelAt(load.stream.polling ?? 1, minute) > 0 : true;
    const requests = polling ? this.sample.poisson(levelAt(load.requestsPerMinute, minute)) : 0;
    const median = levelAt(load.medianDurationMs ?? 120, minute);
    const spread = load.durationSpread ?? 0.5;
    const timeoutMs = (load.timeoutSeconds ?? 30) * 1000;
    const meanMs = median * Math.exp((spread * spread) / 2);
    const reserved = this.account.reservedConcurrency(load.name);
    // Concurrency is requests × duration; beyond the reservation at the minute's peak, requests are throttled.
    const demand = (requests * Math.min(meanMs, timeoutMs)) / 60_000;
    const throttledShare =
      reserved === undefined ? 0 : reserved <= 0 ? 1 : Math.max(0, 1 - reserved / (demand * BURST));
    const throttles = this.sample.binomial(requests, throttledShare);
    const pulses = pulsesAt(load.failures, minute);
    const invocations = requests - throttles + pulses;
    const timeouts = this.sample.binomial(invocations - pulses, logNormalTail(timeoutMs, median, spread));
    const failed = this.sample.binomial(invocations - pulses - timeouts, levelAt(load.errorShare, minute));
    const durationsMs = this.sample
      .logNormals(Math.min(invocations, DURATION_SAMPLES), median, spread)
      .map((ms) => Math.min(ms, timeoutMs));
    const concurrency = (invocations * Math.min(meanMs, timeoutMs)) / 60_000;
    return {
      name: load.name,
      invocations,
      errors: failed + timeouts + pulses,
      throttles,
      durationsMs,
      ...(load.stream && invocations > 0
        ? { iteratorAgeMs: this.sample.logNormal(levelAt(load.stream.lagMs ?? 500, minute), 0.3) }
        : {}),
      concurrency,
      ...(reserved !== undefined ? { reservedConcurrency: reserved } : {}),
    };
  }

  private queue(load: QueueLoad, minute: number, at: number): QueueActivity {
    const held = this.held.get(load.name) ?? [];
    this.held.set(load.name, held);
    if (load.drainedAt?.includes(minute)) held.length = 0;
    const movedIn = pulsesAt(load.arrivals, minute);
    for (let i = 0; i < movedIn; i++) held.push(at);
    const sent = this.sample.poisson(levelAt(load.sentPerMinute, minute));
    const polled = this.consumers.has(load.name);
    // Without a consumer what is sent stays; with one, a few messages wait a second or so at any time.
    if (!polled) for (let i = 0; i < sent; i++) held.push(at);
    const waiting = polled ? this.sample.poisson(sent * WAITING_SHARE) : 0;
    const visible = held.length + waiting;
    const oldest = held[0];
    return {
      name: load.name,
      visible,
      inFlight: polled ? this.sample.poisson(sent * WAITING_SHARE) : 0,
      ...(oldest !== undefined
        ? { oldestAgeSeconds: Math.round((at + 60_000 - oldest) / 1000) }
        : waiting > 0
          ? { oldestAgeSeconds: 1 + this.sample.poisson(2) }
          : {}),
      sent,
      received: polled ? sent : 0,
      deleted: polled ? sent : 0,
      polled,
      movedIn,
    };
  }

  private stream(load: StreamLoad, minute: number): StreamActivity {
    const calls = GET_RECORDS_PER_SHARD_MINUTE * (load.shards ?? 1);
    const readers = [
      ...this.loads
        .filter((l): l is FunctionLoad => l.kind === "function" && l.stream?.name === load.name)
        .map((fn) => ({ polling: fn.stream?.polling ?? 1, lagMs: fn.stream?.lagMs ?? 500 })),
      ...(load.readers ?? []).map((r) => ({ polling: r.polling ?? 1, lagMs: r.lagMs ?? 500 })),
    ];
    return {
      name: load.name,
      incomingRecords: this.sample.poisson(levelAt(load.recordsPerMinute, minute)),
      reads: readers
        .filter((r) => levelAt(r.polling, minute) > 0)
        .map((r) => ({ iteratorAgeMs: this.sample.logNormal(levelAt(r.lagMs, minute), 0.3), calls })),
    };
  }

  private table(load: TableLoad, minute: number): TableActivity {
    const systemErrors = this.sample.poisson(levelAt(load.systemErrorsPerMinute, minute));
    const byOperation = new Map<string, number>();
    for (let i = 0; i < systemErrors; i++) {
      const operation =
        SYSTEM_ERROR_OPERATIONS[Math.floor(this.sample.next() * SYSTEM_ERROR_OPERATIONS.length)]!;
      byOperation.set(operation, (byOperation.get(operation) ?? 0) + 1);
    }
    return {
      name: load.name,
      requests: this.sample.poisson(levelAt(load.requestsPerMinute, minute)),
      readThrottles: this.sample.poisson(levelAt(load.readThrottlesPerMinute, minute)),
      writeThrottles: this.sample.poisson(levelAt(load.writeThrottlesPerMinute, minute)),
      systemErrors: [...byOperation].map(([operation, count]) => ({ operation, count })),
    };
  }

  private api(load: ApiLoad, minute: number): ApiActivity {
    const requests = this.sample.poisson(levelAt(load.requestsPerMinute, minute));
    const serverErrors = this.sample.binomial(requests, levelAt(load.serverErrorShare, minute));
    const clientErrors = this.sample.binomial(
      requests - serverErrors,
      levelAt(load.clientErrorShare, minute),
    );
    return {
      kind: load.kind,
      key: load.kind === "rest-api" ? load.name : this.ids.apiId(load.name),
      stage: load.stage ?? (load.kind === "rest-api" ? "prod" : "$default"),
      requests,
      serverErrors,
      clientErrors,
      latenciesMs: this.sample.logNormals(
        Math.min(requests, DURATION_SAMPLES),
        levelAt(load.medianLatencyMs ?? 80, minute),
        0.5,
      ),
    };
  }

  private webSocket(load: WebSocketLoad, minute: number): WebSocketActivity {
    const sample = this.webSocketSample;
    const messages = sample.poisson(levelAt(load.messagesPerMinute, minute));
    const clientErrors = sample.binomial(messages, levelAt(load.clientErrorShare, minute));
    const passed = messages - clientErrors;
    return {
      apiId: this.ids.apiId(load.name),
      stage: load.stage ?? "production",
      messages,
      clientErrors,
      executionErrors: sample.binomial(passed, levelAt(load.executionErrorShare, minute)),
      integrationLatenciesMs: sample.logNormals(
        Math.min(passed, DURATION_SAMPLES),
        levelAt(load.medianIntegrationLatencyMs ?? 60, minute),
        0.5,
      ),
    };
  }

  /**
   * Executions start through the minute and end when their time has run (or at the timeout); what ended
   * this minute is what the minute reports.
   */
  private stateMachine(load: StateMachineLoad, minute: number): StateMachineActivity {
    const started = this.sample.poisson(levelAt(load.executionsPerMinute, minute));
    const failing = this.sample.binomial(started, levelAt(load.failedShare, minute));
    const running = this.running.get(load.name) ?? new Map<number, Ending[]>();
    this.running.set(load.name, running);
    const median = levelAt(load.medianDurationMs ?? 2000, minute);
    const timeoutMs = executionTimeoutMs(load);
    for (let i = 0; i < started; i++) {
      const ms = this.durations.logNormal(median, load.durationSpread ?? 0.5);
      const startedAt = this.durations.next() * MINUTE_MS;
      const timedOut = ms >= timeoutMs;
      const ran = timedOut ? timeoutMs : ms;
      const end = minute + Math.floor((startedAt + ran) / MINUTE_MS);
      const ending: Ending = {
        ms: ran,
        outcome: timedOut ? "timed-out" : i < failing ? "failed" : "succeeded",
      };
      running.set(end, [...(running.get(end) ?? []), ending]);
    }
    const ended = running.get(minute) ?? [];
    running.delete(minute);
    const count = (outcome: Ending["outcome"]) => ended.filter((e) => e.outcome === outcome).length;
    return {
      arn: this.ids.stateMachineArn(load.name),
      started,
      succeeded: count("succeeded"),
      failed: count("failed"),
      timedOut: count("timed-out"),
      executionTimesMs: ended.filter((e) => e.outcome !== "timed-out").map((e) => e.ms),
    };
  }

  private rule(load: RuleLoad, minute: number): RuleActivity {
    const invocations = this.sample.poisson(levelAt(load.eventsPerMinute, minute));
    return {
      name: load.name,
      bus: load.bus ?? "default",
      invocations,
      failed: this.sample.binomial(invocations, levelAt(load.failedShare, minute)),
    };
  }

  private topic(load: TopicLoad, minute: number): TopicActivity {
    const published = this.sample.poisson(levelAt(load.publishesPerMinute, minute));
    return {
      name: load.name,
      published,
      failed: this.sample.binomial(published, levelAt(load.failedShare, minute)),
    };
  }
}
