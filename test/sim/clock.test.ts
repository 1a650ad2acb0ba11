import { describe, expect, it } from "vitest";
import { SIM_EPOCH, VirtualClock } from "../../lib/sim/index.js";

describe("VirtualClock", () => {
  it("starts at a fixed epoch and sleeps an hour without waiting for it", async () => {
    const clock = new VirtualClock();
    expect(clock.now()).toBe(SIM_EPOCH);
    await clock.sleep(3_600_000);
    expect(clock.now()).toBe(SIM_EPOCH + 3_600_000);
  });

  it("treats zero and negative sleeps as no time", async () => {
    const clock = new VirtualClock(1000);
    await clock.sleep(0);
    await clock.sleep(-5);
    expect(clock.now()).toBe(1000);
  });

  it("wakes concurrent sleepers in order, each at the time it asked for", async () => {
    const clock = new VirtualClock(0);
    const woke: [string, number][] = [];
    const sleeper = async (name: string, ms: number) => {
      await clock.sleep(ms);
      woke.push([name, clock.now()]);
    };
    await Promise.all([sleeper("c", 300), sleeper("a", 100), sleeper("b", 200), sleeper("a2", 100)]);
    expect(woke).toEqual([
      ["a", 100],
      ["a2", 100],
      ["b", 200],
      ["c", 300],
    ]);
    expect(clock.pending).toBe(0);
  });

  it("lets a sleeper that wakes schedule more sleep before later sleepers run", async () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    const chain = async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(10);
        seen.push(clock.now());
      }
    };
    const late = clock.sleep(25).then(() => seen.push(-clock.now()));
    await Promise.all([chain(), late]);
    expect(seen).toEqual([10, 20, -25, 30]);
  });

  it("advance moves time at once and wakes the sleepers that are due", async () => {
    const clock = new VirtualClock(0);
    let woke = false;
    const sleeping = clock.sleep(50).then(() => (woke = true));
    clock.advance(40);
    await Promise.resolve();
    expect(woke).toBe(false);
    clock.advance(10);
    await sleeping;
    expect(woke).toBe(true);
    expect(clock.now()).toBe(50);
    expect(() => clock.advance(-1)).toThrow(/cannot advance/);
  });

  it("ends an aborted sleep at once and forgets it, so time never jumps to it", async () => {
    const clock = new VirtualClock(0);
    const stop = new AbortController();
    const long = clock.sleep(60_000, stop.signal);
    stop.abort();
    await long;
    expect(clock.pending).toBe(0);
    await clock.sleep(5);
    expect(clock.now()).toBe(5);
  });

  it("does not jump while work a real timer drives is held, and goes on once it is released", async () => {
    const clock = new VirtualClock(0);
    const release = clock.hold();
    let woke = false;
    const sleeping = clock.sleep(100).then(() => (woke = true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(woke).toBe(false);
    expect(clock.now()).toBe(0);
    release();
    await sleeping;
    expect(clock.now()).toBe(100);
  });
});
