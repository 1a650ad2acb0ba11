/**
 * The breaker asks the reconcile for a run when it opens or closes a function (one hint on the hints
 * queue), because the throttles aggregate leaves functions with an open breaker out and the schedule is an
 * hour away. Over lib/sim: the hints the breaker function and the library send, what a failed send does
 * (nothing but a warning), and the loop end to end — breaker → hint → reconcile → the throttles query.
 */
import { describe, expect, it } from "vitest";
import type { Aws } from "../../lib/aws/index.js";
import { resetBreaker, tripBreaker } from "../../lib/breaker/breaker.js";
import { resolveBreakerPolicy, type BreakerPolicy } from "../../lib/breaker/policy.js";
import { BREAKER_TAGS } from "../../lib/breaker/record.js";
import { parseConfig } from "../../lib/config/index.js";
import { breakerHint, breakerHints } from "../../lib/reconcile/hints.js";
import { SimAccount, simulatedAws, type FaultPlan } from "../../lib/sim/index.js";
import { createBreakerHandler } from "../../functions/breaker.js";
import { createReconcileHandler, parseTrigger } from "../../functions/reconcile.js";
import { alarmEvent } from "../breaker/fixtures.js";
import { createTripAlarms, tripAlarmRecord } from "../support/breaker.js";
import { capturingLogger, LEVEL } from "../support/logs.js";

const REGION = "eu-south-1";
const MINUTE = 60_000;
const TRIP_ALARM = "watchkeeper-breaker-error-rate-orders";
const THROTTLES = "watchkeeper-lambda-throttles";
const HINTS = "watchkeeper-resource-created-hints";
const person = { actor: "user:oncall", reason: "orders floods the payment provider" };
/** Alarm-opened breakers close on OK at once: the reset path without waiting out a cool-down. */
const AUTO_RESET: BreakerPolicy = resolveBreakerPolicy({
  autoReset: true,
  coolDownSeconds: 0,
  halfOpenConcurrency: 0,
});

const SCHEDULED = {
  version: "0",
  id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "123456789012",
  time: "2026-11-23T12:00:00Z",
  region: REGION,
  resources: [`arn:aws:events:${REGION}:123456789012:rule/watchkeeper-reconcile-schedule`],
  detail: {},
};

/** orders (opted in, synchronous, reserved 25) beside catalog, and the stack's hints queue. */
function account() {
  const sim = new SimAccount({ region: REGION, seed: "breaker-hint" });
  sim.addFunction({ name: "orders", reservedConcurrency: 25, tags: { "watchkeeper:breaker": "sync" } });
  sim.addFunction({ name: "catalog" });
  const hintsQueueUrl = sim.addQueue({ name: HINTS }).url;
  return { sim, aws: simulatedAws(sim), hintsQueueUrl };
}

/** The hints on the queue, parsed, oldest first (left on the queue). */
function hints(sim: SimAccount, url: string): unknown[] {
  return sim.queue(url)!.messages.map((m) => JSON.parse(m.body) as unknown);
}

/** The queue's messages as the SQS event source delivers them to the reconcile, taken off the queue. */
function takeBatch(sim: SimAccount, url: string) {
  const queue = sim.queue(url)!;
  const Records = queue.messages.map((m) => ({ messageId: m.id, eventSource: "aws:sqs", body: m.body }));
  queue.messages = [];
  return { Records };
}

const arnOf = (sim: SimAccount, name: string) => sim.functions.get(name)!.arn;
const tripped = (sim: SimAccount) => JSON.parse(breakerHint("tripped", "orders", arnOf(sim, "orders")));
const reset = (sim: SimAccount) => JSON.parse(breakerHint("reset", "orders", arnOf(sim, "orders")));

/** The breaker function over `sim`, with the hints queue in its environment as the stack sets it. */
function breakerFunction(aws: Aws, hintsQueueUrl: string, policy: BreakerPolicy = AUTO_RESET) {
  const { logger, lines } = capturingLogger();
  const handle = createBreakerHandler({ aws: () => aws, logger, policy: () => policy, hintsQueueUrl });
  return { handle, lines };
}

/** Moves the trip alarm to `state` now and returns the event CloudWatch sends to EventBridge. */
function transition(sim: SimAccount, state: "ALARM" | "OK") {
  const alarm = sim.alarms.get(TRIP_ALARM)!;
  alarm.state = state;
  alarm.stateUpdatedAt = sim.clock.now();
  return alarmEvent(TRIP_ALARM, state, new Date(sim.clock.now()), { region: REGION, functionName: "orders" });
}

describe("the breaker function hints the reconcile", () => {
  it("a trip sends exactly one hint, naming the function; a duplicate event sends none", async () => {
    const { sim, aws, hintsQueueUrl } = account();
    await createTripAlarms(aws);
    const { handle } = breakerFunction(aws, hintsQueueUrl);
    sim.advanceTime(MINUTE);
    const alarm = transition(sim, "ALARM");
    const result = await handle(alarm);
    expect(result).toMatchObject({ status: "acted", outcomes: [{ result: "tripped", warnings: [] }] });
    expect(sim.functions.get("orders")!.reservedConcurrency).toBe(0);
    expect(hints(sim, hintsQueueUrl)).toEqual([tripped(sim)]);

    // EventBridge delivers at least once: the same event again finds the breaker open and sends nothing.
    expect((await handle(alarm)).outcomes[0]?.result).toBe("already-open");
    expect(hints(sim, hintsQueueUrl)).toHaveLength(1);

    // The reconcile's log names what asked for the run.
    expect(parseTrigger(takeBatch(sim, hintsQueueUrl))).toEqual({
      trigger: { kind: "hints", events: ["watchkeeper.breaker BreakerTripped orders"] },
    });
  });

  it("a reset (the trip alarm back to OK, with auto-reset) sends exactly one hint", async () => {
    const { sim, aws, hintsQueueUrl } = account();
    await createTripAlarms(aws);
    const { handle } = breakerFunction(aws, hintsQueueUrl);
    sim.advanceTime(MINUTE);
    await handle(transition(sim, "ALARM"));
    takeBatch(sim, hintsQueueUrl);
    sim.advanceTime(MINUTE);
    const ok = transition(sim, "OK");
    expect((await handle(ok)).outcomes[0]).toMatchObject({ result: "reset", restored: 25, warnings: [] });
    expect(sim.functions.get("orders")!.reservedConcurrency).toBe(25);
    expect(hints(sim, hintsQueueUrl)).toEqual([reset(sim)]);
    expect((await handle(ok)).outcomes[0]?.result).toBe("ignored");
    expect(hints(sim, hintsQueueUrl)).toHaveLength(1);
  });

  it("a hint that cannot be sent (SendMessage denied) is a warning: the trip stands, the reset too", async () => {
    const { sim, aws, hintsQueueUrl } = account();
    await createTripAlarms(aws);
    const denied: FaultPlan = { rules: [{ service: "sqs", api: "SendMessage", fault: "denied" }] };
    const { handle, lines } = breakerFunction(simulatedAws(sim, { faults: denied }), hintsQueueUrl);
    sim.advanceTime(MINUTE);
    const result = await handle(transition(sim, "ALARM"));
    const warning =
      /^could not ask the reconcile for a run \(sqs SendMessage failed: AccessDenied.*\): the alarms follow the open breaker at the next scheduled run$/;
    expect(result.status).toBe("acted");
    expect(result.outcomes[0]).toMatchObject({
      result: "tripped",
      warnings: [expect.stringMatching(warning)],
    });
    expect(sim.functions.get("orders")!.reservedConcurrency).toBe(0);
    expect(await tripAlarmRecord(aws, "orders")).toMatchObject({
      [BREAKER_TAGS.state]: "open",
      [BREAKER_TAGS.previous]: "25",
    });
    expect(hints(sim, hintsQueueUrl)).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: LEVEL.warn, msg: expect.stringMatching(warning) }),
    );
    expect(lines.filter((line) => line.level >= LEVEL.error)).toEqual([]);

    sim.advanceTime(MINUTE);
    const closed = await handle(transition(sim, "OK"));
    expect(closed).toMatchObject({ status: "acted", outcomes: [{ result: "reset" }] });
    expect(closed.outcomes[0]?.warnings).toEqual([
      expect.stringMatching(/^could not ask the reconcile for a run .*the alarms follow the closed breaker/),
    ]);
    expect(sim.functions.get("orders")!.reservedConcurrency).toBe(25);
    expect(await tripAlarmRecord(aws, "orders")).not.toHaveProperty(BREAKER_TAGS.state);
  });
});

describe("the library asks for a run when it is given a way to", () => {
  it("a person's trip and reset send one hint each; dry runs, refusals and no-ops send none", async () => {
    const { sim, aws, hintsQueueUrl } = account();
    await createTripAlarms(aws);
    const options = { ...person, askForReconcile: breakerHints(aws, hintsQueueUrl) };

    expect(await tripBreaker(aws, "orders", { ...options, dryRun: true })).toMatchObject({
      result: "tripped",
      dryRun: true,
    });
    expect(await tripBreaker(aws, "catalog", options)).toMatchObject({ result: "refused" });
    expect(hints(sim, hintsQueueUrl)).toEqual([]);

    expect(await tripBreaker(aws, "orders", options)).toMatchObject({ result: "tripped", warnings: [] });
    expect(await tripBreaker(aws, "orders", options)).toMatchObject({ result: "already-open" });
    expect(hints(sim, hintsQueueUrl)).toEqual([tripped(sim)]);

    expect(await resetBreaker(aws, "orders", { ...options, dryRun: true })).toMatchObject({ dryRun: true });
    expect(await resetBreaker(aws, "orders", options)).toMatchObject({ result: "reset", warnings: [] });
    expect(await resetBreaker(aws, "orders", options)).toMatchObject({ result: "already-closed" });
    expect(hints(sim, hintsQueueUrl)).toEqual([tripped(sim), reset(sim)]);

    // Without one (the CLI, runbook-action): no hint, no warning; the scheduled reconcile catches up.
    expect(await tripBreaker(aws, "orders", person)).toMatchObject({ result: "tripped", warnings: [] });
    expect(hints(sim, hintsQueueUrl)).toHaveLength(2);
  });
});

describe("end to end: breaker → hint → reconcile → the throttles aggregate", () => {
  /** The throttles aggregate's Metrics Insights query, as the reconcile last wrote it. */
  function throttlesQuery(sim: SimAccount): string {
    const alarm = sim.alarms.get(THROTTLES);
    if (!alarm) throw new Error(`no alarm ${THROTTLES}`);
    return alarm.config.Metrics?.[0]?.Expression ?? "";
  }

  it("the run a trip asks for leaves the function out; the run its reset asks for takes it back", async () => {
    const { sim, aws, hintsQueueUrl } = account();
    const { logger, lines } = capturingLogger();
    const reconcile = createReconcileHandler({
      aws: () => aws,
      config: () => parseConfig({}),
      logger,
      hintsQueueUrl,
    });
    // The scheduled run creates the trip alarms and the aggregate, every function in it.
    expect(await reconcile(SCHEDULED)).toMatchObject({ status: "complete", failed: 0 });
    expect(throttlesQuery(sim)).toBe(
      'SELECT SUM(Throttles) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 500',
    );

    const { handle } = breakerFunction(aws, hintsQueueUrl);
    sim.advanceTime(MINUTE);
    await handle(transition(sim, "ALARM"));
    expect(sim.functions.get("orders")!.reservedConcurrency).toBe(0);
    // The hint's batch is the reconcile's next run (two minutes later, when the batch window closes).
    sim.advanceTime(2 * MINUTE);
    const afterTrip = await reconcile(takeBatch(sim, hintsQueueUrl));
    // The throttles aggregate changes (and the dashboard that draws it); nothing else does.
    expect(afterTrip).toMatchObject({ status: "complete", failed: 0, applied: 2 });
    expect(throttlesQuery(sim)).toBe(
      "SELECT SUM(Throttles) FROM SCHEMA(\"AWS/Lambda\", FunctionName) WHERE FunctionName != 'orders' GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 500",
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: "reconcile started",
        trigger: { kind: "hints", events: ["watchkeeper.breaker BreakerTripped orders"] },
      }),
    );
    // The record stays on the trip alarm: the reconcile kept it.
    expect(await tripAlarmRecord(aws, "orders")).toMatchObject({ [BREAKER_TAGS.state]: "open" });

    sim.advanceTime(10 * MINUTE);
    await handle(transition(sim, "OK"));
    expect(sim.functions.get("orders")!.reservedConcurrency).toBe(25);
    sim.advanceTime(2 * MINUTE);
    const afterReset = await reconcile(takeBatch(sim, hintsQueueUrl));
    expect(afterReset).toMatchObject({ status: "complete", failed: 0, applied: 2 });
    expect(throttlesQuery(sim)).toBe(
      'SELECT SUM(Throttles) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 500',
    );
    expect(lines.at(-1)).toMatchObject({ msg: "reconcile finished" });
    // Nothing asked for a further run.
    expect(hints(sim, hintsQueueUrl)).toEqual([]);
  });
});
