/**
 * The circuit breaker on alarms that got there by evaluation: the trip alarms are created as a reconcile
 * creates them, Lambda's Errors and Invocations arrive, `evaluateAlarms` moves the error-rate alarm, and
 * every "CloudWatch Alarm State Change" event the account recorded goes to the real breaker handler, as
 * the EventBridge rule would deliver it.
 */
import { describe, expect, it } from "vitest";
import { createBreakerHandler, type BreakerEventResult } from "../../functions/breaker.js";
import { resolveBreakerPolicy } from "../../lib/breaker/policy.js";
import { silentLogger } from "../../lib/log.js";
import { SimAccount, simulatedAws } from "../../lib/sim/index.js";
import { createTripAlarms } from "../support/breaker.js";

const MINUTE = 60_000;
const TRIP_ALARM = "watchkeeper-breaker-error-rate-orders";

async function account() {
  const sim = new SimAccount({ region: "eu-south-1", seed: "breaker-evaluated" });
  sim.addFunction({ name: "orders", reservedConcurrency: 25, tags: { "watchkeeper:breaker": "sync" } });
  const aws = simulatedAws(sim);
  const policy = resolveBreakerPolicy({ autoReset: true, coolDownSeconds: 0, halfOpenConcurrency: 0 });
  await createTripAlarms(aws, policy);
  const handle = createBreakerHandler({ aws: () => aws, logger: silentLogger, policy: () => policy });
  let delivered = 0;
  return {
    sim,
    /** Evaluates the alarms and hands the breaker each event not delivered yet, in order. */
    async evaluateAndDeliver(): Promise<{ alarm: string; state: string; result: BreakerEventResult }[]> {
      sim.evaluateAlarms();
      const events = sim.alarmEvents.slice(delivered);
      delivered = sim.alarmEvents.length;
      const results = [];
      for (const event of events)
        results.push({
          alarm: event.detail.alarmName,
          state: event.detail.state.value,
          result: await handle(event),
        });
      return results;
    },
  };
}

/** `invocations` and `errors` of `orders` in each of the next `minutes` minutes, then the clock past them. */
function traffic(sim: SimAccount, minutes: number, invocations: number, errors: number): void {
  for (let minute = 0; minute < minutes; minute++) {
    for (const [metricName, value] of [
      ["Invocations", invocations],
      ["Errors", errors],
    ] as const)
      sim.emitMetric({
        namespace: "AWS/Lambda",
        metricName,
        dimensions: { FunctionName: "orders" },
        values: [value],
      });
    sim.advanceTime(MINUTE);
  }
}

describe("breaker on evaluated trip alarms", () => {
  it("trips orders when half its invocations fail for 3 minutes, and closes it when the alarm is OK again", async () => {
    const { sim, evaluateAndDeliver } = await account();

    // Healthy traffic first: the error-rate alarm leaves INSUFFICIENT_DATA for OK, which the breaker ignores
    // (the anomaly alarm's 5-minute period has not ended yet).
    traffic(sim, 2, 100, 0);
    const healthy = await evaluateAndDeliver();
    expect(healthy.map((d) => [d.alarm, d.state, d.result.status])).toEqual([[TRIP_ALARM, "OK", "ignored"]]);
    expect(sim.functions.get("orders")?.reservedConcurrency).toBe(25);

    traffic(sim, 3, 100, 50);
    const storm = await evaluateAndDeliver();
    expect(storm.map((d) => [d.alarm, d.state])).toEqual([[TRIP_ALARM, "ALARM"]]);
    expect(storm[0]?.result).toMatchObject({ status: "acted", outcomes: [{ result: "tripped" }] });
    expect(sim.alarms.get(TRIP_ALARM)?.state).toBe("ALARM");
    expect(sim.functions.get("orders")?.reservedConcurrency).toBe(0);

    // Tripped, orders gets no invocations. The alarm judges the latest datapoints its range holds, so it stays
    // in ALARM until 3 minutes without any leave no breaching ones (missing data is not breaching).
    sim.advanceTime(2 * MINUTE);
    expect(await evaluateAndDeliver()).toEqual([]);
    sim.advanceTime(MINUTE);
    const recovered = await evaluateAndDeliver();
    expect(recovered.map((d) => [d.alarm, d.state])).toEqual([[TRIP_ALARM, "OK"]]);
    expect(recovered[0]?.result).toMatchObject({ status: "acted", outcomes: [{ result: "reset" }] });
    expect(sim.functions.get("orders")?.reservedConcurrency).toBe(25);
  });
});
