/**
 * The circuit breaker over lib/sim: what moto cannot show (the account's unreserved minimum, DLQs and
 * on-failure destinations), the account-wide rate guard, and the EventBridge handler under duplicate,
 * late, reordered and malformed events, with auto-reset through half-open. Every test asserts on the
 * simulated account's state: concurrency, mapping states, tags.
 */
import { CloudWatchClient, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { InvokeCommand, LambdaClient, PutFunctionConcurrencyCommand } from "@aws-sdk/client-lambda";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Aws } from "../../lib/aws/index.js";
import { breakerStatus, resetBreaker, tripBreaker } from "../../lib/breaker/breaker.js";
import {
  resolveBreakerPolicy,
  type BreakerPolicy,
  type BreakerPolicyInput,
} from "../../lib/breaker/policy.js";
import { BREAKER_TAGS } from "../../lib/breaker/record.js";
import { evaluateBreakers } from "../../lib/breaker/signal.js";
import { discoverInventory } from "../../lib/inventory/index.js";
import { SimAccount, sampleAccount, simulatedAws } from "../../lib/sim/index.js";
import { normalizeDimensions } from "../../lib/sim/metrics.js";
import { createBreakerHandler, parseBreakerEvent } from "../../functions/breaker.js";
import { createTripAlarms } from "../support/breaker.js";
import { alarmEvent } from "./fixtures.js";

const REGION = "eu-south-1";
const MINUTE = 60_000;
const user = { actor: "user:oncall", reason: "error storm" };

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

function capture() {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: "info" },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  return { lines, logger };
}

function account(limit = 1000): { sim: SimAccount; aws: Aws } {
  const sim = new SimAccount({ region: REGION, lambdaConcurrencyLimit: limit, seed: "breaker" });
  sim.addEventBus({ name: "orders-bus" });
  return { sim, aws: simulatedAws(sim) };
}

function concurrency(sim: SimAccount, name: string): number | "unset" {
  return sim.functions.get(name)?.reservedConcurrency ?? "unset";
}

/** The record's tags on the function's trip alarms (where the breaker keeps it), and any on the function itself. */
function breakerTags(sim: SimAccount, name: string): Record<string, string> {
  const onAlarms = [...sim.alarms.values()]
    .filter((alarm) => alarm.name.startsWith("watchkeeper-breaker-") && alarm.name.endsWith(`-${name}`))
    .map((alarm) => alarm.tags);
  const tags = Object.assign({}, ...onAlarms, sim.functions.get(name)?.tags ?? {}) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(tags).filter(
      ([key]) => key.startsWith("watchkeeper:breaker-") && key !== "watchkeeper:breaker-function",
    ),
  );
}

/** What a breaker leaves on a function: comparable across runs. */
function endState(sim: SimAccount, name: string) {
  const tags = breakerTags(sim, name);
  return {
    concurrency: concurrency(sim, name),
    state: tags[BREAKER_TAGS.state] ?? "closed",
    previous: tags[BREAKER_TAGS.previous],
    by: tags[BREAKER_TAGS.by],
  };
}

function metricCount(sim: SimAccount, metric: string, functionName: string): number {
  const series = sim.metrics.find("Watchkeeper", metric, normalizeDimensions({ FunctionName: functionName }));
  return series?.points.length ?? 0;
}

describe("restore failures", () => {
  it("keeps the record and reports when the account's unreserved minimum blocks the restore", async () => {
    const { sim, aws } = account(1000);
    sim.addFunction({ name: "big", reservedConcurrency: 800, tags: { "watchkeeper:breaker": "sync" } });
    sim.addFunction({ name: "grabber" });
    await createTripAlarms(aws);
    expect(await tripBreaker(aws, "big", user)).toMatchObject({ result: "tripped", previous: 800 });
    expect(concurrency(sim, "big")).toBe(0);

    // While it is open, someone reserves most of what it gave back.
    await aws
      .client(LambdaClient)
      .send(
        new PutFunctionConcurrencyCommand({ FunctionName: "grabber", ReservedConcurrentExecutions: 500 }),
      );
    const { lines, logger } = capture();
    const reset = await resetBreaker(aws, "big", { ...user, logger });
    expect(reset).toMatchObject({ result: "restore-failed", step: "concurrency", recordKept: true });
    expect(reset.sentence).toMatch(
      /^reset of big failed: reserved concurrency 800 could not be restored \(lambda PutFunctionConcurrency failed: InvalidParameterValueException: .*below its minimum value of \[100\].*\)\. The breaker stays open and keeps its record \(watchkeeper:breaker-previous=800\)/,
    );
    expect(endState(sim, "big")).toEqual({
      concurrency: 0,
      state: "open",
      previous: "800",
      by: "user:oncall",
    });
    expect(lines.find((l) => l.level === 50)?.msg).toBe(reset.sentence);
    expect(metricCount(sim, "BreakerResetFailures", "big")).toBe(1);
    expect((await breakerStatus(aws, "big"))[0]?.state).toBe("open");

    // Capacity back: the same record restores exactly 800.
    await aws
      .client(LambdaClient)
      .send(new PutFunctionConcurrencyCommand({ FunctionName: "grabber", ReservedConcurrentExecutions: 50 }));
    expect(await resetBreaker(aws, "big", user)).toMatchObject({ result: "reset", restored: 800 });
    expect(endState(sim, "big")).toEqual({
      concurrency: 800,
      state: "closed",
      previous: undefined,
      by: undefined,
    });
    expect(metricCount(sim, "BreakerResets", "big")).toBe(1);
  });

  it("writes nothing and changes nothing when the record cannot be written", async () => {
    const { sim, aws: plain } = account();
    sim.addFunction({ name: "crowded", reservedConcurrency: 10, tags: { "watchkeeper:breaker": "sync" } });
    await createTripAlarms(plain);
    const aws = simulatedAws(sim, {
      faults: { rules: [{ service: "cloudwatch", api: "TagResource", fault: "denied" }] },
    });
    const trip = await tripBreaker(aws, "crowded", user);
    expect(trip).toMatchObject({ result: "failed", recorded: false });
    expect(trip.sentence).toMatch(
      /record of what to restore could not be written to watchkeeper-breaker-error-rate-crowded .* so nothing was changed/,
    );
    expect(concurrency(sim, "crowded")).toBe(10);
    expect(breakerTags(sim, "crowded")).toEqual({});
  });
});

describe("async functions", () => {
  it("trips an async function that has a DLQ: new events go to the DLQ, and nothing is lost", async () => {
    const sim = sampleAccount({ region: REGION });
    const aws = simulatedAws(sim);
    sim.functions.get("notifications-sender")!.tags["watchkeeper:breaker"] = "on";
    await createTripAlarms(aws);
    const trip = await tripBreaker(aws, "notifications-sender", user);
    expect(trip).toMatchObject({ result: "tripped", mode: "zero-concurrency", previous: "unset" });
    await aws.client(LambdaClient).send(
      new InvokeCommand({
        FunctionName: "notifications-sender",
        InvocationType: "Event",
        Payload: '{"id":7}',
      }),
    );
    expect(sim.queues.get("notifications-dlq")?.messages.map((m) => m.body)).toEqual(['{"id":7}']);
    expect(await resetBreaker(aws, "notifications-sender", user)).toMatchObject({
      result: "reset",
      restored: "unset",
    });
    expect(concurrency(sim, "notifications-sender")).toBe("unset");
  });

  it("trips a function with an on-failure destination even though Watchkeeper sees no invoker", async () => {
    const sim = sampleAccount({ region: REGION });
    const aws = simulatedAws(sim);
    sim.functions.get("report-generator")!.tags["watchkeeper:breaker"] = "on";
    sim.functions.get("image-resizer")!.tags["watchkeeper:breaker"] = "on";
    await createTripAlarms(aws);
    expect(await tripBreaker(aws, "report-generator", user)).toMatchObject({
      result: "tripped",
      previous: "unset",
    });
    sim.functions.get("image-resizer")!.tags["watchkeeper:breaker"] = "on";
    expect(await tripBreaker(aws, "image-resizer", user)).toMatchObject({
      result: "refused",
      rule: "unknown-invocation-type",
    });
    expect(concurrency(sim, "image-resizer")).toBe(50);
  });

  it("refuses an SNS-invoked function without DLQ, naming the topic", async () => {
    const { sim, aws } = account();
    sim.addFunction({ name: "fanout", tags: { "watchkeeper:breaker": "on" } });
    sim.addTopic({ name: "alerts" });
    sim.addSubscription({
      topic: "alerts",
      protocol: "lambda",
      endpoint: sim.arns.of("lambda", "function:fanout"),
    });
    await createTripAlarms(aws);
    const trip = await tripBreaker(aws, "fanout", user);
    expect(trip).toMatchObject({ result: "refused", rule: "async-without-failure-destination" });
    expect(trip.sentence).toMatch(
      /invoked asynchronously by topic alerts: .* with neither they would be lost/,
    );
    expect(breakerTags(sim, "fanout")).toEqual({});
  });

  it("does not trip when the topics or rules that might invoke the function cannot be read", async () => {
    for (const [service, api] of [
      ["sns", "ListSubscriptions"],
      ["eventbridge", "ListRules"],
    ] as const) {
      const { sim } = account();
      // Declared sync, no DLQ: tripped only because nothing asynchronous is seen to invoke it.
      sim.addFunction({ name: "fanout", tags: { "watchkeeper:breaker": "sync" }, reservedConcurrency: 6 });
      await createTripAlarms(simulatedAws(sim));
      const aws = simulatedAws(sim, { faults: { rules: [{ service, api, fault: "denied" }] } });
      await expect(tripBreaker(aws, "fanout", user)).rejects.toThrow(
        new RegExp(`cannot tell what invokes the function: ${service} ${api} .*failed: .*not authorized`),
      );
      expect(concurrency(sim, "fanout")).toBe(6);
      expect(breakerTags(sim, "fanout")).toEqual({});
    }
  });
});

describe("rate guard", () => {
  it("refuses trips beyond the hourly limit, counted from the trip alarms' tags, even after resets", async () => {
    const { sim, aws } = account();
    for (const name of ["f1", "f2", "f3"])
      sim.addFunction({ name, reservedConcurrency: 5, tags: { "watchkeeper:breaker": "sync" } });
    const policy = resolveBreakerPolicy({ maxTripsPerHour: 2 });
    await createTripAlarms(aws, policy);
    expect(await tripBreaker(aws, "f1", { ...user, policy })).toMatchObject({ result: "tripped" });
    sim.advanceTime(10 * MINUTE);
    expect(await tripBreaker(aws, "f2", { ...user, policy })).toMatchObject({ result: "tripped" });
    const refused = await tripBreaker(aws, "f3", { ...user, policy });
    expect(refused).toMatchObject({ result: "refused", rule: "rate-limit" });
    expect(refused.sentence).toMatch(/2 breakers tripped in this account in the last hour/);
    expect(concurrency(sim, "f3")).toBe(5);

    // A reset does not give the trip back: the history stays on the trip alarm.
    await resetBreaker(aws, "f1", { ...user, policy });
    expect(await tripBreaker(aws, "f3", { ...user, policy })).toMatchObject({ rule: "rate-limit" });
    // The same count when an inventory supplies the invokers.
    const inventory = await discoverInventory(aws);
    expect(await tripBreaker(aws, "f3", { ...user, policy, inventory })).toMatchObject({
      rule: "rate-limit",
    });

    sim.advanceTime(51 * MINUTE); // f1's trip is now over an hour old
    expect(await tripBreaker(aws, "f3", { ...user, policy })).toMatchObject({ result: "tripped" });
    expect(concurrency(sim, "f3")).toBe(0);
  });
});

// ── The handler: alarm events ─────────────────────────────────────────────────────────────────────

const ALARM = "watchkeeper-breaker-error-rate-orders";

interface Harness {
  readonly sim: SimAccount;
  readonly aws: Aws;
  readonly lines: LogLine[];
  handle(event: unknown): ReturnType<ReturnType<typeof createBreakerHandler>>;
  /** Moves the alarm to `state` now (on the sim clock) and returns the event CloudWatch would send. */
  transition(state: "ALARM" | "OK", alarm?: string): ReturnType<typeof alarmEvent>;
}

async function harness(input: BreakerPolicyInput = {}): Promise<Harness> {
  const { sim, aws } = account();
  sim.addFunction({ name: "orders", reservedConcurrency: 25, tags: { "watchkeeper:breaker": "sync" } });
  const policy: BreakerPolicy = resolveBreakerPolicy(input);
  await createTripAlarms(aws, policy);
  const { lines, logger } = capture();
  const handle = createBreakerHandler({ aws: () => aws, logger, policy: () => policy });
  return {
    sim,
    aws,
    lines,
    handle,
    transition(state, alarm = ALARM) {
      sim.alarms.get(alarm)!.state = state;
      sim.alarms.get(alarm)!.stateUpdatedAt = sim.clock.now();
      return alarmEvent(alarm, state, new Date(sim.clock.now()), { region: REGION, functionName: "orders" });
    },
  };
}

/** Every order of `events`, each delivered after all the alarm's transitions happened. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe("handler: duplicate and out-of-order alarm events", () => {
  const autoReset = { autoReset: true, coolDownSeconds: 0, halfOpenConcurrency: 0 };

  it("ALARM then OK: delivered live, duplicated, late or reordered, it ends closed with 25 restored", async () => {
    // Live, with duplicates: ALARM trips, its duplicate is a no-op, OK resets, its duplicate is a no-op.
    const live = await harness(autoReset);
    live.sim.advanceTime(MINUTE);
    const alarm = live.transition("ALARM");
    expect((await live.handle(alarm)).outcomes[0]?.result).toBe("tripped");
    expect(endState(live.sim, "orders")).toMatchObject({ concurrency: 0, state: "open" });
    expect((await live.handle(alarm)).outcomes[0]?.result).toBe("already-open");
    live.sim.advanceTime(MINUTE);
    const ok = live.transition("OK");
    expect((await live.handle(ok)).outcomes[0]?.result).toBe("reset");
    expect((await live.handle(ok)).outcomes[0]?.result).toBe("ignored");
    const expected = { concurrency: 25, state: "closed", previous: undefined, by: undefined };
    expect(endState(live.sim, "orders")).toEqual(expected);

    // Late: both transitions happened before any event arrives, in every order, with a duplicate.
    const orders = permutations(["ALARM", "OK", "ALARM"] as const);
    for (const order of orders) {
      const h = await harness(autoReset);
      h.sim.advanceTime(MINUTE);
      const events = { ALARM: h.transition("ALARM"), OK: (h.sim.advanceTime(MINUTE), h.transition("OK")) };
      h.sim.advanceTime(MINUTE);
      for (const state of order) await h.handle(events[state]);
      expect(endState(h.sim, "orders"), order.join(",")).toEqual(expected);
    }
  });

  it("ALARM, OK, ALARM again: in any order it ends open with 25 recorded", async () => {
    const expected = { concurrency: 0, state: "open", previous: "25", by: `alarm:${ALARM}` };
    const live = await harness(autoReset);
    for (const state of ["ALARM", "OK", "ALARM"] as const) {
      live.sim.advanceTime(MINUTE);
      const event = live.transition(state);
      await live.handle(event);
      await live.handle(event);
    }
    expect(endState(live.sim, "orders")).toEqual(expected);

    for (const order of permutations([0, 1, 2])) {
      const h = await harness(autoReset);
      const events = (["ALARM", "OK", "ALARM"] as const).map(
        (state) => (h.sim.advanceTime(MINUTE), h.transition(state)),
      );
      h.sim.advanceTime(MINUTE);
      for (const i of order) await h.handle(events[i]);
      expect(endState(h.sim, "orders"), order.join(",")).toEqual(expected);
    }
  });

  it("an OK from another alarm, or older than the trip, does not reset", async () => {
    const h = await harness(autoReset);
    h.sim.advanceTime(MINUTE);
    const earlyOk = h.transition("OK", "watchkeeper-breaker-invocations-anomaly-orders");
    h.sim.advanceTime(MINUTE);
    await h.handle(h.transition("ALARM"));
    h.sim.advanceTime(MINUTE);
    const other = await h.handle(earlyOk);
    expect(other.outcomes[0]?.sentence).toMatch(
      /opened by alarm:watchkeeper-breaker-error-rate-orders, not alarm:watchkeeper-breaker-invocations-anomaly-orders/,
    );
    const stale = alarmEvent(ALARM, "OK", new Date(h.sim.clock.now() - 5 * MINUTE), { region: REGION });
    h.sim.alarms.get(ALARM)!.state = "OK";
    expect((await h.handle(stale)).outcomes[0]?.sentence).toMatch(/^stale OK event/);
    expect(endState(h.sim, "orders")).toMatchObject({ concurrency: 0, state: "open" });
  });

  it("rejects malformed events with an error line naming the field, and does nothing", async () => {
    const h = await harness(autoReset);
    h.sim.advanceTime(MINUTE);
    const good = h.transition("ALARM");
    const before = h.sim
      .stats()
      .filter((s) => s.service === "lambda")
      .reduce((n, s) => n + s.calls, 0);
    const cases: [unknown, RegExp][] = [
      ["not an event", /^not an EventBridge event: event: /],
      [{ ...good, detail: { ...good.detail, alarmName: undefined } }, /event\.detail\.alarmName: /],
      [
        { ...good, detail: { ...good.detail, state: { ...good.detail.state, value: "BROKEN" } } },
        /event\.detail\.state\.value: Invalid option/,
      ],
      [
        { ...good, detail: { ...good.detail, state: { ...good.detail.state, timestamp: "yesterday" } } },
        /event\.detail\.state\.timestamp: expected an ISO 8601 time/,
      ],
      [{ ...good, resources: [] }, /event\.resources: expected the alarm's ARN/],
      [
        { ...good, resources: ["arn:aws:sns:eu-south-1:123456789012:x"] },
        /event\.resources: expected resources\[0\] to be a CloudWatch alarm ARN/,
      ],
      [
        { ...good, resources: [`arn:aws:cloudwatch:${REGION}:123456789012:alarm:other`] },
        /event\.resources\.0: names alarm other, but event\.detail\.alarmName is /,
      ],
    ];
    for (const [event, problem] of cases) {
      h.lines.length = 0;
      const result = await h.handle(event);
      expect(result.status).toBe("rejected");
      expect(result.reason).toMatch(problem);
      expect(h.lines).toHaveLength(1);
      expect(h.lines[0]).toMatchObject({ level: 50, msg: `rejected: ${result.reason}` });
    }
    const after = h.sim
      .stats()
      .filter((s) => s.service === "lambda")
      .reduce((n, s) => n + s.calls, 0);
    expect(after).toBe(before);
    expect(endState(h.sim, "orders")).toEqual({
      concurrency: 25,
      state: "closed",
      previous: undefined,
      by: undefined,
    });

    // Not malformed, just not ours: ignored with an info line.
    const other = await h.handle({ source: "aws.s3", "detail-type": "Object Created", detail: {} });
    expect(other.status).toBe("ignored");
    expect(parseBreakerEvent({ ...good, region: "us-west-2" })).toMatchObject({
      status: "alarm",
      region: "us-west-2",
    });
    expect((await h.handle({ ...good, region: "us-west-2" })).status).toBe("refused");
    expect(endState(h.sim, "orders").state).toBe("closed");
  });

  it("reports a failed restore without throwing (a retry would fail the same way) and keeps the record", async () => {
    const h = await harness(autoReset);
    h.sim.addFunction({ name: "grabber" });
    h.sim.advanceTime(MINUTE);
    await h.handle(h.transition("ALARM"));
    await h.aws
      .client(LambdaClient)
      .send(
        new PutFunctionConcurrencyCommand({ FunctionName: "grabber", ReservedConcurrentExecutions: 880 }),
      );
    h.sim.advanceTime(MINUTE);
    const result = await h.handle(h.transition("OK"));
    expect(result.status).toBe("failed");
    expect(result.outcomes[0]).toMatchObject({ result: "restore-failed", step: "concurrency" });
    expect(endState(h.sim, "orders")).toEqual({
      concurrency: 0,
      state: "open",
      previous: "25",
      by: `alarm:${ALARM}`,
    });
  });

  it("ignores alarms that are not trip alarms and INSUFFICIENT_DATA", async () => {
    const h = await harness(autoReset);
    const foreign = alarmEvent("orders-api-5xx", "ALARM", new Date(h.sim.clock.now()), {
      region: REGION,
      functionName: "orders",
    });
    expect((await h.handle(foreign)).reason).toBe(
      "orders-api-5xx is not a trip alarm (their names start with watchkeeper-breaker-)",
    );
    const insufficient = alarmEvent(ALARM, "INSUFFICIENT_DATA", new Date(h.sim.clock.now()), {
      region: REGION,
    });
    expect((await h.handle(insufficient)).status).toBe("ignored");
    expect(endState(h.sim, "orders").state).toBe("closed");
  });
});

describe("auto-reset through half-open", () => {
  it("half-opens after the cool-down, re-opens on ALARM, closes after a quiet half-open period", async () => {
    const h = await harness({
      autoReset: true,
      coolDownSeconds: 600,
      halfOpenConcurrency: 1,
      halfOpenSeconds: 300,
    });
    const schedule = { source: "aws.events", "detail-type": "Scheduled Event", region: REGION, detail: {} };
    h.sim.advanceTime(MINUTE);
    await h.handle(h.transition("ALARM"));
    h.sim.advanceTime(MINUTE);
    const early = await h.handle(h.transition("OK"));
    expect(early.outcomes[0]?.sentence).toMatch(/stays open until its cool-down ends/);
    expect(endState(h.sim, "orders")).toMatchObject({ concurrency: 0, state: "open" });

    h.sim.advanceTime(10 * MINUTE);
    expect((await h.handle(schedule)).outcomes[0]).toMatchObject({ result: "half-open", concurrency: 1 });
    expect(endState(h.sim, "orders")).toMatchObject({ concurrency: 1, state: "half-open", previous: "25" });

    h.sim.advanceTime(MINUTE);
    expect((await h.handle(h.transition("ALARM"))).outcomes[0]?.result).toBe("reopened");
    expect(endState(h.sim, "orders")).toMatchObject({ concurrency: 0, state: "open", previous: "25" });

    h.sim.advanceTime(MINUTE);
    await h.handle(h.transition("OK"));
    h.sim.advanceTime(10 * MINUTE);
    expect((await h.handle(schedule)).outcomes[0]?.result).toBe("half-open");
    h.sim.advanceTime(2 * MINUTE);
    expect((await h.handle(schedule)).outcomes[0]?.result).toBe("unchanged");
    h.sim.advanceTime(4 * MINUTE);
    expect((await h.handle(schedule)).outcomes[0]).toMatchObject({ result: "reset", restored: 25 });
    expect(endState(h.sim, "orders")).toEqual({
      concurrency: 25,
      state: "closed",
      previous: undefined,
      by: undefined,
    });
    expect((await h.handle(schedule)).status).toBe("unchanged");
  });
});

describe("drift", () => {
  it("reports a deploy that changed concurrency while open, re-applies only when asked, and still restores the recorded value", async () => {
    const { sim, aws } = account();
    sim.addFunction({ name: "api", reservedConcurrency: 25, tags: { "watchkeeper:breaker": "sync" } });
    await createTripAlarms(aws);
    await tripBreaker(aws, "api", user);
    // The function's own stack deploys and sets its concurrency again.
    await aws
      .client(LambdaClient)
      .send(new PutFunctionConcurrencyCommand({ FunctionName: "api", ReservedConcurrentExecutions: 40 }));

    const [status] = await breakerStatus(aws, "api");
    expect(status?.drift).toEqual([
      expect.objectContaining({ kind: "concurrency", expected: 0, actual: 40 }),
    ]);
    expect(status?.sentence).toMatch(
      /DRIFT: reserved concurrency is 40, not 0 as the breaker set it .* a reset would still restore 25/,
    );

    const { lines, logger } = capture();
    const reported = await evaluateBreakers(aws, { logger });
    expect(reported.outcomes[0]).toMatchObject({ result: "unchanged", drift: [{ kind: "concurrency" }] });
    expect(lines.find((l) => l.level === 40)?.msg).toMatch(
      /api is open but reserved concurrency is 40.* reported, not re-applied/,
    );
    expect(concurrency(sim, "api")).toBe(40);

    const reapplied = await evaluateBreakers(aws, { policy: resolveBreakerPolicy({ reapplyOnDrift: true }) });
    expect(reapplied.outcomes[0]).toMatchObject({ result: "reapplied" });
    expect(concurrency(sim, "api")).toBe(0);

    await aws
      .client(LambdaClient)
      .send(new PutFunctionConcurrencyCommand({ FunctionName: "api", ReservedConcurrentExecutions: 40 }));
    expect(await tripBreaker(aws, "api", user)).toMatchObject({ result: "reapplied" }); // an explicit trip re-applies
    expect(concurrency(sim, "api")).toBe(0);
    expect(await resetBreaker(aws, "api", user)).toMatchObject({ result: "reset", restored: 25 });
    expect(concurrency(sim, "api")).toBe(25);
  });

  it("reports a mapping re-enabled while open", async () => {
    const sim = sampleAccount({ region: REGION });
    const aws = simulatedAws(sim);
    await createTripAlarms(aws);
    expect(await tripBreaker(aws, "payments-consumer", user)).toMatchObject({
      result: "tripped",
      mode: "disable-mappings",
    });
    const mapping = [...sim.eventSourceMappings.values()].find(
      (m) => m.functionName === "payments-consumer",
    )!;
    expect(mapping.state).toBe("Disabled");
    mapping.state = "Enabled";
    const [status] = await breakerStatus(aws, "payments-consumer");
    expect(status?.drift.map((d) => d.kind)).toEqual(["mapping-enabled"]);
    expect(await tripBreaker(aws, "payments-consumer", user)).toMatchObject({ result: "reapplied" });
    expect(mapping.state).toBe("Disabled");
  });
});

describe("the sample account: a simulated anomaly trips a breaker and it resets", () => {
  it("trips payments-consumer on an error-rate ALARM, then closes it when the alarm is OK", async () => {
    const sim = sampleAccount({ region: REGION });
    const aws = simulatedAws(sim);
    const policy = resolveBreakerPolicy({ autoReset: true, coolDownSeconds: 300 });
    expect(await createTripAlarms(aws, policy)).toEqual([
      "watchkeeper-breaker-error-rate-payments-consumer",
      "watchkeeper-breaker-invocations-anomaly-payments-consumer",
    ]);
    const cloudwatch = aws.client(CloudWatchClient);

    // The anomaly: every invocation fails for three minutes.
    for (let minute = 0; minute < 3; minute++) {
      for (const [metricName, value] of [
        ["Invocations", 120],
        ["Errors", 120],
      ] as const) {
        sim.emitMetric({
          namespace: "AWS/Lambda",
          metricName,
          dimensions: { FunctionName: "payments-consumer" },
          values: [value],
        });
      }
      sim.advanceTime(MINUTE);
    }
    const name = "watchkeeper-breaker-error-rate-payments-consumer";
    await cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: name,
        StateValue: "ALARM",
        StateReason: "100% of invocations failed",
      }),
    );
    const { lines, logger } = capture();
    const handle = createBreakerHandler({ aws: () => aws, logger, policy: () => policy });
    const event = (state: "ALARM" | "OK") =>
      alarmEvent(name, state, new Date(sim.clock.now()), {
        region: REGION,
        functionName: "payments-consumer",
      });
    const tripped = await handle(event("ALARM"));
    expect(tripped.status).toBe("acted");
    const mapping = [...sim.eventSourceMappings.values()].find(
      (m) => m.functionName === "payments-consumer",
    )!;
    expect(mapping.state).toBe("Disabled");
    expect(lines.at(-1)).toMatchObject({
      level: 30,
      actor: `alarm:${name}`,
      functionName: "payments-consumer",
      result: "tripped",
    });
    expect(lines.at(-1)?.msg).toMatch(
      /^tripped: disable 1 event source mapping of payments-consumer \(SQS payments\)/,
    );
    expect(metricCount(sim, "BreakerTrips", "payments-consumer")).toBe(1);
    const audited = () => sim.eventsOn("default").map((e) => [e.source, e["detail-type"], e.detail]);
    const change = { actor: "breaker", target: "payments-consumer", dryRun: false, outcome: "done" };
    expect(audited()).toEqual([["watchkeeper", "Watchkeeper Action", { ...change, action: "breaker-trip" }]]);

    sim.advanceTime(6 * MINUTE);
    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: name, StateValue: "OK", StateReason: "recovered" }),
    );
    const closed = await handle(event("OK"));
    expect(closed.outcomes[0]).toMatchObject({ result: "reset", enabledMappings: [mapping.uuid] });
    expect(mapping.state).toBe("Enabled");
    expect(breakerTags(sim, "payments-consumer")).toEqual({ [BREAKER_TAGS.trips]: expect.any(String) });
    expect(metricCount(sim, "BreakerResets", "payments-consumer")).toBe(1);
    expect(audited()).toEqual([
      ["watchkeeper", "Watchkeeper Action", { ...change, action: "breaker-trip" }],
      ["watchkeeper", "Watchkeeper Action", { ...change, action: "breaker-reset" }],
    ]);
  });
});
