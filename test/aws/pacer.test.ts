import { describe, expect, it } from "vitest";
import type { Clock } from "../../lib/aws/clock.js";
import { Pacer } from "../../lib/aws/pacer.js";
import { quotaBucket } from "../../lib/aws/quotas.js";

/** Time moves only when someone sleeps: enough to see where the pacer puts each call. */
function steppedClock(): Clock {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += Math.max(0, ms);
    },
  };
}

describe("Pacer", () => {
  it("spaces calls to one API at its quota times the headroom", async () => {
    const clock = steppedClock();
    const pacer = new Pacer(clock, 0.5);
    // PutMetricAlarm: 3 per second; at half the quota, 1.5 per second → 10 calls take 6 s of waiting.
    for (let i = 0; i < 10; i++) await pacer.take("cloudwatch", "PutMetricAlarm");
    expect(clock.now()).toBeCloseTo((9 * 1000) / 1.5, 5);
    expect(pacer.calls()).toEqual([{ service: "cloudwatch", api: "PutMetricAlarm", calls: 10 }]);
  });

  it("gives APIs with their own quota their own schedule", async () => {
    const clock = steppedClock();
    const pacer = new Pacer(clock, 1);
    await pacer.take("cloudwatch", "PutMetricAlarm");
    const afterFirst = clock.now();
    await pacer.take("cloudwatch", "DescribeAlarms");
    expect(clock.now()).toBe(afterFirst);
  });

  it("makes APIs under one shared quota wait for each other", async () => {
    expect(quotaBucket("lambda", "ListFunctions")).toBe(quotaBucket("lambda", "ListEventSourceMappings"));
    const clock = steppedClock();
    const pacer = new Pacer(clock, 1);
    // Lambda's control plane: 15 per second across all APIs; 16 calls alternating two APIs span 1 s.
    for (let i = 0; i < 8; i++) {
      await pacer.take("lambda", "ListFunctions");
      await pacer.take("lambda", "ListEventSourceMappings");
    }
    expect(clock.now()).toBeCloseTo((15 * 1000) / 15, 5);
  });

  it("queues concurrent callers instead of letting them burst", async () => {
    const slots: number[] = [];
    const clock: Clock = {
      now: () => 0,
      sleep: async (ms) => {
        slots.push(ms);
      },
    };
    const pacer = new Pacer(clock, 1);
    await Promise.all([1, 2, 3, 4].map(() => pacer.take("logs", "PutRetentionPolicy")));
    expect(slots).toEqual([0, 200, 400, 600]);
  });
});
