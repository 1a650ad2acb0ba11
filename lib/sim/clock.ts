import type { Clock } from "../aws/clock.js";

/** 2025-01-01T00:00:00Z: a fixed start, so timestamps in a simulated run are the same every time. */
export const SIM_EPOCH = Date.UTC(2025, 0, 1);

interface Sleeper {
  readonly at: number;
  readonly seq: number;
  readonly wake: () => void;
}

/**
 * Virtual time for the pacer, the quota buckets and everything in a `SimAccount` that ages (visibility
 * timeouts, message move tasks). `sleep` costs no wall time: time jumps to the earliest sleeper's wake-up
 * once every other piece of work has run (a discrete-event scheduler), so concurrent sleepers wake in
 * order and each sees the time it asked for — which is what keeps the pacer's schedule and the quota
 * buckets in step.
 */
export class VirtualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly sleepers: Sleeper[] = [];
  private stepPending = false;
  private held = 0;

  constructor(start: number = SIM_EPOCH) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (!(ms > 0) || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = { at: this.time + ms, seq: this.seq++, wake: resolve };
      this.insert(sleeper);
      this.scheduleStep();
      // Taken out at once: a forgotten sleeper would make time jump to it once everything else waits.
      signal?.addEventListener(
        "abort",
        () => {
          const index = this.sleepers.indexOf(sleeper);
          if (index >= 0) this.sleepers.splice(index, 1);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Moves time forward now (tests use it to let visibility timeouts and move tasks run), waking sleepers that are due. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`cannot advance a clock by ${ms} ms`);
    this.time += ms;
    this.wakeDue();
  }

  /**
   * Work under way that real timers drive (the SDK's 0 ms wait between retry attempts) and that would
   * otherwise look like everyone waiting: time does not jump until the returned release is called.
   */
  hold(): () => void {
    this.held += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= 1;
      if (this.held === 0 && this.sleepers.length > 0) this.scheduleStep();
    };
  }

  /** Sleepers not yet woken. */
  get pending(): number {
    return this.sleepers.length;
  }

  private insert(sleeper: Sleeper): void {
    // Binary search on (at, seq): most sleepers come in wake-up order, so this mostly appends.
    let lo = 0;
    let hi = this.sleepers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.sleepers[mid]!;
      if (other.at < sleeper.at || (other.at === sleeper.at && other.seq < sleeper.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.sleepers.splice(lo, 0, sleeper);
  }

  private scheduleStep(): void {
    if (this.stepPending) return;
    this.stepPending = true;
    // setImmediate runs after every pending promise continuation: nothing else can happen "now" any more.
    setImmediate(() => {
      this.stepPending = false;
      if (this.held > 0) return;
      const first = this.sleepers[0];
      if (!first) return;
      this.time = Math.max(this.time, first.at);
      this.wakeDue();
    });
  }

  private wakeDue(): void {
    let due = 0;
    while (due < this.sleepers.length && this.sleepers[due]!.at <= this.time) due++;
    for (const sleeper of this.sleepers.splice(0, due)) sleeper.wake();
    if (this.sleepers.length > 0) this.scheduleStep();
  }
}
