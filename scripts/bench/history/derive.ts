/**
 * What each resource of an account does on average, read from the account itself (its functions, event
 * source mappings, queues and their redrive policies, streams, tables, APIs, state machines, rules and
 * their targets, topics and their subscriptions) and written in the alert suite's vocabulary (`Load`).
 * Nothing here knows a resource's name: a function's traffic follows what invokes it (a queue's sends, a
 * stream's records, a rule's events, a topic's publishes), and what nothing visible invokes (an API's
 * handler, a function called directly) is busy or quiet by a seeded draw per resource, so the same account
 * and seed always give the same loads, and adding a resource changes no other's.
 */
import { Rng } from "../../../lib/sim/random.js";
import type { SimAccount, SimFunction, SimQueue } from "../../../lib/sim/index.js";
import type { FunctionLoad, Load, Pulse } from "../alerts/loads.js";
import type { ResourceIds } from "../alerts/traffic.js";
import { SPIKE_FACTOR, shaped, type TrafficShape } from "./shape.js";

const MINUTE_MS = 60_000;

/** What one resource does, for the docs: the load's kind and name, and its rate at the daily peak. */
export interface ResourceProfile {
  readonly kind: Load["kind"];
  readonly name: string;
  readonly arn: string;
  /** "busy", "quiet", "consumer of queue payments", "dead-letter queue of payments", ... */
  readonly role: string;
  /** Requests, messages, records, executions, events or publishes a minute at the weekday peak. */
  readonly peakPerMinute: number;
}

/** Resources the history publishes nothing for, by kind, and why. */
export interface SkippedResources {
  readonly kind: string;
  readonly names: readonly string[];
  readonly why: string;
}

export interface AccountLoads {
  readonly loads: Load[];
  readonly profiles: ResourceProfile[];
  readonly skipped: SkippedResources[];
  readonly ids: ResourceIds;
}

/** The history's window: minute 0 is `start`, epoch ms; the last minute ends at `end`. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/**
 * A team sizes a reservation above its spikes: peak mean concurrency at most this share of it, so a spike
 * (SPIKE_FACTOR) at the minute's busiest second (the model's 1.25 × the mean) stays within it.
 */
const RESERVATION_SHARE = 0.8 / (SPIKE_FACTOR * 1.25);
/** Busy functions fail about once in this many minutes at the peak: single errors, no incident. */
const MINUTES_PER_SINGLE_ERROR = 40;
/** State machines whose workflows end in a Fail state this often, by design (a rejected application). */
const FAIL_STATE_SHARE = 0.02;

const nameOfArn = (arn: string) => arn.slice(arn.lastIndexOf(":") + 1);
const functionNameOf = (ref: string) =>
  ref.startsWith("arn:") ? (/:function:([^:]+)/.exec(ref)?.[1] ?? ref) : ref;
const sorted = <T>(registry: { keys(): readonly string[]; get(key: string): T | undefined }): T[] =>
  registry.keys().map((k) => registry.get(k)!);
/** Three significant digits: a daily job is 0.000694 a minute, not 0. */
const round = (n: number) => Number(n.toPrecision(3));

/** Events a minute of a schedule expression: rate(N unit) exactly; cron by how often its hours and minutes fire. */
function scheduleRate(expression: string): number {
  const rate = /^rate\((\d+)\s+(minute|hour|day)s?\)$/.exec(expression.trim());
  if (rate) return 1 / (Number(rate[1]) * { minute: 1, hour: 60, day: 1440 }[rate[2] as "minute"]);
  const cron = /^cron\((\S+)\s+(\S+)\s/.exec(expression.trim());
  if (!cron) return 1 / 60;
  const fires = (field: string, range: number) =>
    field === "*" ? range : field.startsWith("*/") ? range / Number(field.slice(2)) : field.split(",").length;
  return (fires(cron[1]!, 60) * fires(cron[2]!, 24)) / 1440;
}

export function deriveLoads(
  sim: SimAccount,
  window: Window,
  shape: TrafficShape,
  seed: string,
): AccountLoads {
  const rngOf = (kind: string, name: string) => new Rng(`${seed}/${kind}/${name}`);
  const loads: Load[] = [];
  const profiles: ResourceProfile[] = [];
  const skipped = new Map<string, { names: string[]; why: string }>();
  const skip = (kind: string, name: string, why: string) => {
    const entry = skipped.get(kind) ?? { names: [], why };
    entry.names.push(name);
    skipped.set(kind, entry);
  };
  const profile = (load: Load, arn: string, role: string, peakPerMinute: number) => {
    loads.push(load);
    profiles.push({ kind: load.kind, name: load.name, arn, role, peakPerMinute: round(peakPerMinute) });
  };

  const functions = sorted(sim.functions);
  const mappings = sorted(sim.eventSourceMappings).filter((m) => m.state === "Enabled");
  const mappingsOf = (fn: SimFunction) => mappings.filter((m) => functionNameOf(m.functionName) === fn.name);
  const queueConsumers = new Map<string, number>();
  for (const m of mappings)
    if (m.eventSourceArn.includes(":sqs:"))
      queueConsumers.set(m.eventSourceArn, (queueConsumers.get(m.eventSourceArn) ?? 0) + 1);

  // Where failures go: nothing sends to these queues; only an incident moves messages in.
  const failureTargets = new Set<string>();
  for (const q of sorted(sim.queues))
    if (q.redrivePolicy) failureTargets.add(q.redrivePolicy.deadLetterTargetArn);
  for (const fn of functions) {
    if (fn.deadLetterTargetArn) failureTargets.add(fn.deadLetterTargetArn);
    if (fn.eventInvokeConfig?.onFailure) failureTargets.add(fn.eventInvokeConfig.onFailure);
  }
  for (const m of sorted(sim.eventSourceMappings))
    if (m.onFailureDestination) failureTargets.add(m.onFailureDestination);
  for (const r of sorted(sim.rules))
    for (const t of r.targets) if (t.deadLetterArn) failureTargets.add(t.deadLetterArn);
  for (const s of sorted(sim.subscriptions)) if (s.deadLetterArn) failureTargets.add(s.deadLetterArn);

  // Queues: a polled queue's sends follow the shape; its consumers keep up.
  const queuePeak = new Map<string, number>();
  for (const q of sorted(sim.queues)) {
    const deadLetterQueue = q.redrivePolicy ? nameOfArn(q.redrivePolicy.deadLetterTargetArn) : undefined;
    const base = {
      kind: "queue" as const,
      name: q.name,
      ...(deadLetterQueue ? { deadLetterQueue, maxReceiveCount: q.redrivePolicy!.maxReceiveCount } : {}),
    };
    if (queueConsumers.has(q.arn)) {
      const rng = rngOf("queue", q.name);
      const peak = rng.chance(0.4) ? rng.between(60, 400) : rng.between(2, 20);
      queuePeak.set(q.arn, peak);
      profile({ ...base, sentPerMinute: shaped(peak, shape) }, q.arn, "polled by Lambda", peak);
      continue;
    }
    // Messages the queue holds at the end were in it from when they were sent (from the start, if earlier).
    const arrivals = heldArrivals(q, window);
    const role = failureTargets.has(q.arn)
      ? "dead-letter queue or on-failure destination: no sends"
      : "no Lambda consumer: no sends (the model has no other consumer, and would keep every message)";
    profile({ ...base, ...(arrivals.length > 0 ? { arrivals } : {}) }, q.arn, role, 0);
  }

  // Kinesis streams: records follow the shape. Enhanced fan-out consumers read with SubscribeToShard,
  // whose metrics the model lacks; they publish no GetRecords metrics either.
  const streamPeak = new Map<string, { peak: number; shards: number }>();
  for (const s of sorted(sim.streams)) {
    const rng = rngOf("stream", s.name);
    const peak = s.shardCount * rng.between(200, 1500);
    streamPeak.set(s.arn, { peak, shards: s.shardCount });
    profile(
      {
        kind: "stream",
        name: s.name,
        shards: s.shardCount,
        retentionHours: s.retentionHours,
        recordsPerMinute: shaped(peak, shape),
      },
      s.arn,
      `${s.shardCount} shard${s.shardCount === 1 ? "" : "s"}`,
      peak,
    );
    for (const c of s.consumers)
      skip(
        "stream consumer (enhanced fan-out)",
        `${s.name}/${c.name}`,
        "reads with SubscribeToShard, whose metrics the model lacks",
      );
  }

  // Tables: requests follow the shape; a table stream's Lambda reader is a function below.
  const tablePeak = new Map<string, number>();
  for (const t of sorted(sim.tables)) {
    const rng = rngOf("table", t.name);
    const busy = rng.chance(0.5);
    const peak = busy ? rng.between(300, 3000) : rng.between(5, 60);
    if (t.stream) tablePeak.set(t.stream.arn, peak);
    const role = busy ? "busy" : "quiet";
    profile({ kind: "table", name: t.name, requestsPerMinute: shaped(peak, shape) }, t.arn, role, peak);
    if (t.stream)
      skip(
        "DynamoDB stream",
        t.name,
        "DynamoDB Streams' own metrics (ReturnedRecordsCount, ...) are not modeled; a Lambda reader's IteratorAge is",
      );
  }

  // Rules and topics, before the functions they invoke.
  const invokedBy = new Map<string, { peak: number; by: string[]; shapedBy: boolean }>();
  const invoke = (fnRef: string, peak: number, by: string, follows: boolean) => {
    const name = functionNameOf(fnRef);
    const entry = invokedBy.get(name) ?? { peak: 0, by: [], shapedBy: false };
    entry.peak += peak;
    entry.by.push(by);
    entry.shapedBy ||= follows;
    invokedBy.set(name, entry);
  };
  for (const r of sorted(sim.rules)) {
    if (r.state === "DISABLED") {
      skip("rule", r.name, "disabled: no events");
      continue;
    }
    const rng = rngOf("rule", `${r.eventBusName}/${r.name}`);
    const schedule = r.scheduleExpression !== undefined;
    const peak = schedule ? scheduleRate(r.scheduleExpression!) : rng.between(1, 20) / 2;
    const eventsPerMinute = schedule ? peak : shaped(peak, shape);
    profile(
      { kind: "rule", name: r.name, bus: r.eventBusName, eventsPerMinute },
      r.arn,
      schedule ? `scheduled ${r.scheduleExpression}` : "event pattern",
      peak,
    );
    for (const t of r.targets)
      if (t.arn.includes(":lambda:")) invoke(t.arn, peak, `rule ${r.name}`, !schedule);
  }
  for (const t of sorted(sim.topics)) {
    const rng = rngOf("topic", t.name);
    const peak = rng.between(1, 50) / 10;
    profile(
      { kind: "topic", name: t.name, publishesPerMinute: shaped(peak, shape) },
      t.arn,
      "publishes",
      peak,
    );
    for (const s of sorted(sim.subscriptions))
      if (s.topicArn === t.arn && s.protocol === "lambda") invoke(s.endpoint, peak, `topic ${t.name}`, true);
  }

  // Functions: what invokes them sets their rate; durations are a small share of their timeout.
  for (const fn of functions) {
    const rng = rngOf("function", fn.name);
    const timeoutMs = fn.timeout * 1000;
    const medianMs = Math.max(20, Math.round(timeoutMs * (0.01 + 0.03 * rng.next())));
    const spread = round(0.35 + 0.25 * rng.next());
    let peak = 0;
    let role: string;
    let follows = true;
    let source: Pick<FunctionLoad, "queue" | "stream"> = {};
    const own = mappingsOf(fn);
    const queueMapping = own.find((m) => m.eventSourceArn.includes(":sqs:"));
    const streamMapping = own.find((m) => /:(kinesis|dynamodb):/.test(m.eventSourceArn));
    const invoked = invokedBy.get(fn.name);
    if (queueMapping) {
      // A batch holds a few messages when the queue is busy; consumers of one queue share it.
      const fill = Math.min(5, Math.max(1, queueMapping.batchSize / 2));
      peak =
        (queuePeak.get(queueMapping.eventSourceArn) ?? 0) /
        fill /
        queueConsumers.get(queueMapping.eventSourceArn)!;
      source = { queue: nameOfArn(queueMapping.eventSourceArn) };
      role = `consumer of queue ${source.queue}`;
    } else if (streamMapping) {
      const lagMs = rng.between(300, 1500);
      const kinesis = streamPeak.get(streamMapping.eventSourceArn);
      if (kinesis) {
        // Lambda polls each shard about once a second and is invoked when records came.
        peak = Math.min(kinesis.shards * 60, kinesis.peak);
        const name = streamMapping.eventSourceArn.slice(streamMapping.eventSourceArn.indexOf("stream/") + 7);
        source = { stream: { name, lagMs } };
        role = `consumer of stream ${name}`;
      } else {
        // A DynamoDB stream: no Kinesis series of that name, so only the function's IteratorAge shows it.
        const table = /:table\/([^/]+)\//.exec(streamMapping.eventSourceArn)?.[1] ?? "?";
        peak = Math.min(60, (tablePeak.get(streamMapping.eventSourceArn) ?? 0) / 4);
        source = { stream: { name: `dynamodb:${table}`, lagMs } };
        role = `consumer of table ${table}'s stream`;
      }
    } else if (invoked) {
      peak = invoked.peak;
      follows = invoked.shapedBy;
      role = `invoked by ${invoked.by.join(", ")}`;
    } else {
      const busy = rng.chance(0.4);
      peak = busy ? rng.between(100, 600) : round(0.2 + 4.8 * rng.next());
      role = busy ? "busy (direct or API calls)" : "quiet (direct or API calls)";
    }
    const reserved = fn.reservedConcurrency;
    const meanMs = medianMs * Math.exp((spread * spread) / 2);
    if (reserved !== undefined && reserved > 0) {
      const cap = (RESERVATION_SHARE * reserved * MINUTE_MS) / meanMs;
      if (peak > cap) peak = round(cap);
      role += `, reserved concurrency ${reserved}`;
    }
    const busy = peak >= 50;
    const load: FunctionLoad = {
      kind: "function",
      name: fn.name,
      timeoutSeconds: fn.timeout,
      ...(reserved !== undefined ? { reservedConcurrency: reserved } : {}),
      requestsPerMinute: follows ? shaped(peak, shape) : peak,
      ...(busy ? { errorShare: 1 / (MINUTES_PER_SINGLE_ERROR * peak) } : {}),
      medianDurationMs: medianMs,
      durationSpread: spread,
      ...source,
    };
    profile(load, fn.arn, role, peak);
  }

  // APIs: the first stage takes the traffic, other stages a trickle. A REST API's metrics are named by its
  // name, so a second API of the same name would share them: left out.
  const apiNames = new Set<string>();
  const httpApiIds = new Map<string, string>();
  const apis = [
    ...sorted(sim.restApis).map((a) => ({ kind: "rest-api" as const, api: a, stages: a.stages })),
    ...sorted(sim.httpApis).map((a) => ({ kind: "http-api" as const, api: a, stages: a.stages })),
  ];
  for (const { kind, api, stages } of apis) {
    if ("protocolType" in api && api.protocolType === "WEBSOCKET") {
      skip(
        "WebSocket API",
        api.name,
        "the history does not derive WebSocket loads yet (the incident suite has them)",
      );
      continue;
    }
    if (apiNames.has(`${kind}/${api.name}`)) {
      skip(
        kind,
        `${api.name} (${api.id})`,
        "another API of the same kind has this name; loads are keyed by name",
      );
      continue;
    }
    apiNames.add(`${kind}/${api.name}`);
    if (kind === "http-api") httpApiIds.set(api.name, api.id);
    const rng = rngOf(kind, api.name);
    const peak = rng.between(100, 800);
    const clientErrorShare = round(0.01 + 0.04 * rng.next());
    const medianLatencyMs = rng.between(40, 150);
    stages.forEach((stage, i) => {
      const stagePeak = i === 0 ? peak : Math.max(0.5, round(peak * 0.02));
      profile(
        {
          kind,
          name: api.name,
          stage: stage.name,
          requestsPerMinute: shaped(stagePeak, shape),
          serverErrorShare: 0.0005,
          clientErrorShare,
          medianLatencyMs,
        },
        api.arn,
        `stage ${stage.name}`,
        stagePeak,
      );
    });
  }

  for (const m of sorted(sim.stateMachines)) {
    const rng = rngOf("state-machine", m.name);
    const peak = rng.between(1, 20) / 2;
    profile(
      {
        kind: "state-machine",
        name: m.name,
        executionsPerMinute: shaped(peak, shape),
        failedShare: FAIL_STATE_SHARE,
      },
      m.arn,
      `${FAIL_STATE_SHARE * 100} % of executions end in a Fail state by design`,
      peak,
    );
  }

  if (sim.logGroups.size > 0)
    skipped.set("log group", {
      names: sim.logGroups.keys().slice(),
      why: "CloudWatch Logs metrics (IncomingBytes, IncomingLogEvents) are not modeled",
    });

  return {
    loads,
    profiles,
    skipped: [...skipped].map(([kind, { names, why }]) => ({ kind, names, why })),
    ids: {
      apiId: (name) => {
        const id = httpApiIds.get(name);
        if (id === undefined) throw new Error(`no HTTP API "${name}" in the history's loads`);
        return id;
      },
      stateMachineArn: (name) => {
        const machine = sim.stateMachines.get(name);
        if (!machine) throw new Error(`no state machine "${name}" in the account`);
        return machine.arn;
      },
    },
  };
}

/**
 * Messages a queue nobody polls holds, as arrivals: each at the minute it was sent, those sent before the
 * history at its first minute, those sent at or after its end not at all (they arrive later).
 */
function heldArrivals(queue: SimQueue, window: Window): Pulse[] {
  const byMinute = new Map<number, number>();
  for (const m of queue.messages) {
    if (m.sentAt >= window.end) continue;
    const minute = Math.max(0, Math.floor((m.sentAt - window.start) / MINUTE_MS));
    byMinute.set(minute, (byMinute.get(minute) ?? 0) + 1);
  }
  return [...byMinute].sort(([a], [b]) => a - b).map(([at, count]) => ({ at, count }));
}
