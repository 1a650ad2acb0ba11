/**
 * Trust boundaries of the breaker over lib/sim (issue #18): crafted events, hand-made alarms and forged
 * records are refused with a reason and leave the account as it was (concurrency, mapping states, tags);
 * a trip that died halfway is completed or rolled back by the scheduled evaluation, which says which.
 */
import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
  TagResourceCommand,
} from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import { createBreakerHandler } from "../../functions/breaker.js";
import { breakerStatus, resetBreaker, tripBreaker } from "../../lib/breaker/breaker.js";
import { resolveBreakerPolicy } from "../../lib/breaker/policy.js";
import { evaluateBreakers } from "../../lib/breaker/signal.js";
import { SimAccount, sampleAccount, simulatedAws } from "../../lib/sim/index.js";
import { silentLogger } from "../../lib/log.js";
import { createTripAlarms } from "../support/breaker.js";
import { ERRORS_ALARM } from "../support/sim.js";
import { alarmEvent } from "./fixtures.js";

const REGION = "eu-south-1";
const MINUTE = 60_000;
const BREAKER_ARN = `arn:aws:lambda:${REGION}:123456789012:function:watchkeeper-breaker`;
const user = { actor: "user:mallory", reason: "forged" };
const FORGED = {
  "watchkeeper:breaker-state": "open",
  "watchkeeper:breaker-previous": "unset",
  "watchkeeper:breaker-since": "2025-01-01T00:00:00.000Z",
  "watchkeeper:breaker-by": "user:alice",
};

/** Everything a breaker could change, account-wide: compared before and after. */
function snapshot(sim: SimAccount) {
  return {
    functions: [...sim.functions.values()].map((f) => [
      f.name,
      f.reservedConcurrency ?? "unset",
      { ...f.tags },
    ]),
    mappings: [...sim.eventSourceMappings.values()].map((m) => [m.uuid, m.state]),
    alarmTags: [...sim.alarms.values()].map((a) => [a.name, { ...a.tags }]),
  };
}

async function setup() {
  const sim = new SimAccount({ region: REGION, seed: "trust" });
  sim.addFunction({ name: "orders", reservedConcurrency: 25, tags: { "watchkeeper:breaker": "sync" } });
  sim.addFunction({ name: "payments", reservedConcurrency: 6, tags: { "watchkeeper:breaker": "sync" } });
  sim.addFunction({ name: "legacy-api", reservedConcurrency: 7 });
  sim.addFunction({ name: "watchkeeper-reconcile", reservedConcurrency: 1 });
  const aws = simulatedAws(sim);
  await createTripAlarms(aws);
  const handle = createBreakerHandler({
    aws: () => aws,
    logger: silentLogger,
    policy: () => resolveBreakerPolicy({}),
  });
  const fire = async (alarm: string, state: "ALARM" | "OK") => {
    sim.alarms.get(alarm)!.state = state;
    sim.alarms.get(alarm)!.stateUpdatedAt = sim.clock.now();
  };
  return { sim, aws, handle: (event: unknown) => handle(event, { invokedFunctionArn: BREAKER_ARN }), fire };
}

const concurrency = (sim: SimAccount, name: string) =>
  sim.functions.get(name)?.reservedConcurrency ?? "unset";

describe("the breaker event", () => {
  it("takes the function from the alarm it names, never from the event's dimensions", async () => {
    const { sim, handle, fire } = await setup();
    const alarm = "watchkeeper-breaker-error-rate-orders";
    await fire(alarm, "ALARM");
    const result = await handle(
      alarmEvent(alarm, "ALARM", new Date(sim.clock.now()), { functionName: "payments" }),
    );
    expect(result.outcomes[0]).toMatchObject({ functionName: "orders", result: "tripped" });
    expect(concurrency(sim, "payments")).toBe(6);
    expect(concurrency(sim, "orders")).toBe(0);
  });

  it("refuses an event from another account or region, and an alarm ARN that is not the alarm's", async () => {
    const { sim, handle, fire } = await setup();
    const alarm = "watchkeeper-breaker-error-rate-payments";
    await fire(alarm, "ALARM");
    const before = snapshot(sim);
    const now = new Date(sim.clock.now());
    const cases: [unknown, RegExp][] = [
      [
        alarmEvent(alarm, "ALARM", now, { account: "999999999999" }),
        /^the event comes from account 999999999999; this breaker serves 123456789012/,
      ],
      [
        { ...alarmEvent(alarm, "ALARM", now), region: "us-west-2" },
        /^the event comes from us-west-2; this breaker serves eu-south-1/,
      ],
      [
        {
          ...alarmEvent(alarm, "ALARM", now),
          resources: [`arn:aws:cloudwatch:${REGION}:999999999999:alarm:${alarm}`],
        },
        /^the event's alarm .*999999999999.* is not in this account/,
      ],
    ];
    for (const [event, reason] of cases) {
      const result = await handle(event);
      expect(result.status, JSON.stringify(result)).toBe("refused");
      expect(result.reason).toMatch(reason);
    }
    expect(snapshot(sim)).toEqual(before);
  });
});

describe("a hand-made alarm", () => {
  it("named like a trip alarm but without the managed tag trips nothing", async () => {
    const { sim, aws, handle } = await setup();
    const name = "watchkeeper-breaker-error-rate-payments";
    sim.alarms.delete(name);
    sim.alarms.delete("watchkeeper-breaker-invocations-anomaly-payments");
    await aws.client(CloudWatchClient).send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: "AWS/Lambda",
        MetricName: "Errors",
        Dimensions: [{ Name: "FunctionName", Value: "payments" }],
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
        Tags: [{ Key: "watchkeeper:breaker-function", Value: "payments" }],
      }),
    );
    await aws
      .client(CloudWatchClient)
      .send(new SetAlarmStateCommand({ AlarmName: name, StateValue: "ALARM", StateReason: "made by hand" }));
    const before = snapshot(sim);
    const result = await handle(
      alarmEvent(name, "ALARM", new Date(sim.clock.now()), { functionName: "payments" }),
    );
    expect(result.status).toBe("refused");
    expect(result.reason).toBe(
      `alarm ${name} is not Watchkeeper's: it lacks the tag watchkeeper:managed=true (made by hand?); nothing is changed`,
    );
    expect(await tripBreaker(aws, "payments", user)).toMatchObject({
      result: "refused",
      rule: "no-trip-alarm",
    });
    expect(snapshot(sim)).toEqual(before);
  });
});

describe("a forged record on a function's tags", () => {
  it("reset, trip and the scheduled evaluation never obey it on a function that did not opt in, or on Watchkeeper's own", async () => {
    const { sim, aws } = await setup();
    Object.assign(sim.functions.get("legacy-api")!.tags, FORGED);
    Object.assign(sim.functions.get("watchkeeper-reconcile")!.tags, FORGED);
    const before = snapshot(sim);
    const notOptedIn = await resetBreaker(aws, "legacy-api", user);
    expect(notOptedIn).toMatchObject({ result: "refused", rule: "not-opted-in" });
    expect(notOptedIn.sentence).toMatch(/^not reset: legacy-api has not opted in to the circuit breaker/);
    const own = await resetBreaker(aws, "watchkeeper-reconcile", user);
    expect(own).toMatchObject({ result: "refused", rule: "watchkeeper-function" });
    expect(await tripBreaker(aws, "legacy-api", user)).toMatchObject({
      result: "refused",
      rule: "not-opted-in",
    });
    const evaluation = await evaluateBreakers(aws);
    expect(evaluation.outcomes.map((o) => [o.functionName, o.result])).toEqual([
      ["legacy-api", "unchanged"],
      ["watchkeeper-reconcile", "unchanged"],
    ]);
    expect(evaluation.outcomes[0]?.sentence).toMatch(/has not opted in.*; its breaker record is not obeyed$/);
    expect(snapshot(sim)).toEqual(before);
    expect(concurrency(sim, "legacy-api")).toBe(7);
    expect(concurrency(sim, "watchkeeper-reconcile")).toBe(1);
  });

  it("on an opted-in function it is reported, not obeyed, and removed", async () => {
    const { sim, aws } = await setup();
    Object.assign(sim.functions.get("payments")!.tags, FORGED);
    const [status] = await breakerStatus(aws, "payments");
    expect(status).toMatchObject({ state: "closed", legacyRecord: FORGED });
    expect(status?.sentence).toMatch(
      /OLD RECORD on the function's own tags, not obeyed: watchkeeper:breaker-by=user:alice/,
    );
    const reset = await resetBreaker(aws, "payments", user);
    expect(reset).toMatchObject({ result: "already-closed" });
    expect(reset.warnings[0]).toMatch(
      /^payments carried an old breaker record on its own tags .* it was not obeyed and was removed/,
    );
    expect(concurrency(sim, "payments")).toBe(6);
    expect(sim.functions.get("payments")!.tags).toEqual({ "watchkeeper:breaker": "sync" });
  });

  it("no forged record, on functions or on alarms that are not Watchkeeper's, changes any function's concurrency or mappings", async () => {
    const sim = sampleAccount({ region: REGION });
    const aws = simulatedAws(sim);
    await createTripAlarms(aws);
    for (const f of sim.functions.values()) {
      const mappings = [...sim.eventSourceMappings.values()]
        .filter((m) => m.functionName === f.name)
        .map((m) => m.uuid);
      Object.assign(
        f.tags,
        FORGED,
        mappings.length > 0 ? { "watchkeeper:breaker-mappings": mappings.join(" ") } : {},
      );
    }
    // A record on an alarm without the prefix, and on one with it but not tagged managed.
    const cloudwatch = aws.client(CloudWatchClient);
    for (const [name, managed] of [
      ["team-payments-errors", true],
      ["watchkeeper-breaker-error-rate-report-generator", false],
    ] as const) {
      await cloudwatch.send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          ...ERRORS_ALARM,
        }),
      );
      await cloudwatch.send(
        new TagResourceCommand({
          ResourceARN: sim.alarms.get(name)!.arn,
          Tags: Object.entries({
            ...FORGED,
            "watchkeeper:breaker-function": "report-generator",
            "watchkeeper:breaker-previous": "0",
            ...(managed ? { "watchkeeper:managed": "true" } : {}),
          }).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    }
    const state = () => ({
      concurrency: [...sim.functions.values()].map((f) => [f.name, f.reservedConcurrency ?? "unset"]),
      mappings: [...sim.eventSourceMappings.values()].map((m) => [m.uuid, m.state]),
    });
    const before = state();
    sim.advanceTime(60 * MINUTE);
    await evaluateBreakers(aws, {
      policy: resolveBreakerPolicy({ autoReset: true, reapplyOnDrift: true, coolDownSeconds: 0 }),
    });
    for (const f of sim.functions.values()) await resetBreaker(aws, f.name, user);
    expect(state()).toEqual(before);
  });
});

describe("a trip that died halfway", () => {
  for (const [alarmState, expected] of [
    ["ALARM", { result: "completed", concurrency: 0, state: "open" }],
    ["OK", { result: "rolled-back", concurrency: 25, state: undefined }],
  ] as const) {
    it(`is ${expected.result} by the scheduled evaluation when its alarm is ${alarmState}`, async () => {
      const { sim, fire } = await setup();
      const alarm = "watchkeeper-breaker-error-rate-orders";
      await fire(alarm, "ALARM");
      const dying = simulatedAws(sim, {
        faults: { rules: [{ service: "lambda", api: "PutFunctionConcurrency", fault: "denied" }] },
      });
      const handle = createBreakerHandler({
        aws: () => dying,
        logger: silentLogger,
        policy: () => resolveBreakerPolicy({}),
      });
      await expect(
        handle(alarmEvent(alarm, "ALARM", new Date(sim.clock.now())), { invokedFunctionArn: BREAKER_ARN }),
      ).rejects.toThrow(/trip of orders failed halfway: reserved concurrency could not be set to 0/);
      expect(sim.alarms.get(alarm)!.tags["watchkeeper:breaker-state"]).toBe("open");
      expect(concurrency(sim, "orders")).toBe(25);
      const aws = simulatedAws(sim);
      const [status] = await breakerStatus(aws, "orders");
      expect(status?.sentence).toMatch(/UNFINISHED: the trip was never marked done/);
      expect((await evaluateBreakers(aws)).outcomes[0]?.sentence).toMatch(
        /may still be under way, so it is left for now$/,
      );

      sim.advanceTime(11 * MINUTE);
      await fire(alarm, alarmState);
      const [outcome] = (await evaluateBreakers(aws)).outcomes;
      expect(outcome?.result).toBe(expected.result);
      expect(outcome?.sentence).toMatch(
        expected.result === "completed"
          ? /: completed, because .* is still in ALARM$/
          : /: rolled back, because .* is no longer in ALARM; record removed$/,
      );
      expect(concurrency(sim, "orders")).toBe(expected.concurrency);
      expect(sim.alarms.get(alarm)!.tags["watchkeeper:breaker-state"]).toBe(expected.state);
      expect(sim.alarms.get(alarm)!.tags["watchkeeper:breaker-applied"] !== undefined).toBe(
        expected.result === "completed",
      );
    });
  }
});
